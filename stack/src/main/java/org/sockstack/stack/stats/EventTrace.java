package org.sockstack.stack.stats;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A stack's event trace (DESIGN rule 10): drops with reasons, state transitions, timer firings.
 * Off by default and then nearly free: callers test {@link #enabled()} before building a message.
 * When on, events go to a listener (e.g. the console) and into a bounded ring of recent events.
 */
public final class EventTrace {
    private final TraceEvent[] ring;
    private int next;
    private long total;
    private volatile boolean enabled;
    private volatile Consumer<TraceEvent> listener = e -> { };

    public EventTrace() {
        this(1024);
    }

    public EventTrace(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.ring = new TraceEvent[capacity];
    }

    public boolean enabled() {
        return enabled;
    }

    public void enable(boolean on) {
        this.enabled = on;
    }

    /** Sends every event to {@code listener} as well as the ring (e.g. {@code System.out::println}). */
    public void setListener(Consumer<TraceEvent> listener) {
        this.listener = Objects.requireNonNull(listener);
    }

    public void record(long time, TraceEvent.Kind kind, String layer, String message) {
        if (!enabled) {
            return;
        }
        TraceEvent event = new TraceEvent(time, kind, layer, message);
        synchronized (ring) {
            ring[next] = event;
            next = (next + 1) % ring.length;
            total++;
        }
        listener.accept(event);
    }

    public void drop(long time, String layer, String reason) {
        record(time, TraceEvent.Kind.DROP, layer, reason);
    }

    /** The most recent events, oldest first (at most the ring's capacity). */
    public List<TraceEvent> recent() {
        synchronized (ring) {
            List<TraceEvent> out = new ArrayList<>(ring.length);
            int count = (int) Math.min(total, ring.length);
            int start = (int) ((next - count + ring.length) % ring.length);
            for (int i = 0; i < count; i++) {
                out.add(ring[(start + i) % ring.length]);
            }
            return out;
        }
    }
}
