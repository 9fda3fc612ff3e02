package org.sockstack.api;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.sockstack.spi.WsaData;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.sockstack.spi.wsa.Wsa.makeVersion;

/**
 * The fixture the C-style behaviour classes share: a fresh {@link Worlds.World} per test (host
 * or user-space stacks, chosen by the subclass) with its two Winsock processes {@code a} and
 * {@code b}, closed after the test so no stack or socket outlives it.
 */
abstract class TwoProcessBehaviour {
    Worlds.World world;
    Winsock a;
    Winsock b;

    abstract Worlds.World newWorld();

    @BeforeEach
    void openWorld() {
        world = newWorld();
        a = world.a();
        b = world.b();
    }

    @AfterEach
    void closeWorld() {
        world.close();
    }

    /** WSAStartup 2.2 in both processes (tests of the calls before WSAStartup leave it out). */
    void startBoth() {
        assertEquals(0, a.WSAStartup(makeVersion(2, 2), new WsaData()));
        assertEquals(0, b.WSAStartup(makeVersion(2, 2), new WsaData()));
    }
}
