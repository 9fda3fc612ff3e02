package org.sockstack.api;

/** The Winsock behaviour over the host provider (loopback): the reference. */
class HostWinsockTest extends WinsockBehaviour {
    @Override
    Worlds.World newWorld() {
        return Worlds.host();
    }
}
