package org.sockstack.testbed.apps;

/** The multicast chat over the user-space stacks. */
class StackChatTest extends ChatBehaviour {
    @Override
    Worlds.World makeWorld() {
        return Worlds.stacks();
    }
}
