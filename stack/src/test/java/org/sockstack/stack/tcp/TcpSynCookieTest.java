package org.sockstack.stack.tcp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.tcp.TcpTestHost.Sent;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.TcpOptions;
import org.sockstack.stack.wire.TcpOptions.Timestamps;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.stack.wire.TcpSegment.ACK;
import static org.sockstack.stack.wire.TcpSegment.RST;
import static org.sockstack.stack.wire.TcpSegment.SYN;

/** SYN cookies when the SYN queue overflows (RFC 4987 section 3.6). */
class TcpSynCookieTest {
    private static final int PORT = 80;
    private final TcpTestHost h = new TcpTestHost();
    private TcpSocket listener;

    @AfterEach
    void tearDown() {
        h.close();
    }

    /** A listener with a backlog of 1 whose SYN queue is already full (one half-open connection). */
    private void fullSynQueue() {
        listener = h.tcp.open();
        assertEquals(SocketError.OK, listener.bind(new Endpoint(Ipv4Address.ANY, PORT)));
        assertEquals(SocketError.OK, listener.listen(1));
        h.inject(30_000, PORT, 7_000, 0, SYN, 65535, TcpOptions.syn(1460, -1, false, null), null);
        h.one();
        assertEquals(1, h.tcp.connectionCount());
    }

    /** RFC 4987 3.6: with the SYN queue full, a SYN gets a cookie SYN,ACK and no state; the ACK creates the connection. */
    @Test
    void rfc4987_3_6_cookieHandshakeWithoutState() {
        fullSynQueue();
        h.inject(40_000, PORT, 9_000, 0, SYN, 65535, TcpOptions.syn(1400, -1, false, null), null);
        Sent synAck = h.one();
        assertEquals(SYN | ACK, synAck.h().flags());
        assertEquals(9_001, synAck.ack());
        assertEquals(1, h.counter("tcp.syncookies_sent"));
        assertEquals(1, h.tcp.connectionCount(), "nothing kept for the cookie");
        h.inject(40_000, PORT, 9_001, synAck.seq() + 1, ACK, 65535, TcpOptions.NONE, "hello".getBytes());
        assertEquals(1, h.counter("tcp.syncookies_ok"));
        TcpSocket s = listener.accept();
        assertNotNull(s);
        assertEquals(TcpState.ESTABLISHED, s.state());
        assertEquals(1400, s.info(h.now()).sendMss(), "the MSS came back from the cookie");
        assertEquals(5, s.readableBytes(), "data on the completing ACK is kept");
    }

    /** Linux's layout: window scale and SACK-permitted ride in the low bits of TSval and return in TSecr. */
    @Test
    void rfc4987_3_6_optionsInTimestamp() {
        fullSynQueue();
        h.inject(40_000, PORT, 9_000, 0, SYN, 65535, TcpOptions.syn(1460, 7, true, new Timestamps(555, 0)), null);
        Sent synAck = h.one();
        Timestamps ts = synAck.h().options().timestamps();
        assertNotNull(ts);
        assertEquals(555, ts.tsEcr());
        assertTrue(synAck.h().options().sackPermitted());
        int wscale = synAck.h().options().windowScale();
        h.inject(40_000, PORT, 9_001, synAck.seq() + 1, ACK, 1000,
                TcpOptions.data(new Timestamps(556, ts.tsVal()), List.of()), null);
        TcpSocket s = listener.accept();
        assertNotNull(s);
        TcpInfo info = s.info(h.now());
        assertEquals(7, info.sndWscale(), "the peer's shift, recovered from TSecr");
        assertEquals(wscale, info.rcvWscale());
        assertEquals(1000 << 7, info.sndWnd());
        assertTrue(info.sack());
        assertTrue(info.timestamps());
        assertEquals(1448, info.sendMss());
        // Our next TSval must not go back in time (PAWS at the peer, RFC 7323 5.3).
        s.setNoDelay(true);
        s.send(new byte[10], 0, 10, h.now());
        Sent data = h.one();
        assertTrue(data.h().options().timestamps().tsVal() - ts.tsVal() >= 0);
    }

    /** A forged cookie fails: counted, and answered with a RST like any stray ACK (RFC 9293 3.10.7.2). */
    @Test
    void rfc4987_3_6_forgedCookiesRejected() {
        fullSynQueue();
        h.inject(40_000, PORT, 9_000, 0, SYN, 65535, TcpOptions.syn(1460, -1, false, null), null);
        Sent synAck = h.one();
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < 100; i++) {
            int guess = r.nextInt();
            if (guess == synAck.seq() + 1) {
                continue;
            }
            h.inject(40_000, PORT, 9_001, guess, ACK, 65535, TcpOptions.NONE, null);
            assertEquals(RST, h.one().h().flags());
        }
        // The right cookie for another client sequence number is wrong too.
        h.inject(40_000, PORT, 9_002, synAck.seq() + 1, ACK, 65535, TcpOptions.NONE, null);
        assertEquals(RST, h.one().h().flags());
        assertEquals(101, h.counter("tcp.syncookies_failed"));
        assertNull(listener.accept());
    }

    /** A cookie is good for two 64 s periods after the one it was made in, then expires. */
    @Test
    void rfc4987_3_6_staleCookieRejected() {
        fullSynQueue();
        h.inject(40_000, PORT, 9_000, 0, SYN, 65535, TcpOptions.syn(1460, -1, false, null), null);
        Sent synAck = h.one();
        h.advance(3 * 64_000 + 1);
        h.drainFrames();
        h.inject(40_000, PORT, 9_001, synAck.seq() + 1, ACK, 65535, TcpOptions.NONE, null);
        assertEquals(1, h.counter("tcp.syncookies_failed"));
        assertNull(listener.accept());
    }

    @Test
    void cookieMssTableRoundsDown() {
        assertEquals(1460, SynCookies.MSS_TABLE[SynCookies.mssIndex(9000)]);
        assertEquals(1440, SynCookies.MSS_TABLE[SynCookies.mssIndex(1450)]);
        assertEquals(536, SynCookies.MSS_TABLE[SynCookies.mssIndex(536)]);
        assertEquals(216, SynCookies.MSS_TABLE[SynCookies.mssIndex(100)]);
    }

    /** Without cookies (configuration), an overflowing SYN is dropped as before. */
    @Test
    void cookiesOffDropsSyn() {
        h.close();
        try (TcpTestHost off = new TcpTestHost(TcpConfig.DEFAULT.withSyncookies(false))) {
            TcpSocket l = off.tcp.open();
            l.bind(new Endpoint(Ipv4Address.ANY, PORT));
            l.listen(1);
            off.inject(30_000, PORT, 7_000, 0, SYN, 65535, TcpOptions.NONE, null);
            off.one();
            off.inject(40_000, PORT, 9_000, 0, SYN, 65535, TcpOptions.NONE, null);
            assertTrue(off.sent().isEmpty());
            assertEquals(0, off.counter("tcp.syncookies_sent"));
        }
    }
}
