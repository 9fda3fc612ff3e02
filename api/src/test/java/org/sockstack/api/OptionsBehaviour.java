package org.sockstack.api;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sockstack.spi.WsaData;
import org.sockstack.spi.catalog.ProtocolInfo;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.api.WinsockBehaviour.getInt;
import static org.sockstack.api.WinsockBehaviour.port;
import static org.sockstack.api.WinsockBehaviour.setInt;
import static org.sockstack.api.WinsockBehaviour.sin;
import static org.sockstack.api.WinsockBehaviour.socketOk;
import static org.sockstack.spi.wsa.Wsa.*;
import static org.sockstack.spi.wsa.WsaError.*;

/**
 * Socket options, control codes and multipoint calls (IP multicast, WSAJoinLeaf), WSAAccept's
 * condition function, WSAConnect and WSADuplicateSocket, with the errors Windows documents. The
 * same body runs over the host provider (loopback) and over two user-space stacks.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
abstract class OptionsBehaviour {
    static final int WAIT_MS = 5000;
    static final int QUIET_MS = 300;
    static final InetAddress GROUP = Worlds.ip("239.1.2.3");

    Worlds.World world;
    Winsock a;
    Winsock b;

    abstract Worlds.World newWorld();

    @BeforeEach
    void setUp() {
        world = newWorld();
        a = world.a();
        b = world.b();
        assertEquals(0, a.WSAStartup(makeVersion(2, 2), new WsaData()));
        assertEquals(0, b.WSAStartup(makeVersion(2, 2), new WsaData()));
    }

    @AfterEach
    void tearDown() {
        world.close();
    }

    // ------------------------------------------------------------------ helpers

    /** ip_mreq { imr_multiaddr; imr_interface; } in network order. */
    static byte[] mreq(InetAddress group, InetAddress iface) {
        byte[] v = new byte[8];
        System.arraycopy(group.getAddress(), 0, v, 0, 4);
        System.arraycopy(iface.getAddress(), 0, v, 4, 4);
        return v;
    }

    /** ip_mreq_source { imr_multiaddr; imr_sourceaddr; imr_interface; }. */
    static byte[] mreqSource(InetAddress group, InetAddress source, InetAddress iface) {
        byte[] v = new byte[12];
        System.arraycopy(group.getAddress(), 0, v, 0, 4);
        System.arraycopy(source.getAddress(), 0, v, 4, 4);
        System.arraycopy(iface.getAddress(), 0, v, 8, 4);
        return v;
    }

    int setOpt(Winsock ws, long s, int level, int name, byte[] v) {
        int r = ws.setsockopt(s, level, name, v, v.length);
        return r == 0 ? 0 : ws.WSAGetLastError();
    }

    /** A UDP socket of B bound to the wildcard address (a port of its own) with a receive time-out. */
    long receiver() {
        long r = socketOk(b, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        assertEquals(0, b.bind(r, sin(Worlds.ip("0.0.0.0"), 0)));
        setInt(b, r, SOL_SOCKET, SO_RCVTIMEO, WAIT_MS);
        return r;
    }

    /** A UDP socket of A sending multicast by A's interface. */
    long sender() {
        long s = socketOk(a, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        byte[] iface = world.addrA().getAddress();
        assertEquals(0, setOpt(a, s, IPPROTO_IP, IP_MULTICAST_IF, iface));
        return s;
    }

    void sendLine(long s, String text, int port) {
        byte[] m = text.getBytes(StandardCharsets.UTF_8);
        assertEquals(m.length, a.sendto(s, m, m.length, 0, sin(GROUP, port)), () -> "sendto: " + a.WSAGetLastError());
    }

    /** The next datagram's text, or null if none comes within {@code ms}. */
    String receive(long r, int ms, Ref<SockAddr> from) {
        setInt(b, r, SOL_SOCKET, SO_RCVTIMEO, ms);
        byte[] buf = new byte[1500];
        int n = b.recvfrom(r, buf, buf.length, 0, from);
        if (n == SOCKET_ERROR) {
            assertEquals(WSAETIMEDOUT, b.WSAGetLastError());
            return null;
        }
        return new String(buf, 0, n, StandardCharsets.UTF_8);
    }

    /**
     * Sends numbered lines until one arrives (the first datagrams may race the membership report
     * on a real network): the text received, or null.
     */
    String sendUntilReceived(long s, long r, int port, String text) {
        for (int i = 0; i < 10; i++) {
            sendLine(s, text, port);
            String got = receive(r, 500, new Ref<>());
            if (got != null) {
                return got;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ IP multicast

    @Test
    void ipAddMembershipReceivesTheGroupsDatagramsWithTheSender() {
        long r = receiver();
        int port = port(b, r);
        assertEquals(0, setOpt(b, r, IPPROTO_IP, IP_ADD_MEMBERSHIP, mreq(GROUP, world.addrB())));
        long s = sender();
        assertEquals("hello", sendUntilReceived(s, r, port, "hello"));
        sendLine(s, "second", port);
        Ref<SockAddr> from = new Ref<>();
        assertEquals("second", receive(r, WAIT_MS, from));
        assertEquals(world.addrA(), from.value.toInet().getAddress());
        assertEquals(port(a, s), from.value.toInet().getPort());

        assertEquals(0, setOpt(b, r, IPPROTO_IP, IP_DROP_MEMBERSHIP, mreq(GROUP, world.addrB())));
        sendLine(s, "after leave", port);
        assertEquals(null, receive(r, QUIET_MS, new Ref<>()));
    }

    @Test
    void membershipErrorsFollowRfc3678() {
        long r = receiver();
        InetAddress ifB = world.addrB();
        InetAddress src = world.addrA();
        InetAddress other = Worlds.ip("198.51.100.7");
        assertEquals(WSAEFAULT, b.setsockopt(r, IPPROTO_IP, IP_ADD_MEMBERSHIP, new byte[8], 7) == 0 ? 0
                : b.WSAGetLastError());
        assertEquals(WSAEINVAL, setOpt(b, r, IPPROTO_IP, IP_ADD_MEMBERSHIP, mreq(Worlds.ip("192.0.2.9"), ifB)));
        assertEquals(WSAEADDRNOTAVAIL, setOpt(b, r, IPPROTO_IP, IP_DROP_MEMBERSHIP, mreq(GROUP, ifB)));
        assertEquals(WSAEADDRNOTAVAIL, setOpt(b, r, IPPROTO_IP, IP_ADD_MEMBERSHIP, mreq(GROUP, other)));
        assertEquals(0, setOpt(b, r, IPPROTO_IP, IP_ADD_MEMBERSHIP, mreq(GROUP, ifB)));
        assertEquals(WSAEADDRINUSE, setOpt(b, r, IPPROTO_IP, IP_ADD_MEMBERSHIP, mreq(GROUP, ifB)));
        // An any-source membership takes blocks, not source-specific additions.
        assertEquals(WSAEINVAL, setOpt(b, r, IPPROTO_IP, IP_ADD_SOURCE_MEMBERSHIP, mreqSource(GROUP, src, ifB)));
        assertEquals(WSAEADDRNOTAVAIL, setOpt(b, r, IPPROTO_IP, IP_UNBLOCK_SOURCE, mreqSource(GROUP, src, ifB)));
        assertEquals(0, setOpt(b, r, IPPROTO_IP, IP_BLOCK_SOURCE, mreqSource(GROUP, src, ifB)));
        assertEquals(0, setOpt(b, r, IPPROTO_IP, IP_UNBLOCK_SOURCE, mreqSource(GROUP, src, ifB)));
        assertEquals(0, setOpt(b, r, IPPROTO_IP, IP_DROP_MEMBERSHIP, mreq(GROUP, ifB)));
        // A source-specific membership takes sources, not blocks.
        assertEquals(WSAEINVAL, setOpt(b, r, IPPROTO_IP, IP_BLOCK_SOURCE, mreqSource(GROUP, src, ifB)));
        assertEquals(0, setOpt(b, r, IPPROTO_IP, IP_ADD_SOURCE_MEMBERSHIP, mreqSource(GROUP, src, ifB)));
        assertEquals(WSAEINVAL, setOpt(b, r, IPPROTO_IP, IP_BLOCK_SOURCE, mreqSource(GROUP, src, ifB)));
        assertEquals(WSAEADDRNOTAVAIL, setOpt(b, r, IPPROTO_IP, IP_DROP_SOURCE_MEMBERSHIP,
                mreqSource(GROUP, other, ifB)));
        assertEquals(WSAEINVAL, setOpt(b, r, IPPROTO_IP, IP_ADD_SOURCE_MEMBERSHIP,
                mreqSource(GROUP, Worlds.ip("239.9.9.9"), ifB)));
        assertEquals(0, setOpt(b, r, IPPROTO_IP, IP_DROP_SOURCE_MEMBERSHIP, mreqSource(GROUP, src, ifB)));
        // The last source dropped left the group.
        assertEquals(WSAEADDRNOTAVAIL, setOpt(b, r, IPPROTO_IP, IP_DROP_MEMBERSHIP, mreq(GROUP, ifB)));

        long t = socketOk(b, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(WSAENOPROTOOPT, setOpt(b, t, IPPROTO_IP, IP_ADD_MEMBERSHIP, mreq(GROUP, ifB)));
        long v6 = socketOk(b, AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
        assertEquals(WSAEINVAL, setOpt(b, v6, IPPROTO_IP, IP_ADD_MEMBERSHIP, mreq(GROUP, ifB)));
        assertEquals(WSAEINVAL, setOpt(b, r, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, new byte[20]));
    }

    @Test
    void blockSourceAndSourceSpecificJoinFilterBySender() {
        long r = receiver();
        int port = port(b, r);
        InetAddress ifB = world.addrB();
        long s = sender();
        assertEquals(0, setOpt(b, r, IPPROTO_IP, IP_ADD_SOURCE_MEMBERSHIP, mreqSource(GROUP, world.addrA(), ifB)));
        assertEquals("from A", sendUntilReceived(s, r, port, "from A"));
        assertEquals(0, setOpt(b, r, IPPROTO_IP, IP_DROP_SOURCE_MEMBERSHIP, mreqSource(GROUP, world.addrA(), ifB)));

        assertEquals(0, setOpt(b, r, IPPROTO_IP, IP_ADD_MEMBERSHIP, mreq(GROUP, ifB)));
        assertEquals("any", sendUntilReceived(s, r, port, "any"));
        assertEquals(0, setOpt(b, r, IPPROTO_IP, IP_BLOCK_SOURCE, mreqSource(GROUP, world.addrA(), ifB)));
        drain(r);
        sendLine(s, "blocked", port);
        assertEquals(null, receive(r, QUIET_MS, new Ref<>()));
        assertEquals(0, setOpt(b, r, IPPROTO_IP, IP_UNBLOCK_SOURCE, mreqSource(GROUP, world.addrA(), ifB)));
        assertEquals("unblocked", sendUntilReceived(s, r, port, "unblocked"));
    }

    /** Reads what earlier retries left queued. */
    void drain(long r) {
        while (receive(r, 100, new Ref<>()) != null) {
            // discard
        }
    }

    @Test
    void multicastInterfaceTtlAndLoopAreKept() {
        long s = sender();
        assertEquals(Integer.reverseBytes(toInt(world.addrA())), getInt(a, s, IPPROTO_IP, IP_MULTICAST_IF));
        setInt(a, s, IPPROTO_IP, IP_MULTICAST_TTL, 5);
        assertEquals(5, getInt(a, s, IPPROTO_IP, IP_MULTICAST_TTL));
        setInt(a, s, IPPROTO_IP, IP_MULTICAST_LOOP, 0);
        assertEquals(0, getInt(a, s, IPPROTO_IP, IP_MULTICAST_LOOP));
        assertEquals(WSAEADDRNOTAVAIL, setOpt(a, s, IPPROTO_IP, IP_MULTICAST_IF,
                Worlds.ip("198.51.100.7").getAddress()));
        assertEquals(WSAEFAULT, a.setsockopt(s, IPPROTO_IP, IP_MULTICAST_IF, new byte[4], 3) == 0 ? 0
                : a.WSAGetLastError());
    }

    static int toInt(InetAddress a) {
        byte[] b = a.getAddress();
        return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
    }

    // ------------------------------------------------------------------ WSAJoinLeaf

    @Test
    void joinLeafJoinsTheGroupAndSendsToIt() {
        long r = receiver();
        int port = port(b, r);
        assertEquals(0, setOpt(b, r, IPPROTO_IP, IP_MULTICAST_IF, world.addrB().getAddress()));
        assertEquals(r, b.WSAJoinLeaf(r, sin(GROUP, port), null, null, null, null, JL_RECEIVER_ONLY));
        assertEquals(WSAEISCONN, b.WSAJoinLeaf(r, sin(GROUP, port), null, null, null, null, JL_BOTH) == INVALID_SOCKET
                ? b.WSAGetLastError() : 0);
        assertEquals(SOCKET_ERROR, b.send(r, new byte[1], 1, 0));
        assertEquals(WSAENOTCONN, b.WSAGetLastError());

        long s = sender();
        assertEquals(s, a.WSAJoinLeaf(s, sin(GROUP, port), null, null, null, null, JL_SENDER_ONLY));
        String got = null;
        for (int i = 0; i < 10 && got == null; i++) {
            assertEquals(4, a.send(s, "leaf".getBytes(StandardCharsets.UTF_8), 4, 0), () -> "send " + a.WSAGetLastError());
            got = receive(r, 500, new Ref<>());
        }
        assertEquals("leaf", got);
    }

    @Test
    void joinLeafErrors() {
        long s = sender();
        long t = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(INVALID_SOCKET, a.WSAJoinLeaf(t, sin(GROUP, 5000), null, null, null, null, JL_BOTH));
        assertEquals(WSAEOPNOTSUPP, a.WSAGetLastError());
        assertEquals(INVALID_SOCKET, a.WSAJoinLeaf(s, sin(GROUP, 5000), null, null, null, null, 3));
        assertEquals(WSAEINVAL, a.WSAGetLastError());
        assertEquals(INVALID_SOCKET, a.WSAJoinLeaf(s, sin(world.addrB(), 5000), null, null, null, null, JL_BOTH));
        assertEquals(WSAEADDRNOTAVAIL, a.WSAGetLastError());
        assertEquals(INVALID_SOCKET, a.WSAJoinLeaf(s, sin(GROUP, 5000), new byte[] {1}, null, null, null, JL_BOTH));
        assertEquals(WSAEOPNOTSUPP, a.WSAGetLastError());
        assertEquals(INVALID_SOCKET, a.WSAJoinLeaf(12345, sin(GROUP, 5000), null, null, null, null, JL_BOTH));
        assertEquals(WSAENOTSOCK, a.WSAGetLastError());
    }

    // ------------------------------------------------------------------ SO_BROADCAST

    @Test
    void broadcastNeedsSoBroadcast() {
        long s = socketOk(a, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        assertEquals(0, getInt(a, s, SOL_SOCKET, SO_BROADCAST));
        SockAddr bcast = sin(Worlds.ip("255.255.255.255"), 9);
        assertEquals(SOCKET_ERROR, a.sendto(s, new byte[1], 1, 0, bcast));
        assertEquals(WSAEACCES, a.WSAGetLastError());
        setInt(a, s, SOL_SOCKET, SO_BROADCAST, 1);
        assertEquals(1, getInt(a, s, SOL_SOCKET, SO_BROADCAST));
    }

    // ------------------------------------------------------------------ WSAAccept, WSAConnect, WSADuplicateSocket

    long listener() {
        long l = socketOk(b, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, b.bind(l, sin(world.addrB(), 0)));
        assertEquals(0, b.listen(l, 5));
        return l;
    }

    @Test
    void wsaAcceptConditionFunctionDecides() {
        long l = listener();
        int p = port(b, l);
        long c1 = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, a.WSAConnect(c1, sin(world.addrB(), p), null, new Ref<>(), null, null),
                () -> "WSAConnect " + a.WSAGetLastError());
        AtomicInteger calls = new AtomicInteger();
        Ref<SockAddr> seen = new Ref<>();
        // CF_DEFER keeps the connection: WSATRY_AGAIN, and the next call sees it again.
        assertEquals(INVALID_SOCKET, b.WSAAccept(l, null, (caller, data, sq, gq, callee, calleeData, g) -> {
            calls.incrementAndGet();
            seen.value = caller;
            return CF_DEFER;
        }));
        assertEquals(WSATRY_AGAIN, b.WSAGetLastError());
        assertEquals(world.addrA(), seen.value.toInet().getAddress());
        Ref<SockAddr> peer = new Ref<>();
        long acc = b.WSAAccept(l, peer, (caller, data, sq, gq, callee, calleeData, g) -> CF_ACCEPT);
        assertNotEquals(INVALID_SOCKET, acc, () -> "WSAAccept " + b.WSAGetLastError());
        assertEquals(port(a, c1), peer.value.toInet().getPort());
        assertEquals(1, a.send(c1, new byte[] {7}, 1, 0));
        byte[] one = new byte[1];
        assertEquals(1, b.recv(acc, one, 1, 0));

        long c2 = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, a.connect(c2, sin(world.addrB(), p)));
        assertEquals(INVALID_SOCKET, b.WSAAccept(l, null, (caller, data, sq, gq, callee, calleeData, g) -> CF_REJECT));
        assertEquals(WSAECONNREFUSED, b.WSAGetLastError());
        // The rejected connection is reset.
        setInt(a, c2, SOL_SOCKET, SO_RCVTIMEO, WAIT_MS);
        assertEquals(SOCKET_ERROR, a.recv(c2, one, 1, 0));
        assertEquals(WSAECONNRESET, a.WSAGetLastError());
        // Without a condition function WSAAccept is accept.
        long c3 = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, a.connect(c3, sin(world.addrB(), p)));
        assertNotEquals(INVALID_SOCKET, b.WSAAccept(l, null, null));
    }

    static org.sockstack.spi.provider.Qos qos(int rate, int bucket, int peak, int serviceType) {
        return new org.sockstack.spi.provider.Qos(
                new org.sockstack.spi.provider.Qos.Flowspec(rate, bucket, peak, -1, -1, serviceType, -1, -1), null, null);
    }

    @Test
    void duplicatedHandleSharesTheSocket() {
        long s = socketOk(a, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        assertEquals(0, a.bind(s, sin(world.addrA(), 0)));
        Ref<ProtocolInfo> info = new Ref<>();
        assertEquals(SOCKET_ERROR, a.WSADuplicateSocket(s, 0, info));
        assertEquals(WSAEINVAL, a.WSAGetLastError());
        assertEquals(SOCKET_ERROR, a.WSADuplicateSocket(s, 42, null));
        assertEquals(WSAEFAULT, a.WSAGetLastError());
        assertEquals(SOCKET_ERROR, a.WSADuplicateSocket(99999, 42, info));
        assertEquals(WSAENOTSOCK, a.WSAGetLastError());
        assertEquals(0, a.WSADuplicateSocket(s, 42, info));
        long d = a.WSASocket(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, info.value, 0, 0);
        assertNotEquals(INVALID_SOCKET, d, () -> "WSASocket " + a.WSAGetLastError());
        assertNotEquals(s, d);
        assertEquals(port(a, s), port(a, d));
        assertEquals(0, a.closesocket(s));
        // The socket lives on behind the second handle.
        long peer = socketOk(b, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        assertEquals(3, b.sendto(peer, new byte[] {1, 2, 3}, 3, 0, sin(world.addrA(), port(a, d))));
        setInt(a, d, SOL_SOCKET, SO_RCVTIMEO, WAIT_MS);
        assertEquals(3, a.recv(d, new byte[8], 8, 0));
        assertEquals(0, a.closesocket(d));
        assertEquals(SOCKET_ERROR, a.closesocket(d));
        assertEquals(WSAENOTSOCK, a.WSAGetLastError());
    }
    // ------------------------------------------------------------------ keep-alive, TCP_MAXRT, TCP_NODELAY

    static byte[] le(int... values) {
        byte[] v = new byte[4 * values.length];
        for (int i = 0; i < values.length; i++) {
            for (int k = 0; k < 4; k++) {
                v[4 * i + k] = (byte) (values[i] >>> (8 * k));
            }
        }
        return v;
    }

    int ioctl(Winsock ws, long s, int code, byte[] in) {
        int r = ws.WSAIoctl(s, code, in, null, new IntRef(), null, null);
        return r == 0 ? 0 : ws.WSAGetLastError();
    }

    @Test
    void keepAliveOptionsStartAtWindowsDefaultsAndReadBack() {
        long[] pair = connectedPair();
        long c = pair[0];
        assertEquals(0, getInt(a, c, SOL_SOCKET, SO_KEEPALIVE));
        assertEquals(7200, getInt(a, c, IPPROTO_TCP, TCP_KEEPIDLE));
        assertEquals(1, getInt(a, c, IPPROTO_TCP, TCP_KEEPINTVL));
        assertEquals(10, getInt(a, c, IPPROTO_TCP, TCP_KEEPCNT));
        setInt(a, c, IPPROTO_TCP, TCP_KEEPIDLE, 30);
        setInt(a, c, IPPROTO_TCP, TCP_KEEPINTVL, 5);
        setInt(a, c, IPPROTO_TCP, TCP_KEEPCNT, 3);
        setInt(a, c, SOL_SOCKET, SO_KEEPALIVE, 1);
        assertEquals(1, getInt(a, c, SOL_SOCKET, SO_KEEPALIVE));
        assertEquals(30, getInt(a, c, IPPROTO_TCP, TCP_KEEPIDLE));
        assertEquals(5, getInt(a, c, IPPROTO_TCP, TCP_KEEPINTVL));
        assertEquals(3, getInt(a, c, IPPROTO_TCP, TCP_KEEPCNT));
        assertEquals(WSAEINVAL, setOpt(a, c, IPPROTO_TCP, TCP_KEEPCNT, le(256)));
        assertEquals(WSAEINVAL, setOpt(a, c, IPPROTO_TCP, TCP_KEEPIDLE, le(0)));
        assertEquals(WSAEINVAL, setOpt(a, c, IPPROTO_TCP, TCP_KEEPINTVL, le(-5)));
        // The connection still carries data with probing on.
        assertEquals(1, a.send(c, new byte[] {9}, 1, 0));
        assertEquals(1, b.recv(pair[1], new byte[1], 1, 0));

        long u = socketOk(a, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        assertEquals(WSAENOPROTOOPT, setOpt(a, u, SOL_SOCKET, SO_KEEPALIVE, le(1)));
        assertEquals(WSAENOPROTOOPT, setOpt(a, u, IPPROTO_TCP, TCP_KEEPIDLE, le(10)));
    }

    @Test
    void acceptedSocketsInheritKeepAlive() {
        long l = socketOk(b, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        setInt(b, l, IPPROTO_TCP, TCP_KEEPIDLE, 40);
        setInt(b, l, SOL_SOCKET, SO_KEEPALIVE, 1);
        assertEquals(0, b.bind(l, sin(world.addrB(), 0)));
        assertEquals(0, b.listen(l, 1));
        long c = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, a.connect(c, sin(world.addrB(), port(b, l))));
        long s = b.accept(l, null);
        assertEquals(1, getInt(b, s, SOL_SOCKET, SO_KEEPALIVE));
        assertEquals(40, getInt(b, s, IPPROTO_TCP, TCP_KEEPIDLE));
    }

    @Test
    void sioKeepAliveValsSetsTheTimesInMilliseconds() {
        long c = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, ioctl(a, c, SIO_KEEPALIVE_VALS, le(1, 2500, 1500)));
        assertEquals(1, getInt(a, c, SOL_SOCKET, SO_KEEPALIVE));
        assertEquals(3, getInt(a, c, IPPROTO_TCP, TCP_KEEPIDLE));
        assertEquals(2, getInt(a, c, IPPROTO_TCP, TCP_KEEPINTVL));
        assertEquals(0, ioctl(a, c, SIO_KEEPALIVE_VALS, le(0, 0, 0)));
        assertEquals(0, getInt(a, c, SOL_SOCKET, SO_KEEPALIVE));
        assertEquals(WSAEFAULT, ioctl(a, c, SIO_KEEPALIVE_VALS, new byte[8]));
        assertEquals(WSAEINVAL, ioctl(a, c, SIO_KEEPALIVE_VALS, le(1, 0, 1000)));
        long u = socketOk(a, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        assertEquals(WSAEOPNOTSUPP, ioctl(a, u, SIO_KEEPALIVE_VALS, le(1, 1000, 1000)));
    }

    @Test
    void tcpMaxRtAndNoDelayReadBack() {
        long c = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, getInt(a, c, IPPROTO_TCP, TCP_MAXRT));
        setInt(a, c, IPPROTO_TCP, TCP_MAXRT, 5);
        assertEquals(5, getInt(a, c, IPPROTO_TCP, TCP_MAXRT));
        setInt(a, c, IPPROTO_TCP, TCP_MAXRT, -1);
        assertEquals(-1, getInt(a, c, IPPROTO_TCP, TCP_MAXRT));
        assertEquals(WSAEINVAL, setOpt(a, c, IPPROTO_TCP, TCP_MAXRT, le(-2)));
        assertEquals(0, getInt(a, c, IPPROTO_TCP, TCP_NODELAY));
        assertEquals(0, setOpt(a, c, IPPROTO_TCP, TCP_NODELAY, new byte[] {1}));
        assertEquals(1, getInt(a, c, IPPROTO_TCP, TCP_NODELAY));
    }

    /** {client on A, server on B}, connected with blocking calls. */
    long[] connectedPair() {
        long l = listener();
        long c = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, a.connect(c, sin(world.addrB(), port(b, l))), () -> "connect " + a.WSAGetLastError());
        long s = b.accept(l, null);
        assertNotEquals(INVALID_SOCKET, s);
        setInt(a, c, SOL_SOCKET, SO_RCVTIMEO, WAIT_MS);
        setInt(b, s, SOL_SOCKET, SO_RCVTIMEO, WAIT_MS);
        return new long[] {c, s};
    }
    // ------------------------------------------------------------------ SO_LINGER, SO_DONTLINGER

    /** struct linger { u_short l_onoff; u_short l_linger; }. */
    static int linger(int onoff, int seconds) {
        return onoff | seconds << 16;
    }

    /** Reads until end of stream or an error: the octet count, or -(error) on an error. */
    static long readAll(Winsock ws, long s) {
        byte[] buf = new byte[16 * 1024];
        long total = 0;
        while (true) {
            int n = ws.recv(s, buf, buf.length, 0);
            if (n == 0) {
                return total;
            }
            if (n == SOCKET_ERROR) {
                return -ws.WSAGetLastError();
            }
            total += n;
        }
    }

    @Test
    void lingerWithTimeClosesGracefullyWhenThePeerTakesEverything() {
        long[] p = connectedPair();
        byte[] data = new byte[64 * 1024];
        assertEquals(data.length, a.send(p[0], data, data.length, 0));
        setInt(a, p[0], SOL_SOCKET, SO_LINGER, linger(1, 5));
        assertEquals(linger(1, 5), getInt(a, p[0], SOL_SOCKET, SO_LINGER));
        assertEquals(0, getInt(a, p[0], SOL_SOCKET, SO_DONTLINGER));
        Thread reader = Thread.ofVirtual().start(() -> assertEquals(data.length, readAll(b, p[1])));
        assertEquals(0, a.closesocket(p[0]), () -> "closesocket " + a.WSAGetLastError());
        assertTrue(join(reader));
    }

    static boolean join(Thread t) {
        try {
            t.join(WAIT_MS * 2L);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        return !t.isAlive();
    }

    @Test
    void lingerWithTimeOnANonBlockingSocketWouldBlock() {
        long[] p = connectedPair();
        setInt(a, p[0], SOL_SOCKET, SO_LINGER, linger(1, 5));
        IntRef nb = new IntRef(1);
        assertEquals(0, a.ioctlsocket(p[0], FIONBIO, nb));
        assertEquals(SOCKET_ERROR, a.closesocket(p[0]));
        assertEquals(WSAEWOULDBLOCK, a.WSAGetLastError());
        // The socket is still there: it works, and closes once lingering is off.
        assertEquals(1, a.send(p[0], new byte[] {5}, 1, 0));
        assertEquals(0, setOpt(a, p[0], SOL_SOCKET, SO_DONTLINGER, le(1)));
        assertEquals(0, getInt(a, p[0], SOL_SOCKET, SO_LINGER) & 0xFFFF);
        assertEquals(0, a.closesocket(p[0]));
        assertEquals(1, readAll(b, p[1]));
    }

    @Test
    void lingerWithZeroTimeResetsTheConnection() {
        long[] p = connectedPair();
        setInt(a, p[0], SOL_SOCKET, SO_LINGER, linger(1, 0));
        assertEquals(0, a.closesocket(p[0]));
        assertEquals(-WSAECONNRESET, readAll(b, p[1]));
    }

    @Test
    void dontLingerSwitchesLingerKeepingTheTime() {
        long c = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(1, getInt(a, c, SOL_SOCKET, SO_DONTLINGER));
        setInt(a, c, SOL_SOCKET, SO_LINGER, linger(0, 7));
        assertEquals(0, setOpt(a, c, SOL_SOCKET, SO_DONTLINGER, le(0)));
        assertEquals(linger(1, 7), getInt(a, c, SOL_SOCKET, SO_LINGER));
        long u = socketOk(a, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        assertEquals(WSAENOPROTOOPT, setOpt(a, u, SOL_SOCKET, SO_LINGER, le(linger(1, 1))));
    }
    // ------------------------------------------------------------------ SO_REUSEADDR, SO_EXCLUSIVEADDRUSE

    static final int DEFAULT = 0;
    static final int REUSE = 1;
    static final int EXCLUSIVE = 2;
    static final String[] MODES = {"default", "SO_REUSEADDR", "SO_EXCLUSIVEADDRUSE"};

    /**
     * Microsoft's table ("Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE"; the same in "Sharing
     * Transport Addresses"): rows are the second bind (default, SO_REUSEADDR, SO_EXCLUSIVEADDRUSE,
     * each wildcard then specific), columns the first, in the same order. 0 is success (the
     * table's CHECK cells succeed for sockets of one user).
     */
    static final int[][] EXPECTED = {
        {WSAEADDRINUSE, 0, WSAEADDRINUSE, 0, WSAEADDRINUSE, 0},
        {0, WSAEADDRINUSE, 0, WSAEACCES, WSAEACCES, WSAEADDRINUSE},
        {WSAEACCES, 0, 0, 0, WSAEACCES, 0},
        {0, WSAEACCES, 0, 0, WSAEACCES, WSAEACCES},
        {WSAEADDRINUSE, WSAEADDRINUSE, WSAEADDRINUSE, WSAEADDRINUSE, WSAEADDRINUSE, WSAEADDRINUSE},
        {0, WSAEADDRINUSE, 0, WSAEADDRINUSE, WSAEACCES, WSAEADDRINUSE},
    };

    long withMode(int type, int protocol, int mode) {
        long s = socketOk(b, AF_INET, type, protocol);
        if (mode == REUSE) {
            setInt(b, s, SOL_SOCKET, SO_REUSEADDR, 1);
        } else if (mode == EXCLUSIVE) {
            setInt(b, s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1);
        }
        return s;
    }

    int bindError(long s, boolean wildcard, int port) {
        InetAddress addr = wildcard ? Worlds.ip("0.0.0.0") : world.addrB();
        return b.bind(s, sin(addr, port)) == 0 ? 0 : b.WSAGetLastError();
    }

    void bindMatrix(int type, int protocol) {
        StringBuilder wrong = new StringBuilder();
        for (int row = 0; row < 6; row++) {
            for (int col = 0; col < 6; col++) {
                long first = withMode(type, protocol, col / 2);
                assertEquals(0, bindError(first, col % 2 == 0, 0));
                int port = port(b, first);
                long second = withMode(type, protocol, row / 2);
                int got = bindError(second, row % 2 == 0, port);
                if (got != EXPECTED[row][col]) {
                    wrong.append(String.format("%n second %s %s after first %s %s: %d, expected %d",
                            MODES[row / 2], row % 2 == 0 ? "wildcard" : "specific",
                            MODES[col / 2], col % 2 == 0 ? "wildcard" : "specific", got, EXPECTED[row][col]));
                }
                b.closesocket(first);
                b.closesocket(second);
            }
        }
        assertEquals("", wrong.toString());
    }

    @Test
    void secondTcpBindFollowsWindowsSharingTable() {
        bindMatrix(SOCK_STREAM, IPPROTO_TCP);
    }

    @Test
    void secondUdpBindFollowsWindowsSharingTable() {
        bindMatrix(SOCK_DGRAM, IPPROTO_UDP);
    }

    @Test
    void reuseAndExclusiveExcludeEachOther() {
        long s = socketOk(b, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        setInt(b, s, SOL_SOCKET, SO_REUSEADDR, 1);
        assertEquals(WSAEINVAL, setOpt(b, s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, le(1)));
        setInt(b, s, SOL_SOCKET, SO_REUSEADDR, 0);
        setInt(b, s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1);
        assertEquals(WSAEINVAL, setOpt(b, s, SOL_SOCKET, SO_REUSEADDR, le(1)));
        assertEquals(1, getInt(b, s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE));
        assertEquals(0, getInt(b, s, SOL_SOCKET, SO_REUSEADDR));
        // Two different specific addresses never conflict: the wildcard and loopback/B differ
        // only through the wildcard, so an exclusive wildcard bind keeps the whole port.
        assertEquals(0, bindError(s, true, 0));
        long t = withMode(SOCK_DGRAM, IPPROTO_UDP, REUSE);
        assertEquals(WSAEACCES, bindError(t, false, port(b, s)));
    }
    // ------------------------------------------------------------------ interface and address ioctls

    static int le32(byte[] v, int off) {
        return (v[off] & 0xFF) | (v[off + 1] & 0xFF) << 8 | (v[off + 2] & 0xFF) << 16 | (v[off + 3] & 0xFF) << 24;
    }

    /** The IPv4 address of a sockaddr_in at {@code off}. */
    static InetAddress sinAddr(byte[] v, int off) {
        assertEquals(AF_INET, (v[off] & 0xFF) | (v[off + 1] & 0xFF) << 8);
        return Worlds.ip((v[off + 4] & 0xFF) + "." + (v[off + 5] & 0xFF) + "." + (v[off + 6] & 0xFF) + "."
                + (v[off + 7] & 0xFF));
    }

    @Test
    void interfaceListHasTheLocalAddressWithFlagsAndNetmask() {
        long s = socketOk(a, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        byte[] out = new byte[76 * 64];
        IntRef n = new IntRef();
        assertEquals(0, a.WSAIoctl(s, SIO_GET_INTERFACE_LIST, (byte[]) null, out, n, null, null), () -> "" + a.WSAGetLastError());
        assertTrue(n.value > 0 && n.value % 76 == 0, "" + n.value);
        boolean found = false;
        for (int off = 0; off < n.value; off += 76) {
            if (sinAddr(out, off + 4).equals(world.addrA())) {
                found = true;
                int flags = le32(out, off);
                assertEquals(1, flags & 1, "IFF_UP");
                InetAddress mask = sinAddr(out, off + 4 + 48);
                boolean loopback = world.addrA().isLoopbackAddress();
                assertEquals(loopback ? 4 : 0, flags & 4, "IFF_LOOPBACK");
                assertEquals(Worlds.ip(loopback ? "255.0.0.0" : "255.255.255.0"), mask);
            }
        }
        assertTrue(found);
        assertEquals(SOCKET_ERROR, a.WSAIoctl(s, SIO_GET_INTERFACE_LIST, (byte[]) null, new byte[75], n, null, null));
        assertEquals(WSAEFAULT, a.WSAGetLastError());
    }

    @Test
    void addressListQueryListsTheLocalAddresses() {
        long s = socketOk(a, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        byte[] out = new byte[4096];
        IntRef n = new IntRef();
        assertEquals(0, a.WSAIoctl(s, SIO_ADDRESS_LIST_QUERY, (byte[]) null, out, n, null, null), () -> "" + a.WSAGetLastError());
        int count = le32(out, 0);
        assertTrue(count >= 1);
        assertEquals(8 + count * (16 + 16), n.value);
        boolean found = false;
        for (int i = 0; i < count; i++) {
            assertEquals(16, le32(out, 8 + 16 * i + 8));
            found |= sinAddr(out, le32(out, 8 + 16 * i)).equals(world.addrA());
        }
        assertTrue(found);
        assertEquals(SOCKET_ERROR, a.WSAIoctl(s, SIO_ADDRESS_LIST_QUERY, (byte[]) null, new byte[8], n, null, null));
        assertEquals(WSAEFAULT, a.WSAGetLastError());
    }

    @Test
    void routingInterfaceQueryGivesTheSourceAddress() {
        long s = socketOk(a, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        byte[] out = new byte[16];
        IntRef n = new IntRef();
        assertEquals(0, a.WSAIoctl(s, SIO_ROUTING_INTERFACE_QUERY, sin(world.addrB(), 80).bytes(), out, n, null, null),
                () -> "" + a.WSAGetLastError());
        assertEquals(16, n.value);
        assertEquals(world.addrA(), sinAddr(out, 0));
        assertEquals(SOCKET_ERROR, a.WSAIoctl(s, SIO_ROUTING_INTERFACE_QUERY, (byte[]) null, out, n, null, null));
        assertEquals(WSAEFAULT, a.WSAGetLastError());
        assertEquals(SOCKET_ERROR, a.WSAIoctl(s, SIO_ROUTING_INTERFACE_QUERY, sin(world.addrB(), 80).bytes(),
                new byte[8], n, null, null));
        assertEquals(WSAEFAULT, a.WSAGetLastError());
    }

    @Test
    void addressListChangeOnANonBlockingSocketWouldBlock() {
        long s = socketOk(a, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        assertEquals(0, a.ioctlsocket(s, FIONBIO, new IntRef(1)));
        assertEquals(SOCKET_ERROR, a.WSAIoctl(s, SIO_ADDRESS_LIST_CHANGE, (byte[]) null, (byte[]) null, new IntRef(), null, null));
        assertEquals(WSAEWOULDBLOCK, a.WSAGetLastError());
    }

    @Test
    void fionreadAndSiocatmark() {
        long r = socketOk(b, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        assertEquals(0, b.bind(r, sin(world.addrB(), 0)));
        long s = socketOk(a, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        assertEquals(5, a.sendto(s, new byte[5], 5, 0, sin(world.addrB(), port(b, r))));
        assertEquals(3, a.sendto(s, new byte[3], 3, 0, sin(world.addrB(), port(b, r))));
        IntRef v = new IntRef();
        for (int i = 0; i < 100 && v.value < 8; i++) {
            assertEquals(0, b.ioctlsocket(r, FIONREAD, v));
            Thread.onSpinWait();
        }
        long deadline = System.nanoTime() + WAIT_MS * 1_000_000L;
        while (v.value < 8 && System.nanoTime() < deadline) {
            assertEquals(0, b.ioctlsocket(r, FIONREAD, v));
        }
        // Windows: FIONREAD on a datagram socket counts every queued octet.
        assertEquals(8, v.value);
        assertEquals(0, b.ioctlsocket(r, SIOCATMARK, v));
        assertEquals(1, v.value);
    }

    @Test
    void ipLevelOptionsReadBack() {
        long u = socketOk(a, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        setInt(a, u, IPPROTO_IP, IP_TTL, 17);
        assertEquals(17, getInt(a, u, IPPROTO_IP, IP_TTL));
        setInt(a, u, IPPROTO_IP, IP_TOS, 0x10);
        assertEquals(0x10, getInt(a, u, IPPROTO_IP, IP_TOS));
        setInt(a, u, IPPROTO_IP, IP_DONTFRAGMENT, 1);
        assertEquals(1, getInt(a, u, IPPROTO_IP, IP_DONTFRAGMENT));
        setInt(a, u, IPPROTO_IP, IP_PKTINFO, 1);
        assertEquals(1, getInt(a, u, IPPROTO_IP, IP_PKTINFO));
        assertEquals(WSAEINVAL, setOpt(a, u, IPPROTO_IP, IP_TTL, le(256)));
        long t = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        setInt(a, t, IPPROTO_IP, IP_TTL, 33);
        assertEquals(33, getInt(a, t, IPPROTO_IP, IP_TTL));
    }

    @Test
    void ipv6MembershipErrors() {
        long v6 = socketOk(b, AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
        byte[] notMulticast = new byte[20];
        notMulticast[15] = 1; // ::1
        assertEquals(WSAEINVAL, setOpt(b, v6, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, notMulticast));
        assertEquals(WSAEFAULT, b.setsockopt(v6, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, new byte[20], 19) == 0 ? 0
                : b.WSAGetLastError());
        byte[] group = new byte[20];
        group[0] = (byte) 0xFF;
        group[1] = 0x15;
        group[15] = 7;
        assertEquals(WSAEADDRNOTAVAIL, setOpt(b, v6, IPPROTO_IPV6, IPV6_DROP_MEMBERSHIP, group));
        assertEquals(0, getInt(b, v6, IPPROTO_IPV6, IPV6_MULTICAST_IF));
        setInt(b, v6, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 3);
        assertEquals(3, getInt(b, v6, IPPROTO_IPV6, IPV6_MULTICAST_HOPS));
        setInt(b, v6, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0);
        assertEquals(0, getInt(b, v6, IPPROTO_IPV6, IPV6_MULTICAST_LOOP));
        assertEquals(0, getInt(b, v6, IPPROTO_IPV6, IPV6_PKTINFO));
        setInt(b, v6, IPPROTO_IPV6, IPV6_PKTINFO, 1);
        assertEquals(1, getInt(b, v6, IPPROTO_IPV6, IPV6_PKTINFO));
        long v4 = socketOk(b, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        assertEquals(WSAEINVAL, setOpt(b, v4, IPPROTO_IPV6, IPV6_PKTINFO, le(1)));
    }
}
