package org.sockstack.stack.tcp;

import org.sockstack.stack.loop.Timer;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.wire.IpAddress;
import org.sockstack.stack.wire.TcpOptions;
import org.sockstack.stack.wire.TcpRepr;

/**
 * A connection request held by a conditional listener ({@link TcpSocket#setConditionalAccept},
 * Winsock's SO_CONDITIONAL_ACCEPT): a SYN that has not been answered yet. RFC 9293 3.10.7.2 lets
 * LISTEN-state processing decide when to answer a SYN; here the application decides, through
 * {@link TcpSocket#acceptRequest} (the SYN,ACK goes out, negotiated from this SYN exactly as for an
 * ordinary passive open) or {@link TcpSocket#rejectRequest} (a RST, the client sees "connection
 * refused"). Until then the client's SYN retransmissions only refresh the request.
 *
 * <p>The request keeps its own copy of the SYN's header and options: the segment the stack
 * received is a scratch object of the event loop (DESIGN rule 5).
 */
public final class ConnectionRequest {
    final ConnKey key;
    final TcpNetwork net;
    final Timer expiry;
    /** The latest SYN (a retransmission replaces it: its TSval is the one to echo, RFC 7323 4.3). */
    TcpRepr syn;
    final boolean hasIsnFloor;
    final int isnFloor;
    boolean done;

    ConnectionRequest(ConnKey key, TcpNetwork net, TcpRepr syn, boolean hasIsnFloor, int isnFloor, Timer expiry) {
        this.key = key;
        this.net = net;
        this.syn = copyOf(syn);
        this.hasIsnFloor = hasIsnFloor;
        this.isnFloor = isnFloor;
        this.expiry = expiry;
    }

    /** The client: the SYN's source address and port. */
    public Endpoint remote() {
        return new Endpoint(key.remoteAddress(), key.remotePort());
    }

    /** The address and port the SYN was sent to. */
    public Endpoint local() {
        return new Endpoint(key.localAddress(), key.localPort());
    }

    /** The SYN's initial sequence number (IRS). */
    public int initialSequence() {
        return syn.seqNumber();
    }

    IpAddress src() {
        return key.remoteAddress();
    }

    IpAddress dst() {
        return key.localAddress();
    }

    /** A value copy of a (scratch) SYN: header fields and the options a SYN carries; no payload. */
    static TcpRepr copyOf(TcpRepr s) {
        TcpOptions o = s.options();
        TcpOptions opts = new TcpOptions(o.mss(), o.windowScale(), o.sackPermitted(),
                o.hasTimestamps() ? new TcpOptions.Timestamps(o.tsVal(), o.tsEcr()) : null, java.util.List.of());
        return new TcpRepr(s.srcPort(), s.dstPort(), s.seqNumber(), 0, s.flags(), s.window(), 0, opts, 0);
    }

    @Override
    public String toString() {
        return "request " + remote() + " -> " + local();
    }
}
