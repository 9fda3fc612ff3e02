package org.sockstack.stack.icmp;

import io.netty.buffer.ByteBuf;
import org.sockstack.stack.socket.SocketEvents;
import org.sockstack.stack.socket.SocketListener;

import java.util.ArrayDeque;
import java.util.Objects;

/**
 * An ICMP echo ("ping") socket: sends Echo Requests with its own identifier and receives the
 * matching Echo Replies, like Linux's unprivileged ICMP sockets. Event loop thread only.
 */
public final class IcmpEchoSocket {
    /** Replies held before further ones are dropped. */
    public static final int MAX_QUEUED = 1024;

    /**
     * A received Echo Reply.
     *
     * @param from       the replying host
     * @param sequence   the sequence number echoed back
     * @param ttl        the reply's TTL
     * @param dataLength octets of echo data
     * @param received   the stack's clock when it arrived
     * @param data       the echo data (copied)
     */
    public record Reply(int from, int sequence, int ttl, int dataLength, long received, byte[] data) { }

    private final Icmpv4 icmp;
    private final int identifier;
    private final ArrayDeque<Reply> replies = new ArrayDeque<>();
    private SocketListener listener = SocketListener.NONE;
    private boolean closed;
    private long dropped;

    IcmpEchoSocket(Icmpv4 icmp, int identifier) {
        this.icmp = icmp;
        this.identifier = identifier;
    }

    public int identifier() {
        return identifier;
    }

    /**
     * Sends an Echo Request to {@code dst} carrying {@code data} (the caller keeps it).
     *
     * @return false if there is no route
     */
    public boolean send(int dst, int sequence, ByteBuf data, int ttl, long now) {
        return !closed && icmp.sendEcho(dst, identifier, sequence, data, ttl, now);
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
