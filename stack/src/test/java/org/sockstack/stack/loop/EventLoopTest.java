package org.sockstack.stack.loop;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventLoopTest {

    /** Busy polling is a window after the last pass that did work; 0 (the default) has none. */
    @Test
    void busyPollingLastsItsWindowAfterWork() {
        EventLoop loop = new EventLoop("test", new ManualClock());
        assertFalse(loop.busyPolling(1_000, 1_000), "off by default");
        loop.setBusyPoll(30_000);
        assertTrue(loop.busyPolling(1_000, 1_000));
        assertTrue(loop.busyPolling(30_999, 1_000));
        assertFalse(loop.busyPolling(31_000, 1_000), "the window has passed: sleep");
        loop.setBusyPoll(0);
        assertFalse(loop.busyPolling(1_000, 1_000));
        assertThrows(IllegalArgumentException.class, () -> loop.setBusyPoll(-1));
    }

    @Test
    void manualLoopRunsTasksPollablesAndTimersAtVirtualTime() {
        ManualClock clock = new ManualClock();
        EventLoop loop = new EventLoop("test", clock);
        List<String> log = new ArrayList<>();
        loop.execute(() -> log.add("task"));
        loop.timers().newTimer("t", now -> log.add("timer@" + (now - clock.nanos()))).scheduleAfter(clock.nanos(), 5_000_000);
        int[] budget = {2};
        loop.register(now -> budget[0]-- > 0 && log.add("poll"));
        loop.runUntilIdle();
        assertEquals(List.of("task", "poll", "poll"), log);
        assertEquals(clock.nanos() + 5_000_000, loop.nextDeadline(clock.nanos()));
        clock.advance(5, TimeUnit.MILLISECONDS);
        loop.runUntilIdle();
        assertEquals("timer@0", log.get(3));
        assertEquals(Long.MAX_VALUE, loop.nextDeadline(clock.nanos()));
    }

    @Test
    void startedLoopWakesForSubmittedWorkAndTimers() throws Exception {
        try (EventLoop loop = new EventLoop("threaded", Clock.system())) {
            loop.start();
            assertFalse(loop.inEventLoop());
            assertTrue(loop.submit(loop::inEventLoop).get(5, TimeUnit.SECONDS));
            CountDownLatch fired = new CountDownLatch(1);
            loop.execute(() -> loop.timers().newTimer("t", now -> fired.countDown())
                    .scheduleAfter(loop.clock().nanos(), TimeUnit.MILLISECONDS.toNanos(20)));
            assertTrue(fired.await(5, TimeUnit.SECONDS), "timer fired on the loop thread");
        }
    }
}
