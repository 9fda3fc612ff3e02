package org.sockstack.stack.tcp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.socket.SocketEvents;
import org.sockstack.stack.tcp.TcpTestHost.Sent;
import org.sockstack.stack.wire.TcpOptions;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.stack.tcp.Established.PEER_PORT;
import static org.sockstack.stack.tcp.Established.PORT;
import static org.sockstack.stack.tcp.TcpTestHost.ISS;
import static org.sockstack.stack.wire.TcpSegment.ACK;
import static org.sockstack.stack.wire.TcpSegment.FIN;
import static org.sockstack.stack.wire.TcpSegment.PSH;
import static org.sockstack.stack.wire.TcpSegment.RST;
import static org.sockstack.stack.wire.TcpSegment.SYN;

/** Closing and the other transitions of RFC 9293 3.3.2 / 3.6 / 3.10.7.4 step 8, crafted peer. */
class TcpStatesTest {
    private final TcpTestHost h = new TcpTestHost();

    @AfterEach
    void tearDown() {
        h.close();
    }

    /** RFC 9293 3.6 case 1: ESTABLISHED -> FIN_WAIT_1 -> FIN_WAIT_2 -> TIME_WAIT -> (2*MSL) CLOSED. */
    @Test
    void rfc9293_3_6_activeClose() {
        Established e = new Established(h);
        TcpSocket s = e.socket;
        assertEquals(SocketError.OK, s.shutdownSend(h.now()));
        Sent fin = h.one();
        assertEquals(FIN | ACK, fin.h().flags());
        assertEquals(ISS + 1, fin.seq());
        assertEquals(TcpState.FIN_WAIT_1, s.state());
        assertEquals(-1, s.send(new byte[1], 0, 1, h.now()));
        assertEquals(SocketError.SHUT_DOWN, s.lastError());
        e.ackAll(List.of(fin));
        assertEquals(TcpState.FIN_WAIT_2, s.state());
        // Half-close: the peer may still send, we still read.
        e.send(ACK | PSH, "late".getBytes());
        byte[] buf = new byte[16];
        assertEquals(4, s.receive(buf, 0, 16, h.now()));
        e.send(FIN | ACK, null);
        List<Sent> acks = h.sent();
        assertEquals(ACK, acks.get(acks.size() - 1).h().flags());
        assertEquals(e.peerSeq, acks.get(acks.size() - 1).ack(), "FIN acknowledged");
        assertEquals(TcpState.TIME_WAIT, s.state());
        assertEquals(0, s.receive(buf, 0, 16, h.now()), "end of stream");
        TcpConnection c = s.connection();
        assertEquals(0, c.sndBuf.allocated() + c.rcvBuf.allocated(), "TIME_WAIT holds no buffer storage");
        h.advance(59_999);
        assertEquals(TcpState.TIME_WAIT, s.state(), "2*MSL = 60 s by default");
        h.advance(1);
        assertEquals(TcpState.CLOSED, s.state());
        assertEquals(0, h.tcp.connectionCount());
    }

    /** RFC 9293 3.6 case 1 (other side): ESTABLISHED -> CLOSE_WAIT -> LAST_ACK -> CLOSED. */
    @Test
    void rfc9293_3_6_passiveClose() {
        Established e = new Established(h);
        TcpSocket s = e.socket;
        e.send(FIN | ACK, null);
        Sent ack = h.one();
        assertEquals(ACK, ack.h().flags());
        assertEquals(e.peerSeq, ack.ack());
        assertEquals(TcpState.CLOSE_WAIT, s.state());
        assertEquals(0, s.receive(new byte[4], 0, 4, h.now()));
        // Half-close the other way: we can still send.
        assertEquals(5, s.send("hello".getBytes(), 0, 5, h.now()));
        Sent data = h.one();
        assertArrayEquals("hello".getBytes(), data.data());
        assertEquals(SocketError.OK, s.close(h.now()));
        Sent fin = h.one();
        assertEquals(FIN | ACK, fin.h().flags());
        assertEquals(ISS + 6, fin.seq());
        assertEquals(TcpState.LAST_ACK, s.state());
        e.ackAll(List.of(data, fin));
        assertEquals(TcpState.CLOSED, s.state());
        assertEquals(0, h.tcp.connectionCount());
        assertEquals(1, h.tcp.boundSocketCount(), "only the listener holds a port");
    }

    /**
     * A handler on the event loop that closes the moment it reads the end of the stream (as an
     * echo server does) closes from CLOSE_WAIT: the peer closed first, so this side takes the
     * passive path through LAST_ACK and keeps no TIME_WAIT state.
     */
    @Test
    void rfc9293_3_6_handlerClosingOnFinClosesPassively() {
        Established e = new Established(h);
        TcpSocket s = e.socket;
        TcpState[] stateSeen = new TcpState[1];
        s.setListener(events -> {
            if ((events & SocketEvents.CLOSED) != 0 && stateSeen[0] == null) {
                stateSeen[0] = s.state();
                assertEquals(0, s.receive(new byte[4], 0, 4, h.now()), "end of stream");
                s.close(h.now());
            }
        });
        e.send(FIN | ACK, null);
        assertEquals(TcpState.CLOSE_WAIT, stateSeen[0], "state when the handler hears of the FIN");
        Sent fin = h.sent().stream().filter(x -> (x.h().flags() & FIN) != 0).findFirst().orElseThrow();
        assertEquals(e.peerSeq, fin.ack(), "our FIN acknowledges the peer's");
        assertEquals(TcpState.LAST_ACK, s.state());
        e.ackAll(List.of(fin));
        assertEquals(TcpState.CLOSED, s.state());
        assertEquals(0, h.tcp.connectionCount(), "no TIME_WAIT entry on the passive side");
    }

    /** RFC 9293 3.6 case 2 / figure 13: simultaneous close through CLOSING. */
    @Test
    void rfc9293_3_6_simultaneousClose() {
        Established e = new Established(h);
        TcpSocket s = e.socket;
        s.close(h.now());
        Sent fin = h.one();
        assertEquals(TcpState.FIN_WAIT_1, s.state());
        // The peer's FIN crosses ours: it does not acknowledge our FIN.
        e.send(FIN | ACK, null);
        Sent ack = h.one();
        assertEquals(ACK, ack.h().flags());
        assertEquals(e.peerSeq, ack.ack());
        assertEquals(TcpState.CLOSING, s.state());
        e.ackAll(List.of(fin));
        assertEquals(TcpState.TIME_WAIT, s.state());
        h.advance(60_000);
        assertEquals(TcpState.CLOSED, s.state());
    }

    /** FIN_WAIT_1 with a FIN that also acknowledges ours goes straight to TIME_WAIT. */
    @Test
    void rfc9293_3_10_7_4_finAckingOurFinGoesToTimeWait() {
        Established e = new Established(h);
        e.socket.close(h.now());
        Sent fin = h.one();
        e.peerAck = fin.seq() + 1;
        e.send(FIN | ACK, null);
        assertEquals(TcpState.TIME_WAIT, e.socket.state());
        assertEquals(ACK, h.one().h().flags());
    }

    /** RFC 9293 3.10.7.4: in TIME_WAIT a retransmitted FIN is acknowledged and restarts 2*MSL. */
    @Test
    void rfc9293_3_10_7_4_timeWaitAcksRetransmittedFinAndRestarts() {
        Established e = new Established(h);
        e.socket.close(h.now());
        Sent fin = h.one();
        e.peerAck = fin.seq() + 1;
        e.send(FIN | ACK, null);
        h.sent();
        h.advance(30_000);
        e.sendRaw(e.peerSeq - 1, e.peerAck, FIN | ACK, null);
        Sent ack = h.one();
        assertEquals(e.peerSeq, ack.ack());
        h.advance(59_000);
        assertEquals(TcpState.TIME_WAIT, e.socket.state(), "timer restarted");
        h.advance(1_000);
        assertEquals(TcpState.CLOSED, e.socket.state());
    }

    /** RFC 9293 3.10.7.4 / RFC 6191: a SYN above RCV.NXT reopens a TIME_WAIT pair. */
    @Test
    void rfc6191_newSynReopensTimeWait() {
        Established e = new Established(h);
        e.socket.close(h.now());
        Sent fin = h.one();
        e.peerAck = fin.seq() + 1;
        e.send(FIN | ACK, null);
        h.sent();
        // An old SYN (below RCV.NXT) is not a new connection: it is answered as an unacceptable segment.
        h.inject(PEER_PORT, PORT, e.peerSeq - 10, 0, SYN, 1000, TcpOptions.NONE, null);
        assertEquals(ACK, h.one().h().flags());
        h.inject(PEER_PORT, PORT, e.peerSeq + 100_000, 0, SYN, 1000, TcpOptions.NONE, null);
        Sent synAck = h.one();
        assertEquals(SYN | ACK, synAck.h().flags());
        assertEquals(e.peerSeq + 100_001, synAck.ack());
        assertTrue(synAck.seq() - (fin.seq() + 1) > 0, "new ISN above the old incarnation's");
    }

    /** RFC 1122 4.2.2.13 / RFC 2525 2.17: closing with unread data sends a RST, not a FIN. */
    @Test
    void rfc2525_closeWithUnreadDataResets() {
        Established e = new Established(h);
        e.send(ACK | PSH, "unread".getBytes());
        h.advance(100);
        h.sent();
        e.socket.close(h.now());
        Sent rst = h.one();
        assertEquals(RST, rst.h().flags());
        assertEquals(ISS + 1, rst.seq());
        assertEquals(0, h.tcp.connectionCount());
    }

    /** RFC 9293 3.10.5 ABORT: a RST at SND.NXT. */
    @Test
    void rfc9293_3_10_5_abortSendsRst() {
        Established e = new Established(h);
        e.socket.abort(h.now());
        Sent rst = h.one();
        assertEquals(RST, rst.h().flags());
        assertEquals(ISS + 1, rst.seq());
        assertEquals(0, h.tcp.connectionCount());
        assertEquals(1, h.tcp.boundSocketCount());
    }

    /** RFC 9293 3.10.7.4 fifth, SYN_RECEIVED: an unacceptable ACK gets <SEQ=SEG.ACK><CTL=RST>. */
    @Test
    void rfc9293_3_10_7_4_badAckInSynReceivedGetsRst() {
        TcpHandshakeTest.listen(h, PORT);
        h.inject(PEER_PORT, PORT, 5000, 0, SYN, 1000, TcpOptions.NONE, null);
        h.one();
        h.inject(PEER_PORT, PORT, 5001, ISS + 50, ACK, 1000, TcpOptions.NONE, null);
        Sent rst = h.one();
        assertEquals(RST, rst.h().flags());
        assertEquals(ISS + 50, rst.seq());
    }

    /** RFC 9293 3.10.7.4 second, SYN_RECEIVED from a passive open: a RST returns to LISTEN. */
    @Test
    void rfc9293_3_10_7_4_rstInSynReceivedReturnsToListen() {
        TcpSocket server = TcpHandshakeTest.listen(h, PORT);
        h.inject(PEER_PORT, PORT, 5000, 0, SYN, 1000, TcpOptions.NONE, null);
        h.one();
        assertEquals(1, h.tcp.connectionCount());
        h.inject(PEER_PORT, PORT, 5001, 0, RST, 0, TcpOptions.NONE, null);
        assertEquals(0, h.tcp.connectionCount());
        assertEquals(TcpState.LISTEN, server.state());
        h.inject(PEER_PORT, PORT, 9000, 0, SYN, 1000, TcpOptions.NONE, null);
        assertEquals(SYN | ACK, h.one().h().flags());
    }

    /** Closing a listener resets connections not yet accepted. */
    @Test
    void closingListenerResetsPendingConnections() {
        TcpSocket server = TcpHandshakeTest.listen(h, PORT);
        h.inject(PEER_PORT, PORT, 5000, 0, SYN, 1000, TcpOptions.NONE, null);
        h.one();
        h.inject(PEER_PORT, PORT, 5001, ISS + 1, ACK, 1000, TcpOptions.NONE, null);
        server.close(h.now());
        assertEquals(RST, h.one().h().flags());
        assertEquals(0, h.tcp.connectionCount());
        assertEquals(0, h.tcp.boundSocketCount());
    }

    /** Orphaned FIN_WAIT_2 is bounded by the FIN_WAIT_2 timeout (Linux tcp_fin_timeout). */
    @Test
    void orphanedFinWait2TimesOut() {
        Established e = new Established(h);
        e.socket.close(h.now());
        e.ackAll(h.sent());
        assertEquals(TcpState.FIN_WAIT_2, e.socket.state());
        h.advance(60_000);
        assertEquals(TcpState.CLOSED, e.socket.state());
        assertEquals(0, h.tcp.connectionCount());
    }
}
