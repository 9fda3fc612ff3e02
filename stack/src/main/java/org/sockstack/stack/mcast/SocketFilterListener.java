package org.sockstack.stack.mcast;

import org.sockstack.stack.iface.NetworkInterface;

/**
 * Told when a socket's reception state for a group on an interface changes (RFC 3376 section 2:
 * IPMulticastListen(socket, interface, multicast-address, filter-mode, source-list)). The group
 * management protocol merges the states of all sockets into the interface state.
 *
 * @param <A> the address type
 */
@FunctionalInterface
public interface SocketFilterListener<A> {

    /** @param filter the socket's new state; {@code INCLUDE {}} when it left the group */
    void socketFilterChanged(Object socket, NetworkInterface iface, A group, SourceFilter<A> filter);

    static <A> SocketFilterListener<A> none() {
        return (socket, iface, group, filter) -> { };
    }
}
