package org.sockstack.stack.ipv6;

import io.netty.buffer.ByteBuf;
import org.sockstack.stack.wire.Ipv6Address;

/**
 * What IPv6 output needs from Neighbor Discovery on one interface (RFC 4861 section 5: the
 * neighbour cache, the default router list and the link parameters learned from Router
 * Advertisements). NDP implements it.
 */
public interface Ipv6Link {

    /** Hands a complete frame to the neighbour {@code nextHop}, resolving it first if needed. Takes ownership. */
    void send(Ipv6Address nextHop, ByteBuf frame, long now);

    /** A default router chosen per RFC 4861 section 6.3.6, or null if there is none. */
    Ipv6Address defaultRouter(long now);

    /** The IPv6 link MTU (the device MTU unless a Router Advertisement lowered it, RFC 4861 6.3.4). */
    int linkMtu();

    /** The hop limit for unicast packets (CurHopLimit, RFC 4861 6.3.2). */
    int curHopLimit();
}
