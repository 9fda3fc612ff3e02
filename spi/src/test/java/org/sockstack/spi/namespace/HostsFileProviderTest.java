package org.sockstack.spi.namespace;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class HostsFileProviderTest {
    static final String HOSTS = """
            # test hosts file
            192.0.2.10   alpha.example alpha   # the first
            2001:db8::10 alpha.example
            198.51.100.7 Beta.Example
            not-an-address gamma.example
            203.0.113.5
            """;

    static HostsFileProvider started(Path dir) throws Exception {
        Path f = dir.resolve("hosts");
        Files.writeString(f, HOSTS);
        HostsFileProvider p = new HostsFileProvider(f);
        assertEquals(0, p.startup(new IntRef()));
        return p;
    }

    static List<String> addresses(QuerySet r) {
        return r.csaddrs().stream().map(c -> c.remoteAddr().toInet().getAddress().getHostAddress()).toList();
    }

    @Test
    void looksUpANameWithItsAliasesAndEveryFamily(@TempDir Path dir) throws Exception {
        HostsFileProvider p = started(dir);
        IntRef e = new IntRef();
        Ref<Long> h = new Ref<>();
        assertEquals(0, p.lookupServiceBegin(QuerySet.byName("ALPHA", Ns.SVCID_INET_HOSTADDRBYNAME), 0, h, e));
        Ref<QuerySet> r = new Ref<>();
        assertEquals(0, p.lookupServiceNext(h.value, Ns.LUP_RETURN_ALL, r, e));
        assertEquals("alpha", r.value.serviceInstanceName());
        assertEquals(List.of("alpha.example"), r.value.aliases());
        assertEquals(List.of("192.0.2.10"), addresses(r.value));
        assertEquals(Wsa.SOCKET_ERROR, p.lookupServiceNext(h.value, Ns.LUP_RETURN_ALL, r, e));
        assertEquals(WsaError.WSA_E_NO_MORE, e.value);
        assertEquals(0, p.lookupServiceEnd(h.value, e));

        p.lookupServiceBegin(QuerySet.byName("alpha.example", Ns.SVCID_INET_HOSTADDRBYNAME), 0, h, e);
        p.lookupServiceNext(h.value, Ns.LUP_RETURN_ADDR, r, e);
        assertEquals(List.of("192.0.2.10", "2001:db8:0:0:0:0:0:10"), addresses(r.value));
        // Only what LUP_RETURN_* asked for.
        assertNull(r.value.serviceInstanceName());
        assertEquals(List.of(), r.value.aliases());
    }

    @Test
    void familiesRestrictTheAddresses(@TempDir Path dir) throws Exception {
        HostsFileProvider p = started(dir);
        IntRef e = new IntRef();
        Ref<Long> h = new Ref<>();
        QuerySet q = QuerySet.byName("alpha.example", Ns.SVCID_INET_HOSTADDRBYNAME)
                .withAfpProtocols(List.of(new QuerySet.AfProtocols(Wsa.AF_INET6, Wsa.IPPROTO_UDP)));
        p.lookupServiceBegin(q, 0, h, e);
        Ref<QuerySet> r = new Ref<>();
        assertEquals(0, p.lookupServiceNext(h.value, Ns.LUP_RETURN_ADDR, r, e));
        assertEquals(List.of("2001:db8:0:0:0:0:0:10"), addresses(r.value));
    }

    @Test
    void unknownNamesMalformedLinesAndBadHandles(@TempDir Path dir) throws Exception {
        HostsFileProvider p = started(dir);
        IntRef e = new IntRef();
        Ref<Long> h = new Ref<>();
        Ref<QuerySet> r = new Ref<>();
        for (String name : List.of("gamma.example", "nowhere.example")) {
            assertEquals(0, p.lookupServiceBegin(QuerySet.byName(name, Ns.SVCID_HOSTNAME), 0, h, e));
            assertEquals(Wsa.SOCKET_ERROR, p.lookupServiceNext(h.value, Ns.LUP_RETURN_ALL, r, e));
            assertEquals(WsaError.WSASERVICE_NOT_FOUND, e.value);
            assertEquals(Wsa.SOCKET_ERROR, p.lookupServiceNext(h.value, Ns.LUP_RETURN_ALL, r, e));
            assertEquals(WsaError.WSA_E_NO_MORE, e.value);
            p.lookupServiceEnd(h.value, e);
        }
        assertEquals(Wsa.SOCKET_ERROR, p.lookupServiceNext(h.value, 0, r, e));
        assertEquals(WsaError.WSA_INVALID_HANDLE, e.value);
        assertEquals(Wsa.SOCKET_ERROR, p.lookupServiceEnd(h.value, e));
        assertEquals(Wsa.SOCKET_ERROR, p.lookupServiceBegin(QuerySet.byName("alpha", Ns.SVCID_INET_SERVICEBYNAME), 0,
                h, e));
        assertEquals(WsaError.WSATYPE_NOT_FOUND, e.value);
    }

    @Test
    void startupAndCleanupAreCounted(@TempDir Path dir) throws Exception {
        HostsFileProvider p = started(dir);
        IntRef e = new IntRef();
        p.startup(e);
        assertEquals(0, p.cleanup(e));
        assertEquals(0, p.cleanup(e));
        assertEquals(Wsa.SOCKET_ERROR, p.cleanup(e));
        assertEquals(WsaError.WSANOTINITIALISED, e.value);
        assertEquals(Wsa.SOCKET_ERROR, p.lookupServiceBegin(QuerySet.byName("alpha", Ns.SVCID_HOSTNAME), 0,
                new Ref<>(), e));
        assertEquals(WsaError.WSANOTINITIALISED, e.value);
    }

    @Test
    void setServiceRegistersAndDeletesNames(@TempDir Path dir) throws Exception {
        HostsFileProvider p = started(dir);
        IntRef e = new IntRef();
        SockAddr addr = SockAddr.inet(InetAddress.getByName("192.0.2.99"), 0);
        QuerySet svc = new QuerySet("delta.example", Ns.SVCID_HOSTNAME, Ns.NS_DNS, null, null, null, null,
                List.of(new CsAddrInfo(null, addr, Wsa.SOCK_STREAM, Wsa.IPPROTO_TCP)), List.of(), null, null);
        assertEquals(0, p.setService(svc, Ns.RNRSERVICE_REGISTER, 0, e));
        Ref<Long> h = new Ref<>();
        Ref<QuerySet> r = new Ref<>();
        p.lookupServiceBegin(QuerySet.byName("delta.example", Ns.SVCID_HOSTNAME), 0, h, e);
        assertEquals(0, p.lookupServiceNext(h.value, Ns.LUP_RETURN_ADDR, r, e));
        assertEquals(List.of("192.0.2.99"), addresses(r.value));
        assertEquals(0, p.setService(svc, Ns.RNRSERVICE_DELETE, 0, e));
        assertEquals(Wsa.SOCKET_ERROR, p.setService(svc, Ns.RNRSERVICE_DELETE, 0, e));
        assertEquals(WsaError.WSASERVICE_NOT_FOUND, e.value);
    }

    @Test
    void theLocationIsConfigurableAndAMissingFileIsEmpty(@TempDir Path dir) {
        String old = System.getProperty(HostsFileProvider.LOCATION_PROPERTY);
        try {
            System.setProperty(HostsFileProvider.LOCATION_PROPERTY, dir.resolve("absent").toString());
            HostsFileProvider p = HostsFileProvider.atDefaultLocation();
            IntRef e = new IntRef();
            assertEquals(0, p.startup(e));
            Ref<Long> h = new Ref<>();
            p.lookupServiceBegin(QuerySet.byName("localhost", Ns.SVCID_HOSTNAME), 0, h, e);
            assertEquals(Wsa.SOCKET_ERROR, p.lookupServiceNext(h.value, 0, new Ref<>(), e));
            assertEquals(WsaError.WSASERVICE_NOT_FOUND, e.value);
        } finally {
            if (old == null) {
                System.clearProperty(HostsFileProvider.LOCATION_PROPERTY);
            } else {
                System.setProperty(HostsFileProvider.LOCATION_PROPERTY, old);
            }
        }
    }

    @Test
    void theNamespaceCatalogOrdersEnablesAndRoutesLookups(@TempDir Path dir) throws Exception {
        Path f1 = dir.resolve("h1");
        Path f2 = dir.resolve("h2");
        Files.writeString(f1, "192.0.2.1 one.example\n");
        Files.writeString(f2, "192.0.2.2 one.example\n192.0.2.3 two.example\n");
        UUID id1 = UUID.fromString("00000000-0000-0000-0000-00000000a001");
        UUID id2 = UUID.fromString("00000000-0000-0000-0000-00000000a002");
        NamespaceCatalog cat = new NamespaceCatalog();
        assertEquals(0, cat.install("hosts one", Ns.NS_DNS, 1, id1));
        assertEquals(0, cat.install("hosts two", Ns.NS_DNS, 1, id2));
        assertEquals(WsaError.WSAEINVAL, cat.install("again", Ns.NS_DNS, 1, id1));
        Namespaces ns = new Namespaces(cat, Map.of(id1, new HostsFileProvider(f1), id2, new HostsFileProvider(f2)));
        assertEquals(List.of("192.0.2.1", "192.0.2.2"), lookup(ns, "one.example"));
        assertEquals(0, cat.writeOrder(List.of(id2, id1)));
        assertEquals(List.of("192.0.2.2", "192.0.2.1"), lookup(ns, "one.example"));
        assertEquals(0, cat.enable(id2, false));
        assertEquals(List.of("192.0.2.1"), lookup(ns, "one.example"));
        assertEquals(List.of(), lookup(ns, "two.example"));
        assertEquals(WsaError.WSAEINVAL, cat.writeOrder(List.of(id1)));
        assertEquals(0, cat.uninstall(id1));
        IntRef e = new IntRef();
        assertEquals(Wsa.SOCKET_ERROR, ns.lookupServiceBegin(QuerySet.byName("one.example", Ns.SVCID_HOSTNAME), 0,
                new Ref<>(), e));
        assertEquals(WsaError.WSASERVICE_NOT_FOUND, e.value);
        ns.cleanup();
    }

    private static List<String> lookup(Namespaces ns, String name) {
        IntRef e = new IntRef();
        Ref<Long> h = new Ref<>();
        assertEquals(0, ns.lookupServiceBegin(QuerySet.byName(name, Ns.SVCID_INET_HOSTADDRBYNAME), 0, h, e));
        List<String> out = new java.util.ArrayList<>();
        Ref<QuerySet> r = new Ref<>();
        while (ns.lookupServiceNext(h.value, Ns.LUP_RETURN_ADDR, r, e) == 0) {
            out.addAll(addresses(r.value));
        }
        assertEquals(WsaError.WSA_E_NO_MORE, e.value);
        assertEquals(0, ns.lookupServiceEnd(h.value, e));
        return out;
    }
}
