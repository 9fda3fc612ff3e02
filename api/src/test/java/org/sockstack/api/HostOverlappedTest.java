package org.sockstack.api;

/** Overlapped I/O over the host provider (loopback): the reference. */
class HostOverlappedTest extends OverlappedBehaviour {
    @Override
    Worlds.World newWorld() {
        return Worlds.host();
    }
}
