package org.sockstack.api;

/** Out-of-band data over the host provider (loopback): sent as urgent data, received only in line. */
class HostOobTest extends OobBehaviour {
    @Override
    Worlds.World newWorld() {
        return Worlds.host();
    }

    @Override
    boolean readsOutOfBand() {
        return false;
    }
}
