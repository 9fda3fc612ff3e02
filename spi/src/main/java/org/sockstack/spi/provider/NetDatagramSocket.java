package org.sockstack.spi.provider;

import java.net.InetSocketAddress;

/** A datagram (UDP) socket of a backend. */
public interface NetDatagramSocket extends NetSocket {

    /** A received datagram. */
    final class Datagram {
        public byte[] data;
        public InetSocketAddress from;
        /** The datagram's own destination address, or null if the backend cannot tell it. */
        public java.net.InetAddress to;
        /** The Winsock interface index it arrived on, or 0 if unknown. */
        public int ifIndex;
    }

    /** Fixes the peer; null dissolves the association. */
    int connect(InetSocketAddress peer);

    /** Sends one datagram to {@code dst}. */
    int sendTo(byte[] data, InetSocketAddress dst);

    /**
     * Sends one datagram to {@code dst} from the source address and interface {@code source}
     * names (WSASendMsg with an IN_PKTINFO / IN6_PKTINFO record). The source must be one of the
     * backend's addresses (WSAEADDRNOTAVAIL otherwise). By default only the bound address (or no
     * choice at all) is accepted, anything else answers WSAEOPNOTSUPP.
     */
    default int sendFrom(byte[] data, InetSocketAddress dst, PacketInfo source) {
        InetSocketAddress local = localAddress();
        boolean noChoice = (source.address() == null || source.address().isAnyLocalAddress()
                || local != null && source.address().equals(local.getAddress())) && source.ifIndex() == 0;
        return noChoice ? sendTo(data, dst) : org.sockstack.spi.wsa.WsaError.WSAEOPNOTSUPP;
    }

    /**
     * Takes (or with {@code peek} copies) the next datagram. A pending asynchronous error comes
     * first, as WSAECONNRESET (ICMP port unreachable) or another code, and is consumed.
     */
    int receive(Datagram out, boolean peek);
    /**
     * Multicast reception, RFC 3678 section 4.2 "full-state" form: the socket's filter for
     * {@code group} on an interface becomes INCLUDE {@code sources} ({@code include}) or EXCLUDE
     * {@code sources}. EXCLUDE with no source is an any-source join; INCLUDE with none leaves the
     * group. The interface is an IPv4 address ({@code iface}, null or the wildcard: the
     * backend's choice) or, for IPv6, an interface index ({@code ifIndex}, 0: the backend's
     * choice). The provider keeps the delta calls (join, leave, add/drop/block/unblock a source)
     * and their errors; the backend only applies states. Returns 0 or a WSA code.
     */
    default int setSourceFilter(java.net.InetAddress group, java.net.InetAddress iface, int ifIndex, boolean include,
                                java.util.Set<java.net.InetAddress> sources) {
        return org.sockstack.spi.wsa.WsaError.WSAENOPROTOOPT;
    }

    /** IP_MULTICAST_IF / IPV6_MULTICAST_IF: the interface multicast sends leave by (null and 0: the default). */
    default int setMulticastInterface(java.net.InetAddress iface, int ifIndex) {
        return org.sockstack.spi.wsa.WsaError.WSAENOPROTOOPT;
    }
}
