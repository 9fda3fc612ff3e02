package org.sockstack.spi.namespace.dns;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sockstack.spi.catalog.CatalogFile;
import org.sockstack.spi.namespace.CsAddrInfo;
import org.sockstack.spi.namespace.HostsFileProvider;
import org.sockstack.spi.namespace.NamespaceCatalog;
import org.sockstack.spi.namespace.Namespaces;
import org.sockstack.spi.namespace.Ns;
import org.sockstack.spi.namespace.QuerySet;
import org.sockstack.spi.namespace.dns.DnsMessage.ResourceRecord;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.testing.Hex;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The provider through ws2_32's {@link Namespaces}, behind the hosts-file provider as in the
 * default catalog; the application thread blocks while the test drives the stacks.
 */
class DnsNamespaceProviderTest {
    final FakeDnsServer net = new FakeDnsServer();
    final DnsResolver resolver = new DnsResolver(net.client,
            DnsResolver.Config.defaults(FakeDnsServer.SERVER).withTimeout(1_000_000_000L, 2));
    final DnsNamespaceProvider dns = new DnsNamespaceProvider(resolver);

    @AfterEach
    void close() {
        net.close();
    }

    Namespaces namespaces(Path dir) throws Exception {
        Path hosts = dir.resolve("hosts");
        Files.writeString(hosts, "192.0.2.50 local.example\n");
        NamespaceCatalog cat = CatalogFile.defaultNamespaces();
        return new Namespaces(cat, Map.of(HostsFileProvider.PROVIDER_ID, new HostsFileProvider(hosts),
                DnsNamespaceProvider.PROVIDER_ID, dns));
    }

    record Outcome(int rc, int errno, QuerySet result) { }

    /** WSALookupServiceBegin + one Next on another thread, the stacks driven here. */
    Outcome lookup(Namespaces ns, String name, List<QuerySet.AfProtocols> afp) {
        return onCaller(() -> {
            Ref<Long> h = new Ref<>();
            IntRef err = new IntRef();
            QuerySet q = QuerySet.byName(name, Ns.SVCID_INET_HOSTADDRBYNAME).withAfpProtocols(afp);
            if (ns.lookupServiceBegin(q, Ns.LUP_RETURN_ALL, h, err) != 0) {
                return new Outcome(Wsa.SOCKET_ERROR, err.value, null);
            }
            Ref<QuerySet> r = new Ref<>();
            int rc = ns.lookupServiceNext(h.value, Ns.LUP_RETURN_ALL, r, err);
            ns.lookupServiceEnd(h.value, new IntRef());
            return new Outcome(rc, err.value, r.value);
        });
    }

    /** Runs {@code call} on an application thread of its own while this thread drives the network. */
    Outcome onCaller(java.util.function.Supplier<Outcome> call) {
        CompletableFuture<Outcome> f = new CompletableFuture<>();
        Thread caller = new Thread(() -> {
            try {
                f.complete(call.get());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        }, "dns-caller");
        caller.start();
        net.driveUntil(f::isDone, caller);
        return f.join();
    }

    static List<String> addresses(QuerySet r) {
        List<String> out = new ArrayList<>();
        for (CsAddrInfo c : r.csaddrs()) {
            out.add(c.remoteAddr().toInet().getAddress().getHostAddress());
        }
        return out;
    }

    @Test
    void defaultCatalogPutsDnsBehindTheHostsFile() {
        List<NamespaceCatalog.Entry> e = CatalogFile.defaultNamespaces().enumerate();
        assertEquals(HostsFileProvider.PROVIDER_ID, e.get(0).providerId());
        assertEquals(DnsNamespaceProvider.PROVIDER_ID, e.get(1).providerId());
        assertEquals(Ns.NS_DNS, e.get(1).nameSpace());
    }

    @Test
    void hostsFileNamesCostNoQueryOtherNamesGoToDns(@TempDir Path dir) throws Exception {
        net.udpAnswers = q -> List.of(DnsResolverTest.reply(q, q.question().type() == DnsMessage.TYPE_A
                ? ResourceRecord.a("www.lab.example", 300, DnsResolverTest.WWW)
                : ResourceRecord.a("www.lab.example", 300, Hex.bytes("20010db8000000000000000000000007"))));
        Namespaces ns = namespaces(dir);
        Outcome local = lookup(ns, "local.example", List.of());
        assertEquals(0, local.rc());
        assertEquals(List.of("192.0.2.50"), addresses(local.result()));
        assertEquals(0, net.udpQueries.size());

        Outcome www = lookup(ns, "www.lab.example", List.of());
        assertEquals(0, www.rc(), "errno " + www.errno());
        assertEquals("www.lab.example", www.result().serviceInstanceName());
        assertEquals(DnsNamespaceProvider.PROVIDER_ID, www.result().nsProviderId());
        assertEquals(List.of("192.0.2.7", "2001:db8:0:0:0:0:0:7"), addresses(www.result()));
        // Count questions, not datagrams: a retransmission (same id) under a slow machine is allowed.
        assertEquals(2, distinctQueries());

        Outcome v4only = lookup(ns, "www.lab.example", List.of(new QuerySet.AfProtocols(Wsa.AF_INET, 0)));
        assertEquals(List.of("192.0.2.7"), addresses(v4only.result()));
        assertEquals(2, distinctQueries(), "from the cache");
        ns.cleanup();
    }

    @Test
    void aliasesComeBackAndNxdomainIsNotFound(@TempDir Path dir) throws Exception {
        net.udpAnswers = q -> List.of(q.question().name().equals("missing.lab.example")
                ? DnsResolverTest.reply(q, DnsMessage.RCODE_NXDOMAIN, List.of(), List.of())
                : DnsResolverTest.reply(q, ResourceRecord.cname("alias.lab.example", 300, "www.lab.example"),
                        ResourceRecord.a("www.lab.example", 300, DnsResolverTest.WWW)));
        Namespaces ns = namespaces(dir);
        Outcome alias = lookup(ns, "alias.lab.example", List.of(new QuerySet.AfProtocols(Wsa.AF_INET, 0)));
        assertEquals(0, alias.rc());
        assertEquals("www.lab.example", alias.result().serviceInstanceName());
        assertEquals(List.of("alias.lab.example"), alias.result().aliases());

        Outcome nx = lookup(ns, "missing.lab.example", List.of());
        assertEquals(Wsa.SOCKET_ERROR, nx.rc());
        assertTrue(nx.errno() == WsaError.WSA_E_NO_MORE || nx.errno() == WsaError.WSASERVICE_NOT_FOUND,
                "errno " + nx.errno());
        ns.cleanup();
    }

    @Test
    void silentServerIsTryAgain() {
        IntRef err = new IntRef();
        assertEquals(0, dns.startup(err));
        Outcome o = onCaller(() -> {
            Ref<Long> h = new Ref<>();
            IntRef e = new IntRef();
            dns.lookupServiceBegin(QuerySet.byName("www.lab.example", Ns.SVCID_INET_HOSTADDRBYNAME), 0, h, e);
            Ref<QuerySet> r = new Ref<>();
            int rc = dns.lookupServiceNext(h.value, Ns.LUP_RETURN_ALL, r, e);
            return new Outcome(rc, e.value, r.value);
        });
        assertEquals(WsaError.WSATRY_AGAIN, o.errno());
        assertEquals(4, net.udpQueries.size()); // two attempts each for A and AAAA
        assertEquals(0, dns.cleanup(err));
        assertEquals(Wsa.SOCKET_ERROR, dns.cleanup(err));
        assertEquals(WsaError.WSANOTINITIALISED, err.value);
    }

    @Test
    void wrongClassAndUnstartedProviderAreRefused() {
        IntRef err = new IntRef();
        Ref<Long> h = new Ref<>();
        QuerySet q = QuerySet.byName("www.lab.example", Ns.SVCID_INET_HOSTADDRBYNAME);
        assertEquals(Wsa.SOCKET_ERROR, dns.lookupServiceBegin(q, 0, h, err));
        assertEquals(WsaError.WSANOTINITIALISED, err.value);
        dns.startup(err);
        assertEquals(Wsa.SOCKET_ERROR, dns.lookupServiceBegin(
                QuerySet.byName("x", Ns.SVCID_INET_SERVICEBYNAME), 0, h, err));
        assertEquals(WsaError.WSATYPE_NOT_FOUND, err.value);
        assertEquals(Wsa.SOCKET_ERROR, dns.setService(q, Ns.RNRSERVICE_REGISTER, 0, err));
        assertEquals(WsaError.WSAEOPNOTSUPP, err.value);
        dns.cleanup(err);
    }

    @Test
    void serverAddressesParse() {
        assertEquals(Endpoint.of("192.0.2.1", 53), DnsNamespaceProvider.parseServer("192.0.2.1"));
        assertEquals(Endpoint.of("192.0.2.1", 5353), DnsNamespaceProvider.parseServer("192.0.2.1:5353"));
        assertEquals(Endpoint.of("2001:db8::1", 53), DnsNamespaceProvider.parseServer("2001:db8::1"));
        assertEquals(Endpoint.of("2001:db8::1", 5353), DnsNamespaceProvider.parseServer("[2001:db8::1]:5353"));
        assertNull(DnsNamespaceProvider.parseServer("dns.example"));
        assertNull(DnsNamespaceProvider.parseServer("192.0.2.1:x"));
        assertNull(DnsNamespaceProvider.parseServer("192.0.2.1:70000"));
    }

    @Test
    void systemPropertyNamesTheServer() {
        String old = System.getProperty(DnsNamespaceProvider.SERVER_PROPERTY);
        try {
            System.clearProperty(DnsNamespaceProvider.SERVER_PROPERTY);
            assertNull(DnsNamespaceProvider.fromSystemProperty(net.client));
            System.setProperty(DnsNamespaceProvider.SERVER_PROPERTY, "198.51.100.53:5300");
            DnsNamespaceProvider p = DnsNamespaceProvider.fromSystemProperty(net.client);
            assertNotNull(p);
            assertEquals(Endpoint.of("198.51.100.53", 5300), p.resolver().config().server());
        } finally {
            if (old == null) {
                System.clearProperty(DnsNamespaceProvider.SERVER_PROPERTY);
            } else {
                System.setProperty(DnsNamespaceProvider.SERVER_PROPERTY, old);
            }
        }
    }

    private long distinctQueries() {
        return net.udpQueries.stream().map(q -> q.id()).distinct().count();
    }
}
