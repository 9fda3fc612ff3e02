package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;

/**
 * A view over an IPv6 Routing header (RFC 8200 section 4.4, Next Header value 43).
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Next Header  |  Hdr Ext Len  |  Routing Type | Segments Left |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * .                                                               .
 * .                       type-specific data                      .
 * .                                                               .
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>The header is (Hdr Ext Len + 1) * 8 octets. Segments Left counts the route segments still to
 * visit. A node that does not know the Routing Type ignores the header when Segments Left is 0
 * and otherwise answers with an ICMP Parameter Problem (RFC 8200 section 4.4): that is the IP
 * layer's job, this view only reads the fields.
 *
 * <p>Wrap it over everything from the header to the end of the IPv6 payload; after
 * {@link #check()} returns {@link WireError#OK} no accessor can read out of bounds.
 */
public final class Ipv6RoutingHeader {
    public static final int MIN_LENGTH = 8;
    /** Type 0, deprecated by RFC 5095. */
    public static final int TYPE_SOURCE_ROUTE = 0;
    /** Type 2, Mobile IPv6 (RFC 6275 section 6.4). */
    public static final int TYPE_MOBILITY = 2;
    /** Type 3, RPL source routing (RFC 6554). */
    public static final int TYPE_RPL = 3;
    /** Type 4, the Segment Routing Header (RFC 8754). */
    public static final int TYPE_SEGMENT_ROUTING = 4;

    private ByteBuf buf;
    private int start;
    private int length;

    public Ipv6RoutingHeader wrap(ByteBuf buf, int offset, int length) {
        this.buf = buf;
        this.start = offset;
        this.length = length;
        return this;
    }

    /** Validates that the header, as long as Hdr Ext Len says, fits in the buffer. */
    public WireError check() {
        if (length < MIN_LENGTH) {
            return WireError.TRUNCATED;
        }
        if (headerLength() > length) {
            return WireError.BAD_LENGTH;
        }
        return WireError.OK;
    }

    public int nextHeader() {
        return buf.getUnsignedByte(start);
    }

    /** The Hdr Ext Len field: 8-octet units, not counting the first 8 octets. */
    public int hdrExtLen() {
        return buf.getUnsignedByte(start + 1);
    }

    /** Header length in octets: (Hdr Ext Len + 1) * 8. */
    public int headerLength() {
        return (hdrExtLen() + 1) * 8;
    }

    public int routingType() {
        return buf.getUnsignedByte(start + 2);
    }

    public int segmentsLeft() {
        return buf.getUnsignedByte(start + 3);
    }

    /** Absolute index of the type-specific data (from the fifth octet of the header). */
    public int dataOffset() {
        return start + 4;
    }

    public int dataLength() {
        return headerLength() - 4;
    }

    /** Absolute index of what follows this header. */
    public int payloadOffset() {
        return start + headerLength();
    }

    /** Octets after this header in the wrapped region. */
    public int payloadLength() {
        return length - headerLength();
    }

    public ByteBuf buffer() {
        return buf;
    }

    public int offset() {
        return start;
    }

    public int length() {
        return length;
    }
}
