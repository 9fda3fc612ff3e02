package org.sockstack.stack.ipv6;

import org.sockstack.stack.iface.NetworkInterface;
import org.sockstack.stack.wire.Ipv6Address;
import org.sockstack.stack.wire.Ipv6Packet;

/**
 * Where a packet to {@code dst} goes: the outgoing interface, the source address chosen for it
 * (RFC 6724), the neighbour it is handed to (the destination or a router, RFC 4861 section 5.2)
 * and the path MTU (RFC 8201).
 *
 * @param dstMac the link-layer destination when the address fixes it (multicast), or -1 when the
 *               neighbour must be resolved by Neighbor Discovery
 */
public record Ipv6Path(NetworkInterface iface, Ipv6Address src, Ipv6Address dst, Ipv6Address nextHop, long dstMac,
                       int mtu) {

    /** Largest upper-layer payload that fits one unfragmented packet (no extension headers). */
    public int maxPayload() {
        return mtu - Ipv6Packet.HEADER_LENGTH;
    }
}
