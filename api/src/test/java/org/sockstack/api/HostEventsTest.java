package org.sockstack.api;

/** Events, event select, asynchronous select and WSAPoll over the host provider (loopback). */
class HostEventsTest extends EventsBehaviour {
    @Override
    Worlds.World newWorld() {
        return Worlds.host();
    }
}
