package org.sockstack.testbed.lab;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sockstack.drivers.fault.Impairments;
import org.sockstack.stack.StackConfig;
import org.sockstack.stack.iface.Ipv6InterfaceAddress;
import org.sockstack.stack.ndp.NdpConfig;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.Ipv6Address;
import org.sockstack.testbed.host.StackHost;
import org.sockstack.testbed.services.TcpServices;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TCP against the kernel over an impaired path: the drivers' fault injection on the TAP device
 * (2% loss, 20 ms delay and 5% reordering in both directions; this kernel has no netem) and a
 * {@code tbf} rate limit on the kernel side that drops at its bottleneck. Transfers are smaller
 * than the clean-path tests (10 MB), over IPv4 and IPv6, so a loss-limited flow still ends within the test's time.
 */
@LabClass
class TcpImpairedLabTest {
    static final Ipv4Address KERNEL = Ipv4Address.parse("192.0.2.1");
    static final Ipv4Address STACK = Ipv4Address.parse("192.0.2.2");
    static final Ipv6Address KERNEL6 = Ipv6Address.parse("2001:db8::1");
    static final Ipv6Address STACK6 = Ipv6Address.parse("2001:db8::2");
    static final long MB10 = 10_000_000L;
    static Lab lab;
    static StackHost host;
    static TcpServices services;
    static String ifname;

    @BeforeAll
    static void setUp() {
        ifname = Lab.uniqueInterfaceName("ssimp");
        Impairments path = Impairments.builder().loss(0.02).delay(Duration.ofMillis(20))
                .reorder(0.05, Duration.ofMillis(5)).build();
        host = StackHost.onTap(ifname, StackHost.macFor(ifname), 1500, StackConfig.defaults("impaired").withSeed(9),
                null, path);
        lab = Lab.create();
        lab.adoptInterface(ifname, KERNEL + "/24", KERNEL6 + "/64");
        lab.exec(Duration.ofSeconds(10), "tc", "qdisc", "add", "dev", ifname, "root", "tbf", "rate", "40mbit",
                "burst", "32kbit", "latency", "30ms").orThrow();
        host.run(() -> {
            host.stack().addIpv4Address(host.iface(), STACK, 24);
            host.stack().setNdpConfig(NdpConfig.DEFAULT.withRouterSolicitations(false));
            host.stack().enableIpv6(host.iface());
            host.stack().addIpv6Address(host.iface(), STACK6, 64);
            services = TcpServices.start(host.stack(), List.of("echo", "discard", "http"), true);
        });
        host.start();
    }

    @AfterAll
    static void tearDown() {
        if (host != null) {
            if (services != null) {
                host.run(services::close);
            }
            host.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void curlDownloadIsByteExact() throws Exception {
        ProcResult r = lab.exec(Duration.ofSeconds(240), "sh", "-c",
                "curl -sS -m 200 http://" + STACK + "/bytes/" + MB10 + " | sha256sum");
        assertTrue(r.output().startsWith(TcpLabTest.expectedSha256(MB10)), r.output());
    }

    /** The same download over IPv6 (the impairments act on every frame, NDP included). */
    @Test
    void curlDownloadOverIpv6IsByteExact() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!(stackAddressReady() && lab.ip("-6", "addr", "show", "dev", ifname).output().contains("fe80")
                && !lab.ip("-6", "addr", "show", "dev", ifname).output().contains("tentative"))) {
            assertTrue(System.nanoTime() < deadline, "IPv6 addresses did not pass DAD within 20 s");
            Thread.sleep(100);
        }
        ProcResult r = lab.exec(Duration.ofSeconds(240), "sh", "-c",
                "curl -6 -sS -m 200 http://[" + STACK6 + "]/bytes/" + MB10 + " | sha256sum");
        assertTrue(r.output().startsWith(TcpLabTest.expectedSha256(MB10)), r.output());
    }

    private static boolean stackAddressReady() {
        return host.call(() -> {
            Ipv6InterfaceAddress a = host.iface().findIpv6(STACK6);
            return a != null && a.state() == Ipv6InterfaceAddress.State.PREFERRED;
        });
    }

    @Test
    void echoRoundTripIsByteExact() {
        ProcResult r = lab.exec(Duration.ofSeconds(240), "sh", "-c",
                "f=$(mktemp); g=$(mktemp); head -c " + MB10 + " /dev/urandom > $f; "
                        + "timeout 200 socat -b 65536 -t 60 -T 60 - TCP4:" + STACK + ":7,shut-down < $f > $g; "
                        + "cmp $f $g && echo SAME; rm -f $f $g");
        assertTrue(r.output().contains("SAME"), () -> r.output() + "\nstack counters:\n"
                + host.call(() -> host.stack().counters().format(true)));
    }
}
