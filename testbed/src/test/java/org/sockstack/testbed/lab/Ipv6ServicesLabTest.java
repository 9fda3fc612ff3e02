package org.sockstack.testbed.lab;

import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.io.TempDir;
import org.sockstack.stack.Stack;
import org.sockstack.stack.StackConfig;
import org.sockstack.stack.iface.Ipv6InterfaceAddress;
import org.sockstack.stack.ndp.NdpConfig;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.udp.UdpDatagram;
import org.sockstack.stack.udp.UdpSocket;
import org.sockstack.stack.wire.Ipv6Address;
import org.sockstack.stack.wire.MacAddress;
import org.sockstack.testbed.host.StackHost;
import org.sockstack.testbed.services.TcpServices;
import org.sockstack.testbed.services.UdpServices;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * IPv6 services, MLD and path MTU against the Linux kernel in a lab namespace (kernel
 * 2001:db8::1/64, stack 2001:db8::2/64): 60000-octet pings fragmented both ways, UDP echo and a
 * 10 MB HTTP download over IPv6, multicast both ways with MLD reports that decode cleanly in
 * tshark, Duplicate Address Detection against an address the kernel holds, and a Packet Too Big
 * from the kernel (forwarding onto a 1280-octet link) lowering our path MTU.
 */
class Ipv6ServicesLabTest {
    private static final Ipv6Address KERNEL = Ipv6Address.parse("2001:db8::1");
    private static final Ipv6Address STACK = Ipv6Address.parse("2001:db8::2");
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(60);

    /** A stack on a TAP device in a fresh lab namespace; IPv6 on, no router solicitations. */
    private static final class Setup implements AutoCloseable {
        final String ifname = Lab.uniqueInterfaceName("ss6svc");
        final MacAddress mac = StackHost.macFor(ifname);
        final StackHost host;
        final Lab lab;

        Setup(String... kernelAddresses) {
            host = StackHost.onTap(ifname, mac, 1500, StackConfig.defaults("ipv6svc").withSeed(66));
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
            host.stack().setNdpConfig(NdpConfig.DEFAULT.withRouterSolicitations(false));
        }

        Stack stack() {
            return host.stack();
        }

        boolean preferred(Ipv6Address a) {
            return host.call(() -> {
                Ipv6InterfaceAddress x = host.iface().findIpv6(a);
                return x != null && x.state() == Ipv6InterfaceAddress.State.PREFERRED;
            });
        }

        boolean kernelReady() {
            String out = lab.ip("-6", "addr", "show", "dev", ifname).output();
            return out.contains("fe80") && !out.contains("tentative");
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

    @LabTest
    void pingsUdpEchoAndHttpOverIpv6() throws Exception {
        try (Setup s = new Setup(KERNEL + "/64")) {
            s.stack().enableIpv6(s.host.iface());
            s.stack().addIpv6Address(s.host.iface(), STACK, 64);
            UdpServices udp = UdpServices.start(s.stack(), List.of("echo"), ZonedDateTime::now, true);
            TcpServices tcp = TcpServices.start(s.stack(), List.of("http"), true);
            s.host.start();
            await(() -> s.preferred(STACK), Duration.ofSeconds(10), "our address to pass DAD");
            await(s::kernelReady, Duration.ofSeconds(10), "the kernel's link-local address");

            // 60000 octets: 42 fragments each way.
            String ping = s.lab.exec(Duration.ofSeconds(30), "ping", "-6", "-c", "3", "-i", "0.3", "-W", "3",
                    "-s", "60000", STACK.toString()).output();
            assertTrue(ping.contains(" 0% packet loss"), ping);
            long reassembled = s.host.call(() -> s.stack().counters().get("ipv6.reassembly.ok"));
            long fragments = s.host.call(() -> s.stack().counters().get("ipv6.tx.fragments"));
            assertTrue(reassembled >= 3 && fragments >= 3 * 41, reassembled + " reassembled, " + fragments + " sent");

            ProcResult echo = s.lab.exec(Duration.ofSeconds(15), "sh", "-c",
                    "echo hello-ipv6 | socat -t 3 - UDP6:[" + STACK + "]:7");
            assertEquals("hello-ipv6", echo.output().strip(), echo.toString());

            ProcResult curl = s.lab.exec(Duration.ofSeconds(90), "sh", "-c",
                    "curl -6 -sS -m 80 http://[" + STACK + "]/bytes/10000000 | sha256sum");
            assertTrue(curl.output().startsWith(TcpLabTest.expectedSha256(10_000_000)), curl.output());
            s.host.run(() -> {
                udp.close();
                tcp.close();
            });
        }
    }

    /** TCP over IPv6 against the kernel: 100 MB down with curl, up into discard, through echo, and a download by the stack. */
    @LabTest
    void tcpOverIpv6BothWays() throws Exception {
        try (Setup s = new Setup(KERNEL + "/64")) {
            s.stack().enableIpv6(s.host.iface());
            s.stack().addIpv6Address(s.host.iface(), STACK, 64);
            TcpServices tcp = TcpServices.start(s.stack(), List.of("echo", "discard", "http"), true);
            s.host.start();
            await(() -> s.preferred(STACK), Duration.ofSeconds(10), "our address to pass DAD");
            await(s::kernelReady, Duration.ofSeconds(10), "the kernel's link-local address");

            ProcResult curl = s.lab.exec(Duration.ofSeconds(120), "sh", "-c",
                    "curl -6 -sS -m 100 http://[" + STACK + "]/bytes/100000000 | sha256sum");
            assertTrue(curl.output().startsWith(TcpLabTest.expectedSha256(100_000_000)), curl.output());
            ProcResult upload = s.lab.exec(Duration.ofSeconds(120), "sh", "-c",
                    "head -c 100000000 /dev/zero | timeout 100 nc -6 -N " + STACK + " 9 && echo UPLOADED");
            assertTrue(upload.output().contains("UPLOADED"), upload.output());
            ProcResult echo = s.lab.exec(Duration.ofSeconds(120), "sh", "-c",
                    "f=$(mktemp); g=$(mktemp); head -c 20000000 /dev/urandom > $f; "
                            + "timeout 100 socat -b 65536 -t 60 -T 20 - TCP6:[" + STACK + "]:7,shut-down < $f > $g; "
                            + "cmp $f $g && echo SAME; rm -f $f $g");
            assertTrue(echo.output().contains("SAME"), echo.output());

            Path www = java.nio.file.Files.createTempDirectory("sockstack-www6");
            byte[] data = new byte[5_000_000];
            new java.util.Random(6).nextBytes(data);
            java.nio.file.Files.write(www.resolve("blob"), data);
            Process server = s.lab.spawn("/usr/bin/python3", "-m", "http.server", "8000", "--bind", KERNEL.toString(),
                    "--directory", www.toString());
            try {
                org.sockstack.testbed.services.HttpGet.Result r = null;
                for (int attempt = 0; attempt < 50 && r == null; attempt++) {
                    try {
                        r = s.host.call(() -> org.sockstack.testbed.services.HttpGet.start(s.stack(),
                                new org.sockstack.stack.socket.Endpoint(KERNEL, 8000), "[" + KERNEL + "]", "/blob",
                                java.io.OutputStream.nullOutputStream())).get(30, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (java.util.concurrent.ExecutionException notYetListening) {
                        java.util.concurrent.TimeUnit.MILLISECONDS.sleep(100);
                    }
                }
                assertTrue(r != null && r.status() == 200 && r.bodyBytes() == data.length, String.valueOf(r));
                assertEquals(java.util.HexFormat.of().formatHex(
                        java.security.MessageDigest.getInstance("SHA-256").digest(data)), r.sha256());
            } finally {
                server.toHandle().destroy();
                server.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
                java.nio.file.Files.deleteIfExists(www.resolve("blob"));
                java.nio.file.Files.deleteIfExists(www);
            }
            s.host.run(tcp::close);
        }
    }

    @LabTest
    void multicastBothWaysAndMldDecodesCleanly(@TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("mld.pcap");
        Ipv6Address stackGroup = Ipv6Address.parse("ff05::1:3");
        Ipv6Address kernelGroup = Ipv6Address.parse("ff05::1:4");
        try (Setup s = new Setup(KERNEL + "/64")) {
            // Everything ICMPv6 we send: NDP (DAD, advertisements) and MLD reports (behind a
            // Hop-by-Hop header, Next Header 0, which the icmp6 primitive does not look through).
            Process tcpdump = s.lab.spawn("timeout", "20", "tcpdump", "-n", "-U", "-i", s.ifname, "-c", "200", "-w",
                    pcap.toString(), "ip6 and (icmp6 or ip6[6] == 0) and ether src " + s.mac);
            awaitCaptureStarted(pcap);
            s.stack().enableIpv6(s.host.iface());
            s.stack().addIpv6Address(s.host.iface(), STACK, 64);
            s.host.start();
            await(() -> s.preferred(STACK), Duration.ofSeconds(10), "our address to pass DAD");
            await(s::kernelReady, Duration.ofSeconds(10), "the kernel's link-local address");

            // 1. The stack listens to ff05::1:3; the kernel sends to it.
            UdpSocket socket = s.host.call(() -> {
                UdpSocket u = s.stack().udp().open();
                u.bind(new Endpoint(Ipv6Address.UNSPECIFIED, 5000));
                u.joinGroup(stackGroup, s.host.iface().index());
                return u;
            });
            String got = null;
            for (int i = 0; i < 10 && got == null; i++) {
                s.lab.exec(Duration.ofSeconds(10), "sh", "-c", "echo hello-stack | socat -u - UDP6-DATAGRAM:["
                        + stackGroup + "]:5000"); // the TAP is the lab's only ff00::/8 route
                TimeUnit.MILLISECONDS.sleep(200);
                got = s.host.call(() -> {
                    UdpDatagram d = socket.receive();
                    if (d == null) {
                        return null;
                    }
                    String text = d.data().toString(StandardCharsets.US_ASCII);
                    d.data().release();
                    return text;
                });
            }
            assertEquals("hello-stack\n", got, "the stack's socket received the kernel's datagram");

            // 2. The kernel joins ff05::1:4; the stack sends to it.
            Process recv = s.lab.spawn("timeout", "10", "socat", "-u",
                    "UDP6-RECVFROM:5001,ipv6-join-group=[" + kernelGroup + "]:" + s.ifname, "STDOUT");
            TimeUnit.SECONDS.sleep(1);
            for (int i = 0; i < 5 && recv.isAlive(); i++) {
                SocketError e = s.host.call(() -> {
                    socket.setMulticastInterface(s.host.iface().index());
                    return socket.sendTo(Unpooled.wrappedBuffer("hello-kernel\n".getBytes(StandardCharsets.US_ASCII)),
                            new Endpoint(kernelGroup, 5001), s.host.loop().clock().nanos());
                });
                assertEquals(SocketError.OK, e);
                TimeUnit.MILLISECONDS.sleep(300);
            }
            assertEquals("hello-kernel\n", Lab.outputOf(recv, Duration.ofSeconds(15)),
                    "the kernel received the stack's datagram");
            s.host.run(socket::close); // leave: TO_IN {} reports
            Lab.outputOf(tcpdump, Duration.ofSeconds(30));
            long reports = s.host.call(() -> s.stack().counters().get("mld.tx.v2_reports"));
            assertTrue(reports >= 6, "reports sent: " + reports);
        }

        ProcResult expert = Lab.run(TOOL_TIMEOUT, "tshark", "-r", pcap.toString(), "-q", "-z", "expert");
        assertEquals(0, expert.exitCode(), expert.output());
        assertFalse(expert.output().contains("Errors ("), expert.output());
        assertFalse(expert.output().toLowerCase().contains("malformed"), expert.output());
        ProcResult fields = Lab.run(TOOL_TIMEOUT, "tshark", "-r", pcap.toString(), "-T", "fields", "-e", "icmpv6.type",
                "-e", "ipv6.dst", "-e", "ipv6.hlim", "-e", "icmpv6.mldr.mar.multicast_address",
                "-e", "icmpv6.checksum.status");
        assertEquals(0, fields.exitCode(), fields.output());
        List<String> lines = fields.output().lines().filter(l -> l.contains("\t")).toList();
        List<String> mld = lines.stream().filter(l -> l.startsWith("143\t")).toList();
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("135\t")), "a DAD probe: " + lines);
        assertTrue(mld.size() >= 6, "MLDv2 reports: " + lines);
        for (String l : mld) {
            String[] f = l.split("\t", -1);
            assertEquals("ff02::16", f[1], l);
            assertEquals("1", f[2], l);
            assertFalse(f[3].contains("ff02::1,") || f[3].equals("ff02::1"), "all-nodes never reported: " + l);
        }
        for (String l : lines) {
            assertTrue(l.endsWith("\t1"), "checksum good: " + l);
        }
        assertTrue(mld.stream().anyMatch(l -> l.contains("ff05::1:3")), "the join was reported: " + mld);
        assertTrue(mld.stream().anyMatch(l -> l.contains("ff02::1:ff00:2")), "solicited-node reported: " + mld);
    }

    /** RFC 4862 5.4.5: the kernel already holds 2001:db8::2; our DAD finds it and we never use it. */
    @LabTest
    void duplicateAddressIsDetectedAndNotUsed() {
        try (Setup s = new Setup(KERNEL + "/64", STACK + "/64")) {
            s.host.start();
            await(s::kernelReady, Duration.ofSeconds(10), "the kernel's link-local address");
            Ipv6InterfaceAddress a = s.host.call(() -> s.stack().addIpv6Address(s.host.iface(), STACK, 64));
            await(() -> s.host.call(() -> a.state() == Ipv6InterfaceAddress.State.DUPLICATE), Duration.ofSeconds(10),
                    "DAD to find the kernel's address");
            assertFalse(s.host.call(() -> s.host.iface().hasIpv6(STACK)), "a duplicate is not ours");
            assertEquals(1L, (long) s.host.call(() -> s.stack().counters().get("ndp.dad.duplicates")));
        }
    }

    /**
     * RFC 8201 section 4: the kernel forwards our packets for 2001:db8:2::/64 onto a 1280-octet
     * link (a veth pair in the namespace) and answers a 1448-octet one with Packet Too Big; our path MTU drops to 1280 and the
     * next such datagram leaves in fragments that fit (seen with tcpdump in the namespace).
     */
    @LabTest
    void packetTooBigFromTheKernelLowersOurPathMtu(@TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("ptb.pcap");
        Ipv6Address far = Ipv6Address.parse("2001:db8:2::5");
        try (Setup s = new Setup(KERNEL + "/64")) {
            s.lab.exec(Duration.ofSeconds(5), "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1").orThrow();
            // A 1280-octet link inside the lab namespace (a veth pair; both ends go with the namespace).
            s.lab.ip("link", "add", "ss6narrow", "mtu", "1280", "type", "veth", "peer", "name", "ss6far").orThrow();
            s.lab.ip("link", "set", "dev", "ss6narrow", "up").orThrow();
            s.lab.ip("link", "set", "dev", "ss6far", "up").orThrow();
            s.lab.ip("-6", "addr", "add", "2001:db8:2::1/64", "dev", "ss6narrow", "nodad").orThrow();
            s.stack().enableIpv6(s.host.iface());
            s.stack().addIpv6Address(s.host.iface(), STACK, 64);
            s.stack().ipv6().addRoute(Ipv6Address.parse("2001:db8:2::"), 64, KERNEL, s.host.iface());
            s.host.start();
            await(() -> s.preferred(STACK), Duration.ofSeconds(10), "our address to pass DAD");
            await(s::kernelReady, Duration.ofSeconds(10), "the kernel's link-local address");
            Process tcpdump = s.lab.spawn("timeout", "20", "tcpdump", "-n", "-U", "-i", s.ifname, "-c", "3", "-w",
                    pcap.toString(), "ip6 and ether src " + s.mac + " and dst host " + far);
            awaitCaptureStarted(pcap);
            UdpSocket u = s.host.call(() -> s.stack().udp().open());
            byte[] data = new byte[1400];
            SocketError first = s.host.call(() -> u.sendTo(Unpooled.wrappedBuffer(data), new Endpoint(far, 9),
                    s.host.loop().clock().nanos()));
            assertEquals(SocketError.OK, first);
            await(() -> s.host.call(() -> s.stack().ipv6().pathMtu(far, s.host.loop().clock().nanos()) == 1280),
                    Duration.ofSeconds(5), "Packet Too Big to lower the path MTU");
            SocketError second = s.host.call(() -> u.sendTo(Unpooled.wrappedBuffer(data), new Endpoint(far, 9),
                    s.host.loop().clock().nanos()));
            assertEquals(SocketError.OK, second);
            String dump = Lab.outputOf(tcpdump, Duration.ofSeconds(30));
            assertTrue(dump.contains("3 packets captured"), dump);
            s.host.run(u::close);
        }
        ProcResult lens = Lab.run(TOOL_TIMEOUT, "tshark", "-r", pcap.toString(), "-T", "fields", "-e", "frame.len",
                "-e", "ipv6.nxt");
        List<String> lines = lens.output().lines().filter(l -> l.contains("\t")).toList();
        assertEquals(3, lines.size(), lens.output());
        assertEquals("1462\t17", lines.get(0), "the first datagram whole: " + lines);
        for (String l : lines.subList(1, 3)) {
            String[] f = l.split("\t");
            assertTrue(Integer.parseInt(f[0]) <= 1280 + 14, "a fragment that fits 1280: " + l);
            assertEquals("44", f[1], "Fragment header: " + l);
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

    private static void awaitCaptureStarted(Path pcap) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (Files.exists(pcap) && Files.size(pcap) >= 24) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        throw new AssertionError("tcpdump did not start");
    }
}
