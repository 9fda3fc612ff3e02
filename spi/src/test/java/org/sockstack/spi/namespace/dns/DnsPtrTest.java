package org.sockstack.spi.namespace.dns;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sockstack.spi.namespace.dns.DnsMessage.ResourceRecord;
import org.sockstack.spi.namespace.dns.DnsResult.Status;
import org.sockstack.stack.testing.Hex;
import org.sockstack.stack.wire.Parsed;
import org.sockstack.stack.wire.WireError;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PTR records (RFC 1035 section 3.3.12): the codec on answers dnsmasq really sent, malformed
 * RDATA, and reverse lookups through the resolver and its cache.
 */
class DnsPtrTest {
    static final long SECOND = 1_000_000_000L;

    /*
     * dnsmasq 2.90 answers, captured in a private namespace: dnsmasq --listen-address=192.0.2.1
     * --local-ttl=300 --ptr-record=7.2.0.192.in-addr.arpa,www.lab.example --ptr-record=<2001:db8::7
     * in ip6.arpa>,v6.lab.example, asked by a python3 UDP socket (IDs 0x1234 and 0x5678). The
     * owner names are compressed (c00c), the PTRDNAMEs are not.
     */
    static final String DNSMASQ_V4 = "1234858000010001000000000137013201300331393207696e2d61646472046172706100000c0001"
            + "c00c000c00010000012c001103777777036c6162076578616d706c6500";
    static final String DNSMASQ_V6 = "5678858000010001000000000137013001300130013001300130013001300130013001300130"
            + "013001300130013001300130013001300130013001300138016201640130013101300130013203697036046172706100000c0001"
            + "c00c000c00010000012c0010027636036c6162076578616d706c6500";
    /** The question of DNSMASQ_V4 with its header (ID 0x1234, QR AA RD RA, one answer). */
    static final String V4_HEAD = "1234858000010001000000000137013201300331393207696e2d61646472046172706100000c0001";

    static Parsed<DnsMessage> parse(String hex) {
        byte[] b = Hex.bytes(hex);
        return DnsMessage.parse(b, b.length);
    }

    @Test
    void dnsmasqIpv4Answer() {
        DnsMessage m = parse(DNSMASQ_V4).value();
        assertEquals("7.2.0.192.in-addr.arpa", m.question().name());
        assertEquals(DnsMessage.TYPE_PTR, m.question().type());
        ResourceRecord r = m.answers().get(0);
        assertEquals("7.2.0.192.in-addr.arpa", r.name(), "owner through the compression pointer");
        assertEquals(DnsMessage.TYPE_PTR, r.type());
        assertEquals(300, r.ttl());
        assertEquals("www.lab.example", r.target());
    }

    @Test
    void dnsmasqIpv6Answer() throws Exception {
        DnsMessage m = parse(DNSMASQ_V6).value();
        assertEquals(ReverseName.of(ReverseNameTest.ip("2001:db8::7")), m.question().name());
        assertEquals("v6.lab.example", m.answers().get(0).target());
    }

    @Test
    void aCompressedPtrdname() {
        // RDATA: "www" then a pointer to offset 22 (0x16), the "in-addr.arpa" of the question.
        DnsMessage m = parse(V4_HEAD + "c00c000c00010000012c0006" + "03777777" + "c016").value();
        assertEquals("www.in-addr.arpa", m.answers().get(0).target());
    }

    @Test
    void encodeThenParse() {
        DnsMessage q = DnsMessage.query(7, "7.2.0.192.in-addr.arpa", DnsMessage.TYPE_PTR);
        DnsMessage a = new DnsMessage(7, DnsMessage.FLAG_QR, q.question(),
                List.of(ResourceRecord.ptr("7.2.0.192.in-addr.arpa", 60, "www.lab.example")), List.of());
        byte[] b = a.encode();
        assertEquals(a, DnsMessage.parse(b, b.length).value());
    }

    @Test
    void malformedPtrRdataIsAWireError() {
        // A pointer that points forwards (past itself): no loops (RFC 1035 section 4.1.4).
        assertEquals(WireError.BAD_FIELD, parse(V4_HEAD + "c00c000c00010000012c0002c0ff").error());
        // A pointer to itself.
        assertEquals(WireError.BAD_FIELD, parse(V4_HEAD + "c00c000c00010000012c0002c034").error());
        // RDLENGTH 16 but the name takes 17 octets: the name overruns its RDATA.
        assertEquals(WireError.BAD_LENGTH,
                parse(V4_HEAD + "c00c000c00010000012c001003777777036c6162076578616d706c6500").error());
        // RDLENGTH 18 for a 17-octet name: RDATA left over.
        assertEquals(WireError.BAD_LENGTH,
                parse(V4_HEAD + "c00c000c00010000012c001203777777036c6162076578616d706c650000").error());
        // RDLENGTH past the end of the message.
        assertEquals(WireError.TRUNCATED,
                parse(V4_HEAD + "c00c000c00010000012c004003777777036c6162076578616d706c6500").error());
        // The name ends without its zero octet at the end of the message.
        assertEquals(WireError.TRUNCATED, parse(V4_HEAD + "c00c000c00010000012c000403777777").error());
        // A label of type 01 (RFC 6891 section 5).
        assertEquals(WireError.UNSUPPORTED, parse(V4_HEAD + "c00c000c00010000012c00024100").error());
    }

    // ------------------------------------------------------------------ through the resolver

    final FakeDnsServer net = new FakeDnsServer();
    final DnsResolver resolver = new DnsResolver(net.client,
            DnsResolver.Config.defaults(FakeDnsServer.SERVER).withTimeout(SECOND, 3));

    @AfterEach
    void close() {
        net.close();
    }

    DnsResult resolve(String name, int type) {
        AtomicReference<DnsResult> out = new AtomicReference<>();
        net.clientLoop.execute(() -> resolver.resolve(name, type, out::set));
        net.runUntil(() -> out.get() != null, 60);
        return out.get();
    }

    @Test
    void ptrLookupIsCachedForItsTtl() {
        net.udpAnswers = FakeDnsServer.ptrZone(Map.of("7.2.0.192.in-addr.arpa", "www.lab.example"), 120);
        DnsResult r = resolve("7.2.0.192.in-addr.arpa", DnsMessage.TYPE_PTR);
        assertEquals(Status.OK, r.status());
        assertEquals(List.of("www.lab.example"), r.pointers());
        assertEquals(DnsMessage.TYPE_PTR, net.udpQueries.get(0).question().type());

        assertEquals(List.of("www.lab.example"), resolve("7.2.0.192.IN-ADDR.arpa", DnsMessage.TYPE_PTR).pointers());
        assertEquals(1, net.udpQueries.size(), "from the cache");
        net.clock.advance(121 * SECOND); // RFC 1035 section 7.4
        assertEquals(Status.OK, resolve("7.2.0.192.in-addr.arpa", DnsMessage.TYPE_PTR).status());
        assertEquals(2, net.udpQueries.size());
    }

    @Test
    void nxdomainIsCachedForTheSoaMinimum() {
        net.udpAnswers = FakeDnsServer.ptrZone(Map.of(), 30);
        assertEquals(Status.NXDOMAIN, resolve("8.2.0.192.in-addr.arpa", DnsMessage.TYPE_PTR).status());
        assertEquals(Status.NXDOMAIN, resolve("8.2.0.192.in-addr.arpa", DnsMessage.TYPE_PTR).status());
        assertEquals(1, net.udpQueries.size(), "RFC 2308 section 5: the negative answer is cached");
        net.clock.advance(31 * SECOND);
        resolve("8.2.0.192.in-addr.arpa", DnsMessage.TYPE_PTR);
        assertEquals(2, net.udpQueries.size());
    }

    @Test
    void malformedPtrAnswersAreDroppedAndCountedByReason() {
        net.udpAnswers = q -> {
            String head = String.format("%04x", q.id()) + V4_HEAD.substring(4);
            return List.of(
                    Hex.bytes(head + "c00c000c00010000012c0002c0ff"), // forward pointer
                    Hex.bytes(head + "c00c000c00010000012c001003777777036c6162076578616d706c6500"), // overrun
                    Hex.bytes(head + "c00c000c00010000012c001103777777036c6162076578616d706c6500")); // good
        };
        DnsResult r = resolve("7.2.0.192.in-addr.arpa", DnsMessage.TYPE_PTR);
        assertEquals(Status.OK, r.status());
        assertEquals(List.of("www.lab.example"), r.pointers());
        assertEquals(2, resolver.droppedMalformed());
        assertEquals(1, resolver.droppedMalformed(WireError.BAD_FIELD));
        assertEquals(1, resolver.droppedMalformed(WireError.BAD_LENGTH));
        assertEquals(0, resolver.droppedMalformed(WireError.TRUNCATED));
    }

    @Test
    void aCnameInTheReverseZoneIsFollowed() {
        // RFC 2317: classless delegation puts a CNAME at the reverse name.
        net.udpAnswers = q -> {
            String n = q.question().name();
            int flags = DnsMessage.FLAG_QR | DnsMessage.FLAG_RD | DnsMessage.FLAG_RA;
            ResourceRecord rr = n.startsWith("7.2.0")
                    ? ResourceRecord.cname(n, 300, "7.0-63.2.0.192.in-addr.arpa")
                    : ResourceRecord.ptr(n, 300, "www.lab.example");
            return List.of(new DnsMessage(q.id(), flags, q.question(), List.of(rr), List.of()).encode());
        };
        DnsResult r = resolve("7.2.0.192.in-addr.arpa", DnsMessage.TYPE_PTR);
        assertEquals(Status.OK, r.status());
        assertEquals(List.of("www.lab.example"), r.pointers());
        assertEquals(List.of("7.2.0.192.in-addr.arpa"), r.aliases());
        assertTrue(net.udpQueries.size() == 2, "the target was asked");
    }
}
