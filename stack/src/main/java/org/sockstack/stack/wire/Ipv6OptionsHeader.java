package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;

/**
 * A view over an IPv6 Hop-by-Hop Options header (RFC 8200 section 4.3, Next Header value 0) or
 * Destination Options header (section 4.6, value 60): the two share one format.
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Next Header  |  Hdr Ext Len  |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |                                                               |
 * .                                                               .
 * .                            Options                            .
 * .                                                               .
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Hdr Ext Len counts 8-octet units after the first 8 octets, so the header is
 * (Hdr Ext Len + 1) * 8 octets. Options are read with an {@link Ipv6OptionIterator}.
 *
 * <p>Wrap it over everything from the header to the end of the IPv6 payload; after
 * {@link #check()} returns {@link WireError#OK} no accessor can read out of bounds, and
 * {@link #payloadOffset()} is where the next header starts.
 */
public final class Ipv6OptionsHeader {
    /** The smallest header: Next Header, Hdr Ext Len and 6 octets of options. */
    public static final int MIN_LENGTH = 8;

    private final Ipv6OptionIterator checker = new Ipv6OptionIterator();
    private ByteBuf buf;
    private int start;
    private int length;

    public Ipv6OptionsHeader wrap(ByteBuf buf, int offset, int length) {
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

    /**
     * Walks the options (only after {@link #check()}): {@link WireError#BAD_OPTION} if one runs
     * past the header end or a known option has the wrong data length (RFC 2711 Router Alert 2,
     * RFC 2675 Jumbo Payload 4, RFC 2473 Tunnel Encapsulation Limit 1). Allocation-free.
     */
    public WireError checkOptions() {
        Ipv6OptionIterator it = options(checker);
        while (it.next()) {
            int expected = switch (it.type()) {
                case Ipv6OptionIterator.ROUTER_ALERT -> 2;
                case Ipv6OptionIterator.JUMBO_PAYLOAD -> 4;
                case Ipv6OptionIterator.TUNNEL_ENCAPSULATION_LIMIT -> 1;
                default -> -1;
            };
            if (expected >= 0 && it.dataLength() != expected) {
                return WireError.BAD_OPTION;
            }
        }
        return it.error();
    }

    /** Points {@code it} at this header's options and returns it. */
    public Ipv6OptionIterator options(Ipv6OptionIterator it) {
        return it.wrap(buf, optionsOffset(), optionsLength());
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

    /** Absolute index of the first option. */
    public int optionsOffset() {
        return start + 2;
    }

    public int optionsLength() {
        return headerLength() - 2;
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
