package org.sockstack.api;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sockstack.spi.WsaData;
import org.sockstack.spi.catalog.CatalogFile;
import org.sockstack.spi.catalog.ProtocolInfo;
import org.sockstack.spi.namespace.HostsFileProvider;
import org.sockstack.spi.namespace.NamespaceCatalog;
import org.sockstack.spi.namespace.Ns;
import org.sockstack.spi.namespace.QuerySet;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.api.Netdb.*;
import static org.sockstack.spi.wsa.Wsa.*;
import static org.sockstack.spi.wsa.WsaError.*;

/**
 * The name-service calls in one world's process A (run over the host provider and the stack
 * provider by {@link HostNamesTest} and {@link StackNamesTest}). Names resolve through a hosts
 * file written for the test; the process's host name is set to {@value #HOST}.
 */
abstract class NamesBehaviour {
    static final String HOST = "testhost.lab.example";

    abstract Worlds.World newWorld();

    Worlds.World world;
    Winsock ws;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        world = newWorld();
        ws = world.a();
        Path hosts = dir.resolve("hosts");
        Files.writeString(hosts, """
                # test hosts file
                192.0.2.10   www.lab.example www
                2001:db8::10 www.lab.example
                2001:db8::11 six.lab.example
                192.0.2.20   testhost.lab.example
                192.0.2.30   two.lab.example
                192.0.2.31   two.lab.example
                """);
        NamespaceCatalog cat = new NamespaceCatalog();
        cat.install("test hosts", Ns.NS_DNS, 1, HostsFileProvider.PROVIDER_ID);
        ws.setNamespaces(cat, Map.of(HostsFileProvider.PROVIDER_ID, new HostsFileProvider(hosts)));
        ws.setHostName(HOST);
        assertEquals(0, ws.WSAStartup(makeVersion(2, 2), new WsaData()));
    }

    @AfterEach
    void stop() {
        world.close();
    }

    // ------------------------------------------------------------------ helpers

    /** getaddrinfo's outcome: the code and the results as "address|port" texts. */
    record Gai(int rc, List<AddrInfo> results) {
        List<String> addresses() {
            List<String> out = new ArrayList<>();
            for (AddrInfo a : results) {
                out.add(text(a.addr));
            }
            return out;
        }
    }

    static String text(SockAddr sa) {
        InetSocketAddress a = sa.toInet();
        String host = HostLookups.numericText(a.getAddress(), sa.family());
        return host + "|" + a.getPort();
    }

    Gai gai(String node, String service, AddrInfo hints) {
        Ref<AddrInfo> res = new Ref<>();
        int rc = ws.getaddrinfo(node, service, hints, res);
        if (rc != 0) {
            assertNull(res.value);
            assertEquals(rc, ws.WSAGetLastError(), "EAI code is the last error");
            return new Gai(rc, List.of());
        }
        List<AddrInfo> l = res.value.toList();
        ws.freeaddrinfo(res.value);
        return new Gai(rc, l);
    }

    // ------------------------------------------------------------------ getaddrinfo: hints

    /**
     * The hints table: (family, socktype, protocol) and the outcome, as Wine's ws2_32 tests
     * record real Windows: any protocol number is accepted with any socket type and comes back as
     * given; an unknown socket type is WSAESOCKTNOSUPPORT; an unknown family WSAEAFNOSUPPORT.
     */
    static final int[][] HINTS = {
        // family,   socktype,    protocol,      expected
        {AF_UNSPEC, SOCK_STREAM, IPPROTO_TCP, 0},
        {AF_UNSPEC, SOCK_STREAM, IPPROTO_UDP, 0},
        {AF_UNSPEC, SOCK_STREAM, IPPROTO_IPV6, 0},
        {AF_UNSPEC, SOCK_DGRAM, IPPROTO_TCP, 0},
        {AF_UNSPEC, SOCK_DGRAM, IPPROTO_UDP, 0},
        {AF_INET, SOCK_STREAM, IPPROTO_TCP, 0},
        {AF_INET, SOCK_DGRAM, IPPROTO_UDP, 0},
        {AF_INET, SOCK_DGRAM, IPPROTO_IPV6, 0},
        {AF_INET6, SOCK_STREAM, IPPROTO_TCP, 0},
        {AF_INET6, SOCK_DGRAM, IPPROTO_UDP, 0},
        {AF_UNSPEC, 0, IPPROTO_TCP, 0},
        {AF_UNSPEC, 0, IPPROTO_UDP, 0},
        {AF_UNSPEC, SOCK_STREAM, 0, 0},
        {AF_INET, 0, 0, 0},
        {AF_INET, SOCK_RAW, 0, 0},
        {AF_UNSPEC, SOCK_STREAM, 999, 0},
        {AF_INET, SOCK_DGRAM, 999, 0},
        {AF_UNSPEC, 999, IPPROTO_TCP, WSAESOCKTNOSUPPORT},
        {AF_INET, 999, IPPROTO_UDP, WSAESOCKTNOSUPPORT},
        {AF_INET6, -1, 0, WSAESOCKTNOSUPPORT},
        {999, SOCK_STREAM, IPPROTO_TCP, WSAEAFNOSUPPORT},
        {1 /* AF_UNIX */, 0, 0, WSAEAFNOSUPPORT},
        {-1, 0, 0, WSAEAFNOSUPPORT},
    };

    @Test
    void hintsTable() {
        List<Runnable> checks = new ArrayList<>();
        for (int[] row : HINTS) {
            Gai g = gai("localhost", "80", AddrInfo.hints(0, row[0], row[1], row[2]));
            String what = "hints family " + row[0] + " socktype " + row[1] + " protocol " + row[2];
            checks.add(() -> assertEquals(row[3], g.rc(), what));
            for (AddrInfo a : g.results()) {
                checks.add(() -> {
                    assertEquals(row[1], a.socktype, what);
                    assertEquals(row[2], a.protocol, what);
                    assertTrue(row[0] == AF_UNSPEC || row[0] == a.family, what);
                    assertEquals(a.family, a.addr.family(), what);
                    assertEquals(a.family == AF_INET ? 16 : 28, a.addrlen(), what);
                    assertEquals(0, a.flags, what);
                });
            }
            if (row[3] == 0) {
                checks.add(() -> assertEquals(row[0] == AF_UNSPEC ? 2 : 1, g.results().size(), what));
            }
        }
        assertAll(checks.stream().map(r -> (org.junit.jupiter.api.function.Executable) r::run));
    }

    @Test
    void badFlagsAndFilledHintsAreRefused() {
        assertEquals(WSAEINVAL, gai("localhost", "80", AddrInfo.hints(0x200, 0, 0, 0)).rc(), "undefined bit");
        assertEquals(WSAEINVAL, gai("localhost", "80", AddrInfo.hints(0x1000, 0, 0, 0)).rc(), "undefined bit");
        assertEquals(WSAEINVAL, gai("localhost", "80", AddrInfo.hints(AI_CANONNAME | AI_FQDN, 0, 0, 0)).rc());
        assertEquals(WSAEINVAL, gai(null, "80", AddrInfo.hints(AI_CANONNAME, 0, 0, 0)).rc(), "canonname, no node");
        AddrInfo h = AddrInfo.hints(0, AF_INET, 0, 0);
        h.canonname = "x";
        assertEquals(WSANO_RECOVERY, gai("localhost", "80", h).rc());
        h = AddrInfo.hints(0, AF_INET, 0, 0);
        h.next = new AddrInfo();
        assertEquals(WSANO_RECOVERY, gai("localhost", "80", h).rc());
        assertEquals(0, gai("localhost", "80", AddrInfo.hints(AI_ALL | AI_V4MAPPED | AI_ADDRCONFIG, 0, 0, 0)).rc());
    }

    @Test
    void eaiCodesAreWsaCodes() {
        assertAll(
                () -> assertEquals(WSATRY_AGAIN, EAI_AGAIN),
                () -> assertEquals(WSAEINVAL, EAI_BADFLAGS),
                () -> assertEquals(WSANO_RECOVERY, EAI_FAIL),
                () -> assertEquals(WSAEAFNOSUPPORT, EAI_FAMILY),
                () -> assertEquals(8, EAI_MEMORY),
                () -> assertEquals(11001, EAI_NONAME),
                () -> assertEquals(EAI_NONAME, EAI_NODATA),
                () -> assertEquals(WSATYPE_NOT_FOUND, EAI_SERVICE),
                () -> assertEquals(WSAESOCKTNOSUPPORT, EAI_SOCKTYPE),
                () -> assertEquals(0x01, AI_PASSIVE),
                () -> assertEquals(0x02, AI_CANONNAME),
                () -> assertEquals(0x04, AI_NUMERICHOST),
                () -> assertEquals(0x08, AI_NUMERICSERV),
                () -> assertEquals(0x100, AI_ALL),
                () -> assertEquals(0x400, AI_ADDRCONFIG),
                () -> assertEquals(0x800, AI_V4MAPPED),
                () -> assertEquals(0x20000, AI_FQDN),
                () -> assertEquals(0x02, NI_NUMERICHOST),
                () -> assertEquals(0x04, NI_NAMEREQD),
                () -> assertEquals("No such host is known.", Winsock.gai_strerror(EAI_NONAME)),
                () -> assertEquals("An invalid argument was supplied.", Winsock.gai_strerror(EAI_BADFLAGS)),
                () -> assertEquals("The specified class was not found.", Winsock.gai_strerror(EAI_SERVICE)),
                () -> assertTrue(Winsock.gai_strerror(EAI_AGAIN).startsWith("This is usually a temporary error")),
                () -> assertEquals("Unknown error 4242.", Winsock.gai_strerror(4242)));
    }

    // ------------------------------------------------------------------ getaddrinfo: nodes and services

    @Test
    void noNodeMeansLoopbackOrWithPassiveTheUnspecifiedAddress() {
        assertEquals(WSAHOST_NOT_FOUND, gai(null, null, null).rc());
        assertEquals(WSAHOST_NOT_FOUND, gai(null, "", null).rc());
        assertEquals(List.of("::1|80", "127.0.0.1|80"), gai(null, "80", null).addresses());
        assertEquals(List.of("::|0", "0.0.0.0|0"), gai(null, "0", AddrInfo.hints(AI_PASSIVE, 0, 0, 0)).addresses());
        assertEquals(List.of("0.0.0.0|8080"),
                gai(null, "8080", AddrInfo.hints(AI_PASSIVE, AF_INET, SOCK_STREAM, IPPROTO_TCP)).addresses());
        assertEquals(List.of("::|53"), gai(null, "53", AddrInfo.hints(AI_PASSIVE, AF_INET6, 0, 0)).addresses());
        assertEquals(List.of("::1|0", "127.0.0.1|0"), gai("localhost", null, null).addresses());
        assertEquals(List.of("::1|0", "127.0.0.1|0"), gai("LocalHost", "", null).addresses());
        assertEquals(List.of("127.0.0.1|7"), gai("localhost", "7", AddrInfo.hints(AI_PASSIVE, AF_INET, 0, 0))
                .addresses(), "a node wins over AI_PASSIVE");
    }

    @Test
    void numericHosts() {
        assertEquals(List.of("192.0.2.5|80"), gai("192.0.2.5", "80", null).addresses());
        assertEquals(List.of("2001:db8::5|80"), gai("2001:db8::5", "80", null).addresses());
        assertEquals(List.of("fe80::1%3|80"), gai("fe80::1%3", "80", null).addresses());
        assertEquals(WSAHOST_NOT_FOUND, gai("192.0.2.5", "80", AddrInfo.hints(0, AF_INET6, 0, 0)).rc());
        assertEquals(WSAHOST_NOT_FOUND, gai("2001:db8::5", "80", AddrInfo.hints(0, AF_INET, 0, 0)).rc());
        assertEquals(List.of("::ffff:192.0.2.5|80"),
                gai("192.0.2.5", "80", AddrInfo.hints(AI_V4MAPPED, AF_INET6, 0, 0)).addresses());
        assertEquals(WSAHOST_NOT_FOUND, gai("www.lab.example", "80", AddrInfo.hints(AI_NUMERICHOST, 0, 0, 0)).rc());
        assertEquals(WSAHOST_NOT_FOUND, gai("localhost", "80", AddrInfo.hints(AI_NUMERICHOST, 0, 0, 0)).rc());
        assertEquals(List.of("192.0.2.5|80"),
                gai("192.0.2.5", "80", AddrInfo.hints(AI_NUMERICHOST, 0, 0, 0)).addresses());
        Gai canon = gai("192.0.2.5", null, AddrInfo.hints(AI_CANONNAME, 0, 0, 0));
        assertEquals("192.0.2.5", canon.results().get(0).canonname, "a numeric node is its own canonical name");
        // Not the strict dotted form: a name, and no provider knows it.
        assertEquals(WSAHOST_NOT_FOUND, gai("192.0.2.256", "80", null).rc());
    }

    @Test
    void services() {
        assertEquals(List.of("127.0.0.1|80"), gai("localhost", "http", AddrInfo.hints(0, AF_INET, 0, 0)).addresses());
        assertEquals(List.of("127.0.0.1|53"),
                gai("localhost", "domain", AddrInfo.hints(0, AF_INET, SOCK_DGRAM, 0)).addresses());
        assertEquals(List.of("127.0.0.1|67"),
                gai("localhost", "bootps", AddrInfo.hints(0, AF_INET, 0, 0)).addresses(), "udp-only service");
        assertEquals(WSATYPE_NOT_FOUND, gai("localhost", "bootps", AddrInfo.hints(0, AF_INET, SOCK_STREAM, 0)).rc());
        assertEquals(WSATYPE_NOT_FOUND, gai("localhost", "no-such-service", null).rc());
        assertEquals(WSATYPE_NOT_FOUND, gai("localhost", "65536", null).rc());
        assertEquals(List.of("127.0.0.1|65535"), gai("localhost", "65535", AddrInfo.hints(0, AF_INET, 0, 0))
                .addresses());
        assertEquals(WSAHOST_NOT_FOUND, gai("localhost", "http", AddrInfo.hints(AI_NUMERICSERV, 0, 0, 0)).rc());
    }

    // ------------------------------------------------------------------ getaddrinfo: the namespace catalog

    @Test
    void namesResolveThroughTheHostsFileInRfc6724Order() {
        // The hosts file lists 192.0.2.10 first; global IPv6 (precedence 40) sorts before IPv4 (35).
        assertEquals(List.of("2001:db8::10|443", "192.0.2.10|443"), gai("www.lab.example", "https", null).addresses());
        assertEquals(List.of("192.0.2.10|443"),
                gai("WWW.LAB.EXAMPLE", "443", AddrInfo.hints(0, AF_INET, 0, 0)).addresses());
        assertEquals(List.of("2001:db8::10|443"),
                gai("www.lab.example", "443", AddrInfo.hints(0, AF_INET6, 0, 0)).addresses());
        assertEquals(List.of("192.0.2.30|1", "192.0.2.31|1"), gai("two.lab.example", "1", null).addresses(),
                "equal precedence keeps the provider's order");
        Gai canon = gai("www", "80", AddrInfo.hints(AI_CANONNAME, AF_INET, 0, 0));
        assertEquals("www", canon.results().get(0).canonname);
        Gai full = gai("www.lab.example", "80", AddrInfo.hints(AI_CANONNAME, 0, 0, 0));
        assertEquals("www.lab.example", full.results().get(0).canonname);
        assertNull(full.results().get(1).canonname, "only the first result carries it");
        assertNull(gai("www.lab.example", "80", null).results().get(0).canonname);
    }

    @Test
    void v4MappedAndAll() {
        assertEquals(WSAHOST_NOT_FOUND, gai("two.lab.example", "1", AddrInfo.hints(0, AF_INET6, 0, 0)).rc());
        assertEquals(List.of("::ffff:192.0.2.30|1", "::ffff:192.0.2.31|1"),
                gai("two.lab.example", "1", AddrInfo.hints(AI_V4MAPPED, AF_INET6, 0, 0)).addresses());
        assertEquals(List.of("2001:db8::10|1"),
                gai("www.lab.example", "1", AddrInfo.hints(AI_V4MAPPED, AF_INET6, 0, 0)).addresses(),
                "IPv6 addresses exist: no mapping without AI_ALL");
        assertEquals(List.of("2001:db8::10|1", "::ffff:192.0.2.10|1"),
                gai("www.lab.example", "1", AddrInfo.hints(AI_V4MAPPED | AI_ALL, AF_INET6, 0, 0)).addresses());
    }

    @Test
    void unknownNamesAndTheHostName() {
        assertEquals(WSAHOST_NOT_FOUND, gai("nowhere.lab.example", "80", null).rc());
        assertEquals(WSAHOST_NOT_FOUND, gai("six.lab.example", "80", AddrInfo.hints(0, AF_INET, 0, 0)).rc(),
                "a name without an address of the family");
        assertEquals(List.of("192.0.2.20|80"), gai("", "80", AddrInfo.hints(0, AF_INET, 0, 0)).addresses(),
                "\"\" is this host, as its name resolves");
        Ref<String> name = new Ref<>();
        assertEquals(0, ws.gethostname(name, 256));
        assertEquals(HOST, name.value);
        ws.setHostName("unlisted");
        assertEquals(List.of("::1|80", "127.0.0.1|80"), gai("unlisted", "80", null).addresses(),
                "a host name no provider knows is loopback");
        assertEquals(List.of("::1|80", "127.0.0.1|80"), gai("", "80", null).addresses());
    }

    @Test
    void everyNameCallNeedsStartup() {
        Worlds.cleanupAll(ws);
        Ref<AddrInfo> res = new Ref<>();
        assertEquals(WSANOTINITIALISED, ws.getaddrinfo("localhost", "80", null, res));
        assertEquals(WSANOTINITIALISED, ws.WSAGetLastError());
        assertEquals(WSANOTINITIALISED, ws.getnameinfo(SockAddr.inet(ip("192.0.2.1"), 80), new Ref<>(),
                NI_MAXHOST, null, 0, 0));
        assertNull(ws.gethostbyname("localhost"));
        assertEquals(WSANOTINITIALISED, ws.WSAGetLastError());
        assertEquals(SOCKET_ERROR, ws.gethostname(new Ref<>(), 256));
        assertEquals(WSANOTINITIALISED, ws.WSAGetLastError());
        assertNull(ws.getservbyname("http", "tcp"));
        assertEquals(WSANOTINITIALISED, ws.WSAGetLastError());
        assertEquals(SOCKET_ERROR, ws.WSAEnumProtocols(null, null, new IntRef()));
        assertEquals(WSANOTINITIALISED, ws.WSAGetLastError());
        assertEquals(SOCKET_ERROR, ws.WSALookupServiceBegin(QuerySet.byName("www", Ns.SVCID_HOSTNAME), 0,
                new Ref<>()));
        assertEquals(WSANOTINITIALISED, ws.WSAGetLastError());
    }

    /**
     * A process of this world's provider over another catalog: {@code edit} gets the provider's
     * entries (as installed templates) and installs what it likes. No socket is made, so no
     * provider needs to load.
     */
    Winsock processWith(java.util.function.Consumer<org.sockstack.spi.catalog.Catalog> edit) {
        org.sockstack.spi.catalog.Catalog c = new org.sockstack.spi.catalog.Catalog();
        edit.accept(c);
        Winsock w = new Winsock(new org.sockstack.spi.Ws2Process(c, new org.sockstack.spi.ProviderRegistry(false)));
        NamespaceCatalog cat = new NamespaceCatalog();
        cat.install("test hosts", Ns.NS_DNS, 1, HostsFileProvider.PROVIDER_ID);
        w.setNamespaces(cat, Map.of(HostsFileProvider.PROVIDER_ID, new HostsFileProvider(dir.resolve("hosts"))));
        assertEquals(0, w.WSAStartup(makeVersion(2, 2), new WsaData()));
        return w;
    }

    /** The entries this world's provider installs, as templates. */
    List<ProtocolInfo> templates() {
        return ws.process().catalog().allEntries().stream().map(p -> p.withCatalogEntryId(0)).toList();
    }

    @Test
    void addrConfigDropsFamiliesTheCatalogHasNoEntryFor() {
        List<ProtocolInfo> all = templates();
        List<ProtocolInfo> v4 = all.stream().filter(p -> p.addressFamily() == AF_INET).toList();
        assertEquals(3, v4.size());
        Winsock w = processWith(c -> c.installProvider(v4.get(0).providerId(), "unused", v4));
        try {
            ws = w;
            assertEquals(List.of("192.0.2.10|80"),
                    gai("www.lab.example", "80", AddrInfo.hints(AI_ADDRCONFIG, 0, 0, 0)).addresses());
            assertEquals(List.of("2001:db8::10|80", "192.0.2.10|80"), gai("www.lab.example", "80", null).addresses());
        } finally {
            Worlds.cleanupAll(w);
        }
    }

    // ------------------------------------------------------------------ getnameinfo

    record Gni(int rc, String host, String serv) { }

    Gni gni(SockAddr sa, int hostlen, int servlen, int flags) {
        Ref<String> host = new Ref<>();
        Ref<String> serv = new Ref<>();
        int rc = ws.getnameinfo(sa, hostlen > 0 ? host : null, hostlen, servlen > 0 ? serv : null, servlen, flags);
        if (rc != 0) {
            assertEquals(rc, ws.WSAGetLastError());
        }
        return new Gni(rc, host.value, serv.value);
    }

    static InetAddress ip(String s) {
        return Worlds.ip(s);
    }

    @Test
    void getnameinfoNamesAndNumbers() throws Exception {
        SockAddr www = SockAddr.inet(ip("192.0.2.10"), 80);
        assertEquals(new Gni(0, "www.lab.example", "http"), gni(www, NI_MAXHOST, NI_MAXSERV, 0));
        assertEquals(new Gni(0, "192.0.2.10", "80"), gni(www, NI_MAXHOST, NI_MAXSERV, NI_NUMERICHOST | NI_NUMERICSERV));
        assertEquals(new Gni(0, "www", null), gni(www, NI_MAXHOST, 0, NI_NOFQDN));
        assertEquals(new Gni(0, "www.lab.example", null), gni(SockAddr.inet(ip("2001:db8::10"), 0), NI_MAXHOST, 0, 0));
        SockAddr unnamed = SockAddr.inet(ip("198.51.100.9"), 53);
        assertEquals(new Gni(0, "198.51.100.9", "domain"), gni(unnamed, NI_MAXHOST, NI_MAXSERV, NI_DGRAM));
        assertEquals(new Gni(WSAHOST_NOT_FOUND, null, null), gni(unnamed, NI_MAXHOST, NI_MAXSERV, NI_NAMEREQD));
        assertEquals(new Gni(0, "198.51.100.9", null), gni(unnamed, NI_MAXHOST, 0, NI_NAMEREQD | NI_NUMERICHOST),
                "NI_NUMERICHOST needs no name");
        assertEquals(new Gni(0, null, "60000"), gni(SockAddr.inet(ip("192.0.2.10"), 60000), 0, NI_MAXSERV, 0));
        assertEquals(new Gni(0, HOST, null), gni(SockAddr.inet(ip("127.0.0.1"), 0), NI_MAXHOST, 0, 0),
                "an unnamed loopback address is this host");
        assertEquals(new Gni(0, "fe80::1%7", null),
                gni(SockAddr.inet(java.net.Inet6Address.getByAddress(null, ip("fe80::1").getAddress(), 7), 0),
                        NI_MAXHOST, 0, NI_NUMERICHOST));
    }

    @Test
    void getnameinfoErrors() throws Exception {
        SockAddr www = SockAddr.inet(ip("192.0.2.10"), 80);
        assertEquals(WSAHOST_NOT_FOUND, gni(www, 0, 0, 0).rc(), "neither host nor service asked");
        assertEquals(WSAEFAULT, gni(null, NI_MAXHOST, 0, 0).rc());
        assertEquals(WSAEFAULT, gni(SockAddr.of(www.bytes(), 8), NI_MAXHOST, 0, 0).rc(), "short sockaddr_in");
        byte[] other = www.bytes();
        other[0] = 17;
        assertEquals(WSAEAFNOSUPPORT, gni(SockAddr.of(other, 16), NI_MAXHOST, 0, 0).rc());
        assertEquals(WSAEFAULT, gni(www, "www.lab.example".length(), 0, 0).rc(), "no room for the NUL");
        assertEquals(0, gni(www, "www.lab.example".length() + 1, 0, 0).rc());
        assertEquals(WSAEFAULT, gni(www, 0, 4, 0).rc(), "\"http\" and NUL need 5");
    }

    // ------------------------------------------------------------------ getXbyY

    @Test
    void gethostbynameIsIpv4Only() {
        HostEnt h = ws.gethostbyname("www.lab.example");
        assertNotNull(h);
        assertEquals("www.lab.example", h.name());
        assertEquals(List.of("www"), h.aliases());
        assertEquals(AF_INET, h.addrtype());
        assertEquals(4, h.length());
        assertEquals(1, h.addrList().size());
        assertEquals("192.0.2.10", InetText.formatIpv4(h.addrList().get(0)));
        HostEnt two = ws.gethostbyname("two.lab.example");
        assertEquals(List.of("192.0.2.30", "192.0.2.31"), two.addrList().stream().map(InetText::formatIpv4).toList());
        assertNull(ws.gethostbyname("six.lab.example"));
        assertEquals(WSANO_DATA, ws.WSAGetLastError());
        assertNull(ws.gethostbyname("nowhere.lab.example"));
        assertEquals(WSAHOST_NOT_FOUND, ws.WSAGetLastError());
        HostEnt numeric = ws.gethostbyname("198.51.100.1");
        assertEquals("198.51.100.1", numeric.name());
        assertEquals("198.51.100.1", InetText.formatIpv4(numeric.addrList().get(0)));
        assertEquals("testhost.lab.example", ws.gethostbyname(null).name());
        assertEquals("192.0.2.20", InetText.formatIpv4(ws.gethostbyname("").addrList().get(0)));
        assertEquals("127.0.0.1", InetText.formatIpv4(ws.gethostbyname("localhost").addrList().get(0)));
    }

    @Test
    void gethostbyaddr() {
        HostEnt h = ws.gethostbyaddr(ip("192.0.2.31").getAddress(), 4, AF_INET);
        assertNotNull(h);
        assertEquals("two.lab.example", h.name());
        assertEquals(AF_INET, h.addrtype());
        HostEnt six = ws.gethostbyaddr(ip("2001:db8::11").getAddress(), 16, AF_INET6);
        assertEquals("six.lab.example", six.name());
        assertEquals(16, six.length());
        assertNull(ws.gethostbyaddr(ip("198.51.100.1").getAddress(), 4, AF_INET));
        assertEquals(WSAHOST_NOT_FOUND, ws.WSAGetLastError());
        assertNull(ws.gethostbyaddr(new byte[4], 16, AF_INET6));
        assertEquals(WSAEFAULT, ws.WSAGetLastError());
        assertNull(ws.gethostbyaddr(new byte[4], 4, 17));
        assertEquals(WSAEAFNOSUPPORT, ws.WSAGetLastError());
    }

    @Test
    void gethostnameNeedsRoomForTheNul() {
        Ref<String> n = new Ref<>();
        assertEquals(SOCKET_ERROR, ws.gethostname(n, HOST.length()));
        assertEquals(WSAEFAULT, ws.WSAGetLastError());
        assertNull(n.value);
        assertEquals(0, ws.gethostname(n, HOST.length() + 1));
        assertEquals(HOST, n.value);
    }

    @Test
    void servicesAndProtocols() {
        ServEnt http = ws.getservbyname("www", "tcp");
        assertEquals(new ServEnt("http", List.of("www", "www-http"), 80, "tcp"), http);
        assertEquals(53, ws.getservbyname("domain", "udp").port());
        assertEquals("tcp", ws.getservbyname("domain", null).proto());
        assertNull(ws.getservbyname("tftp", "tcp"));
        assertEquals(WSANO_DATA, ws.WSAGetLastError());
        assertEquals("ssh", ws.getservbyport(22, "tcp").name());
        assertEquals("ntp", ws.getservbyport(123, null).name());
        assertNull(ws.getservbyport(123, "tcp"));
        assertEquals(WSANO_DATA, ws.WSAGetLastError());
        assertEquals(new ProtoEnt("tcp", List.of("TCP"), 6), ws.getprotobyname("tcp"));
        assertEquals(17, ws.getprotobyname("UDP").proto());
        assertEquals("ipv6-icmp", ws.getprotobynumber(58).name());
        assertNull(ws.getprotobyname("sctp"));
        assertEquals(WSANO_DATA, ws.WSAGetLastError());
        assertNull(ws.getprotobynumber(132));
    }

    @Test
    void aServicesFileReplacesTheBuiltInTable() throws Exception {
        Services s = Services.parse("""
                # comment
                gopher 70/tcp
                bad-line
                bad 99999/tcp
                mine 4242/udp my-alias # trailing comment
                """);
        assertEquals(70, s.byName("gopher", "tcp").port());
        assertEquals(List.of("my-alias"), s.byName("MY-ALIAS", "udp").aliases());
        assertNull(s.byName("bad", null));
        assertNull(s.byName("http", null));
    }

    // ------------------------------------------------------------------ address text through the provider

    @Test
    void addressToStringAndBack() {
        SockAddr v4 = SockAddr.inet(ip("192.0.2.1"), 80);
        Ref<String> text = new Ref<>();
        IntRef len = new IntRef();
        len.value = 5;
        assertEquals(SOCKET_ERROR, ws.WSAAddressToString(v4, null, text, len));
        assertEquals(WSAEFAULT, ws.WSAGetLastError());
        assertEquals("192.0.2.1:80".length() + 1, len.value, "the length needed, NUL included");
        assertEquals(0, ws.WSAAddressToString(v4, null, text, len));
        assertEquals("192.0.2.1:80", text.value);
        len.value = 64;
        assertEquals(0, ws.WSAAddressToString(SockAddr.inet(ip("2001:db8::1"), 443), null, text, len));
        assertEquals("[2001:db8::1]:443", text.value);
        assertEquals(18, len.value);
        byte[] other = v4.bytes();
        other[0] = 17;
        assertEquals(SOCKET_ERROR, ws.WSAAddressToString(SockAddr.of(other, 16), null, text, len));
        assertEquals(WSAEINVAL, ws.WSAGetLastError());

        Ref<SockAddr> back = new Ref<>();
        assertEquals(0, ws.WSAStringToAddress("192.0.2.1:80", AF_INET, null, back));
        assertEquals(v4, back.value);
        assertEquals(0, ws.WSAStringToAddress("[2001:db8::1]:443", AF_INET6, null, back));
        assertEquals(SockAddr.inet(ip("2001:db8::1"), 443), back.value);
        assertEquals(SOCKET_ERROR, ws.WSAStringToAddress("www.lab.example", AF_INET, null, back));
        assertEquals(WSAEINVAL, ws.WSAGetLastError());
        assertEquals(SOCKET_ERROR, ws.WSAStringToAddress("192.0.2.1", 17, null, back));
        assertEquals(WSAEINVAL, ws.WSAGetLastError());
    }

    // ------------------------------------------------------------------ enumeration

    @Test
    void enumProtocolsListsBaseEntriesInCatalogOrder() {
        IntRef len = new IntRef();
        assertEquals(SOCKET_ERROR, ws.WSAEnumProtocols(null, null, len));
        assertEquals(WSAENOBUFS, ws.WSAGetLastError());
        assertEquals(4 * WSAPROTOCOL_INFOW_SIZE, len.value, "four visible entries: the raw ones are hidden");
        ProtocolInfo[] buf = new ProtocolInfo[4];
        len.value = 4 * WSAPROTOCOL_INFOW_SIZE - 1;
        assertEquals(SOCKET_ERROR, ws.WSAEnumProtocols(null, buf, len));
        assertEquals(WSAENOBUFS, ws.WSAGetLastError());
        assertEquals(4, ws.WSAEnumProtocols(null, buf, len));
        assertEquals(List.of(AF_INET + "/" + SOCK_STREAM + "/" + IPPROTO_TCP, AF_INET + "/" + SOCK_DGRAM + "/"
                        + IPPROTO_UDP, AF_INET6 + "/" + SOCK_STREAM + "/" + IPPROTO_TCP,
                        AF_INET6 + "/" + SOCK_DGRAM + "/" + IPPROTO_UDP),
                java.util.Arrays.stream(buf).map(p -> p.addressFamily() + "/" + p.socketType() + "/" + p.protocol())
                        .toList());
        for (int i = 1; i < 4; i++) {
            assertTrue(buf[i].catalogEntryId() > buf[i - 1].catalogEntryId(), "catalog order");
            assertTrue(buf[i].chain().isBase());
        }
        ProtocolInfo[] udp = new ProtocolInfo[2];
        len.value = 2 * WSAPROTOCOL_INFOW_SIZE;
        assertEquals(2, ws.WSAEnumProtocols(new int[] {IPPROTO_UDP}, udp, len));
        assertEquals(IPPROTO_UDP, udp[0].protocol());
        assertEquals(AF_INET6, udp[1].addressFamily());
        assertEquals(0, ws.WSAEnumProtocols(new int[] {IPPROTO_ICMP}, udp, len), "only the hidden raw entry serves it");
    }

    @Test
    void enumProtocolsShowsChainsNotTheirLayer() {
        List<ProtocolInfo> all = templates();
        java.util.UUID layer = java.util.UUID.fromString("00000000-0000-0000-0000-00000000c0de");
        Winsock w = processWith(c -> {
            assertEquals(0, c.installProvider(all.get(0).providerId(), "unused", all));
            int tcp4 = c.allEntries().get(0).catalogEntryId();
            assertEquals(0, c.installProviderAndChains(layer, "unused", "Test layer", List.of(tcp4)));
        });
        try {
            IntRef len = new IntRef();
            len.value = 16 * WSAPROTOCOL_INFOW_SIZE;
            ProtocolInfo[] buf = new ProtocolInfo[16];
            int n = w.WSAEnumProtocols(null, buf, len);
            assertEquals(5, n, "four base entries and the chain; the layered entry is hidden");
            ProtocolInfo chain = buf[4];
            assertTrue(chain.chain().isChain());
            assertEquals(layer, chain.providerId());
            assertEquals(buf[0].catalogEntryId(), chain.chain().entries().get(1));
            assertEquals("Test layer over [" + buf[0].name() + "]", chain.name());
            for (int i = 0; i < n; i++) {
                assertTrue(!buf[i].isLayered());
            }
            len.value = 0;
            assertEquals(SOCKET_ERROR, w.WSAEnumProtocols(new int[] {IPPROTO_TCP}, null, len));
            assertEquals(3 * WSAPROTOCOL_INFOW_SIZE, len.value, "TCP/IP, TCP/IPv6 and the chain over TCP/IP");
        } finally {
            Worlds.cleanupAll(w);
        }
    }

    @Test
    void enumNameSpaceProviders() {
        NamespaceCatalog cat = CatalogFile.defaultNamespaces();
        ws.setNamespaces(cat, Map.of());
        IntRef len = new IntRef();
        assertEquals(SOCKET_ERROR, ws.WSAEnumNameSpaceProviders(len, null));
        assertEquals(WSAEFAULT, ws.WSAGetLastError());
        List<NamespaceCatalog.Entry> all = cat.enumerate();
        int needed = all.stream().mapToInt(e -> WSANAMESPACE_INFOW_SIZE + 2 * (e.identifier().length() + 1)).sum();
        assertEquals(needed, len.value);
        NamespaceCatalog.Entry[] buf = new NamespaceCatalog.Entry[2];
        assertEquals(2, ws.WSAEnumNameSpaceProviders(len, buf));
        assertEquals(HostsFileProvider.PROVIDER_ID, buf[0].providerId());
        assertEquals(org.sockstack.spi.namespace.dns.DnsNamespaceProvider.PROVIDER_ID, buf[1].providerId());
        assertEquals(Ns.NS_DNS, buf[0].nameSpace());
        assertEquals(0, cat.enable(HostsFileProvider.PROVIDER_ID, false));
        assertEquals(2, ws.WSAEnumNameSpaceProviders(len, buf), "inactive providers are listed too");
        assertTrue(!buf[0].active());
        assertTrue(buf[1].active());
    }

    @Test
    void lookupServiceThroughTheProcessCatalog() {
        Ref<Long> h = new Ref<>();
        QuerySet q = QuerySet.byName("www.lab.example", Ns.SVCID_INET_HOSTADDRBYNAME);
        assertEquals(0, ws.WSALookupServiceBegin(q, Ns.LUP_RETURN_ALL, h));
        Ref<QuerySet> r = new Ref<>();
        assertEquals(0, ws.WSALookupServiceNext(h.value, Ns.LUP_RETURN_ALL, r));
        assertEquals("www.lab.example", r.value.serviceInstanceName());
        assertEquals(2, r.value.csaddrs().size());
        assertEquals(SOCKET_ERROR, ws.WSALookupServiceNext(h.value, Ns.LUP_RETURN_ALL, r));
        assertEquals(WSA_E_NO_MORE, ws.WSAGetLastError());
        assertEquals(0, ws.WSALookupServiceEnd(h.value));
        assertEquals(SOCKET_ERROR, ws.WSALookupServiceEnd(h.value));
        assertEquals(WSA_INVALID_HANDLE, ws.WSAGetLastError());
        assertEquals(SOCKET_ERROR, ws.WSALookupServiceBegin(QuerySet.byName("x", Ns.SVCID_INET_SERVICEBYNAME), 0, h));
        assertEquals(WSATYPE_NOT_FOUND, ws.WSAGetLastError());
    }
}
