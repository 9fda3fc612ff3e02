package org.sockstack.spi.provider;

import org.sockstack.spi.wsa.IntRef;

/**
 * The network a base provider runs over: the user-space stack or the host's stack. It offers
 * plain sockets with results already translated to WSA codes; {@link BaseTransportProvider} builds
 * every Winsock rule on top, once, so both base providers behave alike.
 */
public interface NetBackend {
    String name();

    /** A new socket, or null with WSAEAFNOSUPPORT / WSAESOCKTNOSUPPORT / WSAEPROTONOSUPPORT / WSAENOBUFS. */
    NetSocket open(int af, int type, int protocol, IntRef errno);

    /** Called after the provider's last cleanup; the backend may release threads. */
    void shutdown();
    // ---- interfaces and addresses (SIO_GET_INTERFACE_LIST, SIO_ADDRESS_LIST_*, SIO_ROUTING_INTERFACE_QUERY)

    /** One local address: its prefix, the subnet broadcast address (IPv4, or null) and IFF_* flags. */
    record IfAddress(java.net.InetAddress address, int prefixLength, java.net.InetAddress broadcast, int flags) { }

    int IFF_UP = 0x1;
    int IFF_BROADCAST = 0x2;
    int IFF_LOOPBACK = 0x4;
    int IFF_POINTTOPOINT = 0x8;
    int IFF_MULTICAST = 0x10;

    /** The local addresses of family {@code af} (AF_INET or AF_INET6), in the backend's order. */
    default java.util.List<IfAddress> interfaceAddresses(int af) {
        return java.util.List.of();
    }

    /** The local address a packet to {@code dst} would leave from (its route's source), or null if none. */
    default java.net.InetAddress routeSource(java.net.InetAddress dst) {
        return null;
    }

    /**
     * Asks to be told (on any thread, without blocking) whenever a local address comes or goes.
     * False if the backend cannot tell.
     */
    default boolean watchAddresses(Runnable listener) {
        return false;
    }
}
