package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;

/**
 * The meaning of an Ethernet/IPv4 ARP packet (RFC 826).
 *
 * <p>Variants by field values: a request has {@code operation == 1}; an ARP probe (RFC 5227
 * section 2.1.1) is a request with sender protocol address 0.0.0.0; a gratuitous ARP or ARP
 * announcement (RFC 5227 section 2.3) has sender and target protocol address equal.
 */
public record ArpRepr(int operation, MacAddress senderHardwareAddr, Ipv4Address senderProtocolAddr,
                      MacAddress targetHardwareAddr, Ipv4Address targetProtocolAddr) {

    public static ArpRepr request(MacAddress sha, Ipv4Address spa, Ipv4Address tpa) {
        return new ArpRepr(ArpPacket.OP_REQUEST, sha, spa, MacAddress.ZERO, tpa);
    }

    public static ArpRepr reply(MacAddress sha, Ipv4Address spa, MacAddress tha, Ipv4Address tpa) {
        return new ArpRepr(ArpPacket.OP_REPLY, sha, spa, tha, tpa);
    }

    public static Parsed<ArpRepr> parse(ArpPacket p) {
        WireError e = p.check();
        if (!e.ok()) {
            return Parsed.fail(e);
        }
        return Parsed.ok(new ArpRepr(p.operation(), new MacAddress(p.senderHardwareAddr()),
                new Ipv4Address(p.senderProtocolAddr()), new MacAddress(p.targetHardwareAddr()),
                new Ipv4Address(p.targetProtocolAddr())));
    }

    public boolean isRequest() {
        return operation == ArpPacket.OP_REQUEST;
    }

    /** RFC 5227 section 2.1.1: a probe carries an all-zero sender IP address. */
    public boolean isProbe() {
        return isRequest() && senderProtocolAddr.isUnspecified();
    }

    /** RFC 5227 section 2.3 / RFC 5944: sender and target IP are the same address. */
    public boolean isGratuitous() {
        return senderProtocolAddr.equals(targetProtocolAddr);
    }

    public int bufferLength() {
        return ArpPacket.LENGTH;
    }

    public void emit(ByteBuf buf, int offset) {
        buf.setShort(offset, ArpPacket.HTYPE_ETHERNET);
        buf.setShort(offset + 2, EtherType.IPV4);
        buf.setByte(offset + 4, 6);
        buf.setByte(offset + 5, 4);
        buf.setShort(offset + 6, operation);
        MacAddress.write(buf, offset + 8, senderHardwareAddr.bits());
        buf.setInt(offset + 14, senderProtocolAddr.bits());
        MacAddress.write(buf, offset + 18, targetHardwareAddr.bits());
        buf.setInt(offset + 24, targetProtocolAddr.bits());
    }

    @Override
    public String toString() {
        return isRequest()
                ? "ARP who-has " + targetProtocolAddr + " tell " + senderProtocolAddr
                : "ARP reply " + senderProtocolAddr + " is-at " + senderHardwareAddr;
    }
}
