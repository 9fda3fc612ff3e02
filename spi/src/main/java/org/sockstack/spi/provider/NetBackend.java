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
}
