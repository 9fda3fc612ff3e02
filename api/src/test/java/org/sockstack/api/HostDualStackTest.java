package org.sockstack.api;

/** {@link DualStackBehaviour} over the host provider (127.0.0.1 and ::1). */
class HostDualStackTest extends DualStackBehaviour {
    @Override
    Worlds.World newWorld() {
        return DualStackWorlds.host();
    }
}
