package org.sockstack.api;

/** Events, event select, asynchronous select and WSAPoll over two user-space stacks. */
class StackEventsTest extends EventsBehaviour {
    @Override
    Worlds.World newWorld() {
        return Worlds.stacks();
    }
}
