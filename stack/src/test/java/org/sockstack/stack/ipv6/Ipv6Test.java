package org.sockstack.stack.ipv6;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.testing.Frames;
import org.sockstack.stack.testing.StackHarness;
import org.sockstack.stack.wire.Icmpv6Packet;
import org.sockstack.stack.wire.IpProtocol;
import org.sockstack.stack.wire.Ipv6Address;
import org.sockstack.stack.wire.Ipv6FragmentHeader;
import org.sockstack.stack.wire.Ipv6Packet;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.stack.ipv6.V6.PEER;
import static org.sockstack.stack.ipv6.V6.STACK;
import static org.sockstack.stack.testing.StackHarness.PEER_MAC;
import static org.sockstack.stack.testing.StackHarness.STACK_MAC;

/** IPv6 input and output (RFC 8200) on the manual clock, with crafted packets. */
class Ipv6Test {
    private StackHarness h;

    @BeforeEach
    void setUp() {
        h = V6.harness();
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    private long counter(String name) {
        return h.stack.counters().get(name);
    }

    private byte[] echo(int seq) {
        return V6.echoRequest(PEER, STACK, 7, seq, Frames.pattern(32));
    }

    /** Sends {@code payload} from the peer and returns the one ICMPv6 message answered (released by the harness). */
    private Icmpv6Packet onlyAnswer(ByteBuf frame) {
        h.inject(frame);
        List<ByteBuf> sent = h.sent();
        assertEquals(1, sent.size(), "exactly one answer");
        taken.addAll(sent);
        return V6.icmpv6Of(sent.get(0));
    }

    private final List<ByteBuf> taken = new java.util.ArrayList<>();

    @AfterEach
    void releaseTaken() {
        StackHarness.releaseAll(taken);
    }

    private void assertNothingSent() {
        List<ByteBuf> sent = V6.withoutMld(h.sent());
        int n = sent.size();
        StackHarness.releaseAll(sent);
        assertEquals(0, n, "nothing may be sent");
    }

    // ------------------------------------------------------------------ section 3: the header

    @Test
    void rfc8200_3_badVersionAndLengthAreDropped() {
        ByteBuf f = V6.fromPeer(IpProtocol.ICMPV6, echo(1));
        f.setByte(14, 0x40); // version 4 in an IPv6 EtherType
        h.inject(f);
        ByteBuf g = V6.fromPeer(IpProtocol.ICMPV6, echo(1));
        g.setShort(18, 2000); // Payload Length beyond the frame
        h.inject(g);
        assertNothingSent();
        assertEquals(1, counter("ipv6.drop.bad_version"));
        assertEquals(1, counter("ipv6.drop.bad_length"));
    }

    /** RFC 4291 2.7: a multicast source is never valid; 2.5.3: loopback never appears on a link. */
    @Test
    void rfc4291_multicastOrLoopbackSourceIsDropped() {
        h.inject(V6.frame(PEER_MAC, STACK_MAC, Ipv6Address.ALL_NODES, STACK, IpProtocol.ICMPV6, 64, echo(1)));
        h.inject(V6.frame(PEER_MAC, STACK_MAC, Ipv6Address.LOOPBACK, STACK, IpProtocol.ICMPV6, 64, echo(1)));
        assertNothingSent();
        assertEquals(2, counter("ipv6.drop.bad_source_address"));
    }

    @Test
    void packetsForOtherHostsAndUnjoinedGroupsAreDropped() {
        Ipv6Address other = Ipv6Address.parse("2001:db8::99");
        Ipv6Address group = Ipv6Address.parse("ff02::1234");
        h.inject(V6.frame(PEER_MAC, STACK_MAC, PEER, other, IpProtocol.ICMPV6, 64, echo(1)));
        h.inject(V6.frame(PEER_MAC, V6.macFor(group), PEER, group, IpProtocol.ICMPV6, 64, echo(1)));
        assertNothingSent();
        // The unjoined group is already refused by the link-layer filter.
        assertEquals(1, counter("ipv6.drop.not_for_us"));
        assertEquals(1, counter("link.drop.not_for_us"));
    }

    /** RFC 8200 section 4: an unknown Next Header gets Parameter Problem code 1 pointing at it. */
    @Test
    void rfc8200_4_unknownNextHeaderGetsParameterProblemCode1() {
        Icmpv6Packet pp = onlyAnswer(V6.fromPeer(253, Frames.pattern(16)));
        assertEquals(Icmpv6Packet.TYPE_PARAMETER_PROBLEM, pp.msgType());
        assertEquals(Icmpv6Packet.CODE_UNRECOGNIZED_NEXT_HEADER, pp.code());
        assertEquals(6, pp.pointer(), "the Next Header field of the fixed header");
        assertEquals(1, counter("ipv6.drop.unknown_next_header"));
    }

    // ------------------------------------------------------------------ section 4.2: options

    /** RFC 8200 4.2, action 00: skip the option and go on. */
    @Test
    void rfc8200_4_2_unknownOptionAction00IsSkipped() {
        byte[] dst = V6.optionsHeader(IpProtocol.ICMPV6, 0x1E, 2, 0, 0);
        Icmpv6Packet reply = onlyAnswer(V6.fromPeer(IpProtocol.IPV6_DEST_OPTIONS, V6.concat(dst, echo(1))));
        assertEquals(Icmpv6Packet.TYPE_ECHO_REPLY, reply.msgType());
    }

    /** RFC 8200 4.2, action 01: discard silently. */
    @Test
    void rfc8200_4_2_unknownOptionAction01IsDiscardedSilently() {
        byte[] hbh = V6.optionsHeader(IpProtocol.ICMPV6, 0x5E, 2, 0, 0);
        h.inject(V6.fromPeer(IpProtocol.HOP_BY_HOP, V6.concat(hbh, echo(1))));
        assertNothingSent();
        assertEquals(1, counter("ipv6.drop.unknown_option"));
    }

    /** RFC 8200 4.2, action 10: discard and report, even to a multicast destination (RFC 4443 2.4 (e.2)). */
    @Test
    void rfc8200_4_2_unknownOptionAction10IsReportedEvenForMulticast() {
        byte[] dst = V6.optionsHeader(IpProtocol.ICMPV6, 0x9E, 2, 0, 0);
        ByteBuf f = V6.frame(PEER_MAC, V6.macFor(Ipv6Address.ALL_NODES), PEER, Ipv6Address.ALL_NODES,
                IpProtocol.IPV6_DEST_OPTIONS, 64, V6.concat(dst, echo(1)));
        Icmpv6Packet pp = onlyAnswer(f);
        assertEquals(Icmpv6Packet.TYPE_PARAMETER_PROBLEM, pp.msgType());
        assertEquals(Icmpv6Packet.CODE_UNRECOGNIZED_IPV6_OPTION, pp.code());
        assertEquals(42, pp.pointer(), "the option type octet: 40 + 2");
    }

    /** RFC 8200 4.2, action 11: discard and report only if the destination was not multicast. */
    @Test
    void rfc8200_4_2_unknownOptionAction11IsReportedOnlyForUnicast() {
        byte[] dst = V6.optionsHeader(IpProtocol.ICMPV6, 0xDE, 2, 0, 0);
        Icmpv6Packet pp = onlyAnswer(V6.fromPeer(IpProtocol.IPV6_DEST_OPTIONS, V6.concat(dst, echo(1))));
        assertEquals(Icmpv6Packet.CODE_UNRECOGNIZED_IPV6_OPTION, pp.code());
        h.inject(V6.frame(PEER_MAC, V6.macFor(Ipv6Address.ALL_NODES), PEER, Ipv6Address.ALL_NODES,
                IpProtocol.IPV6_DEST_OPTIONS, 64, V6.concat(dst, echo(2))));
        assertNothingSent();
        assertEquals(2, counter("ipv6.drop.unknown_option"));
    }

    /** An option running past its header is malformed. */
    @Test
    void truncatedOptionIsDropped() {
        byte[] dst = V6.optionsHeader(IpProtocol.ICMPV6, 0x1E, 40);
        h.inject(V6.fromPeer(IpProtocol.IPV6_DEST_OPTIONS, V6.concat(dst, echo(1))));
        assertNothingSent();
        assertEquals(1, counter("ipv6.drop.bad_option"));
    }

    /** RFC 8200 4.1: Hop-by-Hop may only follow the IPv6 header. */
    @Test
    void rfc8200_4_1_hopByHopAfterAnotherHeaderIsRefused() {
        byte[] hbh = V6.optionsHeader(IpProtocol.ICMPV6);
        byte[] dst = V6.optionsHeader(IpProtocol.HOP_BY_HOP);
        Icmpv6Packet pp = onlyAnswer(V6.fromPeer(IpProtocol.IPV6_DEST_OPTIONS, V6.concat(dst, hbh, echo(1))));
        assertEquals(Icmpv6Packet.CODE_UNRECOGNIZED_NEXT_HEADER, pp.code());
        assertEquals(40, pp.pointer(), "the Next Header of the Destination Options header");
        assertEquals(1, counter("ipv6.drop.hop_by_hop_not_first"));
    }

    /** RFC 8504 5.3: chains are bounded; nine Destination Options headers are too many. */
    @Test
    void endlessHeaderChainIsDropped() {
        byte[][] parts = new byte[10][];
        for (int i = 0; i < 9; i++) {
            parts[i] = V6.optionsHeader(i == 8 ? IpProtocol.ICMPV6 : IpProtocol.IPV6_DEST_OPTIONS);
        }
        parts[9] = echo(1);
        h.inject(V6.fromPeer(IpProtocol.IPV6_DEST_OPTIONS, V6.concat(parts)));
        // One header of 1 KiB of padding plus another is over the octet bound.
        byte[] big = new byte[1032];
        big[0] = (byte) IpProtocol.IPV6_DEST_OPTIONS;
        big[1] = (byte) (1032 / 8 - 1);
        for (int at = 2; at + 257 <= big.length; at += 257) {
            big[at] = 1;
            big[at + 1] = (byte) 255;
        }
        h.inject(V6.fromPeer(IpProtocol.IPV6_DEST_OPTIONS,
                V6.concat(big, V6.optionsHeader(IpProtocol.ICMPV6), echo(2))));
        assertNothingSent();
        assertEquals(2, counter("ipv6.drop.header_chain_too_long"));
    }

    // ------------------------------------------------------------------ section 4.4: routing header

    private static byte[] routingHeader(int type, int segmentsLeft) {
        byte[] rh = new byte[24];
        rh[0] = (byte) IpProtocol.ICMPV6;
        rh[1] = 2;
        rh[2] = (byte) type;
        rh[3] = (byte) segmentsLeft;
        return rh;
    }

    /** RFC 5095 section 3: type 0 with Segments Left > 0 is refused with Parameter Problem code 0. */
    @Test
    void rfc5095_routingType0IsRefused() {
        Icmpv6Packet pp = onlyAnswer(V6.fromPeer(IpProtocol.IPV6_ROUTING, V6.concat(routingHeader(0, 1), echo(1))));
        assertEquals(Icmpv6Packet.TYPE_PARAMETER_PROBLEM, pp.msgType());
        assertEquals(Icmpv6Packet.CODE_ERRONEOUS_HEADER_FIELD, pp.code());
        assertEquals(42, pp.pointer(), "the Routing Type field");
        assertEquals(1, counter("ipv6.drop.routing_header"));
    }

    /** RFC 8200 4.4: an unknown routing type with Segments Left > 0 is refused too. */
    @Test
    void rfc8200_4_4_unknownRoutingTypeWithSegmentsLeftIsRefused() {
        Icmpv6Packet pp = onlyAnswer(V6.fromPeer(IpProtocol.IPV6_ROUTING, V6.concat(routingHeader(77, 2), echo(1))));
        assertEquals(Icmpv6Packet.CODE_ERRONEOUS_HEADER_FIELD, pp.code());
    }

    /** RFC 8200 4.4: with Segments Left 0 the header is ignored and the packet processed. */
    @Test
    void rfc8200_4_4_routingHeaderWithNoSegmentsLeftIsIgnored() {
        Icmpv6Packet reply = onlyAnswer(V6.fromPeer(IpProtocol.IPV6_ROUTING, V6.concat(routingHeader(77, 0), echo(1))));
        assertEquals(Icmpv6Packet.TYPE_ECHO_REPLY, reply.msgType());
    }

    // ------------------------------------------------------------------ section 4.5: fragments

    /** RFC 8200 4.5: a fragmented echo (ping -6 -s 4000) is reassembled; the reply is fragmented to the MTU. */
    @Test
    void rfc8200_4_5_fragmentedEchoIsReassembledAndTheReplyFragmented() {
        byte[] icmp = V6.echoRequest(PEER, STACK, 9, 1, Frames.pattern(4000));
        for (ByteBuf f : V6.fragments(IpProtocol.ICMPV6, 0x1234, icmp, 1448)) {
            h.inject(f);
        }
        List<ByteBuf> sent = h.sent();
        taken.addAll(sent);
        assertEquals(3, sent.size(), "4008 octets of ICMPv6 need three fragments at MTU 1500");
        byte[] reassembled = new byte[icmp.length];
        int total = 0;
        for (ByteBuf f : sent) {
            Ipv6Packet ip = V6.ipv6Of(f);
            assertTrue(Ipv6Packet.HEADER_LENGTH + ip.payloadLength() <= 1500);
            assertEquals(IpProtocol.IPV6_FRAGMENT, ip.nextHeader());
            Ipv6FragmentHeader fh = new Ipv6FragmentHeader().wrap(f, ip.payloadOffset(), ip.payloadLength());
            assertEquals(IpProtocol.ICMPV6, fh.nextHeader());
            f.getBytes(fh.payloadOffset(), reassembled, fh.fragmentOffset(), fh.payloadLength());
            total += fh.payloadLength();
        }
        assertEquals(icmp.length, total);
        assertEquals((byte) Icmpv6Packet.TYPE_ECHO_REPLY, reassembled[0]);
        assertArrayEquals(Arrays.copyOfRange(icmp, 8, icmp.length), Arrays.copyOfRange(reassembled, 8, reassembled.length));
        assertEquals(1, counter("ipv6.reassembly.ok"));
        assertEquals(3, counter("ipv6.tx.fragments"));
    }

    /** RFC 5722: overlapping fragments discard the whole packet. */
    @Test
    void rfc5722_overlappingFragmentsAreDropped() {
        byte[] icmp = V6.echoRequest(PEER, STACK, 9, 1, Frames.pattern(3000));
        List<ByteBuf> frags = V6.fragments(IpProtocol.ICMPV6, 5, icmp, 1448);
        h.inject(frags.get(0));
        h.inject(V6.fragments(IpProtocol.ICMPV6, 5, Arrays.copyOfRange(icmp, 0, 2000), 1440).get(1));
        h.inject(frags.get(1));
        h.inject(frags.get(2));
        assertNothingSent();
        assertEquals(1, counter("ipv6.drop.fragment_overlap"));
    }

    /** RFC 7112 section 5: a first fragment without the upper-layer header is dropped with PP code 3. */
    @Test
    void rfc7112_tinyFirstFragmentIsRefused() {
        // The first fragment carries only half of a Destination Options header.
        byte[] dst = V6.optionsHeader(IpProtocol.ICMPV6, 0x1E, 12);
        byte[] whole = V6.concat(dst, echo(1));
        ByteBuf first = V6.fromPeer(IpProtocol.IPV6_FRAGMENT,
                V6.concat(V6.fragmentHeader(IpProtocol.IPV6_DEST_OPTIONS, 0, true, 77), Arrays.copyOf(whole, 8)));
        Icmpv6Packet pp = onlyAnswer(first);
        assertEquals(Icmpv6Packet.TYPE_PARAMETER_PROBLEM, pp.msgType());
        assertEquals(3, pp.code());
        assertEquals(0, pp.pointer());
        assertEquals(1, counter("ipv6.drop.incomplete_header_chain"));
    }

    /** RFC 6946 section 4 / RFC 8021: an atomic fragment is processed as a whole packet. */
    @Test
    void rfc6946_atomicFragmentIsProcessedAlone() {
        ByteBuf f = V6.fromPeer(IpProtocol.IPV6_FRAGMENT, V6.concat(V6.fragmentHeader(IpProtocol.ICMPV6, 0, false, 3),
                echo(1)));
        Icmpv6Packet reply = onlyAnswer(f);
        assertEquals(Icmpv6Packet.TYPE_ECHO_REPLY, reply.msgType());
        assertEquals(1, counter("ipv6.rx.atomic_fragments"));
        assertEquals(0, h.stack.ipv6().reassembler().pending());
    }

    /** RFC 8200 4.5: M=1 with a length not a multiple of 8: Parameter Problem code 0 at Payload Length. */
    @Test
    void rfc8200_4_5_fragmentNotMultipleOf8IsRefused() {
        ByteBuf f = V6.fromPeer(IpProtocol.IPV6_FRAGMENT,
                V6.concat(V6.fragmentHeader(IpProtocol.ICMPV6, 0, true, 4), Arrays.copyOf(echo(1), 13)));
        Icmpv6Packet pp = onlyAnswer(f);
        assertEquals(Icmpv6Packet.CODE_ERRONEOUS_HEADER_FIELD, pp.code());
        assertEquals(4, pp.pointer());
    }

    /** RFC 8200 4.5: fragments beyond 65,535 octets: Parameter Problem code 0 at the Fragment Offset. */
    @Test
    void rfc8200_4_5_fragmentBeyond65535IsRefused() {
        ByteBuf f = V6.fromPeer(IpProtocol.IPV6_FRAGMENT,
                V6.concat(V6.fragmentHeader(IpProtocol.ICMPV6, 65_000, false, 4), new byte[600]));
        Icmpv6Packet pp = onlyAnswer(f);
        assertEquals(Icmpv6Packet.CODE_ERRONEOUS_HEADER_FIELD, pp.code());
        assertEquals(42, pp.pointer());
        assertEquals(1, counter("ipv6.drop.fragment_too_big"));
    }

    /** RFC 8200 4.5: after 60 s the first fragment is reported with Time Exceeded code 1. */
    @Test
    void rfc8200_4_5_reassemblyTimeoutSendsTimeExceeded() {
        byte[] icmp = V6.echoRequest(PEER, STACK, 9, 1, Frames.pattern(3000));
        h.inject(V6.fragments(IpProtocol.ICMPV6, 6, icmp, 1448).get(0));
        h.advance(59_999);
        assertNothingSent();
        h.advance(2);
        List<ByteBuf> sent = h.sent();
        taken.addAll(sent);
        assertEquals(1, sent.size());
        Icmpv6Packet te = V6.icmpv6Of(sent.get(0));
        assertEquals(Icmpv6Packet.TYPE_TIME_EXCEEDED, te.msgType());
        assertEquals(Icmpv6Packet.CODE_FRAGMENT_REASSEMBLY_TIME_EXCEEDED, te.code());
        assertEquals(1, counter("ipv6.drop.reassembly_timeout"));
    }

    /** Large UDP over IPv6 is fragmented with a Fragment header carrying UDP, pieces of 8n octets. */
    @Test
    void rfc8200_4_5_largeDatagramIsFragmentedAtTheSource() {
        var s = h.stack.udp().open();
        var data = io.netty.buffer.Unpooled.wrappedBuffer(Frames.pattern(3000));
        assertEquals(org.sockstack.stack.socket.SocketError.OK,
                s.sendTo(data, new org.sockstack.stack.socket.Endpoint(PEER, 9), h.clock.nanos()));
        h.run();
        List<ByteBuf> sent = h.sent();
        taken.addAll(sent);
        assertEquals(3, sent.size());
        int ids = 0;
        for (ByteBuf f : sent) {
            Ipv6Packet ip = V6.ipv6Of(f);
            Ipv6FragmentHeader fh = new Ipv6FragmentHeader().wrap(f, ip.payloadOffset(), ip.payloadLength());
            assertEquals(IpProtocol.UDP, fh.nextHeader());
            if (fh.moreFragments()) {
                assertEquals(0, fh.payloadLength() % 8);
            }
            ids |= fh.identification() == new Ipv6FragmentHeader().wrap(sent.get(0), ip.payloadOffset(),
                    ip.payloadLength()).identification() ? 0 : 1;
        }
        assertEquals(0, ids, "one Identification for all fragments");
        s.close();
    }

    /** RFC 4862 5.4: a packet to a tentative address is discarded. */
    @Test
    void rfc4862_5_4_packetToTentativeAddressIsDiscarded() {
        Ipv6Address fresh = Ipv6Address.parse("2001:db8::77");
        h.stack.addIpv6Address(h.iface, fresh, 64);
        h.inject(V6.frame(PEER_MAC, STACK_MAC, PEER, fresh, IpProtocol.ICMPV6, 64,
                V6.echoRequest(PEER, fresh, 1, 1, new byte[8])));
        assertNothingSent();
        assertEquals(1, counter("ipv6.drop.tentative_destination"));
    }
}
