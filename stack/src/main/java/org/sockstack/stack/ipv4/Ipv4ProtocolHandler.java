package org.sockstack.stack.ipv4;

import org.sockstack.stack.iface.NetworkInterface;
import org.sockstack.stack.wire.Ipv4Packet;

/** An upper-layer protocol over IPv4 (ICMP, IGMP, UDP, TCP), registered by protocol number. */
@FunctionalInterface
public interface Ipv4ProtocolHandler {

    /**
     * Handles a datagram addressed to this host. The packet (and its buffer) is borrowed for the
     * call; data kept afterwards must be copied or retained.
     *
     * @param cast how the datagram was addressed to us
     */
    void receive(NetworkInterface iface, Ipv4Packet packet, Cast cast, long now);

    /** How a received datagram was addressed. */
    enum Cast { UNICAST, BROADCAST, MULTICAST }
}
