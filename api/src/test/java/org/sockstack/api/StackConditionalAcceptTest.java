package org.sockstack.api;

/** SO_CONDITIONAL_ACCEPT over two user-space stacks: the SYN waits for the condition function. */
class StackConditionalAcceptTest extends ConditionalAcceptBehaviour {
    @Override
    Worlds.World newWorld() {
        return Worlds.stacks();
    }

    @Override
    boolean holdsSyns() {
        return true;
    }
}
