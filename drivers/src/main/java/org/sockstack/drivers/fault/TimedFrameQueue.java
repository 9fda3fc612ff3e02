package org.sockstack.drivers.fault;

import io.netty.buffer.ByteBuf;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * Frames waiting for their release time, earliest first: the frames "on the wire" of the
 * simulator and the delayed frames of {@link FaultInjectingDevice}. Frames with the same time
 * leave in the order they were offered (a sequence number breaks ties), which keeps runs
 * deterministic. Each frame carries a {@code tag} (for the simulator: where it goes).
 *
 * <p>Bounded: past {@code limit} frames an offer is refused. Entries are recycled, so a queue
 * in steady state allocates nothing. Owns the frames it holds; {@link #releaseAll()} frees them.
 * Not thread-safe.
 *
 * @param <T> what travels with each frame
 */
public final class TimedFrameQueue<T> {

    /** Takes one released frame (and its ownership) with its tag. */
    @FunctionalInterface
    public interface Handler<T> {
        void handle(ByteBuf frame, T tag);
    }

    private static final class Entry<T> {
        long time;
        long seq;
        ByteBuf frame;
        T tag;
    }

    private static final Comparator<Entry<?>> ORDER = (a, b) -> {
        int c = Long.compare(a.time, b.time);
        return c != 0 ? c : Long.compare(a.seq, b.seq);
    };

    private final PriorityQueue<Entry<T>> queue = new PriorityQueue<>(ORDER);
    private final ArrayDeque<Entry<T>> free = new ArrayDeque<>();
    private final int limit;
    private long nextSeq;

    public TimedFrameQueue(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        this.limit = limit;
    }

    /**
     * Holds {@code frame} until {@code time}; takes ownership.
     *
     * @return false if the queue was full and the frame was released
     */
    public boolean offer(long time, ByteBuf frame, T tag) {
        if (queue.size() >= limit) {
            frame.release();
            return false;
        }
        Entry<T> e = free.poll();
        if (e == null) {
            e = new Entry<>();
        }
        e.time = time;
        e.seq = nextSeq++;
        e.frame = frame;
        e.tag = tag;
        queue.add(e);
        return true;
    }

    /** The earliest release time held, or {@link Long#MAX_VALUE} when empty. */
    public long nextTime() {
        Entry<T> head = queue.peek();
        return head == null ? Long.MAX_VALUE : head.time;
    }

    /** True if a frame is due at {@code now}. */
    public boolean hasDue(long now) {
        Entry<T> head = queue.peek();
        return head != null && head.time <= now;
    }

    /**
     * Hands the earliest frame due at {@code now} (if any) to {@code handler}.
     *
     * @return true if a frame was handed over
     */
    public boolean pollDue(long now, Handler<? super T> handler) {
        Entry<T> head = queue.peek();
        if (head == null || head.time > now) {
            return false;
        }
        queue.poll();
        ByteBuf frame = head.frame;
        T tag = head.tag;
        head.frame = null;
        head.tag = null;
        if (free.size() < limit) {
            free.add(head);
        }
        handler.handle(frame, tag);
        return true;
    }

    public int size() {
        return queue.size();
    }

    public boolean isEmpty() {
        return queue.isEmpty();
    }

    public int limit() {
        return limit;
    }

    /** Drops and releases every held frame. */
    public void releaseAll() {
        Entry<T> e;
        while ((e = queue.poll()) != null) {
            e.frame.release();
            e.frame = null;
            e.tag = null;
        }
    }
}
