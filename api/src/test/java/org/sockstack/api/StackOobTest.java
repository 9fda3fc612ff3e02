package org.sockstack.api;

/** Out-of-band data over two user-space stacks: TCP urgent data, in line and out of band. */
class StackOobTest extends OobBehaviour {
    @Override
    Worlds.World newWorld() {
        return Worlds.stacks();
    }

    @Override
    boolean readsOutOfBand() {
        return true;
    }
}
