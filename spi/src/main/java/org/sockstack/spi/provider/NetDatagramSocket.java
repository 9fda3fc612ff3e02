package org.sockstack.spi.provider;

import java.net.InetSocketAddress;

/** A datagram (UDP) socket of a backend. */
public interface NetDatagramSocket extends NetSocket {

    /** A received datagram. */
    final class Datagram {
        public byte[] data;
        public InetSocketAddress from;
    }

    /** Fixes the peer; null dissolves the association. */
    int connect(InetSocketAddress peer);

    /** Sends one datagram to {@code dst}. */
    int sendTo(byte[] data, InetSocketAddress dst);

    /**
     * Takes (or with {@code peek} copies) the next datagram. A pending asynchronous error comes
     * first, as WSAECONNRESET (ICMP port unreachable) or another code, and is consumed.
     */
    int receive(Datagram out, boolean peek);
}
