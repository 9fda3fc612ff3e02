package org.sockstack.spi.provider;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Asynchronous procedure calls queued to a thread (WPUQueueApc): completion routines run on the
 * issuing thread, only while it waits alertably ({@link #alertableWait}), one at a time.
 */
public final class ApcQueue {
    private static final Map<Thread, ApcQueue> QUEUES = new ConcurrentHashMap<>();
    /** The map's size after the last pruning: the next pruning waits until it has doubled. */
    private static final AtomicInteger PRUNED_SIZE = new AtomicInteger(16);
    private final LinkedBlockingQueue<Runnable> calls = new LinkedBlockingQueue<>();
    /** Run after every queued call: an alertable wait on events watches its thread's queue too. */
    private final List<Runnable> watchers = new CopyOnWriteArrayList<>();

    private ApcQueue() {
    }

    public static ApcQueue of(Thread thread) {
        ApcQueue q = QUEUES.get(thread);
        if (q == null) {
            q = QUEUES.computeIfAbsent(thread, t -> new ApcQueue());
            pruneEndedThreads();
        }
        return q;
    }

    /**
     * Forgets the queues of threads that have ended: their calls can never run (Windows discards
     * a thread's APCs when it exits). Runs when the map has doubled since the last pruning, so
     * threads that never call {@link #release} cost amortised constant time and bounded memory.
     */
    private static void pruneEndedThreads() {
        int size = QUEUES.size();
        int last = PRUNED_SIZE.get();
        if (size >= 2 * last && PRUNED_SIZE.compareAndSet(last, Math.max(16, size))) {
            QUEUES.keySet().removeIf(t -> !t.isAlive());
            PRUNED_SIZE.set(Math.max(16, QUEUES.size()));
        }
    }

    /** Threads with a queue (for tests). */
    static int threadsWithQueues() {
        return QUEUES.size();
    }

    public void queue(Runnable apc) {
        calls.add(apc);
        for (Runnable w : watchers) {
            w.run();
        }
    }

    /** Runs {@code watcher} (which must not block) after each {@link #queue} until removed. */
    public void addWatcher(Runnable watcher) {
        watchers.add(watcher);
    }

    public void removeWatcher(Runnable watcher) {
        watchers.remove(watcher);
    }

    public int pending() {
        return calls.size();
    }

    /**
     * SleepEx(millis, TRUE) for the current thread: returns as soon as at least one APC ran (the
     * count; WAIT_IO_COMPLETION), or 0 after {@code millis} (&lt; 0: forever).
     */
    public static int alertableWait(long millis) throws InterruptedException {
        ApcQueue q = of(Thread.currentThread());
        Runnable first = millis < 0 ? q.calls.take() : q.calls.poll(millis, TimeUnit.MILLISECONDS);
        if (first == null) {
            return 0;
        }
        int n = 1;
        first.run();
        Runnable next;
        while ((next = q.calls.poll()) != null) {
            next.run();
            n++;
        }
        return n;
    }

    /** Forgets the current thread's queue (when a thread ends). */
    public static void release() {
        QUEUES.remove(Thread.currentThread());
    }
}
