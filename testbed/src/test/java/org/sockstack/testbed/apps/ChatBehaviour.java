package org.sockstack.testbed.apps;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sockstack.api.Winsock;
import org.sockstack.spi.WsaData;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;
import org.sockstack.spi.wsa.Wsa;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link MulticastChat} in both worlds ({@link HostChatTest}, {@link StackChatTest}): two members
 * on A and B hear each other, with the sender's address, and not themselves.
 */
@Timeout(60)
abstract class ChatBehaviour {
    static final InetAddress GROUP = Worlds.ip("239.7.7.7");

    Worlds.World world;
    final ByteArrayOutputStream aliceText = new ByteArrayOutputStream();
    final ByteArrayOutputStream bobText = new ByteArrayOutputStream();

    abstract Worlds.World makeWorld();

    @BeforeEach
    void setUp() {
        world = makeWorld();
    }

    @AfterEach
    void tearDown() {
        world.close();
    }

    static String text(ByteArrayOutputStream b) {
        return b.toString(StandardCharsets.UTF_8);
    }

    /** A UDP port free on B: bound, then closed again. */
    int freePort() {
        Winsock ws = world.b();
        ws.WSAStartup(Wsa.makeVersion(2, 2), new WsaData());
        long s = ws.socket(Wsa.AF_INET, Wsa.SOCK_DGRAM, Wsa.IPPROTO_UDP);
        ws.bind(s, SockAddr.inet(world.addrB(), 0));
        Ref<SockAddr> name = new Ref<>();
        ws.getsockname(s, name);
        ws.closesocket(s);
        ws.WSACleanup();
        return name.value.toInet().getPort();
    }

    /** Says {@code line} until {@code listener}'s output shows {@code expected} (bounded). */
    static void sayUntilHeard(MulticastChat speaker, String line, ByteArrayOutputStream listener, String expected)
            throws InterruptedException {
        for (int i = 0; i < 50 && !text(listener).contains(expected); i++) {
            if (i % 10 == 0) {
                assertTrue(speaker.say(line));
            }
            Thread.sleep(20);
        }
        assertTrue(text(listener).contains(expected), text(listener));
    }

    @Test
    void membersHearEachOtherWithTheSendersAddress() throws Exception {
        int port = freePort();
        String a = world.addrA().getHostAddress();
        String b = world.addrB().getHostAddress();
        try (MulticastChat alice = MulticastChat.join(world.a(), GROUP, port, world.addrA(), "alice",
                new PrintStream(aliceText, true, StandardCharsets.UTF_8));
             MulticastChat bob = MulticastChat.join(world.b(), GROUP, port, world.addrB(), "bob",
                     new PrintStream(bobText, true, StandardCharsets.UTF_8))) {
            assertNotNull(alice, text(aliceText));
            assertNotNull(bob, text(bobText));
            sayUntilHeard(alice, "hello", bobText, "[" + a + ":" + port + "] alice: hello\n");
            sayUntilHeard(bob, "hi alice", aliceText, "[" + b + ":" + port + "] bob: hi alice\n");
        }
        assertFalse(text(aliceText).contains("alice:"), text(aliceText));
        assertFalse(text(bobText).contains("bob:"), text(bobText));
        // The first line each heard, addresses aside, is the same in both worlds.
        assertEquals("[ADDR:PORT] alice: hello",
                text(bobText).lines().findFirst().orElseThrow().replaceAll("\\[[^]]+]", "[ADDR:PORT]"));
    }

    @Test
    void joiningWithAnAddressThatIsNotLocalFails() {
        MulticastChat c = MulticastChat.join(world.a(), GROUP, freePort(), Worlds.ip("198.51.100.9"), "x",
                new PrintStream(aliceText, true, StandardCharsets.UTF_8));
        assertEquals(null, c);
        assertEquals("IP_ADD_MEMBERSHIP failed: WSAEADDRNOTAVAIL\n", text(aliceText));
    }
}
