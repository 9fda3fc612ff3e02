package org.sockstack.testbed.control;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where a {@code sockstack serve} instance puts its control socket: {@code NAME.sock} in the first
 * usable runtime directory of {@code /run/sockstack} (root), {@code $XDG_RUNTIME_DIR/sockstack},
 * {@code /tmp/sockstack-UID}. A client looks in the same directories, in the same order.
 */
public final class ControlPaths {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private ControlPaths() {
    }

    /** The runtime directories a client searches, most specific first. */
    public static List<Path> directories() {
        List<Path> dirs = new ArrayList<>();
        if (isRoot()) {
            dirs.add(Path.of("/run/sockstack"));
        }
        String xdg = System.getenv("XDG_RUNTIME_DIR");
        if (xdg != null && !xdg.isBlank()) {
            dirs.add(Path.of(xdg, "sockstack"));
        }
        dirs.add(Path.of(System.getProperty("java.io.tmpdir"), "sockstack-" + uid()));
        return dirs;
    }

    /** The directory a server creates its socket in (the first of {@link #directories()}). */
    public static Path serverDirectory() {
        return directories().get(0);
    }

    /** Checks an instance name: letters, digits, '.', '_', '-' (it becomes a file name). */
    public static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("bad instance name '" + name + "' (letters, digits, . _ - only)");
        }
        return name;
    }

    /**
     * The socket of instance {@code name} for a client; without a name, the only running
     * instance (an error if there are none or several).
     */
    public static Path find(String name) {
        List<Path> found = new ArrayList<>();
        for (Path dir : directories()) {
            if (name != null) {
                Path p = dir.resolve(checkName(name) + ".sock");
                if (Files.exists(p)) {
                    return p;
                }
                continue;
            }
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> p.getFileName().toString().endsWith(".sock")).sorted().forEach(found::add);
            } catch (IOException e) {
                // no such directory: nothing runs there
            }
        }
        if (name != null) {
            throw new IllegalArgumentException("no sockstack serve named '" + name + "' is running (looked in "
                    + directories() + ")");
        }
        if (found.isEmpty()) {
            throw new IllegalArgumentException("no sockstack serve is running (looked in " + directories() + ")");
        }
        if (found.size() > 1) {
            throw new IllegalArgumentException("several sockstack serve instances run, pick one with --name: "
                    + found.stream().map(ControlPaths::instanceName).toList());
        }
        return found.get(0);
    }

    static String instanceName(Path socket) {
        String f = socket.getFileName().toString();
        return f.substring(0, f.length() - ".sock".length());
    }

    static boolean isRoot() {
        return uid() == 0;
    }

    static long uid() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return ((Number) uid).longValue();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return -1;
        }
    }
}
