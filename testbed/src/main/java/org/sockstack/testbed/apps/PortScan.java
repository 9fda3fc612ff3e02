package org.sockstack.testbed.apps;

import org.sockstack.api.TimeVal;
import org.sockstack.api.Winsock;
import org.sockstack.spi.WsaData;
import org.sockstack.spi.provider.FdSet;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.SockAddr;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.io.PrintStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.sockstack.spi.wsa.Wsa.INVALID_SOCKET;
import static org.sockstack.spi.wsa.Wsa.SOCKET_ERROR;

/**
 * A TCP connect scan written as a Winsock program: up to {@code concurrency} non-blocking
 * connects at once (ioctlsocket FIONBIO, connect answering WSAEWOULDBLOCK), and select to learn
 * how each ends: in the write set, the handshake completed (open); in the except set, it failed
 * (closed: the reason, usually WSAECONNREFUSED for a RST, is SO_ERROR); neither before
 * {@code timeout}, no answer (filtered).
 */
public final class PortScan {

    public enum State { OPEN, CLOSED, FILTERED }

    private record Pending(int port, long deadline) { }

    private PortScan() {
    }

    /** Scans {@code ports} of {@code host}; the state of each, in port order. */
    public static Map<Integer, State> scan(Winsock ws, InetAddress host, List<Integer> ports, int concurrency,
                                           Duration timeout) {
        if (concurrency < 1 || concurrency > FdSet.FD_SETSIZE) {
            throw new IllegalArgumentException("concurrency must be 1.." + FdSet.FD_SETSIZE);
        }
        int err = ws.WSAStartup(Wsa.makeVersion(2, 2), new WsaData());
        if (err != 0) {
            throw new IllegalStateException("WSAStartup failed: " + WsaError.name(err));
        }
        Map<Integer, State> result = new TreeMap<>();
        Map<Long, Pending> pending = new LinkedHashMap<>();
        int next = 0;
        try {
            while (next < ports.size() || !pending.isEmpty()) {
                while (next < ports.size() && pending.size() < concurrency) {
                    int port = ports.get(next++);
                    long s = startConnect(ws, host, port, result);
                    if (s != INVALID_SOCKET) {
                        pending.put(s, new Pending(port, System.nanoTime() + timeout.toNanos()));
                    }
                }
                if (!pending.isEmpty()) {
                    waitForSome(ws, pending, result);
                }
            }
        } finally {
            pending.keySet().forEach(ws::closesocket);
            ws.WSACleanup();
        }
        return result;
    }

    /** socket, FIONBIO, connect: the pending socket, or INVALID_SOCKET with the port's state known. */
    private static long startConnect(Winsock ws, InetAddress host, int port, Map<Integer, State> result) {
        int af = host.getAddress().length == 4 ? Wsa.AF_INET : Wsa.AF_INET6;
        long s = ws.socket(af, Wsa.SOCK_STREAM, Wsa.IPPROTO_TCP);
        if (s == INVALID_SOCKET) {
            throw new IllegalStateException("socket failed: " + WsaError.name(ws.WSAGetLastError()));
        }
        ws.ioctlsocket(s, Wsa.FIONBIO, new IntRef(1));
        if (ws.connect(s, SockAddr.inet(host, port)) == 0) {
            result.put(port, State.OPEN); // connected at once (possible on a loopback)
        } else if (ws.WSAGetLastError() == WsaError.WSAEWOULDBLOCK) {
            return s; // the SYN is out: select tells the rest
        } else {
            result.put(port, State.CLOSED);
        }
        ws.closesocket(s);
        return INVALID_SOCKET;
    }

    /** One select over every pending connect (write set: done; except set: failed); then the time-outs. */
    private static void waitForSome(Winsock ws, Map<Long, Pending> pending, Map<Integer, State> result) {
        FdSet writefds = new FdSet();
        FdSet exceptfds = new FdSet();
        long firstDeadline = Long.MAX_VALUE;
        for (Map.Entry<Long, Pending> e : pending.entrySet()) {
            Winsock.FD_SET(e.getKey(), writefds);
            Winsock.FD_SET(e.getKey(), exceptfds);
            firstDeadline = Math.min(firstDeadline, e.getValue().deadline());
        }
        long wait = Math.max(0, firstDeadline - System.nanoTime());
        int n = ws.select(0, null, writefds, exceptfds, TimeVal.ofMillis(Math.max(1, wait / 1_000_000)));
        if (n == SOCKET_ERROR) {
            throw new IllegalStateException("select failed: " + WsaError.name(ws.WSAGetLastError()));
        }
        long now = System.nanoTime();
        for (long s : new ArrayList<>(pending.keySet())) {
            Pending p = pending.get(s);
            State state = Winsock.FD_ISSET(s, writefds) ? State.OPEN
                    : Winsock.FD_ISSET(s, exceptfds) ? State.CLOSED
                    : now >= p.deadline() ? State.FILTERED : null;
            if (state != null) {
                result.put(p.port(), state);
                pending.remove(s);
                ws.closesocket(s);
            }
        }
    }

    /** Prints the open ports and a summary, nmap-like. */
    public static void print(Map<Integer, State> result, String host, PrintStream out) {
        out.println("scan report for " + host);
        out.println("PORT      STATE");
        long closed = 0;
        long filtered = 0;
        for (Map.Entry<Integer, State> e : result.entrySet()) {
            switch (e.getValue()) {
                case OPEN -> out.printf("%-9s open%n", e.getKey() + "/tcp");
                case CLOSED -> closed++;
                case FILTERED -> filtered++;
            }
        }
        out.println("not shown: " + closed + " closed, " + filtered + " filtered");
    }
}
