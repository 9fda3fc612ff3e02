package org.sockstack.api;

import org.sockstack.spi.provider.CompletionPort;
import org.sockstack.spi.provider.Overlapped;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An I/O completion port handle (what CreateIoCompletionPort returns): the SPI's
 * {@link CompletionPort} queue, which the upcalls fill for the sockets associated with it, plus
 * the handle's closed state. Closing wakes every waiter (ERROR_ABANDONED_WAIT_0); later calls see
 * an invalid handle.
 *
 * <p>NumberOfConcurrentThreads (0: the number of processors) is enforced as far as Java can see
 * it: a thread that took a packet counts as running on the port until it waits on the port again
 * (or ends: a dead thread frees its place); while as many threads run as the limit allows, no
 * further waiter is released even with packets queued (Windows' rule). Here a thread also holds
 * its place while it waits at the queue, so at most the limit of threads are running or about to
 * take a packet; the outcome is the same. What Java cannot see: Windows lets another waiter run
 * when a running thread blocks elsewhere (in I/O, a wait or a sleep), and counts it again when it
 * wakes; here a running thread that blocks keeps its place.
 */
public final class IoCompletionPort {
    /** The packet that tells waiters the port was closed; each waiter passes it on to the next. */
    private static final CompletionPort.Packet CLOSED = new CompletionPort.Packet(0, new Overlapped(), 0, 0);

    private final CompletionPort queue = new CompletionPort();
    private final int concurrentThreads;
    private volatile boolean closed;
    /** The concurrency limit actually applied (0 asked: the number of processors). */
    private final int limit;
    private final ReentrantLock gate = new ReentrantLock();
    private final Condition placeFreed = gate.newCondition();
    /** Threads running on the port (took a packet, not yet back) or waiting at its queue. */
    private final Set<Thread> running = new HashSet<>();
    /** How often a thread waiting for a place looks for ended threads (they free theirs silently). */
    private static final long DEAD_THREAD_POLL_MS = 20;

    IoCompletionPort(int concurrentThreads) {
        this.concurrentThreads = concurrentThreads;
        this.limit = concurrentThreads > 0 ? concurrentThreads : Runtime.getRuntime().availableProcessors();
    }

    CompletionPort queue() {
        return queue;
    }

    /** NumberOfConcurrentThreads as given (0: one per processor); enforced as the class comment says. */
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

    /** Threads counted as running on the port (for tests and diagnostics). */
    public int runningThreads() {
        gate.lock();
        try {
            running.removeIf(t -> !t.isAlive());
            return running.size();
        } finally {
            gate.unlock();
        }
    }

    void close() {
        closed = true;
        queue.post(CLOSED);
        gate.lock();
        try {
            placeFreed.signalAll();
        } finally {
            gate.unlock();
        }
    }

    /**
     * The next packet, null on time-out ({@code millis} &lt; 0: none), or {@link #CLOSED} (left
     * for the other waiters). The calling thread stops counting as running; it waits for a place
     * under the concurrency limit, then for a packet, and counts as running once it has one.
     */
    CompletionPort.Packet take(long millis) throws InterruptedException {
        Thread me = Thread.currentThread();
        long deadline = millis < 0 ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        gate.lock();
        try {
            running.remove(me);
            placeFreed.signalAll();
            while (true) {
                running.removeIf(t -> !t.isAlive());
                if (closed) {
                    return CLOSED;
                }
                if (running.size() < limit) {
                    break;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                placeFreed.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(DEAD_THREAD_POLL_MS)),
                        TimeUnit.NANOSECONDS);
            }
            running.add(me);
        } finally {
            gate.unlock();
        }
        CompletionPort.Packet p = null;
        try {
            long left = millis < 0 ? -1 : Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            p = queue.take(left);
        } finally {
            if (p == null || p == CLOSED) {
                leave(me);
            }
        }
        if (p == CLOSED) {
            queue.post(CLOSED);
        }
        return p;
    }

    /** More packets for a thread that already holds its place (GetQueuedCompletionStatusEx): null if none. */
    CompletionPort.Packet takeMore() {
        CompletionPort.Packet p;
        try {
            p = queue.take(0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        if (p == CLOSED) {
            queue.post(CLOSED);
        }
        return p;
    }

    private void leave(Thread t) {
        gate.lock();
        try {
            running.remove(t);
            placeFreed.signalAll();
        } finally {
            gate.unlock();
        }
    }

    static boolean isClosedPacket(CompletionPort.Packet p) {
        return p == CLOSED;
    }
}
