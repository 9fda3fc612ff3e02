package org.sockstack.drivers.tap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sockstack.drivers.posix.FdPollWaiter;
import org.sockstack.stack.wire.MacAddress;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The TAP driver over a socket pair ({@link TapDevice#socketPair}), which needs no root: each
 * frame written on one end is read whole, and alone, on the other; an empty device reads nothing;
 * ppoll on the descriptor wakes when a frame comes; frames handed to the transmit thread arrive
 * in order.
 */
class TapSocketPairTest {
    private final TapDevice.Pair pair = TapDevice.socketPair("sp0", MacAddress.parse("02:00:00:00:88:01"),
            "sp1", MacAddress.parse("02:00:00:00:88:02"), 1500, PooledByteBufAllocator.DEFAULT);
    private final List<byte[]> received = new ArrayList<>();

    @AfterEach
    void close() {
        pair.a().close();
        pair.b().close();
    }

    @Test
    void eachFrameArrivesWholeAndAlone() {
        byte[] small = frame(60, 1);
        byte[] large = frame(1514, 2);
        assertTrue(pair.a().transmit(Unpooled.wrappedBuffer(small)));
        assertTrue(pair.a().transmit(Unpooled.wrappedBuffer(large)));
        pair.a().flush();

        assertEquals(2, pair.b().receive(64, this::keep));
        assertArrayEquals(small, received.get(0));
        assertArrayEquals(large, received.get(1));
        assertEquals(0, pair.b().receive(64, this::keep), "drained: the next read finds nothing");
        assertEquals(2, pair.a().txFrames());
        assertEquals(2, pair.b().rxFrames());
    }

    @Test
    void framesGoBothWays() {
        pair.b().transmit(Unpooled.wrappedBuffer(frame(100, 3)));
        pair.b().flush();
        assertEquals(1, pair.a().receive(64, this::keep));
        assertArrayEquals(frame(100, 3), received.get(0));
    }

    @Test
    void pollWakesWhenAFrameComes() throws Exception {
        FdPollWaiter waiter = new FdPollWaiter(pair.b().fd());
        try {
            Thread writer = new Thread(() -> {
                pair.a().transmit(Unpooled.wrappedBuffer(frame(60, 4)));
                pair.a().flush();
            });
            writer.start();
            long start = System.nanoTime();
            // Returns at the frame (or at once if it is already there), long before the timeout.
            waiter.await(TimeUnit.SECONDS.toNanos(30));
            writer.join();
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(30));
            assertEquals(1, pair.b().receive(64, this::keep));
        } finally {
            waiter.close();
        }
    }

    @Test
    void framesHandedToTheTransmitThreadArriveInOrder() {
        pair.a().startTransmitThread();
        int count = 300;
        for (int i = 0; i < count; i++) {
            pair.a().transmit(Unpooled.wrappedBuffer(frame(1514, i)));
        }
        pair.a().flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!pair.a().transmitIdle() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertTrue(pair.a().transmitIdle(), "the transmit thread wrote everything");
        while (pair.b().receive(64, this::keep) > 0) {
            // drain
        }
        long lost = pair.a().txErrors() + pair.a().txRingDrops();
        assertEquals(count, received.size() + lost, "every frame arrived or was counted as lost");
        assertTrue(pair.a().txByThread() > 0, "a batch this long is written by the thread");
        assertFalse(received.isEmpty());
        for (int i = 1; i < received.size(); i++) {
            assertTrue(sequence(received.get(i)) > sequence(received.get(i - 1)), "in order");
        }
    }

    private void keep(ByteBuf frame) {
        byte[] b = new byte[frame.readableBytes()];
        frame.readBytes(b);
        frame.release();
        received.add(b);
    }

    /** A frame carrying {@code tag} as a 16-bit number after the Ethernet header, then a pattern. */
    private static byte[] frame(int length, int tag) {
        byte[] b = new byte[length];
        b[14] = (byte) (tag >> 8);
        b[15] = (byte) tag;
        for (int i = 16; i < length; i++) {
            b[i] = (byte) (tag + i);
        }
        return b;
    }

    private static int sequence(byte[] frame) {
        return (Byte.toUnsignedInt(frame[14]) << 8) | Byte.toUnsignedInt(frame[15]);
    }
}
