package org.sockstack.drivers.tap;

import io.netty.buffer.ByteBuf;

import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A thread that makes the TAP device's {@code write(2)} calls, so that the event loop can go on
 * producing frames while the kernel digests the previous ones.
 *
 * <p>Why: a write to a TAP device runs the kernel's whole receive path for that frame in the
 * writer's system call (tun_get_user, then netif_receive_skb: IP, TCP, the waking of the reading
 * socket). Profiles of the stack sending bulk TCP to the kernel show that call taking about half
 * of the event loop's time, one call per 1500-octet frame. With this thread the loop and the
 * kernel's receive path run on two cores at once.
 *
 * <p>Latency is not given away for it: the loop writes short batches itself (a request-response
 * exchange or a handshake never waits for this thread, nor wakes it), and the first frame of every
 * batch when nothing is queued. Only the further frames of long batches are handed over.
 *
 * <p>The hand-over is a single-producer single-consumer ring (the loop produces, this thread
 * consumes), so it takes no lock. {@link #pending} counts frames handed over and not yet written;
 * the loop may write directly only when it is zero, which keeps the frames in order. A full ring
 * drops the frame, as a NIC whose transmit ring is full does.
 */
final class TransmitThread {
    /** Writes one frame (and releases it); true if the kernel took it. */
    interface FrameWriter {
        boolean write(ByteBuf frame, int segmentSize);
    }

    /**
     * Spins before parking, in {@link Thread#onSpinWait()} rounds: a few microseconds. Enough to
     * catch the next batch of a bulk send without an unpark; short, because on a small machine a
     * spinning thread takes the core that the peer or the event loop needs.
     */
    private static final int SPINS_BEFORE_PARK = 200;

    private final FrameWriter writer;
    private final ByteBuf[] frames;
    private final int[] segmentSizes;
    private final int mask;
    /** Next slot the loop fills (written by the loop only). */
    private final AtomicLong tail = new AtomicLong();
    /** Next slot this thread empties (written by this thread only). */
    private final AtomicLong head = new AtomicLong();
    private final AtomicInteger pending = new AtomicInteger();
    private final Thread thread;
    private volatile boolean parked;
    /** The loop submitted frames since it last woke the thread (loop thread only). */
    private boolean submittedSinceWake;
    private volatile boolean running = true;
    private long dropped;
    private volatile long written;

    TransmitThread(String name, int capacity, FrameWriter writer) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
        }
        this.writer = writer;
        this.frames = new ByteBuf[capacity];
        this.segmentSizes = new int[capacity];
        this.mask = capacity - 1;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** True unless the thread sleeps: it is writing, or spinning for the next batch. */
    boolean awake() {
        return !parked;
    }

    /** True when every frame handed over has been written: the caller may write directly. */
    boolean idle() {
        return pending.get() == 0;
    }

    /**
     * Hands a frame over (loop thread only). The thread is not woken here but by {@link #wake},
     * once per batch.
     *
     * @return false if the ring was full and the frame was dropped (and released)
     */
    boolean submit(ByteBuf frame, int segmentSize) {
        long t = tail.get();
        if (t - head.get() > mask) {
            dropped++;
            frame.release();
            return false;
        }
        int slot = (int) t & mask;
        frames[slot] = frame;
        segmentSizes[slot] = segmentSize;
        pending.incrementAndGet();
        tail.lazySet(t + 1);   // publishes the slot
        submittedSinceWake = true;
        if (parked || t - head.get() >= mask / 2) {
            wake();            // a long batch: start writing now rather than at the flush
        }
        return true;
    }

    /** Wakes the thread if frames were submitted and it sleeps (loop thread, at the end of a batch). */
    void wake() {
        if (!submittedSinceWake) {
            return;   // nothing new: an unpark would only set the thread spinning for nothing
        }
        submittedSinceWake = false;
        VarHandle.fullFence();   // orders the slot publication before reading the flag (Dekker)
        if (parked) {
            LockSupport.unpark(thread);
        }
    }

    /** Frames this thread has written (or tried to: the device counts errors). */
    long written() {
        return written;
    }

    /** Frames dropped because the ring was full. */
    long dropped() {
        return dropped;
    }

    private void run() {
        int idleSpins = 0;
        while (running) {
            long h = head.get();
            if (h == tail.get()) {
                if (++idleSpins < SPINS_BEFORE_PARK) {
                    Thread.onSpinWait();
                } else {
                    parkUntilWork(h);
                    idleSpins = 0;
                }
                continue;
            }
            idleSpins = 0;
            int slot = (int) h & mask;
            ByteBuf frame = frames[slot];
            frames[slot] = null;
            int segmentSize = segmentSizes[slot];
            head.lazySet(h + 1);
            writer.write(frame, segmentSize);
            written++;   // this thread is the only writer of the field
            pending.decrementAndGet();   // after the write: the loop may now write directly
        }
        releaseQueued();
    }

    private void parkUntilWork(long h) {
        parked = true;
        // Check again after announcing the park: a frame submitted before the flag was seen
        // would otherwise wait for the next wake.
        if (h == tail.get() && running) {
            LockSupport.parkNanos(this, 100_000_000L);
        }
        parked = false;
    }

    private void releaseQueued() {
        for (long h = head.get(); h != tail.get(); h++) {
            int slot = (int) h & mask;
            ByteBuf frame = frames[slot];
            frames[slot] = null;
            if (frame != null) {
                frame.release();
            }
            pending.decrementAndGet();
        }
        head.set(tail.get());
    }

    /** Stops the thread after the frame it is writing; queued frames are released unsent. */
    void stop() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
