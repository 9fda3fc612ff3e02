package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;

/**
 * A view over an ARP packet (RFC 826). Only Ethernet hardware addresses with IPv4 protocol
 * addresses are meaningful to the stack; {@link #check()} rejects other combinations.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Hardware type (ar$hrd)    |     Protocol type (ar$pro)    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | HLEN (ar$hln) | PLEN (ar$pln) |       Operation (ar$op)       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        Sender hardware address (ar$sha), 6 octets             |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |  Sender protocol addr (ar$spa)|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    ... (ar$spa continued)     |  Target hardware addr (ar$tha)|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |                   ... (ar$tha continued)                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                Target protocol address (ar$tpa)               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class ArpPacket {
    /** Length of an Ethernet/IPv4 ARP packet. */
    public static final int LENGTH = 28;
    public static final int HTYPE_ETHERNET = 1;
    public static final int OP_REQUEST = 1;
    public static final int OP_REPLY = 2;

    private ByteBuf buf;
    private int start;
    private int length;

    public ArpPacket wrap(ByteBuf buf, int offset, int length) {
        this.buf = buf;
        this.start = offset;
        this.length = length;
        return this;
    }

    /**
     * Validates the fixed fields. Ethernet pads short frames, so trailing octets after the 28
     * are allowed and ignored.
     */
    public WireError check() {
        if (length < LENGTH) {
            return WireError.TRUNCATED;
        }
        if (hardwareType() != HTYPE_ETHERNET || protocolType() != EtherType.IPV4) {
            return WireError.UNSUPPORTED;
        }
        if (buf.getUnsignedByte(start + 4) != 6 || buf.getUnsignedByte(start + 5) != 4) {
            return WireError.BAD_LENGTH;
        }
        int op = operation();
        if (op != OP_REQUEST && op != OP_REPLY) {
            return WireError.UNSUPPORTED;
        }
        return WireError.OK;
    }

    public int hardwareType() {
        return buf.getUnsignedShort(start);
    }

    public int protocolType() {
        return buf.getUnsignedShort(start + 2);
    }

    public int operation() {
        return buf.getUnsignedShort(start + 6);
    }

    public long senderHardwareAddr() {
        return MacAddress.read(buf, start + 8);
    }

    public int senderProtocolAddr() {
        return buf.getInt(start + 14);
    }

    public long targetHardwareAddr() {
        return MacAddress.read(buf, start + 18);
    }

    public int targetProtocolAddr() {
        return buf.getInt(start + 24);
    }
}
