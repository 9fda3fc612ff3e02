package org.sockstack.drivers.posix;

import org.sockstack.stack.loop.Waiter;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link Waiter} that sleeps in {@code ppoll(2)} on the devices' file descriptors plus an
 * eventfd, so the event loop wakes the moment a frame arrives, a timer is due, or another thread
 * submits work. No busy spinning, no reader threads.
 */
public final class FdPollWaiter implements Waiter {
    private static final int POLLFD_SIZE = 8;
    private final LibC libc = LibC.get();
    private final int[] fds;
    private final int eventFd;
    private final NativeBuffer pollFds;
    private final NativeBuffer scratch = new NativeBuffer(16);
    /** Holds the 64-bit value 1 that {@link #wakeup()} writes to the eventfd; never changes. */
    private final NativeBuffer one = new NativeBuffer(8);
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private volatile boolean closed;
    private int failedDevices;

    /** Watches {@code deviceFds} for input. */
    public FdPollWaiter(int... deviceFds) {
        this.fds = deviceFds.clone();
        this.eventFd = libc.eventfd(0, LibC.EFD_NONBLOCK | LibC.EFD_CLOEXEC);
        if (eventFd < 0) {
            throw new IllegalStateException("eventfd failed: " + LibC.describe(LibC.errno()));
        }
        one.buffer().order(ByteOrder.nativeOrder()).putLong(0, 1);
        this.pollFds = new NativeBuffer(POLLFD_SIZE * (fds.length + 1));
        ByteBuffer b = pollFds.buffer().order(ByteOrder.nativeOrder());
        for (int i = 0; i <= fds.length; i++) {
            b.putInt(i * POLLFD_SIZE, i < fds.length ? fds[i] : eventFd);
            b.putShort(i * POLLFD_SIZE + 4, LibC.POLLIN);
        }
    }

    @Override
    public void await(long timeoutNanos) {
        if (closed) {
            return;
        }
        ByteBuffer b = pollFds.buffer();
        for (int i = 0; i <= fds.length; i++) {
            b.putShort(i * POLLFD_SIZE + 6, (short) 0);
        }
        long spec = 0;
        if (timeoutNanos >= 0) {
            ByteBuffer ts = scratch.buffer().order(ByteOrder.nativeOrder());
            ts.putLong(0, timeoutNanos / 1_000_000_000L);
            ts.putLong(8, timeoutNanos % 1_000_000_000L);
            spec = scratch.address();
        }
        int n = libc.ppoll(pollFds.address(), fds.length + 1, spec, 0);
        if (n > 0) {
            if ((b.getShort(fds.length * POLLFD_SIZE + 6) & LibC.POLLIN) != 0) {
                drainEventFd();
            }
            for (int i = 0; i < fds.length; i++) {
                short revents = b.getShort(i * POLLFD_SIZE + 6);
                if ((revents & (LibC.POLLERR | LibC.POLLHUP | LibC.POLLNVAL)) != 0) {
                    // The device went away (interface deleted, descriptor closed): stop watching
                    // it, or ppoll would return at once forever and the loop would spin.
                    b.putInt(i * POLLFD_SIZE, -1);
                    failedDevices++;
                }
            }
        }
        wakeupPending.set(false);
    }

    /** Devices no longer watched because their descriptor reported an error or hang-up. */
    public int failedDevices() {
        return failedDevices;
    }

    private void drainEventFd() {
        libc.read(eventFd, scratch.address(), 8);
    }

    @Override
    public void wakeup() {
        if (wakeupPending.compareAndSet(false, true)) {
            synchronized (this) {
                // Under the lock so close() cannot free the descriptor number in between.
                if (!closed) {
                    libc.write(eventFd, one.address(), 8);
                }
            }
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            libc.close(eventFd);
        }
    }
}
