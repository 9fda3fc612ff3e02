package org.sockstack.testbed.lab;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sockstack.api.HostEnt;
import org.sockstack.api.Netdb;
import org.sockstack.api.Winsock;
import org.sockstack.spi.WsaData;
import org.sockstack.spi.catalog.CatalogFile;
import org.sockstack.spi.namespace.HostsFileProvider;
import org.sockstack.spi.namespace.dns.DnsNamespaceProvider;
import org.sockstack.spi.namespace.dns.DnsResolver;
import org.sockstack.spi.namespace.dns.ReverseName;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;
import org.sockstack.stack.StackConfig;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.testbed.apps.Processes;
import org.sockstack.testbed.host.StackHost;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * getnameinfo and gethostbyaddr over the user-space stack ask dnsmasq (in the lab namespace,
 * bound to the kernel-side address only) for PTR records it serves with --ptr-record.
 */
@LabClass
class DnsPtrLabTest {
    static final Ipv4Address KERNEL = Ipv4Address.parse("192.0.2.1");
    static final Ipv4Address STACK = Ipv4Address.parse("192.0.2.2");
    static Lab lab;
    static StackHost host;
    static Path log;
    static Path hosts;
    static Winsock ws;

    @BeforeAll
    static void setUp() throws Exception {
        assumeTrue(Lab.findExecutable("dnsmasq") != null, "dnsmasq is not installed (apt-get install dnsmasq-base)");
        String ifname = Lab.uniqueInterfaceName("ssptr");
        host = StackHost.onTap(ifname, StackHost.macFor(ifname), 1500, StackConfig.defaults("ptrlab").withSeed(54), null);
        lab = Lab.create();
        lab.adoptInterface(ifname, KERNEL + "/24");
        host.run(() -> host.stack().addIpv4Address(host.iface(), STACK, 24));
        host.start();
        log = Files.createTempFile("sockstack-dnsmasq-ptr", ".log");
        hosts = Files.createTempFile("sockstack-ptr-hosts", "");
        String v6 = ReverseName.of(InetAddress.getByName("2001:db8::7").getAddress());
        Dnsmasq.start(lab, KERNEL, log, List.of("--local=/2.0.192.in-addr.arpa/",
                "--ptr-record=7.2.0.192.in-addr.arpa,www.lab.example", "--ptr-record=" + v6 + ",v6.lab.example"));
        DnsResolver resolver = new DnsResolver(host.stack(),
                DnsResolver.Config.defaults(new Endpoint(KERNEL, 53)).withTimeout(TimeUnit.SECONDS.toNanos(1), 3));
        ws = Processes.stack(host.stack());
        ws.setNamespaces(CatalogFile.defaultNamespaces(), Map.of(
                HostsFileProvider.PROVIDER_ID, new HostsFileProvider(hosts),
                DnsNamespaceProvider.PROVIDER_ID, new DnsNamespaceProvider(resolver)));
        assertEquals(0, ws.WSAStartup(Wsa.makeVersion(2, 2), new WsaData()));
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (ws != null) {
            while (ws.process().startupCount() > 0) {
                ws.WSACleanup();
            }
        }
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

    static int served(String name) throws Exception {
        Matcher m = Pattern.compile("query\\[PTR\\] " + Pattern.quote(name) + " from " + STACK)
                .matcher(Files.readString(log));
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    static String nameOf(String address, int flags, Ref<Integer> rc) throws Exception {
        Ref<String> node = new Ref<>();
        rc.value = ws.getnameinfo(SockAddr.inet(InetAddress.getByName(address), 0), node, Netdb.NI_MAXHOST, null, 0,
                flags);
        return node.value;
    }

    @Test
    void getnameinfoResolvesThePtrRecordsDnsmasqServes() throws Exception {
        Ref<Integer> rc = new Ref<>();
        assertEquals("www.lab.example", nameOf("192.0.2.7", Netdb.NI_NAMEREQD, rc));
        assertEquals(0, rc.value);
        assertEquals("www.lab.example", nameOf("192.0.2.7", 0, rc), "from the cache");
        assertEquals(1, served("7.2.0.192.in-addr.arpa"), "dnsmasq saw one query");

        assertEquals("v6.lab.example", nameOf("2001:db8::7", Netdb.NI_NAMEREQD, rc));
        HostEnt h = ws.gethostbyaddr(InetAddress.getByName("192.0.2.7").getAddress(), 4, Wsa.AF_INET);
        assertEquals("www.lab.example", h.name());
    }

    @Test
    void anAddressWithoutPtrIsEaiNonameOrItsNumber() throws Exception {
        Ref<Integer> rc = new Ref<>();
        assertEquals("192.0.2.8", nameOf("192.0.2.8", 0, rc));
        assertEquals(0, rc.value);
        nameOf("192.0.2.8", Netdb.NI_NAMEREQD, rc);
        assertEquals(WsaError.WSAHOST_NOT_FOUND, rc.value, "EAI_NONAME");
    }
}
