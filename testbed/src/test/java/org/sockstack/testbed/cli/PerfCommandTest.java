package org.sockstack.testbed.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code sockstack perf} and {@code sockstack scan}: over the host stack and over two user-space stacks. */
class PerfCommandTest {

    private static SockstackCliTest.Result run(String... args) {
        return SockstackCliTest.run(args);
    }

    @Test
    void simulatedTcpTransferCountsEveryByteAndShowsTcpInfo() {
        SockstackCliTest.Result r = run("perf", "client", "--sim", "--bytes", "1MiB");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("[TCP sender  ] 1048576 bytes in "), r.out());
        assertTrue(r.out().contains("[TCP sender  ] receiver got 1048576 bytes\n"), r.out());
        assertTrue(r.out().contains("[TCP receiver] 1048576 bytes in "), r.out());
        assertTrue(r.out().matches("(?s).*tcp_info: retrans \\d+, srtt \\d+\\.\\d+ ms.*"), r.out());
    }

    @Test
    void simulatedUdpTransferCountsDatagrams() {
        SockstackCliTest.Result r = run("perf", "client", "--sim", "--udp", "-n", "100000", "-l", "1000");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("[UDP sender  ] receiver got 100000 bytes, 100 datagrams, lost 0 (0.0%)"), r.out());
    }

    @Test
    void hostServerAndClientTalkOverTheHostStack() throws Exception {
        int port = freePort();
        PrintStream oldOut = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int[] serverCode = {-1};
        try {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            Thread server = new Thread(() -> serverCode[0] = SockstackCli.run("perf", "server", "--once", "-p",
                    Integer.toString(port)));
            server.start();
            waitFor(bytes, "listening on port " + port);
            int code = SockstackCli.run("perf", "client", "127.0.0.1", "-p", Integer.toString(port), "-n", "2000000",
                    "-l", "1000");
            server.join(10_000);
            assertEquals(0, code);
            assertEquals(0, serverCode[0]);
        } finally {
            System.setOut(oldOut);
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("perf: TCP server listening on port " + port), out);
        assertTrue(out.contains("[TCP sender  ] receiver got 2000000 bytes\n"), out);
        assertTrue(out.contains("[TCP sender  ] tcp_info: n/a\n"), out);
        assertTrue(out.contains("[TCP receiver] 2000000 bytes in "), out);
    }

    @Test
    void badArgumentsAreOneLineErrors() {
        for (List<String> args : List.of(List.of("perf", "client"), List.of("perf", "client", "127.0.0.1", "-n", "1", "-t", "1s"),
                List.of("perf", "client", "localhost"), List.of("perf", "client", "--sim", "127.0.0.1"),
                List.of("perf", "client", "127.0.0.1", "-p", "70000"),
                List.of("scan", "127.0.0.1", "--ports", "0-3"), List.of("scan", "127.0.0.1", "--concurrency", "65"))) {
            SockstackCliTest.Result r = run(args.toArray(String[]::new));
            assertNotEquals(0, r.code(), args.toString());
            assertEquals(1, r.err().lines().count(), args + ": " + r.err());
        }
    }

    @Test
    void stackOptionsParseAsForServe() {
        CommandLine cl = new CommandLine(new SockstackCli());
        cl.parseArgs("perf", "server", "--udp", "--tap", "pf0", "--addr", "192.0.2.2/24", "--once");
        cl.parseArgs("perf", "client", "192.0.2.1", "--tap", "pf0", "--addr", "192.0.2.2/24", "-t", "2s");
        cl.parseArgs("scan", "192.0.2.1", "--tap", "pf0", "--addr", "192.0.2.2/24", "--ports", "1-100");
        assertThrows(CommandLine.ParameterException.class,
                () -> new CommandLine(new SockstackCli()).parseArgs("perf", "server", "--tap", "pf0"));
    }

    @Test
    void scanFindsAListeningPortOnTheHost() throws IOException {
        try (ServerSocket listening = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"))) {
            int open = listening.getLocalPort();
            int closed = freePort();
            SockstackCliTest.Result r = run("scan", "127.0.0.1", "--ports", open + "," + closed, "--timeout", "2s");
            assertEquals(0, r.code(), r.err());
            assertEquals("scan report for 127.0.0.1\nPORT      STATE\n" + String.format("%-9s open%n", open + "/tcp")
                    + "not shown: 1 closed, 0 filtered\n", r.out());
        }
    }

    @Test
    void portListsParse() {
        assertEquals(List.of(22, 80, 81, 82), ScanCommand.parsePorts("22,80-82"));
        assertThrows(IllegalArgumentException.class, () -> ScanCommand.parsePorts("5-3"));
        assertThrows(IllegalArgumentException.class, () -> ScanCommand.parsePorts("1-2-3"));
        assertThrows(IllegalArgumentException.class, () -> ScanCommand.parsePorts("x"));
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Waits (at most 5 s) until the output shows {@code text}. */
    private static void waitFor(ByteArrayOutputStream out, String text) throws InterruptedException {
        for (int i = 0; i < 100 && !out.toString(StandardCharsets.UTF_8).contains(text); i++) {
            Thread.sleep(50);
        }
    }
}
