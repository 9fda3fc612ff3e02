package org.sockstack.stack.loop;

import java.util.concurrent.TimeUnit;

/**
 * A clock that only moves when told to: the virtual time of unit tests and simulations.
 * It starts at an arbitrary non-zero instant so that code assuming "time 0" is caught.
 */
public final class ManualClock implements Clock {
    private volatile long now;

    public ManualClock() {
        this(TimeUnit.SECONDS.toNanos(1_000));
    }

    public ManualClock(long startNanos) {
        this.now = startNanos;
    }

    @Override
    public long nanos() {
        return now;
    }

    /** Moves time forward by {@code nanos} (never backwards). */
    public void advance(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("time cannot go backwards: " + nanos);
        }
        now += nanos;
    }

    public void advance(long amount, TimeUnit unit) {
        advance(unit.toNanos(amount));
    }

    /** Sets the time to {@code instant}, which must not be earlier than now. */
    public void advanceTo(long instant) {
        if (instant < now) {
            throw new IllegalArgumentException("time cannot go backwards: " + instant + " < " + now);
        }
        now = instant;
    }

    @Override
    public String toString() {
        return "ManualClock[" + now + "ns]";
    }
}
