package org.sockstack.stack.tcp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.tcp.TcpTestHost.Sent;
import org.sockstack.stack.wire.TcpOptions.SackBlock;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.stack.tcp.Established.bytes;
import static org.sockstack.stack.tcp.TcpTestHost.ISS;
import static org.sockstack.stack.wire.TcpSegment.ACK;

/**
 * D-SACK (RFC 2883): the receiver reports duplicate segments in the first SACK block, and the
 * sender, told that a fast retransmission was spurious, learns to tolerate that much reordering
 * (a raised DupThresh, RFC 4653 section 3.1).
 */
class TcpDsackTest {
    private static final int SMSS = 1448;
    private static final int S0 = ISS + 1;
    private final TcpTestHost h = new TcpTestHost(TcpConfig.DEFAULT.withCongestionControl(NewReno::new));

    @AfterEach
    void tearDown() {
        h.close();
    }

    private static List<SackBlock> sack(Sent s) {
        return s.h().options().sackBlocks();
    }

    /** RFC 2883 section 4 example 1: a segment below RCV.NXT is reported once as a D-SACK. */
    @Test
    void rfc2883_4_duplicateBelowRcvNxtIsReported() {
        Established e = new Established(h, 65535, 1460, true);
        int first = e.peerSeq;
        e.send(ACK, bytes(100, 1));
        h.advance(500);
        h.drainFrames();
        e.sendRaw(first, e.peerAck, ACK, bytes(100, 1));   // the same segment again
        Sent ack = h.one();
        assertEquals(List.of(new SackBlock(first, first + 100)), sack(ack), "the duplicate range first");
        assertEquals(1, h.counter("tcp.dsacks_sent"));
        e.send(ACK, bytes(10, 2));
        h.advance(500);
        for (Sent s : h.sent()) {
            assertTrue(sack(s).isEmpty(), "reported once: " + s);
        }
    }

    /** RFC 2883 section 4 example 3: a duplicate of out-of-order data: D-SACK, then its block. */
    @Test
    void rfc2883_4_duplicateOfOutOfOrderDataComesWithItsBlock() {
        Established e = new Established(h, 65535, 1460, true);
        int base = e.peerSeq;
        e.sendRaw(base + 100, e.peerAck, ACK, bytes(100, 3));   // a hole at base
        h.drainFrames();
        e.sendRaw(base + 100, e.peerAck, ACK, bytes(100, 3));   // and the same again
        Sent ack = h.one();
        assertEquals(List.of(new SackBlock(base + 100, base + 200), new SackBlock(base + 100, base + 200)),
                sack(ack), "D-SACK, then the SACK block holding it");
    }

    /**
     * A fast retransmission later D-SACKed was spurious: reordering, not loss. DupThresh doubles
     * (once per episode), so the next recovery needs six duplicate ACKs, not three.
     */
    @Test
    void rfc3708_spuriousFastRetransmitRaisesDupThresh() {
        Established e = new Established(h, 65535, 1460, true);
        e.socket.setNoDelay(true);
        e.socket.send(bytes(30 * SMSS, 4), 0, 30 * SMSS, h.now());
        assertEquals(10, h.sent().size(), "initial window");
        e.sack(S0, new SackBlock(S0 + SMSS, S0 + 2 * SMSS));
        e.sack(S0, new SackBlock(S0 + SMSS, S0 + 3 * SMSS));
        e.sack(S0, new SackBlock(S0 + SMSS, S0 + 4 * SMSS));
        assertTrue(h.sent().stream().anyMatch(s -> s.seq() == S0), "fast retransmit after three duplicates");
        // The original segment 0 was only late: everything is acknowledged, and the
        // retransmission comes back as a D-SACK below the cumulative ACK.
        e.sack(S0 + 10 * SMSS, new SackBlock(S0, S0 + SMSS));
        assertEquals(1, h.counter("tcp.spurious_recoveries"));
        assertEquals(6, e.socket.info(h.now()).reordering(), "DupThresh doubled: " + e.socket.info(h.now()));
        // A second D-SACK of the same episode does not double it again.
        e.sack(S0 + 10 * SMSS, new SackBlock(S0, S0 + SMSS));
        assertEquals(6, e.socket.info(h.now()).reordering());
    }

    /**
     * RFC 3708 section 3: only an episode whose every retransmission comes back D-SACKed was
     * spurious. Here two segments were retransmitted and one of them D-SACKed: the other was a
     * real loss, so DupThresh stays at 3.
     */
    @Test
    void rfc3708_episodeWithARealLossKeepsDupThresh() {
        Established e = new Established(h, 65535, 1460, true);
        e.socket.setNoDelay(true);
        e.socket.send(bytes(10 * SMSS, 5), 0, 10 * SMSS, h.now());
        assertEquals(10, h.sent().size());
        int s1 = S0 + SMSS;
        int s2 = S0 + 2 * SMSS;
        int s3 = S0 + 3 * SMSS;
        e.sack(S0, new SackBlock(s3, S0 + 10 * SMSS), new SackBlock(s1, s2));   // 0 and 2 missing
        List<Sent> out = h.sent();
        assertTrue(out.stream().anyMatch(x -> x.seq() == S0) && out.stream().anyMatch(x -> x.seq() == s2),
                "both holes retransmitted: " + out);
        // Segment 0's original was only late (D-SACKed below the ACK); segment 2 was really lost.
        e.sack(s2, new SackBlock(S0, s1), new SackBlock(s3, S0 + 10 * SMSS));
        assertEquals(1, h.counter("tcp.dsacks_received"));
        assertEquals(0, h.counter("tcp.spurious_recoveries"));
        assertEquals(3, e.socket.info(h.now()).reordering());
    }
}
