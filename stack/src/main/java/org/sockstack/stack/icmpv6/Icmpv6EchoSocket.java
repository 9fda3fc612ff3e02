package org.sockstack.stack.icmpv6;

import io.netty.buffer.ByteBuf;
import org.sockstack.stack.iface.NetworkInterface;
import org.sockstack.stack.socket.SocketEvents;
import org.sockstack.stack.socket.SocketListener;
import org.sockstack.stack.wire.Ipv6Address;

import java.util.ArrayDeque;
import java.util.Objects;

/**
 * An ICMPv6 echo ("ping -6") socket: sends Echo Requests (RFC 4443 section 4.1) with its own
 * identifier and receives the matching Echo Replies, like Linux's unprivileged ICMPv6 sockets.
 * Event loop thread only.
 */
public final class Icmpv6EchoSocket {
    /** Replies held before further ones are dropped. */
    public static final int MAX_QUEUED = 1024;

    /**
     * A received Echo Reply.
     *
     * @param from     the replying host
     * @param sequence the sequence number echoed back
     * @param hopLimit the reply's hop limit
     * @param received the stack's clock when it arrived
     * @param data     the echo data (copied)
     */
    public record Reply(Ipv6Address from, int sequence, int hopLimit, long received, byte[] data) { }

    private final Icmpv6 icmp;
    private final int identifier;
    private final ArrayDeque<Reply> replies = new ArrayDeque<>();
    private SocketListener listener = SocketListener.NONE;
    private boolean closed;
    private long dropped;

    Icmpv6EchoSocket(Icmpv6 icmp, int identifier) {
        this.icmp = icmp;
        this.identifier = identifier;
    }

    public int identifier() {
        return identifier;
    }

    /**
     * Sends an Echo Request to {@code dst} carrying {@code data} (the caller keeps it).
     * {@code via} is the interface (the zone of a link-local destination), or null.
     *
     * @return false if there is no route
     */
    public boolean send(Ipv6Address dst, NetworkInterface via, int sequence, ByteBuf data, int hopLimit, long now) {
        return !closed && icmp.sendEcho(dst, via, identifier, sequence, data, hopLimit, now);
    }

    public Reply receive() {
        return replies.pollFirst();
    }

    public int queued() {
        return replies.size();
    }

    public long dropped() {
        return dropped;
    }

    public void setListener(SocketListener listener) {
        this.listener = Objects.requireNonNull(listener);
    }

    public void close() {
        if (!closed) {
            closed = true;
            icmp.closeEcho(this);
            replies.clear();
        }
    }

    void deliver(Reply r) {
        if (replies.size() >= MAX_QUEUED) {
            dropped++;
            return;
        }
        replies.addLast(r);
        listener.onEvents(SocketEvents.READABLE);
    }
}
