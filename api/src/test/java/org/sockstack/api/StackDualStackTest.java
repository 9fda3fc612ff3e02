package org.sockstack.api;

/** {@link DualStackBehaviour} over two user-space stacks with IPv4 and IPv6 addresses. */
class StackDualStackTest extends DualStackBehaviour {
    @Override
    Worlds.World newWorld() {
        return DualStackWorlds.stacks();
    }
}
