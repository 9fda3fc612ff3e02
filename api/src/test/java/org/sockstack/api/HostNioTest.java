package org.sockstack.api;

import org.junit.jupiter.api.Test;

import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The NIO behaviour over the host provider (loopback): the reference. */
class HostNioTest extends NioBehaviour {
    @Override
    Worlds.World newWorld() {
        return Worlds.host();
    }

    @Override
    boolean hasLoopback() {
        return true;
    }

    /** The host provider knows every option the facade maps. */
    @Test
    void everyMappedOptionIsSupported() throws Exception {
        try (SocketChannel c = pb.openSocketChannel(); DatagramChannel d = pb.openDatagramChannel();
             ServerSocketChannel s = pb.openServerSocketChannel()) {
            assertEquals(7, c.supportedOptions().size(), c.supportedOptions()::toString);
            assertEquals(7, d.supportedOptions().size(), d.supportedOptions()::toString);
            assertEquals(2, s.supportedOptions().size(), s.supportedOptions()::toString);
        }
    }
}
