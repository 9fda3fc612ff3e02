package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;

/**
 * A view over an Ethernet II frame (the frame check sequence is not included: NICs strip it).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Destination MAC address                       |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |                    Source MAC address                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  [TPID 0x8100 | PCP|D| VID ]  (optional 802.1Q tags)           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          EtherType            |  Payload ...                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>When parsing, up to two 802.1Q/802.1ad tags are skipped and the inner EtherType and VLAN id
 * reported. A flyweight: {@link #wrap} re-targets it, so one instance serves every frame.
 * After {@link #check()} returns {@link WireError#OK} no accessor can read out of bounds.
 */
public final class EthernetFrame {
    public static final int HEADER_LENGTH = 14;
    public static final int VLAN_TAG_LENGTH = 4;
    /** Smallest payload of a frame on the wire (IEEE 802.3 minimum frame of 64 octets less 18). */
    public static final int MIN_PAYLOAD = 46;
    /** EtherType values below this are IEEE 802.3 length fields, not Ethernet II types. */
    private static final int MIN_ETHER_TYPE = 0x0600;
    private static final int MAX_TAGS = 2;

    private ByteBuf buf;
    private int start;
    private int length;
    private int headerLength;

    public EthernetFrame wrap(ByteBuf buf) {
        return wrap(buf, buf.readerIndex(), buf.readableBytes());
    }

    public EthernetFrame wrap(ByteBuf buf, int offset, int length) {
        this.buf = buf;
        this.start = offset;
        this.length = length;
        this.headerLength = HEADER_LENGTH;
        return this;
    }

    /** Validates lengths and tags; afterwards every accessor is safe. */
    public WireError check() {
        if (length < HEADER_LENGTH) {
            return WireError.TRUNCATED;
        }
        int typeAt = start + 12;
        int tags = 0;
        int type = buf.getUnsignedShort(typeAt);
        while (type == EtherType.VLAN || type == EtherType.QINQ) {
            if (++tags > MAX_TAGS) {
                return WireError.BAD_FIELD;
            }
            typeAt += VLAN_TAG_LENGTH;
            if (typeAt + 2 > start + length) {
                return WireError.TRUNCATED;
            }
            type = buf.getUnsignedShort(typeAt);
        }
        if (type < MIN_ETHER_TYPE) {
            // An 802.3 length field (LLC/SNAP frames, e.g. STP): not Ethernet II.
            return WireError.UNSUPPORTED;
        }
        headerLength = typeAt + 2 - start;
        return WireError.OK;
    }

    public long dstAddr() {
        return MacAddress.read(buf, start);
    }

    public long srcAddr() {
        return MacAddress.read(buf, start + 6);
    }

    /** The EtherType after any VLAN tags. */
    public int etherType() {
        return buf.getUnsignedShort(start + headerLength - 2);
    }

    /** The VLAN id of the outermost tag, or -1 for an untagged frame. */
    public int vlanId() {
        return headerLength > HEADER_LENGTH ? buf.getUnsignedShort(start + 14) & 0x0FFF : -1;
    }

    public int headerLength() {
        return headerLength;
    }

    /** Absolute index of the payload in the buffer. */
    public int payloadOffset() {
        return start + headerLength;
    }

    public int payloadLength() {
        return length - headerLength;
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
