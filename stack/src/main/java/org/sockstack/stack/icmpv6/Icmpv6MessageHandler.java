package org.sockstack.stack.icmpv6;

import org.sockstack.stack.iface.NetworkInterface;
import org.sockstack.stack.ipv6.Ipv6ProtocolHandler.Cast;
import org.sockstack.stack.wire.Icmpv6Packet;
import org.sockstack.stack.wire.Ipv6Packet;

/**
 * A protocol carried in ICMPv6 messages (Neighbor Discovery, MLD) that ICMPv6 hands its message
 * types to, after the length and checksum checks. Both views are borrowed for the call.
 */
@FunctionalInterface
public interface Icmpv6MessageHandler {
    void receive(NetworkInterface iface, Ipv6Packet ip, Icmpv6Packet message, Cast cast, long now);
}
