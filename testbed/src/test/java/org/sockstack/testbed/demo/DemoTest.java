package org.sockstack.testbed.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sockstack.testbed.cli.SockstackCli;
import org.sockstack.testbed.lab.LabTest;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's main job works, on the simulated network always and against the kernel as root. */
class DemoTest {

    /** What CI checks with the privileged path disabled: {@code ./sockstack demo --simulated} exits 0. */
    @Test
    void simulatedDemoPasses(@TempDir Path dir) {
        PrintStream saved = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit;
        try (PrintStream ps = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            System.setOut(ps);
            exit = SockstackCli.run("demo", "--simulated", "--capture", dir.resolve("demo.pcapng").toString());
        } finally {
            System.setOut(saved);
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, out);
        assertTrue(out.contains("== demo passed"), out);
        assertTrue(out.contains("ICMP echo reply"), "packet trace shown:\n" + out);
        assertTrue(out.contains("[ ok ] perf: stack a sends 2 MB over TCP"), out);
        assertTrue(out.contains("receiver got 2000000 bytes") && out.contains("tcp_info: retrans "), out);
        assertConnectionView(out);
        assertFalse(out.contains("[FAIL]"), out);
    }

    @LabTest
    void labDemoPassesAndWritesACapture(@TempDir Path dir) throws Exception {
        Path capture = dir.resolve("demo.pcapng");
        String out = run(false, capture);
        assertTrue(out.contains("== demo passed"), out);
        assertTrue(out.contains("the Linux kernel as its peer"), out);
        assertTrue(out.contains("wc -c counted 20000000 bytes"), out);
        assertTrue(Files.size(capture) > 1000, "capture written");
        assertConnectionView(out);
    }

    /** The transcript shows the sender's connection table with TCP internals, as sockstack ss -i does. */
    private static void assertConnectionView(String out) {
        int at = out.indexOf("TCP connections during the transfer ($ sockstack ss -i)");
        assertTrue(at >= 0, out);
        String view = out.substring(at);
        assertTrue(view.contains("ESTABLISHED") && view.contains("cwnd:") && view.contains("bytes_in_flight:"), out);
    }

    private static String run(boolean simulated, Path capture) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            new Demo(ps, capture).run(simulated);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
