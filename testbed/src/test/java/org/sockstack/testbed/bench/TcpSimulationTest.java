package org.sockstack.testbed.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sockstack.drivers.sim.LinkConfig;
import org.sockstack.stack.tcp.TcpConfig;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two stacks moving bulk data over the simulated network on virtual time (DESIGN "Simulation
 * tests"): loss, reordering, duplication, corruption, delay and a 100 Mbit/s bottleneck. Every
 * run must deliver every octet intact (SHA-256 of the stream on both sides) within a bounded
 * virtual time, and the same seed must give the same run. The 64 MiB runs use frames outside
 * Netty's paranoid leak detector (with a live-memory leak check instead), which would make them
 * take minutes; the smaller runs (at most 8 MiB) are tracked.
 */
class TcpSimulationTest {
    private static final long MIB = 1 << 20;
    private static final long RATE = 100_000_000L;

    static LinkConfig link(double loss, long delayMs) {
        return LinkConfig.builder().rate(RATE).propagationDelay(Duration.ofMillis(delayMs)).loss(loss).build();
    }

    /** Everything at once: loss, 2% reordering, 1% duplication, 0.5% corruption, jitter. */
    static LinkConfig hostile(double loss, long delayMs) {
        return LinkConfig.builder().rate(RATE).propagationDelay(Duration.ofMillis(delayMs))
                .jitter(Duration.ofMillis(Math.max(1, delayMs / 10))).loss(loss).reorder(0.02, Duration.ofMillis(3))
                .duplicate(0.01).corrupt(0.005).build();
    }

    private static SimTcpTransferRun.Result transfer(long seed, LinkConfig link, TcpConfig config, long size,
                                                  Duration limit) {
        // The 64 MiB runs use the untracked allocator (see SimTcpTransferRun.run); the rest run
        // under the paranoid leak detector.
        SimTcpTransferRun.Result r = SimTcpTransferRun.run(seed, link, config, size, 1 << 20, limit, size <= 8 * MIB);
        assertEquals(size, r.received(), "every octet arrived");
        assertTrue(r.intact(), "byte-exact: " + r.sentSha256() + " vs " + r.receivedSha256());
        return r;
    }

    @Test
    void cleanPath64MiB() {
        SimTcpTransferRun.Result r = transfer(1, link(0, 5), TcpConfig.DEFAULT, 64 * MIB, Duration.ofSeconds(30));
        // The only losses are the bottleneck queue's tail drops (a 1 MiB window overruns its 256 KiB).
        assertTrue(r.goodputMbps() > 80, "fills most of a 100 Mbit/s link: " + r.goodputMbps());
    }

    @Test
    void onePercentLoss64MiB() {
        SimTcpTransferRun.Result r = transfer(2, hostile(0.01, 10), TcpConfig.DEFAULT, 64 * MIB, Duration.ofSeconds(600));
        assertTrue(r.retransmits() > 0);
    }

    @Test
    void fivePercentLoss64MiB() {
        transfer(3, hostile(0.05, 20), TcpConfig.DEFAULT, 64 * MIB, Duration.ofSeconds(3600));
    }

    @Test
    void tenPercentLoss64MiB() {
        transfer(4, hostile(0.10, 5), TcpConfig.DEFAULT, 64 * MIB, Duration.ofSeconds(7200));
    }

    /** A long path: 200 ms each way (400 ms RTT) with 1% loss and every other impairment. */
    @Test
    void longFatPath64MiB() {
        transfer(5, hostile(0.01, 200), TcpConfig.DEFAULT, 64 * MIB, Duration.ofSeconds(3600));
    }

    @Test
    void newRenoWithSackAtFivePercent() {
        transfer(6, hostile(0.05, 10), TcpConfig.DEFAULT.withCongestionControl("newreno"), 64 * MIB,
                Duration.ofSeconds(3600));
    }

    @Test
    void withoutSackOrTimestampsAtFivePercent() {
        transfer(7, hostile(0.05, 10), TcpConfig.DEFAULT.withOptions(true, false, false), 64 * MIB,
                Duration.ofSeconds(3600));
    }

    /** The same impairments under the paranoid leak detector (smaller: it costs ~1 s per MiB). */
    @Test
    void tenPercentLossUnderLeakDetection() {
        transfer(8, hostile(0.10, 5), TcpConfig.DEFAULT, 4 * MIB, Duration.ofSeconds(1200));
    }

    /**
     * Data both ways at once, on the lab's impaired path (2% loss, 20 ms delay, 5% reordering, a
     * 40 Mbit/s bottleneck with a small queue): an echo round trip must come back byte-exact.
     * Seeds 2 and 3 stalled in back-off before pure ACKs carried SND.MAX (see TcpConnection
     * acceptableAckSeq): both ends retransmitted and dropped each other's ACKs as left of window.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void echoBothWaysOnImpairedPath(long seed) {
        LinkConfig lab = LinkConfig.builder().rate(40_000_000L).queueLimit(16 * 1024)
                .propagationDelay(Duration.ofMillis(20)).loss(0.02).reorder(0.05, Duration.ofMillis(5)).build();
        SimTcpEchoRun.Result r = SimTcpEchoRun.run(seed, lab, TcpConfig.DEFAULT, 4_000_000, Duration.ofSeconds(120));
        assertEquals(r.sent(), r.echoed(), "the whole echo came back");
        assertTrue(r.intact(), "byte-exact echo");
        assertTrue(r.retransmits() > 0, "the path did lose segments");
    }

    /**
     * Reordering without loss (2% of frames held back 5 ms): after the first spurious fast
     * retransmissions the receiver's D-SACKs teach the sender a larger DupThresh, so it stops
     * retransmitting; before D-SACK this run retransmitted 62 segments at a fifth of the goodput.
     */
    @Test
    void reorderingIsLearnedFromDsacks() {
        LinkConfig reordering = LinkConfig.builder().rate(20_000_000L).propagationDelay(Duration.ofMillis(20))
                .reorder(0.02, Duration.ofMillis(5)).build();
        SimTcpTransferRun.Result r = transfer(11, reordering, TcpConfig.DEFAULT, 8 * MIB, Duration.ofSeconds(60));
        assertTrue(r.retransmits() < 20, "spurious retransmissions stop: " + r.retransmits());
        assertTrue(r.clientCounters().contains("tcp.spurious_recoveries"), r.clientCounters());
    }

    /** Determinism: the same seed gives the same bytes at the same instants; another seed does not. */
    @Test
    void sameSeedSameRun() {
        SimTcpTransferRun.Result first = transfer(42, hostile(0.05, 10), TcpConfig.DEFAULT, 2 * MIB,
                Duration.ofSeconds(600));
        SimTcpTransferRun.Result again = transfer(42, hostile(0.05, 10), TcpConfig.DEFAULT, 2 * MIB,
                Duration.ofSeconds(600));
        assertEquals(first, again);
        SimTcpTransferRun.Result other = transfer(43, hostile(0.05, 10), TcpConfig.DEFAULT, 2 * MIB,
                Duration.ofSeconds(600));
        assertNotEquals(first.virtualNanos(), other.virtualNanos());
    }
}
