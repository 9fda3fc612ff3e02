package org.sockstack.stack.udp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.socket.SocketEvents;
import org.sockstack.stack.testing.Frames;
import org.sockstack.stack.testing.StackHarness;
import org.sockstack.stack.wire.Icmpv4Packet;
import org.sockstack.stack.wire.IpProtocol;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.Ipv4Packet;
import org.sockstack.stack.wire.Ipv4Repr;
import org.sockstack.stack.wire.MacAddress;
import org.sockstack.stack.wire.UdpPacket;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.stack.testing.StackHarness.PEER_IP;
import static org.sockstack.stack.testing.StackHarness.PEER_MAC;
import static org.sockstack.stack.testing.StackHarness.STACK_IP;
import static org.sockstack.stack.testing.StackHarness.STACK_MAC;

class UdpTest {
    private StackHarness h;
    private Udp udp;

    @BeforeEach
    void setUp() {
        h = new StackHarness().withAddress().withPeerKnown();
        udp = h.stack.udp();
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    private static ByteBuf datagramFromPeer(int srcPort, int dstPort, byte[] data) {
        return Frames.fromPeer(IpProtocol.UDP, Frames.udp(PEER_IP, STACK_IP, srcPort, dstPort, data));
    }

    @Test
    void boundSocketReceivesAndRepliesToTheSender() {
        UdpSocket s = udp.open();
        assertEquals(SocketError.OK, s.bind(new Endpoint(Ipv4Address.ANY, 7)));
        List<Integer> events = new ArrayList<>();
        s.setListener(events::add);
        h.inject(datagramFromPeer(40000, 7, "hello".getBytes()));
        assertEquals(List.of(SocketEvents.READABLE), events);
        UdpDatagram d = s.receive();
        assertEquals(new Endpoint(PEER_IP, 40000), d.source());
        assertEquals(new Endpoint(STACK_IP, 7), d.destination());
        assertEquals("hello", d.data().toString(java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(SocketError.OK, s.sendTo(d.data(), d.source(), h.clock.nanos()));
        d.data().release();
        h.run();
        List<ByteBuf> sent = h.sent();
        assertEquals(1, sent.size());
        Ipv4Packet ip = Frames.ipv4Of(sent.get(0));
        UdpPacket u = new UdpPacket().wrap(ip.buffer(), ip.payloadOffset(), ip.payloadLength());
        assertTrue(u.check().ok());
        assertTrue(u.verifyChecksumIpv4(ip.srcAddr(), ip.dstAddr()));
        assertEquals(7, u.srcPort());
        assertEquals(40000, u.dstPort());
        StackHarness.releaseAll(sent);
        s.close();
    }

    /** RFC 1122 4.1.3.1: a datagram to a port nobody listens on gets ICMP Port Unreachable. */
    @Test
    void closedPortGetsPortUnreachable() {
        h.inject(datagramFromPeer(40000, 9999, new byte[10]));
        List<ByteBuf> sent = h.sent();
        assertEquals(1, sent.size());
        Ipv4Packet ip = Frames.ipv4Of(sent.get(0));
        Icmpv4Packet icmp = new Icmpv4Packet().wrap(ip.buffer(), ip.payloadOffset(), ip.payloadLength());
        assertEquals(Icmpv4Packet.TYPE_DESTINATION_UNREACHABLE, icmp.msgType());
        assertEquals(Icmpv4Packet.CODE_PORT_UNREACHABLE, icmp.code());
        StackHarness.releaseAll(sent);
        assertEquals(1, h.stack.counters().get("udp.drop.no_port"));
    }

    /** RFC 768: a zero checksum means none was computed, and is accepted. */
    @Test
    void zeroChecksumIsAcceptedBadChecksumIsNot() {
        UdpSocket s = udp.open();
        s.bind(new Endpoint(Ipv4Address.ANY, 7));
        byte[] noChecksum = Frames.udp(PEER_IP, STACK_IP, 1, 7, new byte[4]);
        noChecksum[6] = 0;
        noChecksum[7] = 0;
        h.inject(Frames.fromPeer(IpProtocol.UDP, noChecksum));
        byte[] bad = Frames.udp(PEER_IP, STACK_IP, 1, 7, new byte[4]);
        bad[7] ^= 1;
        h.inject(Frames.fromPeer(IpProtocol.UDP, bad));
        assertEquals(1, s.queuedDatagrams());
        assertEquals(1, h.stack.counters().get("udp.drop.bad_checksum"));
        s.close();
    }

    @Test
    void bindConflictsAndEphemeralPorts() {
        UdpSocket a = udp.open();
        UdpSocket b = udp.open();
        assertEquals(SocketError.OK, a.bind(new Endpoint(Ipv4Address.ANY, 5000)));
        assertEquals(SocketError.ADDRESS_IN_USE, b.bind(new Endpoint(STACK_IP, 5000)));
        assertEquals(SocketError.ADDRESS_NOT_AVAILABLE, b.bind(new Endpoint(Ipv4Address.parse("198.51.100.9"), 5001)));
        assertEquals(SocketError.OK, b.bind(new Endpoint(Ipv4Address.ANY, 0)));
        int port = b.localEndpoint().port();
        assertTrue(port >= Udp.EPHEMERAL_LOW && port <= Udp.EPHEMERAL_HIGH, "RFC 6056 range: " + port);
        UdpSocket c = udp.open();
        UdpSocket d = udp.open();
        c.setReuseAddress(true);
        d.setReuseAddress(true);
        assertEquals(SocketError.OK, c.bind(new Endpoint(Ipv4Address.ANY, 6000)));
        assertEquals(SocketError.OK, d.bind(new Endpoint(Ipv4Address.ANY, 6000)), "both asked for reuse");
        a.close();
        b.close();
        c.close();
        d.close();
        UdpSocket again = udp.open();
        assertEquals(SocketError.OK, again.bind(new Endpoint(Ipv4Address.ANY, 5000)), "port free after close");
        again.close();
    }

    /** The most specific socket wins: connected, then bound address, then wildcard. */
    @Test
    void demultiplexingPrefersTheMostSpecificSocket() {
        UdpSocket wildcard = udp.open();
        UdpSocket connected = udp.open();
        wildcard.setReuseAddress(true);
        connected.setReuseAddress(true);
        wildcard.bind(new Endpoint(Ipv4Address.ANY, 7000));
        connected.bind(new Endpoint(STACK_IP, 7000));
        connected.connect(new Endpoint(PEER_IP, 1234));
        h.inject(datagramFromPeer(1234, 7000, new byte[1]));
        h.inject(datagramFromPeer(1235, 7000, new byte[1]));
        assertEquals(1, connected.queuedDatagrams());
        assertEquals(1, wildcard.queuedDatagrams());
        wildcard.close();
        connected.close();
    }

    /** A connected socket learns of ICMP port unreachable (ECONNREFUSED); its peer filter holds. */
    @Test
    void connectedSocketGetsConnectionRefusedFromIcmp() {
        UdpSocket s = udp.open();
        s.connect(new Endpoint(PEER_IP, 53));
        List<Integer> events = new ArrayList<>();
        s.setListener(events::add);
        assertEquals(SocketError.OK, s.send(Unpooled.wrappedBuffer(new byte[] {1}), h.clock.nanos()));
        h.run();
        List<ByteBuf> sent = h.sent();
        Ipv4Packet ip = Frames.ipv4Of(sent.get(0));
        byte[] quote = new byte[28];
        ip.buffer().getBytes(ip.offset(), quote);
        StackHarness.releaseAll(sent);
        byte[] icmp = Frames.icmpEcho(3, 0, 0, quote);
        icmp[1] = 3;
        icmp[2] = 0;
        icmp[3] = 0;
        int sum = org.sockstack.stack.wire.InternetChecksum.compute(Unpooled.wrappedBuffer(icmp), 0, icmp.length);
        icmp[2] = (byte) (sum >>> 8);
        icmp[3] = (byte) sum;
        h.inject(Frames.fromPeer(IpProtocol.ICMP, icmp));
        assertEquals(List.of(SocketEvents.ERROR), events);
        assertEquals(SocketError.CONNECTION_REFUSED, s.takeError());
        assertEquals(SocketError.OK, s.takeError(), "reading SO_ERROR clears it");
        s.close();
    }

    @Test
    void broadcastNeedsTheOption() {
        UdpSocket s = udp.open();
        Endpoint bcast = new Endpoint(Ipv4Address.parse("192.0.2.255"), 9);
        assertEquals(SocketError.ACCESS_DENIED, s.sendTo(Unpooled.wrappedBuffer(new byte[1]), bcast, h.clock.nanos()));
        s.setBroadcast(true);
        assertEquals(SocketError.OK, s.sendTo(Unpooled.wrappedBuffer(new byte[1]), bcast, h.clock.nanos()));
        h.run();
        List<ByteBuf> sent = h.sent();
        assertEquals(1, sent.size());
        assertEquals(MacAddress.BROADCAST.bits(), new org.sockstack.stack.wire.EthernetFrame().wrap(sent.get(0)).dstAddr());
        StackHarness.releaseAll(sent);
        s.close();
    }

    /** 8 KB datagrams are fragmented on send and reassembled on receive. */
    @Test
    void largeDatagramsAreFragmentedAndReassembled() {
        UdpSocket s = udp.open();
        s.bind(new Endpoint(Ipv4Address.ANY, 7));
        byte[] data = Frames.pattern(8192);
        byte[] datagram = Frames.udp(PEER_IP, STACK_IP, 4000, 7, data);
        for (ByteBuf f : Frames.fragments(IpProtocol.UDP, 1234, datagram, 1480)) {
            h.inject(f);
        }
        UdpDatagram d = s.receive();
        byte[] got = new byte[d.data().readableBytes()];
        d.data().readBytes(got);
        assertArrayEquals(data, got);
        d.data().release();
        assertEquals(SocketError.OK, s.sendTo(Unpooled.wrappedBuffer(data), new Endpoint(PEER_IP, 4000), h.clock.nanos()));
        h.run();
        List<ByteBuf> sent = h.sent();
        assertEquals(6, sent.size(), "8200 octets in 1480-octet fragments");
        StackHarness.releaseAll(sent);
        s.setDontFragment(true);
        assertEquals(SocketError.MESSAGE_TOO_BIG,
                s.sendTo(Unpooled.wrappedBuffer(data), new Endpoint(PEER_IP, 4000), h.clock.nanos()));
        assertEquals(SocketError.MESSAGE_TOO_BIG,
                s.sendTo(Unpooled.wrappedBuffer(new byte[65_508]), new Endpoint(PEER_IP, 4000), h.clock.nanos()));
        s.close();
    }

    @Test
    void receiveBufferOverflowIsDroppedAndCounted() {
        UdpSocket s = udp.open();
        s.bind(new Endpoint(Ipv4Address.ANY, 7));
        // Each datagram is charged its payload plus a fixed overhead: room for exactly three.
        s.setReceiveBufferSize(3 * (1000 + UdpSocket.PER_DATAGRAM_OVERHEAD));
        for (int i = 0; i < 5; i++) {
            h.inject(datagramFromPeer(1, 7, new byte[1000]));
        }
        assertEquals(3, s.queuedDatagrams());
        assertEquals(2, h.stack.counters().get("udp.drop.receive_buffer_full"));
        s.close();
        assertEquals(0, s.queuedDatagrams(), "close releases the queue");
    }

    /** Empty datagrams cost queue space too, so a flood of them cannot grow the queue without bound. */
    @Test
    void aFloodOfEmptyDatagramsIsBounded() {
        UdpSocket s = udp.open();
        s.bind(new Endpoint(Ipv4Address.ANY, 7));
        for (int i = 0; i < 5_000; i++) {
            h.device.inject(datagramFromPeer(1, 7, new byte[0]));
            if (i % 500 == 0) {
                h.run();
            }
        }
        h.run();
        assertEquals(UdpSocket.DEFAULT_RECEIVE_BUFFER / UdpSocket.PER_DATAGRAM_OVERHEAD, s.queuedDatagrams());
        assertTrue(h.stack.counters().get("udp.drop.receive_buffer_full") > 0);
        s.close();
    }

    @Test
    void multicastIsDeliveredOnlyToMembersAndLoopsBack() {
        UdpSocket member = udp.open();
        UdpSocket other = udp.open();
        member.setReuseAddress(true);
        other.setReuseAddress(true);
        member.bind(new Endpoint(Ipv4Address.ANY, 5353));
        other.bind(new Endpoint(Ipv4Address.ANY, 5353));
        Ipv4Address group = Ipv4Address.parse("239.1.2.3");
        assertEquals(SocketError.OK, member.joinGroup(group, -1));
        assertTrue(h.iface.accepts(MacAddress.ofIpv4Multicast(group.bits()).bits()));
        byte[] udpData = Frames.udp(PEER_IP, group, 1, 5353, new byte[3]);
        Ipv4Repr ip = new Ipv4Repr(PEER_IP, group, IpProtocol.UDP, udpData.length, 1);
        h.inject(Frames.ipv4(PEER_MAC, MacAddress.ofIpv4Multicast(group.bits()), ip, udpData));
        assertEquals(1, member.queuedDatagrams());
        assertEquals(0, other.queuedDatagrams());
        member.receive().data().release();
        member.sendTo(Unpooled.wrappedBuffer(new byte[2]), new Endpoint(group, 5353), h.clock.nanos());
        h.run();
        assertEquals(1, member.queuedDatagrams(), "IP_MULTICAST_LOOP delivers our own datagram");
        List<ByteBuf> sent = h.sent();
        assertEquals(1, Frames.ipv4Of(sent.get(0)).ttl(), "default multicast TTL is 1");
        StackHarness.releaseAll(sent);
        member.close();
        other.close();
        assertTrue(!h.iface.accepts(MacAddress.ofIpv4Multicast(group.bits()).bits()), "left on close");
    }
}
