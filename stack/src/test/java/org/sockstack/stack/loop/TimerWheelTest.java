package org.sockstack.stack.loop;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimerWheelTest {
    private static final long MS = 1_000_000L;
    private static final long START = 5_000 * MS + 123;

    @Test
    void firesAtDeadlineNeverEarly() {
        TimerWheel wheel = new TimerWheel(START, MS);
        List<Long> fired = new ArrayList<>();
        Timer t = wheel.newTimer("t", fired::add);
        t.schedule(START + 10 * MS + 500);
        assertEquals(0, wheel.fireExpired(START + 10 * MS + 499));
        assertTrue(fired.isEmpty());
        assertEquals(1, wheel.fireExpired(START + 10 * MS + 500));
        assertEquals(List.of(START + 10 * MS + 500), fired);
        assertFalse(t.isArmed());
        assertEquals(0, wheel.size());
    }

    @Test
    void cancelAndRearmAreIndependentOfOtherTimers() {
        TimerWheel wheel = new TimerWheel(START, MS);
        List<String> fired = new ArrayList<>();
        Timer a = wheel.newTimer("a", now -> fired.add("a"));
        Timer b = wheel.newTimer("b", now -> fired.add("b"));
        a.schedule(START + 5 * MS);
        b.schedule(START + 5 * MS);
        a.cancel();
        b.schedule(START + 7 * MS);
        wheel.fireExpired(START + 6 * MS);
        assertTrue(fired.isEmpty());
        wheel.fireExpired(START + 7 * MS);
        assertEquals(List.of("b"), fired);
    }

    @Test
    void timersBeyondOneTurnWaitTheirRounds() {
        TimerWheel wheel = new TimerWheel(START, MS);
        List<Long> fired = new ArrayList<>();
        Timer far = wheel.newTimer("far", fired::add);
        long deadline = START + 1_300 * MS; // more than two turns of 512 ticks
        far.schedule(deadline);
        for (long t = START; t < deadline; t += 7 * MS) {
            wheel.fireExpired(t);
        }
        assertTrue(fired.isEmpty(), "fired early");
        wheel.fireExpired(deadline);
        assertEquals(List.of(deadline), fired);
    }

    @Test
    void longPauseFiresEverythingDueAndKeepsTheRest() {
        TimerWheel wheel = new TimerWheel(START, MS);
        List<String> fired = new ArrayList<>();
        wheel.newTimer("soon", n -> fired.add("soon")).schedule(START + 3 * MS);
        wheel.newTimer("mid", n -> fired.add("mid")).schedule(START + 2_000 * MS);
        Timer late = wheel.newTimer("late", n -> fired.add("late"));
        late.schedule(START + 9_000 * MS);
        wheel.fireExpired(START + 5_000 * MS);
        assertEquals(List.of("soon", "mid"), fired.stream().sorted((x, y) -> x.equals("soon") ? -1 : 1).toList());
        assertTrue(late.isArmed());
        wheel.fireExpired(START + 8_999 * MS);
        assertEquals(2, fired.size());
        wheel.fireExpired(START + 9_000 * MS);
        assertEquals(3, fired.size());
    }

    @Test
    void nextDeadlineIsExactForNearTimersAndNeverLate() {
        TimerWheel wheel = new TimerWheel(START, MS);
        assertEquals(Long.MAX_VALUE, wheel.nextDeadline());
        Timer t = wheel.newTimer("t", n -> { });
        t.schedule(START + 42 * MS + 17);
        assertEquals(START + 42 * MS + 17, wheel.nextDeadline());
        t.schedule(START + 5_000 * MS);
        long next = wheel.nextDeadline();
        assertTrue(next <= START + 5_000 * MS, "never later than the real deadline");
        assertTrue(next > START, "but not spinning");
    }

    @Test
    void randomScheduleFiresEachTimerOnceAtOrAfterItsDeadline() {
        TimerWheel wheel = new TimerWheel(START, MS);
        Random random = new Random(7);
        int n = 2_000;
        long[] deadlines = new long[n];
        long[] firedAt = new long[n];
        for (int i = 0; i < n; i++) {
            int id = i;
            deadlines[i] = START + (long) (random.nextDouble() * 3_000 * MS);
            Timer t = wheel.newTimer("t" + i, now -> firedAt[id] = now);
            t.schedule(deadlines[i]);
        }
        long now = START;
        while (wheel.size() > 0) {
            long next = wheel.nextDeadline();
            assertTrue(next >= now || next <= now, "a deadline is always returned");
            now = Math.max(now + 1, next);
            wheel.fireExpired(now);
        }
        for (int i = 0; i < n; i++) {
            assertTrue(firedAt[i] >= deadlines[i], "timer " + i + " fired early");
            assertTrue(firedAt[i] - deadlines[i] <= MS, "timer " + i + " fired late by " + (firedAt[i] - deadlines[i]));
        }
    }

    /** A task that re-arms its own timer while time jumps by more than a turn each step. */
    @Test
    void selfRearmingTimerFiresOnTimeAcrossBigJumps() {
        TimerWheel wheel = new TimerWheel(START, MS);
        List<Long> fired = new ArrayList<>();
        Timer[] self = new Timer[1];
        self[0] = wheel.newTimer("periodic", now -> {
            fired.add(now);
            self[0].scheduleAfter(now, 1_000 * MS);
        });
        self[0].schedule(START + 1_000 * MS);
        for (int i = 1; i <= 5; i++) {
            wheel.fireExpired(START + i * 1_000 * MS - 1);
            assertEquals(i - 1, fired.size(), "not early at step " + i);
            wheel.fireExpired(START + i * 1_000 * MS);
            assertEquals(i, fired.size(), "on time at step " + i);
        }
    }

    /** Timers more than a turn away do not wake an idle loop every tick. */
    @Test
    void farTimersInEverySlotDoNotCauseTickWakeUps() {
        TimerWheel wheel = new TimerWheel(START, MS);
        for (int i = 0; i < 512; i++) {
            wheel.newTimer("far" + i, n -> { }).schedule(START + 10_000 * MS + i * MS);
        }
        long next = wheel.nextDeadline();
        assertTrue(next >= START - 123 + 512 * MS, "the next wake-up is a turn away, not the next tick: "
                + (next - START) / MS + " ms");
        assertTrue(next <= START + 10_000 * MS, "never later than the earliest timer");
    }
}
