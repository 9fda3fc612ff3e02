package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bulk paths of {@link InternetChecksum#add} (heap array; off-heap memory summed in the
 * machine's byte order and swapped, RFC 1071 section 2(B)) give the same sum as a plain RFC 1071
 * reference for every buffer kind, offset parity, length and starting partial sum.
 */
class InternetChecksumBulkTest {

    /** RFC 1071 section 4.1 in its plainest form: big-endian 16-bit words, end-around carry. */
    private static int reference(byte[] data, int from, int length, int sum) {
        long acc = sum & 0xFFFF_FFFFL;
        for (int i = 0; i < length; i += 2) {
            int hi = data[from + i] & 0xFF;
            int lo = i + 1 < length ? data[from + i + 1] & 0xFF : 0;
            acc += (hi << 8) | lo;
        }
        while (acc > 0xFFFF) {
            acc = (acc >>> 16) + (acc & 0xFFFF);
        }
        return (int) acc;
    }

    private static int fold(int sum) {
        int v = sum;
        while (v > 0xFFFF) {
            v = (v >>> 16) + (v & 0xFFFF);
        }
        return v;
    }

    @Test
    void everyBufferKindAgreesWithTheReference() {
        SplittableRandom rnd = new SplittableRandom(42);
        byte[] data = new byte[2048];
        rnd.nextBytes(data);
        ByteBuf heap = Unpooled.wrappedBuffer(data);
        ByteBuf direct = PooledByteBufAllocator.DEFAULT.directBuffer(data.length);
        ByteBuf composite = Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(data, 0, 1000),
                Unpooled.wrappedBuffer(data, 1000, data.length - 1000));
        try {
            assertTrue(direct.hasMemoryAddress(), "the off-heap path needs Unsafe (pom.xml argLine)");
            direct.writeBytes(data);
            for (int trial = 0; trial < 2000; trial++) {
                int from = rnd.nextInt(64);
                int length = rnd.nextInt(data.length - from + 1);
                int start = trial % 3 == 0 ? 0 : rnd.nextInt(0x1_0000);
                int expected = reference(data, from, length, start);
                String what = "from " + from + " length " + length + " start " + start;
                assertEquals(expected, fold(InternetChecksum.add(heap, from, length, start)), "heap " + what);
                assertEquals(expected, fold(InternetChecksum.add(direct, from, length, start)), "direct " + what);
                assertEquals(expected, fold(InternetChecksum.add(composite, from, length, start)), "composite " + what);
            }
        } finally {
            direct.release();
        }
    }

    /** All-ones data drives every carry path (0xFFFF words sum to the largest partial sums). */
    @Test
    void carriesAreFolded() {
        byte[] ones = new byte[1501];
        java.util.Arrays.fill(ones, (byte) 0xFF);
        ByteBuf direct = PooledByteBufAllocator.DEFAULT.directBuffer(ones.length);
        try {
            direct.writeBytes(ones);
            for (int length : new int[] {32, 33, 1460, 1501}) {
                int expected = reference(ones, 0, length, 0xFFFF);
                assertEquals(expected, fold(InternetChecksum.add(Unpooled.wrappedBuffer(ones), 0, length, 0xFFFF)));
                assertEquals(expected, fold(InternetChecksum.add(direct, 0, length, 0xFFFF)));
            }
        } finally {
            direct.release();
        }
    }

    /** The bulk path checks the range once, as the per-access path checks each read. */
    @Test
    void outOfRangeIsRefused() {
        ByteBuf heap = Unpooled.wrappedBuffer(new byte[100]);
        assertThrows(IndexOutOfBoundsException.class, () -> InternetChecksum.add(heap, 80, 64, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> InternetChecksum.add(heap, -1, 64, 0));
    }
}
