package org.sockstack.stack.mcast;

import java.util.List;

/**
 * One Group Record to report, protocol-independent: IGMP encodes it as an IGMPv3 Group Record,
 * MLD as an MLDv2 Multicast Address Record.
 *
 * @param <A> the address type (IPv4 or IPv6)
 */
public record MembershipRecord<A>(RecordType type, A group, List<A> sources) {
    public MembershipRecord {
        sources = List.copyOf(sources);
    }
}
