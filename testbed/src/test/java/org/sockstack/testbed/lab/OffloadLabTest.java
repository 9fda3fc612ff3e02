package org.sockstack.testbed.lab;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.sockstack.drivers.capture.CaptureDevice;
import org.sockstack.drivers.fault.Impairments;
import org.sockstack.drivers.tap.TapDevice;
import org.sockstack.drivers.tap.VirtioNetHeader;
import org.sockstack.stack.StackConfig;
import org.sockstack.stack.ndp.NdpConfig;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.Ipv6Address;
import org.sockstack.testbed.host.StackHost;
import org.sockstack.testbed.services.TcpServices;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TCP against the Linux kernel over a TAP device in offload mode (virtio-net header, checksum
 * offload, TSO/GSO both ways): 100 MB each way byte-exact, with super-frames really used in both
 * directions, and the stack's own capture (vnet header stripped) decoding cleanly in tshark.
 */
@LabClass
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OffloadLabTest {
    static final Ipv4Address KERNEL = Ipv4Address.parse("192.0.2.1");
    static final Ipv4Address STACK = Ipv4Address.parse("192.0.2.2");
    static final Ipv6Address KERNEL6 = Ipv6Address.parse("2001:db8::1");
    static final Ipv6Address STACK6 = Ipv6Address.parse("2001:db8::2");
    static final long MB100 = 100_000_000L;
    static Lab lab;
    static StackHost host;
    static TcpServices services;
    static Path capture;
    static String ifname;

    @BeforeAll
    static void setUp() throws Exception {
        ifname = Lab.uniqueInterfaceName("ssoff");
        capture = Files.createTempFile("sockstack-offload-lab", ".pcap");
        host = StackHost.onTap(ifname, StackHost.macFor(ifname), 1500, StackConfig.defaults("offloadlab").withSeed(7),
                capture, Impairments.NONE, true);
        lab = Lab.create();
        lab.adoptInterface(ifname, KERNEL + "/24", KERNEL6 + "/64");
        host.run(() -> {
            host.stack().addIpv4Address(host.iface(), STACK, 24);
            host.stack().setNdpConfig(NdpConfig.DEFAULT.withRouterSolicitations(false));
            host.stack().addIpv6Address(host.iface(), STACK6, 64);
            services = TcpServices.start(host.stack(), List.of("echo", "discard", "chargen", "http"), true);
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

    static TapDevice tap() {
        return (TapDevice) ((CaptureDevice) host.device()).inner();
    }

    /** First, while the stack captures: a short exchange, then tshark on the stack's capture. */
    @Test
    @Order(1)
    void stackCaptureOfOffloadedTrafficDecodesCleanlyInTshark() throws Exception {
        assertTrue(tap().offload());
        ProcResult r = lab.exec(Duration.ofSeconds(30), "sh", "-c",
                "curl -sS -m 20 http://" + STACK + "/bytes/2000000 | wc -c; "
                        + "head -c 2000000 /dev/zero | timeout 20 nc -N " + STACK + " 9 && echo UPLOADED");
        assertTrue(r.output().contains("2000000") && r.output().contains("UPLOADED"), r.output());
        host.run(() -> ((CaptureDevice) host.device()).stopCapture());
        ProcResult expert = Lab.run(Duration.ofSeconds(60), "tshark", "-r", capture.toString(), "-q", "-z",
                "expert,error");
        assertTrue(expert.ok(), expert.output());
        assertTrue(!expert.output().contains("Malformed") && !expert.output().contains("Errors ("),
                "tshark expert errors:\n" + expert.output());
        // Super-frames in both directions are in the capture as single frames longer than the MTU.
        ProcResult big = Lab.run(Duration.ofSeconds(60), "tshark", "-r", capture.toString(), "-Y",
                "ip.len > 1500 && ip.src == " + STACK, "-T", "fields", "-e", "ip.len");
        assertTrue(big.output().lines().count() > 0, "no super-frames from the stack in the capture");
        ProcResult bigIn = Lab.run(Duration.ofSeconds(60), "tshark", "-r", capture.toString(), "-Y",
                "ip.len > 1500 && ip.src == " + KERNEL, "-T", "fields", "-e", "ip.len");
        assertTrue(bigIn.output().lines().count() > 0, "no super-frames from the kernel in the capture");
    }

    @Test
    @Order(2)
    void curlDownloads100MegabytesByteExactThroughTso() throws Exception {
        long before = host.call(() -> tap().txSuperFrames());
        ProcResult r = lab.exec(Duration.ofSeconds(120), "sh", "-c",
                "curl -sS -m 100 http://" + STACK + "/bytes/" + MB100 + " | sha256sum");
        assertTrue(r.output().startsWith(TcpLabTest.expectedSha256(MB100)), "sha256 of the download:\n" + r.output());
        long sent = host.call(() -> tap().txSuperFrames()) - before;
        // 100 MB in 1448-octet segments would be ~69000 frames; most of it went as super-frames.
        assertTrue(sent > 500, "TSO super-frames sent: " + sent);
        assertEquals(0L, host.call(() -> tap().txOversize()));
    }

    @Test
    @Order(3)
    void kernelUploads100MegabytesIntoDiscardThroughGso() throws Exception {
        long before = host.call(() -> tap().rxSuperFrames());
        // The data is random and sha256-checked by the stack's echo path below; discard only counts.
        ProcResult r = lab.exec(Duration.ofSeconds(120), "sh", "-c",
                "head -c " + MB100 + " /dev/zero | timeout 100 nc -N " + STACK + " 9 && echo UPLOADED");
        assertTrue(r.output().contains("UPLOADED"), r.output());
        long got = host.call(() -> tap().rxSuperFrames()) - before;
        assertTrue(got > 100, "GSO super-frames received: " + got);
        for (VirtioNetHeader.Error e : VirtioNetHeader.Error.values()) {
            if (e != VirtioNetHeader.Error.OK) {
                assertEquals(0L, host.call(() -> tap().rxDrops(e)), e.reason());
            }
        }
    }

    @Test
    @Order(4)
    void kernelSends100RandomMegabytesThroughEchoByteExact() {
        // Random bytes up through GSO super-frames and back down through TSO, compared in the namespace.
        ProcResult r = lab.exec(Duration.ofSeconds(150), "sh", "-c",
                "f=$(mktemp); g=$(mktemp); head -c " + MB100 + " /dev/urandom > $f; "
                        + "timeout 120 socat -b 65536 -t 60 -T 20 - TCP4:" + STACK + ":7,shut-down < $f > $g; "
                        + "cmp $f $g && echo SAME; rm -f $f $g");
        assertTrue(r.output().contains("SAME"), r.output());
    }

    /** IPv6: GSO TCPV6 super-frames up, TSO TCPV6 down (the IPv6 Payload Length describes them). */
    @Test
    @Order(5)
    void ipv6DownloadAndUploadThroughTsoAndGso() throws Exception {
        ProcResult ready = lab.exec(Duration.ofSeconds(20), "sh", "-c",
                "for i in $(seq 1 50); do ping -6 -c 1 -W 1 " + STACK6 + " >/dev/null 2>&1 && echo UP && break; "
                        + "sleep 0.2; done");
        assertTrue(ready.output().contains("UP"), "our IPv6 address did not answer: " + ready.output());
        long tx = host.call(() -> tap().txSuperFrames());
        long rx = host.call(() -> tap().rxSuperFrames());
        ProcResult r = lab.exec(Duration.ofSeconds(90), "sh", "-c",
                "curl -6 -sS -m 80 http://[" + STACK6 + "]/bytes/30000000 | sha256sum; "
                        + "head -c 30000000 /dev/zero | timeout 60 nc -N " + STACK6 + " 9 && echo UPLOADED");
        assertTrue(r.output().startsWith(TcpLabTest.expectedSha256(30_000_000)), r.output());
        assertTrue(r.output().contains("UPLOADED"), r.output());
        assertTrue(host.call(() -> tap().txSuperFrames()) - tx > 100, "TSO TCPV6 frames sent");
        assertTrue(host.call(() -> tap().rxSuperFrames()) - rx > 100, "GSO TCPV6 frames received");
    }
}
