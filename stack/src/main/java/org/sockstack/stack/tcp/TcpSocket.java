package org.sockstack.stack.tcp;

import io.netty.buffer.ByteBuf;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.socket.SocketEvents;
import org.sockstack.stack.socket.SocketListener;
import org.sockstack.stack.wire.IpAddress;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.Ipv6Address;

import java.util.Objects;

/**
 * A TCP socket of the stack (the object the SPI's provider drives): bind, listen/accept,
 * non-blocking connect, send/receive, shutdown, close and abort, options, and readiness events
 * through a {@link SocketListener}. Every method runs on the event loop thread and never blocks;
 * methods that may transmit take the current time {@code now}.
 *
 * <p>Errors: calls that return a {@link SocketError} report it directly; {@code send},
 * {@code receive} and {@code accept} return a count (or socket) and, on failure, -1 (or null)
 * with the reason in {@link #lastError()} (like errno): {@link SocketError#WOULD_BLOCK} when the
 * call would have to wait. An asynchronous failure (reset, refused, timed out) is kept until read
 * with {@link #error()} (like SO_ERROR) and announced with {@link SocketEvents#ERROR}.
 */
public final class TcpSocket {
    /** RFC 1122 4.2.3.6: the keep-alive idle time MUST default to no less than two hours (Linux 7200 s). */
    public static final long DEFAULT_KEEPALIVE_IDLE = 7_200_000_000_000L;
    /** Between unanswered probes (Linux tcp_keepalive_intvl 75 s). */
    public static final long DEFAULT_KEEPALIVE_INTERVAL = 75_000_000_000L;
    /** Unanswered probes before the peer is declared dead (Linux tcp_keepalive_probes 9). */
    public static final int DEFAULT_KEEPALIVE_COUNT = 9;
    private final Tcp tcp;
    private Endpoint binding;
    private TcpConnection conn;
    private TcpListener listener;
    private SocketListener events = SocketListener.NONE;
    private boolean noDelay;
    /** IP_TTL / IPV6_UNICAST_HOPS for this connection's segments (-1: the stack's default). */
    private int ttl = -1;
    /** IP_TOS / IPV6_TCLASS: the IPv4 TOS or IPv6 Traffic Class octet of this connection's segments. */
    private int tos;
    private boolean reuseAddress;
    /**
     * A dual-stack socket (IPV6_V6ONLY off, RFC 3493 section 5.3): bound to the IPv6 wildcard it
     * also takes IPv4 connections and may connect to IPv4 peers.
     */
    private boolean dualStack;
    private int sendBufferSize;
    private int receiveBufferSize;
    private int userMss;
    private boolean keepAlive;
    private boolean oobInline;
    /** SO_CONDITIONAL_ACCEPT: a listener holds SYNs until the application decides. */
    private boolean conditionalAccept;
    /** SO_RCVBUF was set: the application chose the size, so no auto-tuning (as Linux). */
    private boolean receiveBufferLocked;
    private long keepAliveIdle = DEFAULT_KEEPALIVE_IDLE;
    private long keepAliveInterval = DEFAULT_KEEPALIVE_INTERVAL;
    private int keepAliveCount = DEFAULT_KEEPALIVE_COUNT;
    /** RFC 1122 4.2.3.5 R2 as a time, in nanoseconds; 0: the configured retry counts decide. */
    private long maxRetransmitTime;
    private boolean closed;
    /** A send found the buffer full: WRITABLE is signalled when room appears. */
    boolean writeBlocked;
    private SocketError pendingError = SocketError.OK;
    private SocketError lastError = SocketError.OK;

    TcpSocket(Tcp tcp) {
        this.tcp = tcp;
        this.sendBufferSize = tcp.config().sendBuffer();
        this.receiveBufferSize = tcp.config().receiveBuffer();
    }

    /** A socket for a connection arriving on this listening socket; it inherits the options. */
    TcpSocket newChild() {
        TcpSocket child = new TcpSocket(tcp);
        child.noDelay = noDelay;
        child.ttl = ttl;
        child.tos = tos;
        child.reuseAddress = reuseAddress;
        child.sendBufferSize = sendBufferSize;
        child.receiveBufferSize = receiveBufferSize;
        child.userMss = userMss;
        child.keepAlive = keepAlive;
        child.oobInline = oobInline;
        child.conditionalAccept = conditionalAccept;
        child.receiveBufferLocked = receiveBufferLocked;
        child.keepAliveIdle = keepAliveIdle;
        child.keepAliveInterval = keepAliveInterval;
        child.keepAliveCount = keepAliveCount;
        child.maxRetransmitTime = maxRetransmitTime;
        return child;
    }

    // ------------------------------------------------------------------ set-up

    /** Binds to a local address (unspecified = any) and port (0 = ephemeral). */
    public SocketError bind(Endpoint local) {
        Objects.requireNonNull(local);
        if (closed) {
            return SocketError.CLOSED;
        }
        if (binding != null) {
            return SocketError.INVALID_ARGUMENT;
        }
        return tcp.bind(this, local);
    }

    /**
     * RFC 9293 3.10.1 passive OPEN. An unbound socket is bound to an ephemeral port on the IPv4
     * wildcard first. {@code backlog} bounds both the SYN queue and the accept queue.
     */
    public SocketError listen(int backlog) {
        if (closed) {
            return SocketError.CLOSED;
        }
        if (conn != null) {
            return SocketError.INVALID_ARGUMENT;
        }
        int b = Math.max(1, Math.min(backlog, 65_535));
        if (listener != null) {
            listener.setBacklog(b);
            return SocketError.OK;
        }
        if (binding == null) {
            SocketError e = tcp.bind(this, Endpoint.ANY_IPV4);
            if (e != SocketError.OK) {
                return e;
            }
        }
        listener = new TcpListener(tcp, this, b);
        tcp.startListening(this);
        return SocketError.OK;
    }

    /** The next established connection, or null with {@link #lastError()} WOULD_BLOCK. */
    public TcpSocket accept() {
        if (listener == null) {
            fail(SocketError.INVALID_ARGUMENT);
            return null;
        }
        TcpConnection c = listener.poll();
        if (c == null) {
            lastError = SocketError.WOULD_BLOCK;
            return null;
        }
        return c.socket;
    }

    /**
     * Winsock's SO_CONDITIONAL_ACCEPT: a listening socket with it on does not answer a SYN until
     * the application decides ({@link #pendingRequest}, {@link #acceptRequest},
     * {@link #rejectRequest}). Set it before listen; SYNs arriving while it is on are held.
     */
    public void setConditionalAccept(boolean on) {
        this.conditionalAccept = on;
    }

    public boolean conditionalAccept() {
        return conditionalAccept;
    }

    /**
     * The oldest held connection request of a conditional listener (the same one again until it is
     * accepted, rejected or abandoned), or null with {@link #lastError()} WOULD_BLOCK (or
     * INVALID_ARGUMENT when not listening).
     */
    public ConnectionRequest pendingRequest() {
        if (listener == null) {
            fail(SocketError.INVALID_ARGUMENT);
            return null;
        }
        ConnectionRequest r = listener.firstHeld();
        if (r == null) {
            lastError = SocketError.WOULD_BLOCK;
        }
        return r;
    }

    /** Held requests waiting for a decision. */
    public int pendingRequestCount() {
        return listener == null ? 0 : listener.heldLength();
    }

    /**
     * Accepts a held request: the SYN,ACK goes out now and the new socket (in SYN_RECEIVED) belongs
     * to the caller; it signals CONNECTED and WRITABLE when the handshake completes, ERROR
     * (CONNECTION_RESET) if it fails. Null with {@link #lastError()} CONNECTION_ABORTED if the request
     * is gone (abandoned by its client), NO_ROUTE if there is no route back.
     */
    public TcpSocket acceptRequest(ConnectionRequest r, long now) {
        if (listener == null || !listener.holds(r)) {
            fail(SocketError.CONNECTION_ABORTED);
            return null;
        }
        TcpSocket child = listener.acceptHeld(r, now);
        if (child == null) {
            fail(SocketError.NO_ROUTE);
        }
        return child;
    }

    /** Rejects a held request: its SYN is answered with a RST (the client sees "connection refused"). */
    public SocketError rejectRequest(ConnectionRequest r, long now) {
        if (listener == null || !listener.holds(r)) {
            return SocketError.CONNECTION_ABORTED;
        }
        listener.rejectHeld(r, now);
        return SocketError.OK;
    }

    /**
     * RFC 9293 3.10.1 active OPEN, non-blocking: sends the SYN and returns
     * {@link SocketError#IN_PROGRESS}; {@link SocketEvents#CONNECTED} follows on success, or
     * {@link SocketEvents#ERROR} with {@link #error()} CONNECTION_REFUSED or TIMED_OUT.
     */
    public SocketError connect(Endpoint remote, long now) {
        Objects.requireNonNull(remote);
        if (closed) {
            return SocketError.CLOSED;
        }
        if (listener != null) {
            return SocketError.INVALID_ARGUMENT;
        }
        if (conn != null && conn.state == TcpState.CLOSED && !conn.everEstablished) {
            // RFC 9293 3.10.7.3: a refused (or timed-out) active open returns to CLOSED, where a
            // new OPEN may be issued; the socket keeps its local binding.
            conn = null;
            pendingError = SocketError.OK;
        }
        if (conn != null) {
            return conn.state == TcpState.SYN_SENT ? SocketError.ALREADY : SocketError.ALREADY_CONNECTED;
        }
        if (remote.port() == 0) {
            return SocketError.INVALID_ARGUMENT;
        }
        TcpNetwork net = tcp.network(remote.address().version());
        if (net == null) {
            return SocketError.ADDRESS_FAMILY_NOT_SUPPORTED;
        }
        boolean dualToIpv4 = binding != null && dualStack && binding.address().version() == 6
                && binding.address().isUnspecified() && remote.address().version() == 4;
        if (binding != null && binding.address().version() != remote.address().version() && !dualToIpv4) {
            return SocketError.ADDRESS_FAMILY_NOT_SUPPORTED;
        }
        IpAddress localAddr = binding != null && !dualToIpv4 ? binding.address()
                : unspecified(remote.address().version());
        TcpPath path = net.route(localAddr, remote.address());
        if (path == null) {
            return SocketError.NO_ROUTE;
        }
        int port;
        if (binding == null) {
            port = tcp.ephemeralPort(path.local(), remote);
            if (port == 0) {
                return SocketError.ADDRESS_NOT_AVAILABLE;
            }
            tcp.bindChild(this, new Endpoint(path.local(), port));
        } else {
            port = binding.port();
        }
        if (tcp.hasConnection(new ConnKey(path.local(), port, remote.address(), remote.port()))) {
            return SocketError.ADDRESS_IN_USE;
        }
        conn = new TcpConnection(tcp, this, net, path, port, remote, false);
        tcp.register(conn);
        conn.activeOpen(now);
        return SocketError.IN_PROGRESS;
    }

    private static IpAddress unspecified(int version) {
        return version == 6 ? Ipv6Address.UNSPECIFIED : Ipv4Address.ANY;
    }

    void attach(TcpConnection c) {
        this.conn = c;
    }

    // ------------------------------------------------------------------ data

    /** Queues up to {@code len} octets; returns how many were taken, or -1 (see {@link #lastError()}). */
    public int send(byte[] src, int off, int len, long now) {
        Objects.checkFromIndexSize(off, len, src.length);
        SocketError e = checkSend();
        if (e != SocketError.OK) {
            return fail(e);
        }
        return sent(conn.send(src, off, len, now), len);
    }

    /** Queues readable octets of {@code src} (advancing its reader index); the caller keeps {@code src}. */
    public int send(ByteBuf src, long now) {
        SocketError e = checkSend();
        if (e != SocketError.OK) {
            return fail(e);
        }
        int len = src.readableBytes();
        return sent(conn.send(src, len, now), len);
    }

    private SocketError checkSend() {
        if (closed) {
            return SocketError.CLOSED;
        }
        if (conn == null) {
            return SocketError.NOT_CONNECTED;
        }
        return switch (conn.state) {
            case SYN_SENT, SYN_RECEIVED, ESTABLISHED, CLOSE_WAIT -> conn.finQueued ? SocketError.SHUT_DOWN : SocketError.OK;
            case CLOSED -> pendingError != SocketError.OK ? takeError() : SocketError.NOT_CONNECTED;
            default -> SocketError.SHUT_DOWN;
        };
    }

    private int sent(int n, int wanted) {
        if (n < wanted) {
            writeBlocked = true;
        }
        if (n == 0 && wanted > 0) {
            return fail(SocketError.WOULD_BLOCK);
        }
        return n;
    }

    /**
     * Reads up to {@code len} octets. Returns the count, 0 at end of stream (the peer's FIN was
     * read), or -1 with {@link #lastError()} (WOULD_BLOCK, CONNECTION_RESET, ...).
     */
    public int receive(byte[] dst, int off, int len, long now) {
        Objects.checkFromIndexSize(off, len, dst.length);
        SocketError e = checkReceive();
        if (e != SocketError.OK) {
            return fail(e);
        }
        int n = conn.receive(dst, off, len, now);
        return n > 0 || len == 0 ? n : noData();
    }

    /** Reads into {@code dst} up to its writable bytes (advancing its writer index); as above. */
    public int receive(ByteBuf dst, long now) {
        SocketError e = checkReceive();
        if (e != SocketError.OK) {
            return fail(e);
        }
        int n = conn.receive(dst, dst.writableBytes(), now);
        return n > 0 || dst.writableBytes() == 0 ? n : noData();
    }

    private SocketError checkReceive() {
        if (closed) {
            return SocketError.CLOSED;
        }
        if (conn == null) {
            return SocketError.NOT_CONNECTED;
        }
        return SocketError.OK;
    }

    private int noData() {
        if (conn.finReceived) {
            return 0;
        }
        if (conn.state == TcpState.CLOSED) {
            return pendingError != SocketError.OK ? fail(takeError()) : 0;
        }
        return fail(SocketError.WOULD_BLOCK);
    }

    // ------------------------------------------------------------------ closing

    /** Shuts the send direction (RFC 9293 3.10.4 CLOSE semantics for our half): FIN after queued data. */
    public SocketError shutdownSend(long now) {
        if (closed) {
            return SocketError.CLOSED;
        }
        if (conn == null || conn.state == TcpState.CLOSED) {
            return SocketError.NOT_CONNECTED;
        }
        conn.shutdownSend(now);
        return SocketError.OK;
    }

    /**
     * Closes the socket: a graceful close (FIN after the queued data; the connection lives on as
     * an orphan through FIN_WAIT/TIME_WAIT), or a RST if received data is still unread
     * (RFC 9293 3.10.4, RFC 1122 4.2.2.13, RFC 2525 2.17). A listener resets its pending connections.
     */
    public SocketError close(long now) {
        if (closed) {
            return SocketError.CLOSED;
        }
        closed = true;
        events = SocketListener.NONE;
        if (listener != null) {
            listener.closeAll(now);
            listener = null;
            tcp.unbind(this);
            return SocketError.OK;
        }
        if (conn == null || conn.state == TcpState.CLOSED) {
            tcp.unbind(this);
            return SocketError.OK;
        }
        if (conn.rcvBuf.size() > 0) {
            conn.abort(null, now);
            return SocketError.OK;
        }
        switch (conn.state) {
            case SYN_SENT -> conn.destroy(null, now);
            case SYN_RECEIVED, ESTABLISHED, CLOSE_WAIT -> conn.shutdownSend(now);
            case FIN_WAIT_2 -> conn.orphanedInFinWait2(now);
            default -> { }
        }
        return SocketError.OK;
    }

    /** RFC 9293 3.10.5 ABORT: RST to the peer, the connection is gone, the socket closed. */
    public void abort(long now) {
        if (closed) {
            return;
        }
        closed = true;
        events = SocketListener.NONE;
        if (listener != null) {
            listener.closeAll(now);
            listener = null;
        }
        if (conn != null && conn.state != TcpState.CLOSED) {
            conn.abort(null, now);
        } else {
            tcp.unbind(this);
        }
    }

    /** The connection ended (called by it once). */
    void connectionClosed(SocketError error) {
        if (error != null) {
            pendingError = error;
        }
        if (closed) {
            tcp.unbind(this);
            return;
        }
        signal(SocketEvents.CLOSED | SocketEvents.READABLE | SocketEvents.WRITABLE
                | (error != null ? SocketEvents.ERROR : 0));
    }

    // ------------------------------------------------------------------ state and options

    /** The pending asynchronous error (like SO_ERROR), cleared by reading it. */
    public SocketError error() {
        return takeError();
    }

    private SocketError takeError() {
        SocketError e = pendingError;
        pendingError = SocketError.OK;
        return e;
    }

    /** Why the last send/receive/accept failed. */
    public SocketError lastError() {
        return lastError;
    }

    private int fail(SocketError e) {
        lastError = e;
        return -1;
    }

    public TcpState state() {
        if (listener != null) {
            return TcpState.LISTEN;
        }
        return conn == null ? TcpState.CLOSED : conn.state;
    }

    public boolean isClosed() {
        return closed;
    }

    /** The bound local endpoint, or the connection's once connected; null if unbound. */
    public Endpoint localEndpoint() {
        return conn != null ? conn.local() : binding;
    }

    public Endpoint remoteEndpoint() {
        return conn != null ? conn.remote() : null;
    }

    /** Octets ready to read. */
    public int readableBytes() {
        return conn == null ? 0 : conn.normalOctets();
    }

    /** Room in the send buffer. */
    public int writableBytes() {
        return conn == null ? 0 : conn.sndBuf.free();
    }

    /** Connections waiting in the accept queue. */
    public int acceptQueueLength() {
        return listener == null ? 0 : listener.acceptQueueLength();
    }

    /** The current readiness as a {@link SocketEvents} set (for poll/select). */
    public int readiness() {
        int r = 0;
        if (listener != null) {
            return listener.acceptQueueLength() > 0 || listener.heldLength() > 0 ? SocketEvents.ACCEPTABLE : 0;
        }
        if (pendingError != SocketError.OK) {
            r |= SocketEvents.ERROR;
        }
        if (conn == null) {
            return r;
        }
        if (conn.normalOctets() > 0 || conn.finReceived || conn.state == TcpState.CLOSED) {
            r |= SocketEvents.READABLE;
        }
        if (conn.urgentPending()) {
            r |= SocketEvents.URGENT;
        }
        if (conn.finReceived || conn.state == TcpState.CLOSED) {
            r |= SocketEvents.CLOSED;
        }
        boolean open = conn.state == TcpState.ESTABLISHED || conn.state == TcpState.CLOSE_WAIT;
        if ((open && !conn.finQueued && conn.sndBuf.free() > 0) || conn.state == TcpState.CLOSED) {
            r |= SocketEvents.WRITABLE;
        }
        return r;
    }

    /** An {@code ss -ti}-style snapshot, or null without a connection. */
    public TcpInfo info(long now) {
        return conn == null ? null : conn.info(now);
    }

    public void setListener(SocketListener listener) {
        this.events = Objects.requireNonNull(listener);
    }

    void signal(int ev) {
        if (!closed) {
            events.onEvents(ev);
        }
    }

    /** TCP_NODELAY: turn Nagle's algorithm off (RFC 9293 3.7.4 lets applications do so). */
    public void setNoDelay(boolean on) {
        this.noDelay = on;
    }

    public boolean noDelay() {
        return noDelay;
    }

    /**
     * IP_TTL (IPv4 Time to Live, RFC 791) or IPV6_UNICAST_HOPS (IPv6 Hop Limit, RFC 8200) of the
     * segments this socket sends from now on; -1 restores the stack's default. A listening socket's
     * value goes on its SYN-ACKs and is inherited by the connections it accepts.
     */
    public void setTtl(int ttl) {
        this.ttl = ttl < 0 ? -1 : Math.min(ttl, 255);
    }

    /** The TTL / hop limit set with {@link #setTtl}, or -1 for the stack's default. */
    public int ttl() {
        return ttl;
    }

    /** IP_TOS / IPV6_TCLASS: the TOS or Traffic Class octet (RFC 2474 DSCP, RFC 3168 ECN bits) of the segments. */
    public void setTos(int tos) {
        this.tos = tos & 0xFF;
    }

    public int tos() {
        return tos;
    }

    /**
     * Makes the socket dual-stack (or IPv6-only again): only before it is bound or connected
     * (INVALID_ARGUMENT after), as IPV6_V6ONLY.
     */
    public SocketError setDualStack(boolean on) {
        if (binding != null || conn != null || listener != null) {
            return SocketError.INVALID_ARGUMENT;
        }
        dualStack = on;
        return SocketError.OK;
    }

    public boolean dualStack() {
        return dualStack;
    }

    /** SO_REUSEADDR: bind may share a port with sockets that are not listening (Linux semantics). */
    public void setReuseAddress(boolean on) {
        this.reuseAddress = on;
    }

    public boolean reuseAddress() {
        return reuseAddress;
    }

    /** SO_SNDBUF; bounded by {@link TcpConfig#maxBuffer()}; never below what is queued. */
    public SocketError setSendBufferSize(int size) {
        if (size < 1 || size > tcp.config().maxBuffer()) {
            return SocketError.INVALID_ARGUMENT;
        }
        sendBufferSize = size;
        if (conn != null) {
            conn.sndBuf.resize(size);
        }
        return SocketError.OK;
    }

    public int sendBufferSize() {
        return conn != null ? conn.sndBuf.capacity() : sendBufferSize;
    }

    /**
     * SO_RCVBUF; set it before connect/listen to size the window scale offered (RFC 7323 2.2).
     * Never below what is buffered.
     */
    public SocketError setReceiveBufferSize(int size) {
        if (size < 1 || size > tcp.config().maxBuffer()) {
            return SocketError.INVALID_ARGUMENT;
        }
        receiveBufferSize = size;
        receiveBufferLocked = true;
        if (conn != null) {
            conn.rcvBuf.resize(size);
        }
        return SocketError.OK;
    }

    public int receiveBufferSize() {
        return conn != null ? conn.rcvBuf.capacity() : receiveBufferSize;
    }

    /** TCP_MAXSEG: caps the MSS we advertise and the segments we send (0 = from the path MTU). */
    public SocketError setMaxSegmentSize(int mss) {
        if (mss < 0 || mss > 65_495 || (mss > 0 && mss < 64)) {
            return SocketError.INVALID_ARGUMENT;
        }
        userMss = mss;
        return SocketError.OK;
    }

    // ------------------------------------------------------------------ urgent data (RFC 6093)

    /**
     * Sends {@code len} octets whose last one is urgent (MSG_OOB): segments carry URG and an
     * Urgent Pointer to the octet after it until it is acknowledged (RFC 6093 section 4). RFC 6093
     * advises new applications not to use urgent data; it exists for old protocols (telnet, ftp).
     */
    public int sendUrgent(byte[] src, int off, int len, long now) {
        Objects.checkFromIndexSize(off, len, src.length);
        SocketError e = checkSend();
        if (e != SocketError.OK) {
            return fail(e);
        }
        return sent(conn.sendUrgent(src, off, len, now), len);
    }

    /**
     * MSG_OOB receive: the urgent octet (0..255) once it has arrived, or -1 with
     * {@link #lastError()} WOULD_BLOCK (none yet) or INVALID_ARGUMENT (SO_OOBINLINE is on: the
     * octet is read in line).
     */
    public int receiveUrgent() {
        if (conn == null) {
            return fail(SocketError.NOT_CONNECTED);
        }
        if (oobInline) {
            return fail(SocketError.INVALID_ARGUMENT);
        }
        int b = conn.receiveUrgent();
        return b >= 0 ? b : fail(SocketError.WOULD_BLOCK);
    }

    /**
     * SIOCATMARK: true when the next normal read starts at the urgent mark. Reads never cross the
     * mark, so the application reads up to it, sees this turn true, and handles the urgent data.
     */
    public boolean atUrgentMark() {
        return conn != null && conn.atUrgentMark();
    }

    /** An urgent octet waits to be read with {@link #receiveUrgent} (SO_OOBINLINE off). */
    public boolean urgentPending() {
        return conn != null && conn.urgentPending();
    }

    /**
     * An urgent octet has arrived and the application has not read it yet: out of band (waiting
     * for {@link #receiveUrgent}) or, with SO_OOBINLINE, still ahead in the stream. Winsock's
     * SIOCATMARK answers the inverse ("TRUE if no out-of-band data waits").
     */
    public boolean urgentUnread() {
        return conn != null && conn.urgentUnread();
    }

    /** SO_OOBINLINE: the urgent octet stays in the stream instead of being read with {@link #receiveUrgent}. */
    public void setOobInline(boolean on) {
        this.oobInline = on;
    }

    public boolean oobInline() {
        return oobInline;
    }

    /**
     * SO_KEEPALIVE (RFC 1122 4.2.3.6): off by default. When on, an idle connection is probed;
     * a peer that answers none of {@link #keepAliveCount()} probes is declared dead (TIMED_OUT).
     */
    public void setKeepAlive(boolean on, long now) {
        keepAlive = on;
        if (conn != null) {
            conn.keepAliveChanged(now);
        }
    }

    /** TCP_KEEPIDLE, TCP_KEEPINTVL and TCP_KEEPCNT, times in nanoseconds. */
    public SocketError setKeepAliveParameters(long idle, long interval, int count, long now) {
        if (idle <= 0 || interval <= 0 || count < 1) {
            return SocketError.INVALID_ARGUMENT;
        }
        keepAliveIdle = idle;
        keepAliveInterval = interval;
        keepAliveCount = count;
        if (conn != null) {
            conn.keepAliveChanged(now);
        }
        return SocketError.OK;
    }

    public boolean keepAlive() {
        return keepAlive;
    }

    /**
     * RFC 1122 4.2.3.5: R2, the time after which retransmission gives up and the connection
     * times out (Winsock's TCP_MAXRT), counted from the first retransmission of the segment
     * (or SYN). 0 (the default): the configured retry counts decide instead; Long.MAX_VALUE: never.
     */
    public void setMaxRetransmitTime(long nanos) {
        maxRetransmitTime = Math.max(0, nanos);
    }

    public long maxRetransmitTime() {
        return maxRetransmitTime;
    }

    public long keepAliveIdle() {
        return keepAliveIdle;
    }

    public long keepAliveInterval() {
        return keepAliveInterval;
    }

    public int keepAliveCount() {
        return keepAliveCount;
    }

    /** Receive-buffer auto-tuning applies: on in the configuration and SO_RCVBUF never set. */
    boolean receiveAutotuning() {
        return tcp.config().receiveAutotuning() && !receiveBufferLocked;
    }

    int userMss() {
        return userMss;
    }

    // ------------------------------------------------------------------ for Tcp

    Endpoint binding() {
        return binding;
    }

    void setBinding(Endpoint e) {
        this.binding = e;
    }

    IpAddress localAddress() {
        return binding.address();
    }

    TcpConnection connection() {
        return conn;
    }

    TcpListener listener() {
        return listener;
    }

    @Override
    public String toString() {
        return "TcpSocket[" + state() + " " + localEndpoint() + (conn != null ? " " + conn.remote() : "") + "]";
    }
}
