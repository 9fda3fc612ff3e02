package org.sockstack.testbed.apps;

/** The multicast chat over the host provider (127.0.0.1). */
class HostChatTest extends ChatBehaviour {
    @Override
    Worlds.World makeWorld() {
        return Worlds.host();
    }
}
