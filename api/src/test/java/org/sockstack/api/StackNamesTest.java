package org.sockstack.api;

/** The name-service calls in a process over the user-space stack provider. */
class StackNamesTest extends NamesBehaviour {
    @Override
    Worlds.World newWorld() {
        return Worlds.stacks();
    }
}
