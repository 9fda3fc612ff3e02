package org.sockstack.stack.loop;

/**
 * A reusable timer owned by one protocol object (a TCP connection's retransmission timer, a
 * neighbour entry's probe timer). Arming and cancelling are O(1) and allocate nothing: the timer
 * is its own node in the {@link TimerWheel}'s slot list.
 *
 * <p>Only the event loop thread may touch a timer.
 */
public final class Timer {
    final TimerWheel wheel;
    final TimerTask task;
    final String name;

    long deadline;
    long remainingRounds;
    int slot = -1;
    Timer prev;
    Timer next;

    Timer(TimerWheel wheel, String name, TimerTask task) {
        this.wheel = wheel;
        this.name = name;
        this.task = task;
    }

    /** Arms (or re-arms) the timer to fire at the absolute time {@code deadline}. */
    public void schedule(long deadline) {
        wheel.schedule(this, deadline);
    }

    /** Arms the timer {@code delay} nanoseconds after {@code now}. */
    public void scheduleAfter(long now, long delay) {
        wheel.schedule(this, now + delay);
    }

    /** Disarms the timer; harmless when it is not armed. */
    public void cancel() {
        wheel.cancel(this);
    }

    public boolean isArmed() {
        return slot >= 0;
    }

    /** The absolute deadline; meaningful only while armed. */
    public long deadline() {
        return deadline;
    }

    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return "Timer[" + name + (isArmed() ? " @" + deadline : " idle") + "]";
    }
}
