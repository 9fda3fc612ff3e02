package org.sockstack.stack.tcp;

import io.netty.buffer.ByteBuf;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.wire.TcpOptions;
import org.sockstack.stack.wire.TcpOptions.Timestamps;
import org.sockstack.stack.wire.TcpSegment;
import org.sockstack.stack.socket.SocketEvents;
import org.sockstack.stack.wire.IpAddress;
import org.sockstack.stack.wire.TcpRepr;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A socket in LISTEN (RFC 9293 3.10.7.2) with its two bounded queues, as Linux has them: the SYN
 * queue (connections in SYN_RECEIVED) and the accept queue (ESTABLISHED, waiting for
 * {@link TcpSocket#accept}). When either is full a new SYN is dropped, so the client retransmits
 * it later (no RST: the refusal would be final).
 *
 * <p>A conditional listener ({@link TcpSocket#setConditionalAccept}) has a third queue instead of
 * the SYN queue: the held requests, SYNs not answered until the application decides (see
 * {@link ConnectionRequest}). It is bounded by the backlog too (further SYNs are dropped and
 * counted as listen overflows) and never answers with SYN cookies: a cookie is a SYN,ACK, which
 * would complete the handshake before the application decided.
 */
final class TcpListener {
    private final Tcp tcp;
    private final TcpSocket socket;
    private int backlog;
    private final Set<TcpConnection> synQueue = new LinkedHashSet<>();
    private final ArrayDeque<TcpConnection> acceptQueue = new ArrayDeque<>();
    private final Map<ConnKey, ConnectionRequest> held = new LinkedHashMap<>();
    /** When this listener last answered with a cookie (ACKs are checked for cookies only after). */
    private long lastCookie = Long.MIN_VALUE;

    TcpListener(Tcp tcp, TcpSocket socket, int backlog) {
        this.tcp = tcp;
        this.socket = socket;
        this.backlog = backlog;
    }

    void setBacklog(int backlog) {
        this.backlog = backlog;
    }

    boolean acceptQueueFull() {
        return acceptQueue.size() >= backlog;
    }

    int acceptQueueLength() {
        return acceptQueue.size();
    }

    int synQueueLength() {
        return synQueue.size();
    }

    int heldLength() {
        return held.size();
    }

    /** RFC 9293 3.10.7.2: a segment for a listening socket and no connection. */
    void segmentArrives(TcpNetwork net, IpAddress src, IpAddress dst, TcpRepr seg, ByteBuf buf, int dataOffset,
                        boolean hasIsnFloor, int isnFloor, long now) {
        // First: check for a RST ("An incoming RST segment could not be valid... ignore it").
        // Only a held request is withdrawn by its client's RST.
        if (seg.rst() && withdrawn(src, dst, seg, now)) {
            return;
        }
        if (seg.rst()) {
            tcp.drop("listen_rst", now);
            return;
        }
        // Second: an ACK is bad: <SEQ=SEG.ACK><CTL=RST> -- unless it returns one of our SYN cookies.
        if (seg.ack()) {
            if (!seg.syn() && cookiesRecentlySent(now) && cookieAckArrives(net, src, dst, seg, buf, dataOffset, now)) {
                return;
            }
            tcp.drop("listen_ack", now);
            tcp.sendReset(net, dst, seg.dstPort(), src, seg.srcPort(), seg.ackNumber(), 0, false, now);
            return;
        }
        // Third: a SYN.
        if (!seg.syn()) {
            tcp.drop("listen_no_syn", now);
            return;
        }
        if (socket.conditionalAccept()) {
            hold(net, src, dst, seg, hasIsnFloor, isnFloor, now);
            return;
        }
        if (!acceptQueueFull() && synQueue.size() >= backlog && tcp.config().syncookies()) {
            tcp.listenOverflows.increment();
            sendCookie(net, src, dst, seg, now);
            return;
        }
        if (acceptQueueFull() || synQueue.size() >= backlog) {
            tcp.listenOverflows.increment();
            tcp.drop(acceptQueueFull() ? "accept_queue_full" : "syn_queue_full", now);
            return;
        }
        TcpPath path = net.route(dst, src);
        if (path == null) {
            tcp.drop("no_route", now);
            return;
        }
        TcpSocket child = socket.newChild();
        tcp.bindChild(child, new Endpoint(dst, seg.dstPort()));
        TcpConnection c = new TcpConnection(tcp, child, net, path, seg.dstPort(), new Endpoint(src, seg.srcPort()), true);
        c.parent = this;
        child.attach(c);
        synQueue.add(c);
        tcp.register(c);
        c.passiveOpen(seg, hasIsnFloor, isnFloor, now);
    }

    // ------------------------------------------------------------------ held requests

    /**
     * How long a held request outlives the last SYN heard from its client. A Linux client
     * (tcp_syn_retries 6) sends its last SYN 63 s after the first and gives up 64 s later; a
     * Windows client gives up after about 21 s. A request not refreshed for longer is abandoned.
     */
    static final long HELD_SYN_TIMEOUT = 75_000_000_000L;

    /**
     * A SYN for a conditional listener: a new request is held (and the application told), a
     * retransmission of a held one refreshes it. A SYN with a new ISN from the same port (the
     * client started over) replaces the old SYN.
     */
    private void hold(TcpNetwork net, IpAddress src, IpAddress dst, TcpRepr seg, boolean hasIsnFloor, int isnFloor,
                      long now) {
        ConnKey key = new ConnKey(dst, seg.dstPort(), src, seg.srcPort());
        ConnectionRequest r = held.get(key);
        if (r != null) {
            r.syn = ConnectionRequest.copyOf(seg);
            r.expiry.scheduleAfter(now, HELD_SYN_TIMEOUT);
            tcp.heldSynRetransmits.increment();
            return;
        }
        if (held.size() >= backlog) {
            tcp.listenOverflows.increment();
            tcp.drop("held_queue_full", now);
            return;
        }
        ConnectionRequest[] self = new ConnectionRequest[1];
        r = new ConnectionRequest(key, net, seg, hasIsnFloor, isnFloor,
                tcp.timers().newTimer("tcp-held-syn", t -> expire(self[0], t)));
        self[0] = r;
        held.put(key, r);
        r.expiry.scheduleAfter(now, HELD_SYN_TIMEOUT);
        tcp.heldSyns.increment();
        socket.signal(SocketEvents.ACCEPTABLE);
    }

    /** A RST from a held request's client (SEQ = its ISN + 1, or its ISN) withdraws the request. */
    private boolean withdrawn(IpAddress src, IpAddress dst, TcpRepr rst, long now) {
        if (held.isEmpty()) {
            return false;   // the usual case: no key to build for a stray RST
        }
        ConnectionRequest r = held.get(new ConnKey(dst, rst.dstPort(), src, rst.srcPort()));
        if (r == null) {
            return false;
        }
        int irs = r.syn.seqNumber();
        if (rst.seqNumber() != irs + 1 && rst.seqNumber() != irs) {
            return false;
        }
        forget(r);
        tcp.drop("held_syn_reset", now);
        return true;
    }

    private void expire(ConnectionRequest r, long now) {
        if (r.done) {
            return;
        }
        forget(r);
        tcp.drop("held_syn_expired", now);
    }

    private void forget(ConnectionRequest r) {
        r.done = true;
        r.expiry.cancel();
        held.remove(r.key);
        socket.signal(0);
    }

    /** The oldest held request (the one a deferred decision leaves first), or null. */
    ConnectionRequest firstHeld() {
        for (ConnectionRequest r : held.values()) {
            return r;
        }
        return null;
    }

    boolean holds(ConnectionRequest r) {
        return !r.done && held.get(r.key) == r;
    }

    /**
     * The application accepted {@code r}: the passive open happens now (RFC 9293 3.10.7.2, "Third:
     * check for a SYN"), answering the held SYN with a SYN,ACK negotiated from its options. The
     * connection belongs to the application at once (never in the accept queue); it reaches
     * ESTABLISHED when the client's ACK arrives.
     */
    TcpSocket acceptHeld(ConnectionRequest r, long now) {
        forget(r);
        TcpPath path = r.net.route(r.dst(), r.src());
        if (path == null) {
            tcp.drop("no_route", now);
            return null;
        }
        TcpSocket child = socket.newChild();
        tcp.bindChild(child, r.local());
        TcpConnection c = new TcpConnection(tcp, child, r.net, path, r.key.localPort(), r.remote(), true);
        c.acceptedBeforeEstablished = true;
        child.attach(c);
        tcp.register(c);
        c.passiveOpen(r.syn, r.hasIsnFloor, r.isnFloor, now);
        return child;
    }

    /**
     * The application rejected {@code r}: the SYN is answered as by a closed port (RFC 9293
     * 3.10.7.1), {@code <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>}; the client reports "connection
     * refused".
     */
    void rejectHeld(ConnectionRequest r, long now) {
        forget(r);
        tcp.heldSynRejects.increment();
        tcp.sendReset(r.net, r.dst(), r.key.localPort(), r.src(), r.key.remotePort(), 0, r.syn.seqNumber() + 1,
                true, now);
    }

    private boolean cookiesRecentlySent(long now) {
        return lastCookie != Long.MIN_VALUE && now - lastCookie <= (SynCookies.MAX_AGE + 2) * SynCookies.PERIOD;
    }

    /**
     * RFC 4987 section 3.6: the SYN queue is full, so answer statelessly. The SYN,ACK carries the
     * cookie as its ISN and offers what the peer's SYN offered (window scale, SACK-permitted and
     * timestamps only if the peer's SYN has timestamps, which carry the first two back).
     */
    private void sendCookie(TcpNetwork net, IpAddress src, IpAddress dst, TcpRepr syn, long now) {
        TcpPath path = net.route(dst, src);
        if (path == null) {
            tcp.drop("no_route", now);
            return;
        }
        ConnKey key = new ConnKey(dst, syn.dstPort(), src, syn.srcPort());
        TcpOptions o = syn.options();
        int peerMss = o.mss() > 0 ? o.mss() : 536;
        int iss = tcp.synCookies.encode(key, syn.seqNumber(), peerMss, now);
        boolean ts = tcp.config().timestamps() && o.hasTimestamps();
        boolean scaling = ts && tcp.config().windowScaling() && o.windowScale() >= 0;
        int ourShift = scaling ? TcpConnection.offeredShift(socket, tcp.config()) : -1;
        boolean sack = ts && tcp.config().sack() && o.sackPermitted();
        Timestamps stamps = null;
        if (ts) {
            int clock = (int) (now / 1_000_000L) + tcp.cookieTsOffset;
            // The peer's shift goes into the TSval; ours is recomputed from the buffer size.
            stamps = new Timestamps(SynCookies.encodeTsVal(clock, scaling ? o.windowScale() : -1, sack),
                    o.timestamps().tsVal());
        }
        int mss = path.mtu() - net.ipHeaderLength() - TcpSegment.HEADER_LENGTH;
        if (socket.userMss() > 0) {
            mss = Math.min(mss, socket.userMss());
        }
        TcpOptions opts = TcpOptions.syn(mss, ourShift, sack, stamps);
        int window = Math.min(socket.receiveBufferSize(), 0xFFFF);
        TcpRepr synAck = new TcpRepr(syn.dstPort(), syn.srcPort(), iss, syn.seqNumber() + 1,
                TcpSegment.SYN | TcpSegment.ACK, window, 0, opts, 0);
        tcp.transmit(net, path, synAck, null, 0, 0, socket.ttl(), socket.tos(), now);
        tcp.syncookiesSent.increment();
        lastCookie = now;
    }

    /**
     * An ACK that may complete a cookie handshake: SEG.ACK - 1 must be a valid, fresh cookie for
     * this 4-tuple and SEG.SEQ - 1. If so the connection is created (as if from SYN_RECEIVED) and
     * the ACK processed by it.
     *
     * @return true if the segment was taken (valid cookie, or dropped for a full accept queue)
     */
    private boolean cookieAckArrives(TcpNetwork net, IpAddress src, IpAddress dst, TcpRepr seg, ByteBuf buf,
                                     int dataOffset, long now) {
        ConnKey key = new ConnKey(dst, seg.dstPort(), src, seg.srcPort());
        SynCookies.Decoded d = tcp.synCookies.decode(key, seg.seqNumber() - 1, seg.ackNumber() - 1, now);
        if (d == null) {
            tcp.syncookiesFailed.increment();
            return false;
        }
        if (acceptQueueFull()) {
            tcp.listenOverflows.increment();
            tcp.drop("accept_queue_full", now);
            return true;
        }
        TcpPath path = net.route(dst, src);
        if (path == null) {
            tcp.drop("no_route", now);
            return true;
        }
        tcp.syncookiesOk.increment();
        TcpOptions o = seg.options();
        boolean ts = tcp.config().timestamps() && o.hasTimestamps();
        int wscale = ts ? SynCookies.wscaleOf(o.timestamps().tsEcr()) : -1;
        boolean sack = ts && SynCookies.sackOf(o.timestamps().tsEcr());
        TcpSocket child = socket.newChild();
        tcp.bindChild(child, new Endpoint(dst, seg.dstPort()));
        TcpConnection c = new TcpConnection(tcp, child, net, path, seg.dstPort(), new Endpoint(src, seg.srcPort()), true);
        c.parent = this;
        child.attach(c);
        tcp.register(c);
        c.cookieOpen(seg, seg.ackNumber() - 1, d.mss(), wscale, sack, ts, buf, dataOffset, now);
        return true;
    }

    /** The connection reached ESTABLISHED: from the SYN queue to the accept queue. */
    void established(TcpConnection c) {
        synQueue.remove(c);
        acceptQueue.add(c);
        socket.signal(SocketEvents.ACCEPTABLE);
    }

    /** The next established connection, handed to the application, or null. */
    TcpConnection poll() {
        TcpConnection c = acceptQueue.poll();
        if (c != null) {
            c.parent = null;
        }
        return c;
    }

    void remove(TcpConnection c) {
        synQueue.remove(c);
        acceptQueue.remove(c);
    }

    /** Closing the listener resets every connection not yet accepted (like Linux) and refuses the held requests. */
    void closeAll(long now) {
        for (ConnectionRequest r : new ArrayList<>(held.values())) {
            rejectHeld(r, now);
        }
        List<TcpConnection> all = new ArrayList<>(synQueue);
        all.addAll(acceptQueue);
        for (TcpConnection c : all) {
            c.abort(null, now);
        }
    }
}
