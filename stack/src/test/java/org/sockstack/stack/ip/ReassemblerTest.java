package org.sockstack.stack.ip;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.ip.Reassembler.Outcome;
import org.sockstack.stack.loop.TimerWheel;
import org.sockstack.stack.stats.Counters;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReassemblerTest {
    private static final long MS = 1_000_000;
    private final long start = 1_000_000 * MS;
    private final TimerWheel timers = new TimerWheel(start, MS);
    private final Counters counters = new Counters();
    private final List<String> timedOut = new ArrayList<>();
    private final Reassembler<String> r = new Reassembler<>("ip", timers, ReassemblyConfig.IPV4,
            PooledByteBufAllocator.DEFAULT, counters, (k, h, d, now) -> timedOut.add(k + (h == null ? "" : "+hdr")));
    private final byte[] data = new byte[4000];
    private final byte[] header = {1, 2, 3, 4};

    {
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7);
        }
    }

    @AfterEach
    void tearDown() {
        r.clear();
    }

    private Outcome offer(String key, int offset, int length, boolean more) {
        return r.offer(key, offset, more, Unpooled.wrappedBuffer(data), offset, length, offset == 0 ? header : null, start);
    }

    @Test
    void outOfOrderFragmentsReassembleWithTheFirstHeader() {
        assertEquals(Outcome.HELD, offer("a", 2960, 1040, false));
        assertEquals(Outcome.HELD, offer("a", 1480, 1480, true));
        assertEquals(Outcome.COMPLETE, offer("a", 0, 1480, true));
        ByteBuf d = r.takeCompleted();
        byte[] out = new byte[d.readableBytes()];
        d.readBytes(out);
        d.release();
        byte[] expected = new byte[4 + 4000];
        System.arraycopy(header, 0, expected, 0, 4);
        System.arraycopy(data, 0, expected, 4, 4000);
        assertArrayEquals(expected, out);
        assertEquals(0, r.pending());
        assertEquals(0, r.heldBytes());
    }

    /** RFC 5722: an overlap discards the datagram, and later fragments of it too. */
    @Test
    void overlapDiscardsTheWholeDatagramUntilTimeout() {
        assertEquals(Outcome.HELD, offer("a", 0, 1480, true));
        assertEquals(Outcome.OVERLAP, offer("a", 1472, 1480, true));
        assertEquals(Outcome.DISCARDED, offer("a", 1480, 1480, true));
        assertEquals(Outcome.DISCARDED, offer("a", 2960, 1040, false));
        assertEquals(0, r.heldBytes());
        timers.fireExpired(start + Duration.ofSeconds(30).toNanos());
        assertTrue(timedOut.isEmpty(), "a discarded datagram is not reported as a timeout");
        assertEquals(Outcome.HELD, offer("a", 0, 1480, true), "the key is usable again after the timeout");
    }

    @Test
    void exactDuplicatesAreIgnored() {
        assertEquals(Outcome.HELD, offer("a", 0, 1480, true));
        assertEquals(Outcome.DUPLICATE, offer("a", 0, 1480, true));
        assertEquals(Outcome.COMPLETE, offer("a", 1480, 100, false));
        r.takeCompleted().release();
    }

    @Test
    void pingOfDeathIsDropped() {
        assertEquals(Outcome.TOO_BIG, r.offer("a", 65_528, false, Unpooled.wrappedBuffer(data), 0, 100, null, start));
        assertEquals(1, counters.get("ip.drop.fragment_too_big"));
    }

    @Test
    void nonFinalFragmentMustBeAMultipleOfEight() {
        assertEquals(Outcome.BAD_LENGTH, offer("a", 0, 1477, true));
    }

    @Test
    void inconsistentEndsAreRejected() {
        assertEquals(Outcome.HELD, offer("a", 0, 1480, true));
        assertEquals(Outcome.HELD, offer("a", 2960, 1040, false));
        assertEquals(Outcome.BAD_LENGTH, offer("a", 1480, 8, false), "a second, different last fragment");
    }

    @Test
    void timeoutReportsWhetherTheFirstFragmentArrived() {
        offer("with-first", 0, 1480, true);
        offer("without-first", 1480, 1480, true);
        timers.fireExpired(start + Duration.ofSeconds(30).toNanos());
        assertEquals(List.of("with-first+hdr", "without-first"), timedOut.stream().sorted().toList());
        assertEquals(2, counters.get("ip.drop.reassembly_timeout"));
        assertEquals(0, r.heldBytes());
    }

    @Test
    void concurrencyAndMemoryAreBounded() {
        ReassemblyConfig tight = new ReassemblyConfig(Duration.ofSeconds(30), 65_535, 4, 8_000, 8);
        Reassembler<Integer> small = new Reassembler<>("ip", timers, tight, PooledByteBufAllocator.DEFAULT, counters,
                (k, h, d, n) -> { });
        for (int i = 0; i < 100; i++) {
            small.offer(i, 0, true, Unpooled.wrappedBuffer(data), 0, 1480, header, start);
            assertTrue(small.pending() <= 4);
            assertTrue(small.heldBytes() <= 8_000);
        }
        // Many tiny fragments of one datagram hit the per-datagram fragment bound.
        for (int i = 0; i < 20; i++) {
            small.offer(-1, i * 16, true, Unpooled.wrappedBuffer(data), 0, 8, header, start);
        }
        assertTrue(counters.get("ip.drop.reassembly_limit") > 0);
        small.clear();
        assertNull(small.takeCompleted());
    }
}
