package org.sockstack.stack.udp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.testing.Frames;
import org.sockstack.stack.testing.StackHarness;
import org.sockstack.stack.wire.IpProtocol;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.Ipv4Repr;
import org.sockstack.stack.wire.Ipv6Address;
import org.sockstack.stack.wire.MacAddress;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.sockstack.stack.testing.StackHarness.PEER_IP;
import static org.sockstack.stack.testing.StackHarness.STACK_IP;

/**
 * Packet information (RFC 3542 section 6, Winsock's IN_PKTINFO): the destination and interface
 * of each received datagram, kept in the queue entry as primitives, and the source choice of
 * {@link UdpSocket#sendFrom}.
 */
class UdpPacketInfoTest {
    static final Ipv4Address SECOND = Ipv4Address.parse("192.0.2.22");
    static final Ipv4Address SUBNET_BROADCAST = Ipv4Address.parse("192.0.2.255");

    private StackHarness h;
    private UdpSocket s;

    @BeforeEach
    void setUp() {
        h = new StackHarness().withAddress().withPeerKnown();
        s = h.stack.udp().open();
        assertEquals(SocketError.OK, s.bind(new Endpoint(Ipv4Address.ANY, 7)));
    }

    @AfterEach
    void tearDown() {
        s.close();
        h.close();
    }

    private void fromPeer(Ipv4Address dst, String text) {
        byte[] udp = Frames.udp(PEER_IP, dst, 40000, 7, text.getBytes(StandardCharsets.US_ASCII));
        MacAddress linkDst = dst.equals(STACK_IP) ? StackHarness.STACK_MAC : MacAddress.BROADCAST;
        h.inject(Frames.ipv4(StackHarness.PEER_MAC, linkDst, new Ipv4Repr(PEER_IP, dst, IpProtocol.UDP, udp.length, 64),
                udp));
    }

    @Test
    void eachDatagramKeepsItsOwnDestinationAndInterface() {
        fromPeer(STACK_IP, "unicast");
        fromPeer(SUBNET_BROADCAST, "subnet");
        fromPeer(Ipv4Address.parse("255.255.255.255"), "limited");
        DatagramInfo info = new DatagramInfo();
        ByteBuf dst = Unpooled.buffer(64);
        s.receive(dst, info);
        assertEquals(STACK_IP.bits(), info.destinationIpv4());
        assertEquals(h.iface.index(), info.interfaceIndex());
        dst.clear();
        s.receive(dst, info);
        assertEquals("subnet", dst.toString(StandardCharsets.US_ASCII));
        assertEquals(SUBNET_BROADCAST.bits(), info.destinationIpv4());
        UdpDatagram d = s.receive();
        assertEquals(new Endpoint(Ipv4Address.parse("255.255.255.255"), 7), d.destination());
        d.data().release();
    }

    private int sentSource() {
        h.run();
        List<ByteBuf> sent = h.sent();
        assertEquals(1, sent.size());
        int src = sent.get(0).getInt(14 + 12);
        StackHarness.releaseAll(sent);
        return src;
    }

    @Test
    void sendFromChoosesOneOfTheStacksAddresses() {
        h.stack.addIpv4Address(h.iface, SECOND, 24);
        h.run();
        h.advance(5_000);
        StackHarness.releaseAll(h.sent());
        Endpoint peer = new Endpoint(PEER_IP, 9);
        ByteBuf data = Unpooled.wrappedBuffer(new byte[] {1, 2, 3});
        assertEquals(SocketError.OK, s.sendFrom(data, peer, SECOND, -1, h.clock.nanos()));
        assertEquals(SECOND.bits(), sentSource());
        assertEquals(SocketError.OK, s.sendFrom(data, peer, Ipv4Address.ANY, h.iface.index(), h.clock.nanos()));
        assertEquals(STACK_IP.bits(), sentSource(), "unspecified: the usual choice");
        assertEquals(SocketError.OK, s.sendFrom(data, peer, null, -1, h.clock.nanos()));
        assertEquals(STACK_IP.bits(), sentSource());

        assertEquals(SocketError.ADDRESS_NOT_AVAILABLE,
                s.sendFrom(data, peer, Ipv4Address.parse("192.0.2.99"), -1, h.clock.nanos()), "not ours");
        assertEquals(SocketError.ADDRESS_NOT_AVAILABLE, s.sendFrom(data, peer, null, 42, h.clock.nanos()),
                "no such interface");
        assertEquals(SocketError.INVALID_ARGUMENT,
                s.sendFrom(data, peer, Ipv6Address.parse("2001:db8::1"), -1, h.clock.nanos()), "other family");
        UdpSocket bound = h.stack.udp().open();
        assertEquals(SocketError.OK, bound.bind(new Endpoint(STACK_IP, 8)));
        assertEquals(SocketError.ADDRESS_NOT_AVAILABLE, bound.sendFrom(data, peer, SECOND, -1, h.clock.nanos()),
                "bound to another address");
        bound.close();
        data.release();
        h.run();
        StackHarness.releaseAll(h.sent());
    }

    /**
     * A socket sending to one peer keeps its path (no path object per datagram), and drops it when
     * the routes change: a datagram after the route is gone finds no route.
     */
    @Test
    void theLastPathIsReusedUntilTheRoutesChange() {
        Endpoint peer = new Endpoint(PEER_IP, 9);
        ByteBuf data = Unpooled.wrappedBuffer(new byte[] {1, 2, 3});
        assertEquals(SocketError.OK, s.sendTo(data, peer, h.clock.nanos()));
        var first = s.lastPath;
        assertEquals(SocketError.OK, s.sendTo(data, peer, h.clock.nanos()));
        org.junit.jupiter.api.Assertions.assertSame(first, s.lastPath, "the same path object");
        StackHarness.releaseAll(h.sent());
        h.stack.ipv4().routes().removeIf((route, iface) -> true);
        assertEquals(SocketError.NO_ROUTE, s.sendTo(data, peer, h.clock.nanos()));
    }
}
