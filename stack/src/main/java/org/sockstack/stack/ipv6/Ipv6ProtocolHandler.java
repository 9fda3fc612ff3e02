package org.sockstack.stack.ipv6;

import org.sockstack.stack.iface.NetworkInterface;
import org.sockstack.stack.wire.Ipv6Packet;

/** An upper-layer protocol over IPv6 (ICMPv6, UDP, TCP), registered by Next Header value. */
@FunctionalInterface
public interface Ipv6ProtocolHandler {

    /**
     * Handles a packet addressed to this host after its extension headers were processed. The
     * packet (and its buffer) is borrowed for the call: data kept afterwards must be copied.
     *
     * @param ip     the IPv6 header (source and destination addresses, hop limit)
     * @param offset absolute index of the upper-layer header in {@code ip.buffer()}
     * @param length octets from {@code offset} to the end of the IPv6 payload
     * @param cast   how the packet was addressed to us
     */
    void receive(NetworkInterface iface, Ipv6Packet ip, int offset, int length, Cast cast, long now);

    /** How a received packet was addressed (IPv6 has no broadcast, RFC 4291 section 2). */
    enum Cast { UNICAST, MULTICAST }
}
