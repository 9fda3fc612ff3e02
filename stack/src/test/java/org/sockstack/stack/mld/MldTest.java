package org.sockstack.stack.mld;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.ipv6.V6;
import org.sockstack.stack.mcast.CompatibilityMode;
import org.sockstack.stack.mcast.FilterMode;
import org.sockstack.stack.mcast.SourceFilter;
import org.sockstack.stack.ndp.NdpConfig;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.testing.StackHarness;
import org.sockstack.stack.udp.UdpDatagram;
import org.sockstack.stack.udp.UdpSocket;
import org.sockstack.stack.wire.EthernetFrame;
import org.sockstack.stack.wire.ExponentialCode;
import org.sockstack.stack.wire.Icmpv6Packet;
import org.sockstack.stack.wire.IpProtocol;
import org.sockstack.stack.wire.Ipv6Address;
import org.sockstack.stack.wire.Ipv6OptionsHeader;
import org.sockstack.stack.wire.Ipv6Packet;
import org.sockstack.stack.wire.MacAddress;
import org.sockstack.stack.wire.MldRepr;
import org.sockstack.stack.wire.MldRepr.MulticastAddressRecord;
import org.sockstack.stack.wire.Parsed;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.stack.ipv6.V6.ROUTER_LL;
import static org.sockstack.stack.ipv6.V6.ROUTER_MAC;
import static org.sockstack.stack.ipv6.V6.STACK_LL;

/** The MLD host side (RFC 3810 with RFC 2710 compatibility) on the manual clock. */
class MldTest {
    static final Ipv6Address G1 = Ipv6Address.parse("ff05::1:3");
    static final Ipv6Address G2 = Ipv6Address.parse("ff0e::1:2:3");
    static final Ipv6Address S1 = Ipv6Address.parse("2001:db8::10");
    static final Ipv6Address S2 = Ipv6Address.parse("2001:db8::11");
    static final Ipv6Address S3 = Ipv6Address.parse("2001:db8::12");
    static final Ipv6Address MLDV2_ROUTERS = Ipv6Address.ALL_MLDV2_ROUTERS;
    static final int ONE_SECOND = 1000;

    private StackHarness h;

    /** What the stack sent: addresses, hop limit, Router Alert and the decoded message. */
    record Sent(Ipv6Address src, Ipv6Address dst, long dstMac, int hopLimit, boolean routerAlert, MldRepr message) { }

    /** A record without aux data (the record's byte[] has identity equality). */
    record Rec(int type, Ipv6Address group, List<Ipv6Address> sources) { }

    @BeforeEach
    void setUp() {
        h = V6.harness();
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    private Mld mld() {
        return h.stack.mld();
    }

    // ------------------------------------------------------------------ state changes

    /**
     * RFC 3810 5.2 and 6.1: a join sends a State-Change Report (TO_EX {}) to ff02::16 with hop
     * limit 1, a link-local source and the Router Alert option, [Robustness Variable] times.
     */
    @Test
    void rfc3810_5_2_joinSendsStateChangeReport() {
        UdpSocket s = socket(5000);
        assertEquals(SocketError.OK, s.joinGroup(G1, -1));
        h.run();
        List<Sent> first = sent();
        assertEquals(1, first.size());
        Sent r = first.get(0);
        assertEquals(MLDV2_ROUTERS, r.dst());
        assertEquals(MacAddress.ofIpv6Multicast(MLDV2_ROUTERS).bits(), r.dstMac());
        assertEquals(STACK_LL, r.src());
        assertEquals(1, r.hopLimit());
        assertTrue(r.routerAlert());
        assertEquals(List.of(new Rec(MulticastAddressRecord.CHANGE_TO_EXCLUDE_MODE, G1, List.of())), records(r));
        h.advance(1000);
        assertEquals(1, sent().size(), "retransmitted within the Unsolicited Report Interval");
        h.advance(60_000);
        assertTrue(sent().isEmpty(), "Robustness Variable (2) transmissions in all");
        assertEquals(SourceFilter.anySource(), mld().state(h.iface, G1));
        assertTrue(h.iface.acceptsIpv6Multicast(G1));
    }

    /** RFC 3810 6.1: leaving is EXCLUDE {} -> INCLUDE {}: TO_IN {}, sent twice. */
    @Test
    void rfc3810_6_1_leaveSendsToIncludeEmpty() {
        UdpSocket s = socket(5000);
        s.joinGroup(G1, -1);
        drain();
        s.close();
        h.run();
        List<Sent> leave = sent();
        assertEquals(1, leave.size());
        assertEquals(List.of(new Rec(MulticastAddressRecord.CHANGE_TO_INCLUDE_MODE, G1, List.of())),
                records(leave.get(0)));
        h.advance(60_000);
        assertEquals(1, sent().size());
        assertFalse(h.iface.acceptsIpv6Multicast(G1));
    }

    /**
     * RFC 4861 7.2.1 / RFC 4862 5.4.2: the solicited-node group of each address is joined and
     * reported (from :: while the link-local address is tentative, RFC 3810 5.2.13); the
     * all-nodes group ff02::1 is never reported (RFC 3810 section 6).
     */
    @Test
    void rfc3810_6_solicitedNodeGroupsReportedAllNodesNever() {
        h.close();
        h = new StackHarness();
        h.stack.setNdpConfig(NdpConfig.DEFAULT.withRouterSolicitations(false));
        h.stack.enableIpv6(h.iface);
        h.run();
        List<Sent> first = sent(true);
        assertEquals(1, first.size());
        assertEquals(Ipv6Address.UNSPECIFIED, first.get(0).src(), "no valid link-local address yet");
        assertEquals(List.of(new Rec(MulticastAddressRecord.CHANGE_TO_EXCLUDE_MODE, STACK_LL.solicitedNode(),
                List.of())), records(first.get(0)));
        h.advance(3_000);
        Ipv6Address global = Ipv6Address.parse("2001:db8::1:abcd");
        h.stack.addIpv6Address(h.iface, global, 64);
        h.advance(10_000);
        List<Rec> all = new ArrayList<>();
        for (Sent s : sent(true)) {
            all.addAll(records(s));
        }
        assertTrue(all.contains(new Rec(MulticastAddressRecord.CHANGE_TO_EXCLUDE_MODE, global.solicitedNode(),
                List.of())));
        assertTrue(all.stream().noneMatch(r -> r.group().equals(Ipv6Address.ALL_NODES)));
        assertTrue(h.iface.acceptsIpv6Multicast(Ipv6Address.ALL_NODES));
        // A General Query is answered with both solicited-node groups, not ff02::1.
        injectQuery(v2Query(ONE_SECOND, Ipv6Address.UNSPECIFIED, List.of()), Ipv6Address.ALL_NODES, 1, true);
        h.advance(1_000);
        List<Sent> answer = sent(true);
        assertEquals(1, answer.size());
        assertEquals(List.of(new Rec(MulticastAddressRecord.MODE_IS_EXCLUDE, STACK_LL.solicitedNode(), List.of()),
                new Rec(MulticastAddressRecord.MODE_IS_EXCLUDE, global.solicitedNode(), List.of())),
                records(answer.get(0)));
    }

    // ------------------------------------------------------------------ queries

    /**
     * RFC 3810 6.2 rule 2: a General Query is answered after a random delay within the Maximum
     * Response Delay with one Current-State Record per listened address; the delay varies.
     */
    @Test
    void rfc3810_6_2_generalQueryAnsweredAfterRandomDelay() {
        UdpSocket s = socket(5000);
        s.joinGroup(G1, -1);
        drain();
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long start = h.clock.nanos();
            injectQuery(v2Query(10 * ONE_SECOND, Ipv6Address.UNSPECIFIED, List.of()), Ipv6Address.ALL_NODES, 1, true);
            long at = -1;
            for (int ms = 0; ms <= 10_000 && at < 0; ms += 10) {
                h.advance(10);
                List<Sent> out = sent();
                if (!out.isEmpty()) {
                    at = h.clock.nanos() - start;
                    List<Rec> recs = records(out.get(0));
                    assertTrue(recs.contains(new Rec(MulticastAddressRecord.MODE_IS_EXCLUDE, G1, List.of())));
                    assertEquals(MLDV2_ROUTERS, out.get(0).dst());
                }
            }
            assertTrue(at > 0 && at <= 10_010_000_000L, "answered within the Maximum Response Delay: " + at);
            delays.add(at / 100_000_000L);
            drain();
        }
        assertTrue(delays.stream().distinct().count() > 1, "the delay is random: " + delays);
    }

    /** RFC 3810 6.2 rule 3: a Multicast Address Specific Query is answered for that address only. */
    @Test
    void rfc3810_6_2_addressSpecificQuery() {
        UdpSocket s = socket(5000);
        s.joinGroup(G1, -1);
        s.joinGroup(G2, -1);
        drain();
        injectQuery(v2Query(ONE_SECOND, G1, List.of()), G1, 1, true);
        h.advance(1_000);
        List<Sent> out = sent();
        assertEquals(1, out.size());
        assertEquals(List.of(new Rec(MulticastAddressRecord.MODE_IS_EXCLUDE, G1, List.of())), records(out.get(0)));
    }

    /**
     * RFC 3810 6.3: a Multicast Address and Source Specific Query is answered with IS_IN of the
     * queried sources we want: A*B in INCLUDE(A).
     */
    @Test
    void rfc3810_6_3_sourceSpecificQuery() {
        UdpSocket s = socket(5000);
        assertEquals(SocketError.OK, s.setSourceFilter(G1, -1, FilterMode.INCLUDE, List.of(S1, S2)));
        h.run();
        List<Sent> change = sent();
        assertEquals(List.of(new Rec(MulticastAddressRecord.ALLOW_NEW_SOURCES, G1, List.of(S1, S2))),
                records(change.get(0)));
        drain();
        injectQuery(v2Query(ONE_SECOND, G1, List.of(S2, S3)), G1, 1, true);
        h.advance(1_000);
        List<Sent> out = sent();
        assertEquals(1, out.size());
        assertEquals(List.of(new Rec(MulticastAddressRecord.MODE_IS_INCLUDE, G1, List.of(S2))), records(out.get(0)));
    }

    /**
     * RFC 3810 8.2.1 and RFC 2710 section 4: an MLDv1 query switches to MLDv1: one Report to the
     * address itself within the delay, a Done to ff02::2 on leave; the Older Version Querier
     * Present timer ([Robustness Variable] * [Query Interval] + [Query Response Interval])
     * brings MLDv2 back.
     */
    @Test
    void rfc3810_8_2_mldv1QuerierSwitchesToCompatibilityMode() {
        UdpSocket s = socket(5000);
        s.joinGroup(G1, -1);
        drain();
        injectQuery(new MldRepr.Query(ONE_SECOND, Ipv6Address.UNSPECIFIED), Ipv6Address.ALL_NODES, 1, true);
        assertEquals(CompatibilityMode.ANY_SOURCE, mld().mode(h.iface));
        h.advance(1_000);
        List<Sent> out = sent();
        List<Ipv6Address> reported = new ArrayList<>();
        for (Sent r : out) {
            MldRepr.Report v1 = assertInstanceOf(MldRepr.Report.class, r.message());
            assertEquals(v1.multicastAddress(), r.dst(), "an MLDv1 report goes to the address");
            assertTrue(r.routerAlert());
            assertEquals(1, r.hopLimit());
            reported.add(v1.multicastAddress());
        }
        assertTrue(reported.contains(G1));
        assertFalse(reported.contains(Ipv6Address.ALL_NODES));
        s.close();
        h.run();
        out = sent();
        assertEquals(1, out.size());
        assertEquals(Ipv6Address.ALL_ROUTERS, out.get(0).dst());
        assertEquals(G1, assertInstanceOf(MldRepr.Done.class, out.get(0).message()).multicastAddress());
        h.advance(2 * 125_000 + 1_000);
        assertEquals(CompatibilityMode.SOURCE_FILTERING, mld().mode(h.iface));
    }

    /** RFC 2710 section 4: in MLDv1 mode another node's Report cancels ours. */
    @Test
    void rfc2710_4_reportFromAnotherNodeSuppressesOurs() {
        UdpSocket s = socket(5000);
        s.joinGroup(G1, -1);
        drain();
        injectQuery(new MldRepr.Query(10 * ONE_SECOND, G1), G1, 1, true);
        inject(V6.message(new MldRepr.Report(G1), ROUTER_LL, G1), G1, 1, true);
        h.advance(11_000);
        assertTrue(sent().isEmpty(), "suppressed");
        assertEquals(1, h.stack.counters().get("mld.rx.reports"));
    }

    // ------------------------------------------------------------------ UDP source filters over IPv6

    /** RFC 3810 section 3: a socket's filter decides which sources' datagrams it receives. */
    @Test
    void udpSocketHonoursItsIpv6SourceFilter() {
        UdpSocket ex = socket(5000);
        ex.joinGroup(G1, -1);
        ex.setSourceFilter(G1, -1, FilterMode.EXCLUDE, List.of(S1));
        UdpSocket in = socket(5000);
        in.setSourceFilter(G1, -1, FilterMode.INCLUDE, List.of(S1));
        assertEquals(SourceFilter.of(FilterMode.INCLUDE, List.of(S1)), in.sourceFilter(G1, -1));
        drain();
        assertEquals(SourceFilter.anySource(), mld().state(h.iface, G1), "EXCLUDE {S1} merged with INCLUDE {S1}");
        h.inject(multicastUdp(S1, G1, 5000, "from S1"));
        h.inject(multicastUdp(S2, G1, 5000, "from S2"));
        assertEquals(List.of("from S2"), received(ex));
        assertEquals(List.of("from S1"), received(in));
        in.setSourceFilter(G1, -1, FilterMode.INCLUDE, List.of());
        assertNull(in.sourceFilter(G1, -1));
        assertEquals(SocketError.INVALID_ARGUMENT,
                ex.setSourceFilter(G1, -1, FilterMode.INCLUDE, List.of(Ipv6Address.parse("ff02::5"))));
        drain();
    }

    // ------------------------------------------------------------------ bad input

    /**
     * RFC 3810 5.1.14 and 6.2 (RFC 2710 section 5): a query from a non-link-local source, with a
     * hop limit other than 1 or without Router Alert is dropped; so are malformed messages,
     * General Queries with sources, a non-multicast address and an address we do not listen to.
     */
    @Test
    void rfc3810_5_1_14_badQueriesAreDroppedAndCounted() {
        UdpSocket s = socket(5000);
        s.joinGroup(G1, -1);
        drain();
        MldRepr.V2Query good = v2Query(ONE_SECOND, Ipv6Address.UNSPECIFIED, List.of());
        Ipv6Address all = Ipv6Address.ALL_NODES;
        inject(V6.message(good, V6.PEER, all), V6.PEER, all, 1, true);
        injectQuery(good, all, 2, true);
        injectQuery(good, all, 1, false);
        injectQuery(v2Query(ONE_SECOND, Ipv6Address.UNSPECIFIED, List.of(S1)), all, 1, true);
        injectQuery(v2Query(ONE_SECOND, S1, List.of()), all, 1, true);
        injectQuery(v2Query(ONE_SECOND, G2, List.of()), all, 1, true);
        // 26 octets: neither MLDv1 (24) nor MLDv2 (28 or more).
        byte[] odd = V6.icmpv6(ROUTER_LL, all, Icmpv6Packet.TYPE_MLD_QUERY, 0, 0, new byte[18]);
        inject(odd, all, 1, true);
        byte[] badSum = V6.message(good, ROUTER_LL, all);
        badSum[2] ^= 0x11;
        inject(badSum, all, 1, true);
        var c = h.stack.counters();
        assertEquals(1, c.get("mld.drop.bad_source"));
        assertEquals(1, c.get("mld.drop.bad_hop_limit"));
        assertEquals(1, c.get("mld.drop.no_router_alert"));
        assertEquals(1, c.get("mld.drop.general_query_with_sources"));
        assertEquals(1, c.get("mld.drop.bad_group"));
        assertEquals(1, c.get("mld.drop.unknown_group"));
        assertEquals(1, c.get("mld.drop.bad_length"));
        assertEquals(1, c.get("icmpv6.drop.bad_checksum"));
        h.advance(30_000);
        assertTrue(sent().isEmpty(), "no bad query was answered");
    }

    // ------------------------------------------------------------------ helpers

    private UdpSocket socket(int port) {
        UdpSocket s = h.stack.udp().open();
        s.setReuseAddress(true);
        assertEquals(SocketError.OK, s.bind(new Endpoint(Ipv6Address.UNSPECIFIED, port)));
        return s;
    }

    private void drain() {
        h.advance(30_000);
        sent();
    }

    static MldRepr.V2Query v2Query(int maxRespMillis, Ipv6Address group, List<Ipv6Address> sources) {
        return new MldRepr.V2Query(ExponentialCode.encode16(maxRespMillis), group, false, 2,
                ExponentialCode.encode8(125), sources);
    }

    private void injectQuery(MldRepr query, Ipv6Address dst, int hopLimit, boolean routerAlert) {
        inject(V6.message(query, ROUTER_LL, dst), ROUTER_LL, dst, hopLimit, routerAlert);
    }

    private void inject(byte[] icmp, Ipv6Address dst, int hopLimit, boolean routerAlert) {
        inject(icmp, ROUTER_LL, dst, hopLimit, routerAlert);
    }

    private void inject(byte[] icmp, Ipv6Address src, Ipv6Address dst, int hopLimit, boolean routerAlert) {
        byte[] payload = routerAlert ? V6.concat(V6.optionsHeader(IpProtocol.ICMPV6, 5, 2, 0, 0), icmp) : icmp;
        h.inject(V6.frame(ROUTER_MAC, V6.macFor(dst), src, dst,
                routerAlert ? IpProtocol.HOP_BY_HOP : IpProtocol.ICMPV6, hopLimit, payload));
    }

    /** Decodes the MLD messages the stack sent (checksums verified); other frames fail the test. */
    private List<Sent> sent() {
        return sent(false);
    }

    /** @param skipNdp ignore Neighbor Discovery frames (DAD probes, advertisements) */
    private List<Sent> sent(boolean skipNdp) {
        List<Sent> out = new ArrayList<>();
        List<ByteBuf> frames = h.sent();
        try {
            for (ByteBuf f : frames) {
                Ipv6Packet ip = V6.ipv6Of(f);
                if (skipNdp && ip.nextHeader() == IpProtocol.ICMPV6) {
                    continue;
                }
                Ipv6Address src = V6.src(ip);
                Ipv6Address dst = V6.dst(ip);
                boolean ra = false;
                int at = ip.payloadOffset();
                if (ip.nextHeader() == IpProtocol.HOP_BY_HOP) {
                    Ipv6OptionsHeader hbh = new Ipv6OptionsHeader().wrap(f, at, ip.payloadLength());
                    assertTrue(hbh.check().ok());
                    assertEquals(IpProtocol.ICMPV6, hbh.nextHeader());
                    ra = f.getUnsignedByte(hbh.optionsOffset()) == 5 && f.getUnsignedByte(hbh.optionsOffset() + 1) == 2
                            && f.getUnsignedShort(hbh.optionsOffset() + 2) == 0;
                    at = hbh.payloadOffset();
                }
                Icmpv6Packet p = new Icmpv6Packet().wrap(f, at, ip.payloadOffset() + ip.payloadLength() - at);
                Parsed<MldRepr> m = MldRepr.parse(p, src, dst);
                assertTrue(m.ok(), "not an MLD message: " + m);
                out.add(new Sent(src, dst, V6.dstMac(f), ip.hopLimit(), ra, m.value()));
            }
        } finally {
            StackHarness.releaseAll(frames);
        }
        return out;
    }

    private static List<Rec> records(Sent s) {
        MldRepr.V2Report r = assertInstanceOf(MldRepr.V2Report.class, s.message());
        List<Rec> out = new ArrayList<>();
        for (MulticastAddressRecord m : r.records()) {
            out.add(new Rec(m.recordType(), m.multicastAddress(), m.sources()));
        }
        return out;
    }

    private static ByteBuf multicastUdp(Ipv6Address src, Ipv6Address group, int port, String text) {
        byte[] data = text.getBytes(StandardCharsets.US_ASCII);
        return V6.frame(ROUTER_MAC, MacAddress.ofIpv6Multicast(group), src, group, IpProtocol.UDP, 1,
                V6.udp(src, group, 40000, port, data));
    }

    private static List<String> received(UdpSocket s) {
        List<String> out = new ArrayList<>();
        UdpDatagram d;
        while ((d = s.receive()) != null) {
            out.add(d.data().toString(StandardCharsets.US_ASCII));
            d.data().release();
        }
        return out;
    }
}
