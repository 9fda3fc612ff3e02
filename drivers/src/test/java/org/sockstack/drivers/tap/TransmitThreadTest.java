package org.sockstack.drivers.tap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hand-over ring between the event loop and the TAP transmit thread. */
class TransmitThreadTest {

    /** A writer that records frame numbers and segment sizes, and can hold the thread in a write. */
    static final class RecordingWriter implements TransmitThread.FrameWriter {
        final List<Integer> numbers = new ArrayList<>();
        final List<Integer> segmentSizes = new ArrayList<>();
        final CountDownLatch firstWriteStarted = new CountDownLatch(1);
        final CountDownLatch holdWrites;
        final CountDownLatch done;

        RecordingWriter(int expected, boolean hold) {
            this.done = new CountDownLatch(expected);
            this.holdWrites = new CountDownLatch(hold ? 1 : 0);
        }

        @Override
        public boolean write(ByteBuf frame, int segmentSize) {
            firstWriteStarted.countDown();
            try {
                holdWrites.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (this) {
                numbers.add(frame.getInt(0));
                segmentSizes.add(segmentSize);
            }
            frame.release();
            done.countDown();
            return true;
        }
    }

    private static ByteBuf frame(int number) {
        return Unpooled.buffer(4).writeInt(number);
    }

    @Test
    void writesEveryFrameInOrderAndReleasesIt() throws Exception {
        int n = 20_000;
        RecordingWriter w = new RecordingWriter(n, false);
        TransmitThread t = new TransmitThread("tx-test", 1024, w);
        try {
            List<ByteBuf> sent = new ArrayList<>();
            int accepted = 0;
            for (int i = 0; i < n; i++) {
                ByteBuf f = frame(i);
                sent.add(f);
                // The ring holds 1024: wait for room (the test plays a loop that never overruns it).
                while (accepted - (n - w.done.getCount()) >= 1024) {
                    t.wake();
                    Thread.onSpinWait();
                }
                if (t.submit(f, i % 7)) {
                    accepted++;
                }
                if (i % 100 == 99) {
                    t.wake();   // the end of a batch
                }
            }
            t.wake();
            assertTrue(w.done.await(10, TimeUnit.SECONDS), "not all frames written");
            synchronized (w) {
                assertEquals(n, accepted);
                assertEquals(0, t.dropped());
                for (int i = 1; i < w.numbers.size(); i++) {
                    assertTrue(w.numbers.get(i) > w.numbers.get(i - 1), "out of order at " + i);
                }
                for (int i = 0; i < w.numbers.size(); i++) {
                    assertEquals(w.numbers.get(i) % 7, w.segmentSizes.get(i));
                }
                assertEquals(accepted, w.numbers.size());
            }
            assertTrue(t.idle());
            assertEquals(accepted, t.written());
            for (ByteBuf f : sent) {
                assertEquals(0, f.refCnt(), "a frame was not released");
            }
        } finally {
            t.stop();
        }
    }

    @Test
    void fullRingDropsAndReleasesTheFrame() throws Exception {
        RecordingWriter w = new RecordingWriter(1 + 8, true);
        TransmitThread t = new TransmitThread("tx-test", 8, w);
        try {
            assertTrue(t.submit(frame(0), 0));
            t.wake();
            assertTrue(w.firstWriteStarted.await(10, TimeUnit.SECONDS));
            // Frame 0 is being written (held); the ring's 8 slots are free again.
            for (int i = 1; i <= 8; i++) {
                assertTrue(t.submit(frame(i), 0), "slot " + i);
            }
            assertFalse(t.idle());
            ByteBuf extra = frame(9);
            assertFalse(t.submit(extra, 0));
            assertEquals(0, extra.refCnt());
            assertEquals(1, t.dropped());
            w.holdWrites.countDown();
            t.wake();
            assertTrue(w.done.await(10, TimeUnit.SECONDS));
            synchronized (w) {
                assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8), w.numbers);
            }
        } finally {
            t.stop();
        }
    }

    @Test
    void stopReleasesFramesStillQueued() throws Exception {
        RecordingWriter w = new RecordingWriter(1, true);
        TransmitThread t = new TransmitThread("tx-test", 16, w);
        List<ByteBuf> sent = new ArrayList<>();
        sent.add(frame(0));
        t.submit(sent.get(0), 0);
        t.wake();
        assertTrue(w.firstWriteStarted.await(10, TimeUnit.SECONDS));
        for (int i = 1; i < 10; i++) {
            sent.add(frame(i));
            t.submit(sent.get(i), 0);
        }
        Thread stopper = new Thread(t::stop);
        stopper.start();
        w.holdWrites.countDown();
        stopper.join(10_000);
        for (int i = 0; i < sent.size(); i++) {
            assertEquals(0, sent.get(i).refCnt(), "frame " + i + " leaked");
        }
        assertTrue(t.idle());
    }

    @Test
    void capacityMustBeAPowerOfTwo() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new TransmitThread("tx-test", 100, (f, s) -> true));
    }
}
