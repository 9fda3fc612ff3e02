package org.sockstack.spi.provider;

import org.sockstack.spi.wsa.IntRef;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * A stream (TCP) socket of a backend: the seam the stack's TCP sockets plug into (the host
 * backend implements it over JDK channels). Every call is non-blocking; the provider waits.
 */
public interface NetStreamSocket extends NetSocket {

    /** Starts listening (the socket is bound). */
    int listen(int backlog);

    /** A connection from the backlog, or null with WSAEWOULDBLOCK (or another error) in errno. */
    NetStreamSocket accept(IntRef errno);

    /**
     * Starts the active open: 0 if already connected, WSAEWOULDBLOCK while in progress (then
     * readiness gains CONNECTED, or ERROR with the reason in {@link #takeError()}), or an error.
     */
    int connect(InetSocketAddress peer);

    /** The pending asynchronous error (a failed connect, a reset), consumed; 0 if none. */
    int takeError();

    /** Writes what fits now: the count in {@code written}; WSAEWOULDBLOCK if nothing fits. */
    int send(ByteBuffer[] data, IntRef written);

    /**
     * Reads what is there (or with {@code peek} copies it): the count in {@code read}, 0 meaning the
     * peer closed; WSAEWOULDBLOCK if nothing is there yet.
     */
    int receive(ByteBuffer[] into, IntRef read, boolean peek);

    // ---- out-of-band (urgent) data: TCP urgent data, BSD style (RFC 6093)

    /**
     * MSG_OOB send: writes what fits now (the count in {@code written}) and marks the last octet
     * written as the out-of-band octet (the urgent pointer follows it); WSAEWOULDBLOCK if nothing
     * fits. WSAEOPNOTSUPP if the backend cannot send urgent data (the default).
     */
    default int sendUrgent(byte[] data, IntRef written) {
        return org.sockstack.spi.wsa.WsaError.WSAEOPNOTSUPP;
    }

    /**
     * MSG_OOB receive: 0 with the out-of-band octet (0..255) in {@code octet} (with {@code peek}
     * it stays waiting); WSAEWOULDBLOCK if none waits; WSAEINVAL with SO_OOBINLINE on;
     * WSAEOPNOTSUPP if the backend cannot (the default).
     */
    default int receiveUrgent(IntRef octet, boolean peek) {
        return org.sockstack.spi.wsa.WsaError.WSAEOPNOTSUPP;
    }

    /**
     * Out-of-band data has arrived and is not read yet (waiting for MSG_OOB, or with SO_OOBINLINE
     * still ahead in the stream). SIOCATMARK answers the inverse. False if the backend cannot tell.
     */
    default boolean urgentUnread() {
        return false;
    }

    /** SD_RECEIVE, SD_SEND (sends FIN) or SD_BOTH. */
    int shutdown(int how);

    /**
     * After {@link #shutdown} with SD_SEND: every octet sent and the FIN acknowledged by the peer
     * (or the connection is gone), which a lingering closesocket waits for. A backend that cannot
     * tell answers true, and the close does not wait.
     */
    default boolean sendDrained() {
        return true;
    }

    /**
     * QoS: paces sends by the token bucket of {@code sending} (TokenRate, TokenBucketSize,
     * PeakBandwidth, MaxSduSize; {@link QosPolicy#paces} holds); null removes the pacing.
     * WSAEOPNOTSUPP if the backend has no QoS (the default).
     */
    default int setSendPacing(Qos.Flowspec sending) {
        return org.sockstack.spi.wsa.WsaError.WSAEOPNOTSUPP;
    }

    /**
     * SO_CONDITIONAL_ACCEPT on a listening socket. A backend that can hold SYNs (the stack) answers
     * true and from then on keeps each connection request unanswered until {@link #heldRequest}'s
     * request is accepted or rejected; false (the default, the host kernel) means the option is
     * only kept: handshakes complete before the application sees them.
     */
    default boolean setConditionalAccept(boolean on) {
        return false;
    }

    /**
     * The oldest held connection request (the same one until decided or abandoned), or null with
     * WSAEWOULDBLOCK in {@code errno} when none is held.
     */
    default HeldRequest heldRequest(IntRef errno) {
        errno.value = org.sockstack.spi.wsa.WsaError.WSAEWOULDBLOCK;
        return null;
    }

    /** A connection request whose SYN is not answered yet (SO_CONDITIONAL_ACCEPT). */
    interface HeldRequest {
        /** The caller's address (the SYN's source). */
        InetSocketAddress remoteAddress();

        /** The address the SYN was sent to. */
        InetSocketAddress localAddress();

        /**
         * Answers the SYN (SYN,ACK): the new socket, connected as far as the application can tell
         * (the handshake ends when the client's ACK comes), or null with the error in {@code errno}
         * (the request is gone: WSAECONNABORTED).
         */
        NetStreamSocket accept(IntRef errno);

        /** Answers the SYN with a RST: the client's connect fails with "connection refused". */
        void reject();
    }

    /** Graceful close (queued data, then FIN) or abortive (RST: SO_LINGER on with time 0). */
    void close(boolean abortive);
}
