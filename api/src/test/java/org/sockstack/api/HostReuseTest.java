package org.sockstack.api;

/** {@link ReuseBehaviour} over the host world. */
class HostReuseTest extends ReuseBehaviour {
    @Override
    Worlds.World newWorld() {
        return Worlds.host();
    }
}
