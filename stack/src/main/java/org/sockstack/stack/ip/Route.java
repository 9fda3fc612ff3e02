package org.sockstack.stack.ip;

import org.sockstack.stack.iface.NetworkInterface;

/**
 * A routing table entry: packets to {@code prefix/prefixLength} leave through {@code iface},
 * directly to the destination when {@code gateway} is null (an on-link route), else via the
 * gateway.
 *
 * @param <A> the address type (Ipv4Address, Ipv6Address)
 */
public record Route<A>(A prefix, int prefixLength, A gateway, NetworkInterface iface, int metric) {

    public boolean onLink() {
        return gateway == null;
    }

    /** The neighbour a packet to {@code dst} is handed to: the gateway, or {@code dst} itself. */
    public A nextHop(A dst) {
        return gateway == null ? dst : gateway;
    }

    @Override
    public String toString() {
        return prefix + "/" + prefixLength + (gateway == null ? " dev " : " via " + gateway + " dev ")
                + iface.name() + (metric != 0 ? " metric " + metric : "");
    }
}
