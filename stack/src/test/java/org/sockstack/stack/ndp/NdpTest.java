package org.sockstack.stack.ndp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.iface.Ipv6InterfaceAddress;
import org.sockstack.stack.iface.Ipv6InterfaceAddress.State;
import org.sockstack.stack.ipv6.V6;
import org.sockstack.stack.neighbor.NeighborState;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.testing.Frames;
import org.sockstack.stack.testing.StackHarness;
import org.sockstack.stack.udp.UdpSocket;
import org.sockstack.stack.wire.Icmpv6Packet;
import org.sockstack.stack.wire.IpProtocol;
import org.sockstack.stack.wire.Ipv6Address;
import org.sockstack.stack.wire.Ipv6Packet;
import org.sockstack.stack.wire.MacAddress;
import org.sockstack.stack.wire.NdpOption;
import org.sockstack.stack.wire.NdpRepr;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.stack.ipv6.V6.PEER;
import static org.sockstack.stack.ipv6.V6.PEER_LL;
import static org.sockstack.stack.ipv6.V6.ROUTER_LL;
import static org.sockstack.stack.ipv6.V6.ROUTER_MAC;
import static org.sockstack.stack.ipv6.V6.STACK;
import static org.sockstack.stack.ipv6.V6.STACK_LL;
import static org.sockstack.stack.testing.StackHarness.PEER_MAC;
import static org.sockstack.stack.testing.StackHarness.STACK_MAC;

/** Neighbor Discovery (RFC 4861) and SLAAC/DAD (RFC 4862) on the manual clock. */
class NdpTest {
    private static final Ipv6Address PREFIX = Ipv6Address.parse("2001:db8:1::");
    private static final Ipv6Address SLAAC = Ipv6Address.parse("2001:db8:1::ff:fe00:2");
    private StackHarness h;
    private final List<ByteBuf> taken = new ArrayList<>();

    @AfterEach
    void tearDown() {
        StackHarness.releaseAll(taken);
        if (h != null) {
            h.close();
        }
    }

    private long counter(String name) {
        return h.stack.counters().get(name);
    }

    private List<ByteBuf> sent() {
        List<ByteBuf> s = V6.withoutMld(h.sent());
        taken.addAll(s);
        return s;
    }

    private Ndp ndp() {
        return h.stack.ndp(h.iface);
    }

    /** Injects an NDP message with Hop Limit 255 (or {@code hopLimit}). */
    private void inject(NdpRepr msg, MacAddress srcMac, Ipv6Address src, Ipv6Address dst, int hopLimit) {
        h.inject(V6.frame(srcMac, V6.macFor(dst), src, dst, IpProtocol.ICMPV6, hopLimit, V6.message(msg, src, dst)));
    }

    private void inject(NdpRepr msg, MacAddress srcMac, Ipv6Address src, Ipv6Address dst) {
        inject(msg, srcMac, src, dst, 255);
    }

    private static NdpRepr.NeighborSolicitation ns(Ipv6Address target, MacAddress sll) {
        return new NdpRepr.NeighborSolicitation(target,
                sll == null ? List.of() : List.of(new NdpOption.SourceLinkLayerAddress(sll)));
    }

    private static NdpRepr.RouterAdvertisement ra(int lifetime, NdpOption... options) {
        List<NdpOption> all = new ArrayList<>(List.of(options));
        all.add(new NdpOption.SourceLinkLayerAddress(ROUTER_MAC));
        return new NdpRepr.RouterAdvertisement(64, false, false, lifetime, 0, 0, all);
    }

    private static NdpOption.PrefixInformation prefix(Ipv6Address p, long valid, long preferred) {
        return new NdpOption.PrefixInformation(64, true, true, valid, preferred, p);
    }

    // ------------------------------------------------------------------ address resolution

    /** RFC 4861 7.2.3 / 7.2.4: a multicast NS for our address gets a solicited NA with our MAC. */
    @Test
    void rfc4861_7_2_4_solicitationForOurAddressIsAnswered() {
        h = V6.harness();
        Ipv6Address other = Ipv6Address.parse("2001:db8::5");
        MacAddress otherMac = MacAddress.parse("02:00:00:00:00:05");
        inject(ns(STACK, otherMac), otherMac, other, STACK.solicitedNode());
        List<ByteBuf> out = sent();
        assertEquals(1, out.size());
        Ipv6Packet ip = V6.ipv6Of(out.get(0));
        assertEquals(255, ip.hopLimit());
        assertEquals(STACK, V6.src(ip));
        assertEquals(other, V6.dst(ip));
        assertEquals(otherMac.bits(), V6.dstMac(out.get(0)));
        Icmpv6Packet na = V6.icmpv6Of(out.get(0));
        assertEquals(Icmpv6Packet.TYPE_NEIGHBOR_ADVERTISEMENT, na.msgType());
        assertTrue(na.solicitedFlag());
        assertTrue(na.overrideFlag());
        assertFalse(na.routerFlag());
        assertEquals(STACK, new Ipv6Address(na.targetAddrHi(), na.targetAddrLo()));
        assertEquals(STACK_MAC.bits(), na.optionLinkLayerAddr(na.ndpOptionsOffset()));
        // RFC 4861 7.2.3: the solicitation's source was recorded as STALE.
        assertEquals(NeighborState.STALE, ndp().cache().entry(other).state());
    }

    /** RFC 4861 4.3: a multicast NS must carry the source link-layer option. */
    @Test
    void rfc4861_4_3_multicastSolicitationWithoutSourceLinkLayerIsDropped() {
        h = V6.harness();
        inject(ns(STACK, null), PEER_MAC, Ipv6Address.parse("2001:db8::5"), STACK.solicitedNode());
        assertTrue(sent().isEmpty());
        assertEquals(1, counter("ndp.drop.missing_source_link_layer"));
    }

    /** RFC 4861 7.1.1 / 7.1.2: Hop Limit other than 255 means off-link: dropped. */
    @Test
    void rfc4861_7_1_hopLimitBelow255IsDropped() {
        h = V6.harness();
        inject(ns(STACK, PEER_MAC), PEER_MAC, PEER, STACK.solicitedNode(), 254);
        assertTrue(sent().isEmpty());
        assertEquals(1, counter("ndp.drop.bad_hop_limit"));
    }

    /** RFC 4861 4.6: an option of length 0 makes the message invalid; code must be 0. */
    @Test
    void rfc4861_4_6_zeroLengthOptionAndNonZeroCodeAreDropped() {
        h = V6.harness();
        byte[] msg = V6.message(ns(STACK, PEER_MAC), PEER, STACK.solicitedNode());
        byte[] body = java.util.Arrays.copyOfRange(msg, 4, msg.length);
        body[21] = 0; // the option's Length octet (offset 25 of the message)
        inject(body, Icmpv6Packet.TYPE_NEIGHBOR_SOLICITATION, 0);
        inject(java.util.Arrays.copyOfRange(msg, 4, msg.length), Icmpv6Packet.TYPE_NEIGHBOR_SOLICITATION, 1);
        // An NS shorter than 24 octets.
        inject(new byte[12], Icmpv6Packet.TYPE_NEIGHBOR_SOLICITATION, 0);
        assertTrue(sent().isEmpty());
        assertEquals(1, counter("ndp.drop.bad_option"));
        assertEquals(1, counter("ndp.drop.bad_field"));
        assertEquals(1, counter("ndp.drop.truncated"));
    }

    private void inject(byte[] bodyAfterType, int type, int code) {
        int rest = ((bodyAfterType[0] & 0xFF) << 24) | ((bodyAfterType[1] & 0xFF) << 16)
                | ((bodyAfterType[2] & 0xFF) << 8) | (bodyAfterType[3] & 0xFF);
        byte[] icmp = V6.icmpv6(PEER, STACK.solicitedNode(), type, code, rest,
                java.util.Arrays.copyOfRange(bodyAfterType, 4, bodyAfterType.length));
        h.inject(V6.frame(PEER_MAC, V6.macFor(STACK.solicitedNode()), PEER, STACK.solicitedNode(), IpProtocol.ICMPV6,
                255, icmp));
    }

    /** A flood of solicitations for random targets leaves no state behind. */
    @Test
    void solicitationFloodForRandomTargetsKeepsNoState() {
        h = V6.harness();
        int before = ndp().cache().size();
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < 5000; i++) {
            Ipv6Address target = new Ipv6Address(0x2001_0db8_0000_0000L, r.nextLong());
            MacAddress mac = new MacAddress(0x02_00_00_00_00_00L | (i & 0xFFFF_FFFFL));
            h.device.inject(V6.frame(mac, V6.macFor(target.solicitedNode()), new Ipv6Address(0x2001_0db8L << 32, i),
                    target.solicitedNode(), IpProtocol.ICMPV6, 255,
                    V6.message(ns(target, mac), new Ipv6Address(0x2001_0db8L << 32, i), target.solicitedNode())));
            if (i % 256 == 0) {
                h.run();
            }
        }
        h.run();
        assertTrue(sent().isEmpty());
        assertEquals(before, ndp().cache().size());
        // Most are refused by the link-layer filter (unjoined solicited-node groups), the rest by NDP.
        assertEquals(5000, counter("ndp.drop.not_our_target") + counter("link.drop.not_for_us"));
    }

    /** RFC 4861 7.2.2: sending to an unresolved neighbour solicits its solicited-node group; the NA releases the packet. */
    @Test
    void rfc4861_7_2_2_addressResolutionQueuesUntilTheAdvertisement() {
        h = V6.harness();
        Ipv6Address other = Ipv6Address.parse("2001:db8::7");
        MacAddress otherMac = MacAddress.parse("02:00:00:00:00:07");
        UdpSocket s = h.stack.udp().open();
        assertEquals(SocketError.OK, s.sendTo(Unpooled.wrappedBuffer(new byte[10]), new Endpoint(other, 9),
                h.clock.nanos()));
        h.run();
        List<ByteBuf> out = sent();
        assertEquals(1, out.size());
        Ipv6Packet ip = V6.ipv6Of(out.get(0));
        assertEquals(other.solicitedNode(), V6.dst(ip));
        assertEquals(MacAddress.ofIpv6Multicast(other.solicitedNode()).bits(), V6.dstMac(out.get(0)));
        Icmpv6Packet ns = V6.icmpv6Of(out.get(0));
        assertEquals(Icmpv6Packet.TYPE_NEIGHBOR_SOLICITATION, ns.msgType());
        assertEquals(STACK_MAC.bits(), ns.optionLinkLayerAddr(ns.ndpOptionsOffset()));
        inject(new NdpRepr.NeighborAdvertisement(false, true, true, other,
                List.of(new NdpOption.TargetLinkLayerAddress(otherMac))), otherMac, other, STACK);
        out = sent();
        assertEquals(1, out.size());
        assertEquals(IpProtocol.UDP, V6.ipv6Of(out.get(0)).nextHeader());
        assertEquals(otherMac.bits(), V6.dstMac(out.get(0)));
        assertEquals(NeighborState.REACHABLE, ndp().cache().entry(other).state());
        s.close();
    }

    /** RFC 4861 7.2.5: an advertisement with no cache entry is discarded (no cache pollution). */
    @Test
    void rfc4861_7_2_5_unsolicitedAdvertisementWithoutEntryIsIgnored() {
        h = V6.harness();
        Ipv6Address other = Ipv6Address.parse("2001:db8::8");
        inject(new NdpRepr.NeighborAdvertisement(false, false, true, other,
                List.of(new NdpOption.TargetLinkLayerAddress(PEER_MAC))), PEER_MAC, other, Ipv6Address.ALL_NODES);
        assertNull(ndp().cache().entry(other));
        assertEquals(1, counter("ndp.drop.unsolicited_advertisement"));
    }

    // ------------------------------------------------------------------ DAD (RFC 4862 5.4)

    /**
     * RFC 4862 5.3 / 5.4.2: the link-local address is formed from the MAC (modified EUI-64), and
     * probed with one NS from :: to its solicited-node group; after RetransTimer it is preferred
     * and announced with an unsolicited NA.
     */
    @Test
    void rfc4862_5_4_linkLocalAddressRunsDadThenIsAnnounced() {
        h = new StackHarness();
        h.stack.setNdpConfig(NdpConfig.DEFAULT.withRouterSolicitations(false));
        h.stack.enableIpv6(h.iface);
        Ipv6InterfaceAddress ll = V6.address(h, STACK_LL);
        assertNotNull(ll);
        assertEquals(State.TENTATIVE, ll.state());
        assertTrue(h.iface.acceptsIpv6Multicast(STACK_LL.solicitedNode()));
        assertTrue(h.iface.acceptsIpv6Multicast(Ipv6Address.ALL_NODES));
        h.advance(1_000);
        List<ByteBuf> out = sent();
        assertEquals(1, out.size(), "one probe within MAX_RTR_SOLICITATION_DELAY");
        Ipv6Packet ip = V6.ipv6Of(out.get(0));
        assertEquals(Ipv6Address.UNSPECIFIED, V6.src(ip));
        assertEquals(STACK_LL.solicitedNode(), V6.dst(ip));
        assertEquals(255, ip.hopLimit());
        Icmpv6Packet probe = V6.icmpv6Of(out.get(0));
        assertEquals(Icmpv6Packet.TYPE_NEIGHBOR_SOLICITATION, probe.msgType());
        assertEquals(STACK_LL, new Ipv6Address(probe.targetAddrHi(), probe.targetAddrLo()));
        assertEquals(probe.end(), probe.ndpOptionsOffset(), "no options from the unspecified address");
        assertEquals(State.TENTATIVE, ll.state());
        h.advance(1_000);
        assertEquals(State.PREFERRED, ll.state());
        out = sent();
        assertEquals(1, out.size());
        Icmpv6Packet na = V6.icmpv6Of(out.get(0));
        assertEquals(Icmpv6Packet.TYPE_NEIGHBOR_ADVERTISEMENT, na.msgType());
        assertFalse(na.solicitedFlag());
        assertTrue(na.overrideFlag());
        assertEquals(Ipv6Address.ALL_NODES, V6.dst(V6.ipv6Of(out.get(0))));
        assertEquals(1, counter("ndp.dad.succeeded"));
    }

    /** RFC 4862 5.4.3: an NS from :: for our tentative address means another node wants it: duplicate. */
    @Test
    void rfc4862_5_4_3_solicitationForTentativeAddressMarksItDuplicate() {
        h = V6.harness();
        Ipv6Address fresh = Ipv6Address.parse("2001:db8::42");
        Ipv6InterfaceAddress a = h.stack.addIpv6Address(h.iface, fresh, 64);
        inject(ns(fresh, null), PEER_MAC, Ipv6Address.UNSPECIFIED, fresh.solicitedNode());
        assertEquals(State.DUPLICATE, a.state());
        assertEquals(1, counter("ndp.dad.duplicates"));
        h.advance(3_000);
        assertEquals(State.DUPLICATE, a.state(), "never becomes usable");
        assertFalse(h.iface.acceptsIpv6Multicast(fresh.solicitedNode()));
        // A duplicate address is not answered for.
        inject(ns(fresh, PEER_MAC), PEER_MAC, PEER, fresh.solicitedNode());
        assertTrue(sent().stream().noneMatch(f -> V6.icmpv6Of(f).msgType() == Icmpv6Packet.TYPE_NEIGHBOR_ADVERTISEMENT
                && new Ipv6Address(V6.icmpv6Of(f).targetAddrHi(), V6.icmpv6Of(f).targetAddrLo()).equals(fresh)));
    }

    /** RFC 4862 5.4.4: an NA for our tentative address: duplicate. A unicast NS for it is ignored. */
    @Test
    void rfc4862_5_4_4_advertisementForTentativeAddressMarksItDuplicate() {
        h = V6.harness();
        Ipv6Address fresh = Ipv6Address.parse("2001:db8::43");
        Ipv6InterfaceAddress a = h.stack.addIpv6Address(h.iface, fresh, 64);
        inject(ns(fresh, PEER_MAC), PEER_MAC, PEER, fresh.solicitedNode());
        assertEquals(State.TENTATIVE, a.state());
        assertEquals(1, counter("ndp.drop.tentative_target"));
        inject(new NdpRepr.NeighborAdvertisement(false, false, true, fresh,
                List.of(new NdpOption.TargetLinkLayerAddress(PEER_MAC))), PEER_MAC, PEER, Ipv6Address.ALL_NODES);
        assertEquals(State.DUPLICATE, a.state());
        assertEquals(1, counter("ndp.dad.duplicates"));
    }

    /** RFC 4861 7.2.4: DAD of another node for one of our addresses is answered to all-nodes. */
    @Test
    void rfc4861_7_2_4_dadForOurAddressIsDefended() {
        h = V6.harness();
        inject(ns(STACK, null), PEER_MAC, Ipv6Address.UNSPECIFIED, STACK.solicitedNode());
        List<ByteBuf> out = sent();
        assertEquals(1, out.size());
        assertEquals(Ipv6Address.ALL_NODES, V6.dst(V6.ipv6Of(out.get(0))));
        assertFalse(V6.icmpv6Of(out.get(0)).solicitedFlag());
    }

    // ------------------------------------------------------------------ router discovery

    /** RFC 4861 6.3.7: up to 3 RS, 4 s apart, after a delay of at most 1 s; none after an RA. */
    @Test
    void rfc4861_6_3_7_routerSolicitationsAtStartUp() {
        h = new StackHarness();
        h.stack.enableIpv6(h.iface);
        h.advance(20_000);
        List<ByteBuf> rs = V6.ofType(sent(), Icmpv6Packet.TYPE_ROUTER_SOLICITATION);
        assertEquals(3, rs.size());
        assertEquals(Ipv6Address.ALL_ROUTERS, V6.dst(V6.ipv6Of(rs.get(0))));
        assertEquals(3, counter("ndp.tx.router_solicitations"));

        StackHarness second = new StackHarness();
        try {
            second.stack.enableIpv6(second.iface);
            second.advance(3_000);
            long before = second.stack.counters().get("ndp.tx.router_solicitations");
            assertTrue(before >= 1);
            NdpRepr.RouterAdvertisement ra = ra(1800);
            second.inject(V6.frame(ROUTER_MAC, V6.macFor(Ipv6Address.ALL_NODES), ROUTER_LL, Ipv6Address.ALL_NODES,
                    IpProtocol.ICMPV6, 255, V6.message(ra, ROUTER_LL, Ipv6Address.ALL_NODES)));
            second.advance(20_000);
            assertEquals(before, second.stack.counters().get("ndp.tx.router_solicitations"));
        } finally {
            second.close();
        }
    }

    /**
     * RFC 4861 6.3.4 and RFC 4862 5.5.3: an RA sets the link parameters, installs the default
     * router, the on-link prefix and a SLAAC address (after DAD); off-link traffic goes to the router.
     */
    @Test
    void rfc4861_6_3_4_routerAdvertisementConfiguresTheHost() {
        h = V6.harness();
        NdpRepr.RouterAdvertisement ra = new NdpRepr.RouterAdvertisement(42, false, false, 1800, 20_000, 2_000,
                List.of(new NdpOption.SourceLinkLayerAddress(ROUTER_MAC), new NdpOption.Mtu(1400),
                        prefix(PREFIX, 86_400, 14_400)));
        inject(ra, ROUTER_MAC, ROUTER_LL, Ipv6Address.ALL_NODES);
        assertEquals(42, ndp().curHopLimit());
        assertEquals(1400, ndp().linkMtu());
        assertEquals(20_000_000_000L, ndp().cache().baseReachableTimeNanos());
        assertEquals(List.of(ROUTER_LL), ndp().defaultRouters());
        assertEquals(List.of("2001:db8:1::/64"), ndp().onLinkPrefixes());
        Ipv6InterfaceAddress slaac = V6.address(h, SLAAC);
        assertNotNull(slaac, "modified EUI-64 address formed");
        assertEquals(State.TENTATIVE, slaac.state());
        h.advance(4_000);
        assertEquals(State.PREFERRED, slaac.state());
        StackHarness.releaseAll(h.sent());
        // Off-link destination: the packet goes to the router's MAC, with hop limit 42.
        UdpSocket s = h.stack.udp().open();
        Ipv6Address far = Ipv6Address.parse("2001:db8:1:99::1");
        assertEquals(SocketError.OK, s.sendTo(Unpooled.wrappedBuffer(new byte[8]), new Endpoint(far, 9),
                h.clock.nanos()));
        h.run();
        List<ByteBuf> out = sent();
        assertEquals(1, out.size());
        assertEquals(ROUTER_MAC.bits(), V6.dstMac(out.get(0)));
        Ipv6Packet ip = V6.ipv6Of(out.get(0));
        assertEquals(42, ip.hopLimit());
        assertEquals(SLAAC, V6.src(ip), "RFC 6724 rule 8: the SLAAC address shares the longer prefix");
        s.close();
    }

    /** Forged RAs: MTU below 1280, absurd reachable time, non-link-local source: refused and counted. */
    @Test
    void rfc4861_6_1_2_forgedRouterAdvertisementsAreRefused() {
        h = V6.harness();
        inject(new NdpRepr.RouterAdvertisement(0, false, false, 0, 4_000_000_000L, 0, List.of(new NdpOption.Mtu(600))),
                ROUTER_MAC, ROUTER_LL, Ipv6Address.ALL_NODES);
        assertEquals(1500, ndp().linkMtu());
        assertEquals(1, counter("ndp.drop.ra_mtu_too_small"));
        assertEquals(1, counter("ndp.drop.ra_bad_reachable_time"));
        assertEquals(30_000_000_000L, ndp().cache().baseReachableTimeNanos());
        inject(ra(1800), ROUTER_MAC, PEER, Ipv6Address.ALL_NODES);
        assertTrue(ndp().defaultRouters().isEmpty());
        assertEquals(1, counter("ndp.drop.bad_field"));
        // RFC 4862 5.5.3 (c): preferred lifetime above the valid lifetime: the prefix is ignored.
        inject(ra(0, prefix(PREFIX, 100, 200)), ROUTER_MAC, ROUTER_LL, Ipv6Address.ALL_NODES);
        assertNull(V6.address(h, SLAAC));
        assertEquals(1, counter("ndp.drop.prefix_preferred_exceeds_valid"));
    }

    /** Router and prefix lists are bounded: a flood of RAs for random prefixes cannot grow memory. */
    @Test
    void routerAdvertisementFloodIsBounded() {
        h = V6.harness();
        for (int i = 0; i < 200; i++) {
            Ipv6Address router = new Ipv6Address(0xFE80_0000_0000_0000L, 0x100 + i);
            Ipv6Address p = new Ipv6Address(0x2001_0db8_0000_0000L | ((long) i << 16), 0);
            inject(ra(1800, prefix(p, 86_400, 14_400)), ROUTER_MAC, router, Ipv6Address.ALL_NODES);
        }
        assertEquals(16, ndp().defaultRouters().size());
        assertEquals(16, ndp().onLinkPrefixes().size());
        long autoconf = h.iface.ipv6Addresses().stream()
                .filter(a -> a.origin() == Ipv6InterfaceAddress.Origin.AUTOCONF).count();
        assertEquals(16, autoconf);
        assertEquals(184, counter("ndp.drop.router_list_full"));
        assertEquals(184, counter("ndp.drop.prefix_list_full"));
        assertEquals(184, counter("ndp.drop.autoconf_address_limit"));
    }

    /**
     * RFC 4861 6.3.6: a router whose neighbour entry is not INCOMPLETE (here: learned from its RA's
     * source link-layer option) is preferred over one never resolved; without any, round-robin.
     */
    @Test
    void rfc4861_6_3_6_defaultRouterSelectionPrefersReachableRouters() {
        h = V6.harness();
        Ipv6Address silent = Ipv6Address.parse("fe80::a");
        inject(new NdpRepr.RouterAdvertisement(64, false, false, 1800, 0, 0, List.of()), ROUTER_MAC, silent,
                Ipv6Address.ALL_NODES);
        Ipv6Address second = Ipv6Address.parse("fe80::c");
        inject(new NdpRepr.RouterAdvertisement(64, false, false, 1800, 0, 0, List.of()), ROUTER_MAC, second,
                Ipv6Address.ALL_NODES);
        java.util.Set<Ipv6Address> seen = new java.util.HashSet<>();
        for (int i = 0; i < 4; i++) {
            seen.add(ndp().defaultRouter(h.clock.nanos()));
        }
        assertEquals(java.util.Set.of(silent, second), seen, "round-robin while none is known reachable");
        inject(ra(1800), ROUTER_MAC, ROUTER_LL, Ipv6Address.ALL_NODES);
        assertEquals(ROUTER_LL, ndp().defaultRouter(h.clock.nanos()));
        assertEquals(ROUTER_LL, ndp().defaultRouter(h.clock.nanos()));
    }

    /** RFC 4861 6.3.5: a default router is removed when its lifetime ends. */
    @Test
    void rfc4861_6_3_5_defaultRouterExpires() {
        h = V6.harness();
        inject(ra(10), ROUTER_MAC, ROUTER_LL, Ipv6Address.ALL_NODES);
        assertEquals(List.of(ROUTER_LL), ndp().defaultRouters());
        h.advance(9_999);
        assertEquals(1, ndp().defaultRouters().size());
        h.advance(2);
        assertTrue(ndp().defaultRouters().isEmpty());
        // A router lifetime of 0 removes it at once.
        inject(ra(10), ROUTER_MAC, ROUTER_LL, Ipv6Address.ALL_NODES);
        inject(ra(0), ROUTER_MAC, ROUTER_LL, Ipv6Address.ALL_NODES);
        assertTrue(ndp().defaultRouters().isEmpty());
    }

    /** RFC 4862 5.5.4: preferred lifetime ends: deprecated; valid lifetime ends: removed. */
    @Test
    void rfc4862_5_5_4_addressLifetimes() {
        h = V6.harness();
        inject(ra(0, prefix(PREFIX, 60, 30)), ROUTER_MAC, ROUTER_LL, Ipv6Address.ALL_NODES);
        h.advance(3_000);
        Ipv6InterfaceAddress a = V6.address(h, SLAAC);
        assertEquals(State.PREFERRED, a.state());
        h.advance(27_001);
        assertEquals(State.DEPRECATED, a.state());
        h.advance(30_000);
        assertNull(V6.address(h, SLAAC));
        assertEquals(1, counter("ndp.addresses_expired"));
    }

    /** RFC 4862 5.5.3 (e): the two-hour rule stops a forged RA from killing an address at once. */
    @Test
    void rfc4862_5_5_3e_twoHourRule() {
        h = V6.harness();
        inject(ra(0, prefix(PREFIX, 86_400, 14_400)), ROUTER_MAC, ROUTER_LL, Ipv6Address.ALL_NODES);
        h.advance(3_000);
        Ipv6InterfaceAddress a = V6.address(h, SLAAC);
        long now = h.clock.nanos();
        inject(ra(0, prefix(PREFIX, 0, 0)), ROUTER_MAC, ROUTER_LL, Ipv6Address.ALL_NODES);
        assertEquals(now + Ndp.TWO_HOURS, a.validUntil(), "remaining > 2 h: reset to 2 hours");
        assertEquals(State.DEPRECATED, a.state(), "preferred lifetime 0 deprecates at once");
        // A longer lifetime is accepted as advertised (and a preferred lifetime revives the address).
        inject(ra(0, prefix(PREFIX, 86_400, 14_400)), ROUTER_MAC, ROUTER_LL, Ipv6Address.ALL_NODES);
        assertEquals(now + 86_400_000_000_000L, a.validUntil());
        assertEquals(State.PREFERRED, a.state());
        // Remaining > 2 h and a shorter lifetime: reset to 2 hours.
        inject(ra(0, prefix(PREFIX, 7000, 0)), ROUTER_MAC, ROUTER_LL, Ipv6Address.ALL_NODES);
        assertEquals(now + Ndp.TWO_HOURS, a.validUntil());
        // Remaining <= 2 h: a short lifetime is ignored.
        inject(ra(0, prefix(PREFIX, 60, 0)), ROUTER_MAC, ROUTER_LL, Ipv6Address.ALL_NODES);
        assertEquals(now + Ndp.TWO_HOURS, a.validUntil());
    }

    // ------------------------------------------------------------------ redirect

    /** RFC 4861 8.1 / 8.3: a Redirect from our router changes the first hop; from anyone else it is dropped. */
    @Test
    void rfc4861_8_3_redirectFromTheFirstHopIsApplied() {
        h = V6.harness();
        inject(ra(1800), ROUTER_MAC, ROUTER_LL, Ipv6Address.ALL_NODES);
        Ipv6Address far = Ipv6Address.parse("2001:db8:99::1");
        Ipv6Address better = Ipv6Address.parse("fe80::b");
        MacAddress betterMac = MacAddress.parse("02:00:00:00:00:0b");
        assertEquals(ROUTER_LL, h.stack.ipv6().firstHop(far, h.iface));
        NdpRepr.Redirect forged = new NdpRepr.Redirect(better, far,
                List.of(new NdpOption.TargetLinkLayerAddress(betterMac)));
        inject(forged, PEER_MAC, PEER_LL, STACK_LL);
        assertEquals(ROUTER_LL, h.stack.ipv6().firstHop(far, h.iface));
        assertEquals(1, counter("ndp.drop.redirect_not_from_first_hop"));
        inject(forged, ROUTER_MAC, ROUTER_LL, STACK_LL);
        assertEquals(better, h.stack.ipv6().firstHop(far, h.iface));
        assertEquals(NeighborState.STALE, ndp().cache().entry(better).state());
    }

    // ------------------------------------------------------------------ interface identifiers

    @Test
    void rfc4291_appendixA_modifiedEui64() {
        assertEquals(0x0000_00FF_FE00_0002L, InterfaceIdentifier.modifiedEui64(STACK_MAC.bits()));
        assertEquals(0x0211_22FF_FE33_4455L,
                InterfaceIdentifier.modifiedEui64(MacAddress.parse("00:11:22:33:44:55").bits()));
    }

    /** RFC 7217 section 5: stable per (prefix, interface, network, counter, secret), different otherwise. */
    @Test
    void rfc7217_stableOpaqueIdentifiers() {
        byte[] secret = "0123456789abcdef".getBytes();
        long a = InterfaceIdentifier.stableOpaque(PREFIX, "eth0", "", 0, secret);
        assertEquals(a, InterfaceIdentifier.stableOpaque(PREFIX, "eth0", "", 0, secret));
        assertNotEquals(a, InterfaceIdentifier.stableOpaque(Ipv6Address.parse("2001:db8:2::"), "eth0", "", 0, secret));
        assertNotEquals(a, InterfaceIdentifier.stableOpaque(PREFIX, "eth0", "", 1, secret));
        assertNotEquals(a, InterfaceIdentifier.stableOpaque(PREFIX, "eth0", "", 0, "fedcba9876543210".getBytes()));
        assertTrue(InterfaceIdentifier.isReserved(0));
        assertTrue(InterfaceIdentifier.isReserved(0xFDFF_FFFF_FFFF_FFFEL));
    }

    /** RFC 7217 section 6: with stable identifiers a duplicate is retried with the next DAD_Counter. */
    @Test
    void rfc7217_6_duplicateIsRetriedWithTheNextCounter() {
        byte[] secret = "0123456789abcdef".getBytes();
        h = V6.harness(NdpConfig.DEFAULT.withRouterSolicitations(false).withStableIids(secret, "lab"));
        inject(ra(0, prefix(PREFIX, 86_400, 14_400)), ROUTER_MAC, ROUTER_LL, Ipv6Address.ALL_NODES);
        Ipv6InterfaceAddress first = h.iface.ipv6Addresses().stream()
                .filter(a -> a.address().inPrefix(PREFIX, 64)).findFirst().orElseThrow();
        assertEquals(InterfaceIdentifier.stableOpaque(PREFIX, "eth0", "lab", 0, secret), first.address().lo());
        inject(ns(first.address(), null), PEER_MAC, Ipv6Address.UNSPECIFIED, first.address().solicitedNode());
        assertEquals(State.DUPLICATE, first.state());
        Ipv6InterfaceAddress retry = h.iface.ipv6Addresses().stream()
                .filter(a -> a.address().inPrefix(PREFIX, 64) && a.state() != State.DUPLICATE).findFirst().orElseThrow();
        assertEquals(1, retry.dadCounter());
        assertEquals(InterfaceIdentifier.stableOpaque(PREFIX, "eth0", "lab", 1, secret), retry.address().lo());
        h.advance(3_000);
        assertEquals(State.PREFERRED, retry.state());
    }
}
