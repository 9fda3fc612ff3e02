package org.sockstack.testbed.lab;

import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.StackConfig;
import org.sockstack.stack.icmp.IcmpEchoSocket;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.testbed.host.StackHost;
import org.sockstack.testbed.services.UdpServices;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The IPv4 host against the Linux kernel: the stack on a TAP device in a lab namespace, the
 * kernel's own tools as the peer (issue "IPv4 host", interoperability list).
 */
@LabClass
class Ipv4HostLabTest {
    static final Ipv4Address KERNEL = Ipv4Address.parse("192.0.2.1");
    static final Ipv4Address STACK = Ipv4Address.parse("192.0.2.2");
    static Lab lab;
    static StackHost host;
    static UdpServices services;
    static String ifname;
    static Path capture;
    static Process tcpdump;
    static Path tcpdumpFile;

    @BeforeAll
    static void setUp() throws Exception {
        ifname = Lab.uniqueInterfaceName("ssv4");
        capture = Files.createTempFile("sockstack-ipv4-lab", ".pcapng");
        host = StackHost.onTap(ifname, StackHost.macFor(ifname), 1500, StackConfig.defaults("lab").withSeed(7), capture);
        lab = Lab.create();
        lab.adoptInterface(ifname, KERNEL + "/24");
        // Record from the kernel side too, from before the address is added, to see the gratuitous ARP.
        tcpdumpFile = Files.createTempFile("sockstack-ipv4-kernel", ".pcap");
        tcpdump = lab.spawn("timeout", "120", "tcpdump", "-i", ifname, "-n", "-U", "-w", tcpdumpFile.toString(), "arp");
        awaitFileGrowth(tcpdumpFile);
        host.run(() -> {
            host.stack().addIpv4Address(host.iface(), STACK, 24);
            services = UdpServices.start(host.stack(), List.of("echo", "discard", "daytime", "chargen"),
                    ZonedDateTime::now);
        });
        host.start();
    }

    /** tcpdump writes its file header once it is capturing. */
    private static void awaitFileGrowth(Path file) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Files.size(file) == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (host != null) {
            if (services != null) {
                host.run(services::close);
            }
            host.close();
        }
        if (lab != null) {
            lab.close();
        }
        Files.deleteIfExists(capture);
        Files.deleteIfExists(tcpdumpFile);
    }

    private static ProcResult inLab(String... command) {
        return lab.exec(Duration.ofSeconds(60), command);
    }

    private static int lossPercent(ProcResult ping) {
        Matcher m = Pattern.compile("(\\d+)% packet loss").matcher(ping.output());
        assertTrue(m.find(), "ping summary: " + ping.output());
        return Integer.parseInt(m.group(1));
    }

    @Test
    void pingTwentyTimesWithoutLoss() {
        ProcResult ping = inLab("ping", "-c", "20", "-i", "0.05", "-W", "2", STACK.toString());
        assertEquals(0, lossPercent(ping), ping.output());
    }

    @Test
    void largePingsAreAnsweredFragmentedBothWays() {
        for (String size : List.of("1472", "8000", "65000")) {
            ProcResult ping = inLab("ping", "-c", "3", "-i", "0.2", "-W", "3", "-s", size, STACK.toString());
            assertEquals(0, lossPercent(ping), "ping -s " + size + ":\n" + ping.output());
        }
    }

    @Test
    void arpingResolvesTheStackAndTheGratuitousArpWasSeen() throws Exception {
        ProcResult arping = inLab("arping", "-c", "3", "-w", "10", "-I", ifname, STACK.toString());
        assertTrue(arping.output().contains("Received 3 response"), arping.output());
        tcpdump.destroy();
        tcpdump.waitFor(5, TimeUnit.SECONDS);
        ProcResult read = Lab.run(Duration.ofSeconds(20), "tcpdump", "-n", "-r", tcpdumpFile.toString());
        assertTrue(read.output().contains("Request who-has " + STACK + " tell " + STACK)
                        || read.output().contains("Announcement " + STACK)
                        || read.output().contains("who-has " + STACK + " (ff:ff:ff:ff:ff:ff) tell " + STACK),
                "gratuitous ARP / announcement from the stack:\n" + read.output());
    }

    @Test
    void theStackPingsTheKernel() throws Exception {
        LinkedBlockingQueue<IcmpEchoSocket.Reply> replies = new LinkedBlockingQueue<>();
        IcmpEchoSocket s = host.call(() -> {
            IcmpEchoSocket socket = host.stack().icmpv4().openEcho();
            socket.setListener(e -> {
                IcmpEchoSocket.Reply r;
                while ((r = socket.receive()) != null) {
                    replies.add(r);
                }
            });
            return socket;
        });
        for (int seq = 1; seq <= 3; seq++) {
            int sq = seq;
            assertTrue(host.call(() -> s.send(KERNEL.bits(), sq, Unpooled.wrappedBuffer(new byte[56]), 64,
                    host.loop().clock().nanos())));
            IcmpEchoSocket.Reply r = replies.poll(5, TimeUnit.SECONDS);
            assertNotNull(r, "reply " + seq + " from the kernel");
            assertEquals(seq, r.sequence());
            assertEquals(KERNEL.bits(), r.from());
        }
        host.run(s::close);
    }

    @Test
    void udpEchoSmallAndFragmented() {
        ProcResult small = inLab("sh", "-c", "echo hello-sockstack | socat -t 3 -T 3 - UDP4:" + STACK + ":7");
        assertTrue(small.output().contains("hello-sockstack"), small.output());
        // 8 KB datagrams are fragmented both ways; compare what comes back.
        ProcResult big = inLab("sh", "-c", "head -c 8192 /dev/urandom > /tmp/ss-udp-in.$$ && "
                + "socat -b 65536 -t 3 -T 3 - UDP4:" + STACK + ":7 < /tmp/ss-udp-in.$$ > /tmp/ss-udp-out.$$ && "
                + "cmp /tmp/ss-udp-in.$$ /tmp/ss-udp-out.$$ && echo SAME; rm -f /tmp/ss-udp-in.$$ /tmp/ss-udp-out.$$");
        assertTrue(big.output().contains("SAME"), big.output());
    }

    @Test
    void closedUdpPortIsRefused() {
        String script = "import socket\n"
                + "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                + "s.settimeout(3)\n"
                + "s.connect(('" + STACK + "', 4444))\n"
                + "s.send(b'x')\n"
                + "try:\n"
                + "    s.recv(10)\n"
                + "    print('NO-ERROR')\n"
                + "except ConnectionRefusedError:\n"
                + "    print('REFUSED')\n"
                + "except socket.timeout:\n"
                + "    print('TIMEOUT')\n";
        ProcResult r = inLab("/usr/bin/python3", "-c", script);
        assertTrue(r.output().contains("REFUSED"), r.output());
    }

    @Test
    void daytimeAndChargenAnswer() {
        ProcResult daytime = inLab("sh", "-c", "echo | socat -t 3 -T 3 - UDP4:" + STACK + ":13");
        assertTrue(daytime.output().matches("(?s).*\\d{4} \\d{2}:\\d{2}:\\d{2}.*"), daytime.output());
        ProcResult chargen = inLab("sh", "-c", "echo | socat -t 3 -T 3 - UDP4:" + STACK + ":19");
        assertTrue(chargen.output().contains("!\"#$%&'()*+,-./0123456789"), chargen.output());
    }

    @Test
    void ourCaptureDecodesInTsharkWithoutMalformedPackets() {
        inLab("ping", "-c", "2", "-s", "3000", "-W", "2", STACK.toString());
        host.flushCapture();
        ProcResult tshark = Lab.run(Duration.ofSeconds(60), "tshark", "-r", capture.toString(), "-q", "-z", "expert,warn");
        assertTrue(tshark.ok(), tshark.output());
        assertTrue(!tshark.output().contains("Malformed") && !tshark.output().contains("Errors ("),
                "tshark expert info:\n" + tshark.output());
        ProcResult count = Lab.run(Duration.ofSeconds(60), "tshark", "-r", capture.toString(), "-Y", "icmp.type == 0");
        assertTrue(count.output().lines().count() >= 2, "echo replies in our capture:\n" + count.output());
    }
}
