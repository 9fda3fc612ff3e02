package org.sockstack.api;

/** {@link ReuseBehaviour} over the stack world. */
class StackReuseTest extends ReuseBehaviour {
    @Override
    Worlds.World newWorld() {
        return Worlds.stacks();
    }
}
