package org.sockstack.stack.ipv6;

import io.netty.buffer.ByteBuf;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.wire.Ipv6Address;

/**
 * A transport told about an ICMPv6 error concerning one of its packets (RFC 4443 section 3:
 * "the upper-layer protocol type is extracted from the original packet ... and used to select the
 * appropriate upper-layer process to handle the error").
 */
@FunctionalInterface
public interface Ipv6ErrorListener {

    /**
     * @param error           what the message means for a socket
     * @param mtu             for Packet Too Big: the path MTU now in force, else 0
     * @param src             the quoted packet's source (one of our addresses)
     * @param dst             the quoted packet's destination (the peer)
     * @param quote           the buffer holding the quoted transport header (borrowed)
     * @param transportOffset where the quoted transport header starts in {@code quote}
     * @param transportLength octets of it quoted (at least 8)
     * @param isPermanent     true for hard errors (port unreachable)
     */
    void onError(SocketError error, int mtu, Ipv6Address src, Ipv6Address dst, ByteBuf quote, int transportOffset,
                 int transportLength, boolean isPermanent, long now);
}
