package org.sockstack.stack.loop;

import io.netty.util.concurrent.FastThreadLocalThread;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The single thread that owns all protocol state of a stack (DESIGN rule 4).
 *
 * <p>One iteration: run the tasks other threads submitted, poll every registered {@link Pollable}
 * (devices are read in batches there), fire expired timers, and repeat while anything happened;
 * then sleep through the {@link Waiter} exactly until the next deadline or a wake-up.
 *
 * <p>Two ways to drive it: {@link #start()} runs the loop on its own thread with the real clock;
 * {@link #runUntilIdle()} runs it on the caller's thread at the clock's current time, which is how
 * tests and the simulator advance virtual time deterministically.
 */
public final class EventLoop implements Executor, AutoCloseable {
    /** Default timer resolution: 1 ms is below every protocol timer the RFCs define. */
    public static final long DEFAULT_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int MAX_TASKS_PER_ITERATION = 1024;

    private final String name;
    private final Clock clock;
    private final Waiter waiter;
    private final TimerWheel timers;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final List<Pollable> pollables = new ArrayList<>();

    private volatile Thread owner;
    private volatile boolean running;
    /** Set before the final drain of the task queue: from then on submissions are refused. */
    private volatile boolean stopped;
    private Thread thread;
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    /** Busy polling: how long the loop keeps polling after its last pass that did work. */
    private volatile long busyPollNanos;

    public EventLoop(String name, Clock clock) {
        this(name, clock, new ParkingWaiter());
    }

    public EventLoop(String name, Clock clock, Waiter waiter) {
        this.name = Objects.requireNonNull(name);
        this.clock = Objects.requireNonNull(clock);
        this.waiter = Objects.requireNonNull(waiter);
        this.timers = new TimerWheel(clock.nanos(), DEFAULT_TICK_NANOS);
    }

    public String name() {
        return name;
    }

    /**
     * Busy polling, as Linux's {@code net.core.busy_poll} does for sockets: after a pass that did
     * work, the loop keeps polling its devices for {@code nanos} before it sleeps in its
     * {@link Waiter}. A frame that comes within that window is taken without the thread being
     * woken, which on a virtual machine whose idle vCPUs halt is most of a request-response
     * round trip. It costs a core while traffic flows (none when idle). 0, the default, turns it
     * off. Any thread.
     */
    public void setBusyPoll(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("busy poll time must not be negative");
        }
        this.busyPollNanos = nanos;
    }

    /** True while the loop should go on polling rather than sleep (see {@link #setBusyPoll}). */
    boolean busyPolling(long now, long lastWork) {
        return now - lastWork < busyPollNanos;
    }

    public Clock clock() {
        return clock;
    }

    public TimerWheel timers() {
        return timers;
    }

    public Waiter waiter() {
        return waiter;
    }

    /** True on the thread that currently owns the loop's state. */
    public boolean inEventLoop() {
        Thread t = owner;
        return t == null || t == Thread.currentThread();
    }

    /** Adds a component polled on every iteration. Event loop thread only (or before start). */
    public void register(Pollable pollable) {
        assert inEventLoop();
        pollables.add(Objects.requireNonNull(pollable));
    }

    public void unregister(Pollable pollable) {
        assert inEventLoop();
        pollables.remove(pollable);
    }

    /** Submits work from any thread; the loop runs it in submission order. */
    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task);
        if (stopped) {
            throw new RejectedExecutionException("event loop " + name + " has stopped");
        }
        tasks.add(task);
        if (stopped && tasks.remove(task)) {
            // The loop stopped between the check and the add, and its final drain missed the
            // task: refuse it rather than leave a caller waiting forever.
            throw new RejectedExecutionException("event loop " + name + " has stopped");
        }
        waiter.wakeup();
    }

    /** Runs {@code call} on the loop and returns its result as a future. */
    public <T> CompletableFuture<T> submit(Supplier<T> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        execute(() -> {
            try {
                result.complete(call.get());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** True once {@link #start()} has been called. */
    public synchronized boolean isStarted() {
        return thread != null;
    }

    /**
     * Starts the loop on a new platform thread: a Netty {@link FastThreadLocalThread}, the only
     * kind on which Netty 4.2 recycles its pooled buffer objects, so frames cost no allocation.
     */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        running = true;
        thread = new FastThreadLocalThread(this::run, name);
        thread.setDaemon(true);
        owner = thread;
        thread.start();
    }

    private void run() {
        try {
            long lastWork = clock.nanos() - busyPollNanos;
            while (running) {
                long now = clock.nanos();
                if (iterate(now)) {
                    lastWork = now;
                } else if (busyPolling(now, lastWork)) {
                    Thread.onSpinWait();
                } else {
                    long deadline = nextDeadline(now);
                    long wait = deadline == Long.MAX_VALUE ? TimeUnit.SECONDS.toNanos(1) : deadline - now;
                    if (wait > 0 && tasks.isEmpty()) {
                        waiter.await(wait);
                    }
                }
            }
        } catch (Throwable e) {
            terminated.completeExceptionally(e);
            throw e;
        } finally {
            drainTasksAfterStop();
            terminated.complete(null);
        }
    }

    /**
     * Runs everything due at the clock's current time on the calling thread, until nothing more
     * is ready. For tests and simulations on a {@link ManualClock}; not for a started loop.
     *
     * @return the number of iterations that did work
     */
    public int runUntilIdle() {
        if (thread != null) {
            throw new IllegalStateException("loop runs on its own thread");
        }
        Thread previous = owner;
        owner = Thread.currentThread();
        try {
            int busy = 0;
            long now = clock.nanos();
            while (iterate(now)) {
                busy++;
                if (busy > 1_000_000) {
                    throw new IllegalStateException("event loop " + name + " never became idle");
                }
            }
            return busy;
        } finally {
            owner = previous;
        }
    }

    /** One pass over tasks, pollables and timers; true if any did work. */
    private boolean iterate(long now) {
        boolean busy = runTasks();
        for (int i = 0; i < pollables.size(); i++) {
            busy |= pollables.get(i).poll(now);
        }
        busy |= timers.fireExpired(now) > 0;
        return busy;
    }

    private boolean runTasks() {
        int n = 0;
        Runnable task;
        while (n < MAX_TASKS_PER_ITERATION && (task = tasks.poll()) != null) {
            task.run();
            n++;
        }
        return n > 0;
    }

    /** The earliest instant at which the loop has work: timers, pollables, or pending tasks. */
    public long nextDeadline(long now) {
        if (!tasks.isEmpty()) {
            return now;
        }
        long deadline = timers.nextDeadline();
        for (int i = 0; i < pollables.size(); i++) {
            deadline = Math.min(deadline, pollables.get(i).nextDeadline(now));
        }
        return deadline;
    }

    private void drainTasksAfterStop() {
        stopped = true;
        Runnable task;
        while ((task = tasks.poll()) != null) {
            try {
                task.run();
            } catch (RuntimeException ignored) {
                // The loop is stopping; a failing shutdown task must not hide the others.
            }
        }
    }

    /** Stops the loop thread (after the current iteration) and waits for it. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            t = thread;
            running = false;
        }
        waiter.wakeup();
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else if (t == null) {
            drainTasksAfterStop();
            terminated.complete(null);
        }
        if (t == null || !t.isAlive()) {
            waiter.close(); // only once nobody can be sleeping in it
        }
    }

    /** Completes when the loop thread has ended (exceptionally if it died of an error). */
    public CompletableFuture<Void> terminationFuture() {
        return terminated;
    }

    @Override
    public String toString() {
        return "EventLoop[" + name + "]";
    }
}
