package org.sockstack.testbed.lab;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A private network namespace for running the stack against the Linux kernel, following the lab
 * safety rules: all traffic stays inside namespaces this class creates, hosts use documentation
 * addresses only, every process it starts is ended by PID, and the namespace is removed on
 * {@link #close()} (stale ones left by killed runs are removed at the next {@link #create()}).
 *
 * <p>Typical use: the JVM opens a TAP device (so the descriptor stays with the stack), then
 * {@link #adoptInterface} moves it into the namespace and configures the kernel side there.
 */
public final class Lab implements AutoCloseable {
    /** Every lab namespace starts with this, followed by the creating process's PID. */
    public static final String PREFIX = "sslab-";
    private static final Pattern NAME = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-\\d+");
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private final String namespace;
    private final List<Process> spawned = new ArrayList<>();
    private boolean closed;

    private Lab(String namespace) {
        this.namespace = namespace;
    }

    /**
     * Why the lab cannot run here, or null if it can: it needs Linux, root (or CAP_NET_ADMIN),
     * {@code /dev/net/tun} and the {@code ip} tool.
     */
    public static String unavailableReason() {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return "the lab needs Linux";
        }
        if (!isRoot()) {
            return "the lab needs root (or CAP_NET_ADMIN) to create TAP devices and network namespaces";
        }
        if (!Files.exists(Path.of("/dev/net/tun"))) {
            return "/dev/net/tun is missing (modprobe tun)";
        }
        if (findExecutable("ip") == null) {
            return "the 'ip' tool (iproute2) is not installed";
        }
        return null;
    }

    /** Effective UID 0, read from /proc (no native call needed). */
    public static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    String[] f = line.split("\\s+");
                    return f.length > 2 && f[2].equals("0");
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    public static Path findExecutable(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** Creates a fresh namespace with its loopback up, after removing stale labs of dead processes. */
    public static Lab create() {
        String reason = unavailableReason();
        if (reason != null) {
            throw new LabException(reason);
        }
        removeStaleLabs();
        String ns = PREFIX + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
        run(COMMAND_TIMEOUT, "ip", "netns", "add", ns).orThrow();
        Lab lab = new Lab(ns);
        try {
            lab.ip("link", "set", "lo", "up").orThrow();
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    /** Deletes lab namespaces whose creating process no longer exists. */
    public static void removeStaleLabs() {
        ProcResult list = run(COMMAND_TIMEOUT, "ip", "netns", "list");
        for (String line : list.output().split("\n")) {
            String name = line.trim().split("\\s+")[0];
            Matcher m = NAME.matcher(name);
            if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                run(COMMAND_TIMEOUT, "ip", "netns", "del", name);
            }
        }
    }

    /** A unique interface name (at most 15 characters) for this process, e.g. {@code sstap1234x1}. */
    public static String uniqueInterfaceName(String base) {
        String name = base + (ProcessHandle.current().pid() % 100_000) + "x" + SEQUENCE.incrementAndGet();
        return name.length() <= 15 ? name : name.substring(name.length() - 15);
    }

    public String namespace() {
        return namespace;
    }

    /**
     * Moves interface {@code ifname} from this process's namespace into the lab, gives it the
     * kernel-side addresses {@code cidrs} (documentation ranges only) and brings it up.
     */
    public void adoptInterface(String ifname, String... cidrs) {
        run(COMMAND_TIMEOUT, "ip", "link", "set", "dev", ifname, "netns", namespace).orThrow();
        for (String cidr : cidrs) {
            requireDocumentationAddress(cidr);
            ip(cidr.contains(":") ? "-6" : "-4", "addr", "add", cidr, "dev", ifname, cidr.contains(":") ? "nodad" : "")
                    .orThrow();
        }
        ip("link", "set", "dev", ifname, "up").orThrow();
    }

    /** Refuses any address outside 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24 and 2001:db8::/32. */
    public static void requireDocumentationAddress(String cidr) {
        String addr = cidr.contains("/") ? cidr.substring(0, cidr.indexOf('/')) : cidr;
        boolean ok = addr.startsWith("192.0.2.") || addr.startsWith("198.51.100.") || addr.startsWith("203.0.113.")
                || addr.toLowerCase().startsWith("2001:db8:") || addr.toLowerCase().startsWith("fe80:");
        if (!ok) {
            throw new LabException("lab addresses must come from the documentation ranges: " + cidr);
        }
    }

    /** Runs {@code ip -n <lab> args...}. */
    public ProcResult ip(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", namespace));
        for (String a : args) {
            if (!a.isEmpty()) {
                cmd.add(a);
            }
        }
        return run(COMMAND_TIMEOUT, cmd.toArray(String[]::new));
    }

    /** Runs a command inside the namespace and waits for it (killed at {@code timeout}). */
    public ProcResult exec(Duration timeout, String... command) {
        return run(timeout, inNamespace(command));
    }

    /** Starts a command inside the namespace in the background; it is ended (by PID) on close. */
    public synchronized Process spawn(String... command) {
        try {
            Process p = new ProcessBuilder(inNamespace(command)).redirectErrorStream(true).start();
            spawned.add(p);
            return p;
        } catch (IOException e) {
            throw new LabException("cannot start " + String.join(" ", command), e);
        }
    }

    private String[] inNamespace(String... command) {
        String[] full = new String[command.length + 4];
        full[0] = "ip";
        full[1] = "netns";
        full[2] = "exec";
        full[3] = namespace;
        System.arraycopy(command, 0, full, 4, command.length);
        return full;
    }

    /** Runs a command (outside any namespace) with a time limit, capturing its output. */
    public static ProcResult run(Duration timeout, String... command) {
        List<String> cmd = Arrays.asList(command);
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new LabException("cannot run " + String.join(" ", cmd) + ": " + e.getMessage(), e);
        }
        // A thread of its own reads the output: the common pool may be busy (or have one thread).
        CompletableFuture<String> out = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> out.complete(readAll(p.getInputStream())));
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                return new ProcResult(cmd, -1, out.getNow(""));
            }
            return new ProcResult(cmd, p.exitValue(), out.get(5, TimeUnit.SECONDS));
        } catch (Exception e) {
            p.destroyForcibly();
            throw new LabException("interrupted running " + String.join(" ", cmd), e);
        }
    }

    /** Reads what a spawned process printed (waits for it to end, at most {@code timeout}). */
    public static String outputOf(Process p, Duration timeout) {
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroy();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return readAll(p.getInputStream());
    }

    private static String readAll(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Ends the processes this lab started (by PID) and deletes the namespace. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Process p : spawned) {
            if (p.isAlive()) {
                p.destroy();
                try {
                    if (!p.waitFor(3, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                        p.waitFor(3, TimeUnit.SECONDS);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        // "ip netns exec" runs the command as its child; make sure no grandchild outlives us.
        ProcResult pids = run(COMMAND_TIMEOUT, "ip", "netns", "pids", namespace);
        for (String pid : pids.output().split("\\s+")) {
            if (pid.matches("\\d+")) {
                ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        run(COMMAND_TIMEOUT, "ip", "netns", "del", namespace);
    }

    @Override
    public String toString() {
        return "Lab[" + namespace + "]";
    }
}
