package org.sockstack.testbed.apps;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sockstack.api.AddrInfo;
import org.sockstack.api.AsyncWsSocket;
import org.sockstack.api.IoCompletionPort;
import org.sockstack.api.Winsock;
import org.sockstack.api.WinsockException;
import org.sockstack.api.WsSocket;
import org.sockstack.api.WsaPollFd;
import org.sockstack.api.nio.WinsockSelectorProvider;
import org.sockstack.spi.WsaData;
import org.sockstack.spi.provider.CompletionRoutine;
import org.sockstack.spi.provider.NetworkEvents;
import org.sockstack.spi.provider.Overlapped;
import org.sockstack.spi.provider.WsaEvent;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.spi.wsa.Wsa.INVALID_SOCKET;
import static org.sockstack.spi.wsa.Wsa.SOCKET_ERROR;

/**
 * The code of docs/api-guide.md (DocsCodeTest checks the guide quotes it verbatim): each way of
 * waiting for data (event select, WSAPoll, overlapped with an event, a completion routine, a
 * completion port), the facades (AsyncWsSocket, the NIO adapter), getaddrinfo and the two ways
 * errors come back, each run over the host provider and over the user-space stack.
 */
class ApiGuideExamplesTest {

    private static Worlds.World world(String which) {
        return which.equals("host") ? Worlds.host() : Worlds.stacks();
    }

    /** B listens, A connects; returns {client on A, server side on B}. */
    private static long[] connectedPair(Worlds.World w) {
        Winsock a = w.a();
        Winsock b = w.b();
        a.WSAStartup(Wsa.makeVersion(2, 2), new WsaData());
        b.WSAStartup(Wsa.makeVersion(2, 2), new WsaData());
        long l = b.socket(Wsa.AF_INET, Wsa.SOCK_STREAM, Wsa.IPPROTO_TCP);
        assertEquals(0, b.bind(l, SockAddr.inet(w.addrB(), 0)));
        assertEquals(0, b.listen(l, 4));
        long c = a.socket(Wsa.AF_INET, Wsa.SOCK_STREAM, Wsa.IPPROTO_TCP);
        assertEquals(0, a.connect(c, SockAddr.inet(new InetSocketAddress(w.addrB(), port(b, l)))));
        long s = b.accept(l, null);
        assertTrue(s != INVALID_SOCKET);
        b.closesocket(l);
        return new long[] {c, s};
    }

    private static int port(Winsock ws, long s) {
        Ref<SockAddr> local = new Ref<>();
        ws.getsockname(s, local);
        return local.value.toInet().getPort();
    }

    private static void send(Winsock ws, long s, String text) {
        byte[] b = text.getBytes(US_ASCII);
        assertEquals(b.length, ws.send(s, b, b.length, 0));
    }

    // ------------------------------------------------------------------ the examples

    /** WSAEventSelect: an event object is set when the socket becomes readable. */
    static String readWithEventSelect(Winsock ws, long s) {
        WsaEvent readable = ws.WSACreateEvent();
        ws.WSAEventSelect(s, readable, Wsa.FD_READ | Wsa.FD_CLOSE); // the socket is non-blocking now
        NetworkEvents happened = new NetworkEvents();
        for (int tries = 0; tries < 10 && (happened.networkEvents & Wsa.FD_READ) == 0; tries++) {
            ws.WSAWaitForMultipleEvents(1, new WsaEvent[] {readable}, false, 1_000, false);
            ws.WSAEnumNetworkEvents(s, readable, happened);          // what happened; resets the event
        }
        byte[] buf = new byte[100];
        int n = ws.recv(s, buf, buf.length, 0);
        ws.WSAEventSelect(s, null, 0);
        ws.WSACloseEvent(readable);
        return n > 0 ? new String(buf, 0, n, US_ASCII) : null;
    }

    /** WSAPoll: poll(2) with Winsock's names. */
    static String readWithPoll(Winsock ws, long s) {
        WsaPollFd[] fds = {new WsaPollFd(s, WsaPollFd.POLLRDNORM)};
        if (ws.WSAPoll(fds, fds.length, 5_000) <= 0) {               // 0: timed out, SOCKET_ERROR: failed
            return null;
        }
        byte[] buf = new byte[100];
        int n = ws.recv(s, buf, buf.length, 0);
        return n > 0 ? new String(buf, 0, n, US_ASCII) : null;
    }

    /** Overlapped WSARecv with an event: the call returns at once, the data comes later. */
    static String readOverlapped(Winsock ws, long s) {
        Overlapped ov = new Overlapped(ws.WSACreateEvent());
        ByteBuffer buf = ByteBuffer.allocate(100);
        IntRef n = new IntRef();
        if (ws.WSARecv(s, new ByteBuffer[] {buf}, n, new IntRef(0), ov, null) == SOCKET_ERROR
                && ws.WSAGetLastError() != WsaError.WSA_IO_PENDING) {
            return null;                                              // a real error
        }
        // ... this thread is free until it wants the result ...
        if (!ws.WSAGetOverlappedResult(s, ov, n, true, new IntRef())) { // fWait: block until done
            return null;
        }
        ws.WSACloseEvent(ov.event);
        return new String(buf.array(), 0, n.value, US_ASCII);
    }

    /** A completion routine: it runs on this thread when the thread waits alertably. */
    static String readWithCompletionRoutine(Winsock ws, long s) {
        ByteBuffer buf = ByteBuffer.allocate(100);
        StringBuilder got = new StringBuilder();
        CompletionRoutine done = (error, bytes, overlapped, flags) -> {
            if (error == 0) {
                got.append(new String(buf.array(), 0, bytes, US_ASCII));
            }
        };
        if (ws.WSARecv(s, new ByteBuffer[] {buf}, new IntRef(), new IntRef(0), new Overlapped(), done) == SOCKET_ERROR
                && ws.WSAGetLastError() != WsaError.WSA_IO_PENDING) {
            return null;
        }
        ws.SleepEx(5_000, true);             // alertable: returns WAIT_IO_COMPLETION once the routine ran
        return got.toString();
    }

    /** An I/O completion port: any number of sockets, a few threads taking their completions. */
    static String readWithCompletionPort(Winsock ws, long s) {
        IoCompletionPort port = ws.CreateIoCompletionPort(INVALID_SOCKET, null, 0, 0);
        ws.CreateIoCompletionPort(s, port, 7, 0);                     // s's completions carry key 7
        ByteBuffer buf = ByteBuffer.allocate(100);
        ws.WSARecv(s, new ByteBuffer[] {buf}, new IntRef(), new IntRef(0), new Overlapped(), null);
        IntRef bytes = new IntRef();
        Ref<Long> key = new Ref<>();
        Ref<Overlapped> which = new Ref<>();
        boolean ok = ws.GetQueuedCompletionStatus(port, bytes, key, which, 5_000);
        ws.CloseHandle(port);
        return ok && key.value == 7 ? new String(buf.array(), 0, bytes.value, US_ASCII) : null;
    }

    /** AsyncWsSocket: overlapped I/O as CompletableFutures. */
    static String askAsync(Winsock ws, InetSocketAddress server, String question) throws Exception {
        try (AsyncWsSocket s = AsyncWsSocket.tcp(ws)) {
            ByteBuffer answer = ByteBuffer.allocate(100);
            s.connect(server)
                    .thenCompose(v -> s.send(ByteBuffer.wrap(question.getBytes(US_ASCII))))
                    .thenCompose(sent -> s.recv(answer))
                    .get(5, TimeUnit.SECONDS);
            return new String(answer.array(), 0, answer.position(), US_ASCII);
        }
    }

    /** Plain java.nio code over a Winsock process: the NIO adapter. */
    static String askNio(Winsock ws, InetSocketAddress server, String question) throws Exception {
        SelectorProvider nio = new WinsockSelectorProvider(ws);
        try (SocketChannel ch = nio.openSocketChannel()) {
            ch.connect(server);
            ch.write(ByteBuffer.wrap(question.getBytes(US_ASCII)));
            ByteBuffer answer = ByteBuffer.allocate(100);
            ch.read(answer);
            return new String(answer.array(), 0, answer.position(), US_ASCII);
        }
    }

    /** getaddrinfo, then try each address in turn, as RFC 3493 programs do. */
    static long connectByName(Winsock ws, String host, String service) {
        AddrInfo hints = AddrInfo.hints(0, Wsa.AF_UNSPEC, Wsa.SOCK_STREAM, Wsa.IPPROTO_TCP);
        Ref<AddrInfo> result = new Ref<>();
        if (ws.getaddrinfo(host, service, hints, result) != 0) {
            return INVALID_SOCKET;                                    // WSAGetLastError: the EAI code
        }
        long s = INVALID_SOCKET;
        for (AddrInfo ai = result.value; ai != null && s == INVALID_SOCKET; ai = ai.next) {
            s = ws.socket(ai.family, ai.socktype, ai.protocol);
            if (s != INVALID_SOCKET && ws.connect(s, ai.addr) == SOCKET_ERROR) {
                ws.closesocket(s);
                s = INVALID_SOCKET;
            }
        }
        ws.freeaddrinfo(result.value);
        return s;
    }

    /** Errors, C style: SOCKET_ERROR, then WSAGetLastError on the same thread. */
    static int connectError(Winsock ws, InetSocketAddress closedPort) {
        long s = ws.socket(Wsa.AF_INET, Wsa.SOCK_STREAM, Wsa.IPPROTO_TCP);
        int error = 0;
        if (ws.connect(s, SockAddr.inet(closedPort)) == SOCKET_ERROR) {
            error = ws.WSAGetLastError();                             // WSAECONNREFUSED (10061)
        }
        ws.closesocket(s);
        return error;
    }

    /** Errors, Java style: the facade throws WinsockException carrying the code. */
    static String connectErrorName(Winsock ws, InetSocketAddress closedPort) {
        try (WsSocket s = WsSocket.tcp(ws)) {
            s.connect(closedPort);
            return "connected";
        } catch (WinsockException e) {
            return e.call() + ": " + e.codeName();                    // "connect: WSAECONNREFUSED"
        }
    }

    // ------------------------------------------------------------------ the tests

    @ParameterizedTest
    @ValueSource(strings = {"host", "stack"})
    void everyWayOfWaitingGetsTheData(String which) {
        try (Worlds.World w = world(which)) {
            long[] p = connectedPair(w);
            Winsock a = w.a();
            Winsock b = w.b();
            send(a, p[0], "event-select");
            assertEquals("event-select", readWithEventSelect(b, p[1]));
            send(a, p[0], "poll");
            assertEquals("poll", readWithPoll(b, p[1]));
            Thread.ofVirtual().start(() -> {
                sleep(50);
                send(a, p[0], "overlapped");
            });
            assertEquals("overlapped", readOverlapped(b, p[1]));
            Thread.ofVirtual().start(() -> {
                sleep(50);
                send(a, p[0], "routine");
            });
            assertEquals("routine", readWithCompletionRoutine(b, p[1]));
            Thread.ofVirtual().start(() -> {
                sleep(50);
                send(a, p[0], "port");
            });
            assertEquals("port", readWithCompletionPort(b, p[1]));
            a.closesocket(p[0]);
            b.closesocket(p[1]);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"host", "stack"})
    void theFacadesTalkToAnEchoServer(String which) throws Exception {
        try (Worlds.World w = world(which);
             EchoServer echo = EchoServer.start(w.b(), false, w.addrB(), 0)) {
            w.a().WSAStartup(Wsa.makeVersion(2, 2), new WsaData());
            InetSocketAddress server = echo.at(w.addrB());
            assertEquals("async", askAsync(w.a(), server, "async"));
            assertEquals("nio", askNio(w.a(), server, "nio"));
            long s = connectByName(w.a(), w.addrB().getHostAddress(), Integer.toString(server.getPort()));
            assertTrue(s != INVALID_SOCKET, "getaddrinfo and connect: " + w.a().WSAGetLastError());
            w.a().closesocket(s);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"host", "stack"})
    void errorsComeBackBothWays(String which) {
        try (Worlds.World w = world(which)) {
            w.a().WSAStartup(Wsa.makeVersion(2, 2), new WsaData());
            InetSocketAddress closed = new InetSocketAddress(w.addrB(), 1);
            assertEquals(WsaError.WSAECONNREFUSED, connectError(w.a(), closed));
            assertEquals("connect: WSAECONNREFUSED", connectErrorName(w.a(), closed));
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
