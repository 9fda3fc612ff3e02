package org.sockstack.testbed.lab;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sockstack.api.TimeVal;
import org.sockstack.api.Winsock;
import org.sockstack.spi.WsaData;
import org.sockstack.spi.provider.FdSet;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.stack.StackConfig;
import org.sockstack.stack.ndp.NdpConfig;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.Ipv6Address;
import org.sockstack.testbed.apps.Processes;
import org.sockstack.testbed.host.StackHost;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A dual-stack listener (AF_INET6, IPV6_V6ONLY = 0, bound to ::) in a Winsock program over the
 * stack provider on TAP takes the Linux kernel's IPv4 and IPv6 clients through one accept queue;
 * the IPv4 peer shows as {@code ::ffff:203.0.113.1} (RFC 4291 2.5.5.2), as on Windows.
 */
@LabClass
class DualStackLabTest {
    static final Ipv4Address KERNEL = Ipv4Address.parse("203.0.113.1");
    static final Ipv4Address STACK = Ipv4Address.parse("203.0.113.2");
    static final Ipv6Address KERNEL6 = Ipv6Address.parse("2001:db8:3::1");
    static final Ipv6Address STACK6 = Ipv6Address.parse("2001:db8:3::2");
    static Lab lab;
    static StackHost host;
    static Winsock ws;

    @BeforeAll
    static void setUp() {
        String ifname = Lab.uniqueInterfaceName("ssdual");
        host = StackHost.onTap(ifname, StackHost.macFor(ifname), 1500, StackConfig.defaults("duallab").withSeed(12), null);
        lab = Lab.create();
        lab.adoptInterface(ifname, KERNEL + "/24", KERNEL6 + "/64");
        host.run(() -> {
            host.stack().addIpv4Address(host.iface(), STACK, 24);
            host.stack().setNdpConfig(NdpConfig.DEFAULT.withRouterSolicitations(false));
            host.stack().addIpv6Address(host.iface(), STACK6, 64);
        });
        host.start();
        ws = Processes.stack(host.stack());
        assertEquals(0, ws.WSAStartup(Wsa.makeVersion(2, 2), new WsaData()));
    }

    @AfterAll
    static void tearDown() {
        if (ws != null) {
            ws.WSACleanup();
        }
        if (host != null) {
            host.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void oneListenerOnColonColonTakesTheKernelsIpv4AndIpv6Clients() throws Exception {
        // Our IPv6 address is usable once Duplicate Address Detection has passed.
        ProcResult up = lab.exec(Duration.ofSeconds(20), "sh", "-c",
                "for i in $(seq 1 50); do ping -6 -c 1 -W 1 " + STACK6 + " >/dev/null 2>&1 && echo UP && break; "
                        + "sleep 0.2; done");
        assertTrue(up.output().contains("UP"), "our IPv6 address did not answer: " + up.output());
        long l = ws.socket(Wsa.AF_INET6, Wsa.SOCK_STREAM, Wsa.IPPROTO_TCP);
        assertEquals(0, ws.setsockopt(l, Wsa.IPPROTO_IPV6, Wsa.IPV6_V6ONLY, new byte[] {0, 0, 0, 0}, 4));
        assertEquals(0, ws.bind(l, SockAddr.inet(InetAddress.getByName("::"), 7100)));
        assertEquals(0, ws.listen(l, 4));

        assertEquals("::ffff:" + KERNEL + " v4", serveOne(l, "-4", STACK.toString()));
        assertEquals(KERNEL6 + " v6", serveOne(l, "-6", STACK6.toString()));
        assertEquals(0, ws.closesocket(l));
    }

    /** The kernel's nc connects over {@code family} and sends a line; returns "peer line". */
    private static String serveOne(long l, String family, String address) throws Exception {
        String line = family.equals("-4") ? "v4" : "v6";
        Process peer = lab.spawn("sh", "-c", "echo " + line + " | timeout 10 nc " + family + " -q 1 " + address + " 7100");
        try {
            assertEquals(1, ws.select(0, FdSet.of(l), null, null, TimeVal.ofMillis(10_000)), "a connection " + family);
            Ref<SockAddr> from = new Ref<>();
            long s = ws.accept(l, from);
            assertNotEquals(Wsa.INVALID_SOCKET, s, () -> "accept: " + ws.WSAGetLastError());
            byte[] buf = new byte[16];
            StringBuilder got = new StringBuilder();
            int n;
            while ((n = ws.recv(s, buf, buf.length, 0)) > 0) {
                got.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
            }
            assertEquals(0, ws.closesocket(s));
            assertEquals(Wsa.AF_INET6, from.value.family(), "the peer of an AF_INET6 socket is a sockaddr_in6");
            return sin6Text(from.value) + " " + got.toString().trim();
        } finally {
            peer.destroy();
        }
    }

    /** sin6_addr (octets 8-23 of a sockaddr_in6) as text, a v4-mapped one as ::ffff:a.b.c.d. */
    private static String sin6Text(SockAddr a) {
        ByteBuffer addr = ByteBuffer.wrap(a.bytes(), 8, 16);
        long hi = addr.getLong();
        long lo = addr.getLong();
        if (hi == 0 && (lo >>> 32) == 0xFFFF) {
            return "::ffff:" + new Ipv4Address((int) lo);
        }
        return new Ipv6Address(hi, lo).toString();
    }
}
