package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;

/**
 * A view over an IPv4 packet (RFC 791 section 3.1).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version|  IHL  |    DSCP   |ECN|          Total Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Identification        |Flags|      Fragment Offset    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Time to Live |    Protocol   |         Header Checksum       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Source Address                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Destination Address                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options                    |    Padding    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>The old Type of Service octet is DSCP (RFC 2474) plus ECN (RFC 3168). Flags are, from the
 * most significant bit: reserved (must be zero), DF (Don't Fragment), MF (More Fragments). IHL
 * counts 32-bit words, Fragment Offset counts 8-octet units.
 *
 * <p>A flyweight: {@link #wrap} re-targets it. After {@link #check()} returns {@link WireError#OK}
 * no accessor can read out of bounds. The buffer may be longer than Total Length (Ethernet pads
 * short frames): {@link #payloadLength()} follows Total Length, never the buffer.
 */
public final class Ipv4Packet {
    /** Length of a header without options. */
    public static final int MIN_HEADER_LENGTH = 20;
    /** IHL is 4 bits of 32-bit words: at most 60 octets, so at most 40 octets of options. */
    public static final int MAX_HEADER_LENGTH = 60;
    public static final int VERSION = 4;
    /** The largest datagram: Total Length is 16 bits (RFC 791 section 3.1). */
    public static final int MAX_TOTAL_LENGTH = 0xFFFF;
    static final int FLAG_RESERVED = 0x8000;
    static final int FLAG_DF = 0x4000;
    static final int FLAG_MF = 0x2000;
    static final int FRAGMENT_OFFSET_MASK = 0x1FFF;

    private final Ipv4OptionIterator checker = new Ipv4OptionIterator();
    private ByteBuf buf;
    private int start;
    private int length;

    public Ipv4Packet wrap(ByteBuf buf, int offset, int length) {
        this.buf = buf;
        this.start = offset;
        this.length = length;
        return this;
    }

    /**
     * Validates version and lengths: version 4, IHL at least 5, the header within the buffer,
     * and IHL * 4 &lt;= Total Length &lt;= buffer. Afterwards every accessor is safe. Does not
     * verify the checksum ({@link #verifyChecksum()}) or the options ({@link #checkOptions()}).
     */
    public WireError check() {
        if (length < MIN_HEADER_LENGTH) {
            return WireError.TRUNCATED;
        }
        if (version() != VERSION) {
            return WireError.BAD_VERSION;
        }
        int headerLength = headerLength();
        if (headerLength < MIN_HEADER_LENGTH || headerLength > length) {
            return WireError.BAD_LENGTH;
        }
        int totalLength = totalLength();
        if (totalLength < headerLength || totalLength > length) {
            return WireError.BAD_LENGTH;
        }
        return WireError.OK;
    }

    /**
     * True if the header checksum verifies: the ones' complement sum over the whole header,
     * checksum field included, is all ones (RFC 791 section 3.1, RFC 1071). Allocation-free.
     */
    public boolean verifyChecksum() {
        return InternetChecksum.verifies(buf, start, headerLength(), 0);
    }

    /**
     * Walks the options (only after {@link #check()}): {@link WireError#BAD_OPTION} if one is
     * malformed (length 0 or 1, past the header end) or a known option has an impossible shape
     * (RFC 791 pointers, RFC 2113 Router Alert length). Allocation-free.
     */
    public WireError checkOptions() {
        Ipv4OptionIterator it = options(checker);
        while (it.next()) {
            if (!knownOptionShapeOk(it)) {
                return WireError.BAD_OPTION;
            }
        }
        return it.error();
    }

    private boolean knownOptionShapeOk(Ipv4OptionIterator it) {
        int len = it.optionLength();
        return switch (it.type()) {
            // RFC 791: the route pointer is relative to the option start; smallest legal value 4.
            case Ipv4OptionIterator.RECORD_ROUTE, Ipv4OptionIterator.LOOSE_SOURCE_ROUTE,
                 Ipv4OptionIterator.STRICT_SOURCE_ROUTE -> len >= 3 && buf.getUnsignedByte(it.optionOffset() + 2) >= 4;
            // RFC 791: the timestamp pointer's smallest legal value is 5.
            case Ipv4OptionIterator.TIMESTAMP -> len >= 4 && buf.getUnsignedByte(it.optionOffset() + 2) >= 5;
            // RFC 2113 section 2.1: type 148, length 4, a two-octet value.
            case Ipv4OptionIterator.ROUTER_ALERT -> len == 4;
            default -> true;
        };
    }

    /** Points {@code it} at this header's options and returns it. */
    public Ipv4OptionIterator options(Ipv4OptionIterator it) {
        return it.wrap(buf, optionsOffset(), optionsLength());
    }

    public int version() {
        return buf.getUnsignedByte(start) >>> 4;
    }

    /** Internet Header Length in 32-bit words. */
    public int ihl() {
        return buf.getUnsignedByte(start) & 0x0F;
    }

    /** Header length in octets (IHL * 4). */
    public int headerLength() {
        return ihl() * 4;
    }

    /** The whole former Type of Service octet: DSCP and ECN. */
    public int tos() {
        return buf.getUnsignedByte(start + 1);
    }

    /** Differentiated Services Code Point (RFC 2474 section 3). */
    public int dscp() {
        return tos() >>> 2;
    }

    /** Explicit Congestion Notification (RFC 3168 section 5): 0 Not-ECT, 1 ECT(1), 2 ECT(0), 3 CE. */
    public int ecn() {
        return tos() & 0x3;
    }

    /** Total Length: header and data in octets. */
    public int totalLength() {
        return buf.getUnsignedShort(start + 2);
    }

    public int identification() {
        return buf.getUnsignedShort(start + 4);
    }

    /** The 3 flag bits: reserved, DF, MF (so DF is 2, MF is 1). */
    public int flags() {
        return buf.getUnsignedShort(start + 6) >>> 13;
    }

    /** The reserved flag bit, which senders must leave zero. */
    public boolean reservedFlag() {
        return (buf.getUnsignedShort(start + 6) & FLAG_RESERVED) != 0;
    }

    public boolean dontFragment() {
        return (buf.getUnsignedShort(start + 6) & FLAG_DF) != 0;
    }

    public boolean moreFragments() {
        return (buf.getUnsignedShort(start + 6) & FLAG_MF) != 0;
    }

    /** Where this fragment's data sits in the original datagram, in octets (field * 8). */
    public int fragmentOffset() {
        return (buf.getUnsignedShort(start + 6) & FRAGMENT_OFFSET_MASK) * 8;
    }

    /** True if this is a fragment: more follow, or it does not start the datagram (RFC 791 section 3.2). */
    public boolean isFragment() {
        return (buf.getUnsignedShort(start + 6) & (FLAG_MF | FRAGMENT_OFFSET_MASK)) != 0;
    }

    public int ttl() {
        return buf.getUnsignedByte(start + 8);
    }

    /** The payload's protocol ({@link IpProtocol}). */
    public int protocol() {
        return buf.getUnsignedByte(start + 9);
    }

    public int headerChecksum() {
        return buf.getUnsignedShort(start + 10);
    }

    public int srcAddr() {
        return buf.getInt(start + 12);
    }

    public int dstAddr() {
        return buf.getInt(start + 16);
    }

    /** Absolute index of the options area (it may be empty). */
    public int optionsOffset() {
        return start + MIN_HEADER_LENGTH;
    }

    /** Octets of options and padding. */
    public int optionsLength() {
        return headerLength() - MIN_HEADER_LENGTH;
    }

    /** Absolute index of the payload in the buffer. */
    public int payloadOffset() {
        return start + headerLength();
    }

    /** Octets of payload per Total Length (link-layer padding excluded). */
    public int payloadLength() {
        return totalLength() - headerLength();
    }

    public ByteBuf buffer() {
        return buf;
    }

    public int offset() {
        return start;
    }

    /** Octets in the wrapped region, possibly more than {@link #totalLength()}. */
    public int length() {
        return length;
    }
}
