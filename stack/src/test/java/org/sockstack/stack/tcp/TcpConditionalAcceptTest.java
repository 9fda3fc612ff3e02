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

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.stack.wire.TcpSegment.ACK;
import static org.sockstack.stack.wire.TcpSegment.RST;
import static org.sockstack.stack.wire.TcpSegment.SYN;

/**
 * SO_CONDITIONAL_ACCEPT: a conditional listener holds each SYN unanswered (RFC 9293 3.10.7.2
 * leaves the moment of the SYN,ACK to the listener) until the application accepts (SYN,ACK) or
 * rejects (RST,ACK as from a closed port, RFC 9293 3.10.7.1) the request.
 */
class TcpConditionalAcceptTest {
    private static final int PORT = 80;
    private static final TcpOptions LINUX_SYN = TcpOptions.syn(1460, 7, true, new Timestamps(555, 0));
    private final TcpTestHost h = new TcpTestHost();
    private final int[] events = new int[1];

    @AfterEach
    void tearDown() {
        h.close();
    }

    private static TcpSocket listen(TcpTestHost host, boolean conditional, int backlog) {
        TcpSocket l = host.tcp.open();
        l.setConditionalAccept(conditional);
        assertEquals(SocketError.OK, l.bind(new Endpoint(Ipv4Address.ANY, PORT)));
        assertEquals(SocketError.OK, l.listen(backlog));
        return l;
    }

    private TcpSocket conditional(int backlog) {
        TcpSocket l = listen(h, true, backlog);
        l.setListener(ev -> events[0] |= ev);
        return l;
    }

    @Test
    void synIsHeldUnanswered() {
        TcpSocket l = conditional(4);
        h.inject(40_000, PORT, 9_000, 0, SYN, 65535, LINUX_SYN, null);
        assertTrue(h.sent().isEmpty(), "no SYN,ACK before the application decides");
        assertEquals(0, h.tcp.connectionCount(), "no TCB for a held SYN");
        assertTrue((events[0] & SocketEvents.ACCEPTABLE) != 0, "FD_ACCEPT for the pending request");
        assertEquals(SocketEvents.ACCEPTABLE, l.readiness());
        ConnectionRequest r = l.pendingRequest();
        assertNotNull(r);
        assertEquals(TcpTestHost.peer(40_000), r.remote());
        assertEquals(TcpTestHost.local(PORT), r.local());
        assertNull(l.accept(), "nothing in the accept queue");
        assertEquals(1, h.counter("tcp.held_syns"));
    }

    /** The SYN,ACK sent on accept offers exactly what an ordinary listener offers for the same SYN. */
    @Test
    void acceptSendsSynAckNegotiatedFromTheHeldSyn() {
        Sent normal;
        try (TcpTestHost other = new TcpTestHost()) {
            listen(other, false, 4);
            other.inject(40_000, PORT, 9_000, 0, SYN, 65535, LINUX_SYN, null);
            normal = other.one();
        }
        TcpSocket l = conditional(4);
        h.inject(40_000, PORT, 9_000, 0, SYN, 65535, LINUX_SYN, null);
        ConnectionRequest r = l.pendingRequest();
        TcpSocket s = l.acceptRequest(r, h.now());
        assertNotNull(s);
        Sent synAck = h.one();
        assertTrue(synAck.is(SYN | ACK));
        assertEquals(9_001, synAck.ack());
        TcpOptions o = synAck.h().options();
        TcpOptions n = normal.h().options();
        assertEquals(n.mss(), o.mss());
        assertEquals(n.windowScale(), o.windowScale());
        assertEquals(n.sackPermitted(), o.sackPermitted());
        assertEquals(555, o.tsEcr(), "echoes the SYN's TSval");
        assertEquals(normal.h().window(), synAck.h().window());
        assertEquals(TcpState.SYN_RECEIVED, s.state());
        assertNull(l.pendingRequest());
        assertEquals(0, l.readiness());
        // The client's ACK completes the handshake; the socket is the application's already.
        int[] childEvents = new int[1];
        s.setListener(ev -> childEvents[0] |= ev);
        h.inject(40_000, PORT, 9_001, synAck.seq() + 1, ACK, 1000,
                TcpOptions.data(new Timestamps(556, o.tsVal()), List.of()), null);
        assertEquals(TcpState.ESTABLISHED, s.state());
        assertTrue((childEvents[0] & SocketEvents.CONNECTED) != 0);
        TcpInfo info = s.info(h.now());
        assertEquals(7, info.sndWscale());
        assertTrue(info.sack());
        assertTrue(info.timestamps());
        assertNull(l.accept(), "an accepted request never enters the accept queue");
    }

    @Test
    void rejectAnswersWithRstAck() {
        TcpSocket l = conditional(4);
        h.inject(40_000, PORT, 9_000, 0, SYN, 65535, LINUX_SYN, null);
        assertEquals(SocketError.OK, l.rejectRequest(l.pendingRequest(), h.now()));
        Sent rst = h.one();
        assertTrue(rst.is(RST | ACK));
        assertEquals(0, rst.seq());
        assertEquals(9_001, rst.ack());
        assertNull(l.pendingRequest());
        assertEquals(0, h.tcp.connectionCount());
        assertEquals(1, h.counter("tcp.held_syn_rejects"));
    }

    /** CF_DEFER: nothing happens; the next look finds the same request, which can then be accepted. */
    @Test
    void deferThenAccept() {
        TcpSocket l = conditional(4);
        h.inject(40_000, PORT, 9_000, 0, SYN, 65535, LINUX_SYN, null);
        ConnectionRequest first = l.pendingRequest();
        h.advance(500);
        assertTrue(h.sent().isEmpty());
        assertSame(first, l.pendingRequest());
        assertNotNull(l.acceptRequest(first, h.now()));
        assertTrue(h.one().is(SYN | ACK));
        assertNull(l.acceptRequest(first, h.now()), "decided once");
        assertEquals(SocketError.CONNECTION_ABORTED, l.lastError());
    }

    /** The client's SYN retransmissions refresh the held request; they never make a second one. */
    @Test
    void synRetransmissionWhileHeld() {
        TcpSocket l = conditional(4);
        h.inject(40_000, PORT, 9_000, 0, SYN, 65535, LINUX_SYN, null);
        h.advance(1_000);
        h.inject(40_000, PORT, 9_000, 0, SYN, 65535, TcpOptions.syn(1460, 7, true, new Timestamps(1555, 0)), null);
        h.advance(2_000);
        h.inject(40_000, PORT, 9_000, 0, SYN, 65535, TcpOptions.syn(1460, 7, true, new Timestamps(3555, 0)), null);
        assertTrue(h.sent().isEmpty());
        assertEquals(1, l.pendingRequestCount());
        assertEquals(2, h.counter("tcp.held_syn_retransmits"));
        l.acceptRequest(l.pendingRequest(), h.now());
        assertEquals(3555, h.one().h().options().tsEcr(), "the SYN,ACK echoes the latest SYN (RFC 7323 4.3)");
    }

    /** A SYN with a new ISN from the same client port (the client started over) replaces the held one. */
    @Test
    void newIsnReplacesHeldSyn() {
        TcpSocket l = conditional(4);
        h.inject(40_000, PORT, 9_000, 0, SYN, 65535, LINUX_SYN, null);
        h.inject(40_000, PORT, 123_000, 0, SYN, 65535, LINUX_SYN, null);
        assertEquals(1, l.pendingRequestCount());
        assertEquals(123_000, l.pendingRequest().initialSequence());
        l.rejectRequest(l.pendingRequest(), h.now());
        assertEquals(123_001, h.one().ack());
    }

    /** A request whose client stopped retrying expires; one whose client sends a RST goes at once. */
    @Test
    void abandonedRequestsDisappear() {
        TcpSocket l = conditional(4);
        h.inject(40_000, PORT, 9_000, 0, SYN, 65535, LINUX_SYN, null);
        h.inject(40_001, PORT, 5_000, 0, SYN, 65535, LINUX_SYN, null);
        assertEquals(2, l.pendingRequestCount());
        // A RST not matching the SYN's sequence numbers is ignored.
        h.inject(40_001, PORT, 77, 0, RST, 0, TcpOptions.NONE, null);
        assertEquals(2, l.pendingRequestCount());
        h.inject(40_001, PORT, 5_001, 0, RST, 0, TcpOptions.NONE, null);
        assertEquals(1, l.pendingRequestCount());
        assertEquals(TcpTestHost.peer(40_000), l.pendingRequest().remote());
        ConnectionRequest r = l.pendingRequest();
        h.advance(TcpListener.HELD_SYN_TIMEOUT / 1_000_000 + 1);
        assertEquals(0, l.pendingRequestCount());
        assertEquals(0, l.readiness());
        assertNull(l.acceptRequest(r, h.now()), "gone: WSAAccept finds nothing to accept");
        assertTrue(h.sent().isEmpty(), "an abandoned request is never answered");
        assertEquals(1, h.counter("tcp.drop.held_syn_expired"));
        assertEquals(1, h.counter("tcp.drop.held_syn_reset"));
    }

    /** The backlog bounds the held requests; more SYNs are dropped (no cookies), counted. */
    @Test
    void backlogBoundsHeldRequests() {
        TcpSocket l = conditional(2);
        for (int i = 0; i < 4; i++) {
            h.inject(40_000 + i, PORT, 9_000, 0, SYN, 65535, LINUX_SYN, null);
        }
        assertTrue(h.sent().isEmpty(), "no SYN cookie either");
        assertEquals(2, l.pendingRequestCount());
        assertEquals(2, h.counter("tcp.listen_overflows"));
        assertEquals(2, h.counter("tcp.drop.held_queue_full"));
        assertEquals(0, h.counter("tcp.syncookies_sent"));
        l.rejectRequest(l.pendingRequest(), h.now());
        h.drainFrames();
        h.inject(40_003, PORT, 9_000, 0, SYN, 65535, LINUX_SYN, null);
        assertEquals(2, l.pendingRequestCount(), "room again after a decision");
    }

    /** The accepted socket learns that the client went away before completing the handshake. */
    @Test
    void acceptedRequestResetBeforeEstablished() {
        TcpSocket l = conditional(4);
        h.inject(40_000, PORT, 9_000, 0, SYN, 65535, LINUX_SYN, null);
        TcpSocket s = l.acceptRequest(l.pendingRequest(), h.now());
        h.one();
        h.inject(40_000, PORT, 9_001, 0, RST, 0, TcpOptions.NONE, null);
        assertEquals(SocketError.CONNECTION_RESET, s.error());
    }

    @Test
    void closingTheListenerRefusesHeldRequests() {
        TcpSocket l = conditional(4);
        h.inject(40_000, PORT, 9_000, 0, SYN, 65535, LINUX_SYN, null);
        l.close(h.now());
        Sent rst = h.one();
        assertTrue(rst.is(RST | ACK));
        assertEquals(9_001, rst.ack());
    }

    @Test
    void offByDefault() {
        TcpSocket l = listen(h, false, 4);
        assertFalse(l.conditionalAccept());
        h.inject(40_000, PORT, 9_000, 0, SYN, 65535, LINUX_SYN, null);
        assertTrue(h.one().is(SYN | ACK));
        assertNull(l.pendingRequest());
        assertEquals(0, h.counter("tcp.held_syns"));
    }
}
