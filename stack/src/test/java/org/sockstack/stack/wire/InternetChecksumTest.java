package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.testing.Hex;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InternetChecksumTest {

    /** RFC 1071 section 3 example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2, checksum 220d. */
    @Test
    void rfc1071Example() {
        ByteBuf b = Hex.buf("0001 f203 f4f5 f6f7");
        assertEquals(0x220d, InternetChecksum.compute(b, 0, 8));
    }

    @Test
    void wideSumEqualsWordByWordSumForAnyLengthAndOffset() {
        Random r = new Random(1);
        for (int trial = 0; trial < 500; trial++) {
            int len = r.nextInt(1600);
            int off = r.nextInt(8);
            byte[] data = new byte[off + len];
            r.nextBytes(data);
            ByteBuf b = Unpooled.wrappedBuffer(data);
            assertEquals(naive(data, off, len), InternetChecksum.compute(b, off, len), "len " + len + " off " + off);
        }
    }

    @Test
    void pseudoHeaderIpv6MatchesManualSum() {
        Ipv6Address src = Ipv6Address.parse("2001:db8::1");
        Ipv6Address dst = Ipv6Address.parse("2001:db8::2");
        byte[] ph = new byte[40];
        System.arraycopy(src.octets(), 0, ph, 0, 16);
        System.arraycopy(dst.octets(), 0, ph, 16, 16);
        ph[34] = 0x01;
        ph[35] = 0x23;
        ph[39] = 17;
        int expected = naive(ph, 0, 40);
        assertEquals(expected, InternetChecksum.finish(InternetChecksum.pseudoHeaderIpv6(src, dst, 17, 0x123)));
    }

    private static int naive(byte[] d, int off, int len) {
        long sum = 0;
        for (int i = 0; i < len; i += 2) {
            int hi = d[off + i] & 0xFF;
            int lo = i + 1 < len ? d[off + i + 1] & 0xFF : 0;
            sum += (hi << 8) | lo;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) (~sum & 0xFFFF);
    }
}
