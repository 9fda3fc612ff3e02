package org.sockstack.drivers.capture;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sockstack.stack.loop.ManualClock;
import org.sockstack.stack.wire.MacAddress;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplayDeviceTest {
    private static final MacAddress MAC = MacAddress.parse("02:00:00:5c:00:02");

    /** Collects received frames as byte arrays and releases the buffers. */
    private static final class Collector {
        final List<byte[]> frames = new ArrayList<>();

        void accept(ByteBuf frame) {
            byte[] b = new byte[frame.readableBytes()];
            frame.getBytes(frame.readerIndex(), b);
            frames.add(b);
            frame.release();
        }
    }

    private static ReplayDevice replay(byte[] file, ManualClock clock, boolean paced) throws IOException {
        return new ReplayDevice("replay0", MAC, 1500, CaptureReader.open(new ByteArrayInputStream(file)), clock, paced,
                PooledByteBufAllocator.DEFAULT);
    }

    @Test
    void unpacedDeliversEveryFrameInOrder() throws IOException {
        ManualClock clock = new ManualClock();
        try (ReplayDevice device = replay(Fixtures.DUMPCAP_PCAPNG, clock, false)) {
            Collector c = new Collector();
            assertEquals(3, device.receive(3, c::accept));
            assertEquals(1, device.receive(64, c::accept));
            assertEquals(0, device.receive(64, c::accept));
            assertTrue(device.isFinished());
            assertEquals(4, device.framesDelivered());
            for (int i = 0; i < 4; i++) {
                assertArrayEquals(Fixtures.frame(i), c.frames.get(i));
            }
            assertNull(device.failure());
        }
    }

    /** Three frames at t0, t0 + 10 ms and t0 + 30 ms. */
    private static byte[] spacedFile() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(out, CaptureOptions.defaults())) {
            long t0 = Fixtures.TIMES[0];
            w.write(t0, Unpooled.wrappedBuffer(Fixtures.frame(0)));
            w.write(t0 + 10_000_000, Unpooled.wrappedBuffer(Fixtures.frame(1)));
            w.write(t0 + 30_000_000, Unpooled.wrappedBuffer(Fixtures.frame(2)));
        }
        return out.toByteArray();
    }

    @Test
    void pacedReplayFollowsTheFileTimestampsOnTheClock() throws IOException {
        ManualClock clock = new ManualClock();
        long start = clock.nanos();
        try (ReplayDevice device = replay(spacedFile(), clock, true)) {
            Collector c = new Collector();
            assertEquals(start, device.nextFrameDue());
            assertEquals(1, device.receive(64, c::accept));
            assertEquals(start + 10_000_000, device.nextDeadline(clock.nanos()));

            clock.advance(9_999_999);
            assertEquals(0, device.receive(64, c::accept), "not due yet");
            int[] ready = {0};
            device.setReadyListener(() -> ready[0]++);
            device.poll(clock.nanos());
            assertEquals(0, ready[0]);

            clock.advance(1);
            device.poll(clock.nanos());
            assertEquals(1, ready[0], "the listener hears when a frame is due");
            assertEquals(1, device.receive(64, c::accept));
            assertEquals(start + 30_000_000, device.nextFrameDue());

            clock.advance(1, TimeUnit.SECONDS);
            assertEquals(1, device.receive(64, c::accept));
            assertEquals(Long.MAX_VALUE, device.nextFrameDue());
            assertTrue(device.isFinished());
            assertArrayEquals(Fixtures.frame(2), c.frames.get(2));
        }
    }

    @Test
    void framesWithoutTimestampsFollowTheirPredecessor() throws IOException {
        ManualClock clock = new ManualClock();
        try (ReplayDevice device = replay(org.sockstack.stack.testing.Hex.bytes(PcapngFileTest.BIG_ENDIAN), clock, true)) {
            Collector c = new Collector();
            assertEquals(2, device.receive(64, c::accept), "an EPB, then an SPB (no timestamp) at once");
        }
    }

    @Test
    void transmittedFramesAreCountedAndReleased() throws IOException {
        try (ReplayDevice device = replay(spacedFile(), new ManualClock(), false)) {
            ByteBuf frame = PooledByteBufAllocator.DEFAULT.buffer(42).writeBytes(Fixtures.frame(0));
            assertTrue(device.transmit(frame));
            assertEquals(0, frame.refCnt());
            assertEquals(1, device.framesTransmitted());
        }
    }

    @Test
    void otherLinkTypesAreSkipped() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CaptureOptions raw = new CaptureOptions("raw0", 101, 65535, TimestampPrecision.MICROSECONDS,
                java.nio.ByteOrder.LITTLE_ENDIAN); // LINKTYPE_RAW: bare IP packets
        try (PcapWriter w = new PcapWriter(out, raw)) {
            w.write(Fixtures.TIMES[0], Unpooled.wrappedBuffer(Arrays.copyOfRange(Fixtures.frame(2), 14, 50)));
        }
        try (ReplayDevice device = replay(out.toByteArray(), new ManualClock(), false)) {
            assertEquals(0, device.receive(64, ByteBuf::release));
            assertEquals(1, device.framesSkipped());
            assertTrue(device.isFinished());
        }
    }

    @Test
    void aDamagedFileEndsTheReplayAfterTheGoodFrames() throws IOException {
        byte[] cut = Arrays.copyOf(Fixtures.TCPDUMP_PCAP, Fixtures.TCPDUMP_PCAP.length - 5);
        try (ReplayDevice device = replay(cut, new ManualClock(), false)) {
            Collector c = new Collector();
            assertEquals(3, device.receive(64, c::accept));
            assertTrue(device.isFinished());
            assertInstanceOf(CaptureFormatException.class, device.failure());
            assertTrue(device.failure().getMessage().startsWith("truncated file"), device.failure().getMessage());
            assertEquals(0, device.receive(64, c::accept));
        }
    }

    @Test
    void opensAFileAndClosingEarlyReleasesIt(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("k.pcapng");
        Files.write(file, Fixtures.DUMPCAP_PCAPNG);
        ReplayDevice device = ReplayDevice.open(file, "replay0", MAC, 1500, new ManualClock(), false);
        Collector c = new Collector();
        assertEquals(1, device.receive(1, c::accept));
        device.close();
        assertEquals(0, device.receive(64, c::accept));
        assertFalse(c.frames.isEmpty());
        assertEquals("replay0", device.name());
    }
}
