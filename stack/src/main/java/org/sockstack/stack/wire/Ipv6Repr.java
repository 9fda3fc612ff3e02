package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;

import java.util.Objects;

/**
 * The meaning of an IPv6 fixed header (RFC 8200 section 3). See {@link Ipv6Packet} for the layout.
 * Extension headers are separate records ({@link Ipv6OptionsRepr}, {@link Ipv6RoutingRepr},
 * {@link Ipv6FragmentRepr}) chained through their Next Header fields.
 *
 * @param src           source address
 * @param dst           destination address
 * @param nextHeader    the first extension header or upper-layer protocol ({@link IpProtocol})
 * @param payloadLength octets after the fixed header, extension headers included
 * @param hopLimit      Hop Limit
 * @param trafficClass  Traffic Class (DSCP and ECN), 0..255
 * @param flowLabel     Flow Label (RFC 6437), 0..0xFFFFF
 */
public record Ipv6Repr(Ipv6Address src, Ipv6Address dst, int nextHeader, int payloadLength, int hopLimit,
                       int trafficClass, int flowLabel) {

    public Ipv6Repr {
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(dst, "dst");
        requireRange("nextHeader", nextHeader, 0xFF);
        requireRange("payloadLength", payloadLength, 0xFFFF);
        requireRange("hopLimit", hopLimit, 0xFF);
        requireRange("trafficClass", trafficClass, 0xFF);
        requireRange("flowLabel", flowLabel, 0xF_FFFF);
    }

    /** Traffic Class zero and no Flow Label. */
    public Ipv6Repr(Ipv6Address src, Ipv6Address dst, int nextHeader, int payloadLength, int hopLimit) {
        this(src, dst, nextHeader, payloadLength, hopLimit, 0, 0);
    }

    private static void requireRange(String name, int value, int max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(name + " out of range 0.." + max + ": " + value);
        }
    }

    /** Validates version and lengths and reads the fixed header. */
    public static Parsed<Ipv6Repr> parse(Ipv6Packet p) {
        WireError e = p.check();
        if (!e.ok()) {
            return Parsed.fail(e);
        }
        return Parsed.ok(new Ipv6Repr(new Ipv6Address(p.srcAddrHi(), p.srcAddrLo()),
                new Ipv6Address(p.dstAddrHi(), p.dstAddrLo()), p.nextHeader(), p.payloadLength(), p.hopLimit(),
                p.trafficClass(), p.flowLabel()));
    }

    /** Differentiated Services Code Point (RFC 2474). */
    public int dscp() {
        return trafficClass >>> 2;
    }

    /** ECN codepoint (RFC 3168). */
    public int ecn() {
        return trafficClass & 0x3;
    }

    /** Octets {@link #emit} writes: the 40-octet fixed header. */
    public int bufferLength() {
        return Ipv6Packet.HEADER_LENGTH;
    }

    /** Writes the fixed header at absolute {@code offset}; the payload belongs at offset + 40. */
    public void emit(ByteBuf buf, int offset) {
        buf.setInt(offset, Ipv6Packet.VERSION << 28 | trafficClass << 20 | flowLabel);
        buf.setShort(offset + 4, payloadLength);
        buf.setByte(offset + 6, nextHeader);
        buf.setByte(offset + 7, hopLimit);
        src.write(buf, offset + 8);
        dst.write(buf, offset + 24);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("IPv6 ").append(src).append(" > ").append(dst)
                .append(' ').append(IpProtocol.name(nextHeader)).append(" len ").append(payloadLength)
                .append(" hlim ").append(hopLimit);
        if (trafficClass != 0) {
            sb.append(" class 0x").append(Integer.toHexString(trafficClass));
        }
        if (flowLabel != 0) {
            sb.append(" flowlabel 0x").append(Integer.toHexString(flowLabel));
        }
        return sb.toString();
    }
}
