package org.sockstack.spi.provider;

import java.net.InetAddress;

/**
 * The packet information of one datagram, what the IN_PKTINFO / IN6_PKTINFO control records of
 * WSARecvMsg and WSASendMsg carry (RFC 3542 section 6 describes the same pair for IPv6).
 *
 * <p>On receive: {@code address} is the datagram's own destination address (one of ours, a
 * broadcast or a multicast group), or null if the backend cannot tell it; {@code ifIndex} is the
 * Winsock interface index it arrived on (1 and up), or 0 if unknown.
 *
 * <p>On send: {@code address} is the source address to use (null or the wildcard: the
 * backend's choice), {@code ifIndex} the interface to leave by (0: the route's choice).
 */
public record PacketInfo(InetAddress address, int ifIndex) {

    /** Told the packet information of the datagram a WSARecvMsg takes, before its completion is signalled. */
    @FunctionalInterface
    public interface Sink {
        void accept(PacketInfo info);
    }
}
