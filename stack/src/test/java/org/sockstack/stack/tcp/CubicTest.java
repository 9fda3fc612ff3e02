package org.sockstack.stack.tcp;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CUBIC (RFC 9438) through its events, on a manual time line. */
class CubicTest {
    private static final int MSS = 1000;
    private static final long MS = 1_000_000L;
    private static final long RTT = 100 * MS;

    /** Grows a CUBIC window to {@code segments} in slow start, then loses once (cwnd = W_max). */
    private static Cubic afterLossAt(int segments) {
        Cubic c = new Cubic();
        c.init(MSS, 10, 0);
        c.onRttSample(RTT, 0);
        while (c.cwnd() < segments * MSS) {
            c.onAck(MSS, c.cwnd(), 0);
        }
        c.onEnterSackRecovery(c.cwnd(), 0);
        c.onExitRecovery(c.cwnd(), 0);
        return c;
    }

    /** RFC 9438 4.6: ssthresh = cwnd * beta_cubic (0.7), cwnd = ssthresh; W_max = cwnd before. */
    @Test
    void rfc9438_4_6_multiplicativeDecrease() {
        Cubic c = afterLossAt(100);
        assertEquals(70 * MSS, c.ssthresh());
        assertEquals(70 * MSS, c.cwnd());
        assertEquals(100.0, c.wMax(), 1e-9);
    }

    /**
     * RFC 9438 4.2 figure 2: K = cbrt(W_max (1 - beta) / C), and the window returns to W_max K
     * seconds after the loss (concave, then plateau), then probes beyond it (convex).
     */
    @Test
    void rfc9438_4_2_cubicGrowthReturnsToWmaxAfterK() {
        Cubic c = afterLossAt(100);
        double k = Math.cbrt(100 * (1 - Cubic.BETA) / Cubic.C);   // about 4.22 s
        long now = 0;
        long kNanos = (long) (k * 1e9);
        int atHalfK = 0;
        while (now < kNanos) {
            // One window's worth of ACKs per RTT.
            int acks = c.cwnd() / MSS;
            for (int i = 0; i < acks; i++) {
                c.onAck(MSS, c.cwnd(), now);
            }
            now += RTT;
            if (atHalfK == 0 && now >= kNanos / 2) {
                atHalfK = c.cwnd();
            }
        }
        assertEquals(k, c.k(), 1e-9);
        double w = c.cwnd() / (double) MSS;
        assertTrue(w > 97 && w < 103, "back near W_max after K: " + w);
        assertTrue(atHalfK > 85 * MSS, "concave: most of the way back by K/2: " + atHalfK);
        for (int r = 0; r < 30; r++) {
            int acks = c.cwnd() / MSS;
            for (int i = 0; i < acks; i++) {
                c.onAck(MSS, c.cwnd(), now);
            }
            now += RTT;
        }
        assertTrue(c.cwnd() > 110 * MSS, "convex region probes beyond W_max: " + c.cwnd());
    }

    /** RFC 9438 4.7: fast convergence lowers W_max when a loss comes before the old W_max. */
    @Test
    void rfc9438_4_7_fastConvergence() {
        Cubic c = afterLossAt(100);   // cwnd 70, W_max 100
        c.onEnterSackRecovery(c.cwnd(), 0);
        assertEquals(70 * (1 + Cubic.BETA) / 2, c.wMax(), 1e-9);
    }

    /** RFC 9438 4.8: a timeout sets ssthresh with beta_cubic and cwnd to one segment. */
    @Test
    void rfc9438_4_8_timeout() {
        Cubic c = afterLossAt(100);
        c.onRetransmissionTimeout(70 * MSS, 0);
        assertEquals(MSS, c.cwnd());
        assertEquals(49 * MSS, c.ssthresh());
    }

    /** RFC 9438 4.3: in the Reno-friendly region CUBIC is at least as fast as Reno (AIMD estimate). */
    @Test
    void rfc9438_4_3_renoFriendlyRegionAtShortRtt() {
        Cubic c = afterLossAt(10);   // small window: the cubic curve is slow, W_est leads
        int start = c.cwnd();
        long now = 0;
        for (int r = 0; r < 10; r++) {
            int acks = c.cwnd() / MSS;
            for (int i = 0; i < acks; i++) {
                c.onAck(MSS, c.cwnd(), now);
            }
            now += MS;   // 1 ms RTT: the curve barely moves in 10 ms
        }
        double renoGain = 10 * Cubic.ALPHA;   // alpha_cubic segments per RTT
        assertTrue(c.cwnd() - start >= (int) (renoGain * MSS * 0.9), "grew " + (c.cwnd() - start));
    }

    @Test
    void congestionControlChosenByName() {
        assertInstanceOf(Cubic.class, TcpConfig.DEFAULT.congestionControl().create(), "CUBIC is the default");
        assertInstanceOf(NewReno.class, TcpConfig.DEFAULT.withCongestionControl("newreno").congestionControl().create());
        assertInstanceOf(Cubic.class, TcpConfig.DEFAULT.withCongestionControl("CUBIC").congestionControl().create());
        assertNull(CongestionControl.named("bbr"));
        assertThrows(IllegalArgumentException.class, () -> TcpConfig.DEFAULT.withCongestionControl("bbr"));
    }
}
