package org.sockstack.stack.icmpv6;

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
import org.sockstack.stack.udp.UdpSocket;
import org.sockstack.stack.wire.Icmpv6Packet;
import org.sockstack.stack.wire.IpProtocol;
import org.sockstack.stack.wire.Ipv6Address;
import org.sockstack.stack.wire.Ipv6FragmentHeader;
import org.sockstack.stack.wire.Ipv6Packet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.stack.ipv6.V6.PEER;
import static org.sockstack.stack.ipv6.V6.PEER_LL;
import static org.sockstack.stack.ipv6.V6.STACK;
import static org.sockstack.stack.ipv6.V6.STACK_LL;
import static org.sockstack.stack.testing.StackHarness.PEER_MAC;
import static org.sockstack.stack.testing.StackHarness.STACK_MAC;

/** ICMPv6 (RFC 4443) on the manual clock. */
class Icmpv6Test {
    private StackHarness h;
    private final List<ByteBuf> taken = new ArrayList<>();

    @BeforeEach
    void setUp() {
        h = V6.harness();
    }

    @AfterEach
    void tearDown() {
        StackHarness.releaseAll(taken);
        h.close();
    }

    private long counter(String name) {
        return h.stack.counters().get(name);
    }

    private List<ByteBuf> sent() {
        List<ByteBuf> s = h.sent();
        taken.addAll(s);
        return s;
    }

    /** RFC 4443 4.2: identifier, sequence number and data come back; the source is the address pinged. */
    @Test
    void rfc4443_4_2_echoReplyCarriesTheRequestBack() {
        byte[] data = Frames.pattern(56);
        h.inject(V6.frame(PEER_MAC, STACK_MAC, PEER_LL, STACK_LL, IpProtocol.ICMPV6, 64,
                V6.echoRequest(PEER_LL, STACK_LL, 0x4242, 3, data)));
        List<ByteBuf> out = sent();
        assertEquals(1, out.size());
        Ipv6Packet ip = V6.ipv6Of(out.get(0));
        assertEquals(STACK_LL, V6.src(ip));
        assertEquals(PEER_LL, V6.dst(ip));
        assertEquals(PEER_MAC.bits(), V6.dstMac(out.get(0)));
        Icmpv6Packet reply = V6.icmpv6Of(out.get(0));
        assertEquals(Icmpv6Packet.TYPE_ECHO_REPLY, reply.msgType());
        assertEquals(0x4242, reply.identifier());
        assertEquals(3, reply.sequenceNumber());
        byte[] echoed = new byte[reply.dataLength()];
        reply.buffer().getBytes(reply.dataOffset(), echoed);
        assertArrayEquals(data, echoed);
        assertEquals(1, counter("icmpv6.tx.echo_replies"));
    }

    /** RFC 4443 4.2: a request to a multicast address SHOULD be answered, from a unicast address. */
    @Test
    void rfc4443_4_2_multicastEchoIsAnsweredFromAUnicastAddress() {
        h.inject(V6.frame(PEER_MAC, V6.macFor(Ipv6Address.ALL_NODES), PEER_LL, Ipv6Address.ALL_NODES,
                IpProtocol.ICMPV6, 1, V6.echoRequest(PEER_LL, Ipv6Address.ALL_NODES, 1, 1, new byte[8])));
        List<ByteBuf> out = sent();
        assertEquals(1, out.size());
        assertEquals(STACK_LL, V6.src(V6.ipv6Of(out.get(0))), "RFC 6724 rule 2: link-local for a link-local peer");
    }

    /** RFC 4443 3.1: UDP to a closed port gets Destination Unreachable code 4 quoting the packet. */
    @Test
    void rfc4443_3_1_closedUdpPortGetsPortUnreachable() {
        h.inject(V6.fromPeer(IpProtocol.UDP, V6.udp(PEER, STACK, 5000, 9, Frames.pattern(20))));
        List<ByteBuf> out = sent();
        assertEquals(1, out.size());
        Icmpv6Packet du = V6.icmpv6Of(out.get(0));
        assertEquals(Icmpv6Packet.TYPE_DESTINATION_UNREACHABLE, du.msgType());
        assertEquals(Icmpv6Packet.CODE_PORT_UNREACHABLE, du.code());
        assertEquals(0x60, du.buffer().getUnsignedByte(du.dataOffset()) & 0xF0, "quotes the IPv6 header");
        assertEquals(Ipv6Packet.HEADER_LENGTH + 28, du.dataLength());
    }

    /** RFC 4443 2.4 (c): the quote is cut so the error fits in 1280 octets. */
    @Test
    void rfc4443_2_4c_errorFitsTheMinimumMtu() {
        h.inject(V6.fromPeer(IpProtocol.UDP, V6.udp(PEER, STACK, 5000, 9, Frames.pattern(1400))));
        List<ByteBuf> out = sent();
        Ipv6Packet ip = V6.ipv6Of(out.get(0));
        assertEquals(1280, Ipv6Packet.HEADER_LENGTH + ip.payloadLength());
    }

    /**
     * RFC 4443 2.4 (e): no error about an ICMPv6 error, a packet to a multicast address, a
     * link-layer multicast frame, or a packet from the unspecified address.
     */
    @Test
    void rfc4443_2_4e_errorsThatMustNotBeSent() {
        // An ICMPv6 error (Destination Unreachable) with an unknown option 11 in front: no PP about it.
        byte[] error = V6.icmpv6(PEER, STACK, Icmpv6Packet.TYPE_DESTINATION_UNREACHABLE, 0, 0, new byte[48]);
        byte[] dst = V6.optionsHeader(IpProtocol.ICMPV6, 0xDE, 2, 0, 0);
        h.inject(V6.fromPeer(IpProtocol.IPV6_DEST_OPTIONS, V6.concat(dst, error)));
        // UDP to a closed port, sent to all-nodes.
        h.inject(V6.frame(PEER_MAC, V6.macFor(Ipv6Address.ALL_NODES), PEER, Ipv6Address.ALL_NODES, 253, 64,
                new byte[16]));
        // Unicast IPv6 destination inside a link-layer broadcast frame.
        h.inject(V6.frame(PEER_MAC, org.sockstack.stack.wire.MacAddress.BROADCAST, PEER, STACK, 253, 64,
                new byte[16]));
        // From the unspecified address.
        h.inject(V6.frame(PEER_MAC, STACK_MAC, Ipv6Address.UNSPECIFIED, STACK, 253, 64, new byte[16]));
        assertTrue(sent().isEmpty());
        assertEquals(4, counter("icmpv6.errors_not_sent"));
    }

    /** RFC 4443 2.4 (f): errors are rate-limited (a burst of 50 here). */
    @Test
    void rfc4443_2_4f_errorsAreRateLimited() {
        for (int i = 0; i < 120; i++) {
            h.device.inject(V6.fromPeer(IpProtocol.UDP, V6.udp(PEER, STACK, 5000, 9, new byte[4])));
        }
        h.run();
        assertEquals(50, sent().size());
        assertEquals(70, counter("icmpv6.errors_rate_limited"));
        h.advance(100);
        h.inject(V6.fromPeer(IpProtocol.UDP, V6.udp(PEER, STACK, 5000, 9, new byte[4])));
        assertEquals(1, sent().size(), "tokens come back with time");
    }

    private byte[] quoteOfOurUdp(int length) {
        byte[] udp = V6.udp(STACK, PEER, 40000, 7, Frames.pattern(length));
        byte[] ip = new byte[40];
        ip[0] = 0x60;
        ip[4] = (byte) (udp.length >>> 8);
        ip[5] = (byte) udp.length;
        ip[6] = (byte) IpProtocol.UDP;
        ip[7] = 64;
        System.arraycopy(STACK.octets(), 0, ip, 8, 16);
        System.arraycopy(PEER.octets(), 0, ip, 24, 16);
        return V6.concat(ip, Arrays.copyOf(udp, Math.min(udp.length, 1232 - 40)));
    }

    /** RFC 8201 section 4: Packet Too Big lowers the path MTU; later packets are fragmented to it. */
    @Test
    void rfc8201_4_packetTooBigLowersThePathMtu() {
        UdpSocket s = h.stack.udp().open();
        assertEquals(SocketError.OK, s.bind(new Endpoint(Ipv6Address.UNSPECIFIED, 40000)));
        assertEquals(SocketError.OK, s.connect(new Endpoint(PEER, 7)));
        byte[] ptb = V6.icmpv6(PEER, STACK, Icmpv6Packet.TYPE_PACKET_TOO_BIG, 0, 1400, quoteOfOurUdp(1400));
        h.inject(V6.fromPeer(IpProtocol.ICMPV6, ptb));
        assertEquals(1400, h.stack.ipv6().pathMtu(PEER, h.clock.nanos()));
        assertEquals(SocketError.MESSAGE_TOO_BIG, s.takeError());
        assertEquals(SocketError.OK, s.send(Unpooled.wrappedBuffer(Frames.pattern(1420)), h.clock.nanos()));
        h.run();
        List<ByteBuf> out = sent();
        assertEquals(2, out.size());
        for (ByteBuf f : out) {
            Ipv6Packet ip = V6.ipv6Of(f);
            assertTrue(Ipv6Packet.HEADER_LENGTH + ip.payloadLength() <= 1400);
            assertEquals(IpProtocol.IPV6_FRAGMENT, ip.nextHeader());
        }
        s.close();
    }

    /** RFC 8201 section 4 / RFC 8200 section 5: a report below 1280 never lowers the estimate below 1280. */
    @Test
    void rfc8201_packetTooBigBelow1280IsClampedTo1280() {
        byte[] ptb = V6.icmpv6(PEER, STACK, Icmpv6Packet.TYPE_PACKET_TOO_BIG, 0, 500, quoteOfOurUdp(600));
        h.inject(V6.fromPeer(IpProtocol.ICMPV6, ptb));
        assertEquals(1280, h.stack.ipv6().pathMtu(PEER, h.clock.nanos()));
    }

    /** RFC 5927 4.1: an error quoting a packet we never sent (foreign source) is dropped. */
    @Test
    void errorQuotingAForeignPacketIsDropped() {
        byte[] quote = quoteOfOurUdp(100);
        System.arraycopy(Ipv6Address.parse("2001:db8::66").octets(), 0, quote, 8, 16);
        h.inject(V6.fromPeer(IpProtocol.ICMPV6,
                V6.icmpv6(PEER, STACK, Icmpv6Packet.TYPE_PACKET_TOO_BIG, 0, 1300, quote)));
        assertEquals(1500, h.stack.ipv6().pathMtu(PEER, h.clock.nanos()));
        assertEquals(1, counter("icmpv6.drop.bad_quoted_packet"));
    }

    /** RFC 4443 section 3.1 code 4 reaches the connected UDP socket as "connection refused". */
    @Test
    void rfc4443_3_1_portUnreachableReachesTheConnectedSocket() {
        UdpSocket s = h.stack.udp().open();
        assertEquals(SocketError.OK, s.bind(new Endpoint(STACK, 40000)));
        assertEquals(SocketError.OK, s.connect(new Endpoint(PEER, 7)));
        h.inject(V6.fromPeer(IpProtocol.ICMPV6, V6.icmpv6(PEER, STACK, Icmpv6Packet.TYPE_DESTINATION_UNREACHABLE,
                Icmpv6Packet.CODE_PORT_UNREACHABLE, 0, quoteOfOurUdp(20))));
        assertEquals(SocketError.CONNECTION_REFUSED, s.takeError());
        s.close();
    }

    /** ICMPv6 echo sockets: our request goes out, the matching reply comes back to the socket. */
    @Test
    void echoSocketSendsAndReceives() {
        Icmpv6EchoSocket s = h.stack.icmpv6().openEcho();
        assertTrue(s.send(PEER, null, 5, Unpooled.wrappedBuffer(Frames.pattern(16)), 0, h.clock.nanos()));
        h.run();
        List<ByteBuf> out = sent();
        Icmpv6Packet req = V6.icmpv6Of(out.get(0));
        assertEquals(Icmpv6Packet.TYPE_ECHO_REQUEST, req.msgType());
        assertEquals(64, V6.ipv6Of(out.get(0)).hopLimit());
        h.inject(V6.fromPeer(IpProtocol.ICMPV6, V6.icmpv6(PEER, STACK, Icmpv6Packet.TYPE_ECHO_REPLY, 0,
                (s.identifier() << 16) | 5, Frames.pattern(16))));
        Icmpv6EchoSocket.Reply r = s.receive();
        assertNotNull(r);
        assertEquals(PEER, r.from());
        assertEquals(5, r.sequence());
        s.close();
    }

    @Test
    void malformedIcmpv6IsDroppedAndCounted() {
        byte[] echo = V6.echoRequest(PEER, STACK, 1, 1, new byte[8]);
        echo[2] ^= 0x55;
        h.inject(V6.fromPeer(IpProtocol.ICMPV6, echo));
        h.inject(V6.fromPeer(IpProtocol.ICMPV6, new byte[3]));
        // RFC 4443 2.4 (b): an unknown informational message is discarded.
        h.inject(V6.fromPeer(IpProtocol.ICMPV6, V6.icmpv6(PEER, STACK, 200, 0, 0, new byte[4])));
        assertTrue(sent().isEmpty());
        assertEquals(1, counter("icmpv6.drop.bad_checksum"));
        assertEquals(1, counter("icmpv6.drop.truncated"));
        assertEquals(1, counter("icmpv6.drop.unknown_informational"));
    }

    /** A fragmented reply's fragments share one Identification and carry ICMPv6 (ping -6 -s 4000). */
    @Test
    void largeEchoOnALinkLocalAddressIsAnsweredInFragments() {
        byte[] icmp = V6.echoRequest(PEER_LL, STACK_LL, 1, 1, Frames.pattern(4000));
        for (int off = 0; off < icmp.length; off += 1448) {
            int len = Math.min(1448, icmp.length - off);
            h.inject(V6.frame(PEER_MAC, STACK_MAC, PEER_LL, STACK_LL, IpProtocol.IPV6_FRAGMENT, 64,
                    V6.concat(V6.fragmentHeader(IpProtocol.ICMPV6, off, off + len < icmp.length, 99),
                            Arrays.copyOfRange(icmp, off, off + len))));
        }
        List<ByteBuf> out = sent();
        assertEquals(3, out.size());
        Ipv6Packet first = V6.ipv6Of(out.get(0));
        Ipv6FragmentHeader fh = new Ipv6FragmentHeader().wrap(out.get(0), first.payloadOffset(), first.payloadLength());
        assertEquals(IpProtocol.ICMPV6, fh.nextHeader());
        assertEquals(Icmpv6Packet.TYPE_ECHO_REPLY, out.get(0).getUnsignedByte(fh.payloadOffset()));
    }
}
