package org.sockstack.stack.loop;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventLoopTest {

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
