package org.sockstack.stack.tcp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.tcp.TcpTestHost.Sent;
import org.sockstack.stack.wire.TcpOptions.SackBlock;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.stack.tcp.Established.bytes;
import static org.sockstack.stack.tcp.TcpTestHost.ISS;

/**
 * Sender-side SACK loss recovery (RFC 6675) and D-SACK recognition (RFC 2883) against a crafted
 * peer. NewReno sets the windows so the figures are the RFC's: with timestamps SMSS is 1448 and
 * the initial window 10 segments.
 */
class TcpSackTest {
    private static final int SMSS = 1448;
    private static final int S0 = ISS + 1;
    private TcpTestHost h = new TcpTestHost(TcpConfig.DEFAULT.withCongestionControl(NewReno::new));

    @AfterEach
    void tearDown() {
        h.close();
    }

    private static int seg(int i) {
        return S0 + i * SMSS;
    }

    private static SackBlock block(int from, int to) {
        return new SackBlock(seg(from), seg(to));
    }

    private Established flightOf(int segments, int queued) {
        Established e = new Established(h, 65535, 1460, true);
        e.socket.setNoDelay(true);
        assertEquals(queued * SMSS, e.socket.send(bytes(queued * SMSS, 3), 0, queued * SMSS, h.now()));
        List<Sent> flight = h.sent();
        assertEquals(segments, flight.size());
        return e;
    }

    /** RFC 6675 section 5 steps 2-4: the third duplicate ACK (SACKing new data) starts recovery. */
    @Test
    void rfc6675_5_thirdDuplicateAckStartsRecovery() {
        Established e = flightOf(10, 10);
        e.sack(S0, block(1, 2));
        e.sack(S0, block(1, 3));
        assertTrue(h.sent().isEmpty(), "two duplicates, nothing lost yet, no new data to send");
        assertFalse(e.socket.info(h.now()).inRecovery());
        e.sack(S0, block(1, 4));
        Sent rexmit = h.one();
        assertEquals(S0, rexmit.seq(), "step 4.3: the segment at HighACK+1");
        assertEquals(SMSS, rexmit.data().length);
        TcpInfo info = e.socket.info(h.now());
        assertTrue(info.inRecovery());
        assertEquals(10 * SMSS / 2, info.ssthresh(), "step 4.2: ssthresh = FlightSize / 2");
        assertEquals(info.ssthresh(), info.cwnd(), "cwnd = ssthresh, no inflation");
        assertEquals(1, h.counter("tcp.sack_recoveries"));
    }

    /**
     * RFC 6675 section 4 NextSeg: lost holes first (skipping SACKed data), then new data, while
     * cwnd - pipe >= SMSS; a cumulative ACK beyond RecoveryPoint ends recovery.
     */
    @Test
    void rfc6675_4_nextSegFillsLostHolesThenSendsNewData() {
        Established e = flightOf(10, 20);
        // Segments 0 and 2 lost: one ACK SACKs 1 and 3..9, so IsLost(HighACK+1) holds at once.
        e.sack(S0, block(3, 10), block(1, 2));
        List<Sent> out = h.sent();
        assertEquals(List.of(seg(0), seg(2), seg(10), seg(11), seg(12)), out.stream().map(Sent::seq).toList(),
                "two retransmissions, then new data until the pipe reaches cwnd (5 segments)");
        assertEquals(1, h.counter("tcp.sack_recoveries"));
        // More SACKs for the new data: each frees room in the pipe for one more segment.
        e.sack(S0, block(3, 11), block(1, 2));
        assertEquals(List.of(seg(13)), h.sent().stream().map(Sent::seq).toList());
        // The retransmissions arrive: cumulative ACK past RecoveryPoint (segment 10) ends recovery.
        e.sack(seg(11));
        assertFalse(e.socket.info(h.now()).inRecovery());
    }

    /** RFC 6675 section 5 (C): a partial ACK in recovery retransmits the next lost hole only. */
    @Test
    void rfc6675_5_partialAckDoesNotResendSackedData() {
        Established e = flightOf(10, 10);
        e.sack(S0, block(5, 10), block(1, 2));   // 0 and 2..4 lost
        List<Sent> first = h.sent();
        assertEquals(seg(0), first.get(0).seq());
        for (Sent s : first) {
            assertFalse(s.seq() == seg(1) || (s.seq() - seg(5) >= 0 && s.seq() - seg(10) < 0),
                    "a SACKed segment was resent: " + s);
        }
        int before = (int) h.counter("tcp.retrans_segs");
        e.sack(seg(2), block(5, 10));
        for (Sent s : h.sent()) {
            assertTrue(s.seq() - seg(2) >= 0 && s.seq() - seg(5) < 0, "only the hole 2..4 is refilled: " + s);
        }
        assertTrue(h.counter("tcp.retrans_segs") >= before);
    }

    /** RFC 2883 section 4: a first block below the cumulative ACK is a D-SACK; counted, no recovery. */
    @Test
    void rfc2883_4_dsackBelowAckIsCountedNotActedOn() {
        Established e = flightOf(10, 10);
        e.sack(seg(2), new SackBlock(seg(0), seg(1)));
        assertEquals(1, h.counter("tcp.dsacks_received"));
        e.sack(seg(2), new SackBlock(seg(0), seg(1)));
        e.sack(seg(2), new SackBlock(seg(0), seg(1)));
        e.sack(seg(2), new SackBlock(seg(0), seg(1)));
        assertEquals(4, h.counter("tcp.dsacks_received"));
        assertFalse(e.socket.info(h.now()).inRecovery(), "D-SACKs are not duplicate ACKs of new data");
        assertEquals(0, h.counter("tcp.sack_recoveries"));
    }

    /** RFC 2883 section 4 case 2: a first block inside the second one is a D-SACK too. */
    @Test
    void rfc2883_4_dsackInsideSecondBlock() {
        Established e = flightOf(10, 10);
        e.sack(S0, block(4, 5), block(3, 6));
        assertEquals(1, h.counter("tcp.dsacks_received"));
    }

    /** RFC 6675 section 5 / RFC 2018: SACK blocks beyond SND.MAX are ignored (and counted). */
    @Test
    void rfc6675_5_bogusBlocksIgnored() {
        Established e = flightOf(10, 10);
        e.sack(S0, new SackBlock(seg(20), seg(30)), new SackBlock(seg(3), seg(2)));
        assertEquals(2, h.counter("tcp.drop.sack_block_invalid"));
        assertEquals(0, h.counter("tcp.sack_recoveries"));
    }

    /** RFC 2018 section 8 / RFC 6675 5.1: after a timeout SACK information is discarded (go back N). */
    @Test
    void rfc6675_5_1_timeoutDiscardsScoreboard() {
        Established e = flightOf(10, 10);
        e.sack(S0, block(1, 3));
        h.sent();
        h.advance(1_000);
        List<Sent> after = h.sent();
        assertEquals(S0, after.get(0).seq());
        assertTrue(after.size() >= 1);
        assertEquals(0, e.socket.info(h.now()).sackedBytes(), "scoreboard cleared");
    }
}
