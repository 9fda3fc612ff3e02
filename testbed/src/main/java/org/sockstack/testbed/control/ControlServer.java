package org.sockstack.testbed.control;

import org.sockstack.stack.Stack;
import org.sockstack.stack.stats.TraceEvent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The control channel of a running stack, the way {@code ss} and {@code netstat} ask the kernel:
 * a UNIX domain stream socket (mode 0600, removed on {@link #close()}) where each connection
 * carries one request line and gets a text answer, then the server closes it. Requests:
 *
 * <pre>
 * connections        the TCP connection table (like ss -t)
 * connections -i     with TCP internals (like ss -ti)
 * counters           counters and drops with reasons (like netstat -s)
 * trace on|off       switch the event trace on or off
 * trace              the recent trace events
 * help               this list
 * </pre>
 *
 * An answer that starts with {@code error: } reports a bad request. The queries read protocol
 * state, so each one runs on the stack's event loop through {@code onLoop} (DESIGN rule 4); this
 * class never touches the stack from its own threads.
 */
public final class ControlServer implements AutoCloseable {
    static final String HELP = """
            connections        the TCP connection table (like ss -t)
            connections -i     with TCP internals (like ss -ti)
            counters           counters and drops with reasons (like netstat -s)
            trace on|off       switch the event trace on or off
            trace              the recent trace events
            help               this list
            """;
    private static final int MAX_REQUEST = 256;

    private final Path path;
    private final ServerSocketChannel server;
    private final Stack stack;
    private final Function<Supplier<String>, String> onLoop;
    private final Consumer<TraceEvent> traceSink;
    private final Thread acceptor;

    private ControlServer(Path path, ServerSocketChannel server, Stack stack, Function<Supplier<String>, String> onLoop,
                          Consumer<TraceEvent> traceSink) {
        this.path = path;
        this.server = server;
        this.stack = stack;
        this.onLoop = onLoop;
        this.traceSink = traceSink;
        this.acceptor = Thread.ofPlatform().daemon().name("control " + path.getFileName()).unstarted(this::acceptLoop);
    }

    /**
     * Listens on {@code path} (its directory is created, mode 0700, if missing) and serves requests
     * about {@code stack}.
     *
     * @param onLoop    runs a query on the stack's event loop and returns its answer
     *                  (e.g. {@code StackHost::call})
     * @param traceSink where trace events go after {@code trace on} (e.g. the console), or null
     *                  to keep the stack's listener
     */
    public static ControlServer start(Path path, Stack stack, Function<Supplier<String>, String> onLoop,
                                      Consumer<TraceEvent> traceSink) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        // A shared directory such as /tmp: the socket's directory must be ours and closed to others.
        Object owner = Files.getAttribute(dir, "unix:uid");
        if (((Number) owner).longValue() != ControlPaths.uid()
                || !Files.getPosixFilePermissions(dir).equals(PosixFilePermissions.fromString("rwx------"))) {
            throw new IllegalStateException(dir + " must be owned by this user with mode 0700");
        }
        removeStale(path);
        // Bind in a private directory, make the socket 0600, then move it into place: nobody else
        // can connect in between.
        Path tmp = Files.createTempDirectory(dir, ".bind");
        Path bound = tmp.resolve("s");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(bound));
            Files.setPosixFilePermissions(bound, PosixFilePermissions.fromString("rw-------"));
            Files.move(bound, path, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        } finally {
            Files.deleteIfExists(bound);
            Files.deleteIfExists(tmp);
        }
        ControlServer c = new ControlServer(path, server, stack, onLoop, traceSink);
        c.acceptor.start();
        return c;
    }

    /** A socket file left by a process that died is removed; a live one is an error. */
    private static void removeStale(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            throw new IllegalStateException("another sockstack serve answers on " + path + " (choose --name)");
        } catch (IOException e) {
            Files.deleteIfExists(path); // nobody listens: stale
        }
    }

    public Path path() {
        return path;
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                Thread.ofVirtual().start(() -> serve(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(SocketChannel client) {
        try (client) {
            String request = readLine(client);
            String answer = request == null ? "error: no request\n" : answer(request);
            ByteBuffer out = ByteBuffer.wrap(answer.getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                client.write(out);
            }
        } catch (IOException e) {
            // the client went away: nothing to answer
        }
    }

    /** One request line (at most 256 bytes, LF-terminated or ended by the client's shutdown). */
    private static String readLine(SocketChannel client) throws IOException {
        ByteBuffer in = ByteBuffer.allocate(MAX_REQUEST);
        while (in.hasRemaining()) {
            int n = client.read(in);
            if (n < 0) {
                break;
            }
            for (int i = in.position() - n; i < in.position(); i++) {
                if (in.get(i) == '\n') {
                    return new String(in.array(), 0, i, StandardCharsets.UTF_8).strip();
                }
            }
        }
        return in.position() == 0 || in.position() == MAX_REQUEST ? null
                : new String(in.array(), 0, in.position(), StandardCharsets.UTF_8).strip();
    }

    /** The answer to one request (runs the query on the event loop). */
    String answer(String request) {
        String[] words = request.trim().split("\\s+");
        try {
            return switch (words[0]) {
                case "connections" -> {
                    boolean internals = words.length == 2 && words[1].equals("-i");
                    if (words.length > 2 || (words.length == 2 && !internals)) {
                        yield "error: usage: connections [-i]\n";
                    }
                    yield onLoop.apply(() -> StackReport.connections(stack, stack.loop().clock().nanos(), internals));
                }
                case "counters" -> words.length == 1 ? onLoop.apply(() -> StackReport.counters(stack))
                        : "error: usage: counters\n";
                case "trace" -> trace(words);
                case "help" -> HELP;
                default -> "error: unknown request '" + words[0] + "' (try help)\n";
            };
        } catch (RuntimeException e) {
            return "error: " + e.getMessage() + "\n";
        }
    }

    private String trace(String[] words) {
        if (words.length == 1) {
            return onLoop.apply(() -> StackReport.recentTrace(stack));
        }
        if (words.length != 2 || !(words[1].equals("on") || words[1].equals("off"))) {
            return "error: usage: trace [on|off]\n";
        }
        boolean on = words[1].equals("on");
        return onLoop.apply(() -> {
            if (on && traceSink != null) {
                stack.trace().setListener(traceSink);
            }
            stack.trace().enable(on);
            return "trace " + words[1] + "\n";
        });
    }

    /** Stops answering and removes the socket file. */
    @Override
    public void close() {
        try {
            server.close();
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
