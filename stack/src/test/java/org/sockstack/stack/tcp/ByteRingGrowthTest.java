package org.sockstack.stack.tcp;

import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The buffers take memory only for data they hold, growing on demand, out-of-order data included. */
class ByteRingGrowthTest {

    private static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 13 + seed);
        }
        return b;
    }

    @Test
    void anUnusedBufferAllocatesNothing() {
        ByteRing r = new ByteRing(256 * 1024);
        assertEquals(0, r.allocated());
        assertEquals(256 * 1024, r.free());
        assertEquals(0, r.read(new byte[10], 0, 10));
    }

    @Test
    void storageIsReleasedOnlyWhenNothingIsHeld() {
        ByteRing r = new ByteRing(64 * 1024);
        byte[] a = pattern(100, 4);
        r.write(a, 0, a.length);
        assertFalse(r.releaseIfEmpty(), "readable bytes keep the storage");
        r.setAt(150, Unpooled.wrappedBuffer(a), 0, 10);   // placed beyond a hole
        r.skip(100);
        assertFalse(r.releaseIfEmpty(), "out-of-order bytes keep the storage");
        assertTrue(r.allocated() > 0);

        ByteRing drained = new ByteRing(64 * 1024);
        drained.write(a, 0, a.length);
        assertEquals(100, drained.read(new byte[100], 0, 100));
        assertTrue(drained.releaseIfEmpty());
        assertEquals(0, drained.allocated());
        assertFalse(drained.releaseIfEmpty(), "nothing left to release");
        assertEquals(100, drained.write(a, 0, a.length), "usable again");
        byte[] out = new byte[100];
        assertEquals(100, drained.read(out, 0, 100));
        assertArrayEquals(a, out);
    }

    @Test
    void storageGrowsWithTheDataAndKeepsOutOfOrderBytesInPlace() {
        ByteRing r = new ByteRing(1 << 20);
        byte[] a = pattern(3000, 1);
        assertEquals(3000, r.write(a, 0, a.length));
        assertTrue(r.allocated() >= 3000 && r.allocated() <= 8192, "small at first: " + r.allocated());
        // A segment beyond a hole: placed at offset 50000, forcing growth past the readable end.
        byte[] late = pattern(1000, 2);
        r.setAt(50_000, Unpooled.wrappedBuffer(late), 0, late.length);
        assertTrue(r.allocated() >= 51_000);
        // Fill the hole, then everything is readable in order.
        byte[] hole = pattern(47_000, 3);
        r.setAt(3000, Unpooled.wrappedBuffer(hole), 0, hole.length);
        r.extend(47_000 + 1000);
        byte[] out = new byte[51_000];
        assertEquals(51_000, r.read(out, 0, out.length));
        byte[] expected = new byte[51_000];
        System.arraycopy(a, 0, expected, 0, 3000);
        System.arraycopy(hole, 0, expected, 3000, 47_000);
        System.arraycopy(late, 0, expected, 50_000, 1000);
        assertArrayEquals(expected, out);
    }

    @Test
    void wrappingDataSurvivesGrowth() {
        ByteRing r = new ByteRing(64 * 1024);
        byte[] chunk = pattern(3000, 4);
        for (int round = 0; round < 50; round++) {
            r.write(chunk, 0, chunk.length);
            byte[] back = new byte[chunk.length];
            if (round % 3 != 2) {
                r.read(back, 0, back.length);
                assertArrayEquals(chunk, back);
            }
        }
        assertTrue(r.allocated() <= 64 * 1024);
        int held = r.size();
        byte[] rest = new byte[held];
        r.read(rest, 0, held);
        for (int i = 0; i < held; i += chunk.length) {
            for (int j = 0; j < chunk.length; j++) {
                assertEquals(chunk[j], rest[i + j]);
            }
        }
    }
}
