package org.sockstack.testbed.lab;

import org.sockstack.testbed.cli.SockstackCli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code sockstack serve} contract other tools rely on, run as its own process: it prints
 * 'ready' (after its JIT warm-up, asked for with --warm-up), answers ping and UDP echo, and on
 * SIGTERM prints its counters and exits 0.
 */
class ServeCommandLabTest {

    @LabTest
    void serveAnswersUntilSigtermThenPrintsCountersAndExitsZero() throws Exception {
        try (Lab lab = Lab.create()) {
            String ifname = Lab.uniqueInterfaceName("ssserve");
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"),
                    SockstackCli.class.getName(), "serve", "--tap", ifname, "--netns", lab.namespace(),
                    "--addr", "192.0.2.2/24", "--addr6", "2001:db8::2/64", "--warm-up"));
            Process serve = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            try {
                BufferedReader reader = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
                StringBuilder output = new StringBuilder();
                CompletableFuture<Boolean> ready = new CompletableFuture<>();
                CompletableFuture<Void> finished = new CompletableFuture<>();
                Thread.ofVirtual().start(() -> {
                    try {
                        String line;
                        while ((line = reader.readLine()) != null) {
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
                    finished.complete(null);
                });
                assertTrue(ready.get(60, TimeUnit.SECONDS), "serve printed 'ready':\n" + output);
                synchronized (output) {
                    assertTrue(output.toString().contains("sockstack warm-up: 100 rounds"), "warm-up ran first:\n" + output);
                }
                lab.ip("addr", "add", "192.0.2.1/24", "dev", ifname).orThrow();
                lab.ip("addr", "add", "2001:db8::1/64", "dev", ifname, "nodad").orThrow();
                ProcResult ping = lab.exec(Duration.ofSeconds(20), "ping", "-c", "3", "-i", "0.2", "-W", "2", "192.0.2.2");
                assertTrue(ping.output().contains(" 0% packet loss"), ping.output());
                ProcResult echo = lab.exec(Duration.ofSeconds(20), "sh", "-c",
                        "echo via-cli | socat -t 2 -T 2 - UDP4:192.0.2.2:7");
                assertTrue(echo.output().contains("via-cli"), echo.output());
                // HTTP (port 80) is the Winsock-API server: two requests on one kept-alive connection.
                ProcResult http = lab.exec(Duration.ofSeconds(60), "curl", "-sS", "-m", "50", "-o", "/dev/null",
                        "-o", "/dev/null", "-w", "%{http_code} %{size_download} %{num_connects}\\n",
                        "http://192.0.2.2/bytes/2000000", "http://192.0.2.2/bytes/10");
                assertEquals("200 2000000 1\n200 10 0\n", http.output(), http.output());
                ProcResult sha = lab.exec(Duration.ofSeconds(60), "sh", "-c",
                        "curl -sS -m 50 http://192.0.2.2/bytes/128 | sha256sum");
                assertTrue(sha.output().startsWith(sha256OfContent(128)), sha.output());
                // The same Winsock program serves IPv6 (an AF_INET6 socket; our address may still be in DAD).
                ProcResult sha6 = lab.exec(Duration.ofSeconds(60), "sh", "-c",
                        "curl -6 -sS -m 20 --retry 10 --retry-connrefused --retry-delay 1 "
                                + "'http://[2001:db8::2]/bytes/128' | sha256sum");
                assertTrue(sha6.output().startsWith(sha256OfContent(128)), sha6.output());
                ProcResult status = lab.exec(Duration.ofSeconds(20), "curl", "-sS", "-m", "10", "http://192.0.2.2/");
                assertTrue(status.output().contains("<h2>TCP connections</h2>") && status.output().contains("ESTABLISHED"),
                        status.output());

                serve.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of its output
                assertTrue(serve.waitFor(20, TimeUnit.SECONDS), "serve exits after SIGTERM");
                finished.get(10, TimeUnit.SECONDS);
                String all;
                synchronized (output) {
                    all = output.toString();
                }
                assertEquals(0, serve.exitValue(), all);
                assertTrue(all.contains("counters:") && all.contains("icmp.tx.echo_replies"), all);
            } finally {
                if (serve.isAlive()) {
                    serve.destroyForcibly();
                }
            }
        }
    }

    private static String sha256OfContent(int n) throws java.security.NoSuchAlgorithmException {
        byte[] b = new byte[n];
        org.sockstack.testbed.services.HttpContent.fill(b, 0, n, 0);
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
    }
}
