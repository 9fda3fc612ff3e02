package org.sockstack.drivers.fault;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.device.ChannelDevice;
import org.sockstack.stack.loop.EventLoop;
import org.sockstack.stack.loop.ManualClock;
import org.sockstack.stack.wire.MacAddress;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FaultInjectingDeviceTest {
    static final MacAddress A = MacAddress.parse("02:00:00:00:00:0a");
    static final MacAddress B = MacAddress.parse("02:00:00:00:00:0b");
    static final long MS = 1_000_000L;

    /** A pooled 64-octet frame carrying {@code seq} at offset 14. */
    static ByteBuf frame(int seq) {
        ByteBuffer b = ByteBuffer.allocate(64);
        b.put(B.octets()).put(A.octets()).putShort((short) 0x88B5).putInt(seq);
        return PooledByteBufAllocator.DEFAULT.buffer(64).writeBytes(b.array());
    }

    static int seq(ByteBuf frame) {
        return frame.getInt(frame.readerIndex() + 14);
    }

    private final ManualClock clock = new ManualClock();

    @Test
    void transmittedFramesAreHeldUntilTheDelayHasPassed() {
        ChannelDevice wire = new ChannelDevice("eth0", A, 1500);
        Impairments delay = Impairments.builder().delay(Duration.ofMillis(20)).build();
        try (FaultInjectingDevice dev = FaultInjectingDevice.builder(wire, clock).transmit(delay).build()) {
            long t0 = clock.nanos();
            assertTrue(dev.transmit(frame(1)));
            assertEquals(0, wire.sentCount());
            assertEquals(1, dev.heldTransmitted());
            assertEquals(t0 + 20 * MS, dev.nextDeadline(t0));
            clock.advance(20 * MS - 1);
            assertFalse(dev.poll(clock.nanos()));
            assertEquals(0, wire.sentCount());
            clock.advance(1);
            assertTrue(dev.poll(clock.nanos()));
            assertEquals(1, wire.sentCount());
            assertEquals(Long.MAX_VALUE, dev.nextDeadline(clock.nanos()));
            ByteBuf sent = wire.takeSent();
            assertEquals(1, seq(sent));
            sent.release();
            assertEquals(1, dev.transmitFates().delivered());
        }
    }

    @Test
    void receivedFramesAreHeldAndTheLoopIsToldWhenTheyAreDue() {
        ChannelDevice wire = new ChannelDevice("eth0", A, 1500);
        Impairments delay = Impairments.builder().delay(Duration.ofMillis(5)).build();
        try (FaultInjectingDevice dev = FaultInjectingDevice.builder(wire, clock).receive(delay).build()) {
            int[] ready = {0};
            dev.setReadyListener(() -> ready[0]++);
            wire.inject(frame(7));
            assertEquals(1, ready[0], "the inner device's arrival is passed on");
            List<Integer> got = new ArrayList<>();
            assertEquals(0, dev.receive(10, f -> { got.add(seq(f)); f.release(); }));
            assertEquals(1, dev.heldReceived());
            long due = clock.nanos() + 5 * MS;
            assertEquals(due, dev.nextDeadline(clock.nanos()));
            clock.advanceTo(due);
            assertTrue(dev.poll(clock.nanos()));
            assertEquals(2, ready[0], "poll signals the due frame");
            assertFalse(dev.poll(clock.nanos()), "only once");
            assertEquals(Long.MAX_VALUE, dev.nextDeadline(clock.nanos()), "no spinning while signalled");
            assertEquals(1, dev.receive(10, f -> { got.add(seq(f)); f.release(); }));
            assertEquals(List.of(7), got);
        }
    }

    @Test
    void anEventLoopWakesForHeldFrames() {
        ChannelDevice wire = new ChannelDevice("eth0", A, 1500);
        Impairments delay = Impairments.builder().delay(Duration.ofMillis(3)).build();
        try (FaultInjectingDevice dev = FaultInjectingDevice.builder(wire, clock).transmit(delay).build()) {
            EventLoop loop = new EventLoop("test", clock);
            loop.register(dev);
            dev.transmit(frame(1));
            long deadline = loop.nextDeadline(clock.nanos());
            assertEquals(clock.nanos() + 3 * MS, deadline);
            clock.advanceTo(deadline);
            loop.runUntilIdle();
            assertEquals(1, wire.sentCount());
            wire.takeSent().release();
        }
    }

    @Test
    void withoutImpairmentsFramesPassThroughUntouched() {
        ChannelDevice wire = new ChannelDevice("eth0", A, 1500);
        try (FaultInjectingDevice dev = FaultInjectingDevice.builder(wire, clock).build()) {
            ByteBuf f = frame(3);
            dev.transmit(f);
            ByteBuf sent = wire.takeSent();
            assertSame(f, sent);
            sent.release();
            ByteBuf in = frame(4);
            wire.inject(in);
            assertEquals(1, dev.receive(1, r -> { assertSame(in, r); r.release(); }));
            assertEquals(1, dev.receiveFates().delivered());
        }
    }

    @Test
    void duplicatesAreIndependentCopies() {
        ChannelDevice wire = new ChannelDevice("eth0", A, 1500);
        Impairments dup = Impairments.builder().duplicate(1.0).build();
        try (FaultInjectingDevice dev = FaultInjectingDevice.builder(wire, clock).transmit(dup).build()) {
            dev.transmit(frame(9));
            assertEquals(2, wire.sentCount());
            ByteBuf first = wire.takeSent();
            ByteBuf second = wire.takeSent();
            first.setInt(14, 1234);
            assertEquals(9, seq(second), "changing one copy leaves the other alone");
            first.release();
            second.release();
            assertEquals(1, dev.transmitFates().duplicated());
            assertEquals(2, dev.transmitFates().delivered());
        }
    }

    @Test
    void corruptionFlipsOneBitOfACopy() {
        ChannelDevice wire = new ChannelDevice("eth0", A, 1500);
        Impairments corrupt = Impairments.builder().corrupt(1.0).build();
        try (FaultInjectingDevice dev = FaultInjectingDevice.builder(wire, clock).transmit(corrupt).seed(5).build()) {
            ByteBuf original = frame(77);
            ByteBuf keep = original.retainedDuplicate(); // a sender still sharing the frame's memory
            dev.transmit(original);
            ByteBuf sent = wire.takeSent();
            int bits = 0;
            for (int i = 0; i < 64; i++) {
                bits += Integer.bitCount((sent.getByte(i) ^ keep.getByte(keep.readerIndex() + i)) & 0xFF);
            }
            assertEquals(1, bits);
            assertEquals(77, seq(keep), "the sender's bytes are unchanged");
            sent.release();
            keep.release();
        }
    }

    @Test
    void heldFramesAreBoundedAndReleasedOnClose() {
        ChannelDevice wire = new ChannelDevice("eth0", A, 1500);
        Impairments slow = Impairments.builder().delay(Duration.ofSeconds(1)).build();
        FaultInjectingDevice dev = FaultInjectingDevice.builder(wire, clock).both(slow).maxHeld(8).build();
        List<ByteBuf> frames = new ArrayList<>();
        int accepted = 0;
        for (int i = 0; i < 10; i++) {
            ByteBuf f = frame(i);
            frames.add(f);
            accepted += dev.transmit(f) ? 1 : 0;
        }
        assertEquals(8, accepted);
        assertEquals(2, dev.transmitFates().droppedQueue());
        for (int i = 0; i < 10; i++) {
            wire.inject(frame(100 + i));
        }
        assertEquals(0, dev.receive(64, ByteBuf::release));
        assertEquals(8, dev.heldReceived(), "the rest waits in the inner device");
        dev.close();
        for (ByteBuf f : frames) {
            assertEquals(0, f.refCnt());
        }
    }

    @Test
    void lossyReorderingPathOverAPairIsStatisticallyRightAndReproducible() {
        // The TCP lab's path: 2% loss, 20 ms delay, 5% reordering.
        Impairments lab = Impairments.builder().loss(0.02).delay(Duration.ofMillis(20))
                .reorder(0.05, Duration.ofMillis(10)).build();
        List<Integer> first = labRun(lab, 11);
        assertEquals(first, labRun(lab, 11));
        assertNotEquals(first, labRun(lab, 12));
    }

    private List<Integer> labRun(Impairments lab, long seed) {
        ManualClock c = new ManualClock();
        ChannelDevice left = new ChannelDevice("left", A, 1500);
        ChannelDevice right = new ChannelDevice("right", B, 1500);
        ChannelDevice.pair(left, right);
        int n = 10_000;
        List<Integer> got = new ArrayList<>();
        try (FaultInjectingDevice dev = FaultInjectingDevice.builder(left, c).transmit(lab).seed(seed).build()) {
            for (int i = 0; i < n; i++) {
                dev.transmit(frame(i));
                c.advance(MS / 2);
                dev.poll(c.nanos());
                right.receive(64, f -> { got.add(seq(f)); f.release(); });
            }
            c.advance(100 * MS);
            dev.poll(c.nanos());
            right.receive(Integer.MAX_VALUE, f -> { got.add(seq(f)); f.release(); });
            FateCounters fates = dev.transmitFates();
            assertEquals(n - fates.droppedLoss(), got.size());
            assertEquals(got.size(), new HashSet<>(got).size());
            assertWithin(fates.droppedLoss(), n, 0.02);
            assertWithin(fates.reordered(), n - fates.droppedLoss(), 0.05);
            Set<Integer> late = new HashSet<>();
            int highest = -1;
            for (int s : got) {
                if (s < highest) {
                    late.add(s);
                }
                highest = Math.max(highest, s);
            }
            assertTrue(late.size() <= fates.reordered() && late.size() >= fates.reordered() - 2);
            assertTrue(late.size() > 0);
        }
        return got;
    }

    static void assertWithin(long count, long n, double prob) {
        double mean = n * prob;
        double sigma = Math.sqrt(n * prob * (1 - prob));
        assertTrue(Math.abs(count - mean) <= 5 * sigma, count + " of " + n + " not near " + prob);
    }

    @Test
    void receivedDuplicatesRespectMaxFrames() {
        ChannelDevice wire = new ChannelDevice("eth0", A, 1500);
        Impairments dup = Impairments.builder().duplicate(1.0).build();
        try (FaultInjectingDevice dev = FaultInjectingDevice.builder(wire, clock).receive(dup).build()) {
            wire.inject(frame(1));
            wire.inject(frame(2));
            List<Integer> got = new ArrayList<>();
            assertEquals(1, dev.receive(1, f -> { got.add(seq(f)); f.release(); }));
            assertEquals(3, dev.receive(10, f -> { got.add(seq(f)); f.release(); }));
            assertEquals(List.of(1, 1, 2, 2), got);
        }
    }

    @Test
    void burstLossStateIsDrawnFromTheSeed() {
        GilbertElliott ge = GilbertElliott.gilbert(0.05, 0.5);
        assertEquals(0.05 / 0.55, ge.meanLossRate(), 1e-12);
        Impairer a = new Impairer(Impairments.builder().burstLoss(ge).build(), new java.util.SplittableRandom(1));
        Impairer b = new Impairer(Impairments.builder().burstLoss(ge).build(), new java.util.SplittableRandom(1));
        for (int i = 0; i < 1000; i++) {
            assertEquals(a.lose(), b.lose());
        }
    }

    @Test
    void badConfigurationsAreRefused() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Impairments.builder().loss(1.5).build());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Impairments.builder().reorder(0.1, Duration.ZERO).build());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new GilbertElliott(0.1, -0.1, 0, 1));
    }
}
