package org.sockstack.api;

/** {@link ExtensionsFixBehaviour} over two user-space stacks. */
class StackExtensionsFixTest extends ExtensionsFixBehaviour {
    @Override
    Worlds.World newWorld() {
        return Worlds.stacks();
    }

    @Override
    boolean rawSockets() {
        return true;
    }
}
