package org.sockstack.spi.provider;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Per-thread APC queues: calls run in an alertable wait; queues of ended threads are forgotten. */
class ApcQueueTest {

    @Test
    void queuedCallsRunInTheThreadsAlertableWait() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        ApcQueue q = ApcQueue.of(Thread.currentThread());
        q.queue(ran::incrementAndGet);
        q.queue(ran::incrementAndGet);
        assertEquals(2, ApcQueue.alertableWait(0));
        assertEquals(2, ran.get());
        assertEquals(0, ApcQueue.alertableWait(0), "nothing queued: the wait times out");
        ApcQueue.release();
    }

    @Test
    void queuesOfEndedThreadsDoNotAccumulate() throws Exception {
        // 2,000 short-lived threads each get a queue (an overlapped call with a completion routine)
        // and end without releasing it; a call queued to one of them can never run.
        for (int i = 0; i < 2_000; i++) {
            Thread t = Thread.ofPlatform().start(() -> ApcQueue.of(Thread.currentThread()).queue(() -> { }));
            t.join();
        }
        ApcQueue.of(Thread.currentThread());
        assertTrue(ApcQueue.threadsWithQueues() < 200,
                "queues kept for ended threads: " + ApcQueue.threadsWithQueues());
        ApcQueue.release();
    }
}
