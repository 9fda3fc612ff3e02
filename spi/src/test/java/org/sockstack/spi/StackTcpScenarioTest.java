package org.sockstack.spi;

import org.junit.jupiter.api.Test;
import org.sockstack.spi.provider.FdSet;
import org.sockstack.spi.provider.NetworkEvents;
import org.sockstack.spi.provider.WsaEvent;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;
import org.sockstack.stack.tcp.TcpConfig;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.MacAddress;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The TCP scenarios over two user-space stacks joined by a channel-device pair (192.0.2.1/24 and
 * 192.0.2.2/24, real clocks), plus what only the stack provider shows.
 */
class StackTcpScenarioTest extends TcpScenarios {
    @Override
    TestNetworks.Env newEnv() {
        return TestNetworks.stacks();
    }

    /** The TCP/IPv6 entry is served (the IPv6 scenarios are in DifferentialIpv6Test). */
    @Test
    void ipv6StreamSocketsOpen() {
        IntRef e = new IntRef();
        long h = env.a().socket(Wsa.AF_INET6, Wsa.SOCK_STREAM, 0, null, 0, 0, e);
        assertNotEquals(Wsa.INVALID_SOCKET, h, WsaError.name(e.value));
        assertEquals(0, new Net(env.a(), h).close());
    }

    /** SO_KEEPALIVE and the keep-alive times reach the stack's keep-alive timer (Windows' defaults first). */
    @Test
    void keepAliveIsOffered() {
        Net c = tcp(env.a());
        assertEquals(0, c.getInt(Wsa.SOL_SOCKET, Wsa.SO_KEEPALIVE));
        assertEquals(0, c.setInt(Wsa.IPPROTO_TCP, Wsa.TCP_KEEPIDLE, 20));
        assertEquals(0, c.setInt(Wsa.SOL_SOCKET, Wsa.SO_KEEPALIVE, 1));
        assertEquals(1, c.getInt(Wsa.SOL_SOCKET, Wsa.SO_KEEPALIVE));
        assertEquals(20, c.getInt(Wsa.IPPROTO_TCP, Wsa.TCP_KEEPIDLE));
        assertEquals(10, c.getInt(Wsa.IPPROTO_TCP, Wsa.TCP_KEEPCNT));
    }

    /** The stack's buffers are exactly what was asked for (the kernel doubles them: not compared there). */
    @Test
    void bufferSizesAreTheStacks() {
        Net c = tcp(env.a());
        assertEquals(0, c.setInt(Wsa.SOL_SOCKET, Wsa.SO_RCVBUF, 32 * 1024));
        assertEquals(0, c.setInt(Wsa.SOL_SOCKET, Wsa.SO_SNDBUF, 16 * 1024));
        assertEquals(32 * 1024, c.getInt(Wsa.SOL_SOCKET, Wsa.SO_RCVBUF));
        assertEquals(16 * 1024, c.getInt(Wsa.SOL_SOCKET, Wsa.SO_SNDBUF));
        // Beyond the stack's maximum the request is clamped, as Windows does, not refused.
        assertEquals(0, c.setInt(Wsa.SOL_SOCKET, Wsa.SO_SNDBUF, Integer.MAX_VALUE));
        assertEquals(TcpConfig.DEFAULT.maxBuffer(), c.getInt(Wsa.SOL_SOCKET, Wsa.SO_SNDBUF));
        assertEquals(TcpConfig.DEFAULT.ttl(), c.getInt(Wsa.IPPROTO_IP, Wsa.IP_TTL));
    }

    /** A refused non-blocking connect under WSAEventSelect: FD_CONNECT carries WSAECONNREFUSED. */
    @Test
    void aRefusedConnectSignalsFdConnectWithTheError() throws InterruptedException {
        Net l = listener();
        int port = l.port();
        l.close();
        Net c = tcp(env.a());
        WsaEvent ev = new WsaEvent();
        IntRef e = new IntRef();
        assertEquals(0, c.provider().eventSelect(c.handle, ev, Wsa.FD_CONNECT | Wsa.FD_WRITE, e));
        assertEquals(WsaError.WSAEWOULDBLOCK, c.connect(env.addrB(), port));
        NetworkEvents ne = new NetworkEvents();
        awaitEvents(c, ev, ne, Wsa.FD_CONNECT);
        assertEquals(WsaError.WSAECONNREFUSED, ne.errorCode[Wsa.FD_CONNECT_BIT]);
        assertEquals(0, ne.networkEvents & Wsa.FD_WRITE);
    }

    /**
     * RFC 9293 3.8.1 / RFC 6298: a SYN nobody answers is retransmitted and then given up. Over a
     * stack with one SYN retransmission and 100 ms RTO, a silent host (its link-layer address is
     * known, nothing answers) times the connect out: WSAETIMEDOUT, blocking and non-blocking.
     */
    @Test
    void aConnectToNobodyTimesOut() {
        TcpConfig fast = TcpConfig.DEFAULT.withRetries(1, 2)
                .withRto(TimeUnit.MILLISECONDS.toNanos(100), TimeUnit.MILLISECONDS.toNanos(100),
                        TimeUnit.MILLISECONDS.toNanos(200));
        try (TestNetworks.Env quick = TestNetworks.stacks(fast, c -> { })) {
            java.net.InetAddress nobody = TestNetworks.ip("192.0.2.99");
            TestNetworks.StackNode a = quick.nodeA();
            a.loop().submit(() -> {
                a.stack().arp(a.stack().interfaceAt(0)).cache().onUnsolicited(Ipv4Address.parse("192.0.2.99"),
                        MacAddress.parse("02:00:00:00:99:99").bits(), true, a.loop().clock().nanos());
                return null;
            }).join();
            Net c = tcp(quick.a());
            assertEquals(WsaError.WSAETIMEDOUT, c.connect(nobody, 7));
            Net n = tcp(quick.a());
            assertEquals(0, n.ioctlIn(Wsa.FIONBIO, 1));
            assertEquals(WsaError.WSAEWOULDBLOCK, n.connect(nobody, 7));
            FdSet except = FdSet.of(n.handle);
            IntRef e = new IntRef();
            assertEquals(1, n.provider().select(null, null, except, Duration.ofMillis(WAIT_MS), e));
            assertEquals(WsaError.WSAETIMEDOUT, n.getInt(Wsa.SOL_SOCKET, Wsa.SO_ERROR));
        }
    }

    @Test
    void namesOfBothEnds() {
        Net[] p = pair();
        assertEquals(env.addrA(), p[0].local().getAddress());
        assertEquals(env.addrB(), p[1].local().getAddress());
        assertEquals(p[2].port(), p[1].port());
        assertTrue(p[0].port() >= TcpConfig.DEFAULT.ephemeralLow());
    }
}
