package org.sockstack.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sockstack.spi.provider.FdSet;
import org.sockstack.spi.provider.NetworkEvents;
import org.sockstack.spi.provider.WsaEvent;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.api.Winsock.FD_ISSET;
import static org.sockstack.api.WinsockBehaviour.WAIT;
import static org.sockstack.api.WinsockBehaviour.WAIT_MS;
import static org.sockstack.api.WinsockBehaviour.getInt;
import static org.sockstack.api.WinsockBehaviour.port;
import static org.sockstack.api.WinsockBehaviour.setInt;
import static org.sockstack.api.WinsockBehaviour.socketOk;
import static org.sockstack.spi.wsa.Wsa.AF_INET;
import static org.sockstack.spi.wsa.Wsa.AF_INET6;
import static org.sockstack.spi.wsa.Wsa.FD_CONNECT;
import static org.sockstack.spi.wsa.Wsa.FD_CONNECT_BIT;
import static org.sockstack.spi.wsa.Wsa.FD_WRITE;
import static org.sockstack.spi.wsa.Wsa.FIONBIO;
import static org.sockstack.spi.wsa.Wsa.INVALID_SOCKET;
import static org.sockstack.spi.wsa.Wsa.IPPROTO_IPV6;
import static org.sockstack.spi.wsa.Wsa.IPPROTO_TCP;
import static org.sockstack.spi.wsa.Wsa.IPPROTO_UDP;
import static org.sockstack.spi.wsa.Wsa.IPV6_V6ONLY;
import static org.sockstack.spi.wsa.Wsa.SOCKET_ERROR;
import static org.sockstack.spi.wsa.Wsa.SOCK_DGRAM;
import static org.sockstack.spi.wsa.Wsa.SOCK_STREAM;
import static org.sockstack.spi.wsa.Wsa.SOL_SOCKET;
import static org.sockstack.spi.wsa.Wsa.SO_ERROR;
import static org.sockstack.spi.wsa.Wsa.SO_RCVTIMEO;
import static org.sockstack.spi.wsa.Wsa.SO_SNDBUF;
import static org.sockstack.spi.wsa.WsaError.WSAEADDRNOTAVAIL;
import static org.sockstack.spi.wsa.WsaError.WSAECONNREFUSED;
import static org.sockstack.spi.wsa.WsaError.WSAEINVAL;
import static org.sockstack.spi.wsa.WsaError.WSAENETUNREACH;
import static org.sockstack.spi.wsa.WsaError.WSAEWOULDBLOCK;

/**
 * Two pieces of the Winsock issue, on both worlds:
 * <ul>
 *   <li>connecting again after a failed connect (Windows allows it on the same socket, blocking
 *       or not), and WSAConnectByList going on past a refused address;</li>
 *   <li>dual-stack sockets (IPV6_V6ONLY = 0, RFC 3493 section 3.7): an AF_INET6 socket that takes
 *       IPv4 peers, shown as IPv4-mapped addresses ::ffff:a.b.c.d (RFC 4291 2.5.5.2).</li>
 * </ul>
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
abstract class DualStackBehaviour extends TwoProcessBehaviour {
    DualStackWorlds.DualWorld dual() {
        return (DualStackWorlds.DualWorld) world;
    }

    static SockAddr sin(InetAddress a, int port) {
        return SockAddr.inet(a, port);
    }

    /** ::ffff:a.b.c.d:port as a sockaddr_in6. */
    static SockAddr mapped(InetAddress v4, int port) {
        byte[] b = new byte[16];
        b[10] = (byte) 0xFF;
        b[11] = (byte) 0xFF;
        System.arraycopy(v4.getAddress(), 0, b, 12, 4);
        try {
            return SockAddr.inet(java.net.Inet6Address.getByAddress(null, b, -1), port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static SockAddr any6(int port) {
        return sin(Worlds.ip("::"), port);
    }

    /** A port on B where nothing listens (a listener opened and closed). */
    int closedPortOnB() {
        long l = socketOk(b, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, b.bind(l, sin(world.addrB(), 0)));
        assertEquals(0, b.listen(l, 5));
        int p = port(b, l);
        assertEquals(0, b.closesocket(l));
        return p;
    }

    long listenerOnB(int af, SockAddr at) {
        long l = socketOk(b, af, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, b.bind(l, at), () -> "bind: " + b.WSAGetLastError());
        assertEquals(0, b.listen(l, 5), () -> "listen: " + b.WSAGetLastError());
        return l;
    }

    void sendAll(Winsock ws, long s, String text) {
        byte[] d = text.getBytes(StandardCharsets.US_ASCII);
        assertEquals(d.length, ws.send(s, d, d.length, 0), () -> "send: " + ws.WSAGetLastError());
    }

    String receive(Winsock ws, long s, int n) {
        setInt(ws, s, SOL_SOCKET, SO_RCVTIMEO, WAIT_MS);
        byte[] buf = new byte[n];
        int got = 0;
        while (got < n) {
            byte[] part = new byte[n - got];
            int k = ws.recv(s, part, part.length, 0);
            assertTrue(k > 0, () -> "recv: " + ws.WSAGetLastError());
            System.arraycopy(part, 0, buf, got, k);
            got += k;
        }
        return new String(buf, StandardCharsets.US_ASCII);
    }

    // ================================================================== connect again

    @Test
    void aBlockingConnectWorksAgainAfterARefusedOneKeepingTheBindAndOptions() {
        startBoth();
        int closed = closedPortOnB();
        long c = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        setInt(a, c, SOL_SOCKET, SO_SNDBUF, 32 * 1024);
        assertEquals(0, a.bind(c, sin(world.addrA(), 0)));
        int local = port(a, c);
        assertEquals(SOCKET_ERROR, a.connect(c, sin(world.addrB(), closed)));
        assertEquals(WSAECONNREFUSED, a.WSAGetLastError());
        assertEquals(SOCKET_ERROR, a.connect(c, sin(world.addrB(), closed)), "a second refusal");
        assertEquals(WSAECONNREFUSED, a.WSAGetLastError());
        long l = listenerOnB(AF_INET, sin(world.addrB(), 0));
        assertEquals(0, a.connect(c, sin(world.addrB(), port(b, l))), () -> "connect again: " + a.WSAGetLastError());
        long s = b.accept(l, null);
        assertNotEquals(INVALID_SOCKET, s);
        assertEquals(local, port(a, c), "the explicit bind survives the failed connect");
        assertEquals(32 * 1024, getInt(a, c, SOL_SOCKET, SO_SNDBUF), "the options survive too");
        sendAll(a, c, "again");
        assertEquals("again", receive(b, s, 5));
    }

    @Test
    void aNonBlockingConnectWorksAgainAfterTheExceptSetReportedARefusal() {
        startBoth();
        int closed = closedPortOnB();
        long c = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, a.ioctlsocket(c, FIONBIO, new IntRef(1)));
        assertEquals(SOCKET_ERROR, a.connect(c, sin(world.addrB(), closed)));
        assertEquals(WSAEWOULDBLOCK, a.WSAGetLastError());
        FdSet w = FdSet.of(c);
        FdSet x = FdSet.of(c);
        assertEquals(1, a.select(0, null, w, x, WAIT));
        assertTrue(FD_ISSET(c, x));
        assertEquals(WSAECONNREFUSED, getInt(a, c, SOL_SOCKET, SO_ERROR));
        long l = listenerOnB(AF_INET, sin(world.addrB(), 0));
        int r = a.connect(c, sin(world.addrB(), port(b, l)));
        if (r != 0) {
            assertEquals(WSAEWOULDBLOCK, a.WSAGetLastError());
            w = FdSet.of(c);
            x = FdSet.of(c);
            assertEquals(1, a.select(0, null, w, x, WAIT));
            assertTrue(FD_ISSET(c, w), "connected this time");
            assertFalse(FD_ISSET(c, x));
        }
        assertEquals(0, getInt(a, c, SOL_SOCKET, SO_ERROR), "the new attempt cleared SO_ERROR");
        assertNotEquals(INVALID_SOCKET, b.accept(l, null));
        Ref<SockAddr> peer = new Ref<>();
        assertEquals(0, a.getpeername(c, peer));
        assertEquals(port(b, l), peer.value.toInet().getPort());
    }

    @Test
    void underEventSelectASecondConnectGivesASecondFdConnect() {
        startBoth();
        int closed = closedPortOnB();
        long c = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, a.bind(c, sin(world.addrA(), 0)));
        WsaEvent e = a.WSACreateEvent();
        assertEquals(0, a.WSAEventSelect(c, e, FD_CONNECT | FD_WRITE));
        assertEquals(SOCKET_ERROR, a.connect(c, sin(world.addrB(), closed)));
        assertEquals(WSAEWOULDBLOCK, a.WSAGetLastError());
        NetworkEvents first = EventsBehaviour.collect(a, c, e, FD_CONNECT);
        assertEquals(FD_CONNECT, first.networkEvents & FD_CONNECT);
        assertEquals(WSAECONNREFUSED, first.errorCode[FD_CONNECT_BIT]);
        Ref<SockAddr> name = new Ref<>();
        assertEquals(0, a.getsockname(c, name), "still bound after the failure");
        assertEquals(world.addrA(), name.value.toInet().getAddress());
        long l = listenerOnB(AF_INET, sin(world.addrB(), 0));
        assertEquals(SOCKET_ERROR, a.connect(c, sin(world.addrB(), port(b, l))));
        assertEquals(WSAEWOULDBLOCK, a.WSAGetLastError());
        NetworkEvents second = EventsBehaviour.collect(a, c, e, FD_CONNECT | FD_WRITE);
        assertEquals(FD_CONNECT | FD_WRITE, second.networkEvents & (FD_CONNECT | FD_WRITE));
        assertEquals(0, second.errorCode[FD_CONNECT_BIT], "connected this time");
        assertNotEquals(INVALID_SOCKET, b.accept(l, null));
    }

    @Test
    void connectByListGoesOnPastARefusedAddress() {
        startBoth();
        int closed = closedPortOnB();
        long l = listenerOnB(AF_INET, sin(world.addrB(), 0));
        SockAddr refused = sin(world.addrB(), closed);
        SockAddr good = sin(world.addrB(), port(b, l));
        // Blocking attempts (no time-out) and timed ones (non-blocking connect and select).
        for (TimeVal timeout : new TimeVal[] {null, TimeVal.ofMillis(WAIT_MS)}) {
            long c = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
            Ref<SockAddr> remote = new Ref<>();
            Ref<SockAddr> local = new Ref<>();
            assertTrue(a.WSAConnectByList(c, List.of(refused, good), local, remote, timeout, null),
                    () -> "WSAConnectByList: " + a.WSAGetLastError());
            assertEquals(good, remote.value);
            assertEquals(world.addrA(), local.value.toInet().getAddress());
            assertNotEquals(INVALID_SOCKET, b.accept(l, null));
            assertEquals(0, a.closesocket(c));
        }
        long c = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertFalse(a.WSAConnectByList(c, List.of(refused, refused), null, null, null, null));
        assertEquals(WSAECONNREFUSED, a.WSAGetLastError(), "every address refused: the last error");
    }

    // ================================================================== dual-stack sockets

    @Test
    void v6OnlyIsOnByDefaultAndFixedOnceBound() {
        startBoth();
        long t = socketOk(a, AF_INET6, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(1, getInt(a, t, IPPROTO_IPV6, IPV6_V6ONLY));
        setInt(a, t, IPPROTO_IPV6, IPV6_V6ONLY, 0);
        assertEquals(0, getInt(a, t, IPPROTO_IPV6, IPV6_V6ONLY));
        assertEquals(0, a.bind(t, any6(0)));
        byte[] one = {1, 0, 0, 0};
        assertEquals(SOCKET_ERROR, a.setsockopt(t, IPPROTO_IPV6, IPV6_V6ONLY, one, 4), "after bind");
        assertEquals(WSAEINVAL, a.WSAGetLastError());
        assertEquals(0, getInt(a, t, IPPROTO_IPV6, IPV6_V6ONLY), "unchanged");
        long u = socketOk(a, AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
        assertEquals(0, a.bind(u, any6(0)));
        byte[] zero = {0, 0, 0, 0};
        assertEquals(SOCKET_ERROR, a.setsockopt(u, IPPROTO_IPV6, IPV6_V6ONLY, zero, 4));
        assertEquals(WSAEINVAL, a.WSAGetLastError());
        assertEquals(1, getInt(a, u, IPPROTO_IPV6, IPV6_V6ONLY));
        long v4 = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(SOCKET_ERROR, a.setsockopt(v4, IPPROTO_IPV6, IPV6_V6ONLY, zero, 4), "AF_INET socket");
        assertEquals(WSAEINVAL, a.WSAGetLastError());
    }

    @Test
    void aV6OnlySocketRefusesMappedAddressesAndIpv4Datagrams() {
        startBoth();
        long l = listenerOnB(AF_INET, sin(world.addrB(), 0));
        long t = socketOk(a, AF_INET6, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(SOCKET_ERROR, a.connect(t, mapped(world.addrB(), port(b, l))));
        assertEquals(WSAENETUNREACH, a.WSAGetLastError());
        long u = socketOk(b, AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
        assertEquals(SOCKET_ERROR, b.bind(u, mapped(world.addrB(), 0)));
        assertEquals(WSAEADDRNOTAVAIL, b.WSAGetLastError());
        assertEquals(0, b.bind(u, any6(0)));
        int up = port(b, u);
        byte[] x = {'x'};
        assertEquals(SOCKET_ERROR, b.sendto(u, x, 1, 0, mapped(world.addrA(), 9)));
        assertEquals(WSAENETUNREACH, b.WSAGetLastError());
        // An IPv4 datagram to the v6-only socket's port is not delivered; an IPv6 one is.
        long s4 = socketOk(a, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        assertEquals(1, a.sendto(s4, new byte[] {'4'}, 1, 0, sin(world.addrB(), up)));
        long s6 = socketOk(a, AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
        assertEquals(1, a.sendto(s6, new byte[] {'6'}, 1, 0, sin(dual().addr6B(), up)),
                () -> "sendto v6: " + a.WSAGetLastError());
        setInt(b, u, SOL_SOCKET, SO_RCVTIMEO, WAIT_MS);
        byte[] got = new byte[4];
        Ref<SockAddr> from = new Ref<>();
        assertEquals(1, b.recvfrom(u, got, 4, 0, from), () -> "recvfrom: " + b.WSAGetLastError());
        assertEquals('6', got[0], "the IPv4 datagram was not delivered");
        assertEquals(dual().addr6A(), from.value.toInet().getAddress());
    }

    @Test
    void aDualListenerAcceptsIpv4AndIpv6ClientsInArrivalOrder() {
        startBoth();
        long l = socketOk(b, AF_INET6, SOCK_STREAM, IPPROTO_TCP);
        setInt(b, l, IPPROTO_IPV6, IPV6_V6ONLY, 0);
        assertEquals(0, b.bind(l, any6(0)));
        assertEquals(0, b.listen(l, 5));
        int lp = port(b, l);
        long c4 = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, a.connect(c4, sin(world.addrB(), lp)), () -> "IPv4 connect: " + a.WSAGetLastError());
        long c6 = socketOk(a, AF_INET6, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, a.connect(c6, sin(dual().addr6B(), lp)), () -> "IPv6 connect: " + a.WSAGetLastError());
        Ref<SockAddr> from = new Ref<>();
        long s4 = b.accept(l, from);
        assertNotEquals(INVALID_SOCKET, s4, () -> "accept: " + b.WSAGetLastError());
        assertEquals(mapped(world.addrA(), port(a, c4)), from.value, "the IPv4 client first, v4-mapped");
        Ref<SockAddr> peer = new Ref<>();
        assertEquals(0, b.getpeername(s4, peer));
        assertEquals(mapped(world.addrA(), port(a, c4)), peer.value);
        Ref<SockAddr> name = new Ref<>();
        assertEquals(0, b.getsockname(s4, name));
        assertEquals(mapped(world.addrB(), lp), name.value);
        long s6 = b.accept(l, from);
        assertNotEquals(INVALID_SOCKET, s6);
        assertEquals(sin(dual().addr6A(), port(a, c6)), from.value, "then the IPv6 client");
        sendAll(a, c4, "four");
        assertEquals("four", receive(b, s4, 4));
        sendAll(b, s4, "back");
        assertEquals("back", receive(a, c4, 4));
        Ref<SockAddr> seen = new Ref<>();
        assertEquals(0, a.getpeername(c4, seen));
        assertEquals(sin(world.addrB(), lp), seen.value, "the IPv4 client sees a plain IPv4 peer");
    }

    @Test
    void aDualSocketConnectsToAMappedAddressOverIpv4() {
        startBoth();
        long l = listenerOnB(AF_INET, sin(world.addrB(), 0));
        long c = socketOk(a, AF_INET6, SOCK_STREAM, IPPROTO_TCP);
        setInt(a, c, IPPROTO_IPV6, IPV6_V6ONLY, 0);
        assertEquals(0, a.connect(c, mapped(world.addrB(), port(b, l))), () -> "connect: " + a.WSAGetLastError());
        Ref<SockAddr> from = new Ref<>();
        long s = b.accept(l, from);
        assertNotEquals(INVALID_SOCKET, s);
        Ref<SockAddr> peer = new Ref<>();
        assertEquals(0, a.getpeername(c, peer));
        assertEquals(mapped(world.addrB(), port(b, l)), peer.value);
        Ref<SockAddr> name = new Ref<>();
        assertEquals(0, a.getsockname(c, name));
        assertEquals(mapped(world.addrA(), port(a, c)), name.value);
        assertEquals(sin(world.addrA(), port(a, c)), from.value, "the IPv4 listener sees an IPv4 client");
        sendAll(a, c, "mapped");
        assertEquals("mapped", receive(b, s, 6));
    }

    @Test
    void aDualUdpSocketReceivesFromIpv4AndReplies() {
        startBoth();
        long u = socketOk(b, AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
        setInt(b, u, IPPROTO_IPV6, IPV6_V6ONLY, 0);
        assertEquals(0, b.bind(u, any6(0)));
        int up = port(b, u);
        long s4 = socketOk(a, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        byte[] hello = "hello4".getBytes(StandardCharsets.US_ASCII);
        assertEquals(6, a.sendto(s4, hello, 6, 0, sin(world.addrB(), up)));
        setInt(b, u, SOL_SOCKET, SO_RCVTIMEO, WAIT_MS);
        byte[] got = new byte[16];
        Ref<SockAddr> from = new Ref<>();
        assertEquals(6, b.recvfrom(u, got, 16, 0, from), () -> "recvfrom: " + b.WSAGetLastError());
        assertEquals(mapped(world.addrA(), port(a, s4)), from.value);
        byte[] reply = "reply6".getBytes(StandardCharsets.US_ASCII);
        assertEquals(6, b.sendto(u, reply, 6, 0, from.value), () -> "sendto mapped: " + b.WSAGetLastError());
        setInt(a, s4, SOL_SOCKET, SO_RCVTIMEO, WAIT_MS);
        Ref<SockAddr> back = new Ref<>();
        byte[] in = new byte[16];
        assertEquals(6, a.recvfrom(s4, in, 16, 0, back), () -> "recvfrom on A: " + a.WSAGetLastError());
        assertArrayEquals(reply, java.util.Arrays.copyOf(in, 6));
        assertEquals(sin(world.addrB(), up), back.value, "A sees B's IPv4 address");
        // IPv6 still works on the same socket.
        long s6 = socketOk(a, AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
        assertEquals(2, a.sendto(s6, new byte[] {'v', '6'}, 2, 0, sin(dual().addr6B(), up)));
        assertEquals(2, b.recvfrom(u, got, 16, 0, from));
        assertEquals(sin(dual().addr6A(), port(a, s6)), from.value);
        // A connected dual socket talks to an IPv4 peer through its mapped address.
        long cu = socketOk(a, AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
        setInt(a, cu, IPPROTO_IPV6, IPV6_V6ONLY, 0);
        assertEquals(0, a.connect(cu, mapped(world.addrB(), up)));
        assertEquals(2, a.send(cu, new byte[] {'c', 'u'}, 2, 0), () -> "send: " + a.WSAGetLastError());
        assertEquals(2, b.recvfrom(u, got, 16, 0, from));
        assertEquals(mapped(world.addrA(), port(a, cu)), from.value);
    }
}
