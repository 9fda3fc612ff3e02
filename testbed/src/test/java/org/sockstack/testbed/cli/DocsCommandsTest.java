package org.sockstack.testbed.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every {@code ./sockstack ...} command line shown in README.md and docs/ parses with the CLI as it
 * is now, so the docs cannot drift from the tool. (The commands themselves run in the lab tests:
 * CliLabTest, ServeCommandLabTest, DemoTest.)
 */
class DocsCommandsTest {
    private static final Pattern COMMAND = Pattern.compile("\\./sockstack((?: [^#&|`\\n]+)?)");

    @Test
    void everyDocumentedCommandParses() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<Path> docs = new ArrayList<>();
        docs.add(root.resolve("README.md"));
        if (Files.isDirectory(root.resolve("docs"))) {
            try (Stream<Path> s = Files.list(root.resolve("docs"))) {
                s.filter(p -> p.toString().endsWith(".md")).forEach(docs::add);
            }
        }
        int checked = 0;
        for (Path doc : docs) {
            for (String line : Files.readAllLines(doc)) {
                if (!line.startsWith("./sockstack") && !line.startsWith("sudo ./sockstack")
                        && !line.contains("exec lab2 ./sockstack")) {
                    continue;
                }
                Matcher m = COMMAND.matcher(line);
                if (!m.find()) {
                    continue;
                }
                String[] args = m.group(1).trim().isEmpty() ? new String[0] : m.group(1).trim().split("\\s+");
                try {
                    new CommandLine(new SockstackCli()).parseArgs(args);
                } catch (CommandLine.ParameterException e) {
                    fail(doc.getFileName() + ": '" + line + "' does not parse: " + e.getMessage()
                            + " (args " + Arrays.toString(args) + ")");
                }
                checked++;
            }
        }
        assertFalse(checked < 5, "found the documented commands (" + checked + ")");
    }
}
