package org.sockstack.spi.namespace;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Ref;
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

/**
 * The hosts-file provider's reverse names (RFC 1035 section 3.5, RFC 3596 section 2.5) and
 * {@link Namespaces} reporting a provider's hard failure instead of WSA_E_NO_MORE.
 */
class ReverseAndFailureTest {
    @Test
    void reverseNamesParse() throws Exception {
        assertEquals(InetAddress.getByName("192.0.2.10"), HostsFileProvider.reverseName("10.2.0.192.in-addr.arpa"));
        assertEquals(InetAddress.getByName("192.0.2.10"), HostsFileProvider.reverseName("10.2.0.192.IN-ADDR.ARPA."));
        String v6 = "0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa";
        assertEquals(InetAddress.getByName("2001:db8::10"), HostsFileProvider.reverseName(v6));
        assertNull(HostsFileProvider.reverseName("www.example"));
        assertNull(HostsFileProvider.reverseName("2.0.192.in-addr.arpa"), "three labels");
        assertNull(HostsFileProvider.reverseName("256.2.0.192.in-addr.arpa"));
        assertNull(HostsFileProvider.reverseName("a.2.0.192.in-addr.arpa"));
        assertNull(HostsFileProvider.reverseName(".2.0.192.in-addr.arpa"));
        assertNull(HostsFileProvider.reverseName(v6.replace("0.1.0.0.", "0.1.0.")), "31 nibbles");
        assertNull(HostsFileProvider.reverseName(v6.replace("0.1.0.0.", "0.g.0.0.")));
    }

    @Test
    void hostsFileAnswersReverseNamesWithTheFirstHostOfTheAddress(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("hosts");
        Files.writeString(f, "192.0.2.10 alpha.example alpha\n192.0.2.10 other.example\n2001:db8::10 six.example\n");
        HostsFileProvider p = new HostsFileProvider(f);
        IntRef e = new IntRef();
        p.startup(e);
        assertEquals("alpha.example", first(p, "10.2.0.192.in-addr.arpa").serviceInstanceName());
        assertEquals(List.of("alpha"), first(p, "10.2.0.192.in-addr.arpa").aliases());
        assertEquals("six.example",
                first(p, "0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa")
                        .serviceInstanceName());
        assertNull(first(p, "11.2.0.192.in-addr.arpa"));
        p.cleanup(e);
    }

    private static QuerySet first(NamespaceProvider p, String name) {
        IntRef e = new IntRef();
        Ref<Long> h = new Ref<>();
        assertEquals(0, p.lookupServiceBegin(QuerySet.byName(name, Ns.SVCID_HOSTNAME), 0, h, e));
        Ref<QuerySet> r = new Ref<>();
        int rc = p.lookupServiceNext(h.value, Ns.LUP_RETURN_ALL, r, e);
        p.lookupServiceEnd(h.value, e);
        return rc == 0 ? r.value : null;
    }

    /** A provider whose every lookup ends with one error. */
    private record Failing(int error) implements NamespaceProvider {
        public int startup(IntRef errno) {
            return 0;
        }

        public int cleanup(IntRef errno) {
            return 0;
        }

        public int lookupServiceBegin(QuerySet q, int flags, Ref<Long> lookup, IntRef errno) {
            lookup.value = 1L;
            return 0;
        }

        public int lookupServiceNext(long lookup, int flags, Ref<QuerySet> result, IntRef errno) {
            errno.value = error;
            return Wsa.SOCKET_ERROR;
        }

        public int lookupServiceEnd(long lookup, IntRef errno) {
            return 0;
        }

        public int setService(QuerySet service, int operation, int flags, IntRef errno) {
            return 0;
        }
    }

    @Test
    void aHardFailureIsReportedNotLostBehindLaterProviders(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("hosts");
        Files.writeString(f, "192.0.2.1 known.example\n");
        UUID dns = UUID.fromString("00000000-0000-0000-0000-00000000d001");
        UUID notFound = UUID.fromString("00000000-0000-0000-0000-00000000d002");
        NamespaceCatalog cat = new NamespaceCatalog();
        cat.install("hosts", Ns.NS_DNS, 1, HostsFileProvider.PROVIDER_ID);
        cat.install("timing out", Ns.NS_DNS, 1, dns);
        cat.install("not found", Ns.NS_DNS, 1, notFound);
        Namespaces ns = new Namespaces(cat, Map.of(HostsFileProvider.PROVIDER_ID, new HostsFileProvider(f),
                dns, new Failing(WsaError.WSATRY_AGAIN), notFound, new Failing(WsaError.WSASERVICE_NOT_FOUND)));
        assertEquals(WsaError.WSATRY_AGAIN, endOf(ns, "unknown.example", 0));
        // Once a result came, the end is WSA_E_NO_MORE whatever the later providers say.
        assertEquals(WsaError.WSA_E_NO_MORE, endOf(ns, "known.example", 1));
        assertEquals(0, cat.enable(dns, false));
        assertEquals(WsaError.WSA_E_NO_MORE, endOf(ns, "unknown.example", 0), "not-found is no hard failure");
        ns.cleanup();
    }

    /** The error that ends a lookup, after {@code results} results. */
    private static int endOf(Namespaces ns, String name, int results) {
        IntRef e = new IntRef();
        Ref<Long> h = new Ref<>();
        assertEquals(0, ns.lookupServiceBegin(QuerySet.byName(name, Ns.SVCID_HOSTNAME), 0, h, e));
        Ref<QuerySet> r = new Ref<>();
        int n = 0;
        while (ns.lookupServiceNext(h.value, Ns.LUP_RETURN_ALL, r, e) == 0) {
            n++;
        }
        assertEquals(results, n);
        ns.lookupServiceEnd(h.value, new IntRef());
        return e.value;
    }
}
