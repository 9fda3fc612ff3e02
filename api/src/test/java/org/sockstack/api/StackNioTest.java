package org.sockstack.api;

/** The NIO behaviour over two user-space stacks (they have no loopback interface). */
class StackNioTest extends NioBehaviour {
    @Override
    Worlds.World newWorld() {
        return Worlds.stacks();
    }

    @Override
    boolean hasLoopback() {
        return false;
    }
}
