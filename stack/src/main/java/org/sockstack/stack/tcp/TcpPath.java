package org.sockstack.stack.tcp;

import org.sockstack.stack.wire.IpAddress;

/**
 * Where a connection's segments go, as its {@link TcpNetwork} resolved it: the source address to
 * use, the destination, and the path MTU. Each network implements it with whatever it needs to
 * send (IPv4 keeps its {@code Ipv4Path}).
 */
public interface TcpPath {
    IpAddress local();

    IpAddress remote();

    /** The MTU towards {@link #remote()} (octets of IP datagram). */
    int mtu();
}
