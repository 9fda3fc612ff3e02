package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;

/**
 * The meaning of an IPv6 Fragment header (RFC 8200 section 4.5; layout in {@link Ipv6FragmentHeader}).
 *
 * @param nextHeader     the header of the fragmentable part that follows ({@link IpProtocol})
 * @param fragmentOffset offset of this fragment's data in octets, a multiple of 8 below 65536
 * @param moreFragments  the M flag
 * @param identification the 32-bit Identification
 */
public record Ipv6FragmentRepr(int nextHeader, int fragmentOffset, boolean moreFragments, int identification) {
    public Ipv6FragmentRepr {
        if (nextHeader < 0 || nextHeader > 0xFF) {
            throw new IllegalArgumentException("nextHeader out of range: " + nextHeader);
        }
        if (fragmentOffset < 0 || fragmentOffset > 0xFFF8 || fragmentOffset % 8 != 0) {
            throw new IllegalArgumentException("fragmentOffset must be a multiple of 8 in 0..65528: " + fragmentOffset);
        }
    }

    public static Parsed<Ipv6FragmentRepr> parse(Ipv6FragmentHeader h) {
        WireError e = h.check();
        if (!e.ok()) {
            return Parsed.fail(e);
        }
        return Parsed.ok(new Ipv6FragmentRepr(h.nextHeader(), h.fragmentOffset(), h.moreFragments(), h.identification()));
    }

    public int bufferLength() {
        return Ipv6FragmentHeader.LENGTH;
    }

    /** Writes the header at absolute {@code offset}, reserved fields zero. */
    public void emit(ByteBuf buf, int offset) {
        buf.setByte(offset, nextHeader);
        buf.setByte(offset + 1, 0);
        buf.setShort(offset + 2, fragmentOffset | (moreFragments ? 1 : 0));
        buf.setInt(offset + 4, identification);
    }

    @Override
    public String toString() {
        return "IPv6 frag id 0x" + Integer.toHexString(identification) + " offset " + fragmentOffset
                + (moreFragments ? "+" : "") + " next " + IpProtocol.name(nextHeader);
    }
}
