package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;

/**
 * The meaning of an IPv6 Hop-by-Hop or Destination Options header (RFC 8200 sections 4.3 and
 * 4.6; layout in {@link Ipv6OptionsHeader}). Which of the two it is follows from the Next Header
 * value that points at it.
 *
 * <p>Options are kept as raw octets in header format. Parse copies the whole options area,
 * padding included, so it re-emits octet for octet; emit pads a shorter area to the 8-octet
 * boundary with Pad1 or PadN (RFC 8200 section 4.2).
 *
 * @param nextHeader the header that follows ({@link IpProtocol})
 * @param options    the options area, at most 2046 octets
 */
public record Ipv6OptionsRepr(int nextHeader, byte[] options) {
    /** The largest header: Hdr Ext Len 255. */
    private static final int MAX_LENGTH = 256 * 8;

    public Ipv6OptionsRepr {
        if (nextHeader < 0 || nextHeader > 0xFF) {
            throw new IllegalArgumentException("nextHeader out of range: " + nextHeader);
        }
        options = options.clone();
        if (options.length > MAX_LENGTH - 2) {
            throw new IllegalArgumentException("options too long: " + options.length);
        }
    }

    /**
     * A Hop-by-Hop header holding one Router Alert option (RFC 2711): value 0 means the packet
     * holds a Multicast Listener Discovery message (MLD, RFC 2710 section 3 / RFC 3810 section 5).
     */
    public static Ipv6OptionsRepr routerAlert(int nextHeader, int value) {
        return new Ipv6OptionsRepr(nextHeader, new byte[] {
                (byte) Ipv6OptionIterator.ROUTER_ALERT, 2, (byte) (value >>> 8), (byte) value});
    }

    /** Validates the header length and the options, then copies them. */
    public static Parsed<Ipv6OptionsRepr> parse(Ipv6OptionsHeader h) {
        WireError e = h.check();
        if (!e.ok()) {
            return Parsed.fail(e);
        }
        e = h.checkOptions();
        if (!e.ok()) {
            return Parsed.fail(e);
        }
        byte[] options = new byte[h.optionsLength()];
        h.buffer().getBytes(h.optionsOffset(), options);
        return Parsed.ok(new Ipv6OptionsRepr(h.nextHeader(), options));
    }

    /** The options area (a copy). */
    @Override
    public byte[] options() {
        return options.clone();
    }

    /** Octets {@link #emit} writes: 2 + options, rounded up to a multiple of 8. */
    public int bufferLength() {
        return (2 + options.length + 7) & ~7;
    }

    /** Writes the header at absolute {@code offset}; what follows belongs at offset + bufferLength(). */
    public void emit(ByteBuf buf, int offset) {
        int length = bufferLength();
        buf.setByte(offset, nextHeader);
        buf.setByte(offset + 1, length / 8 - 1);
        buf.setBytes(offset + 2, options);
        int pad = length - 2 - options.length;
        int at = offset + 2 + options.length;
        if (pad == 1) {
            buf.setByte(at, Ipv6OptionIterator.PAD1);
        } else if (pad >= 2) {
            buf.setByte(at, Ipv6OptionIterator.PADN);
            buf.setByte(at + 1, pad - 2);
            buf.setZero(at + 2, pad - 2);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ipv6OptionsRepr r && nextHeader == r.nextHeader && Arrays.equals(options, r.options);
    }

    @Override
    public int hashCode() {
        return 31 * nextHeader + Arrays.hashCode(options);
    }

    @Override
    public String toString() {
        return "IPv6 options next " + IpProtocol.name(nextHeader) + " " + options.length + " octets";
    }
}
