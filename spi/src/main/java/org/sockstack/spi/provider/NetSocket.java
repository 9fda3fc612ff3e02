package org.sockstack.spi.provider;

import org.sockstack.spi.wsa.IntRef;

import java.net.InetSocketAddress;

/**
 * One socket of a {@link NetBackend}: a datagram socket for now (TCP arrives with the stack's TCP).
 * Results are 0 or a WSA error code. Every call may block briefly (the stack backend marshals it
 * onto the stack's event loop) but never waits for the network: receive answers WSAEWOULDBLOCK.
 *
 * <p>{@link #readiness()} must be cheap and never block: backends keep a snapshot updated on their
 * own thread and call the listener afterwards.
 */
public interface NetSocket {
    int READABLE = 1;
    int WRITABLE = 2;
    /** An asynchronous error (an ICMP error on a connected socket) waits to be reported. */
    int ERROR = 4;

    /** A received datagram. */
    final class Datagram {
        public byte[] data;
        public InetSocketAddress from;
    }

    /** Told (on any thread) that readiness may have changed. Must not block. */
    void setListener(Runnable listener);

    int readiness();

    int bind(InetSocketAddress local);

    /** Fixes the peer; null dissolves the association. */
    int connect(InetSocketAddress peer);

    /** Sends one datagram to {@code dst}. */
    int sendTo(byte[] data, InetSocketAddress dst);

    /**
     * Takes (or with {@code peek} copies) the next datagram. A pending asynchronous error comes
     * first, as WSAECONNRESET (ICMP port unreachable) or another code, and is consumed.
     */
    int receive(Datagram out, boolean peek);

    /** Bytes of all queued datagrams (FIONREAD on Windows). */
    int queuedBytes();

    InetSocketAddress localAddress();

    /** The connected peer, or null. */
    InetSocketAddress remoteAddress();

    /** A transport option (SO_BROADCAST, SO_REUSEADDR, SO_RCVBUF, SO_SNDBUF, IP_TTL, IP_TOS, ...). */
    int setOption(int level, int name, int value);

    int getOption(int level, int name, IntRef value);

    void close();
}
