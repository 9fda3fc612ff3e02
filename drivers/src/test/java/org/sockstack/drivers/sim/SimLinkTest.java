package org.sockstack.drivers.sim;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;
import org.sockstack.drivers.fault.FateCounters;
import org.sockstack.drivers.fault.GilbertElliott;
import org.sockstack.stack.wire.MacAddress;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimLinkTest {
    static final MacAddress A = MacAddress.parse("02:00:00:00:00:0a");
    static final MacAddress B = MacAddress.parse("02:00:00:00:00:0b");
    static final long MS = 1_000_000L;
    static final long US = 1_000L;

    /** Two ports joined by one link; what B receives is drained into {@link #received}. */
    static final class Pair implements AutoCloseable {
        final SimNetwork net;
        final SimPort a;
        final SimPort b;
        final SimLink link;
        final long t0;
        final List<String> received = new ArrayList<>();
        final List<Long> arrivalTimes = new ArrayList<>();
        final List<Integer> seqs = new ArrayList<>();
        int corruptedFrames;

        Pair(long seed, LinkConfig config) {
            net = new SimNetwork(seed);
            a = net.port("a", A, 1500);
            b = net.port("b", B, 1500, 1 << 16);
            link = net.link(a, b, config);
            t0 = net.now();
            b.setReadyListener(() -> arrivalTimes.add(net.now() - t0));
        }

        boolean send(int seq, int length) {
            return a.transmit(TestFrames.frame(a.allocator(), B, A, seq, length));
        }

        /** Takes every frame b received: records time, identity, corruption; releases it. */
        void drain() {
            b.receive(Integer.MAX_VALUE, frame -> {
                byte[] bytes = TestFrames.toArray(frame);
                frame.release();
                seqs.add(identify(bytes));
                received.add((net.now() - t0) + " " + TestFrames.hex(bytes));
            });
        }

        private int identify(byte[] frame) {
            int first = TestFrames.seqAtStart(frame);
            int last = TestFrames.seqAtEnd(frame);
            int d1 = TestFrames.bitsDifferent(frame, first, B, A);
            int d2 = TestFrames.bitsDifferent(frame, last, B, A);
            int d = Math.min(d1, d2);
            assertTrue(d <= 1, "a corrupted frame has exactly one flipped bit, found " + d);
            if (d == 1) {
                corruptedFrames++;
            }
            return d1 <= d2 ? first : last;
        }

        @Override
        public void close() {
            net.close();
        }
    }

    @Test
    void serializationAndPropagationGiveExactDeliveryTimes() {
        // 10 Mbit/s: a 1250-octet frame takes exactly 1 ms to send; then 1 ms on the wire.
        LinkConfig cfg = LinkConfig.builder().rate(10_000_000).propagationDelay(Duration.ofMillis(1)).build();
        try (Pair p = new Pair(1, cfg)) {
            assertTrue(p.send(0, 1250));
            assertTrue(p.send(1, 1250));
            assertTrue(p.send(2, 1250));
            assertEquals(3750, p.link.forward().queuedBytes(p.net.now()));
            p.net.run(Duration.ofMillis(1));
            assertEquals(2500, p.link.forward().queuedBytes(p.net.now()), "one frame serialized after 1 ms");
            p.net.run(Duration.ofMillis(9));
            assertEquals(List.of(2 * MS, 3 * MS, 4 * MS), p.arrivalTimes);
            // The transmitter is idle again: a frame sent at 10 ms arrives at 12 ms.
            assertTrue(p.send(3, 1250));
            // 64 octets at 10 Mbit/s take 51.2 us, rounded up to whole nanoseconds: 51 200 ns.
            assertTrue(p.send(4, 64));
            p.net.run(Duration.ofMillis(5));
            assertEquals(List.of(2 * MS, 3 * MS, 4 * MS, 12 * MS, 12 * MS + 51_200), p.arrivalTimes);
            p.drain();
            assertEquals(List.of(0, 1, 2, 3, 4), p.seqs);
            assertEquals(5, p.link.forwardFates().delivered());
            assertEquals(0, p.link.reverseFates().offered());
        }
    }

    @Test
    void perFrameOverheadTakesWireTime() {
        // 1 Gbit/s, 24 octets of preamble + FCS + gap: 64 + 24 octets = 704 ns.
        LinkConfig cfg = LinkConfig.builder().rate(1_000_000_000).overhead(24).build();
        try (Pair p = new Pair(1, cfg)) {
            p.send(0, 64);
            p.send(1, 64);
            p.net.run(Duration.ofMillis(1));
            assertEquals(List.of(704L, 1408L), p.arrivalTimes);
            p.drain();
        }
    }

    @Test
    void fullQueueTailDropsAndCounts() {
        LinkConfig cfg = LinkConfig.builder().rate(1_000_000).queueLimit(5000).build();
        try (Pair p = new Pair(1, cfg)) {
            int accepted = 0;
            for (int i = 0; i < 10; i++) {
                accepted += p.send(i, 1000) ? 1 : 0;
            }
            assertEquals(5, accepted);
            assertEquals(5, p.link.forwardFates().droppedQueue());
            assertEquals(5, p.net.counters().get("sim.link.a-b.fwd.drop.queue"));
            // 1000 octets at 1 Mbit/s = 8 ms each: after 8 ms one slot is free again.
            p.net.run(Duration.ofMillis(8));
            assertTrue(p.send(10, 1000));
            assertFalse(p.send(11, 1000));
            p.net.run(Duration.ofMillis(100));
            p.drain();
            assertEquals(List.of(0, 1, 2, 3, 4, 10), p.seqs);
            assertEquals(6, p.link.forwardFates().droppedQueue());
            assertEquals(6, p.link.forwardFates().delivered());
        }
    }

    @Test
    void oversizeFramesAreDropped() {
        LinkConfig cfg = LinkConfig.builder().mtu(1500).build();
        try (Pair p = new Pair(1, cfg)) {
            assertTrue(p.send(0, 1514));
            assertFalse(p.send(1, 1515));
            // An 802.1Q-tagged frame may be 4 octets longer.
            ByteBuf tagged = TestFrames.frame(p.a.allocator(), B, A, 2, 1518);
            tagged.setShort(12, 0x8100);
            tagged.setShort(16, TestFrames.LOCAL_EXPERIMENTAL);
            assertTrue(p.a.transmit(tagged));
            p.net.run(Duration.ofMillis(1));
            assertEquals(1, p.link.forwardFates().oversize());
            assertEquals(2, p.link.forwardFates().delivered());
            p.b.receive(10, ByteBuf::release);
        }
    }

    @Test
    void jitterNeverReordersUnlessAsked() {
        LinkConfig cfg = LinkConfig.builder().propagationDelay(Duration.ofMillis(5))
                .jitter(Duration.ofMillis(3)).build();
        try (Pair p = new Pair(7, cfg)) {
            sendSpaced(p, 2000, 100 * US);
            p.net.run(Duration.ofSeconds(1));
            p.drain();
            assertEquals(2000, p.seqs.size());
            for (int i = 0; i < p.seqs.size(); i++) {
                assertEquals(i, p.seqs.get(i), "in order");
            }
            assertTrue(p.arrivalTimes.getFirst() >= 5 * MS && p.arrivalTimes.getFirst() <= 8 * MS);
            assertTrue(p.arrivalTimes.stream().distinct().count() > 100, "jitter varies the delay");
        }
    }

    /** Sends {@code n} frames from a to b, one every {@code spacing} ns, running the network between. */
    static void sendSpaced(Pair p, int n, long spacing) {
        for (int i = 0; i < n; i++) {
            p.send(i, 100);
            p.net.run(Duration.ofNanos(spacing));
        }
    }

    static final LinkConfig IMPAIRED = LinkConfig.builder()
            .rate(100_000_000)
            .propagationDelay(Duration.ofMillis(2))
            .jitter(Duration.ofMillis(1))
            .loss(0.10)
            .duplicate(0.05)
            .reorder(0.05, Duration.ofMillis(3))
            .corrupt(0.02)
            .build();

    @Test
    void impairmentRatesAreWithinStatisticalBoundsAndVisibleInTheFrames() {
        int n = 20_000;
        try (Pair p = new Pair(42, IMPAIRED)) {
            sendSpaced(p, n, 100 * US);
            p.net.run(Duration.ofSeconds(1));
            p.drain();
            FateCounters f = p.link.forwardFates();
            assertEquals(n, f.offered());
            assertWithin(f.droppedLoss(), n, 0.10);
            long survivors = n - f.droppedLoss();
            assertWithin(f.duplicated(), survivors, 0.05);
            assertWithin(f.reordered(), survivors, 0.05);
            assertWithin(f.corrupted(), survivors, 0.02);
            // The counters agree with what arrived.
            assertEquals(survivors + f.duplicated(), p.seqs.size(), f.toString());
            assertEquals(f.delivered(), p.seqs.size());
            Set<Integer> distinct = new HashSet<>(p.seqs);
            assertEquals(survivors, distinct.size());
            assertEquals(f.duplicated(), p.seqs.size() - distinct.size());
            // Each corrupted frame has one flipped bit; a corrupted frame's duplicate is corrupted too.
            assertTrue(p.corruptedFrames >= f.corrupted() && p.corruptedFrames <= 2 * f.corrupted());
            // A reordered frame is overtaken by the frames sent in the 3 ms after it.
            Set<Integer> late = new HashSet<>();
            int highest = -1;
            for (int seq : p.seqs) {
                if (seq < highest) {
                    late.add(seq);
                }
                highest = Math.max(highest, seq);
            }
            assertTrue(late.size() <= f.reordered() && late.size() >= f.reordered() - 2,
                    late.size() + " late frames for " + f.reordered() + " reordered");
        }
    }

    /** Asserts {@code count} is within 5 standard deviations of Binomial(n, prob). */
    static void assertWithin(long count, long n, double prob) {
        double mean = n * prob;
        double sigma = Math.sqrt(n * prob * (1 - prob));
        assertTrue(Math.abs(count - mean) <= 5 * sigma,
                count + " out of " + n + " is not near " + prob + " (mean " + mean + ", sigma " + sigma + ")");
    }

    private static List<String> transcript(long seed) {
        try (Pair p = new Pair(seed, IMPAIRED)) {
            sendSpaced(p, 2000, 100 * US);
            p.net.run(Duration.ofSeconds(1));
            p.drain();
            List<String> out = new ArrayList<>(p.received);
            out.add(p.link.forwardFates().toString());
            return out;
        }
    }

    @Test
    void sameSeedGivesTheSameBytesAtTheSameTimes() {
        List<String> first = transcript(1234);
        List<String> second = transcript(1234);
        assertEquals(first, second);
        assertNotEquals(first, transcript(1235), "another seed gives other fates");
    }

    @Test
    void gilbertElliottLosesInBursts() {
        // Long-run loss p / (p + r) = 0.01 / 0.21 = 4.76 %, mean burst 1 / r = 5 frames.
        GilbertElliott ge = GilbertElliott.gilbert(0.01, 0.2);
        LinkConfig cfg = LinkConfig.builder().burstLoss(ge).build();
        int n = 50_000;
        try (Pair p = new Pair(99, cfg)) {
            for (int i = 0; i < n; i++) {
                p.send(i, 64);
            }
            p.net.run(Duration.ofMillis(1));
            p.drain();
            long lost = p.link.forwardFates().droppedLoss();
            assertEquals(n - lost, p.seqs.size());
            double rate = (double) lost / n;
            assertTrue(Math.abs(rate - ge.meanLossRate()) < 0.25 * ge.meanLossRate(), "loss rate " + rate);
            // Bursts: runs of consecutive missing sequence numbers.
            int bursts = 0;
            int expected = 0;
            for (int seq : p.seqs) {
                if (seq > expected) {
                    bursts++;
                }
                expected = seq + 1;
            }
            if (expected < n) {
                bursts++;
            }
            double meanBurst = (double) lost / bursts;
            assertTrue(meanBurst > 3.5 && meanBurst < 6.5, "mean burst length " + meanBurst);
        }
    }

    @Test
    void directionsAreIndependent() {
        LinkConfig lossy = LinkConfig.builder().loss(1.0).build();
        try (SimNetwork net = new SimNetwork(5)) {
            SimPort a = net.port("a", A, 1500);
            SimPort b = net.port("b", B, 1500);
            SimLink link = net.link(a, b, lossy, LinkConfig.IDEAL);
            a.transmit(TestFrames.frame(a.allocator(), B, A, 1, 64));
            b.transmit(TestFrames.frame(b.allocator(), A, B, 2, 64));
            net.run(Duration.ofMillis(1));
            assertEquals(0, b.pendingReceive());
            assertEquals(1, a.pendingReceive());
            assertEquals(1, link.forwardFates().droppedLoss());
            assertEquals(1, link.reverseFates().delivered());
            a.receive(1, ByteBuf::release);
        }
    }

    @Test
    void closingTheNetworkReleasesFramesInFlight() {
        LinkConfig slow = LinkConfig.builder().propagationDelay(Duration.ofSeconds(1)).build();
        SimNetwork net = new SimNetwork(5);
        SimPort a = net.port("a", A, 1500);
        SimPort b = net.port("b", B, 1500);
        net.link(a, b, slow);
        ByteBuf frame = TestFrames.frame(a.allocator(), B, A, 1, 64);
        a.transmit(frame);
        assertEquals(1, net.inFlight());
        net.close();
        assertEquals(0, frame.refCnt());
        ByteBuf late = TestFrames.frame(a.allocator(), B, A, 2, 64);
        assertFalse(a.transmit(late), "a closed port refuses frames");
        assertEquals(0, late.refCnt());
    }

    @Test
    void unconnectedPortDropsAndReleases() {
        try (SimNetwork net = new SimNetwork(5)) {
            SimPort a = net.port("a", A, 1500);
            ByteBuf frame = TestFrames.frame(a.allocator(), B, A, 1, 64);
            assertFalse(a.transmit(frame));
            assertEquals(0, frame.refCnt());
            assertEquals(1, net.counters().get("sim.port.a.drop.tx_not_connected"));
        }
    }

    @Test
    void misuseIsRefused() {
        try (SimNetwork net = new SimNetwork(5)) {
            SimPort a = net.port("a", A, 1500);
            SimPort b = net.port("b", B, 1500);
            SimPort c = net.port("c", B, 1500);
            net.link(a, b, LinkConfig.IDEAL);
            org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> net.link(a, c, LinkConfig.IDEAL));
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> net.register(new org.sockstack.stack.loop.EventLoop("x",
                            new org.sockstack.stack.loop.ManualClock())));
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> LinkConfig.builder().queueLimit(0).build());
        }
    }

    @Test
    void runUntilStopsAtTheConditionOrTheLimit() {
        LinkConfig cfg = LinkConfig.builder().propagationDelay(Duration.ofMillis(7)).build();
        try (Pair p = new Pair(1, cfg)) {
            p.send(0, 64);
            assertTrue(p.net.runUntil(() -> p.b.pendingReceive() > 0, Duration.ofSeconds(1)));
            assertEquals(7 * MS, p.net.now() - p.t0, "stopped at the arrival, not at the limit");
            assertFalse(p.net.runUntil(() -> false, Duration.ofMillis(3)));
            assertEquals(10 * MS, p.net.now() - p.t0);
            p.drain();
        }
    }
}
