package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;

/**
 * An allocation-free cursor over the options of an IPv6 Hop-by-Hop or Destination Options header
 * (RFC 8200 section 4.2). Each option is type-length-value:
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+- - - - - - - - -
 * |  Option Type  |  Opt Data Len |  Option Data
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+- - - - - - - - -
 * </pre>
 *
 * except Pad1 (type 0), a single octet. PadN (type 1) carries Opt Data Len zero octets. Unlike
 * IPv4, an Opt Data Len of 0 is legal. The two high-order bits of the type say what a node that
 * does not recognize the option must do ({@link #action(int)}); the third says whether the data
 * may change en route ({@link #mayChange(int)}).
 *
 * <p>Use: {@code header.options(it); while (it.next()) { switch (it.type()) ... }} then look at
 * {@link #error()}. Every option is reported, padding included. An option running past the end
 * of the header ends the iteration with {@link WireError#BAD_OPTION}.
 */
public final class Ipv6OptionIterator {
    public static final int PAD1 = 0;
    public static final int PADN = 1;
    /** Tunnel Encapsulation Limit (RFC 2473 section 5.1), a Destination option with one octet. */
    public static final int TUNNEL_ENCAPSULATION_LIMIT = 4;
    /** Router Alert (RFC 2711), a Hop-by-Hop option with a two-octet value; MLD carries it. */
    public static final int ROUTER_ALERT = 5;
    /** Jumbo Payload (RFC 2675), a Hop-by-Hop option with a four-octet length. */
    public static final int JUMBO_PAYLOAD = 0xC2;

    /** Action 00: skip over this option and continue processing the header. */
    public static final int ACTION_SKIP = 0;
    /** Action 01: discard the packet. */
    public static final int ACTION_DISCARD = 1;
    /** Action 10: discard the packet and send an ICMP Parameter Problem, Code 2. */
    public static final int ACTION_DISCARD_SEND_ICMP = 2;
    /** Action 11: discard and send ICMP Parameter Problem, Code 2, only if the destination was not multicast. */
    public static final int ACTION_DISCARD_SEND_ICMP_UNLESS_MULTICAST = 3;

    private ByteBuf buf;
    private int next;
    private int end;
    private int at;
    private int optionLength;
    private WireError error = WireError.OK;

    /** Targets the options area of {@code length} octets at absolute {@code offset}. */
    public Ipv6OptionIterator wrap(ByteBuf buf, int offset, int length) {
        this.buf = buf;
        this.next = offset;
        this.end = offset + length;
        this.at = -1;
        this.optionLength = 0;
        this.error = WireError.OK;
        return this;
    }

    /**
     * Moves to the next option. Returns false at the end of the options area and on a malformed
     * option, after which {@link #error()} tells which.
     */
    public boolean next() {
        if (next >= end) {
            return false;
        }
        if (buf.getUnsignedByte(next) == PAD1) {
            return accept(1);
        }
        if (next + 2 > end) {
            return reject(); // the Opt Data Len octet is missing
        }
        int length = 2 + buf.getUnsignedByte(next + 1);
        if (next + length > end) {
            return reject();
        }
        return accept(length);
    }

    private boolean accept(int length) {
        at = next;
        optionLength = length;
        next += length;
        return true;
    }

    private boolean reject() {
        error = WireError.BAD_OPTION;
        next = end;
        return false;
    }

    /** {@link WireError#OK}, or {@link WireError#BAD_OPTION} if iteration stopped at a malformed option. */
    public WireError error() {
        return error;
    }

    /** Option Type of the current option. */
    public int type() {
        return buf.getUnsignedByte(at);
    }

    /** Absolute index of the current option's type octet. */
    public int optionOffset() {
        return at;
    }

    /** Octets of the whole option: 1 for Pad1, else 2 + Opt Data Len. */
    public int optionLength() {
        return optionLength;
    }

    /** Absolute index of the Option Data. */
    public int dataOffset() {
        return optionLength == 1 ? at + 1 : at + 2;
    }

    /** Opt Data Len: octets of Option Data. */
    public int dataLength() {
        return optionLength == 1 ? 0 : optionLength - 2;
    }

    /** The two high-order bits of an Option Type: one of the {@code ACTION_} values (RFC 8200 section 4.2). */
    public static int action(int type) {
        return type >>> 6;
    }

    /** The third-highest bit of an Option Type: the Option Data may change en route (RFC 8200 section 4.2). */
    public static boolean mayChange(int type) {
        return (type & 0x20) != 0;
    }

    public static String name(int type) {
        return switch (type) {
            case PAD1 -> "Pad1";
            case PADN -> "PadN";
            case TUNNEL_ENCAPSULATION_LIMIT -> "TunnelEncapLimit";
            case ROUTER_ALERT -> "RouterAlert";
            case JUMBO_PAYLOAD -> "Jumbo";
            default -> "opt-0x" + Integer.toHexString(type);
        };
    }
}
