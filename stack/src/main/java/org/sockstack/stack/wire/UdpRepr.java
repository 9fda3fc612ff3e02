package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;

/**
 * The meaning of a UDP header (RFC 768; layout in {@link UdpPacket}).
 *
 * <p>The checksum depends on the IP addresses, so parse and emit take them. {@code emit} expects
 * the data already in place after the header and computes the checksum over it.
 *
 * @param srcPort       source port (0 if unused, RFC 768)
 * @param dstPort       destination port
 * @param payloadLength octets of data
 */
public record UdpRepr(int srcPort, int dstPort, int payloadLength) {
    public UdpRepr {
        if ((srcPort | dstPort) >>> 16 != 0) {
            throw new IllegalArgumentException("ports are 16 bits: " + srcPort + ", " + dstPort);
        }
        if (payloadLength < 0 || payloadLength > 0xFFFF - UdpPacket.HEADER_LENGTH) {
            throw new IllegalArgumentException("payloadLength out of range: " + payloadLength);
        }
    }

    /** Parses a datagram carried over IPv4, verifying the checksum. */
    public static Parsed<UdpRepr> parse(UdpPacket p, Ipv4Address src, Ipv4Address dst) {
        return parse(p, src, dst, false);
    }

    /**
     * Parses a datagram carried over IPv4. The checksum is verified unless {@code checksumVerified}
     * (the device did it); a zero checksum means "none" and is accepted (RFC 768).
     */
    public static Parsed<UdpRepr> parse(UdpPacket p, Ipv4Address src, Ipv4Address dst, boolean checksumVerified) {
        WireError e = p.check();
        if (!e.ok()) {
            return Parsed.fail(e);
        }
        if (!checksumVerified && !p.verifyChecksumIpv4(src.bits(), dst.bits())) {
            return Parsed.fail(WireError.BAD_CHECKSUM);
        }
        return Parsed.ok(of(p));
    }

    /** Parses a datagram carried over IPv6, verifying the checksum. */
    public static Parsed<UdpRepr> parse(UdpPacket p, Ipv6Address src, Ipv6Address dst) {
        return parse(p, src, dst, false);
    }

    /**
     * Parses a datagram carried over IPv6. The checksum is verified unless {@code checksumVerified};
     * a zero checksum is always rejected (RFC 8200 section 8.1).
     */
    public static Parsed<UdpRepr> parse(UdpPacket p, Ipv6Address src, Ipv6Address dst, boolean checksumVerified) {
        WireError e = p.check();
        if (!e.ok()) {
            return Parsed.fail(e);
        }
        if (p.checksum() == 0) {
            return Parsed.fail(WireError.BAD_CHECKSUM);
        }
        if (!checksumVerified && !p.verifyChecksumIpv6(src.hi(), src.lo(), dst.hi(), dst.lo())) {
            return Parsed.fail(WireError.BAD_CHECKSUM);
        }
        return Parsed.ok(of(p));
    }

    private static UdpRepr of(UdpPacket p) {
        return new UdpRepr(p.srcPort(), p.dstPort(), p.payloadLength());
    }

    /** Header octets {@link #emit} writes. */
    public int bufferLength() {
        return UdpPacket.HEADER_LENGTH;
    }

    /** The Length field: header plus data. */
    public int udpLength() {
        return UdpPacket.HEADER_LENGTH + payloadLength;
    }

    /** Writes the header at absolute {@code offset} with the IPv4 checksum; the data must already follow it. */
    public void emit(ByteBuf buf, int offset, Ipv4Address src, Ipv4Address dst) {
        emitIpv4(buf, offset, srcPort, dstPort, payloadLength, src.bits(), dst.bits());
    }

    /** Writes the header at absolute {@code offset} with the IPv6 checksum; the data must already follow it. */
    public void emit(ByteBuf buf, int offset, Ipv6Address src, Ipv6Address dst) {
        emitIpv6(buf, offset, srcPort, dstPort, payloadLength, src.hi(), src.lo(), dst.hi(), dst.lo());
    }

    /** Allocation-free emission over IPv4 for the transmit path. */
    public static void emitIpv4(ByteBuf buf, int offset, int srcPort, int dstPort, int payloadLength,
                                int srcAddr, int dstAddr) {
        int udpLength = writeHeader(buf, offset, srcPort, dstPort, payloadLength);
        int pseudo = InternetChecksum.pseudoHeaderIpv4(srcAddr, dstAddr, IpProtocol.UDP, udpLength);
        writeChecksum(buf, offset, udpLength, pseudo);
    }

    /** Allocation-free emission over IPv6 for the transmit path. */
    public static void emitIpv6(ByteBuf buf, int offset, int srcPort, int dstPort, int payloadLength,
                                long srcHi, long srcLo, long dstHi, long dstLo) {
        int udpLength = writeHeader(buf, offset, srcPort, dstPort, payloadLength);
        int pseudo = InternetChecksum.pseudoHeaderIpv6(srcHi, srcLo, dstHi, dstLo, IpProtocol.UDP, udpLength);
        writeChecksum(buf, offset, udpLength, pseudo);
    }

    private static int writeHeader(ByteBuf buf, int offset, int srcPort, int dstPort, int payloadLength) {
        int udpLength = UdpPacket.HEADER_LENGTH + payloadLength;
        buf.setShort(offset, srcPort);
        buf.setShort(offset + 2, dstPort);
        buf.setShort(offset + 4, udpLength);
        buf.setShort(offset + 6, 0);
        return udpLength;
    }

    private static void writeChecksum(ByteBuf buf, int offset, int udpLength, int pseudo) {
        int checksum = InternetChecksum.finish(InternetChecksum.add(buf, offset, udpLength, pseudo));
        // RFC 768: a computed zero is sent as all ones (zero means "no checksum").
        buf.setShort(offset + 6, checksum == 0 ? 0xFFFF : checksum);
    }

    @Override
    public String toString() {
        return "UDP " + srcPort + " > " + dstPort + " len " + payloadLength;
    }
}
