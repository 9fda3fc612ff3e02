package org.sockstack.testbed.lab;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.StackConfig;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.testbed.host.StackHost;
import org.sockstack.testbed.services.HttpContent;
import org.sockstack.testbed.services.HttpGet;
import org.sockstack.testbed.services.TcpServices;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TCP against the Linux kernel over TAP (IPv4): curl downloads from our HTTP server, the kernel
 * uploads into discard and through echo, the stack downloads from a kernel-side server, and many
 * concurrent connections are held and served.
 */
@LabClass
class TcpLabTest {
    static final Ipv4Address KERNEL = Ipv4Address.parse("192.0.2.1");
    static final Ipv4Address STACK = Ipv4Address.parse("192.0.2.2");
    static final long MB100 = 100_000_000L;
    static Lab lab;
    static StackHost host;
    static TcpServices services;
    static Path capture;
    static String ifname;

    @BeforeAll
    static void setUp() throws Exception {
        ifname = Lab.uniqueInterfaceName("sstcp");
        capture = Files.createTempFile("sockstack-tcp-lab", ".pcap");
        host = StackHost.onTap(ifname, StackHost.macFor(ifname), 1500, StackConfig.defaults("tcplab").withSeed(5), null);
        lab = Lab.create();
        lab.adoptInterface(ifname, KERNEL + "/24");
        host.run(() -> {
            host.stack().addIpv4Address(host.iface(), STACK, 24);
            services = TcpServices.start(host.stack(), List.of("echo", "discard", "chargen", "http"));
        });
        host.start();
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
    }

    static String expectedSha256(long n) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] chunk = new byte[1 << 16];
        HttpContent.fill(chunk, 0, chunk.length, 0);
        long left = n;
        while (left > 0) {
            int len = (int) Math.min(left, chunk.length);
            sha.update(chunk, 0, len);
            left -= len;
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    @Test
    void curlDownloads100MegabytesByteExact() throws Exception {
        ProcResult r = lab.exec(Duration.ofSeconds(120), "sh", "-c",
                "curl -sS -m 100 http://" + STACK + "/bytes/" + MB100 + " | sha256sum");
        assertTrue(r.output().startsWith(expectedSha256(MB100)), "sha256 of the download:\n" + r.output());
    }

    @Test
    void curlKeepAliveFetchesSeveralResourcesOnOneConnection() {
        ProcResult r = lab.exec(Duration.ofSeconds(30), "curl", "-sS", "-m", "20", "-o", "/dev/null", "-o", "/dev/null",
                "-w", "%{http_code} %{num_connects}\n", "http://" + STACK + "/bytes/1000", "http://" + STACK + "/bytes/2000");
        assertEquals(List.of("200 1", "200 0"), r.output().lines().toList(), "second request reused the connection");
        ProcResult page = lab.exec(Duration.ofSeconds(30), "curl", "-sS", "-m", "20", "http://" + STACK + "/");
        assertTrue(page.output().contains("tcp.passive_opens") && page.output().contains("ESTABLISHED"), page.output());
        ProcResult missing = lab.exec(Duration.ofSeconds(30), "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                "http://" + STACK + "/nothing");
        assertEquals("404", missing.output().trim());
    }

    @Test
    void kernelUploads100MegabytesIntoDiscard() {
        ProcResult r = lab.exec(Duration.ofSeconds(120), "sh", "-c",
                "head -c " + MB100 + " /dev/zero | timeout 100 nc -N " + STACK + " 9 && echo UPLOADED");
        assertTrue(r.output().contains("UPLOADED"), r.output());
    }

    @Test
    void kernelUploads100MegabytesThroughEchoAndGetsThemBack() {
        // socat sends the file and writes what comes back; the comparison is done in the namespace.
        ProcResult r = lab.exec(Duration.ofSeconds(150), "sh", "-c",
                "f=$(mktemp); g=$(mktemp); head -c " + MB100 + " /dev/urandom > $f; "
                        + "timeout 120 socat -b 65536 -t 60 -T 20 - TCP4:" + STACK + ":7,shut-down < $f > $g; "
                        + "cmp $f $g && echo SAME; ls -l $g | cut -d' ' -f5; rm -f $f $g");
        assertTrue(r.output().contains("SAME"), r.output());
    }

    @Test
    void theStackDownloadsFromAKernelServer() throws Exception {
        Path www = Files.createTempDirectory("sockstack-www");
        Path blob = www.resolve("blob");
        byte[] data = new byte[20_000_000];
        new java.util.Random(3).nextBytes(data);
        Files.write(blob, data);
        Process server = lab.spawn("/usr/bin/python3", "-m", "http.server", "8000", "--bind", KERNEL.toString(),
                "--directory", www.toString());
        try {
            awaitListening(8000);
            HttpGet.Result r = host.call(() -> HttpGet.start(host.stack(), new Endpoint(KERNEL, 8000), KERNEL.toString(),
                    "/blob", OutputStream.nullOutputStream())).get(60, TimeUnit.SECONDS);
            assertEquals(200, r.status());
            assertEquals(data.length, r.bodyBytes());
            assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)), r.sha256());
        } finally {
            server.toHandle().destroy();
            server.waitFor(5, TimeUnit.SECONDS);
            Files.deleteIfExists(blob);
            Files.deleteIfExists(www);
        }
    }

    @Test
    void aThousandConcurrentConnectionsAreHeldAndServed() {
        // One Python process opens 1000 connections to the echo service, then uses each once.
        String script = "import socket\n"
                + "socks = []\n"
                + "for i in range(1000):\n"
                + "    s = socket.create_connection(('" + STACK + "', 7), timeout=10)\n"
                + "    socks.append(s)\n"
                + "ok = 0\n"
                + "for i, s in enumerate(socks):\n"
                + "    msg = b'conn-%d' % i\n"
                + "    s.sendall(msg)\n"
                + "    got = b''\n"
                + "    while len(got) < len(msg):\n"
                + "        got += s.recv(64)\n"
                + "    ok += got == msg\n"
                + "print('served', ok)\n"
                + "for s in socks:\n"
                + "    s.close()\n";
        ProcResult r = lab.exec(Duration.ofSeconds(120), "/usr/bin/python3", "-c", script);
        assertTrue(r.output().contains("served 1000"), r.output());
    }

    private static void awaitListening(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            ProcResult ss = lab.exec(Duration.ofSeconds(5), "ss", "-ltn");
            if (ss.output().contains(":" + port)) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        throw new AssertionError("server did not listen on " + port);
    }

    /** The kernel's own capture of a TCP exchange with the stack decodes in tshark with no expert errors. */
    @Test
    void tcpExchangeDecodesCleanlyInTshark() throws Exception {
        Path pcap = Files.createTempFile("sockstack-tcp-kernel", ".pcap");
        try {
            Process dump = lab.spawn("timeout", "30", "tcpdump", "-i", ifname, "-n", "-U", "-s", "0", "-w", pcap.toString(),
                    "tcp");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (Files.size(pcap) == 0 && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(20);
            }
            lab.exec(Duration.ofSeconds(30), "curl", "-sS", "-m", "20", "-o", "/dev/null", "http://" + STACK + "/bytes/300000");
            lab.exec(Duration.ofSeconds(30), "sh", "-c", "echo hello | socat -t 2 - TCP4:" + STACK + ":7");
            TimeUnit.MILLISECONDS.sleep(300);
            dump.toHandle().destroy();
            dump.waitFor(5, TimeUnit.SECONDS);
            ProcResult expert = Lab.run(Duration.ofSeconds(60), "tshark", "-r", pcap.toString(), "-q", "-z", "expert,error");
            assertTrue(expert.ok(), expert.output());
            assertTrue(!expert.output().contains("Malformed") && !expert.output().contains("Errors ("),
                    "tshark expert errors:\n" + expert.output());
            ProcResult syns = Lab.run(Duration.ofSeconds(60), "tshark", "-r", pcap.toString(), "-Y",
                    "tcp.flags.syn == 1 && tcp.flags.ack == 1 && ip.src == " + STACK);
            assertTrue(syns.output().lines().count() >= 2, "our SYN-ACKs decoded:\n" + syns.output());
        } finally {
            Files.deleteIfExists(pcap);
        }
    }

    /**
     * A SYN flood (hping3 at 20,000 SYNs/s, bounded to a few seconds, from a spoofed on-link documentation address
     * where no host answers, so our SYN-ACKs go unanswered and half-open connections pile up) fills
     * the SYN queue; SYN cookies keep the stack serving real clients.
     */
    @Test
    void synFloodDoesNotStopRealClients() throws Exception {
        // 20,000 SYNs per second: over a hundred times what the SYN queue holds, yet below the rate
        // at which hping3 alone fills the TAP device's queue (then nobody gets through, on any stack).
        Process flood = lab.spawn("timeout", "6", "hping3", "-S", "-p", "80", "-i", "u50", "-a", "192.0.2.77",
                STACK.toString());
        try {
            TimeUnit.MILLISECONDS.sleep(500);
            for (int i = 0; i < 3; i++) {
                ProcResult r = lab.exec(Duration.ofSeconds(30), "curl", "-sS", "-m", "10", "-o", "/dev/null", "-w",
                        "%{http_code}", "http://" + STACK + "/bytes/100000");
                assertEquals("200", r.output().trim(), "a real client during the flood, attempt " + i + ": " + r.output());
            }
        } finally {
            flood.toHandle().destroy();
            flood.waitFor(10, TimeUnit.SECONDS);
        }
        long cookies = host.call(() -> host.stack().counters().get("tcp.syncookies_sent"));
        assertTrue(cookies > 0, "SYN cookies were sent during the flood");
    }
}
