package org.sockstack.testbed.lab;

import org.sockstack.stack.StackConfig;
import org.sockstack.stack.iface.Ipv6InterfaceAddress;
import org.sockstack.stack.ndp.NdpConfig;
import org.sockstack.testbed.host.StackHost;
import org.sockstack.stack.wire.Ipv6Address;
import org.sockstack.stack.wire.MacAddress;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stack's IPv6 against the Linux kernel: the kernel (2001:db8::1/64, configured with nodad)
 * pings our link-local and global addresses, with and without fragmentation, and (when radvd is
 * installed) a router advertisement makes the stack form a SLAAC address that answers too.
 */
class Ipv6LabTest {
    private static final Ipv6Address STACK = Ipv6Address.parse("2001:db8::2");
    private static final Duration PING_TIMEOUT = Duration.ofSeconds(30);

    /** A stack on a TAP device inside a fresh lab namespace, IPv6 enabled; closes both. */
    private static final class Setup implements AutoCloseable {
        final String ifname = Lab.uniqueInterfaceName("ss6tap");
        final MacAddress mac = StackHost.macFor(ifname);
        final StackHost host;
        final Lab lab;

        Setup(String... kernelAddresses) {
            host = StackHost.onTap(ifname, mac, 1500, StackConfig.defaults("ipv6lab").withSeed(6));
            Lab l = null;
            try {
                l = Lab.create();
                l.adoptInterface(ifname, kernelAddresses);
            } catch (RuntimeException e) {
                if (l != null) {
                    l.close();
                }
                host.close();
                throw e;
            }
            lab = l;
            host.start();
        }

        Ipv6Address linkLocal() {
            return host.call(() -> host.iface().ipv6Addresses().stream()
                    .filter(a -> a.address().isLinkLocal()).findFirst().orElseThrow().address());
        }

        boolean allPreferred(int atLeast) {
            return host.call(() -> host.iface().ipv6Addresses().size() >= atLeast
                    && host.iface().ipv6Addresses().stream()
                    .allMatch(a -> a.state() == Ipv6InterfaceAddress.State.PREFERRED));
        }

        /** The kernel's own link-local address finished DAD (it cannot ping from a tentative one). */
        boolean kernelReady() {
            String out = lab.ip("-6", "addr", "show", "dev", ifname).output();
            return out.contains("fe80") && !out.contains("tentative");
        }

        String ping(String... args) {
            String[] cmd = new String[args.length + 2];
            cmd[0] = "ping";
            cmd[1] = "-6";
            System.arraycopy(args, 0, cmd, 2, args.length);
            return lab.exec(PING_TIMEOUT, cmd).output();
        }

        @Override
        public void close() {
            try {
                lab.close();
            } finally {
                host.close();
            }
        }
    }

    private static void await(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        assertTrue(condition.getAsBoolean(), "timed out waiting for " + what);
    }

    private static void assertNoLoss(String output) {
        String[] lines = output.strip().split("\n");
        System.out.println(lines[0] + " => " + (lines.length >= 2 ? lines[lines.length - 2] + " | "
                + lines[lines.length - 1] : ""));
        assertTrue(output.contains(" 0% packet loss"), output);
    }

    @LabTest
    void kernelPingsOurLinkLocalAndGlobalAddresses() {
        try (Setup s = new Setup("2001:db8::1/64")) {
            s.host.call(() -> {
                s.host.stack().setNdpConfig(NdpConfig.DEFAULT.withRouterSolicitations(false));
                s.host.stack().addIpv6Address(s.host.iface(), STACK, 64);
                return null;
            });
            await(() -> s.allPreferred(2), Duration.ofSeconds(10), "our addresses to pass DAD");
            await(s::kernelReady, Duration.ofSeconds(10), "the kernel's link-local address");

            assertNoLoss(s.ping("-c", "5", "-i", "0.2", "-W", "2", s.linkLocal() + "%" + s.ifname));
            assertNoLoss(s.ping("-c", "5", "-i", "0.2", "-W", "2", STACK.toString()));
            // 4000 octets: the kernel's request and our reply both travel in three fragments.
            assertNoLoss(s.ping("-c", "3", "-i", "0.3", "-W", "2", "-s", "4000", STACK.toString()));
            long reassembled = s.host.call(() -> s.host.stack().counters().get("ipv6.reassembly.ok"));
            long fragmentsSent = s.host.call(() -> s.host.stack().counters().get("ipv6.tx.fragments"));
            assertTrue(reassembled >= 3, "reassembled " + reassembled);
            assertTrue(fragmentsSent >= 9, "fragments sent " + fragmentsSent);
        }
    }

    /** radvd in the lab advertises 2001:db8:1::/64: the stack forms its SLAAC address and answers on it. */
    @LabTest
    void radvdAdvertisementGivesUsASlaacAddress() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Lab.findExecutable("radvd") != null, "radvd is not installed");
        try (Setup s = new Setup("2001:db8:1::1/64")) {
            s.lab.exec(Duration.ofSeconds(5), "sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=1");
            Path dir = Files.createTempDirectory("ss6radvd");
            try {
                Path conf = dir.resolve("radvd.conf");
                Files.writeString(conf, "interface " + s.ifname + " {\n"
                        + "  AdvSendAdvert on;\n  MinRtrAdvInterval 3;\n  MaxRtrAdvInterval 4;\n"
                        + "  prefix 2001:db8:1::/64 { AdvOnLink on; AdvAutonomous on; };\n};\n");
                s.lab.spawn("radvd", "-n", "-C", conf.toString(), "-p", dir.resolve("radvd.pid").toString(),
                        "-m", "stderr");
                await(s::kernelReady, Duration.ofSeconds(10), "the kernel's link-local address");
                s.host.call(() -> s.host.stack().enableIpv6(s.host.iface()));
                Ipv6Address slaac = new Ipv6Address(0x2001_0db8_0001_0000L,
                        org.sockstack.stack.ndp.InterfaceIdentifier.modifiedEui64(s.mac.bits()));
                await(() -> s.host.call(() -> s.host.iface().hasIpv6(slaac)), Duration.ofSeconds(20),
                        "SLAAC address " + slaac);
                assertTrue(s.host.call(() -> !s.host.stack().ndp(s.host.iface()).defaultRouters().isEmpty()),
                        "radvd became our default router");
                assertNoLoss(s.ping("-c", "5", "-i", "0.2", "-W", "2", slaac.toString()));
            } finally {
                try (var files = Files.list(dir)) {
                    files.forEach(p -> p.toFile().delete());
                }
                Files.deleteIfExists(dir);
            }
        }
    }
}
