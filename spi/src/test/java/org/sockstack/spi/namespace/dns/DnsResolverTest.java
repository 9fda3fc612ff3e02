package org.sockstack.spi.namespace.dns;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sockstack.spi.namespace.dns.DnsMessage.Question;
import org.sockstack.spi.namespace.dns.DnsMessage.ResourceRecord;
import org.sockstack.spi.namespace.dns.DnsResult.Status;
import org.sockstack.stack.testing.Hex;
import org.sockstack.stack.udp.Udp;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The resolver against a scripted server on a second stack, on virtual time. */
class DnsResolverTest {
    static final byte[] WWW = {(byte) 192, 0, 2, 7};
    static final long SECOND = 1_000_000_000L;

    final FakeDnsServer net = new FakeDnsServer();
    final DnsResolver resolver = new DnsResolver(net.client,
            DnsResolver.Config.defaults(FakeDnsServer.SERVER).withTimeout(SECOND, 3));

    @AfterEach
    void close() {
        net.close();
    }

    static int flags(int rcode) {
        return DnsMessage.FLAG_QR | DnsMessage.FLAG_RD | DnsMessage.FLAG_RA | rcode;
    }

    /** The answer to {@code q}: same ID and question, these records. */
    static byte[] reply(DnsMessage q, int rcode, List<ResourceRecord> answers, List<ResourceRecord> authority) {
        return new DnsMessage(q.id(), flags(rcode), q.question(), answers, authority).encode();
    }

    static byte[] reply(DnsMessage q, ResourceRecord... answers) {
        return reply(q, 0, List.of(answers), List.of());
    }

    DnsResult resolve(String name, int type) {
        AtomicReference<DnsResult> out = new AtomicReference<>();
        net.clientLoop.execute(() -> resolver.resolve(name, type, out::set));
        net.runUntil(() -> out.get() != null, 60);
        return out.get();
    }

    @Test
    void resolvesAnARecordAndTheSecondLookupComesFromTheCache() {
        net.udpAnswers = q -> List.of(reply(q, ResourceRecord.a(q.question().name(), 300, WWW)));
        DnsResult r = resolve("www.lab.example", DnsMessage.TYPE_A);
        assertEquals(Status.OK, r.status());
        assertArrayEquals(WWW, r.addresses().get(0));
        assertEquals("www.lab.example", r.canonical());
        assertEquals(1, net.udpQueries.size());
        assertTrue((net.udpQueries.get(0).flags() & DnsMessage.FLAG_RD) != 0);

        DnsResult again = resolve("WWW.Lab.Example.", DnsMessage.TYPE_A);
        assertEquals(Status.OK, again.status());
        assertEquals(1, net.udpQueries.size(), "no second query");
        assertEquals(1, resolver.cacheHits());

        // RFC 1035 section 7.4: the TTL ends the entry.
        net.clock.advance(301 * SECOND);
        assertEquals(Status.OK, resolve("www.lab.example", DnsMessage.TYPE_A).status());
        assertEquals(2, net.udpQueries.size());
    }

    @Test
    void idsAndSourcePortsVary() {
        net.udpAnswers = q -> List.of(reply(q, ResourceRecord.a(q.question().name(), 0, WWW)));
        Set<Integer> ids = new HashSet<>();
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 8; i++) {
            assertEquals(Status.OK, resolve("n" + i + ".example", DnsMessage.TYPE_A).status());
        }
        for (int i = 0; i < 8; i++) {
            ids.add(net.udpQueries.get(i).id());
            ports.add(net.udpSourcePorts.get(i));
            assertTrue(net.udpSourcePorts.get(i) >= Udp.EPHEMERAL_LOW);
        }
        assertTrue(ids.size() >= 7, "ids " + ids);
        assertTrue(ports.size() >= 7, "ports " + ports);
    }

    @Test
    void answersWithTheWrongIdOrQuestionOrMalformedAreDropped() {
        net.udpAnswers = q -> {
            DnsMessage wrongId = new DnsMessage(q.id() ^ 1, flags(0), q.question(),
                    List.of(ResourceRecord.a("www.lab.example", 300, new byte[] {6, 6, 6, 6})), List.of());
            DnsMessage wrongName = new DnsMessage(q.id(), flags(0),
                    new Question("evil.example", DnsMessage.TYPE_A, DnsMessage.CLASS_IN),
                    List.of(ResourceRecord.a("evil.example", 300, new byte[] {6, 6, 6, 6})), List.of());
            DnsMessage wrongType = new DnsMessage(q.id(), flags(0),
                    new Question("www.lab.example", DnsMessage.TYPE_AAAA, DnsMessage.CLASS_IN), List.of(), List.of());
            DnsMessage notAResponse = new DnsMessage(q.id(), DnsMessage.FLAG_RD, q.question(), List.of(), List.of());
            byte[] loop = Hex.bytes(String.format("%04x", q.id()) + "81800001000000000000c00c00010001");
            return List.of(wrongId.encode(), wrongName.encode(), wrongType.encode(), notAResponse.encode(), loop,
                    new byte[5], reply(q, ResourceRecord.a("www.lab.example", 300, WWW)));
        };
        DnsResult r = resolve("www.lab.example", DnsMessage.TYPE_A);
        assertEquals(Status.OK, r.status());
        assertArrayEquals(WWW, r.addresses().get(0));
        assertEquals(4, resolver.droppedMismatched());
        assertEquals(2, resolver.droppedMalformed());
        assertEquals(1, net.udpQueries.size());
    }

    @Test
    void silentServerTimesOutAfterEveryAttempt() {
        long start = net.clock.nanos();
        DnsResult r = resolve("www.lab.example", DnsMessage.TYPE_A);
        assertEquals(Status.TIMEOUT, r.status());
        assertEquals(3, net.udpQueries.size());
        assertEquals(2, resolver.retransmits());
        long took = net.clock.nanos() - start;
        assertTrue(took >= 3 * SECOND && took < 4 * SECOND, "took " + took);
        // The same question each time.
        assertEquals(net.udpQueries.get(0).id(), net.udpQueries.get(2).id());
    }

    @Test
    void aLostQueryIsRetried() {
        List<Integer> seen = new ArrayList<>();
        net.udpAnswers = q -> {
            seen.add(q.id());
            return seen.size() == 1 ? List.of() : List.of(reply(q, ResourceRecord.a("www.lab.example", 300, WWW)));
        };
        assertEquals(Status.OK, resolve("www.lab.example", DnsMessage.TYPE_A).status());
        assertEquals(2, net.udpQueries.size());
    }

    @Test
    void followsACnameChainInOneAnswer() {
        net.udpAnswers = q -> List.of(reply(q, ResourceRecord.cname("alias.lab.example", 600, "mid.lab.example"),
                ResourceRecord.cname("mid.lab.example", 100, "www.lab.example"),
                ResourceRecord.a("www.lab.example", 300, WWW)));
        DnsResult r = resolve("alias.lab.example", DnsMessage.TYPE_A);
        assertEquals(Status.OK, r.status());
        assertEquals("www.lab.example", r.canonical());
        assertEquals(List.of("alias.lab.example", "mid.lab.example"), r.aliases());
        // Cached for the smallest TTL of the chain (100 s).
        net.clock.advance(99 * SECOND);
        resolve("alias.lab.example", DnsMessage.TYPE_A);
        assertEquals(1, net.udpQueries.size());
        net.clock.advance(2 * SECOND);
        resolve("alias.lab.example", DnsMessage.TYPE_A);
        assertEquals(2, net.udpQueries.size());
    }

    @Test
    void asksForTheTargetWhenTheServerStopsAtACname() {
        // What dnsmasq does for --cname to an --address name.
        net.udpAnswers = q -> List.of(q.question().name().equals("alias.lab.example")
                ? reply(q, ResourceRecord.cname("alias.lab.example", 300, "www.lab.example"))
                : reply(q, ResourceRecord.a("www.lab.example", 300, WWW)));
        DnsResult r = resolve("alias.lab.example", DnsMessage.TYPE_A);
        assertEquals(Status.OK, r.status());
        assertEquals("www.lab.example", r.canonical());
        assertEquals(List.of("alias.lab.example"), r.aliases());
        assertEquals(2, net.udpQueries.size());
        assertEquals("www.lab.example", net.udpQueries.get(1).question().name());
    }

    @Test
    void aCnameLoopEndsAtTheDepthBound() {
        net.udpAnswers = q -> List.of(q.question().name().equals("a.example")
                ? reply(q, ResourceRecord.cname("a.example", 300, "b.example"))
                : reply(q, ResourceRecord.cname("b.example", 300, "a.example")));
        DnsResult r = resolve("a.example", DnsMessage.TYPE_A);
        assertEquals(Status.SERVER_FAILURE, r.status());
        assertEquals(9, net.udpQueries.size()); // 8 links followed, the 9th refused
    }

    @Test
    void aCnameLoopInsideOneAnswerEndsToo() {
        net.udpAnswers = q -> List.of(reply(q, ResourceRecord.cname("a.example", 300, "b.example"),
                ResourceRecord.cname("b.example", 300, "a.example")));
        assertEquals(Status.SERVER_FAILURE, resolve("a.example", DnsMessage.TYPE_A).status());
        assertEquals(1, net.udpQueries.size());
    }

    @Test
    void nxdomainIsCachedForTheSoaMinimum() {
        // RFC 2308 section 5: min(SOA TTL 3600, MINIMUM 60).
        net.udpAnswers = q -> List.of(reply(q, DnsMessage.RCODE_NXDOMAIN, List.of(),
                List.of(ResourceRecord.soa("lab.example", 3600, 60))));
        assertEquals(Status.NXDOMAIN, resolve("missing.lab.example", DnsMessage.TYPE_A).status());
        net.clock.advance(59 * SECOND);
        assertEquals(Status.NXDOMAIN, resolve("missing.lab.example", DnsMessage.TYPE_A).status());
        assertEquals(1, net.udpQueries.size());
        net.clock.advance(2 * SECOND);
        assertEquals(Status.NXDOMAIN, resolve("missing.lab.example", DnsMessage.TYPE_A).status());
        assertEquals(2, net.udpQueries.size());
    }

    @Test
    void negativeAnswerWithoutSoaIsNotCached() {
        net.udpAnswers = q -> List.of(reply(q, DnsMessage.RCODE_NXDOMAIN, List.of(), List.of()));
        assertEquals(Status.NXDOMAIN, resolve("missing.lab.example", DnsMessage.TYPE_A).status());
        assertEquals(Status.NXDOMAIN, resolve("missing.lab.example", DnsMessage.TYPE_A).status());
        assertEquals(2, net.udpQueries.size());
    }

    @Test
    void noDataIsNegativeToo() {
        net.udpAnswers = q -> List.of(reply(q, 0, List.of(), List.of(ResourceRecord.soa("lab.example", 30, 300))));
        assertEquals(Status.NODATA, resolve("www.lab.example", DnsMessage.TYPE_AAAA).status());
        assertEquals(Status.NODATA, resolve("www.lab.example", DnsMessage.TYPE_AAAA).status());
        assertEquals(1, net.udpQueries.size());
    }

    @Test
    void serverFailureIsNotCached() {
        net.udpAnswers = q -> List.of(reply(q, DnsMessage.RCODE_SERVFAIL, List.of(), List.of()));
        assertEquals(Status.SERVER_FAILURE, resolve("www.lab.example", DnsMessage.TYPE_A).status());
        assertEquals(Status.SERVER_FAILURE, resolve("www.lab.example", DnsMessage.TYPE_A).status());
        assertEquals(2, net.udpQueries.size());
    }

    @Test
    void aTruncatedAnswerIsAskedAgainOverTcp() {
        byte[] v6 = Hex.bytes("20010db8000000000000000000000007");
        net.udpAnswers = q -> List.of(new DnsMessage(q.id(), flags(0) | DnsMessage.FLAG_TC, q.question(),
                List.of(), List.of()).encode());
        List<ResourceRecord> many = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            byte[] a = v6.clone();
            a[15] = (byte) i;
            many.add(ResourceRecord.a("big.lab.example", 300, a));
        }
        net.tcpAnswers = q -> reply(q, 0, many, List.of());
        DnsResult r = resolve("big.lab.example", DnsMessage.TYPE_AAAA);
        assertEquals(Status.OK, r.status());
        assertEquals(40, r.addresses().size());
        assertEquals(1, net.udpQueries.size());
        assertEquals(1, net.tcpQueries.size());
        assertEquals(net.udpQueries.get(0).id(), net.tcpQueries.get(0).id());
        assertEquals(1, resolver.tcpQueries());
    }

    @Test
    void tcpFallbackCanBeTurnedOffThenTheTruncatedAnswerIsUsed() {
        DnsResolver noTcp = new DnsResolver(net.client, DnsResolver.Config.defaults(FakeDnsServer.SERVER)
                .withTcpFallback(false));
        net.udpAnswers = q -> List.of(new DnsMessage(q.id(), flags(0) | DnsMessage.FLAG_TC, q.question(),
                List.of(ResourceRecord.a("big.lab.example", 300, WWW)), List.of()).encode());
        AtomicReference<DnsResult> out = new AtomicReference<>();
        net.clientLoop.execute(() -> noTcp.resolve("big.lab.example", DnsMessage.TYPE_A, out::set));
        net.runUntil(() -> out.get() != null, 10);
        assertEquals(Status.OK, out.get().status());
        assertEquals(0, net.tcpQueries.size());
    }

    @Test
    void silentTcpServerTimesOut() {
        net.udpAnswers = q -> List.of(new DnsMessage(q.id(), flags(0) | DnsMessage.FLAG_TC, q.question(),
                List.of(), List.of()).encode());
        assertEquals(Status.TIMEOUT, resolve("big.lab.example", DnsMessage.TYPE_A).status());
        assertEquals(1, net.tcpQueries.size());
    }

    @Test
    void badNamesAndTypesAreRefusedWithoutAQuery() {
        assertEquals(Status.BAD_NAME, resolve("a..example", DnsMessage.TYPE_A).status());
        assertEquals(Status.BAD_NAME, resolve("www.lab.example", DnsMessage.TYPE_SOA).status());
        assertEquals(0, net.udpQueries.size());
    }

    @Test
    void lookupFromAnotherThreadCompletesOnTheLoop() {
        net.udpAnswers = q -> List.of(reply(q, ResourceRecord.a("www.lab.example", 300, WWW)));
        var f = resolver.lookup("www.lab.example", DnsMessage.TYPE_A);
        net.runUntil(f::isDone, 10);
        assertEquals(Status.OK, f.join().status());
    }
}
