package org.sockstack.stack.tcp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.socket.SocketEvents;
import org.sockstack.stack.tcp.TcpTestHost.Sent;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.TcpOptions;
import org.sockstack.stack.wire.TcpOptions.Timestamps;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.stack.tcp.TcpTestHost.ISS;
import static org.sockstack.stack.wire.TcpSegment.ACK;
import static org.sockstack.stack.wire.TcpSegment.FIN;
import static org.sockstack.stack.wire.TcpSegment.RST;
import static org.sockstack.stack.wire.TcpSegment.SYN;

/** Opening connections: RFC 9293 3.5 (three-way handshake), 3.10.7.1-3.10.7.3, options of 3.7.1 and RFC 7323. */
class TcpHandshakeTest {
    static final int PORT = 80;
    static final int PEER_PORT = 40_000;
    static final int PEER_ISS = 5_000;

    private final TcpTestHost h = new TcpTestHost();

    @AfterEach
    void tearDown() {
        h.close();
    }

    /** RFC 9293 3.10.7.1: no TCB and no ACK: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>. */
    @Test
    void rfc9293_3_10_7_1_synToClosedPortIsAnsweredWithRstAck() {
        h.inject(PEER_PORT, 9, PEER_ISS, 0, SYN, 1000, TcpOptions.NONE, null);
        Sent rst = h.one();
        assertEquals(RST | ACK, rst.h().flags());
        assertEquals(0, rst.seq());
        assertEquals(PEER_ISS + 1, rst.ack());
        assertEquals(9, rst.h().srcPort());
        assertEquals(PEER_PORT, rst.h().dstPort());
        assertEquals(1, h.counter("tcp.drop.no_socket"));
        assertEquals(1, h.counter("tcp.out_rsts"));
    }

    /** RFC 9293 3.10.7.1: with ACK: <SEQ=SEG.ACK><CTL=RST>; data counts in SEG.LEN otherwise. */
    @Test
    void rfc9293_3_10_7_1_ackToClosedPortIsAnsweredWithRstAtSegAck() {
        h.inject(PEER_PORT, 9, PEER_ISS, 777, ACK, 1000, TcpOptions.NONE, new byte[10]);
        Sent rst = h.one();
        assertEquals(RST, rst.h().flags());
        assertEquals(777, rst.seq());
        h.inject(PEER_PORT, 9, PEER_ISS, 0, FIN, 1000, TcpOptions.NONE, new byte[10]);
        Sent rst2 = h.one();
        assertEquals(RST | ACK, rst2.h().flags());
        assertEquals(PEER_ISS + 11, rst2.ack(), "SEG.LEN counts the data and the FIN");
    }

    /** RFC 9293 3.10.7.1: "An incoming segment containing a RST is discarded." */
    @Test
    void rfc9293_3_10_7_1_rstToClosedPortIsSilentlyDropped() {
        h.inject(PEER_PORT, 9, PEER_ISS, 0, RST, 0, TcpOptions.NONE, null);
        assertTrue(h.sent().isEmpty());
    }

    /** RFC 9293 3.5 figure 6 from the server side, with RFC 7323/2018 options negotiated. */
    @Test
    void rfc9293_3_5_passiveOpenWithOptions() {
        TcpSocket server = h.tcp.open();
        List<Integer> events = new ArrayList<>();
        server.setListener(events::add);
        assertEquals(SocketError.OK, server.bind(new Endpoint(Ipv4Address.ANY, PORT)));
        assertEquals(SocketError.OK, server.listen(8));
        assertEquals(TcpState.LISTEN, server.state());

        TcpOptions syn = TcpOptions.syn(1400, 7, true, new Timestamps(111, 0));
        h.inject(PEER_PORT, PORT, PEER_ISS, 0, SYN, 64240, syn, null);
        Sent synAck = h.one();
        assertEquals(SYN | ACK, synAck.h().flags());
        assertEquals(ISS, synAck.seq());
        assertEquals(PEER_ISS + 1, synAck.ack());
        TcpOptions o = synAck.h().options();
        assertEquals(1460, o.mss(), "RFC 9293 3.7.1: MTU 1500 - 40");
        assertTrue(o.windowScale() >= 0, "window scale answered");
        assertTrue(o.sackPermitted());
        assertEquals(111, o.timestamps().tsEcr(), "RFC 7323 4.3: TSecr echoes TS.Recent");
        assertNull(server.accept(), "not established yet");
        assertEquals(SocketError.WOULD_BLOCK, server.lastError());

        h.inject(PEER_PORT, PORT, PEER_ISS + 1, ISS + 1, ACK, 502, TcpOptions.data(new Timestamps(112, o.timestamps().tsVal()), List.of()), null);
        assertTrue(h.sent().isEmpty(), "nothing to send after the final ACK");
        assertTrue(events.contains(SocketEvents.ACCEPTABLE));
        TcpSocket conn = server.accept();
        assertNotNull(conn);
        assertEquals(TcpState.ESTABLISHED, conn.state());
        assertEquals(TcpTestHost.peer(PEER_PORT), conn.remoteEndpoint());
        assertEquals(TcpTestHost.local(PORT), conn.localEndpoint());
        TcpInfo info = conn.info(h.now());
        assertEquals(7, info.sndWscale());
        assertEquals(502 << 7, info.sndWnd(), "RFC 7323 2.3: windows after the SYN are scaled");
        assertTrue(info.sack() && info.timestamps());
        assertEquals(1400 - 12, info.sendMss(), "RFC 6691: the peer's MSS less our timestamp option");
        assertEquals(1, h.counter("tcp.passive_opens"));
    }

    /** RFC 7323 2.2 and 3.2: options the peer did not offer are not used (or answered). */
    @Test
    void rfc7323_optionsOnlyWhenBothSidesOfferThem() {
        TcpSocket server = listen(h, PORT);
        h.inject(PEER_PORT, PORT, PEER_ISS, 0, SYN, 8192, TcpOptions.NONE, null);
        Sent synAck = h.one();
        TcpOptions o = synAck.h().options();
        assertEquals(1460, o.mss());
        assertEquals(-1, o.windowScale());
        assertFalse(o.sackPermitted());
        assertNull(o.timestamps());
        h.inject(PEER_PORT, PORT, PEER_ISS + 1, ISS + 1, ACK, 8192, TcpOptions.NONE, null);
        TcpInfo info = server.accept().info(h.now());
        assertEquals(536, info.sendMss(), "RFC 9293 3.7.1 / RFC 6691: 536 without an MSS option");
        assertEquals(8192, info.sndWnd());
        assertEquals(-1, info.sndWscale());
        assertFalse(info.sack() || info.timestamps());
    }

    /** RFC 9293 3.5 figure 6 from the client side; RFC 9293 3.10.7.3 SYN_SENT processing. */
    @Test
    void rfc9293_3_10_7_3_activeOpen() {
        TcpSocket c = h.tcp.open();
        List<Integer> events = new ArrayList<>();
        c.setListener(events::add);
        assertEquals(SocketError.IN_PROGRESS, c.connect(TcpTestHost.peer(PORT), h.now()));
        assertEquals(SocketError.ALREADY, c.connect(TcpTestHost.peer(PORT), h.now()));
        h.run();
        Sent syn = h.one();
        assertEquals(SYN, syn.h().flags());
        assertEquals(ISS, syn.seq());
        int lport = syn.h().srcPort();
        assertTrue(lport >= 32768 && lport <= 60999, "RFC 6056 ephemeral range: " + lport);
        assertEquals(1460, syn.h().options().mss());
        assertTrue(syn.h().options().sackPermitted());
        assertNotNull(syn.h().options().timestamps());
        assertEquals(TcpState.SYN_SENT, c.state());

        h.inject(PORT, lport, PEER_ISS, ISS + 1, SYN | ACK, 65535, TcpOptions.syn(1460, -1, false, null), null);
        Sent ack = h.one();
        assertEquals(ACK, ack.h().flags());
        assertEquals(ISS + 1, ack.seq());
        assertEquals(PEER_ISS + 1, ack.ack());
        assertNull(ack.h().options().timestamps(), "peer did not offer timestamps");
        assertEquals(TcpState.ESTABLISHED, c.state());
        assertTrue(events.stream().anyMatch(e -> (e & SocketEvents.CONNECTED) != 0));
        assertEquals(1, h.counter("tcp.active_opens"));
    }

    /** RFC 9293 3.10.7.3: a RST acknowledging our SYN refuses the connection. */
    @Test
    void rfc9293_3_10_7_3_rstInSynSentRefuses() {
        TcpSocket c = h.tcp.open();
        c.connect(TcpTestHost.peer(PORT), h.now());
        h.run();
        int lport = h.one().h().srcPort();
        h.inject(PORT, lport, 0, ISS + 99, RST | ACK, 0, TcpOptions.NONE, null);
        assertEquals(TcpState.SYN_SENT, c.state(), "RST with an unacceptable ACK is ignored");
        h.inject(PORT, lport, 0, ISS + 1, RST, 0, TcpOptions.NONE, null);
        assertEquals(TcpState.SYN_SENT, c.state(), "RST without ACK is ignored in SYN_SENT");
        h.inject(PORT, lport, 0, ISS + 1, RST | ACK, 0, TcpOptions.NONE, null);
        assertEquals(TcpState.CLOSED, c.state());
        assertEquals(SocketError.CONNECTION_REFUSED, c.error());
        assertEquals(1, h.counter("tcp.attempt_fails"));
    }

    /** RFC 9293 3.10.7.3: an ACK outside ISS < SEG.ACK =< SND.NXT in SYN_SENT is answered with a RST. */
    @Test
    void rfc9293_3_10_7_3_badAckInSynSentGetsRst() {
        TcpSocket c = h.tcp.open();
        c.connect(TcpTestHost.peer(PORT), h.now());
        h.run();
        int lport = h.one().h().srcPort();
        h.inject(PORT, lport, PEER_ISS, ISS + 5, SYN | ACK, 1000, TcpOptions.NONE, null);
        Sent rst = h.one();
        assertEquals(RST, rst.h().flags());
        assertEquals(ISS + 5, rst.seq());
        assertEquals(TcpState.SYN_SENT, c.state());
    }

    /** RFC 9293 3.10.7.2: an ACK to a listener gets a RST; the listener stays. */
    @Test
    void rfc9293_3_10_7_2_ackToListenerGetsRst() {
        TcpSocket server = listen(h, PORT);
        h.inject(PEER_PORT, PORT, PEER_ISS, 4242, ACK, 1000, TcpOptions.NONE, null);
        Sent rst = h.one();
        assertEquals(RST, rst.h().flags());
        assertEquals(4242, rst.seq());
        assertEquals(TcpState.LISTEN, server.state());
    }

    /** RFC 6298 5.5 / Linux tcp_syn_retries: the SYN is retransmitted with backoff, then TIMED_OUT. */
    @Test
    void rfc6298_synRetransmissionBacksOffThenTimesOut() {
        try (TcpTestHost t = new TcpTestHost(TcpConfig.DEFAULT.withRetries(3, 15))) {
            TcpSocket c = t.tcp.open();
            c.connect(TcpTestHost.peer(PORT), t.now());
            t.run();
            assertEquals(SYN, t.one().h().flags());
            long[] gaps = {1000, 2000, 4000};
            for (long gap : gaps) {
                t.advance(gap - 1);
                assertTrue(t.sent().isEmpty(), "not before " + gap + " ms");
                t.advance(1);
                assertEquals(SYN, t.one().h().flags());
            }
            t.advance(8000);
            assertEquals(TcpState.CLOSED, c.state());
            assertEquals(SocketError.TIMED_OUT, c.error());
        }
    }

    /**
     * Listen backlog: with SYN cookies off, a full SYN queue drops further SYNs silently (the
     * client retries), like Linux with tcp_syncookies=0. (With cookies: TcpSynCookieTest.)
     */
    @Test
    void listenBacklogDropsSynWhenFull() {
        try (TcpTestHost off = new TcpTestHost(TcpConfig.DEFAULT.withSyncookies(false))) {
            listenBacklogDropsSynWhenFull(off);
        }
    }

    private static void listenBacklogDropsSynWhenFull(TcpTestHost h) {
        TcpSocket server = h.tcp.open();
        server.bind(new Endpoint(Ipv4Address.ANY, PORT));
        server.listen(1);
        h.inject(PEER_PORT, PORT, PEER_ISS, 0, SYN, 1000, TcpOptions.NONE, null);
        assertEquals(SYN | ACK, h.one().h().flags());
        h.inject(PEER_PORT + 1, PORT, PEER_ISS, 0, SYN, 1000, TcpOptions.NONE, null);
        assertTrue(h.sent().isEmpty(), "second SYN dropped");
        assertEquals(1, h.counter("tcp.drop.syn_queue_full"));
        // Complete the first: the accept queue is now full, and a new SYN is dropped too.
        h.inject(PEER_PORT, PORT, PEER_ISS + 1, ISS + 1, ACK, 1000, TcpOptions.NONE, null);
        h.inject(PEER_PORT + 2, PORT, PEER_ISS, 0, SYN, 1000, TcpOptions.NONE, null);
        assertTrue(h.sent().isEmpty());
        assertEquals(1, h.counter("tcp.drop.accept_queue_full"));
        assertNotNull(server.accept());
        h.inject(PEER_PORT + 2, PORT, PEER_ISS, 0, SYN, 1000, TcpOptions.NONE, null);
        assertEquals(SYN | ACK, h.one().h().flags(), "room again after accept");
    }

    /** A lost SYN,ACK: the client's retransmitted SYN is answered with the SYN,ACK again. */
    @Test
    void retransmittedSynInSynReceivedGetsSynAckAgain() {
        listen(h, PORT);
        h.inject(PEER_PORT, PORT, PEER_ISS, 0, SYN, 1000, TcpOptions.NONE, null);
        h.one();
        h.inject(PEER_PORT, PORT, PEER_ISS, 0, SYN, 1000, TcpOptions.NONE, null);
        Sent again = h.one();
        assertEquals(SYN | ACK, again.h().flags());
        assertEquals(ISS, again.seq());
    }

    /** RFC 6056 / bind rules: EADDRINUSE, SO_REUSEADDR, ephemeral ports. */
    @Test
    void bindConflictsAndEphemeralPorts() {
        TcpSocket a = h.tcp.open();
        assertEquals(SocketError.OK, a.bind(new Endpoint(Ipv4Address.ANY, 5000)));
        TcpSocket b = h.tcp.open();
        assertEquals(SocketError.ADDRESS_IN_USE, b.bind(TcpTestHost.local(5000)));
        assertEquals(SocketError.ADDRESS_NOT_AVAILABLE, b.bind(new Endpoint(Ipv4Address.parse("198.51.100.9"), 5000)));
        a.setReuseAddress(true);
        b.setReuseAddress(true);
        assertEquals(SocketError.OK, b.bind(TcpTestHost.local(5000)), "both SO_REUSEADDR, none listening");
        TcpSocket c = h.tcp.open();
        c.setReuseAddress(true);
        assertEquals(SocketError.OK, a.listen(4));
        assertEquals(SocketError.ADDRESS_IN_USE, c.bind(TcpTestHost.local(5000)), "never over a listener");
        TcpSocket e = h.tcp.open();
        assertEquals(SocketError.OK, e.bind(new Endpoint(Ipv4Address.ANY, 0)));
        int p = e.localEndpoint().port();
        assertTrue(p >= 32768 && p <= 60999);
        a.close(h.now());
        b.close(h.now());
        e.close(h.now());
        assertEquals(SocketError.OK, c.bind(TcpTestHost.local(5000)));
        c.close(h.now());
        c.close(h.now());
        assertEquals(0, h.tcp.boundSocketCount());
    }

    static TcpSocket listen(TcpTestHost h, int port) {
        TcpSocket s = h.tcp.open();
        assertEquals(SocketError.OK, s.bind(new Endpoint(Ipv4Address.ANY, port)));
        assertEquals(SocketError.OK, s.listen(16));
        return s;
    }
}
