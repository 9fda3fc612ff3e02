package org.sockstack.spi.provider;

import org.sockstack.spi.wsa.WsaError;

/**
 * WSAOVERLAPPED: one overlapped operation's status. {@code internal} holds WSA_IO_PENDING until the
 * operation completes, then its error (0 for success); {@code internalHigh} the bytes
 * transferred. {@code event}, if set, is signalled at completion. The provider completes it
 * through {@link Upcalls#completeOverlappedRequest}.
 */
public final class Overlapped {
    public final WsaEvent event;
    private int internal = WsaError.WSA_IO_PENDING;
    private int internalHigh;
    private int flags;
    /** The completion key of the completion port the operation was posted to (set when posted). */
    volatile long completionKey;

    public Overlapped() {
        this(null);
    }

    public Overlapped(WsaEvent event) {
        this.event = event;
    }

    /** Marks the operation outstanding again (reuse of an OVERLAPPED for the next operation). */
    public synchronized void reset() {
        internal = WsaError.WSA_IO_PENDING;
        internalHigh = 0;
        flags = 0;
        if (event != null) {
            event.reset();
        }
    }

    public synchronized boolean isComplete() {
        return internal != WsaError.WSA_IO_PENDING;
    }

    /** WSA_IO_PENDING while outstanding, then 0 or the operation's WSA error. */
    public synchronized int status() {
        return internal;
    }

    public synchronized int bytesTransferred() {
        return internalHigh;
    }

    public synchronized int flags() {
        return flags;
    }

    /** Records the result and wakes waiters (WPUCompleteOverlappedRequest does it; then the event). */
    public synchronized void complete(int error, int bytes, int resultFlags) {
        internal = error;
        internalHigh = bytes;
        flags = resultFlags;
        notifyAll();
    }

    /** Waits for completion; false on time-out ({@code millis} &lt; 0: forever). */
    public synchronized boolean await(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (internal == WsaError.WSA_IO_PENDING) {
            if (millis < 0) {
                wait();
            } else {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return false;
                }
                wait(left);
            }
        }
        return true;
    }

    @Override
    public synchronized String toString() {
        return "Overlapped[" + WsaError.name(internal) + " bytes=" + internalHigh + "]";
    }
}
