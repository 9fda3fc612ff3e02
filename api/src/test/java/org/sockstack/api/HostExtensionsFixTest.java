package org.sockstack.api;

/** {@link ExtensionsFixBehaviour} over the host provider (loopback). */
class HostExtensionsFixTest extends ExtensionsFixBehaviour {
    @Override
    Worlds.World newWorld() {
        return Worlds.host();
    }

    @Override
    boolean rawSockets() {
        return false;
    }
}
