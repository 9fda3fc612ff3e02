package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;

/**
 * A view over an IPv6 packet's fixed header (RFC 8200 section 3).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version| Traffic Class |           Flow Label                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Payload Length        |  Next Header  |   Hop Limit   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +                                                               +
 * |                                                               |
 * +                         Source Address                        +
 * |                                                               |
 * +                                                               +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +                                                               +
 * |                                                               |
 * +                      Destination Address                      +
 * |                                                               |
 * +                                                               +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>The Traffic Class is DSCP (RFC 2474) plus ECN (RFC 3168). Payload Length counts every octet
 * after this header, extension headers included. Next Header names the first extension header or
 * the upper-layer protocol ({@link IpProtocol}). Addresses are read as two longs each
 * ({@link Ipv6Address} halves) so parsing allocates nothing.
 *
 * <p>A flyweight: {@link #wrap} re-targets it. After {@link #check()} returns {@link WireError#OK}
 * no accessor can read out of bounds. The buffer may be longer than the packet (Ethernet padding):
 * {@link #payloadLength()} follows the Payload Length field, never the buffer.
 */
public final class Ipv6Packet {
    public static final int HEADER_LENGTH = 40;
    public static final int VERSION = 6;
    /** The smallest link MTU IPv6 may run over (RFC 8200 section 5). */
    public static final int MIN_MTU = 1280;

    private ByteBuf buf;
    private int start;
    private int length;

    public Ipv6Packet wrap(ByteBuf buf, int offset, int length) {
        this.buf = buf;
        this.start = offset;
        this.length = length;
        return this;
    }

    /**
     * Validates the version and that Payload Length fits in the buffer. A zero Payload Length
     * with a Jumbo Payload option (RFC 2675) is not supported: the payload is then empty.
     */
    public WireError check() {
        if (length < HEADER_LENGTH) {
            return WireError.TRUNCATED;
        }
        if (version() != VERSION) {
            return WireError.BAD_VERSION;
        }
        if (payloadLength() > length - HEADER_LENGTH) {
            return WireError.BAD_LENGTH;
        }
        return WireError.OK;
    }

    public int version() {
        return buf.getUnsignedByte(start) >>> 4;
    }

    /** Traffic Class: DSCP in the upper 6 bits, ECN in the lower 2. */
    public int trafficClass() {
        return (buf.getUnsignedShort(start) >>> 4) & 0xFF;
    }

    /** Differentiated Services Code Point (RFC 2474 section 3). */
    public int dscp() {
        return trafficClass() >>> 2;
    }

    /** Explicit Congestion Notification (RFC 3168 section 5): 0 Not-ECT, 1 ECT(1), 2 ECT(0), 3 CE. */
    public int ecn() {
        return trafficClass() & 0x3;
    }

    /** The 20-bit Flow Label (RFC 6437). */
    public int flowLabel() {
        return buf.getInt(start) & 0xF_FFFF;
    }

    /** Octets after the fixed header, extension headers included. */
    public int payloadLength() {
        return buf.getUnsignedShort(start + 4);
    }

    public int nextHeader() {
        return buf.getUnsignedByte(start + 6);
    }

    public int hopLimit() {
        return buf.getUnsignedByte(start + 7);
    }

    public long srcAddrHi() {
        return buf.getLong(start + 8);
    }

    public long srcAddrLo() {
        return buf.getLong(start + 16);
    }

    public long dstAddrHi() {
        return buf.getLong(start + 24);
    }

    public long dstAddrLo() {
        return buf.getLong(start + 32);
    }

    /** Absolute index of the payload (the first extension header or upper-layer header). */
    public int payloadOffset() {
        return start + HEADER_LENGTH;
    }

    public ByteBuf buffer() {
        return buf;
    }

    public int offset() {
        return start;
    }

    /** Octets in the wrapped region, possibly more than 40 + {@link #payloadLength()}. */
    public int length() {
        return length;
    }
}
