package org.sockstack.api;

/** Options, control codes and multipoint over the two user-space stacks. */
class StackOptionsTest extends OptionsBehaviour {
    @Override
    Worlds.World newWorld() {
        return Worlds.stacks();
    }
}
