package org.sockstack.api;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sockstack.spi.provider.FdSet;
import org.sockstack.spi.provider.NetworkEvents;
import org.sockstack.spi.provider.WsaEvent;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Wsa;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.api.WinsockBehaviour.getInt;
import static org.sockstack.api.WinsockBehaviour.port;
import static org.sockstack.api.WinsockBehaviour.setInt;
import static org.sockstack.api.WinsockBehaviour.sin;
import static org.sockstack.api.WinsockBehaviour.socketOk;
import static org.sockstack.spi.wsa.Wsa.AF_INET;
import static org.sockstack.spi.wsa.Wsa.FD_OOB;
import static org.sockstack.spi.wsa.Wsa.FD_READ;
import static org.sockstack.spi.wsa.Wsa.FIONBIO;
import static org.sockstack.spi.wsa.Wsa.FIONREAD;
import static org.sockstack.spi.wsa.Wsa.INVALID_SOCKET;
import static org.sockstack.spi.wsa.Wsa.IPPROTO_TCP;
import static org.sockstack.spi.wsa.Wsa.IPPROTO_UDP;
import static org.sockstack.spi.wsa.Wsa.MSG_OOB;
import static org.sockstack.spi.wsa.Wsa.MSG_PEEK;
import static org.sockstack.spi.wsa.Wsa.SIOCATMARK;
import static org.sockstack.spi.wsa.Wsa.SOCKET_ERROR;
import static org.sockstack.spi.wsa.Wsa.SOCK_DGRAM;
import static org.sockstack.spi.wsa.Wsa.SOCK_STREAM;
import static org.sockstack.spi.wsa.Wsa.SOL_SOCKET;
import static org.sockstack.spi.wsa.Wsa.SO_OOBINLINE;
import static org.sockstack.spi.wsa.Wsa.SO_RCVTIMEO;
import static org.sockstack.spi.wsa.WsaError.WSAEINVAL;
import static org.sockstack.spi.wsa.WsaError.WSAEOPNOTSUPP;
import static org.sockstack.spi.wsa.WsaError.WSAETIMEDOUT;
import static org.sockstack.spi.wsa.WsaError.WSAEWOULDBLOCK;

/**
 * Out-of-band data (MSG_OOB, SIOCATMARK, SO_OOBINLINE, FD_OOB, select's except set, WSAPoll's
 * POLLRDBAND) as Winsock's TCP/IP providers give it: TCP urgent data with BSD semantics, the last
 * octet of a send(MSG_OOB) is the out-of-band octet (Microsoft's "Protocol-Independent
 * Out-of-Band Data" and "TCP/IP Out-of-Band data" pages). Windows answers SIOCATMARK the other
 * way round from BSD: TRUE when no out-of-band data waits.
 *
 * <p>The host provider (JDK) can send urgent data and receive it in line, but cannot read it out
 * of band (the JDK has no call for it: the octet is lost without SO_OOBINLINE). Where it cannot,
 * the tests assert its documented answer ({@link #readsOutOfBand()} false): recv(MSG_OOB)
 * WSAEOPNOTSUPP, no FD_OOB, no except set, SIOCATMARK always TRUE.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
abstract class OobBehaviour extends TwoProcessBehaviour {
    static final int WAIT_MS = 5000;

    /** True if the world's provider reads urgent data out of band (the stack); false for the host. */
    abstract boolean readsOutOfBand();

    @BeforeEach
    void startProcesses() {
        startBoth();
    }

    // ------------------------------------------------------------------ helpers

    /** {client on A, server on B}: connected with blocking calls. */
    long[] connectedPair() {
        long l = socketOk(b, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, b.bind(l, sin(world.addrB(), 0)));
        assertEquals(0, b.listen(l, 5));
        long c = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, a.connect(c, sin(world.addrB(), port(b, l))), () -> "connect: " + a.WSAGetLastError());
        long s = b.accept(l, null);
        assertNotEquals(INVALID_SOCKET, s, () -> "accept: " + b.WSAGetLastError());
        assertEquals(0, b.closesocket(l));
        return new long[] {c, s};
    }

    static void sendOk(Winsock ws, long s, String text, int flags) {
        byte[] d = text.getBytes(StandardCharsets.US_ASCII);
        assertEquals(d.length, ws.send(s, d, d.length, flags), () -> "send: " + ws.WSAGetLastError());
    }

    static String recvOk(Winsock ws, long s, int flags) {
        byte[] buf = new byte[64];
        int n = ws.recv(s, buf, buf.length, flags);
        assertTrue(n >= 0, () -> "recv: " + ws.WSAGetLastError());
        return new String(buf, 0, n, StandardCharsets.US_ASCII);
    }

    /** Reads exactly {@code n} octets of normal data (reads stop at the mark, so it may take several). */
    static String recvAll(Winsock ws, long s, int n) {
        StringBuilder sb = new StringBuilder();
        while (sb.length() < n) {
            String got = recvOk(ws, s, 0);
            assertFalse(got.isEmpty(), "end of stream after " + sb);
            sb.append(got);
        }
        return sb.toString();
    }

    /** SIOCATMARK: 1 (TRUE, Windows' "no out-of-band data waits") or 0. */
    static int atMark(Winsock ws, long s) {
        IntRef v = new IntRef();
        assertEquals(0, ws.ioctlsocket(s, SIOCATMARK, v), () -> "SIOCATMARK: " + ws.WSAGetLastError());
        return v.value;
    }

    /** Waits until FIONREAD reports at least {@code n} octets (select on the read set, then FIONREAD). */
    static void awaitQueued(Winsock ws, long s, int n) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (true) {
            assertEquals(1, ws.select(0, FdSet.of(s), null, null, TimeVal.ofMillis(WAIT_MS)), "readable");
            IntRef q = new IntRef();
            assertEquals(0, ws.ioctlsocket(s, FIONREAD, q));
            if (q.value >= n) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "only " + q.value + " octets arrived");
            Thread.onSpinWait();
        }
    }

    /** select on the except set (and the read set): whether {@code s} came back in the except set. */
    static boolean inExceptSet(Winsock ws, long s, int waitMs) {
        FdSet x = FdSet.of(s);
        int n = ws.select(0, null, null, x, TimeVal.ofMillis(waitMs));
        assertTrue(n >= 0, () -> "select: " + ws.WSAGetLastError());
        return Winsock.FD_ISSET(s, x);
    }

    void nonBlocking(Winsock ws, long s) {
        assertEquals(0, ws.ioctlsocket(s, FIONBIO, new IntRef(1)));
    }

    // ------------------------------------------------------------------ tests

    /** A connected socket with nothing urgent: SIOCATMARK is TRUE (Windows' inverted sense). */
    @Test
    void atMarkTrueWithoutUrgentData() {
        long[] p = connectedPair();
        assertEquals(1, atMark(b, p[1]));
        assertEquals(0, getInt(b, p[1], SOL_SOCKET, SO_OOBINLINE), "SO_OOBINLINE is off by default");
    }

    /**
     * send(MSG_OOB) "abc": 'c' is the out-of-band octet. Without SO_OOBINLINE the receiver sees the
     * except set and SIOCATMARK FALSE, reads "ab" normally and 'c' with recv(MSG_OOB); 'c' is not in
     * the stream.
     */
    @Test
    void outOfBandOctet() {
        long[] p = connectedPair();
        sendOk(a, p[0], "abc", MSG_OOB);
        if (readsOutOfBand()) {
            assertTrue(inExceptSet(b, p[1], WAIT_MS), "out-of-band data: in the except set");
            assertEquals(0, atMark(b, p[1]), "SIOCATMARK FALSE while the octet waits");
            assertEquals("ab", recvAll(b, p[1], 2));
            assertEquals("c", recvOk(b, p[1], MSG_OOB | MSG_PEEK), "MSG_PEEK leaves the octet");
            assertEquals(0, atMark(b, p[1]));
            assertEquals("c", recvOk(b, p[1], MSG_OOB));
            assertEquals(1, atMark(b, p[1]), "SIOCATMARK TRUE once read");
            assertFalse(inExceptSet(b, p[1], 50));
            nonBlocking(b, p[1]);
            assertEquals(SOCKET_ERROR, b.recv(p[1], new byte[8], 8, MSG_OOB));
            assertEquals(WSAEWOULDBLOCK, b.WSAGetLastError(), "nothing urgent waits");
            assertEquals(0, b.ioctlsocket(p[1], FIONBIO, new IntRef(0)), "blocking again");
        } else {
            // The host: the kernel keeps 'c' out of band and the JDK cannot read it.
            assertEquals("ab", recvAll(b, p[1], 2));
            assertFalse(inExceptSet(b, p[1], 50), "the JDK does not report urgent data");
            assertEquals(1, atMark(b, p[1]), "the JDK cannot tell: SIOCATMARK stays TRUE");
            assertEquals(SOCKET_ERROR, b.recv(p[1], new byte[8], 8, MSG_OOB));
            assertEquals(WSAEOPNOTSUPP, b.WSAGetLastError(), "the JDK cannot read urgent data out of band");
        }
        sendOk(a, p[0], "de", 0);
        assertEquals("de", recvAll(b, p[1], 2), "the out-of-band octet is not in the stream");
    }

    /** SO_OOBINLINE: the octet stays in the stream (both worlds); recv(MSG_OOB) is WSAEINVAL. */
    @Test
    void inlineOctet() {
        long[] p = connectedPair();
        setInt(b, p[1], SOL_SOCKET, SO_OOBINLINE, 1);
        assertEquals(1, getInt(b, p[1], SOL_SOCKET, SO_OOBINLINE));
        sendOk(a, p[0], "abc", MSG_OOB);
        awaitQueued(b, p[1], 3);
        if (readsOutOfBand()) {
            assertEquals(0, atMark(b, p[1]), "SIOCATMARK FALSE: the urgent octet is still ahead");
        }
        assertFalse(inExceptSet(b, p[1], 50), "in line: never in the except set");
        assertEquals(SOCKET_ERROR, b.recv(p[1], new byte[8], 8, MSG_OOB));
        assertEquals(WSAEINVAL, b.WSAGetLastError(), "MSG_OOB with SO_OOBINLINE (Windows: WSAEINVAL)");
        sendOk(a, p[0], "de", 0);
        assertEquals("abcde", recvAll(b, p[1], 5));
        assertEquals(1, atMark(b, p[1]), "SIOCATMARK TRUE once the urgent octet is read");
    }

    /** A listener's SO_OOBINLINE is inherited by the accepted socket. */
    @Test
    void inlineInheritedByAcceptedSocket() {
        long l = socketOk(b, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        setInt(b, l, SOL_SOCKET, SO_OOBINLINE, 1);
        assertEquals(0, b.bind(l, sin(world.addrB(), 0)));
        assertEquals(0, b.listen(l, 5));
        long c = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, a.connect(c, sin(world.addrB(), port(b, l))));
        long s = b.accept(l, null);
        assertNotEquals(INVALID_SOCKET, s);
        assertEquals(1, getInt(b, s, SOL_SOCKET, SO_OOBINLINE));
        sendOk(a, c, "xy", MSG_OOB);
        assertEquals("xy", recvAll(b, s, 2));
    }

    /**
     * WSAEventSelect: FD_OOB is recorded when the octet arrives (FD_READ for the normal data
     * before it); recv re-enables it, and after recv(MSG_OOB) nothing urgent is left to record.
     */
    @Test
    void fdOobThroughEventSelect() {
        long[] p = connectedPair();
        WsaEvent e = b.WSACreateEvent();
        assertEquals(0, b.WSAEventSelect(p[1], e, FD_READ | FD_OOB));
        sendOk(a, p[0], "abc", MSG_OOB);
        if (readsOutOfBand()) {
            NetworkEvents ne = EventsBehaviour.collect(b, p[1], e, FD_READ | FD_OOB);
            EventsBehaviour.assertEvents(FD_READ | FD_OOB, ne.networkEvents, "FD_READ for \"ab\", FD_OOB for 'c'");
            assertEquals(0, ne.errorCode[Wsa.FD_OOB_BIT]);
            assertEquals("c", recvOk(b, p[1], MSG_OOB));
            assertEquals("ab", recvOk(b, p[1], 0));
            assertEquals(0, EventsBehaviour.recorded(b, p[1]) & FD_OOB, "nothing urgent left: no new FD_OOB");
        } else {
            NetworkEvents ne = EventsBehaviour.collect(b, p[1], e, FD_READ);
            assertEquals("ab", recvOk(b, p[1], 0));
            assertEquals(0, (ne.networkEvents | EventsBehaviour.recorded(b, p[1])) & FD_OOB,
                    "the JDK never reports urgent data: no FD_OOB");
        }
        // Level-triggered: a second urgent octet records FD_OOB again (re-enabled by the recvs).
        sendOk(a, p[0], "z", MSG_OOB);
        if (readsOutOfBand()) {
            NetworkEvents ne = EventsBehaviour.collect(b, p[1], e, FD_OOB);
            assertEquals(FD_OOB, ne.networkEvents & FD_OOB);
            assertEquals("z", recvOk(b, p[1], MSG_OOB));
        }
        assertTrue(b.WSACloseEvent(e));
    }

    /** WSAPoll reports waiting out-of-band data as POLLRDBAND (not as an error). */
    @Test
    void pollReportsRdBand() {
        long[] p = connectedPair();
        sendOk(a, p[0], "q", MSG_OOB);
        WsaPollFd f = new WsaPollFd(p[1], WsaPollFd.POLLRDBAND);
        if (readsOutOfBand()) {
            assertEquals(1, b.WSAPoll(new WsaPollFd[] {f}, 1, WAIT_MS));
            assertEquals(WsaPollFd.POLLRDBAND, f.revents);
            assertEquals("q", recvOk(b, p[1], MSG_OOB));
        } else {
            assertEquals(0, b.WSAPoll(new WsaPollFd[] {f}, 1, 100), "the JDK does not report urgent data");
        }
    }

    /** A blocking recv(MSG_OOB) waits for urgent data (SO_RCVTIMEO bounds it). */
    @Test
    void blockingOobReceiveWaits() {
        long[] p = connectedPair();
        setInt(b, p[1], SOL_SOCKET, SO_RCVTIMEO, 200);
        sendOk(a, p[0], "normal", 0);
        assertEquals(SOCKET_ERROR, b.recv(p[1], new byte[8], 8, MSG_OOB));
        assertEquals(readsOutOfBand() ? WSAETIMEDOUT : WSAEOPNOTSUPP, b.WSAGetLastError());
        assertEquals("normal", recvAll(b, p[1], 6), "recv(MSG_OOB) took no normal data");
    }

    /** Datagram sockets have no out-of-band data: MSG_OOB is WSAEOPNOTSUPP, SIOCATMARK TRUE. */
    @Test
    void datagramRefusesOob() {
        long u = socketOk(a, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        assertEquals(0, a.bind(u, sin(world.addrA(), 0)));
        assertEquals(0, a.connect(u, sin(world.addrA(), port(a, u))));
        assertEquals(SOCKET_ERROR, a.send(u, new byte[] {1}, 1, MSG_OOB));
        assertEquals(WSAEOPNOTSUPP, a.WSAGetLastError(), "send MSG_OOB on a datagram socket");
        assertEquals(SOCKET_ERROR, a.recv(u, new byte[8], 8, MSG_OOB));
        assertEquals(WSAEOPNOTSUPP, a.WSAGetLastError(), "recv MSG_OOB on a datagram socket");
        assertEquals(1, atMark(a, u));
    }
}
