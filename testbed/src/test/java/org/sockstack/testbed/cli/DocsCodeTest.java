package org.sockstack.testbed.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every Java excerpt in README.md and docs/ is real code: a {@code ```java} block starts with a
 * comment naming its source file ({@code // testbed/src/.../EchoServer.java}), and its lines, as
 * they stand there, are lines of that file, in order and adjacent ({@code // ...} marks a gap).
 * The files are compiled and tested by the build, so the guides cannot show code that does not
 * compile or does not work.
 */
class DocsCodeTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void everyJavaExcerptIsQuotedFromItsSourceFile() throws IOException {
        int checked = 0;
        for (Path doc : docs()) {
            List<String> lines = Files.readAllLines(doc);
            for (int i = 0; i < lines.size(); i++) {
                if (!lines.get(i).strip().equals("```java")) {
                    continue;
                }
                List<String> block = new ArrayList<>();
                int j = i + 1;
                while (j < lines.size() && !lines.get(j).strip().equals("```")) {
                    block.add(lines.get(j++));
                }
                String where = doc.getFileName() + ":" + (i + 1);
                check(where, block);
                checked++;
                i = j;
            }
        }
        assertTrue(checked >= 10, "found the guides' excerpts: " + checked);
    }

    @Test
    void aChangedExcerptIsCaught() throws IOException {
        List<String> block = List.of("// testbed/src/main/java/org/sockstack/testbed/apps/EchoServer.java",
                "private void serveTcp() {", "    while (false) {");
        assertThrows(() -> check("example", block));
        assertThrows(() -> check("example", List.of("private void serveTcp() {")));
        check("example", List.of("// testbed/src/main/java/org/sockstack/testbed/apps/EchoServer.java",
                "private void serveTcp() {", "    while (true) {", "// ...", "ws.closesocket(s);"));
    }

    private static void assertThrows(Runnable r) {
        boolean failed = false;
        try {
            r.run();
        } catch (AssertionError e) {
            failed = true;
        }
        assertTrue(failed, "a bad excerpt must fail the check");
    }

    static List<Path> docs() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> s = Files.list(ROOT.resolve("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        return docs;
    }

    /** The block's first line names the file; each run of lines between "// ..." gaps is in it, in order. */
    static void check(String where, List<String> block) {
        assertFalse(block.isEmpty(), where + ": empty java block");
        String first = block.get(0).strip();
        if (!first.startsWith("// ") || !first.endsWith(".java")) {
            fail(where + ": a java block starts with '// path/to/Source.java', not '" + first + "'");
        }
        Path source = ROOT.resolve(first.substring(3).strip());
        List<String> file;
        try {
            file = Files.readAllLines(source).stream().map(String::strip).toList();
        } catch (IOException e) {
            throw new AssertionError(where + ": no such source file " + source, e);
        }
        int from = 0;
        List<String> run = new ArrayList<>();
        for (String line : block.subList(1, block.size())) {
            String l = line.strip();
            if (l.equals("// ...") || l.equals("...")) {
                from = find(where, source, file, run, from);
                run.clear();
            } else if (!l.isEmpty()) {
                run.add(l);
            }
        }
        find(where, source, file, run, from);
    }

    /** The index after {@code run} found (blank file lines skipped) at or after {@code from}. */
    private static int find(String where, Path source, List<String> file, List<String> run, int from) {
        if (run.isEmpty()) {
            return from;
        }
        for (int start = from; start < file.size(); start++) {
            int k = start;
            int matched = 0;
            while (k < file.size() && matched < run.size()) {
                if (file.get(k).isEmpty()) {
                    k++;
                } else if (file.get(k).equals(run.get(matched))) {
                    k++;
                    matched++;
                } else {
                    break;
                }
            }
            if (matched == run.size()) {
                return k;
            }
        }
        fail(where + ": these lines are not in " + ROOT.relativize(source) + " (in this order):\n"
                + String.join("\n", run));
        return -1;
    }
}
