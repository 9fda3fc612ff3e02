package org.sockstack.testbed.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the {@code ./sockstack catalog} commands of docs/layered-provider.md and docs/api-guide.md for
 * real, in the order shown, on a fresh catalog file, and checks what the guides say they do.
 */
class DocsCatalogTest {

    @Test
    void theLayeredProviderGuidesCatalogSession(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("catalog.properties");
        List<String> lines = commands("docs/layered-provider.md");
        assertEquals(3, lines.size(), lines.toString());
        run(lines.get(0), file);
        String installed = run("./sockstack catalog", file);
        assertTrue(installed.contains("Inspector over [Sockstack stack TCP/IP]"), installed);
        assertTrue(entryId(installed, "Inspector over [Sockstack stack TCP/IP]").equals("1014"), installed);
        assertTrue(entryId(installed, "Inspector").equals("1013"), installed);
        run(lines.get(1), file);
        assertEquals("Inspector over [Sockstack stack TCP/IP]", firstDescription(run("./sockstack catalog", file)));
        run(lines.get(2), file);
        assertFalse(run("./sockstack catalog", file).contains("Inspector"));
    }

    @Test
    void theApiGuidesCatalogOrder(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("catalog.properties");
        List<String> lines = commands("docs/api-guide.md");
        assertEquals(2, lines.size(), lines.toString());
        assertEquals("Sockstack host TCP/IP", firstDescription(run(lines.get(0), file)));
        run(lines.get(1), file);
        assertEquals("Sockstack stack TCP/IP", firstDescription(run("./sockstack catalog", file)));
    }

    private static List<String> commands(String doc) throws IOException {
        Path p = Path.of("..").toAbsolutePath().normalize().resolve(doc);
        List<String> out = new ArrayList<>();
        for (String l : Files.readAllLines(p)) {
            if (l.startsWith("./sockstack catalog")) {
                int hash = l.indexOf(" #");
                out.add((hash >= 0 ? l.substring(0, hash) : l).strip());
            }
        }
        return out;
    }

    /** Runs a documented line (single quotes as the shell reads them) on {@code file}; its output. */
    private static String run(String line, Path file) {
        List<String> args = new ArrayList<>(List.of(line.substring("./sockstack ".length()).replace("'", "")
                .split("\\s+")));
        args.add("--catalog=" + file);
        PrintStream saved = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            System.setOut(ps);
            assertEquals(0, SockstackCli.run(args.toArray(String[]::new)), line);
        } finally {
            System.setOut(saved);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static String firstDescription(String catalog) {
        return catalog.lines().filter(l -> l.startsWith("Description:")).findFirst().orElseThrow()
                .substring("Description:".length()).strip();
    }

    private static String entryId(String catalog, String description) {
        List<String> lines = catalog.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("Description:")
                    && lines.get(i).substring("Description:".length()).strip().equals(description)) {
                for (int j = i; j < lines.size(); j++) {
                    if (lines.get(j).startsWith("Catalog Entry ID:")) {
                        return lines.get(j).substring("Catalog Entry ID:".length()).strip();
                    }
                }
            }
        }
        return "";
    }
}
