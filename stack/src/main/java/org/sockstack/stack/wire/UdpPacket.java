package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;

/**
 * A view over a UDP datagram (RFC 768).
 *
 * <pre>
 *  0      7 8     15 16    23 24    31
 * +--------+--------+--------+--------+
 * |     Source      |   Destination   |
 * |      Port       |      Port       |
 * +--------+--------+--------+--------+
 * |                 |                 |
 * |     Length      |    Checksum     |
 * +--------+--------+--------+--------+
 * |
 * |          data octets ...
 * +---------------- ...
 * </pre>
 *
 * <p>Length counts the header and the data. The checksum covers a pseudo-header of the IP
 * addresses, the protocol and the UDP length (RFC 768 for IPv4, RFC 8200 section 8.1 for IPv6),
 * the header and the data. Over IPv4 a zero checksum means the sender computed none; over IPv6
 * it is invalid.
 *
 * <p>Wrap it over the IP payload. After {@link #check()} returns {@link WireError#OK} no accessor
 * can read out of bounds; the payload is bounded by the Length field, not by the buffer.
 */
public final class UdpPacket {
    public static final int HEADER_LENGTH = 8;

    private ByteBuf buf;
    private int start;
    private int length;

    public UdpPacket wrap(ByteBuf buf, int offset, int length) {
        this.buf = buf;
        this.start = offset;
        this.length = length;
        return this;
    }

    /** Validates 8 &lt;= Length &lt;= buffer. */
    public WireError check() {
        if (length < HEADER_LENGTH) {
            return WireError.TRUNCATED;
        }
        int udpLength = udpLength();
        if (udpLength < HEADER_LENGTH || udpLength > length) {
            return WireError.BAD_LENGTH;
        }
        return WireError.OK;
    }

    public int srcPort() {
        return buf.getUnsignedShort(start);
    }

    public int dstPort() {
        return buf.getUnsignedShort(start + 2);
    }

    /** The Length field: header plus data, in octets. */
    public int udpLength() {
        return buf.getUnsignedShort(start + 4);
    }

    public int checksum() {
        return buf.getUnsignedShort(start + 6);
    }

    /**
     * Verifies the checksum with the IPv4 pseudo-header (RFC 768). A zero checksum means none
     * was computed and is accepted. Allocation-free.
     */
    public boolean verifyChecksumIpv4(int srcAddr, int dstAddr) {
        if (checksum() == 0) {
            return true;
        }
        int pseudo = InternetChecksum.pseudoHeaderIpv4(srcAddr, dstAddr, IpProtocol.UDP, udpLength());
        return InternetChecksum.verifies(buf, start, udpLength(), pseudo);
    }

    /**
     * Verifies the checksum with the IPv6 pseudo-header (RFC 8200 section 8.1). A zero checksum
     * is invalid over IPv6 and fails. Allocation-free.
     */
    public boolean verifyChecksumIpv6(long srcHi, long srcLo, long dstHi, long dstLo) {
        if (checksum() == 0) {
            return false;
        }
        int pseudo = InternetChecksum.pseudoHeaderIpv6(srcHi, srcLo, dstHi, dstLo, IpProtocol.UDP, udpLength());
        return InternetChecksum.verifies(buf, start, udpLength(), pseudo);
    }

    /** Absolute index of the data. */
    public int payloadOffset() {
        return start + HEADER_LENGTH;
    }

    /** Octets of data per the Length field. */
    public int payloadLength() {
        return udpLength() - HEADER_LENGTH;
    }

    public ByteBuf buffer() {
        return buf;
    }

    public int offset() {
        return start;
    }

    /** Octets in the wrapped region, possibly more than {@link #udpLength()}. */
    public int length() {
        return length;
    }
}
