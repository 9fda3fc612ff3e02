package org.sockstack.drivers.capture;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.device.ChannelDevice;
import org.sockstack.stack.loop.ManualClock;
import org.sockstack.stack.wire.MacAddress;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CaptureDeviceTest {
    private static final MacAddress MAC = MacAddress.parse("02:00:00:5c:00:02");
    /** 2026-11-24T07:01:37.426339173Z, the time of the kernel fixtures. */
    private static final long WALL_BASE = Fixtures.TIMES[0];

    private static ByteBuf pooled(byte[] bytes) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length);
        return b.writeBytes(bytes);
    }

    @Test
    void recordsBothDirectionsWithClockTimestampsAndPassesFramesThrough() throws IOException {
        for (CaptureFormat format : CaptureFormat.values()) {
            ManualClock clock = new ManualClock();
            ChannelDevice channel = new ChannelDevice("ch0", MAC, 1500);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            CaptureDevice device = new CaptureDevice(channel,
                    CaptureWriter.create(out, format, CaptureOptions.defaults()), clock, WALL_BASE);

            clock.advance(1_500, TimeUnit.MICROSECONDS);
            ByteBuf injected = pooled(Fixtures.frame(0));
            channel.inject(injected);
            List<ByteBuf> received = new ArrayList<>();
            assertEquals(1, device.receive(64, received::add));
            assertSame(injected, received.get(0), "the received frame passes through unchanged");
            assertEquals(1, injected.refCnt());
            assertEquals(42, injected.readableBytes());
            received.get(0).release();

            clock.advance(7, TimeUnit.MILLISECONDS);
            clock.advance(3); // nanoseconds
            ByteBuf reply = pooled(Fixtures.frame(1));
            assertTrue(device.transmit(reply));
            ByteBuf sent = channel.takeSent();
            assertSame(reply, sent, "the transmitted frame reaches the inner device unchanged");
            assertEquals(1, sent.refCnt());
            sent.release();

            assertEquals(2, device.framesCaptured());
            device.close();
            assertFalse(device.isCapturing());
            assertNull(device.failure());

            List<CapturedFrame> frames = PcapFileTest.readAll(CaptureReader.open(new ByteArrayInputStream(out.toByteArray())));
            assertEquals(2, frames.size(), format.toString());
            assertArrayEquals(Fixtures.frame(0), frames.get(0).data());
            assertArrayEquals(Fixtures.frame(1), frames.get(1).data());
            assertEquals(WALL_BASE + 1_500_000, frames.get(0).timestampNanos());
            assertEquals(WALL_BASE + 8_500_003, frames.get(1).timestampNanos());
            if (format == CaptureFormat.PCAPNG) {
                assertEquals(FrameDirection.INBOUND, frames.get(0).direction());
                assertEquals(FrameDirection.OUTBOUND, frames.get(1).direction());
            }
        }
    }

    @Test
    void sameVirtualTimeGivesTheSameFile() throws IOException {
        assertArrayEquals(simulatedCapture(), simulatedCapture());
    }

    private static byte[] simulatedCapture() throws IOException {
        ManualClock clock = new ManualClock(123_456_789L);
        ChannelDevice channel = new ChannelDevice("ch0", MAC, 1500);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CaptureDevice device = new CaptureDevice(channel, new PcapngWriter(out, CaptureOptions.defaults()),
                clock, WALL_BASE)) {
            for (int i = 0; i < 4; i++) {
                clock.advance(i * 1_000_003L);
                channel.inject(pooled(Fixtures.frame(i)));
                device.receive(8, ByteBuf::release);
                device.transmit(pooled(Fixtures.frame(3 - i)));
                channel.takeSent().release();
            }
        }
        return out.toByteArray();
    }

    /** A stream that fails from its {@code n}th write on. */
    private static final class FailingStream extends OutputStream {
        private int writesLeft;
        boolean closed;

        FailingStream(int writesLeft) {
            this.writesLeft = writesLeft;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (writesLeft-- <= 0) {
                throw new IOException("No space left on device");
            }
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void aFailingWriteStopsTheCaptureButNotTheTraffic() throws IOException {
        ManualClock clock = new ManualClock();
        ChannelDevice channel = new ChannelDevice("ch0", MAC, 1500);
        FailingStream stream = new FailingStream(1 + 2); // the file header, then one record (header + data)
        CaptureDevice device = new CaptureDevice(channel, new PcapWriter(stream, CaptureOptions.defaults()), clock,
                WALL_BASE);

        assertTrue(device.transmit(pooled(Fixtures.frame(0))));
        assertEquals(1, device.framesCaptured());
        assertTrue(device.transmit(pooled(Fixtures.frame(1))), "the frame still goes out");
        assertEquals(1, device.captureErrors());
        assertFalse(device.isCapturing());
        assertEquals("No space left on device", device.failure().getMessage());
        assertTrue(stream.closed, "the writer is closed when the capture stops");

        channel.inject(pooled(Fixtures.frame(2)));
        assertEquals(1, device.receive(8, ByteBuf::release), "frames keep flowing, uncaptured");
        assertTrue(device.transmit(pooled(Fixtures.frame(3))));
        assertEquals(1, device.framesCaptured());
        assertEquals(1, device.captureErrors());
        assertEquals(3, channel.sentCount());
        device.close(); // releases the frames still queued in the channel
    }

    @Test
    void stopCaptureClosesTheFileAndKeepsForwarding() throws IOException {
        ManualClock clock = new ManualClock();
        ChannelDevice channel = new ChannelDevice("ch0", MAC, 1500);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CaptureDevice device = new CaptureDevice(channel, new PcapWriter(out, CaptureOptions.defaults()), clock,
                WALL_BASE);
        device.transmit(pooled(Fixtures.frame(0)));
        device.stopCapture();
        device.transmit(pooled(Fixtures.frame(1)));
        assertEquals(2, channel.sentCount());
        assertEquals(1, PcapFileTest.readPcap(out.toByteArray()).size());
        assertNull(device.failure());
        assertEquals("ch0", device.name());
        assertEquals(MAC, device.macAddress());
        assertEquals(1500, device.mtu());
        device.close();
        assertFalse(channel.transmit(pooled(Fixtures.frame(2))), "closing closes the inner device");
    }

    @Test
    void wallClockBaseFollowsTheClock() {
        ManualClock clock = new ManualClock(5_000);
        CaptureDevice device;
        try {
            device = CaptureDevice.startingNow(new ChannelDevice("ch0", MAC, 1500),
                    new PcapWriter(OutputStream.nullOutputStream(), CaptureOptions.defaults()), clock);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        long nowNanos = System.currentTimeMillis() * 1_000_000L;
        long base = device.wallTime(5_000);
        assertTrue(Math.abs(base - nowNanos) < TimeUnit.SECONDS.toNanos(5), "base near the current time");
        assertEquals(base + 1_000, device.wallTime(6_000));
        device.close();
    }
}
