package org.sockstack.stack.ipv4;

import io.netty.buffer.ByteBuf;
import org.sockstack.stack.socket.SocketError;

/**
 * A transport protocol told about an ICMP error concerning one of its datagrams (RFC 1122
 * 3.2.2.1 / 4.1.3.3 / 4.2.3.9: errors are passed to the transport layer, which finds the socket
 * from the quoted header).
 */
@FunctionalInterface
public interface Ipv4ErrorListener {

    /**
     * @param error            what the ICMP message means for the socket
     * @param mtu              for "fragmentation needed": the next-hop MTU (RFC 1191), else 0
     * @param src              the quoted datagram's source (one of our addresses)
     * @param dst              the quoted datagram's destination (the peer)
     * @param quote            the buffer holding the quoted transport header (borrowed)
     * @param transportOffset  where the quoted transport header starts in {@code quote}
     * @param transportLength  octets of it quoted (at least 8)
     * @param isPermanent      true for hard errors (port/protocol unreachable), false for soft ones
     */
    void onError(SocketError error, int mtu, int src, int dst, ByteBuf quote, int transportOffset,
                 int transportLength, boolean isPermanent, long now);
}
