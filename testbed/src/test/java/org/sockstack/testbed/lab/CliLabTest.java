package org.sockstack.testbed.lab;

import org.sockstack.testbed.cli.SockstackCli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code sockstack ping} and {@code sockstack get} as a user runs them: the CLI process runs
 * inside the lab namespace and attaches to a TAP device made there (as the peer harness does).
 */
class CliLabTest {

    /** A persistent TAP device made inside the lab, kernel side 192.0.2.1/24. */
    private static String labTap(Lab lab, String base) {
        String tap = Lab.uniqueInterfaceName(base);
        lab.exec(Duration.ofSeconds(10), "ip", "tuntap", "add", "dev", tap, "mode", "tap").orThrow();
        lab.ip("addr", "add", "192.0.2.1/24", "dev", tap).orThrow();
        lab.ip("link", "set", "dev", tap, "up").orThrow();
        return tap;
    }

    private static String[] cli(String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                SockstackCli.class.getName()));
        cmd.addAll(List.of(args));
        return cmd.toArray(String[]::new);
    }

    @LabTest
    void sockstackPingGetsRepliesFromTheKernel() {
        try (Lab lab = Lab.create()) {
            String tap = labTap(lab, "ssping");
            ProcResult r = lab.exec(Duration.ofSeconds(60),
                    cli("ping", "--tap", tap, "--addr", "192.0.2.2/24", "-c", "3", "-i", "0.2", "192.0.2.1"));
            assertTrue(r.ok(), r.output());
            assertTrue(r.output().contains("3 packets transmitted, 3 received, 0% packet loss"), r.output());
            assertTrue(r.output().contains("bytes from 192.0.2.1: icmp_seq=1 ttl=64"), r.output());
        }
    }

    @LabTest
    void sockstackGetDownloadsFromAKernelServer() throws Exception {
        Path www = java.nio.file.Files.createTempDirectory("sockstack-get");
        byte[] data = new byte[3_000_000];
        new java.util.Random(11).nextBytes(data);
        java.nio.file.Files.write(www.resolve("f"), data);
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(data));
        try (Lab lab = Lab.create()) {
            String tap = labTap(lab, "ssget");
            lab.spawn("/usr/bin/python3", "-m", "http.server", "8000", "--bind", "192.0.2.1", "--directory", www.toString());
            ProcResult r = null;
            for (int attempt = 0; attempt < 20; attempt++) {   // until the server listens
                r = lab.exec(Duration.ofSeconds(60), cli("get", "--tap", tap, "--addr", "192.0.2.2/24", "--timeout", "30",
                        "http://192.0.2.1:8000/f"));
                if (r.ok()) {
                    break;
                }
                java.util.concurrent.TimeUnit.MILLISECONDS.sleep(100);
            }
            assertTrue(r.ok(), r.output());
            assertTrue(r.output().contains("HTTP 200, 3000000 bytes") && r.output().contains("sha256 " + sha), r.output());
        } finally {
            java.nio.file.Files.deleteIfExists(www.resolve("f"));
            java.nio.file.Files.deleteIfExists(www);
        }
    }

    @LabTest
    void sockstackGetOverIpv6() throws Exception {
        Path www = java.nio.file.Files.createTempDirectory("sockstack-get6");
        byte[] data = new byte[1_000_000];
        new java.util.Random(12).nextBytes(data);
        java.nio.file.Files.write(www.resolve("f"), data);
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(data));
        try (Lab lab = Lab.create()) {
            String tap = labTap(lab, "ssget6");
            lab.ip("-6", "addr", "add", "2001:db8::1/64", "dev", tap, "nodad").orThrow();
            lab.spawn("/usr/bin/python3", "-m", "http.server", "8000", "--bind", "2001:db8::1", "--directory", www.toString());
            ProcResult r = null;
            for (int attempt = 0; attempt < 20; attempt++) {   // until the server listens
                r = lab.exec(Duration.ofSeconds(60), cli("get", "--tap", tap, "--addr", "192.0.2.2/24",
                        "--addr6", "2001:db8::2/64", "--timeout", "30", "http://[2001:db8::1]:8000/f"));
                if (r.ok()) {
                    break;
                }
                java.util.concurrent.TimeUnit.MILLISECONDS.sleep(100);
            }
            assertTrue(r.ok(), r.output());
            assertTrue(r.output().contains("HTTP 200, 1000000 bytes") && r.output().contains("sha256 " + sha), r.output());
        } finally {
            java.nio.file.Files.deleteIfExists(www.resolve("f"));
            java.nio.file.Files.deleteIfExists(www);
        }
    }
}
