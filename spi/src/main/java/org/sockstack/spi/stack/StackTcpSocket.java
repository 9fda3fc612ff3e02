package org.sockstack.spi.stack;

import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.socket.SocketEvents;
import org.sockstack.stack.tcp.ConnectionRequest;
import org.sockstack.stack.tcp.TcpSocket;
import org.sockstack.stack.tcp.TcpState;
import org.sockstack.spi.provider.DualStack;
import org.sockstack.spi.provider.NetStreamSocket;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.TcpInfoV0;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A stack {@link TcpSocket} seen from the provider. Every call hops onto the stack's event loop
 * (DESIGN rule 4) and refreshes a snapshot there (readiness, addresses, queued bytes), so the
 * provider can read them from any thread without waiting for the loop.
 *
 * <p>What the stack's socket does not have is built here:
 * <ul>
 *   <li>MSG_PEEK: the stack's receive always consumes, so peeked octets are taken from the stack
 *       into a small push-back buffer that the next receive empties first (bounded by what the
 *       application asked to peek at).</li>
 *   <li>IP_TTL / IPV6_UNICAST_HOPS and IP_TOS go to the stack socket ({@link TcpSocket#setTtl},
 *       {@link TcpSocket#setTos}): every segment of the connection carries them, and an accepted
 *       connection inherits the listening socket's.</li>
 *   <li>Out-of-band data is the stack's urgent data ({@link TcpSocket#sendUrgent},
 *       {@link TcpSocket#receiveUrgent}, SO_OOBINLINE); MSG_PEEK with MSG_OOB takes the octet from
 *       the stack and holds it here until a plain MSG_OOB receive (or a newer mark) replaces it.</li>
 *   <li>SO_KEEPALIVE and the keep-alive times go to the stack's RFC 1122 4.2.3.6 keep-alive
 *       timer; TCP_MAXRT to its retransmission give-up time ({@link TcpSocket#setMaxRetransmitTime}).</li>
 * </ul>
 */
final class StackTcpSocket implements NetStreamSocket {
    private static final byte[] EMPTY = new byte[0];

    private final StackBackend backend;
    private final TcpSocket socket;
    private final int af;
    private volatile Runnable listener = () -> { };

    // Loop thread only.
    private byte[] pushback = EMPTY;
    /** The connection reached a synchronized state once (RFC 9293 3.3.2): connect succeeded. */
    private boolean established;
    /**
     * An error (a reset) met after some octets were read: those octets are the answer of that
     * call, the error the answer of the next (the stack hands it out only once).
     */
    private int deferredError;
    /** An out-of-band octet taken from the stack by a MSG_OOB|MSG_PEEK receive, or -1. */
    private int peekedUrgent = -1;
    /** QoS send pacing (WSAConnect's sending flow spec), or null. */
    private TokenBucket pacing;
    private org.sockstack.stack.loop.Timer pacingTimer;

    // The snapshot, written on the loop after every call and event.
    private volatile int readiness;
    private volatile InetSocketAddress local;
    private volatile InetSocketAddress remote;
    private volatile int queued;
    private volatile boolean urgentUnread;

    StackTcpSocket(StackBackend backend, TcpSocket socket, boolean accepted, int af) {
        this.backend = backend;
        this.socket = socket;
        this.af = af;
        backend.onLoop(() -> {
            established = accepted;
            socket.setListener(events -> {
                if ((events & SocketEvents.URGENT) != 0) {
                    peekedUrgent = -1;   // a newer mark replaces the octet (RFC 6093: only the last is kept)
                }
                refresh();
                listener.run();
            });
            refresh();
            return null;
        });
    }

    private long now() {
        return backend.stack().loop().clock().nanos();
    }

    // ------------------------------------------------------------------ readiness (loop thread)

    private static boolean synchronizedOrLater(TcpState s) {
        return s != TcpState.CLOSED && s != TcpState.LISTEN && s != TcpState.SYN_SENT && s != TcpState.SYN_RECEIVED;
    }

    /**
     * Maps the stack's {@link SocketEvents} onto the provider's readiness: READABLE only while
     * octets wait (the provider raises FD_CLOSE once they are read), CONNECTED and WRITABLE only
     * after the handshake (a failed connect shows ERROR without CONNECTED).
     */
    private void refresh() {
        if (!established && synchronizedOrLater(socket.state())) {
            established = true;
        }
        int r = socket.readiness();
        int bytes = pushback.length + socket.readableBytes();
        int n = 0;
        if (bytes > 0) {
            n |= READABLE;
        }
        if ((r & SocketEvents.CLOSED) != 0) {
            n |= PEER_CLOSED;
        }
        if ((r & SocketEvents.ACCEPTABLE) != 0) {
            n |= ACCEPTABLE;
        }
        if ((r & SocketEvents.ERROR) != 0) {
            n |= ERROR;
        }
        if (socket.urgentPending() || peekedUrgent >= 0) {
            n |= URGENT;
        }
        if (established) {
            n |= CONNECTED;
            if ((r & SocketEvents.WRITABLE) != 0) {
                n |= WRITABLE;
            }
        }
        Endpoint l = socket.localEndpoint();
        Endpoint p = socket.remoteEndpoint();
        local = l == null ? null : forFamily(StackUdpSocket.inet(l));
        remote = p == null || !established ? null : forFamily(StackUdpSocket.inet(p));
        queued = bytes;
        urgentUnread = socket.urgentUnread() || peekedUrgent >= 0;
        readiness = n;
    }

    /** An IPv4 address of a dual-stack AF_INET6 socket reads as ::ffff:a.b.c.d. */
    private InetSocketAddress forFamily(InetSocketAddress a) {
        return af == Wsa.AF_INET6 ? DualStack.mapped(a) : a;
    }

    /** Runs {@code call} on the loop, then refreshes the snapshot. */
    private <T> T call(java.util.function.Supplier<T> call) {
        return backend.onLoop(() -> {
            try {
                return call.get();
            } finally {
                refresh();
            }
        });
    }

    @Override
    public void setListener(Runnable l) {
        this.listener = l;
    }

    @Override
    public int readiness() {
        return readiness;
    }

    // ------------------------------------------------------------------ set-up

    @Override
    public int bind(InetSocketAddress a) {
        Endpoint e = StackUdpSocket.endpoint(a);
        return call(() -> StackErrors.toWsa(socket.bind(e)));
    }

    @Override
    public int listen(int backlog) {
        return call(() -> StackErrors.toWsa(socket.listen(backlog)));
    }

    @Override
    public NetStreamSocket accept(IntRef errno) {
        TcpSocket child = call(() -> {
            TcpSocket c = socket.accept();
            if (c == null) {
                errno.value = StackErrors.toWsa(socket.lastError());
            }
            return c;
        });
        return child == null ? null : new StackTcpSocket(backend, child, true, af);
    }

    @Override
    public boolean setConditionalAccept(boolean on) {
        return call(() -> {
            socket.setConditionalAccept(on);
            return true;
        });
    }

    @Override
    public HeldRequest heldRequest(IntRef errno) {
        ConnectionRequest r = call(() -> {
            ConnectionRequest p = socket.pendingRequest();
            if (p == null) {
                errno.value = StackErrors.toWsa(socket.lastError());
            }
            return p;
        });
        return r == null ? null : new Held(r);
    }

    /** A held SYN of the stack's conditional listener, decided on the loop. */
    private final class Held implements HeldRequest {
        private final ConnectionRequest request;

        Held(ConnectionRequest request) {
            this.request = request;
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return forFamily(StackUdpSocket.inet(request.remote()));
        }

        @Override
        public InetSocketAddress localAddress() {
            return forFamily(StackUdpSocket.inet(request.local()));
        }

        @Override
        public NetStreamSocket accept(IntRef errno) {
            TcpSocket child = call(() -> {
                TcpSocket c = socket.acceptRequest(request, now());
                if (c == null) {
                    errno.value = StackErrors.toWsa(socket.lastError());
                }
                return c;
            });
            return child == null ? null : new StackTcpSocket(backend, child, true, af);
        }

        @Override
        public void reject() {
            call(() -> socket.rejectRequest(request, now()));
        }
    }

    /** RFC 9293 3.10.1 active OPEN: the SYN goes out now, the outcome arrives as an event. */
    @Override
    public int connect(InetSocketAddress peer) {
        Endpoint e = StackUdpSocket.endpoint(peer);
        return call(() -> {
            SocketError r = socket.connect(e, now());
            return r == SocketError.IN_PROGRESS ? WsaError.WSAEWOULDBLOCK : StackErrors.toWsa(r);
        });
    }

    @Override
    public int takeError() {
        return call(() -> {
            SocketError e = socket.error();
            return e == SocketError.OK ? 0 : StackErrors.toWsa(e);
        });
    }

    // ------------------------------------------------------------------ data

    /**
     * QoS: a token bucket in front of the stack's send buffer (RFC 2215 2). The bucket runs on the
     * stack's clock; when it is empty a timer on the loop says "writable" again once tokens return.
     */
    @Override
    public int setSendPacing(org.sockstack.spi.provider.Qos.Flowspec f) {
        return call(() -> {
            if (f == null) {
                pacing = null;
                return 0;
            }
            long peak = f.peakBandwidth() > 0 ? f.peakBandwidth() : 0;
            long sdu = f.maxSduSize() > 0 ? f.maxSduSize() : Math.min(f.tokenBucketSize(), 1500);
            pacing = new TokenBucket(f.tokenRate(), f.tokenBucketSize(), peak, sdu, now());
            if (pacingTimer == null) {
                pacingTimer = backend.stack().loop().timers().newTimer("qos-pacing", t -> {
                    refresh();
                    listener.run();
                });
            }
            return 0;
        });
    }

    @Override
    public int send(ByteBuffer[] data, IntRef written) {
        return call(() -> {
            long now = now();
            if (pacing != null) {
                return sendPaced(data, written, now);
            }
            int total = 0;
            for (ByteBuffer b : data) {
                while (b.hasRemaining()) {
                    int n = sendOne(b, now);
                    if (n < 0) {
                        written.value = total;
                        return total > 0 ? 0 : sendError(socket.lastError());
                    }
                    total += n;
                    if (b.hasRemaining()) {
                        written.value = total;
                        return 0;
                    }
                }
            }
            written.value = total;
            return 0;
        });
    }

    /** A send under QoS: no more than the bucket allows now (WSAEWOULDBLOCK while it is empty). */
    private int sendPaced(ByteBuffer[] data, IntRef written, long now) {
        long allowed = pacing.available(now);
        int total = 0;
        for (ByteBuffer b : data) {
            while (b.hasRemaining() && total < allowed) {
                int take = (int) Math.min(b.remaining(), allowed - total);
                ByteBuffer part = b.slice(b.position(), take);
                int n = sendOne(part, now);
                if (n < 0) {
                    break;
                }
                b.position(b.position() + n);
                total += n;
                if (n < take) {
                    break;
                }
            }
        }
        pacing.consume(total);
        written.value = total;
        if (total == 0) {
            if (allowed == 0) {
                pacingTimer.schedule(pacing.nextAvailable(now));
                return WsaError.WSAEWOULDBLOCK;
            }
            return sendError(socket.lastError());
        }
        return 0;
    }

    /** Queues what fits of {@code b}, advancing its position: the count, or -1. */
    private int sendOne(ByteBuffer b, long now) {
        int n;
        if (b.hasArray()) {
            n = socket.send(b.array(), b.arrayOffset() + b.position(), b.remaining(), now);
        } else {
            byte[] chunk = new byte[Math.min(b.remaining(), 64 * 1024)];
            b.get(b.position(), chunk);
            n = socket.send(chunk, 0, chunk.length, now);
        }
        if (n > 0) {
            b.position(b.position() + n);
        }
        return n;
    }

    /** A failed send in Winsock's words: a connection that ended without an error was reset. */
    private int sendError(SocketError e) {
        if (e == SocketError.NOT_CONNECTED && established) {
            return WsaError.WSAECONNRESET;
        }
        return StackErrors.toWsa(e);
    }

    @Override
    public int receive(ByteBuffer[] into, IntRef read, boolean peek) {
        return call(() -> peek ? peek(into, read) : take(into, read));
    }

    /** Reads what is there: the push-back octets first, then straight from the stack. */
    private int take(ByteBuffer[] into, IntRef read) {
        if (deferredError != 0 && pushback.length == 0) {
            int e = deferredError;
            deferredError = 0;
            return e;
        }
        int n = copyPushback(into, true);
        long now = now();
        for (ByteBuffer b : into) {
            while (b.hasRemaining()) {
                int k = receiveInto(b, now);
                if (k == 0) {
                    // End of stream (the peer's FIN was read): what came before it is the answer.
                    read.value = n;
                    return 0;
                }
                if (k < 0) {
                    read.value = n;
                    int e = StackErrors.toWsa(socket.lastError());
                    if (n > 0 && e != WsaError.WSAEWOULDBLOCK) {
                        deferredError = e;
                    }
                    return n > 0 ? 0 : e;
                }
                n += k;
            }
        }
        read.value = n;
        return 0;
    }

    private int receiveInto(ByteBuffer b, long now) {
        if (b.hasArray()) {
            int k = socket.receive(b.array(), b.arrayOffset() + b.position(), b.remaining(), now);
            if (k > 0) {
                b.position(b.position() + k);
            }
            return k;
        }
        byte[] chunk = new byte[Math.min(b.remaining(), 64 * 1024)];
        int k = socket.receive(chunk, 0, chunk.length, now);
        if (k > 0) {
            b.put(chunk, 0, k);
        }
        return k;
    }

    /**
     * MSG_PEEK: moves up to the requested count from the stack into the push-back buffer and
     * copies from there without consuming.
     */
    private int peek(ByteBuffer[] into, IntRef read) {
        int want = 0;
        for (ByteBuffer b : into) {
            want += b.remaining();
        }
        int more = Math.min(want - pushback.length, socket.readableBytes());
        if (more > 0) {
            byte[] got = new byte[more];
            int k = socket.receive(got, 0, more, now());
            if (k > 0) {
                byte[] joined = Arrays.copyOf(pushback, pushback.length + k);
                System.arraycopy(got, 0, joined, pushback.length, k);
                pushback = joined;
            }
        }
        if (pushback.length == 0 && want > 0) {
            // Nothing buffered: the stack tells whether that is end of stream, an error or "not yet".
            byte[] probe = new byte[1];
            int k = socket.receive(probe, 0, 1, now());
            if (k < 0) {
                return StackErrors.toWsa(socket.lastError());
            }
            if (k > 0) {
                pushback = new byte[] {probe[0]};
            }
        }
        read.value = copyPushback(into, false);
        return 0;
    }

    /** Copies push-back octets into {@code into} (consuming them if asked): the count. */
    private int copyPushback(ByteBuffer[] into, boolean consume) {
        int n = 0;
        for (ByteBuffer b : into) {
            int k = Math.min(b.remaining(), pushback.length - n);
            b.put(pushback, n, k);
            n += k;
        }
        if (consume && n > 0) {
            pushback = Arrays.copyOfRange(pushback, n, pushback.length);
        }
        return n;
    }

    // ------------------------------------------------------------------ out-of-band data (RFC 6093)

    @Override
    public int sendUrgent(byte[] data, IntRef written) {
        return call(() -> {
            int n = socket.sendUrgent(data, 0, data.length, now());
            if (n < 0) {
                return sendError(socket.lastError());
            }
            written.value = n;
            return 0;
        });
    }

    @Override
    public int receiveUrgent(IntRef octet, boolean peek) {
        return call(() -> {
            int b = peekedUrgent;
            if (b < 0) {
                b = socket.receiveUrgent();
                if (b < 0) {
                    return StackErrors.toWsa(socket.lastError());
                }
            }
            peekedUrgent = peek ? b : -1;
            octet.value = b;
            return 0;
        });
    }

    @Override
    public boolean urgentUnread() {
        return urgentUnread;
    }

    @Override
    public int shutdown(int how) {
        if (how == Wsa.SD_RECEIVE) {
            // Winsock only stops delivering to the application; nothing goes on the wire.
            return 0;
        }
        return call(() -> {
            SocketError e = socket.shutdownSend(now());
            return e == SocketError.OK ? 0 : StackErrors.toWsa(e);
        });
    }

    /**
     * Graceful: RFC 9293 3.10.4 CLOSE (queued data, then FIN; the connection finishes as an
     * orphan). Abortive (SO_LINGER on with time 0): RFC 9293 3.10.5 ABORT, a RST.
     */
    @Override
    public void close(boolean abortive) {
        call(() -> {
            if (abortive) {
                socket.abort(now());
            } else {
                socket.close(now());
            }
            pushback = EMPTY;
            return null;
        });
    }

    @Override
    public void close() {
        close(false);
    }

    /** RFC 9293 3.6: our FIN is acknowledged once past FIN-WAIT-1 / CLOSING / LAST-ACK. */
    @Override
    public boolean sendDrained() {
        return call(() -> {
            TcpState st = socket.state();
            return st == TcpState.FIN_WAIT_2 || st == TcpState.TIME_WAIT || st == TcpState.CLOSED;
        });
    }

    // ------------------------------------------------------------------ state and options

    @Override
    public int queuedBytes() {
        return queued;
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    /** The largest buffer the stack accepts; larger requests are clamped, as Windows does. */
    private int clampBuffer(int value) {
        return Math.max(1, Math.min(value, backend.stack().tcp().config().maxBuffer()));
    }

    @Override
    public int setOption(int level, int name, int value) {
        return call(() -> {
            if (level == Wsa.SOL_SOCKET) {
                switch (name) {
                    case Wsa.SO_REUSEADDR -> socket.setReuseAddress(value != 0);
                    case Wsa.SO_RCVBUF -> {
                        return StackErrors.toWsa(socket.setReceiveBufferSize(clampBuffer(value)));
                    }
                    case Wsa.SO_SNDBUF -> {
                        return StackErrors.toWsa(socket.setSendBufferSize(clampBuffer(value)));
                    }
                    case Wsa.SO_KEEPALIVE -> socket.setKeepAlive(value != 0, now());
                    case Wsa.SO_OOBINLINE -> socket.setOobInline(value != 0);
                    default -> {
                        return WsaError.WSAENOPROTOOPT;
                    }
                }
                return 0;
            }
            if (level == Wsa.IPPROTO_TCP && name == Wsa.TCP_NODELAY) {
                socket.setNoDelay(value != 0);
                return 0;
            }
            if (level == Wsa.IPPROTO_TCP && (name == Wsa.TCP_KEEPIDLE || name == Wsa.TCP_KEEPINTVL
                    || name == Wsa.TCP_KEEPCNT)) {
                // Times arrive in milliseconds (the provider's TcpOptions convention).
                long idle = name == Wsa.TCP_KEEPIDLE ? value * 1_000_000L : socket.keepAliveIdle();
                long interval = name == Wsa.TCP_KEEPINTVL ? value * 1_000_000L : socket.keepAliveInterval();
                int count = name == Wsa.TCP_KEEPCNT ? value : socket.keepAliveCount();
                return StackErrors.toWsa(socket.setKeepAliveParameters(idle, interval, count, now()));
            }
            if (level == Wsa.IPPROTO_TCP && name == Wsa.TCP_MAXRT) {
                // Milliseconds; -1: never give up on time; 0: the configured retry counts.
                socket.setMaxRetransmitTime(value < 0 ? Long.MAX_VALUE : value * 1_000_000L);
                return 0;
            }
            if (level == Wsa.IPPROTO_IP && name == Wsa.IP_TTL) {
                if (value < 0 || value > 255) {
                    return WsaError.WSAEINVAL;
                }
                socket.setTtl(value);
                return 0;
            }
            if (level == Wsa.IPPROTO_IP && name == Wsa.IP_TOS) {
                socket.setTos(value);
                return 0;
            }
            if (level == Wsa.IPPROTO_IPV6 && af == Wsa.AF_INET6 && name == Wsa.IPV6_UNICAST_HOPS) {
                socket.setTtl(value);   // -1: the default hop limit
                return 0;
            }
            if (level == Wsa.IPPROTO_IPV6 && af == Wsa.AF_INET6 && name == Wsa.IPV6_V6ONLY) {
                return StackErrors.toWsa(socket.setDualStack(value == 0));
            }
            return WsaError.WSAENOPROTOOPT;
        });
    }

    /**
     * Windows' {@link Wsa#SIO_TCP_INFO} (a TCP_INFO_v0) and this provider's own
     * {@link StackTcpInfo#SIO_TCP_INFO} (ssthresh, rttvar and rto too): the connection's TCP
     * state, WSAENOTCONN before there is one.
     */
    @Override
    public int control(int code, byte[] in, byte[] out, IntRef bytesReturned) {
        if (code == Wsa.SIO_TCP_INFO) {
            return windowsTcpInfo(in, out, bytesReturned);
        }
        if (code != StackTcpInfo.SIO_TCP_INFO) {
            return WsaError.WSAEINVAL;
        }
        if (out == null || out.length < StackTcpInfo.LENGTH) {
            return WsaError.WSAEFAULT;
        }
        org.sockstack.stack.tcp.TcpInfo info = call(() -> socket.info(now()));
        if (info == null) {
            return WsaError.WSAENOTCONN;
        }
        StackTcpInfo.of(info).encode(out);
        bytesReturned.value = StackTcpInfo.LENGTH;
        return 0;
    }

    private int windowsTcpInfo(byte[] in, byte[] out, IntRef bytesReturned) {
        int e = TcpInfoV0.checkRequest(in, out);
        if (e != 0) {
            return e;
        }
        org.sockstack.stack.tcp.TcpInfo info = call(() -> socket.info(now()));
        if (info == null) {
            return WsaError.WSAENOTCONN;
        }
        tcpInfoV0(info).encode(out);
        bytesReturned.value = TcpInfoV0.LENGTH;
        return 0;
    }

    /** The stack's view as TCP_INFO_v0: times in ms / us, counters saturated at 32 bits. */
    static TcpInfoV0 tcpInfoV0(org.sockstack.stack.tcp.TcpInfo i) {
        return new TcpInfoV0(i.state().ordinal(), i.sendMss(), i.connectionTime() / 1_000_000L, i.timestamps(),
                TcpInfoV0.ulong(i.srtt() / 1000), TcpInfoV0.ulong(i.minRtt() / 1000), i.bytesInFlight(), i.cwnd(),
                i.sndWnd(), i.rcvWnd(), i.receiveBufferSize(), i.bytesOut(), i.bytesIn(), 0,
                TcpInfoV0.ulong(i.bytesRetransmitted()), i.fastRetransmits(), TcpInfoV0.ulong(i.dupAcksIn()),
                i.timeoutEpisodes(), i.synRetransmits());
    }

    @Override
    public int getOption(int level, int name, IntRef value) {
        return call(() -> {
            if (level == Wsa.SOL_SOCKET) {
                switch (name) {
                    case Wsa.SO_REUSEADDR -> value.value = socket.reuseAddress() ? 1 : 0;
                    case Wsa.SO_RCVBUF -> value.value = socket.receiveBufferSize();
                    case Wsa.SO_SNDBUF -> value.value = socket.sendBufferSize();
                    case Wsa.SO_KEEPALIVE -> value.value = socket.keepAlive() ? 1 : 0;
                    case Wsa.SO_OOBINLINE -> value.value = socket.oobInline() ? 1 : 0;
                    default -> {
                        return WsaError.WSAENOPROTOOPT;
                    }
                }
                return 0;
            }
            if (level == Wsa.IPPROTO_TCP && name == Wsa.TCP_NODELAY) {
                value.value = socket.noDelay() ? 1 : 0;
                return 0;
            }
            if (level == Wsa.IPPROTO_IP && name == Wsa.IP_TTL) {
                value.value = socket.ttl() >= 0 ? socket.ttl() : backend.stack().tcp().config().ttl();
                return 0;
            }
            if (level == Wsa.IPPROTO_IP && name == Wsa.IP_TOS) {
                value.value = socket.tos();
                return 0;
            }
            if (level == Wsa.IPPROTO_IPV6 && af == Wsa.AF_INET6 && name == Wsa.IPV6_UNICAST_HOPS) {
                value.value = socket.ttl() >= 0 ? socket.ttl() : org.sockstack.stack.ipv6.Ipv6.DEFAULT_HOP_LIMIT;
                return 0;
            }
            return WsaError.WSAENOPROTOOPT;
        });
    }
}
