package org.sockstack.stack.ipv4;

import org.sockstack.stack.iface.NetworkInterface;
import org.sockstack.stack.wire.Ipv4Address;

/**
 * Where a datagram to {@code dst} goes: the outgoing interface, the source address to put in
 * it, the neighbour to hand it to (the destination or a gateway), and the MTU of the path.
 *
 * @param dstMac the link-layer destination when it is fixed by the address (broadcast or
 *               multicast), or -1 when the neighbour must be resolved
 */
public record Ipv4Path(NetworkInterface iface, int src, int dst, Ipv4Address nextHop, long dstMac, int mtu) {

    /** Largest payload that fits one unfragmented datagram on this path (no IP options). */
    public int maxPayload() {
        return mtu - org.sockstack.stack.wire.Ipv4Packet.MIN_HEADER_LENGTH;
    }
}
