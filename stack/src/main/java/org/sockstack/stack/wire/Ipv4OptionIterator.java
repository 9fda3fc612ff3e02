package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;

/**
 * An allocation-free cursor over the options area of an IPv4 header (RFC 791 section 3.1,
 * "Options"). Two option formats exist:
 * <ul>
 *   <li>a single octet of option-type: End of Option List (0) and No Operation (1);</li>
 *   <li>option-type, option-length (counting the type and length octets, so at least 2) and
 *       option-data.</li>
 * </ul>
 * The option-type octet is split into a copied flag (1 bit), an option class (2 bits) and an
 * option number (5 bits).
 *
 * <p>Use: {@code packet.options(it); while (it.next()) { switch (it.type()) ... }} then look at
 * {@link #error()}. No Operation options are reported like any other; End of Option List ends
 * the iteration and is not reported. A malformed option (length 0 or 1, or running past the end
 * of the header) ends the iteration with {@link WireError#BAD_OPTION}.
 */
public final class Ipv4OptionIterator {
    /** End of Option List: marks the end of the options; the rest of the header is padding. */
    public static final int END_OF_OPTION_LIST = 0;
    /** No Operation: one octet, used to align the following option. */
    public static final int NO_OPERATION = 1;
    /** Record Route (RFC 791): type, length, pointer, then route data of 4-octet addresses. */
    public static final int RECORD_ROUTE = 7;
    /** Internet Timestamp (RFC 791). */
    public static final int TIMESTAMP = 68;
    /** Loose Source and Record Route (RFC 791). */
    public static final int LOOSE_SOURCE_ROUTE = 131;
    /** Strict Source and Record Route (RFC 791). */
    public static final int STRICT_SOURCE_ROUTE = 137;
    /** Router Alert (RFC 2113): length 4, a 16-bit value; IGMPv2/v3 messages carry it. */
    public static final int ROUTER_ALERT = 148;

    private ByteBuf buf;
    private int next;
    private int end;
    private int at;
    private int optionLength;
    private WireError error = WireError.OK;

    /** Targets the options area of {@code length} octets at absolute {@code offset}. */
    public Ipv4OptionIterator wrap(ByteBuf buf, int offset, int length) {
        this.buf = buf;
        this.next = offset;
        this.end = offset + length;
        this.at = -1;
        this.optionLength = 0;
        this.error = WireError.OK;
        return this;
    }

    /**
     * Moves to the next option. Returns false at the end of the list (End of Option List or the
     * end of the header) and on a malformed option, after which {@link #error()} tells which.
     */
    public boolean next() {
        if (next >= end) {
            return false;
        }
        int type = buf.getUnsignedByte(next);
        if (type == END_OF_OPTION_LIST) {
            next = end;
            return false;
        }
        if (type == NO_OPERATION) {
            return accept(1);
        }
        if (next + 2 > end) {
            return reject(); // the option-length octet is missing
        }
        int length = buf.getUnsignedByte(next + 1);
        if (length < 2 || next + length > end) {
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

    /** The option-type octet of the current option. */
    public int type() {
        return buf.getUnsignedByte(at);
    }

    /** Absolute index of the current option's type octet. */
    public int optionOffset() {
        return at;
    }

    /** Octets of the whole option: 1 for No Operation, else the option-length field. */
    public int optionLength() {
        return optionLength;
    }

    /** Absolute index of the option-data (after the type and length octets). */
    public int dataOffset() {
        return optionLength == 1 ? at + 1 : at + 2;
    }

    /** Octets of option-data. */
    public int dataLength() {
        return optionLength == 1 ? 0 : optionLength - 2;
    }

    /** The copied flag: the option is copied into all fragments (RFC 791 section 3.1). */
    public static boolean copied(int type) {
        return (type & 0x80) != 0;
    }

    /** The option class: 0 control, 2 debugging and measurement, 1 and 3 reserved. */
    public static int optionClass(int type) {
        return (type >>> 5) & 0x3;
    }

    /** The option number (the low 5 bits of the type). */
    public static int number(int type) {
        return type & 0x1F;
    }

    public static String name(int type) {
        return switch (type) {
            case END_OF_OPTION_LIST -> "EOL";
            case NO_OPERATION -> "NOP";
            case RECORD_ROUTE -> "RR";
            case TIMESTAMP -> "TS";
            case LOOSE_SOURCE_ROUTE -> "LSRR";
            case STRICT_SOURCE_ROUTE -> "SSRR";
            case ROUTER_ALERT -> "RA";
            default -> "opt-" + type;
        };
    }
}
