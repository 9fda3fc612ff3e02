package org.sockstack.api;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sockstack.spi.WsaData;
import org.sockstack.spi.namespace.Ns;
import org.sockstack.spi.namespace.QuerySet;
import org.sockstack.spi.namespace.dns.DnsMessage;
import org.sockstack.spi.namespace.dns.DnsMessage.ResourceRecord;
import org.sockstack.spi.namespace.dns.DnsNamespaceProvider;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;
import org.sockstack.stack.Stack;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.api.Netdb.EAI_AGAIN;
import static org.sockstack.api.Netdb.EAI_FAIL;
import static org.sockstack.api.Netdb.EAI_NONAME;
import static org.sockstack.api.Netdb.NI_NAMEREQD;
import static org.sockstack.api.Netdb.NI_NOFQDN;
import static org.sockstack.api.Netdb.NI_NUMERICHOST;
import static org.sockstack.spi.wsa.Wsa.AF_INET;
import static org.sockstack.spi.wsa.Wsa.AF_INET6;
import static org.sockstack.spi.wsa.Wsa.makeVersion;
import static org.sockstack.spi.wsa.WsaError.WSAHOST_NOT_FOUND;

/**
 * Reverse lookups over DNS: getnameinfo, gethostbyaddr and WSALookupServiceBegin with a reverse
 * name go through the catalog (hosts file, then DNS), and DNS asks PTR (RFC 1035 section 3.3.12)
 * at the in-addr.arpa / ip6.arpa name. The DNS provider runs on a user-space stack (192.0.2.2)
 * asking a fake server on another stack (192.0.2.1:53). Run with the application's process over
 * the host provider and over the stack provider of the resolver's own stack.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class DnsReverseBehaviour {
    /** PTR records: 192.0.2.7 and 2001:db8::7; 192.0.2.9 SERVFAIL; 192.0.2.10 silent; the rest NXDOMAIN. */
    static final String WWW_PTR = "7.2.0.192.in-addr.arpa";

    DnsTestNetwork net;
    List<String> questions;
    Winsock ws;

    @TempDir
    Path dir;

    /** The application's process; {@code resolverStack} is the stack the DNS provider runs on. */
    abstract Winsock process(Stack resolverStack);

    @BeforeEach
    void start() throws Exception {
        net = new DnsTestNetwork("ptr", 31, 14, DnsReverseBehaviour::answer);
        questions = net.questions;
        ws = process(net.resolverStack);
        net.configure(ws, dir);
        assertEquals(0, ws.WSAStartup(makeVersion(2, 2), new WsaData()));
    }

    @AfterEach
    void stop() {
        Worlds.cleanupAll(ws);
        net.close();
    }

    private static byte[] answer(DnsMessage q) {
        String name = q.question().name();
        int flags = DnsMessage.FLAG_QR | DnsMessage.FLAG_AA | DnsMessage.FLAG_RD | DnsMessage.FLAG_RA;
        if (q.question().type() != DnsMessage.TYPE_PTR) {
            return new DnsMessage(q.id(), flags | DnsMessage.RCODE_NXDOMAIN, q.question(), List.of(), List.of())
                    .encode();
        }
        String v6 = org.sockstack.spi.namespace.dns.ReverseName.of(Worlds.ip("2001:db8::7").getAddress());
        List<ResourceRecord> answers = List.of();
        int rcode = 0;
        if (name.equals(WWW_PTR)) {
            answers = List.of(ResourceRecord.ptr(name, 300, "www.dns.example"));
        } else if (name.equals(v6)) {
            answers = List.of(ResourceRecord.ptr(name, 300, "v6.dns.example"));
        } else if (name.equals("9.2.0.192.in-addr.arpa")) {
            rcode = DnsMessage.RCODE_SERVFAIL;
        } else if (name.equals("10.2.0.192.in-addr.arpa")) {
            return null;
        } else {
            rcode = DnsMessage.RCODE_NXDOMAIN;
        }
        // NXDOMAIN with the zone's SOA: cacheable for 60 s (RFC 2308 section 5).
        List<ResourceRecord> authority = rcode == DnsMessage.RCODE_NXDOMAIN
                ? List.of(ResourceRecord.soa("2.0.192.in-addr.arpa", 60, 60)) : List.of();
        return new DnsMessage(q.id(), flags | rcode, q.question(), answers, authority).encode();
    }

    /** getnameinfo's rc, host and service texts. */
    record NameInfo(int rc, String host, String service) { }

    NameInfo nameInfo(String address, int port, int flags) {
        Ref<String> host = new Ref<>();
        Ref<String> serv = new Ref<>();
        int rc = ws.getnameinfo(SockAddr.inet(Worlds.ip(address), port), host, Netdb.NI_MAXHOST, serv,
                Netdb.NI_MAXSERV, flags);
        return new NameInfo(rc, host.value, serv.value);
    }

    @Test
    void getnameinfoAsksDnsForPtrWhenTheHostsFileHasNoName() {
        assertEquals(new NameInfo(0, "www.dns.example", "http"), nameInfo("192.0.2.7", 80, 0));
        assertEquals(List.of(WWW_PTR + "/12"), questions);
        assertEquals(new NameInfo(0, "www", "80"), nameInfo("192.0.2.7", 80, NI_NOFQDN | Netdb.NI_NUMERICSERV));
        assertEquals(1, questions.size(), "the second answer came from the cache");

        assertEquals("v6.dns.example", nameInfo("2001:db8::7", 443, NI_NAMEREQD).host());
        assertTrue(questions.get(1).endsWith(".8.b.d.0.1.0.0.2.ip6.arpa/12"), questions.toString());
    }

    @Test
    void theHostsFileAnswersFirstAndNumericHostAsksNobody() {
        assertEquals("local.dns.example", nameInfo("192.0.2.50", 80, NI_NAMEREQD).host());
        assertEquals("192.0.2.7", nameInfo("192.0.2.7", 80, NI_NUMERICHOST).host());
        assertTrue(questions.isEmpty(), questions.toString());
    }

    @Test
    void noNameGivesTheNumericTextOrEaiNonameWithNameReqd() {
        assertEquals(new NameInfo(0, "192.0.2.8", "http"), nameInfo("192.0.2.8", 80, 0));
        assertEquals(EAI_NONAME, nameInfo("192.0.2.8", 80, NI_NAMEREQD).rc(), "NXDOMAIN: EAI_NONAME");
        assertEquals(WSAHOST_NOT_FOUND, ws.WSAGetLastError());
        assertEquals(1, questions.size(), "the NXDOMAIN was cached with the SOA's TTL");
        assertEquals(EAI_FAIL, nameInfo("192.0.2.9", 80, NI_NAMEREQD).rc(), "SERVFAIL: EAI_FAIL");
        assertEquals(EAI_AGAIN, nameInfo("192.0.2.10", 80, NI_NAMEREQD).rc(), "no answer: EAI_AGAIN");
        assertEquals("192.0.2.10", nameInfo("192.0.2.10", 80, 0).host(), "without NI_NAMEREQD: the number");
    }

    @Test
    void gethostbyaddrOverDns() {
        byte[] www = Worlds.ip("192.0.2.7").getAddress();
        HostEnt h = ws.gethostbyaddr(www, 4, AF_INET);
        assertEquals("www.dns.example", h.name());
        assertArrayEquals(www, h.addrList().get(0));
        HostEnt v6 = ws.gethostbyaddr(Worlds.ip("2001:db8::7").getAddress(), 16, AF_INET6);
        assertEquals("v6.dns.example", v6.name());
        assertNull(ws.gethostbyaddr(Worlds.ip("192.0.2.8").getAddress(), 4, AF_INET));
        assertEquals(WSAHOST_NOT_FOUND, ws.WSAGetLastError());
    }

    @Test
    void lookupServiceWithAReverseName() {
        Ref<Long> h = new Ref<>();
        assertEquals(0, ws.WSALookupServiceBegin(QuerySet.byName(WWW_PTR, Ns.SVCID_INET_HOSTADDRBYNAME),
                Ns.LUP_RETURN_ALL, h));
        Ref<QuerySet> r = new Ref<>();
        assertEquals(0, ws.WSALookupServiceNext(h.value, Ns.LUP_RETURN_ALL, r));
        assertEquals("www.dns.example", r.value.serviceInstanceName());
        assertEquals(DnsNamespaceProvider.PROVIDER_ID, r.value.nsProviderId());
        assertEquals(Worlds.ip("192.0.2.7"), r.value.csaddrs().get(0).remoteAddr().toInet().getAddress());
        assertEquals(0, ws.WSALookupServiceEnd(h.value));
    }
}
