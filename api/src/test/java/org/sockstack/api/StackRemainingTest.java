package org.sockstack.api;

/** The remaining ws2_32 functions over two user-space stacks. */
class StackRemainingTest extends RemainingBehaviour {
    @Override
    Worlds.World newWorld() {
        return Worlds.stacks();
    }
}
