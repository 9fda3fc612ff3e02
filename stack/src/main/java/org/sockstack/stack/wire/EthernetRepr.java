package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;

/**
 * The meaning of an Ethernet II header: addresses, EtherType and (when tagged) the VLAN id.
 *
 * @param src       source MAC
 * @param dst       destination MAC
 * @param etherType the payload's protocol
 * @param vlanId    the 802.1Q VLAN id, or -1 for none
 */
public record EthernetRepr(MacAddress src, MacAddress dst, int etherType, int vlanId) {

    public EthernetRepr(MacAddress src, MacAddress dst, int etherType) {
        this(src, dst, etherType, -1);
    }

    public static Parsed<EthernetRepr> parse(EthernetFrame frame) {
        WireError e = frame.check();
        if (!e.ok()) {
            return Parsed.fail(e);
        }
        return Parsed.ok(new EthernetRepr(new MacAddress(frame.srcAddr()), new MacAddress(frame.dstAddr()),
                frame.etherType(), frame.vlanId()));
    }

    /** Octets {@link #emit} writes. */
    public int bufferLength() {
        return EthernetFrame.HEADER_LENGTH + (vlanId >= 0 ? EthernetFrame.VLAN_TAG_LENGTH : 0);
    }

    /** Writes the header at absolute {@code offset}; the payload follows at offset + bufferLength(). */
    public void emit(ByteBuf buf, int offset) {
        emit(buf, offset, dst.bits(), src.bits(), etherType);
        if (vlanId >= 0) {
            buf.setShort(offset + 12, EtherType.VLAN);
            buf.setShort(offset + 14, vlanId & 0x0FFF);
            buf.setShort(offset + 16, etherType);
        }
    }

    /** Allocation-free header emission for the transmit path. */
    public static void emit(ByteBuf buf, int offset, long dst, long src, int etherType) {
        MacAddress.write(buf, offset, dst);
        MacAddress.write(buf, offset + 6, src);
        buf.setShort(offset + 12, etherType);
    }

    @Override
    public String toString() {
        return "Ethernet " + src + " > " + dst + " " + EtherType.name(etherType) + (vlanId >= 0 ? " vlan " + vlanId : "");
    }
}
