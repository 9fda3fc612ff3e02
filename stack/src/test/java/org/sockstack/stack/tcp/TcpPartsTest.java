package org.sockstack.stack.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.TcpOptions.SackBlock;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The building blocks: sequence arithmetic, ring buffer, reassembly ranges, ISNs, RTO, NewReno. */
class TcpPartsTest {

    /** RFC 9293 3.4: comparisons survive the wrap at 2^32. */
    @Test
    void rfc9293_3_4_sequenceComparisonsWrap() {
        assertTrue(Seq.lt(0xFFFF_FFF0, 0x10));
        assertTrue(Seq.gt(0x10, 0xFFFF_FFF0));
        assertTrue(Seq.inRange(2, 0xFFFF_FFFF, 5));
        assertFalse(Seq.inRange(5, 0xFFFF_FFFF, 5));
        assertEquals(0x10, Seq.max(0xFFFF_FFF0, 0x10));
    }

    @Test
    void ringWrapsAndKeepsOutOfOrderDataAcrossAnEmptyingRead() {
        ByteRing r = new ByteRing(8);
        assertEquals(6, r.write(new byte[] {1, 2, 3, 4, 5, 6}, 0, 6));
        byte[] out = new byte[6];
        assertEquals(5, r.read(out, 0, 5));
        // Out of order: 2 octets placed 1 beyond the readable end.
        ByteBuf src = Unpooled.wrappedBuffer(new byte[] {9, 10});
        r.setAt(r.size() + 1, src, 0, 2);
        assertEquals(1, r.read(out, 0, 6), "the ring empties; the out-of-order octets must stay put");
        r.setAt(0, Unpooled.wrappedBuffer(new byte[] {8}), 0, 1);
        r.extend(3);
        byte[] got = new byte[3];
        assertEquals(3, r.read(got, 0, 3));
        assertArrayEquals(new byte[] {8, 9, 10}, got);
    }

    @Test
    void ringCopyToAndResize() {
        ByteRing r = new ByteRing(4);
        r.write(new byte[] {1, 2, 3}, 0, 3);
        r.skip(2);
        r.write(new byte[] {4, 5, 6}, 0, 3);   // wraps
        ByteBuf dst = Unpooled.wrappedBuffer(new byte[4]);
        r.copyTo(0, dst, 0, 4);
        assertArrayEquals(new byte[] {3, 4, 5, 6}, dst.array());
        r.resize(16);
        assertEquals(12, r.free());
        byte[] all = new byte[4];
        r.read(all, 0, 4);
        assertArrayEquals(new byte[] {3, 4, 5, 6}, all);
    }

    @Test
    void reassemblyMergesAndReportsMostRecentFirst() {
        ReassemblyQueue q = new ReassemblyQueue(3);
        assertTrue(q.add(100, 200));
        assertTrue(q.add(300, 400));
        assertTrue(q.add(500, 600));
        assertFalse(q.add(700, 800), "bounded number of ranges");
        assertTrue(q.add(200, 300), "joins two ranges: no new block needed");
        assertEquals(2, q.blockCount());
        assertEquals(List.of(new SackBlock(100, 400), new SackBlock(500, 600)), q.sackBlocks(4));
        assertEquals(50, q.pullContiguous(50));
        assertEquals(400, q.pullContiguous(100));
        assertEquals(List.of(new SackBlock(500, 600)), q.sackBlocks(4));
        assertTrue(q.add(0xFFFF_FFF0, 0x10), "ranges across the wrap");
    }

    /** SipHash-2-4 reference vector (Aumasson & Bernstein, appendix A): key 00..0f, message 00..07. */
    @Test
    void sipHashReferenceVector() {
        long k0 = 0x0706050403020100L;
        long k1 = 0x0f0e0d0c0b0a0908L;
        assertEquals(0x93f5f5799a932462L, Rfc6528IsnGenerator.sipHash24(k0, k1, 0x0706050403020100L));
    }

    /** RFC 6528 3: ISNs of one pair follow the 4 us clock; different pairs get unrelated offsets. */
    @Test
    void rfc6528_isnFollowsTheClockPerConnection() {
        Rfc6528IsnGenerator g = new Rfc6528IsnGenerator(new SplittableRandom(5));
        Ipv4Address a = Ipv4Address.parse("192.0.2.1");
        Ipv4Address b = Ipv4Address.parse("192.0.2.2");
        int i1 = g.isn(a, 1000, b, 80, 1_000_000_000L);
        int i2 = g.isn(a, 1000, b, 80, 1_000_000_000L + 4_000_000L);
        assertEquals(1000, i2 - i1, "4 ms later: 1000 ticks of 4 us");
        assertNotEquals(i1, g.isn(a, 1001, b, 80, 1_000_000_000L));
        Rfc6528IsnGenerator other = new Rfc6528IsnGenerator(new SplittableRandom(6));
        assertNotEquals(i1, other.isn(a, 1000, b, 80, 1_000_000_000L), "the secret matters");
    }

    /** RFC 6298 2.2-2.5, 5.5. */
    @Test
    void rfc6298_rtoComputation() {
        RttEstimator r = new RttEstimator(1_000_000_000L, 200_000_000L, 120_000_000_000L);
        assertEquals(1_000_000_000L, r.rto());
        r.sample(100_000_000L);   // SRTT 100 ms, RTTVAR 50 ms: RTO = 100 + 4*50 = 300 ms
        assertEquals(300_000_000L, r.rto());
        r.sample(100_000_000L);   // RTTVAR 37.5 ms: RTO 250 ms
        assertEquals(250_000_000L, r.rto());
        r.backOff();
        assertEquals(500_000_000L, r.rto());
        for (int i = 0; i < 20; i++) {
            r.backOff();
        }
        assertEquals(120_000_000_000L, r.rto(), "RFC 6298 2.5: capped");
        RttEstimator fast = new RttEstimator(1_000_000_000L, 200_000_000L, 120_000_000_000L);
        fast.sample(1_000L);
        assertEquals(200_000_000L, fast.rto(), "RFC 6298 2.4: floor (200 ms configured)");
    }

    /** RFC 5681 3.1 / 3.2 and RFC 6928 through NewReno's events. */
    @Test
    void rfc5681_newRenoWindows() {
        NewReno cc = new NewReno();
        cc.init(1460, 10, 0);
        assertEquals(14600, cc.cwnd(), "RFC 6928: min(10*MSS, max(2*MSS, 14600))");
        cc.onAck(1460, 14600, 0);
        assertEquals(16060, cc.cwnd(), "slow start: + SMSS per ACK");
        cc.onEnterRecovery(16000, 0);
        assertEquals(8000, cc.ssthresh());
        assertEquals(8000 + 3 * 1460, cc.cwnd());
        cc.onDupAckInRecovery(0);
        assertEquals(8000 + 4 * 1460, cc.cwnd());
        cc.onExitRecovery(6000, 0);
        assertEquals(7460, cc.cwnd(), "RFC 6582 step 4: min(ssthresh, FlightSize + SMSS)");
        int before = cc.cwnd();
        cc.onAck(before, before, 0);
        assertEquals(before + 1460, cc.cwnd(), "congestion avoidance: + SMSS per window");
        cc.onRetransmissionTimeout(10000, 0);
        assertEquals(1460, cc.cwnd(), "loss window");
        assertEquals(5000, cc.ssthresh());
    }
}
