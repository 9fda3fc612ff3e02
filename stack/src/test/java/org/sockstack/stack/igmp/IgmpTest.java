package org.sockstack.stack.igmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.mcast.CompatibilityMode;
import org.sockstack.stack.mcast.FilterMode;
import org.sockstack.stack.mcast.SourceFilter;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.testing.Frames;
import org.sockstack.stack.testing.StackHarness;
import org.sockstack.stack.udp.UdpDatagram;
import org.sockstack.stack.udp.UdpSocket;
import org.sockstack.stack.wire.EthernetFrame;
import org.sockstack.stack.wire.ExponentialCode;
import org.sockstack.stack.wire.IgmpPacket;
import org.sockstack.stack.wire.IgmpRepr;
import org.sockstack.stack.wire.IgmpRepr.GroupRecord;
import org.sockstack.stack.wire.InternetChecksum;
import org.sockstack.stack.wire.IpProtocol;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.Ipv4Packet;
import org.sockstack.stack.wire.Ipv4Repr;
import org.sockstack.stack.wire.MacAddress;
import org.sockstack.stack.wire.Parsed;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.stack.testing.StackHarness.PEER_IP;
import static org.sockstack.stack.testing.StackHarness.PEER_MAC;
import static org.sockstack.stack.testing.StackHarness.STACK_IP;

/** The IGMP host side (RFC 3376, RFC 2236, RFC 1112) on a manual clock. */
class IgmpTest {
    static final Ipv4Address G1 = Ipv4Address.parse("239.1.2.3");
    static final Ipv4Address G2 = Ipv4Address.parse("239.1.2.4");
    static final Ipv4Address ALL_SYSTEMS = Ipv4Address.parse("224.0.0.1");
    static final Ipv4Address ALL_ROUTERS = Ipv4Address.parse("224.0.0.2");
    static final Ipv4Address V3_ROUTERS = Ipv4Address.parse("224.0.0.22");
    static final Ipv4Address S1 = Ipv4Address.parse("192.0.2.10");
    static final Ipv4Address S2 = Ipv4Address.parse("192.0.2.11");
    static final Ipv4Address S3 = Ipv4Address.parse("192.0.2.12");
    static final byte[] ROUTER_ALERT = {(byte) 0x94, 4, 0, 0};
    /** Max Resp Code 100: 10 seconds. */
    static final int TEN_SECONDS = 100;

    private StackHarness h;
    private Igmp igmp;

    /** What the stack sent: IP destination, Ethernet destination and the decoded message. */
    record Sent(Ipv4Address dst, long dstMac, IgmpRepr message) { }

    @BeforeEach
    void setUp() {
        h = new StackHarness().withAddress();
        igmp = h.stack.igmp();
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    // ------------------------------------------------------------------ state changes

    /**
     * RFC 3376 5.1 and 4: a join sends a State-Change Report (TO_EX {}) to 224.0.0.22 with TTL 1,
     * the Router Alert option and TOS 0xc0, and sends it again within [Unsolicited Report
     * Interval] (1 s), [Robustness Variable] (2) times in all.
     */
    @Test
    void rfc3376_5_1_joinSendsStateChangeReportRetransmitted() {
        UdpSocket s = socket(5000);
        assertEquals(SocketError.OK, s.joinGroup(G1, -1));
        h.run();
        List<Sent> first = sent();
        assertEquals(1, first.size());
        assertEquals(V3_ROUTERS, first.get(0).dst());
        assertEquals(MacAddress.ofIpv4Multicast(V3_ROUTERS.bits()).bits(), first.get(0).dstMac());
        IgmpRepr.V3Report report = assertInstanceOf(IgmpRepr.V3Report.class, first.get(0).message());
        assertEquals(List.of(new Rec(GroupRecord.CHANGE_TO_EXCLUDE_MODE, G1, List.of())), records(report));

        h.advance(1000);
        List<Sent> again = sent();
        assertEquals(1, again.size(), "one retransmission within the Unsolicited Report Interval");
        assertEquals(records(report), records((IgmpRepr.V3Report) again.get(0).message()));
        h.advance(60_000);
        assertTrue(sent().isEmpty(), "Robustness Variable (2) transmissions in all");
        assertEquals(2, h.stack.counters().get("igmp.tx.v3_reports"));
        assertEquals(SourceFilter.anySource(), igmp.state(h.iface, G1));
        assertTrue(h.iface.acceptsIpv4Multicast(G1.bits()));
    }

    /** RFC 3376 5.1: leaving is the state change EXCLUDE {} -> INCLUDE {}: TO_IN {}, twice. */
    @Test
    void rfc3376_5_1_leaveSendsToIncludeEmpty() {
        UdpSocket s = socket(5000);
        s.joinGroup(G1, -1);
        drain();
        s.close();
        h.run();
        List<Sent> leave = sent();
        assertEquals(1, leave.size());
        assertEquals(V3_ROUTERS, leave.get(0).dst());
        assertEquals(List.of(new Rec(GroupRecord.CHANGE_TO_INCLUDE_MODE, G1, List.of())),
                records((IgmpRepr.V3Report) leave.get(0).message()));
        h.advance(1000);
        assertEquals(1, sent().size(), "the leave is retransmitted");
        h.advance(60_000);
        assertTrue(sent().isEmpty());
        assertTrue(igmp.state(h.iface, G1).isEmpty());
        assertFalse(h.iface.acceptsIpv4Multicast(G1.bits()));
    }

    /**
     * RFC 3376 5.1: a change while the previous one is still being retransmitted goes out at
     * once; the pending filter-mode change is re-sent with the current source list.
     */
    @Test
    void rfc3376_5_1_changeDuringRetransmissionIsMerged() {
        UdpSocket s = socket(5000);
        s.joinGroup(G1, -1);
        h.run();
        assertEquals(1, sent().size());
        s.setSourceFilter(G1, -1, FilterMode.EXCLUDE, List.of(S1));
        h.run();
        List<Sent> merged = sent();
        assertEquals(1, merged.size());
        assertEquals(List.of(new Rec(GroupRecord.CHANGE_TO_EXCLUDE_MODE, G1, List.of(S1))),
                records((IgmpRepr.V3Report) merged.get(0).message()));
        h.advance(60_000);
        assertEquals(1, sent().size(), "Robustness Variable transmissions counted from the last change");
    }

    /** RFC 3376 5.1: INCLUDE(A) -> INCLUDE(B) reports ALLOW(B-A) and BLOCK(A-B). */
    @Test
    void rfc3376_5_1_sourceListChangeSendsAllowAndBlock() {
        UdpSocket s = socket(5000);
        s.setSourceFilter(G1, -1, FilterMode.INCLUDE, List.of(S1, S2));
        h.run();
        assertEquals(List.of(new Rec(GroupRecord.ALLOW_NEW_SOURCES, G1, List.of(S1, S2))),
                records((IgmpRepr.V3Report) sent().get(0).message()));
        drain();
        s.setSourceFilter(G1, -1, FilterMode.INCLUDE, List.of(S2, S3));
        h.run();
        assertEquals(List.of(new Rec(GroupRecord.ALLOW_NEW_SOURCES, G1, List.of(S3)),
                        new Rec(GroupRecord.BLOCK_OLD_SOURCES, G1, List.of(S1))),
                records((IgmpRepr.V3Report) sent().get(0).message()));
    }

    // ------------------------------------------------------------------ queries

    /**
     * RFC 3376 5.2: a General Query is answered after a random delay within Max Resp Time, by
     * one report with a Current-State Record per group (never 224.0.0.1).
     */
    @Test
    void rfc3376_5_2_generalQueryAnsweredWithinMaxRespTime() {
        UdpSocket s = socket(5000);
        s.joinGroup(G1, -1);
        s.setSourceFilter(G2, -1, FilterMode.INCLUDE, List.of(S1));
        drain();
        h.inject(query(v3Query(TEN_SECONDS, Ipv4Address.ANY, List.of()), ALL_SYSTEMS, 1, true));
        assertTrue(sent().isEmpty(), "not answered at once");
        long sentAt = -1;
        List<Sent> answer = List.of();
        for (int ms = 0; ms < 10_000 && answer.isEmpty(); ms += 100) {
            h.advance(100);
            answer = sent();
            sentAt = ms + 100;
        }
        assertEquals(1, answer.size(), "answered within Max Resp Time (10 s)");
        assertTrue(sentAt > 0 && sentAt <= 10_000);
        assertEquals(V3_ROUTERS, answer.get(0).dst());
        assertEquals(List.of(new Rec(GroupRecord.MODE_IS_EXCLUDE, G1, List.of()),
                        new Rec(GroupRecord.MODE_IS_INCLUDE, G2, List.of(S1))),
                records((IgmpRepr.V3Report) answer.get(0).message()));
        h.advance(30_000);
        assertTrue(sent().isEmpty(), "one answer per query");
    }

    /**
     * RFC 3376 5 / RFC 2236 6: the all-systems group is never reported, even when the IP layer
     * says it was joined and a query asks for it.
     */
    @Test
    void rfc3376_5_allSystemsGroupIsNeverReported() {
        UdpSocket s = socket(5000);
        assertEquals(SocketError.OK, s.joinGroup(ALL_SYSTEMS, -1));
        igmp.joined(h.iface, ALL_SYSTEMS.bits());
        h.run();
        h.inject(query(v3Query(TEN_SECONDS, Ipv4Address.ANY, List.of()), ALL_SYSTEMS, 1, true));
        h.inject(query(v3Query(TEN_SECONDS, ALL_SYSTEMS, List.of()), ALL_SYSTEMS, 1, true));
        h.advance(30_000);
        assertTrue(sent().isEmpty());
        assertEquals(1, h.stack.counters().get("igmp.drop.unknown_group"));
    }

    /** RFC 3376 5.2: a Group-Specific Query is answered with that group's record only. */
    @Test
    void rfc3376_5_2_groupSpecificQuery() {
        UdpSocket s = socket(5000);
        s.joinGroup(G1, -1);
        s.joinGroup(G2, -1);
        drain();
        h.inject(query(v3Query(TEN_SECONDS, G2, List.of()), G2, 1, true));
        h.advance(10_000);
        List<Sent> answer = sent();
        assertEquals(1, answer.size());
        assertEquals(List.of(new Rec(GroupRecord.MODE_IS_EXCLUDE, G2, List.of())),
                records((IgmpRepr.V3Report) answer.get(0).message()));
    }

    /**
     * RFC 3376 5.2: a Group-and-Source-Specific Query about sources B is answered IS_IN(A*B) in
     * INCLUDE(A), IS_IN(B-A) in EXCLUDE(A), and not at all when that set is empty; sources of a
     * second query before the answer are added (rule 5).
     */
    @Test
    void rfc3376_5_2_groupAndSourceSpecificQuery() {
        UdpSocket a = socket(5000);
        a.setSourceFilter(G1, -1, FilterMode.INCLUDE, List.of(S1, S2));
        a.setSourceFilter(G2, -1, FilterMode.EXCLUDE, List.of(S1));
        drain();
        h.inject(query(v3Query(TEN_SECONDS, G1, List.of(S2)), G1, 1, true));
        h.inject(query(v3Query(TEN_SECONDS, G1, List.of(S3)), G1, 1, true));
        h.inject(query(v3Query(TEN_SECONDS, G2, List.of(S1, S3)), G2, 1, true));
        h.advance(10_000);
        List<Sent> answers = sent();
        List<Rec> all = new ArrayList<>();
        answers.forEach(x -> all.addAll(records((IgmpRepr.V3Report) x.message())));
        assertEquals(2, all.size(), all.toString());
        assertTrue(all.contains(new Rec(GroupRecord.MODE_IS_INCLUDE, G1, List.of(S2))), all.toString());
        assertTrue(all.contains(new Rec(GroupRecord.MODE_IS_INCLUDE, G2, List.of(S3))), all.toString());

        h.inject(query(v3Query(TEN_SECONDS, G1, List.of(S3)), G1, 1, true));
        h.advance(10_000);
        assertTrue(sent().isEmpty(), "no source of the query is wanted: no answer");
    }

    /** RFC 3376 4.1.6, 4.1.7: QRV and QQIC of a v3 query become Robustness Variable and Query Interval. */
    @Test
    void rfc3376_4_1_6_robustnessAndQueryIntervalLearnedFromQueries() {
        // Max Resp 0: the (empty) answer goes at once and cannot add a report below.
        h.inject(query(new IgmpRepr.V3Query(0, Ipv4Address.ANY, false, 3, 60, List.of()), ALL_SYSTEMS, 1, true));
        assertEquals(3, igmp.membership(h.iface).robustnessVariable());
        UdpSocket s = socket(5000);
        s.joinGroup(G1, -1);
        h.advance(60_000);
        assertEquals(3, sent().size(), "three transmissions with QRV 3");
        // A v2 querier is then remembered for QRV * QQI + Max Resp Time = 3 * 60 + 10 s.
        h.inject(query(new IgmpRepr.Query(TEN_SECONDS, Ipv4Address.ANY), ALL_SYSTEMS, 1, true));
        h.advance(189_000);
        assertEquals(CompatibilityMode.ANY_SOURCE, igmp.mode(h.iface));
        h.advance(1_000);
        assertEquals(CompatibilityMode.SOURCE_FILTERING, igmp.mode(h.iface));
        drain();
    }

    // ------------------------------------------------------------------ older versions

    /**
     * RFC 3376 7.2.1 with RFC 2236: an IGMPv2 query switches the interface to IGMPv2 mode:
     * Version 2 reports to the group, Leave Group to 224.0.0.2; after the Older Version Querier
     * Present Timeout (2 * 125 + 10 s) it is back to IGMPv3.
     */
    @Test
    void rfc3376_7_2_1_v2QuerySwitchesToV2ModeAndBack() {
        UdpSocket s = socket(5000);
        s.joinGroup(G1, -1);
        drain();
        h.inject(query(new IgmpRepr.Query(TEN_SECONDS, Ipv4Address.ANY), ALL_SYSTEMS, 1, true));
        assertEquals(CompatibilityMode.ANY_SOURCE, igmp.mode(h.iface));
        h.advance(10_000);
        List<Sent> reports = sent();
        assertEquals(1, reports.size());
        assertEquals(G1, reports.get(0).dst());
        assertEquals(MacAddress.ofIpv4Multicast(G1.bits()).bits(), reports.get(0).dstMac());
        assertEquals(new IgmpRepr.V2Report(G1), reports.get(0).message());

        // A join in IGMPv2 mode: an unsolicited v2 report, repeated within 10 s.
        s.joinGroup(G2, -1);
        h.run();
        assertEquals(List.of(new Sent(G2, MacAddress.ofIpv4Multicast(G2.bits()).bits(), new IgmpRepr.V2Report(G2))),
                sent());
        h.advance(10_000);
        assertEquals(1, sent().size());

        s.leaveGroup(G1, -1);
        h.run();
        List<Sent> leave = sent();
        assertEquals(1, leave.size());
        assertEquals(ALL_ROUTERS, leave.get(0).dst());
        assertEquals(new IgmpRepr.LeaveGroup(G1), leave.get(0).message());

        h.advance(260_000 - 20_000 - 1);
        assertEquals(CompatibilityMode.ANY_SOURCE, igmp.mode(h.iface));
        h.advance(1);
        assertEquals(CompatibilityMode.SOURCE_FILTERING, igmp.mode(h.iface));
        s.leaveGroup(G2, -1);
        h.run();
        assertInstanceOf(IgmpRepr.V3Report.class, sent().get(0).message(), "back to IGMPv3");
    }

    /**
     * RFC 2236 section 3: in IGMPv2 mode another member's report for the group cancels ours, and
     * then we are not the last reporter, so we send no Leave (section 6).
     */
    @Test
    void rfc2236_3_reportSuppression() {
        UdpSocket s = socket(5000);
        s.joinGroup(G1, -1);
        drain();
        h.inject(query(new IgmpRepr.Query(TEN_SECONDS, Ipv4Address.ANY), ALL_SYSTEMS, 1, true));
        h.inject(query(new IgmpRepr.V2Report(G1), G1, 1, true));
        h.advance(10_000);
        assertTrue(sent().isEmpty(), "our report was suppressed");
        s.leaveGroup(G1, -1);
        h.advance(1_000);
        assertTrue(sent().isEmpty(), "no Leave: another host reported last");
    }

    /** RFC 1112 / RFC 2236 section 4: an IGMPv1 query (Max Resp 0) means v1 reports and no Leave. */
    @Test
    void rfc2236_4_v1QuerySwitchesToV1Mode() {
        UdpSocket s = socket(5000);
        s.joinGroup(G1, -1);
        drain();
        h.inject(query(new IgmpRepr.Query(0, Ipv4Address.ANY), ALL_SYSTEMS, 1, false));
        assertEquals(CompatibilityMode.NO_LEAVE, igmp.mode(h.iface));
        h.advance(10_000);
        assertEquals(List.of(new Sent(G1, MacAddress.ofIpv4Multicast(G1.bits()).bits(), new IgmpRepr.V1Report(G1))),
                sent());
        s.leaveGroup(G1, -1);
        h.advance(1_000);
        assertTrue(sent().isEmpty(), "IGMPv1 has no Leave");
    }

    /** RFC 3376 7.2.1: switching modes cancels pending retransmissions. */
    @Test
    void rfc3376_7_2_1_modeChangeCancelsPendingTimers() {
        UdpSocket s = socket(5000);
        s.joinGroup(G1, -1);
        h.run();
        assertEquals(1, sent().size());
        h.inject(query(new IgmpRepr.Query(TEN_SECONDS, G1), G1, 1, true));
        List<Sent> after = new ArrayList<>();
        h.advance(10_000);
        after.addAll(sent());
        assertEquals(1, after.size(), after.toString());
        assertInstanceOf(IgmpRepr.V2Report.class, after.get(0).message(), "no v3 retransmission after the switch");
    }

    // ------------------------------------------------------------------ source filters and UDP

    /** RFC 3376 3.2: the interface state merges the sockets' states. */
    @Test
    void rfc3376_3_2_filtersOfTwoSocketsAreMerged() {
        UdpSocket a = socket(5000);
        UdpSocket b = socket(5001);
        a.setSourceFilter(G1, -1, FilterMode.INCLUDE, List.of(S1, S2));
        b.setSourceFilter(G1, -1, FilterMode.INCLUDE, List.of(S2, S3));
        assertEquals(SourceFilter.of(FilterMode.INCLUDE, List.of(S1, S2, S3)), igmp.state(h.iface, G1));
        h.run();
        List<Rec> first = records((IgmpRepr.V3Report) sent().get(0).message());
        assertEquals(List.of(new Rec(GroupRecord.ALLOW_NEW_SOURCES, G1, List.of(S1, S2, S3))), first);

        a.setSourceFilter(G1, -1, FilterMode.EXCLUDE, List.of(S1, S2));
        assertEquals(SourceFilter.of(FilterMode.EXCLUDE, List.of(S1)), igmp.state(h.iface, G1));
        b.setSourceFilter(G1, -1, FilterMode.EXCLUDE, List.of(S2, S3));
        assertEquals(SourceFilter.of(FilterMode.EXCLUDE, List.of(S2)), igmp.state(h.iface, G1));
        h.run();
        assertEquals(List.of(new Rec(GroupRecord.CHANGE_TO_EXCLUDE_MODE, G1, List.of(S2))),
                records((IgmpRepr.V3Report) sent().get(0).message()));
        b.close();
        assertEquals(SourceFilter.of(FilterMode.EXCLUDE, List.of(S1, S2)), igmp.state(h.iface, G1));
        a.setSourceFilter(G1, -1, FilterMode.INCLUDE, List.of());
        assertTrue(igmp.state(h.iface, G1).isEmpty());
        assertFalse(h.iface.acceptsIpv4Multicast(G1.bits()));
        assertNull(a.sourceFilter(G1, -1));
        drain();
    }

    /** A socket's EXCLUDE filter keeps datagrams from that source away; INCLUDE admits only the listed. */
    @Test
    void udpSocketHonoursItsSourceFilter() {
        UdpSocket ex = socket(5000);
        ex.joinGroup(G1, -1);
        ex.setSourceFilter(G1, -1, FilterMode.EXCLUDE, List.of(S1));
        UdpSocket in = socket(5000);
        in.setSourceFilter(G1, -1, FilterMode.INCLUDE, List.of(S1));
        drain();
        h.inject(multicastUdp(S1, G1, 5000, "from S1"));
        h.inject(multicastUdp(S2, G1, 5000, "from S2"));
        assertEquals(List.of("from S2"), received(ex));
        assertEquals(List.of("from S1"), received(in));
    }

    // ------------------------------------------------------------------ bad input

    /** Bad input is dropped and counted; nothing is sent and nothing throws. */
    @Test
    void badInputIsDroppedAndCounted() {
        UdpSocket s = socket(5000);
        s.joinGroup(G1, -1);
        drain();
        byte[] good = bytes(v3Query(TEN_SECONDS, Ipv4Address.ANY, List.of()));

        inject(new byte[4], ALL_SYSTEMS, 1, true);
        byte[] badSum = good.clone();
        badSum[2] ^= 0x21;
        inject(badSum, ALL_SYSTEMS, 1, true);
        byte[] nonsenseCount = good.clone(); // 12 octets claiming 10 sources
        nonsenseCount[11] = 10;
        inject(withChecksum(nonsenseCount), ALL_SYSTEMS, 1, true);
        inject(withChecksum(java.util.Arrays.copyOf(good, 10)), ALL_SYSTEMS, 1, true); // 9..11 octets: no version
        inject(bytes(v3Query(TEN_SECONDS, Ipv4Address.ANY, List.of(S1))), ALL_SYSTEMS, 1, true);
        inject(bytes(v3Query(TEN_SECONDS, G2, List.of())), ALL_SYSTEMS, 1, true); // a group we do not have
        inject(good, ALL_SYSTEMS, 2, true);
        inject(good, ALL_SYSTEMS, 1, false);
        inject(good, G1, 1, true); // a General Query must go to 224.0.0.1 (or our address)
        inject(bytes(v3Query(TEN_SECONDS, Ipv4Address.parse("10.1.2.3"), List.of())), ALL_SYSTEMS, 1, true);
        byte[] unknown = good.clone();
        unknown[0] = 0x30;
        inject(withChecksum(unknown), ALL_SYSTEMS, 1, true);

        var c = h.stack.counters();
        assertEquals(1, c.get("igmp.drop.truncated"));
        assertEquals(1, c.get("igmp.drop.bad_checksum"));
        assertEquals(2, c.get("igmp.drop.bad_length"));
        assertEquals(1, c.get("igmp.drop.general_query_with_sources"));
        assertEquals(1, c.get("igmp.drop.unknown_group"));
        assertEquals(1, c.get("igmp.drop.bad_ttl"));
        assertEquals(1, c.get("igmp.drop.no_router_alert"));
        assertEquals(1, c.get("igmp.drop.bad_destination"));
        assertEquals(1, c.get("igmp.drop.bad_group"));
        assertEquals(1, c.get("igmp.drop.unknown_type"));
        h.advance(30_000);
        assertTrue(sent().isEmpty(), "no bad query was answered");
    }

    // ------------------------------------------------------------------ helpers

    private UdpSocket socket(int port) {
        UdpSocket s = h.stack.udp().open();
        s.setReuseAddress(true);
        assertEquals(SocketError.OK, s.bind(new Endpoint(Ipv4Address.ANY, port)));
        return s;
    }

    /** Lets pending reports go out and forgets them. */
    private void drain() {
        h.advance(30_000);
        sent();
    }

    static IgmpRepr.V3Query v3Query(int maxRespCode, Ipv4Address group, List<Ipv4Address> sources) {
        return new IgmpRepr.V3Query(maxRespCode, group, false, 2, ExponentialCode.encode8(125), sources);
    }

    static byte[] bytes(IgmpRepr m) {
        byte[] out = new byte[m.bufferLength()];
        m.emit(Unpooled.wrappedBuffer(out), 0);
        return out;
    }

    static byte[] withChecksum(byte[] m) {
        m[2] = 0;
        m[3] = 0;
        int sum = InternetChecksum.compute(Unpooled.wrappedBuffer(m), 0, m.length);
        m[2] = (byte) (sum >>> 8);
        m[3] = (byte) sum;
        return m;
    }

    /** An IGMP message from the router (192.0.2.1) to {@code dst}. */
    static ByteBuf query(IgmpRepr m, Ipv4Address dst, int ttl, boolean routerAlert) {
        return igmpFrame(bytes(m), dst, ttl, routerAlert);
    }

    static ByteBuf igmpFrame(byte[] igmp, Ipv4Address dst, int ttl, boolean routerAlert) {
        Ipv4Repr ip = new Ipv4Repr(PEER_IP, dst, IpProtocol.IGMP, igmp.length, ttl, 0x30, 0, 0, true, false, 0,
                routerAlert ? ROUTER_ALERT : null);
        return Frames.ipv4(PEER_MAC, MacAddress.ofIpv4Multicast(dst.bits()), ip, igmp);
    }

    private void inject(byte[] igmp, Ipv4Address dst, int ttl, boolean routerAlert) {
        h.inject(igmpFrame(igmp, dst, ttl, routerAlert));
    }

    private static ByteBuf multicastUdp(Ipv4Address src, Ipv4Address group, int port, String text) {
        byte[] data = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] udp = Frames.udp(src, group, 40000, port, data);
        Ipv4Repr ip = new Ipv4Repr(src, group, IpProtocol.UDP, udp.length, 1);
        return Frames.ipv4(PEER_MAC, MacAddress.ofIpv4Multicast(group.bits()), ip, udp);
    }

    private static List<String> received(UdpSocket s) {
        List<String> out = new ArrayList<>();
        UdpDatagram d;
        while ((d = s.receive()) != null) {
            out.add(d.data().toString(java.nio.charset.StandardCharsets.US_ASCII));
            d.data().release();
        }
        return out;
    }

    /** A group record without aux data (GroupRecord's byte[] has identity equality). */
    record Rec(int type, Ipv4Address group, List<Ipv4Address> sources) { }

    private static List<Rec> records(IgmpRepr.V3Report r) {
        List<Rec> out = new ArrayList<>();
        for (GroupRecord g : r.groupRecords()) {
            assertEquals(0, g.auxiliaryData().length);
            out.add(new Rec(g.recordType(), g.multicastAddress(), g.sources()));
        }
        return out;
    }

    /**
     * Every frame the stack sent since the last call, decoded; each must be an IGMP message with
     * TTL 1, TOS 0xc0, DF and exactly the Router Alert option (RFC 3376 section 4), from our
     * address, to the group MAC of its destination.
     */
    private List<Sent> sent() {
        List<Sent> out = new ArrayList<>();
        for (ByteBuf f : h.sent()) {
            try {
                EthernetFrame eth = new EthernetFrame().wrap(f);
                Ipv4Packet ip = Frames.ipv4Of(f);
                assertEquals(IpProtocol.IGMP, ip.protocol());
                assertEquals(1, ip.ttl(), "TTL 1");
                assertEquals(0xC0, ip.tos());
                assertEquals(STACK_IP.bits(), ip.srcAddr());
                byte[] options = new byte[ip.optionsLength()];
                ip.buffer().getBytes(ip.optionsOffset(), options);
                assertArrayEquals(ROUTER_ALERT, options, "the Router Alert option");
                assertEquals(MacAddress.ofIpv4Multicast(ip.dstAddr()).bits(), eth.dstAddr());
                IgmpPacket p = new IgmpPacket().wrap(ip.buffer(), ip.payloadOffset(), ip.payloadLength());
                Parsed<IgmpRepr> parsed = IgmpRepr.parse(p);
                assertTrue(parsed.ok(), parsed.toString());
                out.add(new Sent(new Ipv4Address(ip.dstAddr()), eth.dstAddr(), parsed.value()));
            } finally {
                f.release();
            }
        }
        return out;
    }
}
