package org.sockstack.stack.loop;

/**
 * A hashed timing wheel (Varghese and Lauck, 1987): timers hash into {@code SLOTS} buckets by
 * their deadline tick, so arming and cancelling are O(1). A timer further away than one turn of
 * the wheel carries a count of remaining rounds.
 *
 * <p>The wheel also answers "when is the next deadline?" cheaply, so the event loop can sleep
 * exactly until work is due: a bitmap of non-empty slots finds occupied slots in a few word
 * operations, a per-slot count of timers in their last round skips slots that hold only
 * later-round timers, and the earliest exact deadline of the first slot with a due timer is
 * returned (with no timer due this turn, the start of the next turn: at most one early wake-up
 * per turn of the wheel).
 *
 * <p>Timers fire when {@code now >= deadline}, never early. Not thread-safe: the event loop owns it.
 */
public final class TimerWheel {
    private static final int SLOTS = 512;
    private static final int MASK = SLOTS - 1;

    private final long tickNanos;
    private final Timer[] heads = new Timer[SLOTS];
    private final long[] occupied = new long[SLOTS / 64];
    /** Per slot, how many of its timers are in their last round (due when the slot's tick comes). */
    private final int[] due = new int[SLOTS];
    private final Timer[] firing = new Timer[64];

    /** The tick whose slot has been processed up to (all timers with earlier ticks have fired). */
    private long currentTick;
    private int armed;

    public TimerWheel(long startNanos, long tickNanos) {
        if (tickNanos <= 0) {
            throw new IllegalArgumentException("tick must be positive");
        }
        this.tickNanos = tickNanos;
        this.currentTick = Math.floorDiv(startNanos, tickNanos);
    }

    /** A new, unarmed timer that runs {@code task} when it fires. */
    public Timer newTimer(String name, TimerTask task) {
        return new Timer(this, name, task);
    }

    /** Number of armed timers. */
    public int size() {
        return armed;
    }

    void schedule(Timer timer, long deadline) {
        if (timer.wheel != this) {
            throw new IllegalArgumentException("timer belongs to another wheel");
        }
        if (timer.isArmed()) {
            unlink(timer);
        }
        timer.deadline = deadline;
        long tick = Math.max(Math.floorDiv(deadline, tickNanos), currentTick);
        timer.remainingRounds = (tick - currentTick) / SLOTS;
        link(timer, (int) (tick & MASK));
    }

    void cancel(Timer timer) {
        if (timer.isArmed()) {
            unlink(timer);
        }
    }

    /**
     * Fires every timer whose deadline is at or before {@code now}, in slot order.
     *
     * @return the number of timers fired
     */
    public int fireExpired(long now) {
        long nowTick = Math.floorDiv(now, tickNanos);
        if (nowTick - currentTick >= SLOTS) {
            return fireAfterLongPause(now, nowTick);
        }
        int fired = 0;
        for (long tick = currentTick; tick <= nowTick; tick++) {
            // Timers armed by tasks fired here count their rounds from the tick being processed.
            currentTick = tick;
            fired += fireSlot((int) (tick & MASK), now, tick == nowTick);
        }
        return fired;
    }

    private int fireSlot(int slot, long now, boolean isNowSlot) {
        int fired = 0;
        while (true) {
            int n = collectDue(heads[slot], now);
            if (n == 0) {
                break;
            }
            fired += fireCollected(n, now);
        }
        if (!isNowSlot) {
            // The slot's tick has fully passed: timers still here belong to later rounds.
            for (Timer t = heads[slot]; t != null; t = t.next) {
                if (t.remainingRounds > 0 && --t.remainingRounds == 0) {
                    due[slot]++;
                }
            }
        }
        return fired;
    }

    /**
     * More than a whole turn passed since the last call (a long stall, or virtual time jumping
     * ahead): fire everything due, slot by slot, and recount the rounds of the rest from now.
     */
    private int fireAfterLongPause(long now, long nowTick) {
        int fired = 0;
        for (int slot = 0; slot < SLOTS; slot++) {
            due[slot] = 0;
            for (Timer t = heads[slot]; t != null; t = t.next) {
                long tick = Math.floorDiv(t.deadline, tickNanos);
                t.remainingRounds = tick <= nowTick ? 0 : (tick - nowTick) / SLOTS;
                if (t.remainingRounds == 0) {
                    due[slot]++;
                }
            }
        }
        currentTick = nowTick;
        for (int slot = 0; slot < SLOTS; slot++) {
            int n;
            while ((n = collectDue(heads[slot], now)) > 0) {
                fired += fireCollected(n, now);
            }
        }
        return fired;
    }

    private int collectDue(Timer head, long now) {
        int n = 0;
        for (Timer t = head; t != null && n < firing.length; t = t.next) {
            if (t.remainingRounds == 0 && t.deadline <= now) {
                firing[n++] = t;
            }
        }
        return n;
    }

    /** Fires the collected timers; a task may re-arm or cancel any timer, so each is re-checked. */
    private int fireCollected(int n, long now) {
        int fired = 0;
        for (int i = 0; i < n; i++) {
            Timer t = firing[i];
            firing[i] = null;
            if (t.isArmed() && t.remainingRounds == 0 && t.deadline <= now) {
                unlink(t);
                t.task.fire(now);
                fired++;
            }
        }
        return fired;
    }

    /**
     * The earliest instant at which {@link #fireExpired} has work, or {@link Long#MAX_VALUE}
     * when no timer is armed. May be earlier than the true next deadline (never later).
     */
    public long nextDeadline() {
        if (armed == 0) {
            return Long.MAX_VALUE;
        }
        int start = (int) (currentTick & MASK);
        for (int step = 0; step < SLOTS; ) {
            int slot = (start + step) & MASK;
            long bits = occupied[slot >>> 6] >>> (slot & 63);
            if (bits == 0) {
                step += 64 - (slot & 63);
                continue;
            }
            step += Long.numberOfTrailingZeros(bits);
            if (step >= SLOTS) {
                break;
            }
            int found = (start + step) & MASK;
            if (due[found] > 0) {
                long earliest = Long.MAX_VALUE;
                for (Timer t = heads[found]; t != null; t = t.next) {
                    if (t.remainingRounds == 0) {
                        earliest = Math.min(earliest, t.deadline);
                    }
                }
                return earliest;
            }
            step++; // only later-round timers here: look further
        }
        // No timer falls in this turn: every armed one is at least a turn away.
        return (currentTick + SLOTS) * tickNanos;
    }

    private void link(Timer t, int slot) {
        Timer head = heads[slot];
        t.prev = null;
        t.next = head;
        if (head != null) {
            head.prev = t;
        }
        heads[slot] = t;
        t.slot = slot;
        occupied[slot >>> 6] |= 1L << (slot & 63);
        if (t.remainingRounds == 0) {
            due[slot]++;
        }
        armed++;
    }

    private void unlink(Timer t) {
        int slot = t.slot;
        if (t.remainingRounds == 0) {
            due[slot]--;
        }
        if (t.prev != null) {
            t.prev.next = t.next;
        } else {
            heads[slot] = t.next;
        }
        if (t.next != null) {
            t.next.prev = t.prev;
        }
        if (heads[slot] == null) {
            occupied[slot >>> 6] &= ~(1L << (slot & 63));
        }
        t.prev = null;
        t.next = null;
        t.slot = -1;
        armed--;
    }
}
