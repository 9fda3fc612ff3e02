package org.sockstack.testbed.lab;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sockstack.spi.catalog.CatalogFile;
import org.sockstack.spi.namespace.CsAddrInfo;
import org.sockstack.spi.namespace.HostsFileProvider;
import org.sockstack.spi.namespace.Namespaces;
import org.sockstack.spi.namespace.Ns;
import org.sockstack.spi.namespace.QuerySet;
import org.sockstack.spi.namespace.dns.DnsMessage;
import org.sockstack.spi.namespace.dns.DnsNamespaceProvider;
import org.sockstack.spi.namespace.dns.DnsResolver;
import org.sockstack.spi.namespace.dns.DnsResult;
import org.sockstack.stack.StackConfig;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.testbed.host.StackHost;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The DNS resolver on the user-space stack against Debian's dnsmasq in the lab namespace, bound
 * to the kernel-side address only. dnsmasq logs every query it gets, so "the second lookup came
 * from the cache" is checked on the server's side as well as by the resolver's counters.
 */
@LabClass
class DnsLabTest {
    static final Ipv4Address KERNEL = Ipv4Address.parse("192.0.2.1");
    static final Ipv4Address STACK = Ipv4Address.parse("192.0.2.2");
    static Lab lab;
    static StackHost host;
    static Path log;
    static Path hosts;
    static DnsResolver resolver;

    @BeforeAll
    static void setUp() throws Exception {
        assumeTrue(Lab.findExecutable("dnsmasq") != null, "dnsmasq is not installed (apt-get install dnsmasq)");
        String ifname = Lab.uniqueInterfaceName("ssdns");
        host = StackHost.onTap(ifname, StackHost.macFor(ifname), 1500, StackConfig.defaults("dnslab").withSeed(53), null);
        lab = Lab.create();
        lab.adoptInterface(ifname, KERNEL + "/24");
        host.run(() -> host.stack().addIpv4Address(host.iface(), STACK, 24));
        host.start();
        log = Files.createTempFile("sockstack-dnsmasq", ".log");
        hosts = Files.createTempFile("sockstack-dns-hosts", "");
        List<String> records = new ArrayList<>(List.of("--local=/lab.example/",
                "--address=/www.lab.example/192.0.2.7", "--address=/v6.lab.example/2001:db8::7",
                "--cname=alias.lab.example,www.lab.example"));
        // 40 addresses: 681 octets, over the 512 of UDP without EDNS, so dnsmasq sets TC.
        for (int i = 10; i < 50; i++) {
            records.add("--address=/big.lab.example/192.0.2." + i);
        }
        Dnsmasq.start(lab, KERNEL, log, records);
        resolver = new DnsResolver(host.stack(),
                DnsResolver.Config.defaults(new Endpoint(KERNEL, 53)).withTimeout(TimeUnit.SECONDS.toNanos(1), 3));
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (host != null) {
            host.close();
        }
        if (lab != null) {
            lab.close();
        }
        if (log != null) {
            Files.deleteIfExists(log);
        }
        if (hosts != null) {
            Files.deleteIfExists(hosts);
        }
    }

    /** How many queries of {@code type} for {@code name} dnsmasq has logged. */
    static int served(String type, String name) throws Exception {
        Matcher m = Pattern.compile("query\\[" + type + "\\] " + Pattern.quote(name) + " from " + STACK)
                .matcher(Files.readString(log));
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    static DnsResult lookup(String name, int type) throws Exception {
        return resolver.lookup(name, type).get(30, TimeUnit.SECONDS);
    }

    @Test
    void aRecordThenTheSameNameFromTheCache() throws Exception {
        long sent = resolver.queriesSent();
        int before = served("A", "www.lab.example"); // the CNAME test may have asked already
        resolver.flushCacheAndWait();
        DnsResult r = lookup("www.lab.example", DnsMessage.TYPE_A);
        assertEquals(DnsResult.Status.OK, r.status());
        assertArrayEquals(InetAddress.getByName("192.0.2.7").getAddress(), r.addresses().get(0));
        long hits = resolver.cacheHits();
        DnsResult again = lookup("WWW.lab.example", DnsMessage.TYPE_A);
        assertEquals(DnsResult.Status.OK, again.status());
        assertEquals(hits + 1, resolver.cacheHits());
        assertEquals(sent + 1, resolver.queriesSent());
        assertEquals(before + 1, served("A", "www.lab.example") + served("A", "WWW.lab.example"),
                "dnsmasq saw one query");
    }

    @Test
    void aaaaRecord() throws Exception {
        DnsResult r = lookup("v6.lab.example", DnsMessage.TYPE_AAAA);
        assertEquals(DnsResult.Status.OK, r.status());
        assertArrayEquals(InetAddress.getByName("2001:db8::7").getAddress(), r.addresses().get(0));
        lookup("v6.lab.example", DnsMessage.TYPE_AAAA);
        assertEquals(1, served("AAAA", "v6.lab.example"));
    }

    @Test
    void cnameIsFollowedToTheAddress() throws Exception {
        DnsResult r = lookup("alias.lab.example", DnsMessage.TYPE_A);
        assertEquals(DnsResult.Status.OK, r.status(), r.toString());
        assertEquals("www.lab.example", r.canonical());
        assertEquals(List.of("alias.lab.example"), r.aliases());
        assertArrayEquals(InetAddress.getByName("192.0.2.7").getAddress(), r.addresses().get(0));
        lookup("alias.lab.example", DnsMessage.TYPE_A);
        assertEquals(1, served("A", "alias.lab.example"));
    }

    @Test
    void nxdomain() throws Exception {
        DnsResult r = lookup("missing.lab.example", DnsMessage.TYPE_A);
        assertEquals(DnsResult.Status.NXDOMAIN, r.status());
        // dnsmasq sends no SOA with it, so RFC 2308 section 5 says not to cache it: asked again.
        assertEquals(DnsResult.Status.NXDOMAIN, lookup("missing.lab.example", DnsMessage.TYPE_A).status());
        assertEquals(2, served("A", "missing.lab.example"));
    }

    @Test
    void truncatedAnswerIsFetchedOverTcp() throws Exception {
        long tcp = resolver.tcpQueries();
        DnsResult r = lookup("big.lab.example", DnsMessage.TYPE_A);
        assertEquals(DnsResult.Status.OK, r.status());
        assertEquals(40, r.addresses().size());
        assertEquals(tcp + 1, resolver.tcpQueries());
        assertEquals(2, served("A", "big.lab.example"), "once over UDP, once over TCP");
    }

    @Test
    void throughWs2NamespacesBehindTheHostsFile() throws Exception {
        Files.writeString(hosts, "192.0.2.99 pinned.lab.example\n");
        Namespaces ns = new Namespaces(CatalogFile.defaultNamespaces(), Map.of(
                HostsFileProvider.PROVIDER_ID, new HostsFileProvider(hosts),
                DnsNamespaceProvider.PROVIDER_ID, new DnsNamespaceProvider(resolver)));
        try {
            assertEquals(List.of(InetAddress.getByName("192.0.2.99")), addresses(ns, "pinned.lab.example"));
            assertEquals(0, served("A", "pinned.lab.example"));
            assertEquals(List.of(InetAddress.getByName("2001:db8::7")), addresses(ns, "v6.lab.example"));
        } finally {
            ns.cleanup();
        }
    }

    static List<InetAddress> addresses(Namespaces ns, String name) {
        org.sockstack.spi.wsa.Ref<Long> h = new org.sockstack.spi.wsa.Ref<>();
        org.sockstack.spi.wsa.IntRef err = new org.sockstack.spi.wsa.IntRef();
        assertEquals(0, ns.lookupServiceBegin(QuerySet.byName(name, Ns.SVCID_INET_HOSTADDRBYNAME), 0, h, err));
        org.sockstack.spi.wsa.Ref<QuerySet> r = new org.sockstack.spi.wsa.Ref<>();
        assertEquals(0, ns.lookupServiceNext(h.value, Ns.LUP_RETURN_ALL, r, err), "errno " + err.value);
        ns.lookupServiceEnd(h.value, err);
        List<InetAddress> out = new ArrayList<>();
        for (CsAddrInfo c : r.value.csaddrs()) {
            out.add(c.remoteAddr().toInet().getAddress());
        }
        return out;
    }
}
