package org.sockstack.testbed.lab;

import org.sockstack.testbed.cli.SockstackCli;
import org.sockstack.testbed.control.ControlPaths;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code sockstack ss} and {@code sockstack stats} against a running {@code sockstack serve} in
 * a lab namespace: a TCP connection the kernel holds open (nc into discard) shows up ESTABLISHED
 * with its TCP internals, the counters come back, and the control socket is gone after SIGTERM.
 */
class ControlLabTest {

    @LabTest
    void ssShowsTheKernelsConnectionWithItsInternals() throws Exception {
        try (Lab lab = Lab.create()) {
            String ifname = Lab.uniqueInterfaceName("ssctl");
            String name = "labctl-" + ProcessHandle.current().pid();
            Process serve = new ProcessBuilder(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    SockstackCli.class.getName(), "serve", "--tap", ifname, "--netns", lab.namespace(),
                    "--addr", "192.0.2.2/24", "--no-ipv6", "--name", name)).redirectErrorStream(true).start();
            StringBuilder output = new StringBuilder();
            try {
                CompletableFuture<Boolean> ready = new CompletableFuture<>();
                Thread.ofVirtual().start(() -> {
                    try (BufferedReader r = new BufferedReader(new InputStreamReader(serve.getInputStream(),
                            StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = r.readLine()) != null) {
                            synchronized (output) {
                                output.append(line).append('\n');
                            }
                            if (line.contains("ready")) {
                                ready.complete(true);
                            }
                        }
                    } catch (Exception ignored) {
                        // the process ended
                    }
                    ready.complete(false);
                });
                assertTrue(ready.get(60, TimeUnit.SECONDS), "serve printed 'ready':\n" + output);
                Path socket = ControlPaths.find(name);
                assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(socket)));
                lab.ip("addr", "add", "192.0.2.1/24", "dev", ifname).orThrow();
                // The kernel holds a connection to discard (port 9) open for a while, after 100 kB.
                lab.spawn("sh", "-c", "(head -c 100000 /dev/zero; sleep 20) | timeout 25 nc 192.0.2.2 9");

                String ss = "";
                for (int attempt = 0; attempt < 100 && !ss.contains("ESTABLISHED"); attempt++) {
                    TimeUnit.MILLISECONDS.sleep(100);
                    ss = cli("ss", "--name", name, "-i");
                }
                assertTrue(ss.lines().anyMatch(l -> l.startsWith("ESTABLISHED") && l.contains("192.0.2.2:9")
                        && l.contains("192.0.2.1:")), ss);
                for (String field : List.of("cwnd:", "rto:", "rtt:", "bytes_in_flight:", "retrans:", "rcv_wnd:")) {
                    assertTrue(ss.contains(field), field + " in\n" + ss);
                }
                String stats = cli("stats", "--name", name);
                assertTrue(stats.contains("tcp.passive_opens"), stats);
                assertTrue(stats.contains("drops: "), stats);
                assertTrue(cli("trace", "--name", name, "on").contains("trace on"));

                serve.toHandle().destroy(); // SIGTERM
                assertTrue(serve.waitFor(20, TimeUnit.SECONDS), "serve exits after SIGTERM");
                assertEquals(0, serve.exitValue(), output.toString());
                assertFalse(Files.exists(socket), "control socket removed on exit");
            } finally {
                if (serve.isAlive()) {
                    serve.destroyForcibly();
                }
            }
        }
    }

    private static String cli(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            System.setOut(ps);
            assertEquals(0, SockstackCli.run(args), String.join(" ", args));
            return bytes.toString(StandardCharsets.UTF_8);
        } finally {
            System.setOut(saved);
        }
    }
}
