package org.sockstack.stack.ipv4;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.device.ChannelDevice;
import org.sockstack.stack.iface.NetworkInterface;
import org.sockstack.stack.ip.Route;
import org.sockstack.stack.testing.Frames;
import org.sockstack.stack.testing.StackHarness;
import org.sockstack.stack.wire.IpProtocol;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.Ipv4Repr;
import org.sockstack.stack.wire.MacAddress;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.stack.testing.StackHarness.PEER_IP;
import static org.sockstack.stack.testing.StackHarness.PEER_MAC;
import static org.sockstack.stack.testing.StackHarness.STACK_IP;
import static org.sockstack.stack.testing.StackHarness.STACK_MAC;

/** IPv4 input validation and routing (RFC 791, RFC 1122 3.2.1 / 3.3). */
class Ipv4Test {
    private StackHarness h;

    @BeforeEach
    void setUp() {
        h = new StackHarness().withAddress().withPeerKnown();
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    private ByteBuf echo() {
        return Frames.fromPeer(IpProtocol.ICMP, Frames.icmpEcho(8, 1, 1, new byte[8]));
    }

    private void assertNothingSentAndCounted(String counter) {
        assertTrue(h.sent().isEmpty(), "nothing answered");
        assertEquals(1, h.stack.counters().get(counter), counter);
    }

    @Test
    void rfc1122_3_2_1_2_badHeaderChecksumIsDiscarded() {
        ByteBuf f = echo();
        f.setByte(14 + 10, f.getByte(14 + 10) ^ 0x40);
        h.inject(f);
        assertNothingSentAndCounted("ipv4.drop.bad_checksum");
    }

    @Test
    void rfc1122_3_2_1_1_wrongVersionIsDiscarded() {
        ByteBuf f = echo();
        f.setByte(14, 0x55);
        h.inject(f);
        assertNothingSentAndCounted("ipv4.drop.bad_version");
    }

    @Test
    void truncatedAndInconsistentLengthsAreDiscarded() {
        ByteBuf shortFrame = echo();
        shortFrame.writerIndex(14 + 12);
        h.inject(shortFrame);
        ByteBuf longTotal = echo();
        longTotal.setShort(14 + 2, 1000); // Total Length past the frame
        longTotal.setShort(14 + 10, 0);
        longTotal.setShort(14 + 10, org.sockstack.stack.wire.InternetChecksum.compute(longTotal, 14, 20));
        h.inject(longTotal);
        assertTrue(h.sent().isEmpty());
        assertEquals(1, h.stack.counters().get("ipv4.drop.truncated"));
        assertEquals(1, h.stack.counters().get("ipv4.drop.bad_length"));
    }

    /** RFC 1122 3.2.1.3: a broadcast or multicast source is discarded. */
    @Test
    void rfc1122_3_2_1_3_badSourceIsDiscarded() {
        Ipv4Repr ip = new Ipv4Repr(Ipv4Address.parse("224.0.0.5"), STACK_IP, IpProtocol.ICMP, 16, 64);
        h.inject(Frames.ipv4(PEER_MAC, STACK_MAC, ip, Frames.icmpEcho(8, 1, 1, new byte[8])));
        assertNothingSentAndCounted("ipv4.drop.bad_source_address");
    }

    /** RFC 1122 3.3.4: a host does not forward; datagrams for others are dropped. */
    @Test
    void datagramsForOtherHostsAreNotForwarded() {
        Ipv4Repr ip = new Ipv4Repr(PEER_IP, Ipv4Address.parse("192.0.2.99"), IpProtocol.ICMP, 16, 64);
        h.inject(Frames.ipv4(PEER_MAC, STACK_MAC, ip, Frames.icmpEcho(8, 1, 1, new byte[8])));
        assertNothingSentAndCounted("ipv4.drop.not_for_us");
    }

    /** RFC 1122 3.2.1.8: known options (record route) are accepted; the echo is answered. */
    @Test
    void recordRouteOptionIsAcceptedAndBogusOptionGetsParameterProblem() {
        byte[] rr = {7, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0, 1}; // record route with room for 2, then EOL
        Ipv4Repr ip = new Ipv4Repr(PEER_IP, STACK_IP, IpProtocol.ICMP, 16, 64, 0, 0, 1, false, false, 0, rr);
        h.inject(Frames.ipv4(PEER_MAC, STACK_MAC, ip, Frames.icmpEcho(8, 1, 1, new byte[8])));
        List<ByteBuf> sent = h.sent();
        assertEquals(1, sent.size());
        assertTrue(Frames.isIcmp(sent.get(0), 0), "echo reply");
        StackHarness.releaseAll(sent);
        byte[] bogus = {7, 0, 4, 0}; // option length 0
        Ipv4Repr bad = new Ipv4Repr(PEER_IP, STACK_IP, IpProtocol.ICMP, 16, 64, 0, 0, 2, false, false, 0, bogus);
        h.inject(Frames.ipv4(PEER_MAC, STACK_MAC, bad, Frames.icmpEcho(8, 1, 1, new byte[8])));
        List<ByteBuf> pp = h.sent();
        assertEquals(1, pp.size());
        assertTrue(Frames.isIcmp(pp.get(0), 12), "parameter problem");
        StackHarness.releaseAll(pp);
        assertEquals(1, h.stack.counters().get("ipv4.drop.bad_option"));
    }

    /** A flood of never-completed fragments stays within the reassembly bounds and is freed. */
    @Test
    void fragmentFloodIsBounded() {
        for (int id = 0; id < 2_000; id++) {
            Ipv4Repr first = new Ipv4Repr(PEER_IP, STACK_IP, IpProtocol.UDP, 1480, 64, 0, 0, id, false, true, 0, null);
            h.device.inject(Frames.ipv4(PEER_MAC, STACK_MAC, first, Frames.pattern(1480)));
            if (id % 256 == 0) {
                h.run();
            }
        }
        h.run();
        var r = h.stack.ipv4().reassembler();
        assertTrue(r.pending() <= 256, "concurrent reassemblies bounded: " + r.pending());
        assertTrue(r.heldBytes() <= 4L * 1024 * 1024, "memory bounded: " + r.heldBytes());
        h.advance(31_000);
        StackHarness.releaseAll(h.sent());
        assertEquals(0, r.pending());
        assertEquals(0, r.heldBytes());
    }

    /** Several interfaces and addresses; longest prefix wins; the default route catches the rest. */
    @Test
    void routingUsesLongestPrefixAndSelectsTheSourceOfTheOutgoingInterface() {
        ChannelDevice second = new ChannelDevice("eth1", MacAddress.parse("02:00:00:00:01:02"), 9000);
        NetworkInterface eth1 = h.stack.addInterface(second);
        h.stack.addIpv4Address(eth1, Ipv4Address.parse("198.51.100.2"), 24);
        h.stack.addIpv4Address(eth1, Ipv4Address.parse("203.0.113.2"), 25);
        h.stack.ipv4().addDefaultRoute(h.iface, PEER_IP);
        h.run();
        Ipv4 ipv4 = h.stack.ipv4();
        Ipv4Path p1 = ipv4.path(Ipv4Address.parse("198.51.100.77").bits(), 0, null);
        assertEquals(eth1, p1.iface());
        assertEquals(Ipv4Address.parse("198.51.100.2").bits(), p1.src());
        assertEquals(9000, p1.mtu());
        Ipv4Path p2 = ipv4.path(Ipv4Address.parse("203.0.113.9").bits(), 0, null);
        assertEquals(Ipv4Address.parse("203.0.113.2").bits(), p2.src());
        Ipv4Path far = ipv4.path(Ipv4Address.parse("203.0.113.200").bits(), 0, null);
        assertEquals(h.iface, far.iface(), "outside the /25: default route");
        assertEquals(PEER_IP, far.nextHop());
        assertEquals(STACK_IP.bits(), far.src());
        Route<Ipv4Address> r = ipv4.routes().lookup(Ipv4Address.parse("192.0.2.50"));
        assertTrue(r.onLink());
        h.stack.ipv4().routes().removeIf((route, iface) -> route.prefixLength() == 0);
        assertNull(ipv4.path(Ipv4Address.parse("8.8.8.8").bits(), 0, null), "no route");
        second.close();
    }

    /** RFC 1191: a smaller path MTU learned from ICMP applies to that destination only. */
    @Test
    void pathMtuFromIcmpAppliesPerDestination() {
        int dst = PEER_IP.bits();
        assertEquals(1500, h.stack.ipv4().path(dst, 0, null).mtu());
        assertEquals(1400, h.stack.ipv4().updatePathMtu(dst, 1400, h.clock.nanos()));
        assertEquals(1400, h.stack.ipv4().path(dst, 0, null).mtu());
        assertEquals(1500, h.stack.ipv4().path(Ipv4Address.parse("192.0.2.3").bits(), 0, null).mtu());
        assertEquals(1400, h.stack.ipv4().updatePathMtu(dst, 1450, h.clock.nanos()), "never raised by a report");
    }

    /** RFC 1122 3.3.6: a unicast datagram in a link-layer broadcast frame is discarded, unanswered. */
    @Test
    void rfc1122_3_3_6_unicastDatagramInABroadcastFrameIsDiscarded() {
        Ipv4Repr ip = new Ipv4Repr(PEER_IP, STACK_IP, IpProtocol.ICMP, 16, 64);
        h.inject(Frames.ipv4(PEER_MAC, MacAddress.BROADCAST, ip, Frames.icmpEcho(8, 1, 1, new byte[8])));
        assertNothingSentAndCounted("ipv4.drop.unicast_in_link_broadcast");
    }

    /** A frame tagged for a VLAN this interface is not on is not ours. */
    @Test
    void frameTaggedForAnotherVlanIsDropped() {
        ByteBuf untagged = echo();
        ByteBuf tagged = io.netty.buffer.Unpooled.buffer(untagged.readableBytes() + 4);
        tagged.writeBytes(untagged, 0, 12).writeShort(0x8100).writeShort(42).writeBytes(untagged, 12,
                untagged.readableBytes() - 12);
        h.inject(tagged);
        assertNothingSentAndCounted("link.drop.vlan_mismatch");
    }

    /** RFC 1122 3.2.1.3: 0/8, 127/8 and class E destinations never leave the host. */
    @Test
    void rfc1122_3_2_1_3_specialDestinationsHaveNoRoute() {
        h.stack.ipv4().addDefaultRoute(h.iface, PEER_IP);
        for (String dst : new String[] {"0.1.2.3", "127.0.0.1", "240.0.0.1"}) {
            assertNull(h.stack.ipv4().path(Ipv4Address.parse(dst).bits(), 0, null), dst);
        }
    }
}
