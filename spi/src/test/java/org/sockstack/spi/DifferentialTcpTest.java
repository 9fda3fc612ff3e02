package org.sockstack.spi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sockstack.spi.provider.FdSet;
import org.sockstack.spi.provider.NetworkEvents;
import org.sockstack.spi.provider.WsaEvent;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One TCP script, two worlds: the host provider (loopback) and the stack provider (two user-space
 * stacks) must write the same transcript of results and WSA codes. Addresses are written by role,
 * and what legitimately differs (whether a non-blocking connect completes at once, buffer sizes
 * the kernel doubles) is written as a class of outcome.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DifferentialTcpTest {

    static String err(int code) {
        return WsaError.name(code);
    }

    /** Waits (bounded) until FIONREAD shows {@code n} octets. */
    static long awaitQueued(Net s, int n) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        long q;
        while ((q = s.ioctlOut(Wsa.FIONREAD, 4)) < n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return q;
    }

    static List<String> transcript(TestNetworks.Env env) throws InterruptedException {
        List<String> t = new ArrayList<>();
        IntRef e = new IntRef();

        // Set-up errors.
        Net l = TcpScenarios.tcp(env.b());
        t.add("listen unbound: " + err(Net.result(l.provider().listen(l.handle, 5, e), e)));
        t.add("bind: " + err(l.bind(env.addrB(), 0)));
        Net other = TcpScenarios.tcp(env.b());
        t.add("bind in use: " + err(other.bind(env.addrB(), l.port())));
        t.add("bind foreign: " + err(other.bind(TestNetworks.ip("198.51.100.1"), 0)));
        t.add("listen: " + err(Net.result(l.provider().listen(l.handle, 5, e), e)));
        t.add("so_acceptconn: " + l.getInt(Wsa.SOL_SOCKET, Wsa.SO_ACCEPTCONN));
        Net c = TcpScenarios.tcp(env.a());
        Ref<SockAddr> name = new Ref<>();
        t.add("getpeername unconnected: " + err(Net.result(c.provider().getPeerName(c.handle, name, e), e)));
        t.add("recv unconnected: " + err(c.recv(4).error()));
        t.add("nodelay: " + err(c.setInt(Wsa.IPPROTO_TCP, Wsa.TCP_NODELAY, 1)) + " "
                + c.getInt(Wsa.IPPROTO_TCP, Wsa.TCP_NODELAY));
        t.add("rcvbuf: " + err(c.setInt(Wsa.SOL_SOCKET, Wsa.SO_RCVBUF, 64 * 1024)) + " positive "
                + (c.getInt(Wsa.SOL_SOCKET, Wsa.SO_RCVBUF) > 0));
        t.add("sndbuf: " + err(c.setInt(Wsa.SOL_SOCKET, Wsa.SO_SNDBUF, 64 * 1024)) + " positive "
                + (c.getInt(Wsa.SOL_SOCKET, Wsa.SO_SNDBUF) > 0));

        // Non-blocking connect, then writable, then the repeated connect.
        t.add("fionbio: " + err(c.ioctlIn(Wsa.FIONBIO, 1)));
        int r = c.connect(env.addrB(), l.port());
        t.add("connect started: " + (r == 0 || r == WsaError.WSAEWOULDBLOCK));
        FdSet write = FdSet.of(c.handle);
        t.add("select writable: " + c.provider().select(null, write, null, Duration.ofMillis(5000), e));
        t.add("connect again: " + err(c.connect(env.addrB(), l.port())));
        t.add("so_error: " + c.getInt(Wsa.SOL_SOCKET, Wsa.SO_ERROR));

        // Accept through the condition callback.
        SockAddr[] caller = new SockAddr[1];
        long h = l.provider().accept(l.handle, null, (who, data, sq, gq, callee, cd, g) -> {
            caller[0] = who;
            return Wsa.CF_ACCEPT;
        }, e);
        Net s = new Net(env.b(), h);
        t.add("accepted: " + (h != Wsa.INVALID_SOCKET) + " caller is client: "
                + c.local().equals(caller[0].toInet()));
        s.provider().getPeerName(s.handle, name, e);
        t.add("peer is client: " + c.local().equals(name.value.toInet()));
        c.provider().getPeerName(c.handle, name, e);
        t.add("client's peer is server: " + s.local().equals(name.value.toInet()));

        // Data: peek, FIONREAD, partial reads, would-block.
        t.add("send: " + TcpScenarios.send(c, "hello".getBytes()));
        t.add("fionread: " + awaitQueued(s, 5));
        Net.Received peek = s.recvFrom(3, Wsa.MSG_PEEK);
        t.add("peek: " + err(peek.error()) + " '" + peek.text() + "'");
        Net.Received part = s.recv(2);
        t.add("recv 2: '" + part.text() + "'");
        Net.Received rest = s.recv(10);
        t.add("recv rest: '" + rest.text() + "'");
        s.ioctlIn(Wsa.FIONBIO, 1);
        t.add("recv empty nonblocking: " + err(s.recv(10).error()));
        s.ioctlIn(Wsa.FIONBIO, 0);

        // Half close.
        t.add("shutdown send: " + err(Net.result(c.provider().shutdown(c.handle, Wsa.SD_SEND, e), e)));
        t.add("send after shutdown: " + err(-TcpScenarios.send(c, "x".getBytes())));
        s.setInt(Wsa.SOL_SOCKET, Wsa.SO_RCVTIMEO, 5000);
        Net.Received eof = s.recv(10);
        t.add("server sees end: " + err(eof.error()) + " " + eof.bytes());
        t.add("server still sends: " + TcpScenarios.send(s, "bye".getBytes()));
        c.ioctlIn(Wsa.FIONBIO, 0);
        t.add("client reads: '" + new String(TcpScenarios.readFully(c, 3)) + "'");

        // Lingering: a non-blocking close with a linger time would block.
        t.add("linger 5: " + err(s.setLinger(true, 5)));
        s.ioctlIn(Wsa.FIONBIO, 1);
        t.add("close lingering nonblocking: " + err(s.close()));
        s.setLinger(false, 0);
        t.add("close: " + err(s.close()));
        Net.Received end = c.recv(10);
        t.add("client sees end: " + err(end.error()) + " " + end.bytes());
        t.add("close client: " + err(c.close()));

        // An abortive close resets the peer; FD_CLOSE carries the reset.
        Net c2 = TcpScenarios.tcp(env.a());
        t.add("connect blocking: " + err(c2.connect(env.addrB(), l.port())));
        Net s2 = TcpScenarios.accept(l);
        WsaEvent ev = new WsaEvent();
        t.add("event select: " + err(Net.result(s2.provider().eventSelect(s2.handle, ev,
                Wsa.FD_READ | Wsa.FD_CLOSE, e), e)));
        t.add("abortive: " + err(c2.setLinger(true, 0)) + " " + err(c2.close()));
        NetworkEvents ne = new NetworkEvents();
        TcpScenarios.awaitEvents(s2, ev, ne, Wsa.FD_CLOSE);
        t.add("fd_close error: " + err(ne.errorCode[Wsa.FD_CLOSE_BIT]));
        t.add("recv after reset: " + err(s2.recv(10).error()));
        t.add("send after reset: " + err(-TcpScenarios.send(s2, "x".getBytes())));

        // Refused: blocking, and non-blocking through the except set with a sticky SO_ERROR.
        int port = l.port();
        t.add("close listener: " + err(l.close()));
        Net c3 = TcpScenarios.tcp(env.a());
        t.add("connect refused: " + err(c3.connect(env.addrB(), port)));
        Net c4 = TcpScenarios.tcp(env.a());
        c4.ioctlIn(Wsa.FIONBIO, 1);
        r = c4.connect(env.addrB(), port);
        FdSet except = FdSet.of(c4.handle);
        t.add("nonblocking refused: " + (r == WsaError.WSAEWOULDBLOCK
                ? "except " + c4.provider().select(null, null, except, Duration.ofMillis(5000), e) + " "
                + err(c4.getInt(Wsa.SOL_SOCKET, Wsa.SO_ERROR)) + " " + err(c4.getInt(Wsa.SOL_SOCKET, Wsa.SO_ERROR))
                : "at once " + err(r)));

        env.a().provider(c.handle, e);
        t.add("closed handle: " + err(e.value));
        return t;
    }

    @Test
    void hostAndStackGiveTheSameTranscript() throws InterruptedException {
        List<String> host;
        List<String> stack;
        try (TestNetworks.Env env = TestNetworks.host()) {
            host = transcript(env);
        }
        try (TestNetworks.Env env = TestNetworks.stacks()) {
            stack = transcript(env);
        }
        assertEquals(String.join("\n", host), String.join("\n", stack));
        // A few anchors, so a transcript that went wrong in both worlds alike is still caught.
        assertEquals(true, host.contains("bind in use: WSAEADDRINUSE"), String.join("\n", host));
        assertEquals(true, host.contains("peek: OK 'hel'"), String.join("\n", host));
        assertEquals(true, host.contains("connect refused: WSAECONNREFUSED"), String.join("\n", host));
        assertEquals(true, host.contains("recv after reset: WSAECONNRESET"), String.join("\n", host));
        assertEquals(true, host.contains("nonblocking refused: except 1 WSAECONNREFUSED WSAECONNREFUSED")
                || host.contains("nonblocking refused: at once WSAECONNREFUSED"), String.join("\n", host));
    }
}
