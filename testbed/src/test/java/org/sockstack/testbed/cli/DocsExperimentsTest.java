package org.sockstack.testbed.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs every {@code ./sockstack sim} command of docs/experiments.md for real (each in its own JVM,
 * files under a temporary directory), in the order shown, and checks what the page says of them: each
 * run writes its summary, and the same seed gives the same capture while another seed does not.
 */
class DocsExperimentsTest {

    @Test
    void everyExperimentInTheGuideRuns(@TempDir Path dir) throws Exception {
        Path guide = Path.of("..").toAbsolutePath().normalize().resolve("docs/experiments.md");
        List<String> commands = Files.readAllLines(guide).stream().filter(l -> l.startsWith("./sockstack sim"))
                .toList();
        assertTrue(commands.size() >= 8, "found the guide's commands: " + commands.size());
        for (String line : commands) {
            String[] args = relocate(line.substring("./sockstack ".length()).trim().split("\\s+"), dir);
            ProcessResult r = runCli(args, dir);
            assertEquals(0, r.exit(), line + "\n" + r.output());
            int o = Arrays.asList(args).indexOf("-o");
            if (args.length > 1 && !args[1].equals("ladder") && !args[1].equals("plot")) {
                assertTrue(Files.exists(Path.of(args[o + 1]).resolve("summary.txt")), line + "\n" + r.output());
            }
        }
        byte[] seven = Files.readAllBytes(dir.resolve("sim-seed7/a.pcapng"));
        assertArrayEquals(seven, Files.readAllBytes(dir.resolve("sim-seed7-again/a.pcapng")), "same seed, same bytes");
        assertFalse(Arrays.equals(seven, Files.readAllBytes(dir.resolve("sim-seed8/a.pcapng"))), "another seed differs");
        assertTrue(Files.size(dir.resolve("first-packets.svg")) > 0);
    }

    record ProcessResult(int exit, String output) {
    }

    /**
     * Runs the CLI in a JVM of its own, as a user would: in this one Netty's paranoid leak detector
     * (on for every test) would make the simulations a hundred times slower.
     */
    private static ProcessResult runCli(String[] args, Path dir) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SockstackCli.class.getName()));
        command.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.toHandle().destroy();
            throw new AssertionError("timed out: " + Arrays.toString(args));
        }
        return new ProcessResult(p.exitValue(), output);
    }

    /** Output directories and files named in the guide go under {@code dir}. */
    private static String[] relocate(String[] args, Path dir) {
        List<String> out = new ArrayList<>();
        for (String a : args) {
            boolean path = a.startsWith("sim-") || a.endsWith(".svg");
            out.add(path ? dir.resolve(a).toString() : a);
        }
        return out.toArray(String[]::new);
    }
}
