package org.sockstack.stack.tcp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.tcp.TcpTestHost.Sent;
import org.sockstack.stack.wire.TcpOptions;
import org.sockstack.stack.wire.TcpOptions.Timestamps;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.stack.tcp.Established.PEER_PORT;
import static org.sockstack.stack.tcp.Established.PORT;
import static org.sockstack.stack.tcp.TcpTestHost.ISS;
import static org.sockstack.stack.wire.TcpSegment.ACK;
import static org.sockstack.stack.wire.TcpSegment.PSH;
import static org.sockstack.stack.wire.TcpSegment.RST;
import static org.sockstack.stack.wire.TcpSegment.SYN;

/** Blind-attack mitigations (RFC 5961), PAWS (RFC 7323 5), and the sequence check of RFC 9293 3.10.7.4. */
class TcpRobustnessTest {
    private TcpTestHost h = new TcpTestHost();

    @AfterEach
    void tearDown() {
        h.close();
    }

    /** RFC 5961 3.2: a RST exactly at RCV.NXT resets the connection. */
    @Test
    void rfc5961_3_2_exactRstResets() {
        Established e = new Established(h);
        e.send(RST, null);
        assertTrue(h.sent().isEmpty());
        assertEquals(TcpState.CLOSED, e.socket.state());
        assertEquals(SocketError.CONNECTION_RESET, e.socket.error());
        assertEquals(1, h.counter("tcp.estab_resets"));
        assertEquals(0, e.socket.receive(new byte[1], 0, 1, h.now()), "after the error is read, end of stream");
    }

    /** RFC 5961 3.2: an in-window RST that is not exact draws a challenge ACK; the connection stays. */
    @Test
    void rfc5961_3_2_inWindowRstGetsChallengeAck() {
        Established e = new Established(h);
        e.sendRaw(e.peerSeq + 100, 0, RST, null);
        Sent ack = h.one();
        assertEquals(ACK, ack.h().flags());
        assertEquals(e.peerSeq, ack.ack());
        assertEquals(ISS + 1, ack.seq());
        assertEquals(TcpState.ESTABLISHED, e.socket.state());
        assertEquals(1, h.counter("tcp.challenge_acks"));
    }

    /** RFC 9293 3.10.7.4 / RFC 5961 3.2: an out-of-window RST is dropped silently. */
    @Test
    void rfc5961_3_2_outOfWindowRstIsDropped() {
        Established e = new Established(h);
        e.sendRaw(e.peerSeq + 1_000_000, 0, RST, null);
        e.sendRaw(e.peerSeq - 1, 0, RST, null);
        assertTrue(h.sent().isEmpty());
        assertEquals(TcpState.ESTABLISHED, e.socket.state());
        assertEquals(2, h.counter("tcp.drop.out_of_window"));
    }

    /** RFC 5961 section 4: a SYN in a synchronized state draws a challenge ACK, nothing else. */
    @Test
    void rfc5961_4_synInEstablishedGetsChallengeAck() {
        Established e = new Established(h);
        e.sendRaw(e.peerSeq + 10, 0, SYN, null);
        Sent ack = h.one();
        assertEquals(ACK, ack.h().flags());
        assertEquals(e.peerSeq, ack.ack());
        assertEquals(TcpState.ESTABLISHED, e.socket.state());
        assertEquals(1, h.counter("tcp.drop.syn_in_window"));
    }

    /** RFC 5961 section 5.2: an ACK beyond SND.NXT (or too old) is challenged and its data dropped. */
    @Test
    void rfc5961_5_2_unacceptableAckIsChallengedAndDropped() {
        Established e = new Established(h);
        e.sendRaw(e.peerSeq, ISS + 500, ACK | PSH, "data".getBytes());
        Sent ack = h.one();
        assertEquals(e.peerSeq, ack.ack(), "the data was not accepted");
        assertEquals(0, e.socket.readableBytes());
        e.sendRaw(e.peerSeq, ISS + 1 - 70_000 - 1, ACK | PSH, "data".getBytes());
        assertEquals(e.peerSeq, h.one().ack());
        assertEquals(0, e.socket.readableBytes());
        assertEquals(1, h.counter("tcp.drop.ack_too_new"));
        assertEquals(1, h.counter("tcp.drop.ack_too_old"));
        // An old but acceptable ACK (within MAX.SND.WND) is ignored and its data taken.
        e.sendRaw(e.peerSeq, ISS, ACK | PSH, "data".getBytes());
        assertEquals(4, e.socket.readableBytes());
    }

    /** RFC 5961 section 7: challenge ACKs are rate limited (here 2 per second). */
    @Test
    void rfc5961_7_challengeAcksAreRateLimited() {
        h.close();
        h = new TcpTestHost(TcpConfig.DEFAULT.withChallengeAckLimit(2));
        Established e = new Established(h);
        for (int i = 0; i < 5; i++) {
            e.sendRaw(e.peerSeq + 10 + i, 0, RST, null);
        }
        assertEquals(2, h.sent().size());
        assertEquals(3, h.counter("tcp.drop.challenge_ack_limited"));
        h.advance(1_000);
        e.sendRaw(e.peerSeq + 10, 0, RST, null);
        assertEquals(1, h.sent().size(), "a new second, a new budget");
    }

    /** RFC 9293 3.10.7.4 first: an unacceptable segment is answered with an ACK and dropped. */
    @Test
    void rfc9293_3_10_7_4_unacceptableSegmentGetsAck() {
        Established e = new Established(h);
        e.sendRaw(e.peerSeq + 1_000_000, ISS + 1, ACK | PSH, "far".getBytes());
        Sent ack = h.one();
        assertEquals(e.peerSeq, ack.ack());
        assertEquals(0, e.socket.readableBytes());
        // Old duplicate data is acknowledged again without being delivered twice.
        e.send(ACK | PSH, "abc".getBytes());
        h.advance(100);
        h.sent();
        e.sendRaw(e.peerSeq - 3, ISS + 1, ACK | PSH, "abc".getBytes());
        assertEquals(e.peerSeq, h.one().ack());
        assertEquals(3, e.socket.readableBytes());
    }

    /** RFC 7323 5.3 R1: PAWS drops a segment with an old TSval and acknowledges. */
    @Test
    void rfc7323_5_3_pawsDropsOldTimestamps() {
        Established e = new Established(h, 65535, 1460, true);
        e.tsVal = 1000;
        e.send(ACK | PSH, "new".getBytes());
        assertEquals(3, e.socket.readableBytes());
        h.advance(100);
        Sent delayed = h.one();
        assertEquals(1000, delayed.h().options().timestamps().tsEcr(), "TS.Recent updated and echoed");
        e.tsVal = 900;   // an old duplicate from a previous wrap
        e.send(ACK | PSH, "old".getBytes());
        Sent ack = h.one();
        assertEquals(ACK, ack.h().flags());
        assertEquals(3, e.socket.readableBytes(), "not delivered");
        assertEquals(1, h.counter("tcp.drop.paws"));
        assertEquals(1000, ack.h().options().timestamps().tsEcr());
    }

    /** RFC 7323 5.5: after 24 days of idleness TS.Recent is no longer trusted; the segment is accepted. */
    @Test
    void rfc7323_5_5_pawsIdleRule() {
        Established e = new Established(h, 65535, 1460, true);
        e.tsVal = 1000;
        e.send(ACK, null);
        h.advanceNanos(25L * 24 * 3600 * 1_000_000_000L);
        h.sent();
        e.tsVal = 5;
        e.send(ACK | PSH, "late".getBytes());
        assertEquals(4, e.socket.readableBytes());
        assertEquals(0, h.counter("tcp.drop.paws"));
    }

    /** RFC 7323 3.2: with timestamps in use, a non-RST segment without them is dropped. */
    @Test
    void rfc7323_3_2_missingTimestampDropped() {
        Established e = new Established(h, 65535, 1460, true);
        h.inject(new org.sockstack.stack.wire.TcpRepr(PEER_PORT, PORT, e.peerSeq, e.peerAck, ACK | PSH, 1000, 0,
                TcpOptions.NONE, 2), new byte[2]);
        assertEquals(0, e.socket.readableBytes());
        assertEquals(1, h.counter("tcp.drop.missing_timestamp"));
        // RTTM: ACKs echo our TSval, so the RTT estimate follows the timestamps.
        e.socket.send(new byte[10], 0, 10, h.now());
        List<Sent> data = h.sent();
        h.advance(50);
        e.tsEcr = data.get(0).h().options().timestamps().tsVal();
        e.peerAck += 10;
        e.send(ACK, null);
        long srtt = e.socket.info(h.now()).srtt();
        assertTrue(srtt > 0 && srtt <= 50_000_000L, "srtt " + srtt);
    }
}
