package org.sockstack.api;

/** Options, control codes and multipoint over the host provider (loopback). */
class HostOptionsTest extends OptionsBehaviour {
    @Override
    Worlds.World newWorld() {
        return Worlds.host();
    }
}
