package org.sockstack.api;

import org.sockstack.spi.provider.CompletionPort;
import org.sockstack.spi.provider.Overlapped;

/**
 * An I/O completion port handle (what CreateIoCompletionPort returns): the SPI's
 * {@link CompletionPort} queue, which the upcalls fill for the sockets associated with it, plus
 * the handle's closed state. Closing wakes every waiter (ERROR_ABANDONED_WAIT_0); later calls see
 * an invalid handle.
 */
public final class IoCompletionPort {
    /** The packet that tells waiters the port was closed; each waiter passes it on to the next. */
    private static final CompletionPort.Packet CLOSED = new CompletionPort.Packet(0, new Overlapped(), 0, 0);

    private final CompletionPort queue = new CompletionPort();
    private final int concurrentThreads;
    private volatile boolean closed;

    IoCompletionPort(int concurrentThreads) {
        this.concurrentThreads = concurrentThreads;
    }

    CompletionPort queue() {
        return queue;
    }

    /** NumberOfConcurrentThreads as given (0: one per processor); recorded, not enforced. */
    public int concurrentThreads() {
        return concurrentThreads;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Completion packets waiting to be taken. */
    public int pending() {
        return closed ? 0 : queue.pending();
    }

    void close() {
        closed = true;
        queue.post(CLOSED);
    }

    /** The next packet, null on time-out, or {@link #CLOSED} (left for the other waiters). */
    CompletionPort.Packet take(long millis) throws InterruptedException {
        CompletionPort.Packet p = queue.take(millis);
        if (p == CLOSED) {
            queue.post(CLOSED);
        }
        return p;
    }

    static boolean isClosedPacket(CompletionPort.Packet p) {
        return p == CLOSED;
    }
}
