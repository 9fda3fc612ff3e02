package org.sockstack.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sockstack.spi.WsaData;
import org.sockstack.spi.provider.FdSet;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.api.Winsock.FD_ISSET;
import static org.sockstack.api.Winsock.FD_SET;
import static org.sockstack.api.Winsock.FD_ZERO;
import static org.sockstack.spi.wsa.Wsa.AF_INET;
import static org.sockstack.spi.wsa.Wsa.AF_INET6;
import static org.sockstack.spi.wsa.Wsa.AF_UNSPEC;
import static org.sockstack.spi.wsa.Wsa.FIONBIO;
import static org.sockstack.spi.wsa.Wsa.FIONREAD;
import static org.sockstack.spi.wsa.Wsa.INVALID_SOCKET;
import static org.sockstack.spi.wsa.Wsa.IPPROTO_TCP;
import static org.sockstack.spi.wsa.Wsa.IPPROTO_UDP;
import static org.sockstack.spi.wsa.Wsa.SD_SEND;
import static org.sockstack.spi.wsa.Wsa.SOCKET_ERROR;
import static org.sockstack.spi.wsa.Wsa.SOCK_DGRAM;
import static org.sockstack.spi.wsa.Wsa.SOCK_STREAM;
import static org.sockstack.spi.wsa.Wsa.SOL_SOCKET;
import static org.sockstack.spi.wsa.Wsa.SO_ERROR;
import static org.sockstack.spi.wsa.Wsa.SO_RCVTIMEO;
import static org.sockstack.spi.wsa.Wsa.SO_TYPE;
import static org.sockstack.spi.wsa.Wsa.makeVersion;
import static org.sockstack.spi.wsa.WsaError.WSAEADDRINUSE;
import static org.sockstack.spi.wsa.WsaError.WSAEAFNOSUPPORT;
import static org.sockstack.spi.wsa.WsaError.WSAEISCONN;
import static org.sockstack.spi.wsa.WsaError.WSAEMSGSIZE;
import static org.sockstack.spi.wsa.WsaError.WSAENOTCONN;
import static org.sockstack.spi.wsa.WsaError.WSAESHUTDOWN;
import static org.sockstack.spi.wsa.WsaError.WSAETIMEDOUT;
import static org.sockstack.spi.wsa.WsaError.WSAECONNREFUSED;
import static org.sockstack.spi.wsa.WsaError.WSAEFAULT;
import static org.sockstack.spi.wsa.WsaError.WSAEINVAL;
import static org.sockstack.spi.wsa.WsaError.WSAENOTSOCK;
import static org.sockstack.spi.wsa.WsaError.WSAEPROTONOSUPPORT;
import static org.sockstack.spi.wsa.WsaError.WSAESOCKTNOSUPPORT;
import static org.sockstack.spi.wsa.WsaError.WSAEWOULDBLOCK;
import static org.sockstack.spi.wsa.WsaError.WSANOTINITIALISED;
import static org.sockstack.spi.wsa.WsaError.WSAVERNOTSUPPORTED;

/**
 * The Winsock API's documented behaviour (shared/reference/winsock2.md, Microsoft's Winsock
 * reference, the cases Wine's ws2_32 tests record) written as C-style calls. The same body runs
 * over the host provider (the reference) and over two user-space stacks; a subclass per world.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
abstract class WinsockBehaviour extends TwoProcessBehaviour {
    static final int WAIT_MS = 5000;
    static final TimeVal WAIT = TimeVal.ofMillis(WAIT_MS);

    static SockAddr sin(InetAddress addr, int port) {
        return SockAddr.inet(addr, port);
    }

    static int port(Winsock ws, long s) {
        Ref<SockAddr> name = new Ref<>();
        assertEquals(0, ws.getsockname(s, name), () -> "getsockname: " + ws.WSAGetLastError());
        return name.value.toInet().getPort();
    }

    static long socketOk(Winsock ws, int af, int type, int protocol) {
        long s = ws.socket(af, type, protocol);
        assertNotEquals(INVALID_SOCKET, s, () -> "socket: " + ws.WSAGetLastError());
        return s;
    }

    static int getInt(Winsock ws, long s, int level, int name) {
        byte[] v = new byte[4];
        IntRef len = new IntRef(4);
        assertEquals(0, ws.getsockopt(s, level, name, v, len), () -> "getsockopt: " + ws.WSAGetLastError());
        return (v[0] & 0xFF) | (v[1] & 0xFF) << 8 | (v[2] & 0xFF) << 16 | (v[3] & 0xFF) << 24;
    }

    static void setInt(Winsock ws, long s, int level, int name, int value) {
        byte[] v = {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)};
        assertEquals(0, ws.setsockopt(s, level, name, v, 4), () -> "setsockopt: " + ws.WSAGetLastError());
    }

    /** A listening TCP socket on B. */
    long listener() {
        long l = socketOk(b, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, b.bind(l, sin(world.addrB(), 0)));
        assertEquals(0, b.listen(l, 5));
        return l;
    }

    // ------------------------------------------------------------------ startup and cleanup

    /** WSAStartup's version negotiation: {requested major, minor, granted major, minor} (0,0 refused). */
    static final int[][] VERSIONS = {
        {0, 0, -1, -1}, {0, 1, -1, -1}, {0, 255, -1, -1},
        {1, 0, 1, 0}, {1, 1, 1, 1}, {1, 2, 1, 1}, {1, 255, 1, 1},
        {2, 0, 2, 0}, {2, 1, 2, 1}, {2, 2, 2, 2}, {2, 3, 2, 2}, {2, 255, 2, 2},
        {3, 0, 2, 2}, {255, 255, 2, 2},
    };

    @Test
    void startupNegotiatesTheVersionAsWindowsDoes() {
        List<Runnable> checks = new ArrayList<>();
        for (int[] row : VERSIONS) {
            WsaData data = new WsaData();
            int r = a.WSAStartup(makeVersion(row[0], row[1]), data);
            String what = row[0] + "." + row[1];
            if (row[2] < 0) {
                checks.add(() -> assertEquals(WSAVERNOTSUPPORTED, r, what));
                checks.add(() -> assertEquals(makeVersion(2, 2), data.highVersion, what));
                continue;
            }
            assertEquals(0, r, what);
            checks.add(() -> assertEquals(makeVersion(row[2], row[3]), data.version, what));
            checks.add(() -> assertEquals(makeVersion(2, 2), data.highVersion, what));
            checks.add(() -> assertEquals("WinSock 2.0", data.description, what));
            checks.add(() -> assertEquals("Running", data.systemStatus, what));
            checks.add(() -> assertEquals(row[2] == 1 ? 32767 : 0, data.maxSockets, what));
            checks.add(() -> assertEquals(row[2] == 1 ? 65467 : 0, data.maxUdpDg, what));
            assertEquals(0, a.WSACleanup(), what);
        }
        assertAll(checks.stream().map(c -> c::run));
        assertEquals(0, a.process().startupCount(), "a refused startup is not counted");
    }

    /** WSAStartup returns its error itself: a null WSADATA is WSAEFAULT, and the last error is left alone. */
    @Test
    void startupWithoutWsaDataIsFault() {
        a.WSASetLastError(1234);
        assertEquals(WSAEFAULT, a.WSAStartup(makeVersion(2, 2), null));
        assertEquals(1234, a.WSAGetLastError());
        assertEquals(SOCKET_ERROR, a.WSACleanup());
        assertEquals(WSANOTINITIALISED, a.WSAGetLastError());
    }

    @Test
    void everyCallBeforeStartupIsNotInitialised() {
        List<Runnable> checks = new ArrayList<>();
        assertEquals(INVALID_SOCKET, a.socket(AF_INET, SOCK_STREAM, 0));
        int afterSocket = a.WSAGetLastError();
        checks.add(() -> assertEquals(WSANOTINITIALISED, afterSocket, "socket"));
        long[] results = {
            a.bind(0x100, sin(world.addrA(), 0)), a.WSAGetLastError(),
            a.closesocket(0x100), a.WSAGetLastError(),
            a.recv(0x100, new byte[1], 1, 0), a.WSAGetLastError(),
            a.select(0, FdSet.of(0x100), null, null, TimeVal.ofMillis(0)), a.WSAGetLastError(),
            a.select(0, null, null, null, TimeVal.ofMillis(0)), a.WSAGetLastError(),
            a.WSACleanup(), a.WSAGetLastError(),
        };
        for (int i = 0; i < results.length; i += 2) {
            long r = results[i];
            long e = results[i + 1];
            int call = i / 2;
            checks.add(() -> assertEquals(SOCKET_ERROR, r, "call " + call));
            checks.add(() -> assertEquals(WSANOTINITIALISED, e, "call " + call));
        }
        assertAll(checks.stream().map(c -> c::run));
    }

    @Test
    void cleanupIsCountedAndTheLastClosesEverySocket() {
        WsaData d = new WsaData();
        assertEquals(0, a.WSAStartup(makeVersion(2, 2), d));
        assertEquals(0, a.WSAStartup(makeVersion(1, 1), d));
        long s = socketOk(a, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        assertEquals(0, a.WSACleanup());
        assertEquals(0, a.bind(s, sin(world.addrA(), 0)), "one startup left: the socket lives");
        assertEquals(0, a.WSACleanup());
        assertEquals(SOCKET_ERROR, a.closesocket(s));
        assertEquals(WSANOTINITIALISED, a.WSAGetLastError());
        assertEquals(SOCKET_ERROR, a.WSACleanup(), "one cleanup too many");
        assertEquals(WSANOTINITIALISED, a.WSAGetLastError());
        assertEquals(0, a.WSAStartup(makeVersion(2, 2), d));
        assertEquals(SOCKET_ERROR, a.closesocket(s), "the last cleanup closed it");
        assertEquals(WSAENOTSOCK, a.WSAGetLastError());
        long again = socketOk(a, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        assertEquals(0, a.closesocket(again));
    }

    @Test
    void theLastErrorBelongsToTheThread() throws InterruptedException {
        a.WSASetLastError(WSAEWOULDBLOCK);
        AtomicInteger seen = new AtomicInteger(-1);
        AtomicInteger afterFailure = new AtomicInteger(-1);
        Thread t = new Thread(() -> {
            seen.set(a.WSAGetLastError());
            a.socket(AF_INET, SOCK_STREAM, 0);     // before startup: WSANOTINITIALISED
            afterFailure.set(a.WSAGetLastError());
        });
        t.start();
        t.join();
        assertEquals(0, seen.get(), "a new thread starts with no error");
        assertEquals(WSANOTINITIALISED, afterFailure.get());
        assertEquals(WSAEWOULDBLOCK, a.WSAGetLastError(), "another thread's failure is not this thread's");
    }

    // ------------------------------------------------------------------ socket creation

    /** socket(af, type, protocol): {af, type, protocol, expected error or 0, expected SO_TYPE}. */
    static final int[][] SOCKETS = {
        {AF_INET, SOCK_STREAM, 0, 0, SOCK_STREAM},
        {AF_INET, SOCK_STREAM, IPPROTO_TCP, 0, SOCK_STREAM},
        {AF_INET, SOCK_DGRAM, 0, 0, SOCK_DGRAM},
        {AF_INET, SOCK_DGRAM, IPPROTO_UDP, 0, SOCK_DGRAM},
        {AF_INET, 0, 0, 0, SOCK_STREAM},
        {AF_INET, SOCK_STREAM, IPPROTO_UDP, WSAEPROTONOSUPPORT, 0},
        {AF_INET, SOCK_DGRAM, IPPROTO_TCP, WSAEPROTONOSUPPORT, 0},
        {AF_UNSPEC, SOCK_STREAM, 0, WSAEINVAL, 0},
        {AF_INET, 99, 0, WSAESOCKTNOSUPPORT, 0},
        {99, SOCK_STREAM, 0, WSAEAFNOSUPPORT, 0},
        {99, 99, 0, WSAESOCKTNOSUPPORT, 0},
    };

    @Test
    void socketCreationFollowsTheCatalog() {
        startBoth();
        List<Runnable> checks = new ArrayList<>();
        for (int[] row : SOCKETS) {
            String what = "socket(" + row[0] + ", " + row[1] + ", " + row[2] + ")";
            long s = a.socket(row[0], row[1], row[2]);
            if (row[3] != 0) {
                int e = a.WSAGetLastError();
                checks.add(() -> assertEquals(INVALID_SOCKET, s, what));
                checks.add(() -> assertEquals(row[3], e, what));
            } else {
                assertNotEquals(INVALID_SOCKET, s, what + ": " + a.WSAGetLastError());
                int type = getInt(a, s, SOL_SOCKET, SO_TYPE);
                checks.add(() -> assertEquals(row[4], type, what));
                assertEquals(0, a.closesocket(s));
            }
        }
        assertAll(checks.stream().map(c -> c::run));
    }

    // ------------------------------------------------------------------ exchanges

    @Test
    void udpEcho() {
        startBoth();
        long server = socketOk(b, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        assertEquals(0, b.bind(server, sin(world.addrB(), 0)));
        int serverPort = port(b, server);
        long client = socketOk(a, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        assertEquals(0, a.bind(client, sin(world.addrA(), 0)));
        setInt(b, server, SOL_SOCKET, SO_RCVTIMEO, WAIT_MS);
        setInt(a, client, SOL_SOCKET, SO_RCVTIMEO, WAIT_MS);

        byte[] ping = "ping over udp".getBytes();
        assertEquals(ping.length, a.sendto(client, ping, ping.length, 0, sin(world.addrB(), serverPort)));
        byte[] buf = new byte[100];
        Ref<SockAddr> from = new Ref<>();
        int n = b.recvfrom(server, buf, buf.length, 0, from);
        assertEquals(ping.length, n, () -> "recvfrom: " + b.WSAGetLastError());
        assertEquals(new InetSocketAddress(world.addrA(), port(a, client)), from.value.toInet());
        assertEquals(n, b.sendto(server, buf, n, 0, from.value));

        byte[] back = new byte[100];
        Ref<SockAddr> replier = new Ref<>();
        assertEquals(ping.length, a.recvfrom(client, back, back.length, 0, replier));
        assertEquals("ping over udp", new String(back, 0, ping.length));
        assertEquals(new InetSocketAddress(world.addrB(), serverPort), replier.value.toInet());
        assertEquals(0, a.closesocket(client));
        assertEquals(0, b.closesocket(server));
    }

    @Test
    void tcpEcho() {
        startBoth();
        long l = listener();
        long c = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, a.connect(c, sin(world.addrB(), port(b, l))), () -> "connect: " + a.WSAGetLastError());
        Ref<SockAddr> peer = new Ref<>();
        long s = b.accept(l, peer);
        assertNotEquals(INVALID_SOCKET, s, () -> "accept: " + b.WSAGetLastError());
        assertEquals(new InetSocketAddress(world.addrA(), port(a, c)), peer.value.toInet());
        Ref<SockAddr> name = new Ref<>();
        assertEquals(0, a.getpeername(c, name));
        assertEquals(new InetSocketAddress(world.addrB(), port(b, l)), name.value.toInet());
        setInt(a, c, SOL_SOCKET, SO_RCVTIMEO, WAIT_MS);
        setInt(b, s, SOL_SOCKET, SO_RCVTIMEO, WAIT_MS);

        byte[] msg = "hello over tcp".getBytes();
        assertEquals(msg.length, a.send(c, msg, msg.length, 0));
        byte[] buf = new byte[msg.length];
        int got = 0;
        while (got < msg.length) {
            int n = b.recv(s, java.nio.ByteBuffer.wrap(buf, got, msg.length - got), 0);
            assertTrue(n > 0, () -> "recv: " + b.WSAGetLastError());
            got += n;
        }
        assertEquals(msg.length, b.send(s, buf, got, 0));
        assertEquals(0, b.shutdown(s, SD_SEND));

        byte[] back = new byte[64];
        int total = 0;
        int n;
        while ((n = a.recv(c, java.nio.ByteBuffer.wrap(back, total, back.length - total), 0)) > 0) {
            total += n;
            if (total >= msg.length) {
                break;
            }
        }
        assertEquals(msg.length, total);
        assertEquals(0, a.recv(c, back, back.length, 0), "the peer's shutdown(SD_SEND) ends the stream");
        assertEquals("hello over tcp", new String(back, 0, msg.length));
        assertEquals(0, a.closesocket(c));
        assertEquals(0, b.closesocket(s));
        assertEquals(0, b.closesocket(l));
    }

    // ------------------------------------------------------------------ non-blocking and select

    @Test
    void nonBlockingConnectCompletesAsWritable() {
        startBoth();
        long l = listener();
        long c = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, a.ioctlsocket(c, FIONBIO, new IntRef(1)));
        assertEquals(SOCKET_ERROR, a.connect(c, sin(world.addrB(), port(b, l))));
        assertEquals(WSAEWOULDBLOCK, a.WSAGetLastError());

        FdSet write = new FdSet();
        FdSet except = new FdSet();
        FD_SET(c, write);
        FD_SET(c, except);
        assertEquals(1, a.select(0, null, write, except, WAIT));
        assertTrue(FD_ISSET(c, write));
        assertFalse(FD_ISSET(c, except));
        assertEquals(0, getInt(a, c, SOL_SOCKET, SO_ERROR));
        long s = b.accept(l, null);
        assertNotEquals(INVALID_SOCKET, s);
        assertEquals(2, a.send(c, "ok".getBytes(), 2, 0));
    }

    @Test
    void recvOnANonBlockingSocketWouldBlockUntilDataArrives() {
        startBoth();
        long l = listener();
        long c = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, a.connect(c, sin(world.addrB(), port(b, l))));
        long s = b.accept(l, null);
        assertNotEquals(INVALID_SOCKET, s);
        assertEquals(0, b.ioctlsocket(s, FIONBIO, new IntRef(1)));
        byte[] buf = new byte[16];
        assertEquals(SOCKET_ERROR, b.recv(s, buf, buf.length, 0));
        assertEquals(WSAEWOULDBLOCK, b.WSAGetLastError());
        IntRef ready = new IntRef(-1);
        assertEquals(0, b.ioctlsocket(s, FIONREAD, ready));
        assertEquals(0, ready.value);

        assertEquals(5, a.send(c, "12345".getBytes(), 5, 0));
        FdSet read = new FdSet();
        FD_SET(s, read);
        assertEquals(1, b.select(0, read, null, null, WAIT));
        assertTrue(FD_ISSET(s, read));
        assertEquals(0, b.ioctlsocket(s, FIONREAD, ready));
        assertTrue(ready.value > 0 && ready.value <= 5, "FIONREAD " + ready.value);
        int got = 0;
        while (got < 5) {
            FD_ZERO(read);
            FD_SET(s, read);
            assertEquals(1, b.select(0, read, null, null, WAIT));
            int n = b.recv(s, buf, buf.length - got, 0);
            assertTrue(n > 0, () -> "recv: " + b.WSAGetLastError());
            got += n;
        }
        assertEquals(SOCKET_ERROR, b.recv(s, buf, buf.length, 0), "drained again");
        assertEquals(WSAEWOULDBLOCK, b.WSAGetLastError());
    }

    @Test
    void aRefusedConnectLandsInTheExceptSet() {
        startBoth();
        long l = listener();
        int closedPort = port(b, l);
        assertEquals(0, b.closesocket(l));
        long c = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, a.ioctlsocket(c, FIONBIO, new IntRef(1)));
        assertEquals(SOCKET_ERROR, a.connect(c, sin(world.addrB(), closedPort)));
        assertEquals(WSAEWOULDBLOCK, a.WSAGetLastError());
        FdSet write = FdSet.of(c);
        FdSet except = FdSet.of(c);
        assertEquals(1, a.select(0, null, write, except, WAIT));
        assertTrue(FD_ISSET(c, except));
        assertFalse(FD_ISSET(c, write), "a failed connect is not writable");
        assertEquals(WSAECONNREFUSED, getInt(a, c, SOL_SOCKET, SO_ERROR));
        assertEquals(WSAECONNREFUSED, getInt(a, c, SOL_SOCKET, SO_ERROR), "SO_ERROR stays set when read again");
    }

    @Test
    void aBlockingConnectToAClosedPortIsRefused() {
        startBoth();
        long l = listener();
        int closedPort = port(b, l);
        assertEquals(0, b.closesocket(l));
        long c = socketOk(a, AF_INET, SOCK_STREAM, 0);
        assertEquals(SOCKET_ERROR, a.connect(c, sin(world.addrB(), closedPort)));
        assertEquals(WSAECONNREFUSED, a.WSAGetLastError());
    }

    @Test
    void selectTimesOutWithEmptySetsAndRefusesNoSets() {
        startBoth();
        long u = socketOk(a, AF_INET, SOCK_DGRAM, 0);
        assertEquals(0, a.bind(u, sin(world.addrA(), 0)));
        FdSet read = FdSet.of(u);
        assertEquals(0, a.select(0, read, null, null, new TimeVal(0, 0)));
        assertEquals(0, read.count(), "a time-out leaves the sets empty");
        assertEquals(SOCKET_ERROR, a.select(0, new FdSet(), null, null, new TimeVal(0, 0)));
        assertEquals(WSAEINVAL, a.WSAGetLastError());
        FdSet write = FdSet.of(u);
        assertEquals(1, a.select(0, null, write, null, new TimeVal(0, 0)), "a UDP socket is writable");
    }

    @Test
    void aNonBlockingAcceptWouldBlockUntilTheListenerIsReadable() {
        startBoth();
        long l = listener();
        assertEquals(0, b.ioctlsocket(l, FIONBIO, new IntRef(1)));
        assertEquals(INVALID_SOCKET, b.accept(l, null));
        assertEquals(WSAEWOULDBLOCK, b.WSAGetLastError());
        long c = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, a.connect(c, sin(world.addrB(), port(b, l))));
        FdSet read = FdSet.of(l);
        assertEquals(1, b.select(0, read, null, null, WAIT), "a pending connection makes the listener readable");
        Ref<SockAddr> peer = new Ref<>();
        long s = b.accept(l, peer);
        assertNotEquals(INVALID_SOCKET, s, () -> "accept: " + b.WSAGetLastError());
        assertEquals(new InetSocketAddress(world.addrA(), port(a, c)), peer.value.toInet());
    }

    @Test
    void aGracefulCloseIsReadableAndRecvReturnsZero() {
        startBoth();
        long l = listener();
        long c = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, a.connect(c, sin(world.addrB(), port(b, l))));
        long s = b.accept(l, null);
        assertEquals(0, a.shutdown(c, SD_SEND));
        FdSet read = FdSet.of(s);
        assertEquals(1, b.select(0, read, null, null, WAIT));
        assertEquals(0, b.recv(s, new byte[8], 8, 0));
        assertEquals(SOCKET_ERROR, a.send(c, new byte[1], 1, 0), "no sends after shutdown(SD_SEND)");
        assertEquals(WSAESHUTDOWN, a.WSAGetLastError());
    }

    /** A blocking recv bounded by SO_RCVTIMEO fails with WSAETIMEDOUT. */
    @Test
    void aReceiveTimeOutIsTimedOut() {
        startBoth();
        long u = socketOk(a, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        assertEquals(0, a.bind(u, sin(world.addrA(), 0)));
        setInt(a, u, SOL_SOCKET, SO_RCVTIMEO, 100);
        assertEquals(SOCKET_ERROR, a.recv(u, new byte[8], 8, 0));
        assertEquals(WSAETIMEDOUT, a.WSAGetLastError());
    }

    /** A datagram larger than the buffer: the buffer is filled, the rest is lost, WSAEMSGSIZE. */
    @Test
    void aTruncatedDatagramIsMessageSize() {
        startBoth();
        long server = socketOk(b, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        assertEquals(0, b.bind(server, sin(world.addrB(), 0)));
        setInt(b, server, SOL_SOCKET, SO_RCVTIMEO, WAIT_MS);
        long client = socketOk(a, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        byte[] big = "0123456789".getBytes();
        assertEquals(10, a.sendto(client, big, 10, 0, sin(world.addrB(), port(b, server))));
        byte[] small = new byte[4];
        assertEquals(SOCKET_ERROR, b.recvfrom(server, small, 4, 0, null));
        assertEquals(WSAEMSGSIZE, b.WSAGetLastError());
        assertEquals("0123", new String(small));
        assertEquals(0, b.ioctlsocket(server, FIONBIO, new IntRef(1)));
        assertEquals(SOCKET_ERROR, b.recv(server, small, 4, 0), "the rest of the datagram is gone");
        assertEquals(WSAEWOULDBLOCK, b.WSAGetLastError());
    }

    /** Misuse of a TCP socket: {description, expected error} with the call made in order. */
    @Test
    void tcpMisuseTable() {
        startBoth();
        long l = listener();
        long t = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        byte[] one = new byte[1];
        List<Runnable> checks = new ArrayList<>();
        java.util.function.BiConsumer<String, int[]> row = (what, re) -> {
            checks.add(() -> assertEquals(SOCKET_ERROR, re[0], what));
            checks.add(() -> assertEquals(re[2], re[1], what));
        };
        row.accept("send before connect", new int[] {a.send(t, one, 1, 0), a.WSAGetLastError(), WSAENOTCONN});
        row.accept("recv before connect", new int[] {a.recv(t, one, 1, 0), a.WSAGetLastError(), WSAENOTCONN});
        row.accept("getpeername before connect",
                new int[] {a.getpeername(t, new Ref<>()), a.WSAGetLastError(), WSAENOTCONN});
        row.accept("listen before bind", new int[] {a.listen(t, 5), a.WSAGetLastError(), WSAEINVAL});
        long dup = socketOk(b, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        row.accept("bind to a port in use",
                new int[] {b.bind(dup, sin(world.addrB(), port(b, l))), b.WSAGetLastError(), WSAEADDRINUSE});
        assertEquals(0, a.bind(t, sin(world.addrA(), 0)));
        row.accept("bind twice", new int[] {a.bind(t, sin(world.addrA(), 0)), a.WSAGetLastError(), WSAEINVAL});
        assertEquals(0, a.connect(t, sin(world.addrB(), port(b, l))));
        row.accept("connect when connected",
                new int[] {a.connect(t, sin(world.addrB(), port(b, l))), a.WSAGetLastError(), WSAEISCONN});
        row.accept("accept on a non-listening socket",
                new int[] {(int) a.accept(t, null), a.WSAGetLastError(), WSAEINVAL});
        assertAll(checks.stream().map(c -> c::run));
    }

    // ------------------------------------------------------------------ closed sockets

    @Test
    void aClosedSocketIsNotASocket() {
        startBoth();
        long s = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        long other = socketOk(a, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        assertEquals(0, a.closesocket(s));
        byte[] buf = new byte[4];
        int[][] calls = {
            {a.closesocket(s), a.WSAGetLastError()},
            {a.bind(s, sin(world.addrA(), 0)), a.WSAGetLastError()},
            {a.send(s, buf, 4, 0), a.WSAGetLastError()},
            {a.recv(s, buf, 4, 0), a.WSAGetLastError()},
            {a.ioctlsocket(s, FIONBIO, new IntRef(1)), a.WSAGetLastError()},
            {a.getsockname(s, new Ref<>()), a.WSAGetLastError()},
            {(int) a.accept(s, null), a.WSAGetLastError()},
        };
        List<Runnable> checks = new ArrayList<>();
        for (int i = 0; i < calls.length; i++) {
            int[] c = calls[i];
            int call = i;
            checks.add(() -> assertEquals(SOCKET_ERROR, c[0], "call " + call));
            checks.add(() -> assertEquals(WSAENOTSOCK, c[1], "call " + call));
        }
        assertAll(checks.stream().map(c -> c::run));

        FdSet read = FdSet.of(other, s);
        assertEquals(SOCKET_ERROR, a.select(0, read, null, null, new TimeVal(0, 0)));
        assertEquals(WSAENOTSOCK, a.WSAGetLastError());
        assertEquals(2, read.count(), "the sets are left unchanged");
        assertTrue(FD_ISSET(s, read) && FD_ISSET(other, read));
    }

    /** Options pass through to the provider: SO_TYPE reads the type and cannot be set (WSAENOPROTOOPT). */
    @Test
    void optionsPassThroughToTheProvider() {
        startBoth();
        long u = socketOk(a, AF_INET, SOCK_DGRAM, 0);
        assertEquals(SOCK_DGRAM, getInt(a, u, SOL_SOCKET, SO_TYPE));
        byte[] v = {1, 0, 0, 0};
        assertEquals(SOCKET_ERROR, a.setsockopt(u, SOL_SOCKET, SO_TYPE, v, 4));
        assertEquals(org.sockstack.spi.wsa.WsaError.WSAENOPROTOOPT, a.WSAGetLastError());
        setInt(a, u, SOL_SOCKET, SO_RCVTIMEO, 1234);
        assertEquals(1234, getInt(a, u, SOL_SOCKET, SO_RCVTIMEO));
    }

    // ------------------------------------------------------------------ addresses and parameters

    @Test
    void bufferBoundsAreCheckedByTheApi() {
        startBoth();
        long u = socketOk(a, AF_INET, SOCK_DGRAM, 0);
        assertEquals(SOCKET_ERROR, a.recv(u, new byte[4], 5, 0));
        assertEquals(WSAEFAULT, a.WSAGetLastError());
        assertEquals(SOCKET_ERROR, a.sendto(u, new byte[4], -1, 0, sin(world.addrB(), 9)));
        assertEquals(WSAEFAULT, a.WSAGetLastError());
        assertEquals(SOCKET_ERROR, a.ioctlsocket(u, FIONBIO, null));
        assertEquals(WSAEFAULT, a.WSAGetLastError());
    }

    @Test
    void inetPtonAndNtopRoundTripThisWorldsAddresses() {
        startBoth();
        byte[] v4 = new byte[4];
        String text = world.addrB().getHostAddress();
        assertEquals(1, a.inet_pton(AF_INET, text, v4));
        assertArrayEquals(world.addrB().getAddress(), v4);
        assertEquals(text, a.inet_ntop(AF_INET, v4));
        assertEquals(-1, a.inet_pton(AF_INET6 + 100, text, v4));
        assertEquals(WSAEAFNOSUPPORT, a.WSAGetLastError());
    }

    // ------------------------------------------------------------------ the Java facade

    @Test
    void theFacadeEchoesAndClosesWithTryWithResources() throws Exception {
        startBoth();
        long handle;
        try (WsSocket l = WsSocket.tcp(b).bind(new InetSocketAddress(world.addrB(), 0)).listen(5);
             WsSocket c = WsSocket.tcp(a)) {
            c.connect(new InetSocketAddress(world.addrB(), l.localAddress().getPort()));
            try (WsSocket s = l.accept()) {
                handle = s.handle();
                assertEquals(c.localAddress(), s.remoteAddress());
                c.setOption(SOL_SOCKET, SO_RCVTIMEO, WAIT_MS);
                s.sendAll("facade".getBytes());
                byte[] buf = new byte[6];
                int got = 0;
                while (got < 6) {
                    int n = c.recv(buf, got, 6 - got);
                    assertTrue(n > 0);
                    got += n;
                }
                assertEquals("facade", new String(buf));
                c.setNonBlocking(true);
                WinsockException e = assertThrows(WinsockException.class, () -> c.recv(buf, 0, 6));
                assertTrue(e.wouldBlock());
                assertEquals("recv", e.call());
            }
        }
        assertEquals(SOCKET_ERROR, b.closesocket(handle), "try-with-resources closed it");
        assertEquals(WSAENOTSOCK, b.WSAGetLastError());
    }

    @Test
    void theFacadeThrowsWithTheWsaCode() throws Exception {
        startBoth();
        int closedPort;
        try (WsSocket l = WsSocket.tcp(b).bind(new InetSocketAddress(world.addrB(), 0))) {
            closedPort = l.localAddress().getPort();
        }
        try (WsSocket c = WsSocket.tcp(a)) {
            WinsockException e = assertThrows(WinsockException.class,
                    () -> c.connect(new InetSocketAddress(world.addrB(), closedPort)));
            assertEquals(WSAECONNREFUSED, e.code());
            assertEquals("WSAECONNREFUSED", e.codeName());
            assertEquals("connect: WSAECONNREFUSED (10061)", e.getMessage());
        }
        WinsockException e = assertThrows(WinsockException.class,
                () -> WsSocket.open(a, AF_INET, SOCK_STREAM, IPPROTO_UDP));
        assertEquals(WSAEPROTONOSUPPORT, e.code());
    }

    @Test
    void theFacadeExchangesDatagrams() throws Exception {
        startBoth();
        try (WsSocket server = WsSocket.udp(b).bind(new InetSocketAddress(world.addrB(), 0));
             WsSocket client = WsSocket.udp(a).bind(new InetSocketAddress(world.addrA(), 0))) {
            server.setOption(SOL_SOCKET, SO_RCVTIMEO, WAIT_MS);
            byte[] d = "dgram".getBytes();
            assertEquals(5, client.sendTo(d, 0, 5, server.localAddress()));
            byte[] buf = new byte[32];
            WsSocket.Datagram got = server.recvFrom(buf);
            assertEquals(5, got.length());
            assertEquals(client.localAddress(), got.from());
        }
    }
}
