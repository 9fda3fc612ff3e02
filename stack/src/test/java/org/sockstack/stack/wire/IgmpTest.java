package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.stack.wire.WireFixtures.*;

/**
 * IGMPv1 (RFC 1112), IGMPv2 (RFC 2236) and IGMPv3 (RFC 3376) against frames the Linux 6.18
 * kernel sent in namespaces wire-icmpA (192.0.2.1) and wire-icmpB, captured with
 * {@code tcpdump -i wicB -w}. Reports and leaves come from the host stack (older versions forced
 * with {@code sysctl net.ipv4.conf.wicA.force_igmp_version}); the queries come from the kernel's
 * bridge multicast querier. IGMP packets carry the IPv4 Router Alert option, so the message
 * starts after the Ethernet and the 24-octet IPv4 header.
 */
class IgmpTest {

    /**
     * IP_ADD_SOURCE_MEMBERSHIP (232.1.2.3, source 192.0.2.2) in wire-icmpA: IGMPv3 Report, one
     * ALLOW_NEW_SOURCES record.
     */
    static final String V3_REPORT_ALLOW = """
            01005e000016020000000a010800 # Ethernet (skipped)
            46c0002c00004000010241f4c0000201e000001694040000 # IPv4 header with Router Alert (skipped)
            22002cf6 00000001 05000001 e8010203
            c0000202
            """;

    /**
     * {@code socat UDP4-RECV:5000,ip-add-membership=239.1.2.3:wicA}: IGMPv3 Report, CHANGE_TO_EXCLUDE_MODE
     * with no source (join).
     */
    static final String V3_REPORT_JOIN = """
            01005e000016020000000a010800 # Ethernet (skipped)
            46c0002800004000010241f8c0000201e000001694040000 # IPv4 header with Router Alert (skipped)
            2200e8f9 00000001 04000000 ef010203
            """;

    /**
     * The same socat exiting: IGMPv3 Report, CHANGE_TO_INCLUDE_MODE with no source (leave).
     */
    static final String V3_REPORT_LEAVE = """
            01005e000016020000000a010800 # Ethernet (skipped)
            46c0002800004000010241f8c0000201e000001694040000 # IPv4 header with Router Alert (skipped)
            2200e9f9 00000001 03000000 ef010203
            """;

    /**
     * force_igmp_version=2, joining 239.1.2.4: IGMPv2 Membership Report.
     */
    static final String V2_REPORT = """
            01005e010204020000000a010800 # Ethernet (skipped)
            46c000200000400001023111c0000201ef01020494040000 # IPv4 header with Router Alert (skipped)
            1600f8f9 ef010204
            """;

    /**
     * Leaving 239.1.2.4 with IGMPv2: Leave Group to 224.0.0.2.
     */
    static final String V2_LEAVE = """
            01005e000002020000000a010800 # Ethernet (skipped)
            46c000200000400001024214c0000201e000000294040000 # IPv4 header with Router Alert (skipped)
            1700f7f9 ef010204
            """;

    /**
     * force_igmp_version=1, joining 239.1.2.5: IGMPv1 Host Membership Report.
     */
    static final String V1_REPORT = """
            01005e010205020000000a010800 # Ethernet (skipped)
            46c000200000400001023110c0000201ef01020594040000 # IPv4 header with Router Alert (skipped)
            1200fcf8 ef010205
            """;

    /**
     * A Linux bridge in wire-icmpB with mcast_querier 1, mcast_igmp_version 3: IGMPv3 general Query, Max
     * Resp Code 100, QRV 2, QQIC 125.
     */
    static final String V3_QUERY = """
            01005e000001020000000b010800 # Ethernet (skipped)
            46c00024000040000102041300000000e000000194040000 # IPv4 header with Router Alert (skipped)
            1164ec1e 00000000 027d0000
            """;

    /**
     * The bridge with mcast_igmp_version 2: IGMPv2 general Query, Max Resp Time 100 (10 s).
     */
    static final String V2_QUERY = """
            01005e000001020000000b010800 # Ethernet (skipped)
            46c00020000040000102041700000000e000000194040000 # IPv4 header with Router Alert (skipped)
            1164ee9b 00000000
            """;

    private static final Ipv4Address GROUP_3 = Ipv4Address.parse("239.1.2.3");

    private final IgmpPacket view = new IgmpPacket();

    private IgmpPacket wrapFrame(String hex) {
        ByteBuf f = frame(hex);
        return view.wrap(f, IGMP, f.capacity() - IGMP);
    }

    private IgmpRepr parse(String hex) {
        Parsed<IgmpRepr> p = IgmpRepr.parse(wrapFrame(hex));
        assertTrue(p.ok(), () -> "parse failed: " + p);
        return p.value();
    }

    private WireError parseError(ByteBuf message) {
        return IgmpRepr.parse(view.wrap(message, 0, message.capacity())).error();
    }

    private static byte[] emit(IgmpRepr r) {
        ByteBuf out = Unpooled.wrappedBuffer(new byte[r.bufferLength()]);
        r.emit(out, 0);
        return bytes(out);
    }

    // ---- IGMPv3 Report ----

    @Test
    void deconstructV3Report() {
        IgmpPacket p = wrapFrame(V3_REPORT_ALLOW);
        assertEquals(WireError.OK, p.check());
        assertEquals(IgmpPacket.TYPE_V3_MEMBERSHIP_REPORT, p.msgType());
        assertTrue(p.verifyChecksum());
        assertEquals(1, p.numberOfGroupRecords());
        int at = p.firstGroupRecord();
        assertEquals(IgmpRepr.GroupRecord.ALLOW_NEW_SOURCES, p.recordType(at));
        assertEquals(0, p.recordAuxDataLength(at));
        assertEquals(1, p.recordNumberOfSources(at));
        assertEquals(Ipv4Address.parse("232.1.2.3").bits(), p.recordMulticastAddr(at));
        assertEquals(Ipv4Address.parse("192.0.2.2").bits(), p.recordSourceAddr(at, 0));
        assertEquals(IGMP + p.length(), p.nextGroupRecord(at));
    }

    @Test
    void parseAndConstructV3Reports() {
        IgmpRepr allow = new IgmpRepr.V3Report(List.of(new IgmpRepr.GroupRecord(IgmpRepr.GroupRecord.ALLOW_NEW_SOURCES,
                Ipv4Address.parse("232.1.2.3"), List.of(Ipv4Address.parse("192.0.2.2")))));
        IgmpRepr join = new IgmpRepr.V3Report(List.of(
                new IgmpRepr.GroupRecord(IgmpRepr.GroupRecord.CHANGE_TO_EXCLUDE_MODE, GROUP_3, List.of())));
        IgmpRepr leave = new IgmpRepr.V3Report(List.of(
                new IgmpRepr.GroupRecord(IgmpRepr.GroupRecord.CHANGE_TO_INCLUDE_MODE, GROUP_3, List.of())));
        assertArrayEquals(message(V3_REPORT_ALLOW, IGMP), emit(allow));
        assertArrayEquals(message(V3_REPORT_JOIN, IGMP), emit(join));
        assertArrayEquals(message(V3_REPORT_LEAVE, IGMP), emit(leave));
        IgmpRepr.V3Report parsed = assertInstanceOf(IgmpRepr.V3Report.class, parse(V3_REPORT_JOIN));
        IgmpRepr.GroupRecord rec = parsed.groupRecords().get(0);
        assertEquals(IgmpRepr.GroupRecord.CHANGE_TO_EXCLUDE_MODE, rec.recordType());
        assertEquals(GROUP_3, rec.multicastAddress());
        assertTrue(rec.sources().isEmpty());
        assertEquals(List.of(Ipv4Address.parse("192.0.2.2")),
                ((IgmpRepr.V3Report) parse(V3_REPORT_ALLOW)).groupRecords().get(0).sources());
    }

    @Test
    void reportWithSeveralRecordsAndAuxDataRoundTrips() {
        IgmpRepr r = new IgmpRepr.V3Report(List.of(
                new IgmpRepr.GroupRecord(2, GROUP_3, List.of(Ipv4Address.parse("198.51.100.1"), Ipv4Address.parse("198.51.100.2"))),
                new IgmpRepr.GroupRecord(1, Ipv4Address.parse("232.9.9.9"), List.of(), new byte[] {9, 8, 7, 6})));
        ByteBuf b = Unpooled.wrappedBuffer(emit(r));
        assertEquals(8 + 16 + 12, b.capacity());
        IgmpRepr.V3Report back = (IgmpRepr.V3Report) IgmpRepr.parse(view.wrap(b, 0, b.capacity())).value();
        assertEquals(2, back.groupRecords().get(0).sources().size());
        assertArrayEquals(new byte[] {9, 8, 7, 6}, back.groupRecords().get(1).auxiliaryData());
        assertArrayEquals(bytes(b), emit(back));
    }

    // ---- IGMPv1 / IGMPv2 ----

    @Test
    void parseAndConstructV1AndV2Messages() {
        Ipv4Address g4 = Ipv4Address.parse("239.1.2.4");
        Ipv4Address g5 = Ipv4Address.parse("239.1.2.5");
        assertEquals(new IgmpRepr.V2Report(g4), parse(V2_REPORT));
        assertEquals(new IgmpRepr.LeaveGroup(g4), parse(V2_LEAVE));
        assertEquals(new IgmpRepr.V1Report(g5), parse(V1_REPORT));
        assertArrayEquals(message(V2_REPORT, IGMP), emit(new IgmpRepr.V2Report(g4)));
        assertArrayEquals(message(V2_LEAVE, IGMP), emit(new IgmpRepr.LeaveGroup(g4)));
        assertArrayEquals(message(V1_REPORT, IGMP), emit(new IgmpRepr.V1Report(g5)));
    }

    @Test
    void deconstructV2Query() {
        IgmpPacket p = wrapFrame(V2_QUERY);
        assertEquals(WireError.OK, p.check());
        assertFalse(p.isV3Query());
        assertEquals(100, p.maxResp());
        assertEquals(0, p.groupAddr());
        IgmpRepr.Query q = assertInstanceOf(IgmpRepr.Query.class, parse(V2_QUERY));
        assertFalse(q.isV1());
        assertArrayEquals(message(V2_QUERY, IGMP), emit(new IgmpRepr.Query(100, Ipv4Address.ANY)));
    }

    /** RFC 2236 section 4: an 8-octet query with Max Resp Time 0 is an IGMPv1 query. */
    @Test
    void zeroMaxRespTimeIsV1Query() {
        ByteBuf b = copy(message(V2_QUERY, IGMP));
        b.setByte(1, 0);
        fixChecksum(b);
        IgmpRepr.Query q = (IgmpRepr.Query) IgmpRepr.parse(view.wrap(b, 0, 8)).value();
        assertTrue(q.isV1());
    }

    // ---- IGMPv3 Query ----

    @Test
    void deconstructV3Query() {
        IgmpPacket p = wrapFrame(V3_QUERY);
        assertEquals(WireError.OK, p.check());
        assertTrue(p.isV3Query());
        assertEquals(100, p.maxResp());
        assertFalse(p.suppressFlag());
        assertEquals(2, p.qrv());
        assertEquals(125, p.qqic());
        assertEquals(0, p.numberOfSources());
    }

    @Test
    void parseAndConstructV3Query() {
        IgmpRepr.V3Query q = new IgmpRepr.V3Query(100, Ipv4Address.ANY, false, 2, 125, List.of());
        IgmpRepr.V3Query parsed = assertInstanceOf(IgmpRepr.V3Query.class, parse(V3_QUERY));
        assertEquals(q, parsed);
        assertEquals(100, parsed.maxRespTime());
        assertEquals(125, parsed.queryInterval());
        assertArrayEquals(message(V3_QUERY, IGMP), emit(q));
    }

    /** A group-and-source-specific query (RFC 3376 section 4.1.9), built here: Linux sends none unprompted. */
    @Test
    void sourceSpecificQueryRoundTrips() {
        IgmpRepr.V3Query q = new IgmpRepr.V3Query(ExponentialCode.encode8(200), GROUP_3, true, 3, ExponentialCode.encode8(1000),
                List.of(Ipv4Address.parse("192.0.2.2"), Ipv4Address.parse("192.0.2.9")));
        ByteBuf b = Unpooled.wrappedBuffer(emit(q));
        assertEquals(12 + 8, b.capacity());
        assertEquals(q, IgmpRepr.parse(view.wrap(b, 0, b.capacity())).value());
        assertTrue(view.suppressFlag());
        assertEquals(Ipv4Address.parse("192.0.2.9").bits(), view.sourceAddr(1));
        assertEquals(200, q.maxRespTime());
        assertEquals(992, q.queryInterval());  // 1000 s rounded down to the code's precision
    }

    @ParameterizedTest
    @ValueSource(strings = {"V3_REPORT_ALLOW", "V3_REPORT_JOIN", "V3_REPORT_LEAVE", "V2_REPORT", "V2_LEAVE",
            "V1_REPORT", "V3_QUERY", "V2_QUERY"})
    void roundTripIsByteExact(String name) throws ReflectiveOperationException {
        String hex = (String) IgmpTest.class.getDeclaredField(name).get(null);
        IgmpRepr r = parse(hex);
        assertArrayEquals(message(hex, IGMP), emit(r), name);
    }

    // ---- malformed ----

    @ParameterizedTest
    @ValueSource(ints = {0, 4, 7})
    void shorterThanEightOctetsIsTruncated(int length) {
        assertEquals(WireError.TRUNCATED, view.wrap(copy(message(V2_REPORT, IGMP)), 0, length).check());
        assertEquals(WireError.TRUNCATED, IgmpRepr.parse(view).error());
    }

    @Test
    void badChecksumIsRejected() {
        ByteBuf b = copy(message(V2_REPORT, IGMP));
        b.setByte(7, 5);
        assertEquals(WireError.BAD_CHECKSUM, parseError(b));
    }

    /** RFC 3376 section 7.1: a query of 9 to 11 octets is neither IGMPv2 nor IGMPv3. */
    @ParameterizedTest
    @ValueSource(ints = {9, 10, 11})
    void queryBetweenVersionsIsBadLength(int length) {
        assertEquals(WireError.BAD_LENGTH, view.wrap(copy(message(V3_QUERY, IGMP)), 0, length).check());
    }

    @Test
    void querySourceCountBeyondTheMessageIsBadLength() {
        ByteBuf b = copy(message(V3_QUERY, IGMP));
        b.setShort(10, 1);
        fixChecksum(b);
        assertEquals(WireError.BAD_LENGTH, parseError(b));
    }

    @Test
    void reportRecordCountBeyondTheMessageIsBadLength() {
        ByteBuf b = copy(message(V3_REPORT_JOIN, IGMP));
        b.setShort(6, 2);
        fixChecksum(b);
        assertEquals(WireError.BAD_LENGTH, parseError(b));
    }

    @Test
    void recordSourceCountBeyondTheMessageIsBadLength() {
        ByteBuf b = copy(message(V3_REPORT_ALLOW, IGMP));
        b.setShort(8 + 2, 2);
        fixChecksum(b);
        assertEquals(WireError.BAD_LENGTH, parseError(b));
    }

    @Test
    void recordAuxDataBeyondTheMessageIsBadLength() {
        ByteBuf b = copy(message(V3_REPORT_JOIN, IGMP));
        b.setByte(8 + 1, 1);
        fixChecksum(b);
        assertEquals(WireError.BAD_LENGTH, parseError(b));
    }

    @Test
    void unknownTypeIsUnsupported() {
        ByteBuf b = copy(message(V2_REPORT, IGMP));
        b.setByte(0, 0x13);  // DVMRP
        fixChecksum(b);
        assertEquals(WireError.UNSUPPORTED, parseError(b));
    }
}
