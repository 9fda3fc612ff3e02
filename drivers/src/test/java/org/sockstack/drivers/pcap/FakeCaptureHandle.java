package org.sockstack.drivers.pcap;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A capture without libpcap: {@link #deliver} hands frames to the device's reader thread the way
 * {@code pcap_loop} would, and {@link #send} records what the device sent.
 */
final class FakeCaptureHandle implements CaptureHandle {
    private static final byte[] STOP = new byte[0];
    private final boolean directionSupported;
    private final BlockingQueue<byte[]> toDeliver = new LinkedBlockingQueue<>();
    private final Object processedLock = new Object();
    private int processed;
    final List<byte[]> sent = new CopyOnWriteArrayList<>();
    volatile PcapException sendFailure;
    volatile PcapException loopFailure;
    volatile boolean closed;
    private volatile Thread loopThread;
    private final CountDownLatch loopStarted = new CountDownLatch(1);

    FakeCaptureHandle(boolean directionSupported) {
        this.directionSupported = directionSupported;
    }

    /** Queues frames for the reader thread. */
    void deliver(byte[]... frames) {
        for (byte[] f : frames) {
            toDeliver.add(f.clone());
        }
    }

    /** Waits until the reader thread has handled {@code n} frames in total. */
    void awaitProcessed(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        synchronized (processedLock) {
            while (processed < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("reader handled " + processed + " of " + n + " frames");
                }
                processedLock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    /** The device's reader thread, once it has entered {@link #loop}. */
    Thread loopThread() throws InterruptedException {
        if (!loopStarted.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the reader thread never entered the capture loop");
        }
        return loopThread;
    }

    @Override
    public boolean captureInboundOnly() {
        return directionSupported;
    }

    @Override
    public void loop(Consumer<byte[]> frames) {
        loopThread = Thread.currentThread();
        loopStarted.countDown();
        try {
            while (true) {
                byte[] f = toDeliver.take();
                if (f == STOP) {
                    return;
                }
                if (loopFailure != null) {
                    throw loopFailure;
                }
                frames.accept(f);
                synchronized (processedLock) {
                    processed++;
                    processedLock.notifyAll();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void breakLoop() {
        toDeliver.add(STOP);
    }

    @Override
    public void send(byte[] frame, int length) {
        if (sendFailure != null) {
            throw sendFailure;
        }
        sent.add(Arrays.copyOf(frame, length));
    }

    @Override
    public void close() {
        closed = true;
    }
}
