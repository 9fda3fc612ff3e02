package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;

/**
 * The Internet checksum (RFC 1071): the 16-bit ones' complement of the ones' complement sum of
 * the data taken as big-endian 16-bit words, plus the pseudo-headers of RFC 768/793 (IPv4) and
 * RFC 8200 section 8.1 (IPv6).
 *
 * <p>It runs on every packet, so the sum adds 64 bits at a time into a {@code long} accumulator
 * with end-around carry (RFC 1071 section 2(B): the sum is independent of word size and byte
 * order folding), then folds to 16 bits once at the end.
 */
public final class InternetChecksum {
    private InternetChecksum() {
    }

    /**
     * Adds {@code length} octets at {@code index} to the running 32-bit partial sum {@code sum}
     * (not yet complemented); returns the new partial sum, folded to at most 0xFFFF.
     */
    public static int add(ByteBuf buf, int index, int length, int sum) {
        long acc = sum & 0xFFFF_FFFFL;
        int i = index;
        int end = index + length;
        // 8 octets at a time: add the two 32-bit halves into a 64-bit accumulator (no overflow
        // for any IP datagram: 2^16 additions of 2^32 stay below 2^48).
        for (; i + 8 <= end; i += 8) {
            long w = buf.getLong(i);
            acc += (w >>> 32) + (w & 0xFFFF_FFFFL);
        }
        if (i + 4 <= end) {
            acc += buf.getUnsignedInt(i);
            i += 4;
        }
        if (i + 2 <= end) {
            acc += buf.getUnsignedShort(i);
            i += 2;
        }
        if (i < end) {
            // An odd final octet is padded with a zero octet on the right (RFC 1071 section 1).
            acc += (buf.getUnsignedByte(i) << 8);
        }
        return fold32(acc);
    }

    /** Adds a 16-bit word to a partial sum. */
    public static int addWord(int sum, int word) {
        return fold32((sum & 0xFFFF_FFFFL) + (word & 0xFFFF));
    }

    /** Adds a 32-bit value (two words) to a partial sum. */
    public static int addInt(int sum, int value) {
        return fold32((sum & 0xFFFF_FFFFL) + (value >>> 16) + (value & 0xFFFF));
    }

    /** Adds a 64-bit value (four words) to a partial sum. */
    public static int addLong(int sum, long value) {
        return fold32((sum & 0xFFFF_FFFFL) + (value >>> 32) + (value & 0xFFFF_FFFFL));
    }

    /** Reduces a wide accumulator to a partial sum of at most 17 bits (end-around carry). */
    private static int fold32(long acc) {
        acc = (acc >>> 32) + (acc & 0xFFFF_FFFFL);
        acc = (acc >>> 32) + (acc & 0xFFFF_FFFFL);
        acc = (acc >>> 16) + (acc & 0xFFFF);
        acc = (acc >>> 16) + (acc & 0xFFFF);
        return (int) acc;
    }

    /** Folds a partial sum to 16 bits and complements it: the value to put in a checksum field. */
    public static int finish(int sum) {
        int s = (sum >>> 16) + (sum & 0xFFFF);
        s = (s >>> 16) + (s & 0xFFFF);
        return ~s & 0xFFFF;
    }

    /** The checksum of {@code length} octets at {@code index}. */
    public static int compute(ByteBuf buf, int index, int length) {
        return finish(add(buf, index, length, 0));
    }

    /**
     * True if data that contains its own checksum field verifies: the complemented sum over it
     * is zero (RFC 1071 section 1).
     */
    public static boolean verifies(ByteBuf buf, int index, int length, int pseudoSum) {
        return finish(add(buf, index, length, pseudoSum)) == 0;
    }

    /**
     * The IPv4 pseudo-header sum (RFC 793 section 3.1, RFC 768): source, destination, zero,
     * protocol and the upper-layer length.
     */
    public static int pseudoHeaderIpv4(int src, int dst, int protocol, int length) {
        int sum = addInt(0, src);
        sum = addInt(sum, dst);
        sum = addWord(sum, protocol);
        return addWord(sum, length);
    }

    /**
     * The IPv6 pseudo-header sum (RFC 8200 section 8.1): source, destination, 32-bit
     * upper-layer length, three zero octets and the next header value.
     */
    public static int pseudoHeaderIpv6(Ipv6Address src, Ipv6Address dst, int nextHeader, int length) {
        return pseudoHeaderIpv6(src.hi(), src.lo(), dst.hi(), dst.lo(), nextHeader, length);
    }

    /** The IPv6 pseudo-header sum from raw address halves (allocation-free form). */
    public static int pseudoHeaderIpv6(long srcHi, long srcLo, long dstHi, long dstLo, int nextHeader, int length) {
        int sum = addLong(0, srcHi);
        sum = addLong(sum, srcLo);
        sum = addLong(sum, dstHi);
        sum = addLong(sum, dstLo);
        sum = addInt(sum, length);
        return addWord(sum, nextHeader);
    }
}
