package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;

/**
 * A view over an IPv6 Fragment header (RFC 8200 section 4.5, Next Header value 44).
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Next Header  |   Reserved    |      Fragment Offset    |Res|M|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Identification                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Fragment Offset counts 8-octet units; M is 1 if more fragments follow. The reserved fields
 * are ignored on reception. Rules that need the whole packet (every fragment but the last
 * carries a multiple of 8 octets; the first holds all headers up to the upper-layer header) are
 * the reassembly code's.
 */
public final class Ipv6FragmentHeader {
    public static final int LENGTH = 8;

    private ByteBuf buf;
    private int start;
    private int length;

    public Ipv6FragmentHeader wrap(ByteBuf buf, int offset, int length) {
        this.buf = buf;
        this.start = offset;
        this.length = length;
        return this;
    }

    public WireError check() {
        return length < LENGTH ? WireError.TRUNCATED : WireError.OK;
    }

    public int nextHeader() {
        return buf.getUnsignedByte(start);
    }

    /** Where this fragment's data sits in the original packet's fragmentable part, in octets. */
    public int fragmentOffset() {
        return buf.getUnsignedShort(start + 2) & 0xFFF8;
    }

    /** The M flag: more fragments follow. */
    public boolean moreFragments() {
        return (buf.getUnsignedShort(start + 2) & 1) != 0;
    }

    /** Identification, the same in every fragment of one packet (read as a signed int; compare for equality). */
    public int identification() {
        return buf.getInt(start + 4);
    }

    /** An atomic fragment (offset 0, M clear) is processed in isolation (RFC 6946 section 4). */
    public boolean isAtomic() {
        return fragmentOffset() == 0 && !moreFragments();
    }

    /** Absolute index of the fragment data. */
    public int payloadOffset() {
        return start + LENGTH;
    }

    /** Octets after this header in the wrapped region. */
    public int payloadLength() {
        return length - LENGTH;
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
