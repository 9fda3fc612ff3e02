package org.sockstack.drivers.fault;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimedFrameQueueTest {

    @Test
    void releasesByTimeThenByOfferOrder() {
        TimedFrameQueue<String> q = new TimedFrameQueue<>(10);
        q.offer(30, PooledByteBufAllocator.DEFAULT.buffer(1), "c");
        q.offer(10, PooledByteBufAllocator.DEFAULT.buffer(1), "a1");
        q.offer(20, PooledByteBufAllocator.DEFAULT.buffer(1), "b");
        q.offer(10, PooledByteBufAllocator.DEFAULT.buffer(1), "a2");
        assertEquals(10, q.nextTime());
        List<String> out = new ArrayList<>();
        TimedFrameQueue.Handler<String> take = (f, tag) -> { out.add(tag); f.release(); };
        while (q.pollDue(20, take)) {
            // drain what is due at 20
        }
        assertEquals(List.of("a1", "a2", "b"), out);
        assertFalse(q.hasDue(29));
        assertTrue(q.hasDue(30));
        q.releaseAll();
        assertEquals(Long.MAX_VALUE, q.nextTime());
    }

    @Test
    void refusesAndReleasesPastTheLimit() {
        TimedFrameQueue<Void> q = new TimedFrameQueue<>(1);
        assertTrue(q.offer(1, PooledByteBufAllocator.DEFAULT.buffer(1), null));
        ByteBuf extra = PooledByteBufAllocator.DEFAULT.buffer(1);
        assertFalse(q.offer(1, extra, null));
        assertEquals(0, extra.refCnt());
        q.releaseAll();
    }
}
