package org.sockstack.testbed.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.testbed.cli.SockstackCliTest.run;

class SimCommandTest {

    @Test
    void helpDescribesTheCommandAndItsSubcommands() {
        SockstackCliTest.Result top = run("--help");
        assertTrue(top.out().contains("sim"), top.out());
        SockstackCliTest.Result r = run("sim", "--help");
        assertEquals(0, r.code());
        for (String opt : new String[] {"--topology", "--rate", "--delay", "--loss", "--reorder", "--cc", "--seed",
                "--bytes", "--duration", "--flows", "--sample", "ladder", "plot"}) {
            assertTrue(r.out().contains(opt), opt + " in:\n" + r.out());
        }
        assertEquals(0, run("sim", "ladder", "--help").code());
        assertEquals(0, run("sim", "plot", "--help").code());
    }

    @Test
    void badValuesAreOneLineErrorsWithNonZeroExit() {
        assertOneLineError(run("sim", "--rate", "fast"), "not a rate: fast");
        assertOneLineError(run("sim", "--delay", "10"), "not a time");
        assertOneLineError(run("sim", "--loss", "2"), "between 0 and 1");
        assertOneLineError(run("sim", "--topology", "ring"), "unknown topology 'ring'");
        assertOneLineError(run("sim", "--cc", "vegas"), "unknown congestion control 'vegas'");
        assertOneLineError(run("sim", "--bogus"), "--bogus");
        assertOneLineError(run("sim", "ladder", "/nonexistent/x.pcap"), "no such file");
        assertOneLineError(run("sim", "plot"), "CSV");
    }

    private static void assertOneLineError(SockstackCliTest.Result r, String expected) {
        assertNotEquals(0, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains(expected), "'" + expected + "' in: " + r.err());
    }

    @Test
    void runsAScenarioThenDrawsFromItsFiles(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("run");
        SockstackCliTest.Result r = run("sim", "--topology", "dumbbell", "--senders", "2", "--rate", "20M",
                "--delay", "2ms", "--bytes", "100k", "--loss", "1%", "--cc", "newreno", "--seed", "5", "-o", out.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("flow") && r.out().contains("goodput") && r.out().contains("complete"), r.out());
        assertTrue(Files.exists(out.resolve("summary.txt")) && Files.exists(out.resolve("flow-2.csv")));

        Path svg = dir.resolve("ladder.svg");
        SockstackCliTest.Result ladder = run("sim", "ladder", out.resolve("r.pcapng").toString(), "-o", svg.toString(), "-n", "8");
        assertEquals(0, ladder.code(), ladder.err());
        assertTrue(Files.readString(svg).contains("SYN-ACK"));

        SockstackCliTest.Result plot = run("sim", "plot", out.resolve("flow-1.csv").toString(), "-o", dir.resolve("f1").toString());
        assertEquals(0, plot.code(), plot.err());
        assertTrue(Files.readString(dir.resolve("f1-cwnd.svg")).contains("data-series=\"cwnd\""));
        assertTrue(Files.exists(dir.resolve("f1-rtt.svg")));
    }
}
