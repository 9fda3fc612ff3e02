package org.sockstack.api;

/** SO_CONDITIONAL_ACCEPT over the host provider: kept only, the kernel completes the handshake first. */
class HostConditionalAcceptTest extends ConditionalAcceptBehaviour {
    @Override
    Worlds.World newWorld() {
        return Worlds.host();
    }

    @Override
    boolean holdsSyns() {
        return false;
    }
}
