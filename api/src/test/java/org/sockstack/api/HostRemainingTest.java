package org.sockstack.api;

/** The remaining ws2_32 functions over the host provider (loopback). */
class HostRemainingTest extends RemainingBehaviour {
    @Override
    Worlds.World newWorld() {
        return Worlds.host();
    }
}
