package org.sockstack.stack.neighbor;

/**
 * The protocol-specific half of address resolution: how to ask "who has this address?".
 * ARP (RFC 826) and Neighbor Discovery (RFC 4861) each implement it; the cache machine is shared.
 *
 * @param <A> the protocol address type (an IPv4 address as Integer, an Ipv6Address)
 */
public interface NeighborProtocol<A> {

    /**
     * Sends a solicitation for {@code target}: broadcast/multicast when {@code knownMac} is -1
     * (resolution), or unicast to {@code knownMac} (re-validation in PROBE, RFC 4861 7.3.3).
     */
    void solicit(A target, long knownMac, long now);

    /**
     * Resolution failed after the last retry: the queued packets are dropped (and the upper
     * layers may be told the host is unreachable, RFC 4861 7.2.2 and RFC 1122 2.3.2.2).
     */
    default void resolutionFailed(A target, int droppedPackets, long now) {
    }
}
