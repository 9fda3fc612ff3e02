package org.sockstack.api;

/** The Winsock behaviour over two user-space stacks (192.0.2.1 and 192.0.2.2 on a channel pair). */
class StackWinsockTest extends WinsockBehaviour {
    @Override
    Worlds.World newWorld() {
        return Worlds.stacks();
    }
}
