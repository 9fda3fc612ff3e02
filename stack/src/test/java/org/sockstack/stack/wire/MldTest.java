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
 * Multicast Listener Discovery, MLDv1 (RFC 2710) and MLDv2 (RFC 3810), against frames the Linux
 * 6.18 kernel sent in namespaces wire-icmpA and wire-icmpB, captured with
 * {@code tcpdump -i wicB -w}. Reports and Done come from the host stack; the queries come from
 * the kernel's bridge multicast querier ({@code ip link add br0 type bridge mcast_querier 1}).
 * MLD packets carry a Hop-by-Hop Router Alert, so the message starts after the Ethernet, the
 * 40-octet IPv6 header and the 8-octet Hop-by-Hop header.
 */
class MldTest {

    /**
     * wire-icmpB bringing wicB up, before its link-local address is valid (source ::): MLDv2 Report with 5
     * CHANGE_TO_EXCLUDE records.
     */
    static final String MLDV2_REPORT_FROM_UNSPECIFIED = """
            333300000016020000000b0186dd # Ethernet (skipped)
            600000000074000100000000000000000000000000000000 # IPv6 + Hop-by-Hop (Router Alert) (skipped)
            ff0200000000000000000000000000163a00050200000100
            8f005a1c 00000005 04000000 ff020000
            00000000 00000001 ff000b01 04000000
            ff020000 00000000 00000001 ff000000
            04000000 ff020000 00000000 00000001
            ff000002 04000000 ff050000 00000000
            00000000 00000002 04000000 ff020000
            00000000 00000000 00000002
            """;

    /**
     * MCAST_JOIN_SOURCE_GROUP (ff3e::1234, source 2001:db8::2) in wire-icmpA: MLDv2 Report, one
     * ALLOW_NEW_SOURCES record with one source.
     */
    static final String MLDV2_REPORT_WITH_SOURCE = """
            333300000016020000000a0186dd # Ethernet (skipped)
            6000000000340001fe80000000000000000000fffe000a01 # IPv6 + Hop-by-Hop (Router Alert) (skipped)
            ff0200000000000000000000000000163a00050200000100
            8f0025ce 00000001 05000001 ff3e0000
            00000000 00000000 00001234 20010db8
            00000000 00000000 00000002
            """;

    /**
     * force_mld_version=1, {@code socat UDP6-RECV:5000,ipv6-join-group=[ff05::1235]:wicA}: MLDv1 Report.
     */
    static final String MLDV1_REPORT = """
            333300001235020000000a0186dd # Ethernet (skipped)
            6000000000200001fe80000000000000000000fffe000a01 # IPv6 + Hop-by-Hop (Router Alert) (skipped)
            ff0500000000000000000000000012353a00050200000100
            830052b5 00000000 ff050000 00000000
            00000000 00001235
            """;

    /**
     * The same socat exiting: MLDv1 Done to ff02::2.
     */
    static final String MLDV1_DONE = """
            333300000002020000000a0186dd # Ethernet (skipped)
            6000000000200001fe80000000000000000000fffe000a01 # IPv6 + Hop-by-Hop (Router Alert) (skipped)
            ff0200000000000000000000000000023a00050200000100
            840063eb 00000000 ff050000 00000000
            00000000 00001235
            """;

    /**
     * A Linux bridge in wire-icmpB with mcast_querier 1 and mcast_mld_version 1: MLDv1 general Query,
     * Maximum Response Delay 10000 ms.
     */
    static final String MLDV1_QUERY = """
            333300000001020000000b0186dd # Ethernet (skipped)
            6000000000200001fe80000000000000000000fffe000b01 # IPv6 + Hop-by-Hop (Router Alert) (skipped)
            ff0200000000000000000000000000013a00050200000000
            82004f17 27100000 00000000 00000000
            00000000 00000000
            """;

    /**
     * The Linux bridge querier with mcast_mld_version 2 (second capture; the bridge used its global
     * address): MLDv2 general Query, QRV 2, QQIC 125.
     */
    static final String MLDV2_QUERY = """
            333300000001020000000b0286dd # Ethernet (skipped)
            600000000024000120010db8000000000000000000000002 # IPv6 + Hop-by-Hop (Router Alert) (skipped)
            ff0200000000000000000000000000013a00050200000000
            8200275d 27100000 00000000 00000000
            00000000 00000000 027d0000
            """;

    private static final Ipv6Address MLDV2_ROUTERS = Ipv6Address.ALL_MLDV2_ROUTERS;
    private static final Ipv6Address LL_A = Ipv6Address.parse("fe80::ff:fe00:a01");

    private final Icmpv6Packet view = new Icmpv6Packet();

    private Icmpv6Packet wrapFrame(String hex) {
        ByteBuf f = frame(hex);
        return view.wrap(f, MLD, f.capacity() - MLD);
    }

    private MldRepr parse(String hex) {
        ByteBuf f = frame(hex);
        Parsed<MldRepr> p = MldRepr.parse(view.wrap(f, MLD, f.capacity() - MLD), ipv6Src(f), ipv6Dst(f));
        assertTrue(p.ok(), () -> "parse failed: " + p);
        return p.value();
    }

    private static byte[] emit(Icmpv6Repr r, Ipv6Address src, Ipv6Address dst) {
        ByteBuf out = Unpooled.wrappedBuffer(new byte[r.bufferLength()]);
        r.emit(out, 0, src, dst);
        return bytes(out);
    }

    private WireError parseError(ByteBuf message, Ipv6Address src, Ipv6Address dst) {
        return MldRepr.parse(view.wrap(message, 0, message.capacity()), src, dst).error();
    }

    // ---- MLDv2 Report ----

    @Test
    void deconstructMldv2Report() {
        Icmpv6Packet p = wrapFrame(MLDV2_REPORT_FROM_UNSPECIFIED);
        assertEquals(WireError.OK, p.check());
        assertEquals(Icmpv6Packet.TYPE_MLDV2_REPORT, p.msgType());
        assertEquals(5, p.mldv2NumberOfRecords());
        int at = p.firstMldv2Record();
        assertEquals(MldRepr.MulticastAddressRecord.CHANGE_TO_EXCLUDE_MODE, p.mldv2RecordType(at));
        assertEquals(0, p.mldv2RecordAuxDataLength(at));
        assertEquals(0, p.mldv2RecordNumberOfSources(at));
        assertEquals(Ipv6Address.parse("ff02::1:ff00:b01"),
                new Ipv6Address(p.mldv2RecordMulticastAddrHi(at), p.mldv2RecordMulticastAddrLo(at)));
        for (int i = 0; i < 5; i++) {
            at = p.nextMldv2Record(at);
        }
        assertEquals(p.end(), at);
    }

    @Test
    void parseMldv2ReportFromUnspecifiedSource() {
        MldRepr.V2Report r = assertInstanceOf(MldRepr.V2Report.class, parse(MLDV2_REPORT_FROM_UNSPECIFIED));
        List<Ipv6Address> groups = r.records().stream().map(MldRepr.MulticastAddressRecord::multicastAddress).toList();
        assertEquals(List.of(Ipv6Address.parse("ff02::1:ff00:b01"), Ipv6Address.parse("ff02::1:ff00:0"),
                Ipv6Address.parse("ff02::1:ff00:2"), Ipv6Address.parse("ff05::2"), Ipv6Address.parse("ff02::2")), groups);
        assertTrue(r.records().stream().allMatch(m -> m.recordType() == 4 && m.sources().isEmpty()));
    }

    @Test
    void parseAndConstructMldv2ReportWithSource() {
        Icmpv6Packet p = wrapFrame(MLDV2_REPORT_WITH_SOURCE);
        int at = p.firstMldv2Record();
        assertEquals(1, p.mldv2RecordNumberOfSources(at));
        assertEquals(Ipv6Address.parse("2001:db8::2"), Ipv6Address.read(p.buffer(), p.mldv2RecordSourceOffset(at, 0)));
        MldRepr expected = new MldRepr.V2Report(List.of(new MldRepr.MulticastAddressRecord(
                MldRepr.MulticastAddressRecord.ALLOW_NEW_SOURCES, Ipv6Address.parse("ff3e::1234"),
                List.of(Ipv6Address.parse("2001:db8::2")))));
        MldRepr.V2Report parsed = (MldRepr.V2Report) parse(MLDV2_REPORT_WITH_SOURCE);
        assertEquals(1, parsed.records().size());
        MldRepr.MulticastAddressRecord rec = parsed.records().get(0);
        assertEquals(MldRepr.MulticastAddressRecord.ALLOW_NEW_SOURCES, rec.recordType());
        assertEquals(Ipv6Address.parse("ff3e::1234"), rec.multicastAddress());
        assertEquals(List.of(Ipv6Address.parse("2001:db8::2")), rec.sources());
        assertArrayEquals(message(MLDV2_REPORT_WITH_SOURCE, MLD), emit(expected, LL_A, MLDV2_ROUTERS));
    }

    @Test
    void auxiliaryDataSurvivesARoundTrip() {
        MldRepr r = new MldRepr.V2Report(List.of(
                new MldRepr.MulticastAddressRecord(1, Ipv6Address.parse("ff05::9"), List.of(), new byte[] {1, 2, 3, 4}),
                new MldRepr.MulticastAddressRecord(2, Ipv6Address.parse("ff05::a"), List.of(Ipv6Address.parse("2001:db8::9")))));
        ByteBuf b = Unpooled.wrappedBuffer(emit(r, LL_A, MLDV2_ROUTERS));
        MldRepr.V2Report back = (MldRepr.V2Report) MldRepr.parse(view.wrap(b, 0, b.capacity()), LL_A, MLDV2_ROUTERS).value();
        assertArrayEquals(new byte[] {1, 2, 3, 4}, back.records().get(0).auxiliaryData());
        assertEquals(r.bufferLength(), 8 + 24 + 36);
        assertEquals(Ipv6Address.parse("2001:db8::9"), back.records().get(1).sources().get(0));
    }

    // ---- MLDv1 ----

    @Test
    void parseAndConstructMldv1ReportAndDone() {
        Ipv6Address group = Ipv6Address.parse("ff05::1235");
        assertEquals(new MldRepr.Report(group), parse(MLDV1_REPORT));
        assertEquals(new MldRepr.Done(group), parse(MLDV1_DONE));
        assertArrayEquals(message(MLDV1_REPORT, MLD), emit(new MldRepr.Report(group), LL_A, group));
        assertArrayEquals(message(MLDV1_DONE, MLD), emit(new MldRepr.Done(group), LL_A, Ipv6Address.ALL_ROUTERS));
    }

    @Test
    void deconstructMldv1Query() {
        Icmpv6Packet p = wrapFrame(MLDV1_QUERY);
        assertEquals(WireError.OK, p.check());
        assertFalse(p.isMldv2Query());
        assertEquals(10000, p.mldMaximumResponse());
        assertEquals(0, p.mldMulticastAddrHi());
        assertEquals(0, p.mldMulticastAddrLo());
    }

    @Test
    void parseAndConstructMldv1Query() {
        MldRepr q = new MldRepr.Query(10000, Ipv6Address.UNSPECIFIED);
        assertEquals(q, parse(MLDV1_QUERY));
        assertArrayEquals(message(MLDV1_QUERY, MLD), emit(q, Ipv6Address.parse("fe80::ff:fe00:b01"), Ipv6Address.ALL_NODES));
    }

    // ---- MLDv2 Query ----

    @Test
    void deconstructMldv2Query() {
        Icmpv6Packet p = wrapFrame(MLDV2_QUERY);
        assertEquals(WireError.OK, p.check());
        assertTrue(p.isMldv2Query());
        assertEquals(10000, p.mldMaximumResponse());
        assertFalse(p.mldSuppressFlag());
        assertEquals(2, p.mldQrv());
        assertEquals(125, p.mldQqic());
        assertEquals(0, p.mldNumberOfSources());
    }

    @Test
    void parseAndConstructMldv2Query() {
        MldRepr.V2Query q = new MldRepr.V2Query(10000, Ipv6Address.UNSPECIFIED, false, 2, 125, List.of());
        MldRepr.V2Query parsed = assertInstanceOf(MldRepr.V2Query.class, parse(MLDV2_QUERY));
        assertEquals(q, parsed);
        assertEquals(10000, parsed.maximumResponseDelay());
        assertEquals(125, parsed.queryInterval());
        assertArrayEquals(message(MLDV2_QUERY, MLD), emit(q, Ipv6Address.parse("2001:db8::2"), Ipv6Address.ALL_NODES));
    }

    /** A multicast address and source specific query (RFC 3810 section 5.1.12), built here: Linux sends none unprompted. */
    @Test
    void sourceSpecificQueryRoundTrips() {
        MldRepr.V2Query q = new MldRepr.V2Query(ExponentialCode.encode16(60007), Ipv6Address.parse("ff3e::1234"),
                true, 7, ExponentialCode.encode8(300), List.of(Ipv6Address.parse("2001:db8::2"), Ipv6Address.parse("2001:db8::3")));
        ByteBuf b = Unpooled.wrappedBuffer(emit(q, LL_A, Ipv6Address.parse("ff3e::1234")));
        assertEquals(28 + 32, b.capacity());
        Parsed<MldRepr> back = MldRepr.parse(view.wrap(b, 0, b.capacity()), LL_A, Ipv6Address.parse("ff3e::1234"));
        assertEquals(q, back.value());
        assertTrue(view.mldSuppressFlag());
        assertEquals(7, view.mldQrv());
        assertEquals(60000, q.maximumResponseDelay());   // 60007 rounded down to a multiple of 8
        assertEquals(288, q.queryInterval());
    }

    @ParameterizedTest
    @ValueSource(strings = {"MLDV2_REPORT_FROM_UNSPECIFIED", "MLDV2_REPORT_WITH_SOURCE", "MLDV1_REPORT",
            "MLDV1_DONE", "MLDV1_QUERY", "MLDV2_QUERY"})
    void roundTripIsByteExactThroughIcmpv6Repr(String name) throws ReflectiveOperationException {
        String hex = (String) MldTest.class.getDeclaredField(name).get(null);
        ByteBuf f = frame(hex);
        Parsed<Icmpv6Repr> p = Icmpv6Repr.parse(view.wrap(f, MLD, f.capacity() - MLD), ipv6Src(f), ipv6Dst(f));
        assertTrue(p.ok(), () -> name + ": " + p);
        assertInstanceOf(MldRepr.class, p.value());
        assertArrayEquals(message(hex, MLD), emit(p.value(), ipv6Src(f), ipv6Dst(f)), name);
    }

    // ---- malformed ----

    private static ByteBuf v2Query() {
        return copy(message(MLDV2_QUERY, MLD));
    }

    @Test
    void queryShorterThanMldv1IsTruncated() {
        assertEquals(WireError.TRUNCATED, view.wrap(v2Query(), 0, 23).check());
    }

    /** RFC 3810 section 8.1: a query of 25 to 27 octets is neither version and is ignored. */
    @ParameterizedTest
    @ValueSource(ints = {25, 26, 27})
    void queryBetweenVersionsIsBadLength(int length) {
        assertEquals(WireError.BAD_LENGTH, view.wrap(v2Query(), 0, length).check());
    }

    @Test
    void querySourceCountBeyondTheMessageIsBadLength() {
        ByteBuf b = v2Query();
        b.setShort(26, 1);
        fixChecksum(b, Ipv6Address.parse("2001:db8::2"), Ipv6Address.ALL_NODES);
        assertEquals(WireError.BAD_LENGTH, parseError(b, Ipv6Address.parse("2001:db8::2"), Ipv6Address.ALL_NODES));
    }

    @Test
    void reportRecordCountBeyondTheMessageIsBadLength() {
        ByteBuf b = copy(message(MLDV2_REPORT_WITH_SOURCE, MLD));
        b.setShort(6, 2);
        fixChecksum(b, LL_A, MLDV2_ROUTERS);
        assertEquals(WireError.BAD_LENGTH, parseError(b, LL_A, MLDV2_ROUTERS));
    }

    @Test
    void recordSourceCountBeyondTheMessageIsBadLength() {
        ByteBuf b = copy(message(MLDV2_REPORT_WITH_SOURCE, MLD));
        b.setShort(8 + 2, 2);
        fixChecksum(b, LL_A, MLDV2_ROUTERS);
        assertEquals(WireError.BAD_LENGTH, parseError(b, LL_A, MLDV2_ROUTERS));
    }

    @Test
    void recordAuxDataBeyondTheMessageIsBadLength() {
        ByteBuf b = copy(message(MLDV2_REPORT_WITH_SOURCE, MLD));
        b.setByte(8 + 1, 1);
        fixChecksum(b, LL_A, MLDV2_ROUTERS);
        assertEquals(WireError.BAD_LENGTH, parseError(b, LL_A, MLDV2_ROUTERS));
    }

    @Test
    void recordHeaderCutIsBadLength() {
        ByteBuf b = copy(message(MLDV2_REPORT_WITH_SOURCE, MLD));
        assertEquals(WireError.BAD_LENGTH, view.wrap(b, 0, 8 + 19).check());
    }

    @Test
    void mldv1ReportCutIsTruncated() {
        ByteBuf b = copy(message(MLDV1_REPORT, MLD));
        assertEquals(WireError.TRUNCATED, view.wrap(b, 0, 23).check());
    }

    @Test
    void badChecksumIsRejected() {
        ByteBuf b = copy(message(MLDV1_REPORT, MLD));
        b.setByte(23, 0x36);
        Ipv6Address group = Ipv6Address.parse("ff05::1235");
        assertEquals(WireError.BAD_CHECKSUM, parseError(b, LL_A, group));
    }

    @Test
    void nonMldMessageIsUnsupported() {
        ByteBuf b = copy(message(MLDV1_REPORT, MLD));
        b.setByte(0, Icmpv6Packet.TYPE_ECHO_REPLY);
        fixChecksum(b, LL_A, MLDV2_ROUTERS);
        assertEquals(WireError.UNSUPPORTED, parseError(b, LL_A, MLDV2_ROUTERS));
    }
}
