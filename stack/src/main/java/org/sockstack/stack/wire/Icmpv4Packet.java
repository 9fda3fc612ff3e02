package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;

/**
 * A view over an ICMP message for IPv4 (RFC 792, host rules in RFC 1122 section 3.2.2).
 * Every message starts with the same 8 octets; the second word depends on the type:
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |     Code      |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  echo (0, 8):     Identifier  |       Sequence Number         |
 * |  unreachable (3): unused      |  Next-Hop MTU (code 4, 1191)  |
 * |  redirect (5):         Gateway Internet Address               |
 * |  time exceeded (11):          unused                          |
 * |  param problem (12): Pointer  |           unused              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  echo: Data ...   errors: Internet Header + 64 bits of Original
 * |                            Data Datagram (the invoking packet)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-
 * </pre>
 *
 * <p>The checksum covers the whole ICMP message, with no pseudo-header (RFC 792). The view is
 * wrapped with absolute offsets: the IPv4 layer passes the payload offset and length.
 */
public final class Icmpv4Packet {
    /** Type, code, checksum and the 4-octet second word. */
    public static final int HEADER_LENGTH = 8;

    public static final int TYPE_ECHO_REPLY = 0;
    public static final int TYPE_DESTINATION_UNREACHABLE = 3;
    public static final int TYPE_SOURCE_QUENCH = 4;
    public static final int TYPE_REDIRECT = 5;
    public static final int TYPE_ECHO_REQUEST = 8;
    public static final int TYPE_TIME_EXCEEDED = 11;
    public static final int TYPE_PARAMETER_PROBLEM = 12;

    /** Destination Unreachable codes (RFC 792, RFC 1122 section 3.2.2.1, RFC 1812 section 5.2.7.1). */
    public static final int CODE_NET_UNREACHABLE = 0;
    public static final int CODE_HOST_UNREACHABLE = 1;
    public static final int CODE_PROTOCOL_UNREACHABLE = 2;
    public static final int CODE_PORT_UNREACHABLE = 3;
    public static final int CODE_FRAGMENTATION_NEEDED = 4;
    public static final int CODE_SOURCE_ROUTE_FAILED = 5;
    public static final int CODE_DESTINATION_NETWORK_UNKNOWN = 6;
    public static final int CODE_DESTINATION_HOST_UNKNOWN = 7;
    public static final int CODE_COMMUNICATION_ADMINISTRATIVELY_PROHIBITED = 13;

    /** Time Exceeded codes (RFC 792). */
    public static final int CODE_TTL_EXCEEDED_IN_TRANSIT = 0;
    public static final int CODE_FRAGMENT_REASSEMBLY_TIME_EXCEEDED = 1;

    /** Redirect codes (RFC 792). */
    public static final int CODE_REDIRECT_NET = 0;
    public static final int CODE_REDIRECT_HOST = 1;
    public static final int CODE_REDIRECT_TOS_NET = 2;
    public static final int CODE_REDIRECT_TOS_HOST = 3;

    /** Parameter Problem codes (RFC 792, RFC 1122 section 3.2.2.5, RFC 1812 section 5.2.7.3). */
    public static final int CODE_POINTER_INDICATES_ERROR = 0;
    public static final int CODE_MISSING_REQUIRED_OPTION = 1;
    public static final int CODE_BAD_LENGTH = 2;

    private ByteBuf buf;
    private int start;
    private int length;

    public Icmpv4Packet wrap(ByteBuf buf, int offset, int length) {
        this.buf = buf;
        this.start = offset;
        this.length = length;
        return this;
    }

    /** Only the fixed 8 octets are required; what follows is type-specific data of any length. */
    public WireError check() {
        if (length < HEADER_LENGTH || start < 0 || start + length > buf.capacity()) {
            return WireError.TRUNCATED;
        }
        return WireError.OK;
    }

    public ByteBuf buffer() {
        return buf;
    }

    public int offset() {
        return start;
    }

    /** The length of the whole ICMP message. */
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

    /** True if the checksum over the whole message verifies (RFC 792, RFC 1071). */
    public boolean verifyChecksum() {
        return InternetChecksum.verifies(buf, start, length, 0);
    }

    /** The second word as a whole (the "rest of header"). */
    public int restOfHeader() {
        return buf.getInt(start + 4);
    }

    /** Echo / Echo Reply: the identifier. */
    public int identifier() {
        return buf.getUnsignedShort(start + 4);
    }

    /** Echo / Echo Reply: the sequence number. */
    public int sequenceNumber() {
        return buf.getUnsignedShort(start + 6);
    }

    /** Destination Unreachable code 4: the Next-Hop MTU, the low 16 bits of the second word (RFC 1191 section 4). */
    public int nextHopMtu() {
        return buf.getUnsignedShort(start + 6);
    }

    /** Redirect: the gateway to use instead. */
    public int gatewayAddr() {
        return buf.getInt(start + 4);
    }

    /** Parameter Problem: the octet in the invoking datagram where the error was found. */
    public int pointer() {
        return buf.getUnsignedByte(start + 4);
    }

    /**
     * Absolute index of what follows the 8-octet header: echo data, or for error messages the
     * invoking datagram (its IP header and at least 8 octets of its payload, RFC 1122 section 3.2.2).
     */
    public int dataOffset() {
        return start + HEADER_LENGTH;
    }

    public int dataLength() {
        return length - HEADER_LENGTH;
    }

    /** True for the error messages that quote an invoking datagram (RFC 1122 section 3.2.2). */
    public static boolean isError(int type) {
        return type == TYPE_DESTINATION_UNREACHABLE || type == TYPE_SOURCE_QUENCH || type == TYPE_REDIRECT
                || type == TYPE_TIME_EXCEEDED || type == TYPE_PARAMETER_PROBLEM;
    }
}
