package org.sockstack.stack.udp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.ipv6.V6;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.testing.Frames;
import org.sockstack.stack.testing.StackHarness;
import org.sockstack.stack.wire.IpProtocol;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.Ipv6Address;
import org.sockstack.stack.wire.Ipv6Packet;
import org.sockstack.stack.wire.UdpPacket;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.stack.ipv6.V6.PEER;
import static org.sockstack.stack.ipv6.V6.STACK;

/** UDP over IPv6 (RFC 768 with RFC 8200 section 8.1) through the same socket objects. */
class UdpIpv6Test {
    private StackHarness h;

    @BeforeEach
    void setUp() {
        h = V6.harness().withAddress();
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    @Test
    void socketBoundToIpv6SendsAndReceives() {
        UdpSocket s = h.stack.udp().open();
        assertEquals(SocketError.OK, s.bind(new Endpoint(Ipv6Address.UNSPECIFIED, 5353)));
        h.inject(V6.fromPeer(IpProtocol.UDP, V6.udp(PEER, STACK, 4000, 5353, Frames.pattern(30))));
        UdpDatagram d = s.receive();
        assertNotNull(d);
        assertEquals(new Endpoint(PEER, 4000), d.source());
        assertEquals(new Endpoint(STACK, 5353), d.destination());
        byte[] got = new byte[30];
        d.data().getBytes(0, got);
        d.data().release();
        assertArrayEquals(Frames.pattern(30), got);

        assertEquals(SocketError.OK, s.sendTo(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}), new Endpoint(PEER, 4000),
                h.clock.nanos()));
        h.run();
        List<ByteBuf> sent = h.sent();
        try {
            assertEquals(1, sent.size());
            Ipv6Packet ip = V6.ipv6Of(sent.get(0));
            assertEquals(IpProtocol.UDP, ip.nextHeader());
            assertEquals(STACK, V6.src(ip));
            UdpPacket u = new UdpPacket().wrap(ip.buffer(), ip.payloadOffset(), ip.payloadLength());
            assertTrue(u.check().ok());
            assertNotEquals(0, u.checksum(), "RFC 8200 8.1: the checksum is mandatory");
            assertTrue(u.verifyChecksumIpv6(ip.srcAddrHi(), ip.srcAddrLo(), ip.dstAddrHi(), ip.dstAddrLo()));
        } finally {
            StackHarness.releaseAll(sent);
        }
        s.close();
    }

    /** RFC 8200 8.1: a zero UDP checksum over IPv6 is discarded. */
    @Test
    void rfc8200_8_1_zeroChecksumIsDropped() {
        UdpSocket s = h.stack.udp().open();
        assertEquals(SocketError.OK, s.bind(new Endpoint(Ipv6Address.UNSPECIFIED, 5353)));
        byte[] udp = V6.udp(PEER, STACK, 4000, 5353, Frames.pattern(8));
        udp[6] = 0;
        udp[7] = 0;
        h.inject(V6.fromPeer(IpProtocol.UDP, udp));
        assertNull(s.receive());
        assertEquals(1, h.stack.counters().get("udp.drop.ipv6_zero_checksum"));
        s.close();
    }

    /** IPv4 and IPv6 sockets on one port coexist, each getting its own family's datagrams. */
    @Test
    void ipv4AndIpv6SocketsShareAPortNumber() {
        UdpSocket v4 = h.stack.udp().open();
        UdpSocket v6 = h.stack.udp().open();
        assertEquals(SocketError.OK, v4.bind(new Endpoint(Ipv4Address.ANY, 7000)));
        assertEquals(SocketError.OK, v6.bind(new Endpoint(Ipv6Address.UNSPECIFIED, 7000)));
        h.inject(V6.fromPeer(IpProtocol.UDP, V6.udp(PEER, STACK, 1, 7000, new byte[4])));
        h.inject(Frames.fromPeer(IpProtocol.UDP, Frames.udp(StackHarness.PEER_IP, StackHarness.STACK_IP, 1, 7000,
                new byte[5])));
        UdpDatagram d6 = v6.receive();
        UdpDatagram d4 = v4.receive();
        assertEquals(4, d6.data().readableBytes());
        assertEquals(5, d4.data().readableBytes());
        d6.data().release();
        d4.data().release();
        assertEquals(SocketError.ADDRESS_FAMILY_NOT_SUPPORTED,
                v4.sendTo(Unpooled.wrappedBuffer(new byte[1]), new Endpoint(PEER, 1), h.clock.nanos()));
        v4.close();
        v6.close();
    }

    /** An IPv6 socket joined to a group receives datagrams sent to it. */
    @Test
    void multicastGroupMembershipOverIpv6() {
        Ipv6Address group = Ipv6Address.parse("ff02::fb");
        UdpSocket s = h.stack.udp().open();
        assertEquals(SocketError.OK, s.bind(new Endpoint(Ipv6Address.UNSPECIFIED, 5353)));
        assertEquals(SocketError.OK, s.joinGroup(group, h.iface.index()));
        assertTrue(h.iface.acceptsIpv6Multicast(group));
        h.inject(V6.frame(StackHarness.PEER_MAC, V6.macFor(group), V6.PEER_LL, group, IpProtocol.UDP, 1,
                V6.udp(V6.PEER_LL, group, 5353, 5353, new byte[6])));
        UdpDatagram d = s.receive();
        assertNotNull(d);
        d.data().release();
        s.close();
        assertTrue(!h.iface.acceptsIpv6Multicast(group), "closing leaves the group");
    }
}
