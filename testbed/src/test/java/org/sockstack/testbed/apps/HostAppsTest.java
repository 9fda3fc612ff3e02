package org.sockstack.testbed.apps;

/** The applications over the host provider (the JDK's sockets on 127.0.0.1). */
class HostAppsTest extends AppsBehaviour {
    @Override
    Worlds.World makeWorld() {
        return Worlds.host();
    }

    @Override
    boolean onStack() {
        return false;
    }
}
