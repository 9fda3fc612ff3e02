package org.sockstack.spi.provider;

import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.WsaError;

import java.net.InetSocketAddress;

/**
 * One socket of a {@link NetBackend}: what datagram ({@link NetDatagramSocket}) and stream
 * ({@link NetStreamSocket}) sockets share. Results are 0 or a WSA error code. A call may block
 * briefly (the stack backend marshals it onto the stack's event loop) but never waits for the
 * network: what cannot be done now answers WSAEWOULDBLOCK.
 *
 * <p>{@link #readiness()} must be cheap and never block: backends keep a snapshot updated on their
 * own thread and call the listener afterwards.
 */
public interface NetSocket {
    /** Data (or a datagram) can be read. */
    int READABLE = 1;
    /** Data can be written. */
    int WRITABLE = 2;
    /** An asynchronous error waits to be taken (an ICMP error, a failed connect, a reset). */
    int ERROR = 4;
    /** A listening socket has a connection to accept. */
    int ACCEPTABLE = 8;
    /** The connection is established. */
    int CONNECTED = 16;
    /** The peer closed its direction (FIN) or the connection ended. */
    int PEER_CLOSED = 32;
    /** Out-of-band (urgent) data waits to be read with MSG_OOB (stream sockets, SO_OOBINLINE off). */
    int URGENT = 64;

    /** Told (on any thread) that readiness may have changed. Must not block. */
    void setListener(Runnable listener);

    int readiness();

    int bind(InetSocketAddress local);

    /** Bytes queued for reading (FIONREAD on Windows: all of them, even for datagrams). */
    int queuedBytes();

    /** The bound address, or null if unbound. */
    InetSocketAddress localAddress();

    /** The connected peer, or null. */
    InetSocketAddress remoteAddress();

    /** A transport option (SO_BROADCAST, SO_REUSEADDR, SO_RCVBUF, SO_SNDBUF, IP_TTL, IP_TOS, TCP_NODELAY, ...). */
    int setOption(int level, int name, int value);

    int getOption(int level, int name, IntRef value);

    /**
     * A backend-specific WSAIoctl code the provider itself does not know (for example the stack
     * backend's {@code StackTcpInfo.SIO_TCP_INFO}): 0 with the octets written to {@code out} counted
     * in {@code bytesReturned}, or a WSA error. By default every such code is WSAEINVAL, as Windows
     * answers an unknown code.
     */
    default int control(int code, byte[] in, byte[] out, IntRef bytesReturned) {
        return WsaError.WSAEINVAL;
    }

    void close();
}
