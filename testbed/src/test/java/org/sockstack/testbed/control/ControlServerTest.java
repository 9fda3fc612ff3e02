package org.sockstack.testbed.control;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sockstack.api.WinsockException;
import org.sockstack.api.WsSocket;
import org.sockstack.stack.loop.EventLoop;
import org.sockstack.testbed.apps.StackPair;
import org.sockstack.testbed.cli.SockstackCli;
import org.sockstack.testbed.services.TcpServices;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The control protocol against a live stack (stack b of a {@link StackPair}, on a channel device,
 * no root): a TCP connection from stack a shows up ESTABLISHED with its internals, drops show with
 * their reasons, the trace switches, bad requests are errors, and the socket is private and removed.
 */
class ControlServerTest {

    private static String onLoop(EventLoop loop, Supplier<String> query) {
        try {
            return loop.submit(query).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void answersConnectionsCountersAndTraceAboutARunningStack(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("run").resolve("b.sock");
        try (StackPair pair = new StackPair()) {
            EventLoop loopB = pair.b().loop();
            TcpServices services = loopB.submit(() -> TcpServices.start(pair.b(), List.of("discard")))
                    .get(5, TimeUnit.SECONDS);
            org.sockstack.api.Winsock a = pair.processA();
            assertEquals(0, a.WSAStartup(org.sockstack.spi.wsa.Wsa.makeVersion(2, 2), new org.sockstack.spi.WsaData()));
            try (ControlServer control = ControlServer.start(path, pair.b(), q -> onLoop(loopB, q), e -> { });
                 WsSocket client = WsSocket.tcp(a)) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
                assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(path.getParent())));

                client.connect(new InetSocketAddress(StackPair.address(StackPair.ADDRESS_B), 9));
                client.sendAll(new byte[3000]);
                String table = ControlClient.request(path, "connections");
                assertTrue(table.startsWith("State "), table);
                assertTrue(table.lines().anyMatch(l -> l.startsWith("ESTABLISHED") && l.contains("192.0.2.2:9")
                        && l.contains("192.0.2.1:")), table);
                assertFalse(table.contains("cwnd:"), "no internals without -i:\n" + table);
                String info = ControlClient.request(path, "connections -i");
                for (String field : List.of("cwnd:", "rto:", "rtt:", "bytes_in_flight:", "retrans:", "send_q:", "recv_q:")) {
                    assertTrue(info.contains(field), field + " in\n" + info);
                }

                // A SYN to a closed port of b is dropped there with reason no_socket (and answered by a RST).
                try (WsSocket refused = WsSocket.tcp(a)) {
                    assertThrows(WinsockException.class,
                            () -> refused.connect(new InetSocketAddress(StackPair.address(StackPair.ADDRESS_B), 1)));
                }
                String counters = ControlClient.request(path, "counters");
                assertTrue(counters.contains("tcp.drop.no_socket"), counters);
                assertTrue(counters.lines().anyMatch(l -> l.matches("\\s+tcp\\s+no_socket\\s+[1-9]\\d*")),
                        "drops by layer and reason:\n" + counters);
                assertTrue(counters.lines().anyMatch(l -> l.matches("drops: [1-9]\\d* in all")), counters);

                assertEquals("trace on\n", ControlClient.request(path, "trace on"));
                assertTrue(onLoop(loopB, () -> String.valueOf(pair.b().trace().enabled())).equals("true"));
                assertTrue(ControlClient.request(path, "trace").startsWith("trace on\n"));
                assertEquals("trace off\n", ControlClient.request(path, "trace off"));

                assertTrue(ControlClient.request(path, "help").contains("connections -i"));
                assertTrue(ControlClient.request(path, "reboot").startsWith("error: unknown request 'reboot'"));
                assertTrue(ControlClient.request(path, "connections -x").startsWith("error: usage"));
                assertTrue(ControlClient.request(path, "trace maybe").startsWith("error: usage"));
                assertTrue(ControlClient.request(path, "").startsWith("error: "));

                // A second server on a live socket is refused.
                assertThrows(IllegalStateException.class, () -> ControlServer.start(path, pair.b(), q -> "", null));
            } finally {
                loopB.submit(() -> {
                    services.close();
                    return null;
                }).get(5, TimeUnit.SECONDS);
                a.WSACleanup();
            }
            assertFalse(Files.exists(path), "socket removed on close");
        }
    }

    @Test
    void aStaleSocketFileIsReplaced(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("stale.sock");
        Files.writeString(path, "left by a process that died");
        try (StackPair pair = new StackPair();
             ControlServer control = ControlServer.start(path, pair.b(), q -> onLoop(pair.b().loop(), q), null)) {
            assertTrue(ControlClient.request(path, "connections").startsWith("State "));
        }
    }

    @Test
    void aDirectoryOthersCanWriteIsRefused(@TempDir Path dir) throws Exception {
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        try (StackPair pair = new StackPair()) {
            assertThrows(IllegalStateException.class,
                    () -> ControlServer.start(shared.resolve("x.sock"), pair.b(), q -> "", null));
        }
        assertFalse(Files.exists(shared.resolve("x.sock")));
    }

    @Test
    void theCliCommandsAskTheNamedInstance() throws Exception {
        String name = "unit-" + ProcessHandle.current().pid();
        Path path = ControlPaths.serverDirectory().resolve(name + ".sock");
        try (StackPair pair = new StackPair();
             ControlServer control = ControlServer.start(path, pair.b(), q -> onLoop(pair.b().loop(), q), null)) {
            String ss = runCli("ss", "--name", name, "-i");
            assertTrue(ss.startsWith("0\nState "), ss);
            String stats = runCli("stats", "--name", name);
            assertTrue(stats.startsWith("0\n") && stats.contains("drops: "), stats);
            assertTrue(runCli("trace", "--name", name, "on").startsWith("0\ntrace on"));
            assertTrue(runCli("trace", "--name", name, "sideways").startsWith("1\n"));
        }
        assertFalse(Files.exists(path));
        assertTrue(runCli("ss", "--name", name).startsWith("1\n"), "no such instance is an error");
        assertTrue(runCli("ss", "--name", "../etc").startsWith("1\n"), "names are file names only");
    }

    /** The exit code, a newline, then what the command printed. */
    private static String runCli(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            System.setOut(ps);
            int code = SockstackCli.run(args);
            return code + "\n" + bytes.toString(StandardCharsets.UTF_8);
        } finally {
            System.setOut(saved);
        }
    }
}
