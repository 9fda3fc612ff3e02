package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.testing.Hex;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ethernet II and ARP against frames the Linux kernel sent: captured with
 * {@code tcpdump -i sscapb -w eth.pcap 'arp'} on a veth pair between two namespaces
 * (192.0.2.1 at 02:00:00:00:0a:01, 192.0.2.2 at 02:00:00:00:0b:01) while
 * {@code ping -c 1 192.0.2.2} and {@code arping -U -I sscapb 192.0.2.2} ran.
 */
class EthernetArpWireTest {
    /** The kernel's ARP request: who-has 192.0.2.2 tell 192.0.2.1 (42 octets, no padding on veth). */
    static final String KERNEL_ARP_REQUEST = """
            ffff ffff ffff 0200 0000 0a01 0806 0001
            0800 0604 0001 0200 0000 0a01 c000 0201
            0000 0000 0000 c000 0202""";
    /** The kernel's reply: 192.0.2.2 is-at 02:00:00:00:0b:01. */
    static final String KERNEL_ARP_REPLY = """
            0200 0000 0a01 0200 0000 0b01 0806 0001
            0800 0604 0002 0200 0000 0b01 c000 0202
            0200 0000 0a01 c000 0201""";
    /** arping -U: an unsolicited (gratuitous) request, target hardware address all ones. */
    static final String KERNEL_GRATUITOUS = """
            ffff ffff ffff 0200 0000 0b01 0806 0001
            0800 0604 0001 0200 0000 0b01 c000 0202
            ffff ffff ffff c000 0202""";

    private static final MacAddress A = MacAddress.parse("02:00:00:00:0a:01");
    private static final MacAddress B = MacAddress.parse("02:00:00:00:0b:01");
    private static final Ipv4Address IP_A = Ipv4Address.parse("192.0.2.1");
    private static final Ipv4Address IP_B = Ipv4Address.parse("192.0.2.2");

    @Test
    void deconstructKernelArpRequest() {
        ByteBuf f = Hex.buf(KERNEL_ARP_REQUEST);
        EthernetFrame eth = new EthernetFrame().wrap(f);
        assertEquals(WireError.OK, eth.check());
        assertEquals(MacAddress.BROADCAST.bits(), eth.dstAddr());
        assertEquals(A.bits(), eth.srcAddr());
        assertEquals(EtherType.ARP, eth.etherType());
        assertEquals(-1, eth.vlanId());
        assertEquals(14, eth.payloadOffset());
        ArpPacket arp = new ArpPacket().wrap(f, eth.payloadOffset(), eth.payloadLength());
        assertEquals(WireError.OK, arp.check());
        assertEquals(ArpPacket.OP_REQUEST, arp.operation());
        assertEquals(A.bits(), arp.senderHardwareAddr());
        assertEquals(IP_A.bits(), arp.senderProtocolAddr());
        assertEquals(0, arp.targetHardwareAddr());
        assertEquals(IP_B.bits(), arp.targetProtocolAddr());
    }

    @Test
    void constructEqualsTheKernelsBytes() {
        for (String fixture : new String[] {KERNEL_ARP_REQUEST, KERNEL_ARP_REPLY, KERNEL_GRATUITOUS}) {
            ByteBuf kernel = Hex.buf(fixture);
            EthernetRepr eth = EthernetRepr.parse(new EthernetFrame().wrap(kernel)).value();
            ArpRepr arp = ArpRepr.parse(new ArpPacket().wrap(kernel, 14, kernel.readableBytes() - 14)).value();
            ByteBuf out = Unpooled.buffer(42).writerIndex(42);
            eth.emit(out, 0);
            arp.emit(out, eth.bufferLength());
            assertArrayEquals(Hex.bytes(fixture), Hex.bytes(Hex.of(out)), fixture);
        }
    }

    @Test
    void parseRecognisesRequestReplyAndGratuitous() {
        ArpRepr reply = ArpRepr.parse(new ArpPacket().wrap(Hex.buf(KERNEL_ARP_REPLY), 14, 28)).value();
        assertEquals(ArpRepr.reply(B, IP_B, A, IP_A), reply);
        assertFalse(reply.isRequest());
        ArpRepr gratuitous = ArpRepr.parse(new ArpPacket().wrap(Hex.buf(KERNEL_GRATUITOUS), 14, 28)).value();
        assertTrue(gratuitous.isGratuitous());
        assertFalse(gratuitous.isProbe());
    }

    /**
     * 802.1Q: this kernel has no VLAN driver, so the tagged frame is the captured request with a
     * tag (TPID 0x8100, PCP 3, VID 10) inserted by hand after the source address.
     */
    @Test
    void vlanTaggedFramesReportTheInnerTypeAndVlan() {
        ByteBuf f = Hex.buf("ffff ffff ffff 0200 0000 0a01 8100 600a 0806"
                + KERNEL_ARP_REQUEST.replaceAll("\\s+", "").substring(28));
        EthernetFrame eth = new EthernetFrame().wrap(f);
        assertEquals(WireError.OK, eth.check());
        assertEquals(EtherType.ARP, eth.etherType());
        assertEquals(10, eth.vlanId());
        assertEquals(18, eth.payloadOffset());
        assertTrue(new ArpPacket().wrap(f, eth.payloadOffset(), eth.payloadLength()).check().ok());
        EthernetRepr repr = EthernetRepr.parse(eth).value();
        ByteBuf out = Unpooled.buffer(18).writerIndex(18);
        repr.emit(out, 0);
        assertEquals(Hex.of(f.slice(0, 12)), Hex.of(out.slice(0, 12)));
        assertEquals(EtherType.VLAN, out.getUnsignedShort(12));
        assertEquals(10, out.getUnsignedShort(14) & 0x0FFF);
        assertEquals(EtherType.ARP, out.getUnsignedShort(16));
    }

    @Test
    void malformedEthernetIsRejected() {
        assertEquals(WireError.TRUNCATED, new EthernetFrame().wrap(Hex.buf("ffff ffff ffff 0200 0000")).check());
        // A tag announced but cut short.
        assertEquals(WireError.TRUNCATED, new EthernetFrame().wrap(Hex.buf("ffff ffff ffff 0200 0000 0a01 8100 600a")).check());
        // Three stacked tags are more than we accept.
        assertEquals(WireError.BAD_FIELD, new EthernetFrame().wrap(
                Hex.buf("ffff ffff ffff 0200 0000 0a01 8100 0001 8100 0002 8100 0003 0800")).check());
        // An IEEE 802.3 length field (e.g. spanning tree) is not Ethernet II.
        assertEquals(WireError.UNSUPPORTED, new EthernetFrame().wrap(
                Hex.buf("0180 c200 0000 0200 0000 0a01 0026 4242 0300 0000 0000")).check());
    }

    @Test
    void malformedArpIsRejected() {
        byte[] ok = Hex.bytes(KERNEL_ARP_REQUEST);
        assertEquals(WireError.TRUNCATED, new ArpPacket().wrap(Unpooled.wrappedBuffer(ok), 14, 27).check());
        byte[] badHlen = ok.clone();
        badHlen[14 + 4] = 8;
        assertEquals(WireError.BAD_LENGTH, new ArpPacket().wrap(Unpooled.wrappedBuffer(badHlen), 14, 28).check());
        byte[] badOp = ok.clone();
        badOp[14 + 7] = 9;
        assertEquals(WireError.UNSUPPORTED, new ArpPacket().wrap(Unpooled.wrappedBuffer(badOp), 14, 28).check());
        byte[] notIpv4 = ok.clone();
        notIpv4[14 + 2] = (byte) 0x86;
        notIpv4[14 + 3] = (byte) 0xdd;
        assertEquals(WireError.UNSUPPORTED, new ArpPacket().wrap(Unpooled.wrappedBuffer(notIpv4), 14, 28).check());
        assertFalse(ArpRepr.parse(new ArpPacket().wrap(Unpooled.wrappedBuffer(badOp), 14, 28)).ok());
    }

    @Test
    void macAndAddressText() {
        assertEquals("02:00:00:00:0a:01", A.toString());
        assertEquals(MacAddress.parse("01:00:5e:01:02:03"), MacAddress.ofIpv4Multicast(Ipv4Address.parse("239.129.2.3").bits()));
        assertEquals("2001:db8::1", Ipv6Address.parse("2001:DB8:0:0:0:0:0:1").toString());
        assertEquals("2001:db8:0:1::1", Ipv6Address.parse("2001:db8:0:1:0:0:0:1").toString());
        assertEquals("::", Ipv6Address.UNSPECIFIED.toString());
        assertEquals("ff02::1:ff00:2", Ipv6Address.parse("2001:db8::2").solicitedNode().toString());
        assertEquals(null, Ipv4Address.tryParse("192.0.2.01"));
        assertEquals(null, Ipv4Address.tryParse("256.0.0.1"));
    }
}
