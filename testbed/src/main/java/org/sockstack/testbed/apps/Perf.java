package org.sockstack.testbed.apps;

import org.sockstack.api.Winsock;
import org.sockstack.spi.WsaData;
import org.sockstack.spi.stack.StackTcpInfo;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.LockSupport;

import static org.sockstack.spi.wsa.Wsa.INVALID_SOCKET;
import static org.sockstack.spi.wsa.Wsa.SOCKET_ERROR;

/**
 * A ttcp/iperf-style throughput tool written as a Winsock program. The client sends for a number
 * of octets or a time; the server counts and reports. Both print Mbit/s; a TCP client on the
 * user-space stack also prints the connection's retransmissions and RTT, read with the stack
 * provider's {@link StackTcpInfo#SIO_TCP_INFO} ioctl (the host provider has none: "n/a").
 *
 * <p>The little protocol on the wire:
 * <ul>
 *   <li>TCP: the client sends its octets, then shutdown(SD_SEND) (a FIN). The server, at the end
 *       of the stream, answers the count it received as 8 octets (big-endian) and closes. A plain
 *       sink (nc, socat) just closes, and the client says the receiver's count is unknown.</li>
 *   <li>UDP: each datagram starts with its sequence number (8 octets, big-endian). The last is an
 *       end marker, sequence -1 and the number of datagrams sent, repeated until the server
 *       answers with the octets and datagrams it received (8 octets each).</li>
 * </ul>
 */
public final class Perf {
    public static final int DEFAULT_PORT = 5001;
    public static final int TCP_LENGTH = 128 * 1024;
    public static final int UDP_LENGTH = 1470;
    private static final int HEADER = 8;

    private Perf() {
    }

    /**
     * What to send: {@code bytes} octets, or (when {@code bytes} is 0) for {@code time}; each
     * send of {@code length} octets; UDP paced at {@code udpRate} bit/s (0: as fast as possible).
     */
    public record Options(boolean udp, long bytes, Duration time, int length, long udpRate) {
        public Options {
            if (bytes < 0 || bytes == 0 && (time == null || time.isNegative() || time.isZero())) {
                throw new IllegalArgumentException("send a positive number of bytes or for a positive time");
            }
            if (length < (udp ? 2 * HEADER : 1) || length > (udp ? 65_507 : 1 << 24)) {
                throw new IllegalArgumentException("bad --length " + length);
            }
        }

        public static Options tcpBytes(long bytes) {
            return new Options(false, bytes, null, TCP_LENGTH, 0);
        }

        public static Options udpBytes(long bytes, int length) {
            return new Options(true, bytes, null, length, 10_000_000);
        }
    }

    /**
     * One side's result. {@code peerBytes} is what the other side reported (-1 if it did not);
     * {@code datagrams} and {@code peerDatagrams} are for UDP; {@code tcpInfo} is null when the
     * provider has no TCP info.
     */
    public record Report(String role, boolean udp, long bytes, long datagrams, long nanos, long peerBytes,
                         long peerDatagrams, StackTcpInfo tcpInfo) {
        public double megabitsPerSecond() {
            return nanos <= 0 ? 0 : bytes * 8e3 / nanos;
        }

        /** The lines perf prints (the same on both providers but for the times and rates). */
        public String format() {
            StringBuilder sb = new StringBuilder();
            String proto = udp ? "UDP" : "TCP";
            sb.append(String.format(Locale.ROOT, "[%s %-8s] %d bytes", proto, role, bytes));
            if (udp) {
                sb.append(", ").append(datagrams).append(" datagrams");
            }
            sb.append(String.format(Locale.ROOT, " in %.3f s = %.2f Mbit/s%n", nanos / 1e9, megabitsPerSecond()));
            if (role.equals("sender")) {
                if (peerBytes < 0) {
                    sb.append(String.format("[%s %-8s] receiver count unknown (not a perf server)%n", proto, role));
                } else if (udp) {
                    long lost = datagrams - peerDatagrams;
                    sb.append(String.format(Locale.ROOT, "[%s %-8s] receiver got %d bytes, %d datagrams, lost %d (%.1f%%)%n",
                            proto, role, peerBytes, peerDatagrams, lost, datagrams == 0 ? 0.0 : lost * 100.0 / datagrams));
                } else {
                    sb.append(String.format("[%s %-8s] receiver got %d bytes%n", proto, role, peerBytes));
                }
                if (!udp) {
                    sb.append(String.format("[%s %-8s] tcp_info: %s%n", proto, role, tcpInfo == null ? "n/a"
                            : String.format(Locale.ROOT, "retrans %d, srtt %.3f ms, rttvar %.3f ms, rto %.0f ms, "
                                    + "cwnd %d, mss %d", tcpInfo.retransmissions(), tcpInfo.srttMicros() / 1e3,
                                    tcpInfo.rttvarMicros() / 1e3, tcpInfo.rtoMicros() / 1e3, tcpInfo.cwnd(),
                                    tcpInfo.sendMss())));
                }
            }
            return sb.toString();
        }
    }

    private static void startup(Winsock ws) {
        int err = ws.WSAStartup(Wsa.makeVersion(2, 2), new WsaData());
        if (err != 0) {
            throw new IllegalStateException("WSAStartup failed: " + WsaError.name(err));
        }
    }

    private static IllegalStateException failure(Winsock ws, String call) {
        return new IllegalStateException(call + " failed: " + WsaError.name(ws.WSAGetLastError()));
    }

    private static int family(InetAddress a) {
        return a.getAddress().length == 4 ? Wsa.AF_INET : Wsa.AF_INET6;
    }

    // ================================================================== client

    /** Connects to {@code server}, sends, prints the report and returns it. */
    public static Report client(Winsock ws, InetSocketAddress server, Options o, PrintStream out) {
        startup(ws);
        try {
            int af = family(server.getAddress());
            long s = o.udp() ? ws.socket(af, Wsa.SOCK_DGRAM, Wsa.IPPROTO_UDP)
                    : ws.socket(af, Wsa.SOCK_STREAM, Wsa.IPPROTO_TCP);
            if (s == INVALID_SOCKET) {
                throw failure(ws, "socket");
            }
            try {
                if (ws.connect(s, SockAddr.inet(server)) == SOCKET_ERROR) {
                    throw failure(ws, "connect");
                }
                out.println("perf: " + (o.udp() ? "UDP" : "TCP") + " client sending to " + server.getAddress()
                        .getHostAddress() + " port " + server.getPort() + ", " + (o.bytes() > 0 ? o.bytes() + " bytes"
                        : o.time().toMillis() / 1000.0 + " s") + " in sends of " + o.length());
                Report r = o.udp() ? sendUdp(ws, s, o) : sendTcp(ws, s, o);
                out.print(r.format());
                return r;
            } finally {
                ws.closesocket(s);
            }
        } finally {
            ws.WSACleanup();
        }
    }

    /** Whether the client should send another buffer: octets left, or time left. */
    private static int nextLength(Options o, long sent, long start) {
        if (o.bytes() > 0) {
            return (int) Math.min(o.length(), o.bytes() - sent);
        }
        return System.nanoTime() - start < o.time().toNanos() ? o.length() : 0;
    }

    private static Report sendTcp(Winsock ws, long s, Options o) {
        byte[] buf = new byte[o.length()];
        long sent = 0;
        long start = System.nanoTime();
        int len;
        while ((len = nextLength(o, sent, start)) > 0) {
            if (ws.send(s, buf, len, 0) == SOCKET_ERROR) { // blocking: all len octets or an error
                throw failure(ws, "send");
            }
            sent += len;
        }
        ws.shutdown(s, Wsa.SD_SEND); // our FIN: the server now knows the count is final
        ByteBuffer count = ByteBuffer.allocate(8);
        while (count.hasRemaining()) {
            int n = ws.recv(s, count, 0);
            if (n <= 0) {
                break;
            }
        }
        long elapsed = System.nanoTime() - start;
        long peer = count.hasRemaining() ? -1 : count.getLong(0);
        return new Report("sender", false, sent, 0, elapsed, peer, 0, tcpInfo(ws, s));
    }

    /** The stack provider's TCP info for {@code s}, or null where the provider has none (host). */
    public static StackTcpInfo tcpInfo(Winsock ws, long s) {
        byte[] out = new byte[StackTcpInfo.LENGTH];
        int r = ws.WSAIoctl(s, StackTcpInfo.SIO_TCP_INFO, null, out, new IntRef(), null, null);
        return r == 0 ? StackTcpInfo.decode(out) : null;
    }

    private static Report sendUdp(Winsock ws, long s, Options o) {
        ByteBuffer datagram = ByteBuffer.allocate(o.length());
        long sent = 0;
        long datagrams = 0;
        long start = System.nanoTime();
        int len;
        while ((len = nextLength(o, sent, start)) > 0) {
            len = Math.max(len, HEADER); // the last datagram still carries its sequence number
            datagram.putLong(0, datagrams);
            if (ws.send(s, datagram.array(), len, 0) == SOCKET_ERROR && ws.WSAGetLastError() != WsaError.WSAENOBUFS) {
                throw failure(ws, "send");
            }
            sent += len;
            datagrams++;
            pace(o, sent, start);
        }
        long elapsed = System.nanoTime() - start;
        long[] answer = endUdp(ws, s, datagrams);
        return new Report("sender", true, sent, datagrams, elapsed, answer == null ? -1 : answer[0],
                answer == null ? 0 : answer[1], null);
    }

    /** Waits until {@code sent} octets are due at the configured rate. */
    private static void pace(Options o, long sent, long start) {
        if (o.udpRate() <= 0) {
            return;
        }
        long due = start + (long) (sent * 8e9 / o.udpRate());
        long ahead = due - System.nanoTime();
        if (ahead > 1_000_000) {
            LockSupport.parkNanos(ahead);
        }
    }

    /** Sends the end marker until the server answers (10 tries, 0.5 s each): its counts, or null. */
    private static long[] endUdp(Winsock ws, long s, long datagrams) {
        byte[] timeout = {(byte) 0xF4, 0x01, 0, 0}; // SO_RCVTIMEO 500 ms, a little-endian DWORD
        ws.setsockopt(s, Wsa.SOL_SOCKET, Wsa.SO_RCVTIMEO, timeout, 4);
        ByteBuffer end = ByteBuffer.allocate(2 * HEADER).putLong(0, -1).putLong(HEADER, datagrams);
        byte[] answer = new byte[2 * HEADER];
        for (int attempt = 0; attempt < 10; attempt++) {
            ws.send(s, end.array(), end.capacity(), 0);
            int n = ws.recv(s, answer, answer.length, 0);
            if (n == answer.length) {
                ByteBuffer a = ByteBuffer.wrap(answer);
                return new long[] {a.getLong(0), a.getLong(HEADER)};
            }
        }
        return null;
    }

    // ================================================================== server

    /**
     * The server: one socket on {@code port}, serving one client after another (TCP: each
     * connection on its own thread) until {@link #close()}. Each finished transfer is printed and
     * queued in {@link #reports()}.
     */
    public static final class Server implements AutoCloseable {
        private final Winsock ws;
        private final long socket;
        private final boolean udp;
        private final int port;
        private final PrintStream out;
        private final BlockingQueue<Report> reports = new LinkedBlockingQueue<>();
        private final Thread thread;

        private Server(Winsock ws, long socket, boolean udp, int port, PrintStream out) {
            this.ws = ws;
            this.socket = socket;
            this.udp = udp;
            this.port = port;
            this.out = out;
            this.thread = Thread.ofVirtual().name("perf-server").start(udp ? this::serveUdp : this::serveTcp);
        }

        /** WSAStartup, socket, bind (port 0: any), listen for TCP; serving starts on its own thread. */
        public static Server start(Winsock ws, boolean udp, InetAddress address, int port, PrintStream out) {
            startup(ws);
            int af = family(address);
            long s = udp ? ws.socket(af, Wsa.SOCK_DGRAM, Wsa.IPPROTO_UDP)
                    : ws.socket(af, Wsa.SOCK_STREAM, Wsa.IPPROTO_TCP);
            if (s == INVALID_SOCKET || ws.bind(s, SockAddr.inet(address, port)) == SOCKET_ERROR
                    || !udp && ws.listen(s, 16) == SOCKET_ERROR) {
                IllegalStateException e = failure(ws, "perf server on port " + port + ": socket/bind/listen");
                ws.WSACleanup();
                throw e;
            }
            if (udp) {
                byte[] big = {0, 0, 0x40, 0}; // SO_RCVBUF 4 MiB: room for a burst of datagrams
                ws.setsockopt(s, Wsa.SOL_SOCKET, Wsa.SO_RCVBUF, big, 4);
            }
            Ref<SockAddr> local = new Ref<>();
            ws.getsockname(s, local);
            int p = local.value.toInet().getPort();
            out.println("perf: " + (udp ? "UDP" : "TCP") + " server listening on port " + p);
            out.flush();
            return new Server(ws, s, udp, p, out);
        }

        public int port() {
            return port;
        }

        /** The finished transfers, in order. */
        public BlockingQueue<Report> reports() {
            return reports;
        }

        private void finished(Report r) {
            synchronized (out) {
                out.print(r.format());
                out.flush();
            }
            reports.add(r);
        }

        private void serveTcp() {
            Ref<SockAddr> peer = new Ref<>();
            while (true) {
                long c = ws.accept(socket, peer);
                if (c == INVALID_SOCKET) {
                    return; // closed
                }
                synchronized (out) {
                    out.println("perf: connection from " + peer.value.toInet().getAddress().getHostAddress());
                }
                Thread.ofVirtual().name("perf-connection").start(() -> countStream(c));
            }
        }

        /** recv until the end of the stream, answer the count, close. */
        private void countStream(long c) {
            byte[] buf = new byte[TCP_LENGTH];
            long received = 0;
            long start = System.nanoTime();
            int n;
            while ((n = ws.recv(c, buf, buf.length, 0)) > 0) {
                received += n;
            }
            long elapsed = System.nanoTime() - start;
            if (n == 0) {
                ws.send(c, ByteBuffer.allocate(8).putLong(0, received), 0);
            }
            ws.closesocket(c);
            finished(new Report("receiver", false, received, 0, elapsed, -1, 0, null));
        }

        private void serveUdp() {
            byte[] buf = new byte[65_535];
            Ref<SockAddr> from = new Ref<>();
            long bytes = 0;
            long datagrams = 0;
            long start = 0;
            long last = 0;
            ByteBuffer answer = ByteBuffer.allocate(2 * HEADER);
            while (true) {
                int n = ws.recvfrom(socket, buf, buf.length, 0, from);
                if (n == SOCKET_ERROR) {
                    if (ws.WSAGetLastError() == WsaError.WSAECONNRESET || ws.WSAGetLastError() == WsaError.WSAEMSGSIZE) {
                        continue;
                    }
                    return; // closed
                }
                long seq = n >= HEADER ? ByteBuffer.wrap(buf).getLong(0) : 0;
                if (seq == -1 && n == 2 * HEADER) {
                    if (datagrams > 0) { // a repeated marker (our answer was lost) gets the same answer
                        answer.putLong(0, bytes).putLong(HEADER, datagrams);
                        finished(new Report("receiver", true, bytes, datagrams, last - start, -1, 0, null));
                    }
                    ws.sendto(socket, answer.array(), answer.capacity(), 0, from.value);
                    bytes = 0;
                    datagrams = 0;
                    continue;
                }
                long now = System.nanoTime();
                if (datagrams == 0) {
                    start = now;
                }
                last = now;
                bytes += n;
                datagrams++;
            }
        }

        /** closesocket (which ends the service), then WSACleanup. */
        @Override
        public void close() {
            ws.closesocket(socket);
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ws.WSACleanup();
        }
    }
}
