package org.sockstack.stack.tcp;

import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.socket.SocketEvents;
import org.sockstack.stack.wire.IpAddress;
import org.sockstack.stack.wire.TcpRepr;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A socket in LISTEN (RFC 9293 3.10.7.2) with its two bounded queues, as Linux has them: the SYN
 * queue (connections in SYN_RECEIVED) and the accept queue (ESTABLISHED, waiting for
 * {@link TcpSocket#accept}). When either is full a new SYN is dropped, so the client retransmits
 * it later (no RST: the refusal would be final).
 */
final class TcpListener {
    private final Tcp tcp;
    private final TcpSocket socket;
    private int backlog;
    private final Set<TcpConnection> synQueue = new LinkedHashSet<>();
    private final ArrayDeque<TcpConnection> acceptQueue = new ArrayDeque<>();

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

    /** RFC 9293 3.10.7.2: a segment for a listening socket and no connection. */
    void segmentArrives(TcpNetwork net, IpAddress src, IpAddress dst, TcpRepr seg, boolean hasIsnFloor, int isnFloor,
                        long now) {
        // First: check for a RST ("An incoming RST segment could not be valid... ignore it").
        if (seg.rst()) {
            tcp.drop("listen_rst", now);
            return;
        }
        // Second: an ACK is bad: <SEQ=SEG.ACK><CTL=RST>.
        if (seg.ack()) {
            tcp.drop("listen_ack", now);
            tcp.sendReset(net, dst, seg.dstPort(), src, seg.srcPort(), seg.ackNumber(), 0, false, now);
            return;
        }
        // Third: a SYN.
        if (!seg.syn()) {
            tcp.drop("listen_no_syn", now);
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

    /** Closing the listener resets every connection not yet accepted (like Linux). */
    void closeAll(long now) {
        List<TcpConnection> all = new ArrayList<>(synQueue);
        all.addAll(acceptQueue);
        for (TcpConnection c : all) {
            c.abort(null, now);
        }
    }
}
