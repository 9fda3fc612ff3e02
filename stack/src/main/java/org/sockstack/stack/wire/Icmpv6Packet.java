package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;

/**
 * A view over an ICMPv6 message (RFC 4443), including the Neighbor Discovery messages
 * (RFC 4861) and the Multicast Listener Discovery messages (MLDv1 RFC 2710, MLDv2 RFC 3810).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |     Code      |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +                         Message Body                          +
 * </pre>
 *
 * Message bodies (offsets from the start of the message):
 * <pre>
 * echo 128/129:         4 Identifier(16) 6 Sequence Number(16) 8 Data
 * unreachable 1:        4 Unused(32)                            8 as much of invoking packet as fits
 * packet too big 2:     4 MTU(32)                               8 invoking packet
 * time exceeded 3:      4 Unused(32)                            8 invoking packet
 * param problem 4:      4 Pointer(32)                           8 invoking packet
 * router solicit 133:   4 Reserved(32)                          8 options
 * router advert 134:    4 Cur Hop Limit(8) 5 M|O|Reserved(8) 6 Router Lifetime(16)
 *                       8 Reachable Time(32) 12 Retrans Timer(32) 16 options
 * neighbor solicit 135: 4 Reserved(32) 8 Target Address(128)   24 options
 * neighbor advert 136:  4 R|S|O|Reserved(32) 8 Target Address  24 options
 * redirect 137:         4 Reserved(32) 8 Target Address 24 Destination Address 40 options
 * MLD query 130, report 131, done 132 (MLDv1, 24 octets):
 *                       4 Maximum Response Delay(16) 6 Reserved 8 Multicast Address(128)
 * MLDv2 query 130 (28 + 16N octets):
 *                       4 Maximum Response Code(16) 6 Reserved 8 Multicast Address
 *                       24 Resv(4)|S(1)|QRV(3) 25 QQIC(8) 26 Number of Sources (N)(16) 28 sources
 * MLDv2 report 143:     4 Reserved(16) 6 Nr of Mcast Address Records (M)(16) 8 records
 * </pre>
 *
 * NDP options (RFC 4861 section 4.6) are a type, a length in units of 8 octets, and a body:
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |    Length     |              ...              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * MLDv2 Multicast Address Records (RFC 3810 section 5.2.4):
 * <pre>
 * 0 Record Type(8) 1 Aux Data Len(8, in 32-bit words) 2 Number of Sources (N)(16)
 * 4 Multicast Address(128) 20 N Source Addresses(128 each), then Aux Data Len * 4 octets
 * </pre>
 *
 * <p>{@link #check()} validates the layout of the message type once: the fixed part, every NDP
 * option's length (zero or past the end is {@link WireError#BAD_OPTION}), the MLDv2 source
 * counts and records. After it returns OK, no accessor reads outside the message. The walks over
 * options and records are allocation-free: they hand out absolute indices.
 *
 * <p>The checksum covers the IPv6 pseudo-header (RFC 4443 section 2.3, next header 58) and the
 * whole message.
 */
public final class Icmpv6Packet {
    public static final int HEADER_LENGTH = 8;
    /** The IPv6 next header value of ICMPv6 (RFC 4443). */
    public static final int NEXT_HEADER = 58;

    public static final int TYPE_DESTINATION_UNREACHABLE = 1;
    public static final int TYPE_PACKET_TOO_BIG = 2;
    public static final int TYPE_TIME_EXCEEDED = 3;
    public static final int TYPE_PARAMETER_PROBLEM = 4;
    public static final int TYPE_ECHO_REQUEST = 128;
    public static final int TYPE_ECHO_REPLY = 129;
    public static final int TYPE_MLD_QUERY = 130;
    public static final int TYPE_MLD_REPORT = 131;
    public static final int TYPE_MLD_DONE = 132;
    public static final int TYPE_ROUTER_SOLICITATION = 133;
    public static final int TYPE_ROUTER_ADVERTISEMENT = 134;
    public static final int TYPE_NEIGHBOR_SOLICITATION = 135;
    public static final int TYPE_NEIGHBOR_ADVERTISEMENT = 136;
    public static final int TYPE_REDIRECT = 137;
    public static final int TYPE_MLDV2_REPORT = 143;

    /** Destination Unreachable codes (RFC 4443 section 3.1). */
    public static final int CODE_NO_ROUTE = 0;
    public static final int CODE_ADMINISTRATIVELY_PROHIBITED = 1;
    public static final int CODE_BEYOND_SCOPE = 2;
    public static final int CODE_ADDRESS_UNREACHABLE = 3;
    public static final int CODE_PORT_UNREACHABLE = 4;
    public static final int CODE_SOURCE_ADDRESS_FAILED_POLICY = 5;
    public static final int CODE_REJECT_ROUTE = 6;

    /** Time Exceeded codes (RFC 4443 section 3.3). */
    public static final int CODE_HOP_LIMIT_EXCEEDED = 0;
    public static final int CODE_FRAGMENT_REASSEMBLY_TIME_EXCEEDED = 1;

    /** Parameter Problem codes (RFC 4443 section 3.4). */
    public static final int CODE_ERRONEOUS_HEADER_FIELD = 0;
    public static final int CODE_UNRECOGNIZED_NEXT_HEADER = 1;
    public static final int CODE_UNRECOGNIZED_IPV6_OPTION = 2;

    /** NDP option types (RFC 4861 section 4.6). */
    public static final int OPTION_SOURCE_LINK_LAYER_ADDRESS = 1;
    public static final int OPTION_TARGET_LINK_LAYER_ADDRESS = 2;
    public static final int OPTION_PREFIX_INFORMATION = 3;
    public static final int OPTION_REDIRECTED_HEADER = 4;
    public static final int OPTION_MTU = 5;

    /** Fixed lengths before the options / records. */
    public static final int MLDV1_LENGTH = 24;
    public static final int MLDV2_QUERY_MIN_LENGTH = 28;
    public static final int MLDV2_RECORD_HEADER_LENGTH = 20;

    private ByteBuf buf;
    private int start;
    private int length;

    public Icmpv6Packet wrap(ByteBuf buf, int offset, int length) {
        this.buf = buf;
        this.start = offset;
        this.length = length;
        return this;
    }

    public WireError check() {
        if (length < HEADER_LENGTH || start < 0 || start + length > buf.capacity()) {
            return WireError.TRUNCATED;
        }
        return switch (msgType()) {
            case TYPE_ROUTER_SOLICITATION, TYPE_ROUTER_ADVERTISEMENT, TYPE_NEIGHBOR_SOLICITATION,
                 TYPE_NEIGHBOR_ADVERTISEMENT, TYPE_REDIRECT -> checkNdp();
            case TYPE_MLD_QUERY -> checkMldQuery();
            case TYPE_MLD_REPORT, TYPE_MLD_DONE -> length < MLDV1_LENGTH ? WireError.TRUNCATED : WireError.OK;
            case TYPE_MLDV2_REPORT -> checkMldv2Report();
            default -> WireError.OK;
        };
    }

    /** RFC 4861 section 6.1 / 7.1: the fixed part is there and every option has a length within the message. */
    private WireError checkNdp() {
        int first = ndpOptionsOffset();
        if (first > start + length) {
            return WireError.TRUNCATED;
        }
        int end = start + length;
        for (int at = first; at < end; ) {
            if (at + 2 > end) {
                return WireError.BAD_OPTION;
            }
            int units = buf.getUnsignedByte(at + 1);
            // RFC 4861 section 4.6: "The value 0 is invalid. Nodes MUST silently discard an ND
            // packet that contains an option with length zero."
            if (units == 0 || at + units * 8 > end) {
                return WireError.BAD_OPTION;
            }
            if (!optionLengthFits(buf.getUnsignedByte(at), units)) {
                return WireError.BAD_OPTION;
            }
            at += units * 8;
        }
        return WireError.OK;
    }

    /** Known options have a fixed size on Ethernet; checking it here keeps the option accessors in bounds. */
    private static boolean optionLengthFits(int type, int units) {
        return switch (type) {
            // RFC 2464 section 6: an Ethernet link-layer address option is 8 octets.
            case OPTION_SOURCE_LINK_LAYER_ADDRESS, OPTION_TARGET_LINK_LAYER_ADDRESS -> units == 1;
            case OPTION_PREFIX_INFORMATION -> units == 4;    // RFC 4861 section 4.6.2
            case OPTION_MTU -> units == 1;                   // RFC 4861 section 4.6.4
            default -> true;                                 // redirected header, unknown: any length
        };
    }

    /** RFC 3810 section 8.1: 24 octets is MLDv1, 28 or more MLDv2, anything else is ignored. */
    private WireError checkMldQuery() {
        if (length < MLDV1_LENGTH) {
            return WireError.TRUNCATED;
        }
        if (length == MLDV1_LENGTH) {
            return WireError.OK;
        }
        if (length < MLDV2_QUERY_MIN_LENGTH) {
            return WireError.BAD_LENGTH;
        }
        if (length < MLDV2_QUERY_MIN_LENGTH + 16 * mldNumberOfSources()) {
            return WireError.BAD_LENGTH;
        }
        return WireError.OK;
    }

    /** Every Multicast Address Record, with its sources and auxiliary data, lies within the message. */
    private WireError checkMldv2Report() {
        if (length < HEADER_LENGTH) {
            return WireError.TRUNCATED;
        }
        int end = start + length;
        int at = firstMldv2Record();
        for (int i = 0; i < mldv2NumberOfRecords(); i++) {
            if (at + MLDV2_RECORD_HEADER_LENGTH > end) {
                return WireError.BAD_LENGTH;
            }
            at = nextMldv2Record(at);
            if (at > end) {
                return WireError.BAD_LENGTH;
            }
        }
        return WireError.OK;
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

    public int msgType() {
        return buf.getUnsignedByte(start);
    }

    public int code() {
        return buf.getUnsignedByte(start + 1);
    }

    public int checksum() {
        return buf.getUnsignedShort(start + 2);
    }

    /** RFC 4443 section 2.3: the checksum covers the pseudo-header (next header 58) and the message. */
    public boolean verifyChecksum(Ipv6Address src, Ipv6Address dst) {
        int pseudo = InternetChecksum.pseudoHeaderIpv6(src, dst, NEXT_HEADER, length);
        return InternetChecksum.verifies(buf, start, length, pseudo);
    }

    /** True for error messages (types 0..127, RFC 4443 section 2.1). */
    public static boolean isError(int type) {
        return type < 128;
    }

    // ---- echo and error messages (RFC 4443) ----

    public int identifier() {
        return buf.getUnsignedShort(start + 4);
    }

    public int sequenceNumber() {
        return buf.getUnsignedShort(start + 6);
    }

    /** Packet Too Big: the MTU of the next-hop link (RFC 4443 section 3.2). */
    public long mtu() {
        return buf.getUnsignedInt(start + 4);
    }

    /** Parameter Problem: offset of the error in the invoking packet (RFC 4443 section 3.4). */
    public long pointer() {
        return buf.getUnsignedInt(start + 4);
    }

    /** Echo data, or the invoking packet of an error message. */
    public int dataOffset() {
        return start + HEADER_LENGTH;
    }

    public int dataLength() {
        return length - HEADER_LENGTH;
    }

    // ---- NDP (RFC 4861 section 4) ----

    /** Router Advertisement: the hop limit hosts should use, 0 if unspecified. */
    public int curHopLimit() {
        return buf.getUnsignedByte(start + 4);
    }

    /** Router Advertisement M flag: addresses are available via DHCPv6. */
    public boolean managedFlag() {
        return (buf.getUnsignedByte(start + 5) & 0x80) != 0;
    }

    /** Router Advertisement O flag: other configuration is available via DHCPv6. */
    public boolean otherFlag() {
        return (buf.getUnsignedByte(start + 5) & 0x40) != 0;
    }

    /** Router Advertisement: seconds this router is a default router, 0 if not one. */
    public int routerLifetime() {
        return buf.getUnsignedShort(start + 6);
    }

    /** Router Advertisement: milliseconds, 0 if unspecified. */
    public long reachableTime() {
        return buf.getUnsignedInt(start + 8);
    }

    /** Router Advertisement: milliseconds between retransmitted solicitations, 0 if unspecified. */
    public long retransTimer() {
        return buf.getUnsignedInt(start + 12);
    }

    /** Neighbor Advertisement R flag: the sender is a router. */
    public boolean routerFlag() {
        return (buf.getUnsignedByte(start + 4) & 0x80) != 0;
    }

    /** Neighbor Advertisement S flag: sent in response to a solicitation. */
    public boolean solicitedFlag() {
        return (buf.getUnsignedByte(start + 4) & 0x40) != 0;
    }

    /** Neighbor Advertisement O flag: override an existing cache entry. */
    public boolean overrideFlag() {
        return (buf.getUnsignedByte(start + 4) & 0x20) != 0;
    }

    /** NS / NA / Redirect target address, high half. */
    public long targetAddrHi() {
        return buf.getLong(start + 8);
    }

    public long targetAddrLo() {
        return buf.getLong(start + 16);
    }

    /** Redirect destination address, high half. */
    public long destinationAddrHi() {
        return buf.getLong(start + 24);
    }

    public long destinationAddrLo() {
        return buf.getLong(start + 32);
    }

    /** Absolute index of the first NDP option (the end of the fixed part for this message type). */
    public int ndpOptionsOffset() {
        return start + switch (msgType()) {
            case TYPE_ROUTER_ADVERTISEMENT -> 16;
            case TYPE_NEIGHBOR_SOLICITATION, TYPE_NEIGHBOR_ADVERTISEMENT -> 24;
            case TYPE_REDIRECT -> 40;
            default -> 8;
        };
    }

    /** Absolute index just past the last option. Walk: {@code for (at = ndpOptionsOffset(); at < end(); at = nextOption(at))}. */
    public int end() {
        return start + length;
    }

    public int optionType(int at) {
        return buf.getUnsignedByte(at);
    }

    /** The option's length in octets (the wire field counts units of 8 octets). */
    public int optionLength(int at) {
        return buf.getUnsignedByte(at + 1) * 8;
    }

    public int nextOption(int at) {
        return at + optionLength(at);
    }

    /** Source / Target Link-Layer Address option: the MAC address (RFC 4861 section 4.6.1, RFC 2464 section 6). */
    public long optionLinkLayerAddr(int at) {
        return MacAddress.read(buf, at + 2);
    }

    /** Prefix Information option (RFC 4861 section 4.6.2). */
    public int optionPrefixLength(int at) {
        return buf.getUnsignedByte(at + 2);
    }

    /** Prefix Information L flag: the prefix is on-link. */
    public boolean optionOnLinkFlag(int at) {
        return (buf.getUnsignedByte(at + 3) & 0x80) != 0;
    }

    /** Prefix Information A flag: usable for stateless address autoconfiguration (RFC 4862). */
    public boolean optionAutonomousFlag(int at) {
        return (buf.getUnsignedByte(at + 3) & 0x40) != 0;
    }

    /** Prefix Information valid lifetime in seconds (0xffffffff is infinity). */
    public long optionValidLifetime(int at) {
        return buf.getUnsignedInt(at + 4);
    }

    public long optionPreferredLifetime(int at) {
        return buf.getUnsignedInt(at + 8);
    }

    public long optionPrefixHi(int at) {
        return buf.getLong(at + 16);
    }

    public long optionPrefixLo(int at) {
        return buf.getLong(at + 24);
    }

    /** MTU option (RFC 4861 section 4.6.4). */
    public long optionMtu(int at) {
        return buf.getUnsignedInt(at + 4);
    }

    /** Redirected Header option (RFC 4861 section 4.6.3): the quoted packet starts after 8 octets. */
    public int optionRedirectedPacketOffset(int at) {
        return at + 8;
    }

    public int optionRedirectedPacketLength(int at) {
        return optionLength(at) - 8;
    }

    // ---- MLD (RFC 2710, RFC 3810) ----

    /** MLDv1 query: the Maximum Response Delay in milliseconds; MLDv2: the Maximum Response Code. */
    public int mldMaximumResponse() {
        return buf.getUnsignedShort(start + 4);
    }

    public long mldMulticastAddrHi() {
        return buf.getLong(start + 8);
    }

    public long mldMulticastAddrLo() {
        return buf.getLong(start + 16);
    }

    /** True for an MLDv2 query (28 or more octets, RFC 3810 section 8.1); false for MLDv1. */
    public boolean isMldv2Query() {
        return msgType() == TYPE_MLD_QUERY && length >= MLDV2_QUERY_MIN_LENGTH;
    }

    /** MLDv2 query S flag: Suppress Router-Side Processing. */
    public boolean mldSuppressFlag() {
        return (buf.getUnsignedByte(start + 24) & 0x08) != 0;
    }

    /** MLDv2 query QRV: Querier's Robustness Variable. */
    public int mldQrv() {
        return buf.getUnsignedByte(start + 24) & 0x07;
    }

    /** MLDv2 query QQIC: Querier's Query Interval Code. */
    public int mldQqic() {
        return buf.getUnsignedByte(start + 25);
    }

    public int mldNumberOfSources() {
        return buf.getUnsignedShort(start + 26);
    }

    /** Absolute index of the MLDv2 query's i-th source address. */
    public int mldSourceOffset(int i) {
        return start + MLDV2_QUERY_MIN_LENGTH + 16 * i;
    }

    public int mldv2NumberOfRecords() {
        return buf.getUnsignedShort(start + 6);
    }

    public int firstMldv2Record() {
        return start + 8;
    }

    public int mldv2RecordType(int at) {
        return buf.getUnsignedByte(at);
    }

    /** Aux Data Len in octets (the wire field counts 32-bit words). */
    public int mldv2RecordAuxDataLength(int at) {
        return buf.getUnsignedByte(at + 1) * 4;
    }

    public int mldv2RecordNumberOfSources(int at) {
        return buf.getUnsignedShort(at + 2);
    }

    public long mldv2RecordMulticastAddrHi(int at) {
        return buf.getLong(at + 4);
    }

    public long mldv2RecordMulticastAddrLo(int at) {
        return buf.getLong(at + 12);
    }

    public int mldv2RecordSourceOffset(int at, int i) {
        return at + MLDV2_RECORD_HEADER_LENGTH + 16 * i;
    }

    public int mldv2RecordAuxDataOffset(int at) {
        return mldv2RecordSourceOffset(at, mldv2RecordNumberOfSources(at));
    }

    public int nextMldv2Record(int at) {
        return mldv2RecordAuxDataOffset(at) + mldv2RecordAuxDataLength(at);
    }
}
