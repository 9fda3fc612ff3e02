package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;
import java.util.Objects;

/**
 * The meaning of an IPv4 header (RFC 791 section 3.1). See {@link Ipv4Packet} for the layout.
 *
 * <p>Options are kept as the raw options area (type-length-value octets, as in the header):
 * parse copies the whole area including padding, emit writes them back and pads to a 32-bit
 * boundary with End of Option List octets (zero), so a parsed header re-emits octet for octet.
 *
 * @param src            source address
 * @param dst            destination address
 * @param protocol       the payload's protocol ({@link IpProtocol})
 * @param payloadLength  octets after the header (Total Length minus header length)
 * @param ttl            Time to Live
 * @param dscp           Differentiated Services Code Point (RFC 2474), 0..63
 * @param ecn            ECN codepoint (RFC 3168), 0..3
 * @param identification the 16-bit Identification used to reassemble fragments
 * @param dontFragment   DF flag
 * @param moreFragments  MF flag
 * @param fragmentOffset where this fragment's data sits in the datagram, in octets (a multiple of 8)
 * @param options        the raw options area, at most 40 octets; empty for none
 */
public record Ipv4Repr(Ipv4Address src, Ipv4Address dst, int protocol, int payloadLength, int ttl,
                       int dscp, int ecn, int identification, boolean dontFragment, boolean moreFragments,
                       int fragmentOffset, byte[] options) {

    private static final byte[] NO_OPTIONS = new byte[0];

    public Ipv4Repr {
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(dst, "dst");
        requireRange("protocol", protocol, 0xFF);
        requireRange("ttl", ttl, 0xFF);
        requireRange("dscp", dscp, 0x3F);
        requireRange("ecn", ecn, 0x3);
        requireRange("identification", identification, 0xFFFF);
        requireRange("fragmentOffset", fragmentOffset, Ipv4Packet.FRAGMENT_OFFSET_MASK * 8);
        if (fragmentOffset % 8 != 0) {
            throw new IllegalArgumentException("fragmentOffset must be a multiple of 8: " + fragmentOffset);
        }
        options = options == null || options.length == 0 ? NO_OPTIONS : options.clone();
        if (options.length > Ipv4Packet.MAX_HEADER_LENGTH - Ipv4Packet.MIN_HEADER_LENGTH) {
            throw new IllegalArgumentException("at most 40 octets of options: " + options.length);
        }
        int headerLength = Ipv4Packet.MIN_HEADER_LENGTH + padded(options.length);
        requireRange("payloadLength", payloadLength, Ipv4Packet.MAX_TOTAL_LENGTH - headerLength);
    }

    /** An unfragmented datagram without options, DSCP/ECN zero and DF clear. */
    public Ipv4Repr(Ipv4Address src, Ipv4Address dst, int protocol, int payloadLength, int ttl) {
        this(src, dst, protocol, payloadLength, ttl, 0, 0, 0, false, false, 0, NO_OPTIONS);
    }

    private static void requireRange(String name, int value, int max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(name + " out of range 0.." + max + ": " + value);
        }
    }

    private static int padded(int optionsLength) {
        return (optionsLength + 3) & ~3;
    }

    /** Parses and verifies the header checksum. */
    public static Parsed<Ipv4Repr> parse(Ipv4Packet p) {
        return parse(p, false);
    }

    /**
     * Validates lengths, the header checksum (skipped when {@code checksumVerified}, i.e. the
     * device already verified it), the options and the fragment fields, then reads the header.
     * The reserved flag is ignored (RFC 1122 section 1.2.2: be liberal in what you accept).
     */
    public static Parsed<Ipv4Repr> parse(Ipv4Packet p, boolean checksumVerified) {
        WireError e = p.check();
        if (!e.ok()) {
            return Parsed.fail(e);
        }
        if (!checksumVerified && !p.verifyChecksum()) {
            return Parsed.fail(WireError.BAD_CHECKSUM);
        }
        e = p.checkOptions();
        if (!e.ok()) {
            return Parsed.fail(e);
        }
        // RFC 791 section 3.2: every fragment but the last carries a multiple of 8 octets.
        if (p.moreFragments() && p.payloadLength() % 8 != 0) {
            return Parsed.fail(WireError.BAD_LENGTH);
        }
        // A fragment may not reach past the largest possible datagram (the "ping of death").
        if (p.fragmentOffset() + p.headerLength() + p.payloadLength() > Ipv4Packet.MAX_TOTAL_LENGTH) {
            return Parsed.fail(WireError.BAD_LENGTH);
        }
        byte[] options = NO_OPTIONS;
        if (p.optionsLength() > 0) {
            options = new byte[p.optionsLength()];
            p.buffer().getBytes(p.optionsOffset(), options);
        }
        return Parsed.ok(new Ipv4Repr(new Ipv4Address(p.srcAddr()), new Ipv4Address(p.dstAddr()),
                p.protocol(), p.payloadLength(), p.ttl(), p.dscp(), p.ecn(), p.identification(),
                p.dontFragment(), p.moreFragments(), p.fragmentOffset(), options));
    }

    /** The options area (a copy). */
    @Override
    public byte[] options() {
        return options.clone();
    }

    /** True if this is a fragment of a larger datagram (MF set or a non-zero offset). */
    public boolean isFragment() {
        return moreFragments || fragmentOffset != 0;
    }

    /** Header octets {@link #emit} writes: 20 plus the options padded to 32 bits. */
    public int bufferLength() {
        return Ipv4Packet.MIN_HEADER_LENGTH + padded(options.length);
    }

    /** Total Length of the datagram this header describes. */
    public int totalLength() {
        return bufferLength() + payloadLength;
    }

    /**
     * Writes the header at absolute {@code offset}, header checksum included; the payload
     * belongs at offset + bufferLength().
     */
    public void emit(ByteBuf buf, int offset) {
        int headerLength = bufferLength();
        buf.setByte(offset, Ipv4Packet.VERSION << 4 | headerLength / 4);
        buf.setByte(offset + 1, dscp << 2 | ecn);
        buf.setShort(offset + 2, headerLength + payloadLength);
        buf.setShort(offset + 4, identification);
        int flagsAndOffset = fragmentOffset / 8;
        if (dontFragment) {
            flagsAndOffset |= Ipv4Packet.FLAG_DF;
        }
        if (moreFragments) {
            flagsAndOffset |= Ipv4Packet.FLAG_MF;
        }
        buf.setShort(offset + 6, flagsAndOffset);
        buf.setByte(offset + 8, ttl);
        buf.setByte(offset + 9, protocol);
        buf.setShort(offset + 10, 0);
        buf.setInt(offset + 12, src.bits());
        buf.setInt(offset + 16, dst.bits());
        int at = offset + Ipv4Packet.MIN_HEADER_LENGTH;
        buf.setBytes(at, options);
        // Padding: zero octets, which read as End of Option List (RFC 791 section 3.1).
        buf.setZero(at + options.length, headerLength - Ipv4Packet.MIN_HEADER_LENGTH - options.length);
        buf.setShort(offset + 10, InternetChecksum.compute(buf, offset, headerLength));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ipv4Repr r && src.equals(r.src) && dst.equals(r.dst) && protocol == r.protocol
                && payloadLength == r.payloadLength && ttl == r.ttl && dscp == r.dscp && ecn == r.ecn
                && identification == r.identification && dontFragment == r.dontFragment
                && moreFragments == r.moreFragments && fragmentOffset == r.fragmentOffset
                && Arrays.equals(options, r.options);
    }

    @Override
    public int hashCode() {
        return Objects.hash(src, dst, protocol, payloadLength, ttl, dscp, ecn, identification, dontFragment,
                moreFragments, fragmentOffset, Arrays.hashCode(options));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("IPv4 ").append(src).append(" > ").append(dst)
                .append(' ').append(IpProtocol.name(protocol)).append(" len ").append(payloadLength)
                .append(" ttl ").append(ttl).append(" id ").append(identification);
        if (dscp != 0 || ecn != 0) {
            sb.append(" dscp ").append(dscp).append(" ecn ").append(ecn);
        }
        if (dontFragment) {
            sb.append(" DF");
        }
        if (isFragment()) {
            sb.append(" frag ").append(fragmentOffset).append(moreFragments ? "+" : "");
        }
        if (options.length > 0) {
            sb.append(" options ").append(options.length);
        }
        return sb.toString();
    }

    /**
     * Allocation-free emission of a header without options for the transmit path; writes the
     * header checksum. {@code tos} is the whole DSCP/ECN octet.
     */
    public static void emitHeader(ByteBuf buf, int offset, int src, int dst, int protocol, int payloadLength,
                                  int ttl, int tos, int identification, boolean dontFragment,
                                  boolean moreFragments, int fragmentOffset) {
        buf.setByte(offset, Ipv4Packet.VERSION << 4 | Ipv4Packet.MIN_HEADER_LENGTH / 4);
        buf.setByte(offset + 1, tos);
        buf.setShort(offset + 2, Ipv4Packet.MIN_HEADER_LENGTH + payloadLength);
        buf.setShort(offset + 4, identification);
        int flagsAndOffset = fragmentOffset / 8;
        if (dontFragment) {
            flagsAndOffset |= Ipv4Packet.FLAG_DF;
        }
        if (moreFragments) {
            flagsAndOffset |= Ipv4Packet.FLAG_MF;
        }
        buf.setShort(offset + 6, flagsAndOffset);
        buf.setByte(offset + 8, ttl);
        buf.setByte(offset + 9, protocol);
        buf.setShort(offset + 10, 0);
        buf.setInt(offset + 12, src);
        buf.setInt(offset + 16, dst);
        buf.setShort(offset + 10, InternetChecksum.compute(buf, offset, Ipv4Packet.MIN_HEADER_LENGTH));
    }
}
