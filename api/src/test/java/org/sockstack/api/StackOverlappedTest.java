package org.sockstack.api;

/** Overlapped I/O over two user-space stacks (192.0.2.1 and 192.0.2.2 on a channel pair). */
class StackOverlappedTest extends OverlappedBehaviour {
    @Override
    Worlds.World newWorld() {
        return Worlds.stacks();
    }
}
