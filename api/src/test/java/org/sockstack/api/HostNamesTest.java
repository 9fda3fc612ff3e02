package org.sockstack.api;

/** The name-service calls in a process over the host provider. */
class HostNamesTest extends NamesBehaviour {
    @Override
    Worlds.World newWorld() {
        return Worlds.host();
    }
}
