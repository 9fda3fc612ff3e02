package org.sockstack.testbed.sim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Scenarios on virtual time: they finish in seconds of wall time, write their files, and repeat exactly. */
class ScenarioRunnerTest {
    private static final List<String> FILES = List.of("a.pcapng", "b.pcapng", "flow-1.csv", "flow-1-cwnd.svg",
            "flow-1-rtt.svg", "ladder.svg", "summary.txt");

    private static Scenario.Builder small() {
        return Scenario.builder().rate(10_000_000L).delay(Duration.ofMillis(5)).bytes(200_000)
                .duration(Duration.ofSeconds(30));
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void pairScenarioDeliversEveryByteAndWritesEveryFile(@TempDir Path dir) throws IOException {
        ScenarioResult r = ScenarioRunner.run(small().build(), dir);
        assertTrue(r.ok(), r.summary());
        FlowResult f = r.flows().get(0);
        assertEquals(200_000, f.bytesReceived());
        assertTrue(f.completed() && f.intact(), r.summary());
        // 200 kB over 10 Mbit/s needs at least 160 ms; the handshake and slow start add round trips.
        assertTrue(f.seconds() > 0.16 && f.seconds() < 2, "completion time " + f.seconds());
        assertTrue(f.goodputBitsPerSecond() < 10_000_000L, "goodput cannot beat the link");
        for (String name : FILES) {
            assertTrue(Files.size(dir.resolve(name)) > 0, name);
        }
        List<String> csv = Files.readAllLines(dir.resolve("flow-1.csv"));
        assertEquals("time_s,cwnd,ssthresh,srtt_ms,rttvar_ms,rto_ms,bytes_acked,retransmissions,bytes_in_flight", csv.get(0));
        assertTrue(csv.size() > 15, "one row per 10 ms: " + csv.size());
        assertTrue(csv.get(1).startsWith("0.000000,"), csv.get(1));
        assertTrue(csv.get(2).startsWith("0.010000,"), csv.get(2));
        String summary = Files.readString(dir.resolve("summary.txt"));
        assertEquals(r.summary(), summary);
        assertTrue(summary.contains("192.0.2.1.") && summary.contains("> 192.0.2.2.5001") && summary.contains("complete"),
                summary);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void theSameSeedWritesTheSameBytesAndAnotherSeedDoesNot(@TempDir Path dir) throws IOException {
        Scenario.Builder lossy = small().loss(0.02).reorder(0.02, Duration.ofMillis(3)).duplicate(0.01);
        ScenarioRunner.run(lossy.seed(7).build(), dir.resolve("one"));
        ScenarioRunner.run(lossy.seed(7).build(), dir.resolve("two"));
        ScenarioRunner.run(lossy.seed(8).build(), dir.resolve("other"));
        for (String name : FILES) {
            assertEquals(sha256(dir.resolve("one").resolve(name)), sha256(dir.resolve("two").resolve(name)), name);
        }
        assertNotEquals(sha256(dir.resolve("one").resolve("a.pcapng")), sha256(dir.resolve("other").resolve("a.pcapng")));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void impairedPathStillDeliversEveryByteIntact(@TempDir Path dir) throws IOException {
        Scenario s = small().loss(0.03).reorder(0.05, Duration.ofMillis(4)).duplicate(0.02).corrupt(0.01)
                .jitter(Duration.ofMillis(1)).seed(3).build();
        ScenarioResult r = ScenarioRunner.run(s, dir);
        assertTrue(r.ok(), r.summary());
        assertTrue(r.flows().get(0).retransmissions() > 0, "3% loss must cost retransmissions:\n" + r.summary());
        assertTrue(r.summary().contains("loss 3%"), r.summary());
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void dumbbellSendersShareTheBottleneck(@TempDir Path dir) throws IOException {
        Scenario s = small().topology(Topology.DUMBBELL).senders(3).flows(3).queueBytes(64 * 1024)
                .congestionControls(List.of("newreno")).build();
        ScenarioResult r = ScenarioRunner.run(s, dir);
        assertTrue(r.ok(), r.summary());
        assertEquals(3, r.flows().size());
        double total = 0;
        for (FlowResult f : r.flows()) {
            assertEquals(200_000, f.bytesReceived());
            assertEquals("newreno", f.congestionControl());
            assertTrue(f.path().startsWith("192.0.2." + f.id() + "."), f.path());
            total += f.bytesReceived() * 8.0;
        }
        assertTrue(total / (r.endNanos() / 1e9) < 10_000_000L, "together they cannot beat the bottleneck");
        for (String name : List.of("s1.pcapng", "r.pcapng", "flow-3.csv", "flow-3-cwnd.svg", "ladder.svg")) {
            assertTrue(Files.exists(dir.resolve(name)), name);
        }
        assertTrue(Files.notExists(dir.resolve("s2.pcapng")), "only the first sender and the receiver are captured");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void durationModeRunsForTheDurationAndReportsRunningFlows(@TempDir Path dir) throws IOException {
        Scenario s = small().bytes(0).duration(Duration.ofMillis(500)).stagger(Duration.ofMillis(100)).flows(2).build();
        ScenarioResult r = ScenarioRunner.run(s, dir);
        assertEquals(500_000_000L, r.endNanos());
        assertTrue(r.ok(), r.summary());
        assertEquals(100_000_000L, r.flows().get(1).startNanos());
        for (FlowResult f : r.flows()) {
            assertTrue(!f.completed() && f.bytesReceived() > 0, r.summary());
            assertTrue(f.status().startsWith("running"), f.status());
        }
        List<String> csv2 = Files.readAllLines(dir.resolve("flow-2.csv"));
        assertTrue(csv2.get(1).startsWith("0.100000,"), "flow 2 is sampled from its start: " + csv2.get(1));
    }

    static String sha256(Path p) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
