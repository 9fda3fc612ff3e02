package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;
import io.netty.util.IllegalReferenceCountException;
import io.netty.util.internal.PlatformDependent;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The Internet checksum (RFC 1071): the 16-bit ones' complement of the ones' complement sum of
 * the data taken as big-endian 16-bit words, plus the pseudo-headers of RFC 768/793 (IPv4) and
 * RFC 8200 section 8.1 (IPv6).
 *
 * <p>It runs on every packet, so the sum adds 64 bits at a time into a {@code long} accumulator
 * with end-around carry (RFC 1071 section 2(B): the sum is independent of word size and byte
 * order folding), then folds to 16 bits once at the end.
 *
 * <p>Runs of {@value #BULK} octets or more are read straight from the buffer's memory once the
 * range is checked: a heap buffer's array, or a direct buffer's address in the machine's own byte
 * order, whose folded sum is then byte-swapped (RFC 1071 section 2(B): "the sum of byte-swapped
 * words is the byte-swapped sum"). Per-octet-group {@code ByteBuf} calls would each check bounds
 * and the reference count again; on a full-sized segment that was half of the stack's time.
 */
public final class InternetChecksum {
    /** Shorter runs go through the ordinary {@code ByteBuf} accessors. */
    static final int BULK = 32;
    private static final VarHandle BIG_ENDIAN_LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final boolean NATIVE_LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    /** Off-heap reads need Unsafe (JDK 24+: {@code --sun-misc-unsafe-memory-access=allow}). */
    private static final boolean UNSAFE = PlatformDependent.hasUnsafe();

    private InternetChecksum() {
    }

    /**
     * Adds {@code length} octets at {@code index} to the running 32-bit partial sum {@code sum}
     * (not yet complemented); returns the new partial sum, folded to at most 0xFFFF.
     */
    public static int add(ByteBuf buf, int index, int length, int sum) {
        if (length >= BULK) {
            if (index < 0 || length > buf.capacity() - index) {
                throw new IndexOutOfBoundsException("index " + index + " length " + length + " capacity "
                        + buf.capacity());
            }
            if (buf.refCnt() == 0) {
                throw new IllegalReferenceCountException(0);
            }
            if (buf.hasArray()) {
                return addArray(buf.array(), buf.arrayOffset() + index, length, sum);
            }
            if (UNSAFE && buf.hasMemoryAddress()) {
                return addMemory(buf.memoryAddress() + index, length, sum);
            }
        }
        return addPerAccess(buf, index, length, sum);
    }

    /** {@link #add} over a heap array, 8 octets at a time (big-endian, as the words are defined). */
    private static int addArray(byte[] a, int at, int length, int sum) {
        long acc = sum & 0xFFFF_FFFFL;
        int i = at;
        int end = at + length;
        for (; i + 8 <= end; i += 8) {
            long w = (long) BIG_ENDIAN_LONGS.get(a, i);
            acc += (w >>> 32) + (w & 0xFFFF_FFFFL);
        }
        for (; i + 2 <= end; i += 2) {
            acc += ((a[i] & 0xFF) << 8) | (a[i + 1] & 0xFF);
        }
        if (i < end) {
            acc += (a[i] & 0xFF) << 8;                 // odd final octet, zero-padded (RFC 1071 section 1)
        }
        return fold32(acc);
    }

    /**
     * {@link #add} over off-heap memory: 8 octets at a time in the machine's byte order, the folded
     * result byte-swapped into network order (RFC 1071 section 2(B)); the tail in network order.
     */
    private static int addMemory(long address, int length, int sum) {
        long native64 = 0;
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            long w = PlatformDependent.getLong(address + i);
            native64 += (w >>> 32) + (w & 0xFFFF_FFFFL);
        }
        int folded = fold16(native64);
        if (NATIVE_LITTLE_ENDIAN) {
            folded = ((folded & 0xFF) << 8) | (folded >>> 8);
        }
        long acc = (sum & 0xFFFF_FFFFL) + folded;
        for (; i + 2 <= length; i += 2) {
            acc += ((PlatformDependent.getByte(address + i) & 0xFF) << 8)
                    | (PlatformDependent.getByte(address + i + 1) & 0xFF);
        }
        if (i < length) {
            acc += (PlatformDependent.getByte(address + i) & 0xFF) << 8;
        }
        return fold32(acc);
    }

    /** Folds a wide ones' complement sum to exactly 16 bits. */
    private static int fold16(long acc) {
        long v = acc;
        while (v > 0xFFFF) {
            v = (v >>> 16) + (v & 0xFFFF);
        }
        return (int) v;
    }

    /** {@link #add} through the {@code ByteBuf} accessors: short runs and composite buffers. */
    private static int addPerAccess(ByteBuf buf, int index, int length, int sum) {
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
