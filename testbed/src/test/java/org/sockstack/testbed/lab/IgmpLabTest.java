package org.sockstack.testbed.lab;

import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.io.TempDir;
import org.sockstack.stack.Stack;
import org.sockstack.stack.StackConfig;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.udp.UdpDatagram;
import org.sockstack.stack.udp.UdpSocket;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.MacAddress;
import org.sockstack.testbed.host.StackHost;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * IGMP and multicast UDP between the stack (on a TAP device, its own loop thread) and the Linux
 * kernel in a lab namespace: the stack joins a group and receives what the kernel sends to it,
 * the kernel joins a group and receives what the stack sends, and a tcpdump capture of the
 * stack's IGMPv3 reports decodes cleanly in tshark.
 */
class IgmpLabTest {
    private static final Ipv4Address KERNEL = Ipv4Address.parse("192.0.2.1");
    private static final Ipv4Address STACK = Ipv4Address.parse("192.0.2.2");
    private static final Ipv4Address STACK_GROUP = Ipv4Address.parse("239.1.2.3");
    private static final Ipv4Address KERNEL_GROUP = Ipv4Address.parse("239.1.2.4");
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(60);

    @LabTest
    void multicastBothWaysAndReportsDecodeCleanly(@TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("igmp.pcap");
        String ifname = Lab.uniqueInterfaceName("ssigmp");
        MacAddress mac = StackHost.macFor(ifname);
        try (StackHost host = StackHost.onTap(ifname, mac, 1500, StackConfig.defaults("igmp-lab").withSeed(7));
             Lab lab = Lab.create()) {
            lab.exec(Duration.ofSeconds(10), "sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1").orThrow();
            lab.exec(Duration.ofSeconds(10), "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1").orThrow();
            lab.adoptInterface(ifname, KERNEL + "/24");
            Stack stack = host.stack();
            stack.addIpv4Address(host.iface(), STACK, 24);
            host.start();

            // The stack's reports: two for the join, two for the leave (Robustness Variable 2).
            Process tcpdump = lab.spawn("timeout", "40", "tcpdump", "-n", "-U", "-i", ifname, "-c", "4", "-w",
                    pcap.toString(), "igmp and ether src " + mac);
            awaitCaptureStarted(pcap);

            // 1. The stack joins 239.1.2.3; the kernel sends to it.
            UdpSocket socket = host.call(() -> {
                UdpSocket s = stack.udp().open();
                s.bind(new Endpoint(Ipv4Address.ANY, 5000));
                s.joinGroup(STACK_GROUP, host.iface().index());
                return s;
            });
            ProcResult send = lab.exec(Duration.ofSeconds(10), "sh", "-c",
                    "echo hello-stack | socat -u - UDP4-DATAGRAM:" + STACK_GROUP + ":5000,ip-multicast-if=" + KERNEL);
            assertEquals(0, send.exitCode(), send.output());
            String got = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (got == null && System.nanoTime() < deadline) {
                got = host.call(() -> {
                    UdpDatagram d = socket.receive();
                    if (d == null) {
                        return null;
                    }
                    String text = d.data().toString(StandardCharsets.US_ASCII);
                    d.data().release();
                    return text + " from " + d.source().address();
                });
                if (got == null) {
                    Thread.sleep(50);
                }
            }
            assertEquals("hello-stack\n from " + KERNEL, got, "the stack's socket received the kernel's datagram");

            // 2. The kernel joins 239.1.2.4; the stack sends to it (socat ends after one datagram).
            Process recv = lab.spawn("timeout", "10", "socat", "-u",
                    "UDP4-RECVFROM:5001,ip-add-membership=" + KERNEL_GROUP + ":" + ifname, "STDOUT");
            Thread.sleep(1000);
            for (int i = 0; i < 5 && recv.isAlive(); i++) {
                SocketError e = host.call(() -> socket.sendTo(
                        Unpooled.wrappedBuffer("hello-kernel\n".getBytes(StandardCharsets.US_ASCII)),
                        new Endpoint(KERNEL_GROUP, 5001), host.loop().clock().nanos()));
                assertEquals(SocketError.OK, e);
                Thread.sleep(300);
            }
            assertEquals("hello-kernel\n", Lab.outputOf(recv, Duration.ofSeconds(15)),
                    "the kernel received the stack's datagram");

            // 3. Leave: TO_IN {} twice, then the capture has its four reports.
            assertEquals(SocketError.OK, host.call(() -> socket.leaveGroup(STACK_GROUP, host.iface().index())));
            String dump = Lab.outputOf(tcpdump, Duration.ofSeconds(30));
            assertTrue(dump.contains("4 packets captured"), () -> "tcpdump: " + dump + "\ncapture:\n"
                    + Lab.run(TOOL_TIMEOUT, "tcpdump", "-n", "-r", pcap.toString()).output()
                    + "\ncounters:\n" + stack.counters().format(true));
            host.call(() -> {
                socket.close();
                return null;
            });
            assertEquals(4, stack.counters().get("igmp.tx.v3_reports"));
        }

        ProcResult expert = Lab.run(TOOL_TIMEOUT, "tshark", "-r", pcap.toString(), "-q", "-z", "expert");
        assertEquals(0, expert.exitCode(), expert.output());
        assertFalse(expert.output().contains("Errors ("), expert.output());
        assertFalse(expert.output().toLowerCase().contains("malformed"), expert.output());
        ProcResult fields = Lab.run(TOOL_TIMEOUT, "tshark", "-r", pcap.toString(), "-T", "fields", "-e", "ip.dst",
                "-e", "ip.ttl", "-e", "ip.opt.type", "-e", "igmp.version", "-e", "igmp.record_type", "-e", "igmp.maddr",
                "-e", "igmp.checksum.status");
        assertEquals(0, fields.exitCode(), fields.output());
        // Only the field lines (tshark may print a warning about running as root).
        String[] lines = fields.output().lines().filter(l -> l.contains("\t")).toArray(String[]::new);
        assertEquals(4, lines.length, fields.output());
        for (int i = 0; i < 4; i++) {
            String[] f = lines[i].split("\t");
            assertEquals("224.0.0.22", f[0], lines[i]);
            assertEquals("1", f[1], lines[i]);
            assertTrue(f[2].contains("148"), "Router Alert: " + lines[i]);
            assertEquals("3", f[3], lines[i]);
            assertEquals(i < 2 ? "4" : "3", f[4], "TO_EX on join, TO_IN on leave: " + lines[i]);
            assertEquals(STACK_GROUP.toString(), f[5], lines[i]);
            assertEquals("1", f[6], "checksum good: " + lines[i]);
        }
    }

    /** tcpdump writes the pcap file header once it is capturing. */
    private static void awaitCaptureStarted(Path pcap) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (Files.exists(pcap) && Files.size(pcap) >= 24) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("tcpdump did not start");
    }
}
