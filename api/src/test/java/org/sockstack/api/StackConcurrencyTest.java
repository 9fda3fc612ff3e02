package org.sockstack.api;

/** {@link ConcurrencyBehaviour} over the stack world. */
class StackConcurrencyTest extends ConcurrencyBehaviour {
    @Override
    Worlds.World newWorld() {
        return Worlds.stacks();
    }
}
