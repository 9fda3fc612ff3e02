package org.sockstack.testbed.apps;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sockstack.api.Winsock;
import org.sockstack.spi.WsaData;
import org.sockstack.spi.stack.StackTcpInfo;
import org.sockstack.spi.wsa.SockAddr;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.testbed.services.HttpContent;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The applications on the Winsock API, run in both worlds ({@link HostAppsTest},
 * {@link StackAppsTest}): the same program must print the same lines (addresses and times
 * aside) over the host stack and the user-space stack.
 */
abstract class AppsBehaviour {
    Worlds.World world;
    final ByteArrayOutputStream text = new ByteArrayOutputStream();
    final PrintStream out = new PrintStream(text, true, StandardCharsets.UTF_8);

    abstract Worlds.World makeWorld();

    /** True in the stack world (where TCP info is available). */
    abstract boolean onStack();

    @BeforeEach
    void setUp() {
        world = makeWorld();
    }

    @AfterEach
    void tearDown() {
        world.close();
    }

    String output() {
        return text.toString(StandardCharsets.UTF_8);
    }

    /** Times, rates and the peer's address masked: what must match across providers. */
    static String normalized(String s) {
        return s.replaceAll("\\d+\\.\\d+ s = \\d+\\.\\d+ Mbit/s", "T s = R Mbit/s")
                .replaceAll("(127\\.0\\.0\\.1|192\\.0\\.2\\.\\d)", "ADDR")
                .replaceAll("listening on port \\d+", "listening on port P")
                .replaceAll("port \\d+, ", "port P, ")
                .replaceAll("tcp_info: .*", "tcp_info: I");
    }

    // ------------------------------------------------------------------ echo

    @Test
    void tcpEchoClientGetsEveryLineBack() {
        try (EchoServer server = EchoServer.start(world.b(), false, Worlds.ip("0.0.0.0"), 0)) {
            boolean ok = EchoClient.run(world.a(), false, server.at(world.addrB()), List.of("hello", "winsock", "x".repeat(5000)), out);
            assertTrue(ok, output());
        }
        assertEquals("> hello\n< hello\n> winsock\n< winsock\n> " + "x".repeat(5000) + "\n< " + "x".repeat(5000) + "\n",
                output());
    }

    @Test
    void udpEchoClientGetsEveryDatagramBack() {
        try (EchoServer server = EchoServer.start(world.b(), true, Worlds.ip("0.0.0.0"), 0)) {
            boolean ok = EchoClient.run(world.a(), true, server.at(world.addrB()), List.of("one", "two"), out);
            assertTrue(ok, output());
        }
        assertEquals("> one\n< one\n> two\n< two\n", output());
    }

    @Test
    void echoClientReportsARefusedConnection() {
        int closedPort = freePort();
        boolean ok = EchoClient.run(world.a(), false, new InetSocketAddress(world.addrB(), closedPort), List.of("x"), out);
        assertTrue(!ok && output().equals("connect failed: WSAECONNREFUSED\n"), output());
    }

    /** A port nobody listens on: bound, then closed again. */
    int freePort() {
        Winsock ws = world.b();
        ws.WSAStartup(Wsa.makeVersion(2, 2), new WsaData());
        long s = ws.socket(Wsa.AF_INET, Wsa.SOCK_STREAM, Wsa.IPPROTO_TCP);
        ws.bind(s, SockAddr.inet(world.addrB(), 0));
        org.sockstack.spi.wsa.Ref<SockAddr> name = new org.sockstack.spi.wsa.Ref<>();
        ws.getsockname(s, name);
        ws.closesocket(s);
        ws.WSACleanup();
        return name.value.toInet().getPort();
    }

    // ------------------------------------------------------------------ perf

    @Test
    void perfTcpCountsEveryByteOnBothSides() throws Exception {
        long n = 3_000_001;
        Perf.Report sender;
        Perf.Report receiver;
        try (Perf.Server server = Perf.Server.start(world.b(), false, Worlds.ip("0.0.0.0"), 0, out)) {
            sender = Perf.client(world.a(), new InetSocketAddress(world.addrB(), server.port()),
                    Perf.Options.tcpBytes(n), out);
            receiver = server.reports().poll(10, TimeUnit.SECONDS);
        }
        assertNotNull(receiver, output());
        assertEquals(n, sender.bytes());
        assertEquals(n, sender.peerBytes());
        assertEquals(n, receiver.bytes());
        if (onStack()) {
            StackTcpInfo info = sender.tcpInfo();
            assertNotNull(info);
            assertTrue(info.srttMicros() > 0 && info.cwnd() > 0 && info.sendMss() > 500, info.toString());
            assertTrue(output().contains("tcp_info: retrans " + info.retransmissions() + ", srtt "), output());
        } else {
            assertNull(sender.tcpInfo());
            assertTrue(output().contains("tcp_info: n/a"), output());
        }
        // The server's lines and the client's interleave; each side's lines are in order.
        String norm = normalized(output());
        for (String line : List.of("perf: TCP server listening on port P",
                "perf: connection from ADDR",
                "perf: TCP client sending to ADDR port P, 3000001 bytes in sends of 131072",
                "[TCP sender  ] 3000001 bytes in T s = R Mbit/s",
                "[TCP sender  ] receiver got 3000001 bytes",
                "[TCP sender  ] tcp_info: I",
                "[TCP receiver] 3000001 bytes in T s = R Mbit/s")) {
            assertTrue(norm.contains(line + "\n"), line + " in\n" + norm);
        }
        assertEquals(7, norm.lines().count(), norm);
    }

    @Test
    void perfTcpForATimeReportsWhatTheReceiverGot() throws Exception {
        Perf.Options o = new Perf.Options(false, 0, Duration.ofMillis(300), 8192, 0);
        try (Perf.Server server = Perf.Server.start(world.b(), false, Worlds.ip("0.0.0.0"), 0, out)) {
            Perf.Report sender = Perf.client(world.a(), new InetSocketAddress(world.addrB(), server.port()), o, out);
            Perf.Report receiver = server.reports().poll(10, TimeUnit.SECONDS);
            assertNotNull(receiver, output());
            assertTrue(sender.bytes() > 0 && sender.bytes() % 8192 == 0, output());
            assertEquals(sender.bytes(), sender.peerBytes());
            assertEquals(sender.bytes(), receiver.bytes());
            assertTrue(sender.nanos() >= 300_000_000L, output());
        }
    }

    @Test
    void perfUdpCountsDatagramsAndBytes() throws Exception {
        Perf.Report sender;
        Perf.Report receiver;
        try (Perf.Server server = Perf.Server.start(world.b(), true, Worlds.ip("0.0.0.0"), 0, out)) {
            sender = Perf.client(world.a(), new InetSocketAddress(world.addrB(), server.port()),
                    Perf.Options.udpBytes(200_000, 1000), out);
            receiver = server.reports().poll(10, TimeUnit.SECONDS);
        }
        assertNotNull(receiver, output());
        assertEquals(200_000, sender.bytes());
        assertEquals(200, sender.datagrams());
        assertEquals(200_000, sender.peerBytes(), output());
        assertEquals(200, sender.peerDatagrams());
        assertEquals(200_000, receiver.bytes());
        String norm = normalized(output());
        assertTrue(norm.contains("[UDP sender  ] receiver got 200000 bytes, 200 datagrams, lost 0 (0.0%)\n"), norm);
        assertTrue(norm.contains("[UDP receiver] 200000 bytes, 200 datagrams in T s = R Mbit/s\n"), norm);
    }

    @Test
    void perfOptionsRejectNonsense() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new Perf.Options(false, 0, null, 1000, 0));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new Perf.Options(true, 1000, null, 8, 0));
    }

    // ------------------------------------------------------------------ port scan

    @Test
    void scanFindsTheOpenPortsAndTheClosedOnes() {
        int closed1 = freePort();
        int closed2 = freePort();
        try (EchoServer echo = EchoServer.start(world.b(), false, Worlds.ip("0.0.0.0"), 0);
             Perf.Server perf = Perf.Server.start(world.b(), false, Worlds.ip("0.0.0.0"), 0,
                     new PrintStream(java.io.OutputStream.nullOutputStream()))) {
            List<Integer> ports = List.of(echo.port(), closed1, perf.port(), closed2);
            Map<Integer, PortScan.State> r = PortScan.scan(world.a(), world.addrB(), ports, 2, Duration.ofSeconds(3));
            assertEquals(Map.of(echo.port(), PortScan.State.OPEN, perf.port(), PortScan.State.OPEN,
                    closed1, PortScan.State.CLOSED, closed2, PortScan.State.CLOSED), r);
            PortScan.print(r, "B", out);
            int low = Math.min(echo.port(), perf.port());
            int high = Math.max(echo.port(), perf.port());
            assertEquals("scan report for B\nPORT      STATE\n" + String.format("%-9s open%n", low + "/tcp")
                    + String.format("%-9s open%n", high + "/tcp") + "not shown: 2 closed, 0 filtered\n", output());
        }
    }

    // ------------------------------------------------------------------ HTTP

    @Test
    void httpServerKeepsTheConnectionAndServesExactBytes() {
        try (ApiHttpServer http = ApiHttpServer.start(world.b(), List.of(Worlds.ip("0.0.0.0")), 0, () -> "<html>status</html>\n")) {
            Winsock ws = world.a();
            ws.WSAStartup(Wsa.makeVersion(2, 2), new WsaData());
            long s = ws.socket(Wsa.AF_INET, Wsa.SOCK_STREAM, Wsa.IPPROTO_TCP);
            assertEquals(0, ws.connect(s, SockAddr.inet(world.addrB(), http.port())));
            // Two requests on one connection (keep-alive), the second pipelined behind the first.
            byte[] req = ("GET /bytes/100000 HTTP/1.1\r\nHost: b\r\n\r\n"
                    + "GET / HTTP/1.1\r\nHost: b\r\n\r\n"
                    + "GET /nothing HTTP/1.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
            assertEquals(req.length, ws.send(s, req, req.length, 0));
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[65536];
            int n;
            while ((n = ws.recv(s, buf, buf.length, 0)) > 0) {
                got.write(buf, 0, n);
            }
            assertEquals(0, n, "the server closed after Connection: close");
            ws.closesocket(s);
            ws.WSACleanup();
            byte[] all = got.toByteArray();
            String head1 = "HTTP/1.1 200 OK\r\nServer: sockstack\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: 100000\r\n\r\n";
            assertEquals(head1, new String(all, 0, head1.length(), StandardCharsets.ISO_8859_1));
            byte[] expected = new byte[100_000];
            HttpContent.fill(expected, 0, expected.length, 0);
            assertEquals(ByteBuffer.wrap(expected), ByteBuffer.wrap(all, head1.length(), 100_000));
            String rest = new String(all, head1.length() + 100_000, all.length - head1.length() - 100_000,
                    StandardCharsets.ISO_8859_1);
            assertEquals("HTTP/1.1 200 OK\r\nServer: sockstack\r\nContent-Type: text/html; charset=utf-8\r\n"
                    + "Content-Length: 20\r\n\r\n<html>status</html>\n"
                    + "HTTP/1.1 404 Not Found\r\nServer: sockstack\r\nContent-Type: text/plain; charset=utf-8\r\n"
                    + "Content-Length: 14\r\nConnection: close\r\n\r\n404 Not Found\n", rest);
        }
    }

    @Test
    void httpServerRejectsBadRequests() {
        try (ApiHttpServer http = ApiHttpServer.start(world.b(), List.of(Worlds.ip("0.0.0.0")), 0, () -> "")) {
            assertTrue(exchange(http, "POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc").startsWith("HTTP/1.1 413 "));
            assertTrue(exchange(http, "PUT / HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 405 "));
            assertTrue(exchange(http, "GET /bytes/12x HTTP/1.0\r\n\r\n").startsWith("HTTP/1.1 400 "));
            assertTrue(exchange(http, "nonsense\r\n\r\n").startsWith("HTTP/1.1 400 "));
            assertTrue(exchange(http, "HEAD /bytes/5 HTTP/1.0\r\n\r\n").endsWith("Content-Length: 5\r\nConnection: close\r\n\r\n"));
            assertNotEquals("", exchange(http, "GET / HTTP/1.0\r\n" + "X: y\r\n".repeat(4000) + "\r\n"));
        }
    }

    /** Sends one request and reads until the server closes. */
    private String exchange(ApiHttpServer http, String request) {
        Winsock ws = world.a();
        ws.WSAStartup(Wsa.makeVersion(2, 2), new WsaData());
        long s = ws.socket(Wsa.AF_INET, Wsa.SOCK_STREAM, Wsa.IPPROTO_TCP);
        ws.connect(s, SockAddr.inet(world.addrB(), http.port()));
        byte[] req = request.getBytes(StandardCharsets.ISO_8859_1);
        ws.send(s, req, req.length, 0);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        int n;
        while ((n = ws.recv(s, buf, buf.length, 0)) > 0) {
            got.write(buf, 0, n);
        }
        ws.closesocket(s);
        ws.WSACleanup();
        return got.toString(StandardCharsets.ISO_8859_1);
    }
}
