package org.sockstack.api;

/** {@link ConcurrencyBehaviour} over the host world. */
class HostConcurrencyTest extends ConcurrencyBehaviour {
    @Override
    Worlds.World newWorld() {
        return Worlds.host();
    }
}
