package org.sockstack.stack.mcast;

import java.util.ArrayList;
import java.util.List;

/**
 * Packs group records into as few report messages as fit the link (RFC 3376 section 4.2.16, RFC
 * 3810 section 5.2.15): records go into a message while they fit; a record too big for a whole
 * message has its source list split over several records of the same type, except IS_EX and TO_EX
 * records, whose source list is truncated instead (dropping excluded sources errs on the side of
 * receiving too much, never too little).
 */
public final class ReportPacker {
    private ReportPacker() {
    }

    /**
     * @param space              octets available for records in one message (MTU minus the IP
     *                           header and the report's fixed header)
     * @param recordHeaderLength octets of a record before its sources (8 for IGMPv3, 20 for MLDv2)
     * @param addressLength      octets of one source address (4 or 16)
     * @return the records of each message, in order
     */
    public static <A> List<List<MembershipRecord<A>>> pack(List<MembershipRecord<A>> records, int space,
                                                          int recordHeaderLength, int addressLength) {
        int maxSources = (space - recordHeaderLength) / addressLength;
        if (maxSources < 1) {
            throw new IllegalArgumentException("no room for a record with one source");
        }
        List<List<MembershipRecord<A>>> messages = new ArrayList<>();
        List<MembershipRecord<A>> current = new ArrayList<>();
        int used = 0;
        for (MembershipRecord<A> whole : records) {
            for (MembershipRecord<A> r : fitting(whole, maxSources)) {
                int length = recordHeaderLength + addressLength * r.sources().size();
                if (used + length > space) {
                    messages.add(current);
                    current = new ArrayList<>();
                    used = 0;
                }
                current.add(r);
                used += length;
            }
        }
        if (!current.isEmpty()) {
            messages.add(current);
        }
        return messages;
    }

    /** The record itself if it fits one message, else its pieces (or its truncation). */
    private static <A> List<MembershipRecord<A>> fitting(MembershipRecord<A> r, int maxSources) {
        List<A> sources = r.sources();
        if (sources.size() <= maxSources) {
            return List.of(r);
        }
        if (r.type().isExclude()) {
            return List.of(new MembershipRecord<>(r.type(), r.group(), sources.subList(0, maxSources)));
        }
        List<MembershipRecord<A>> pieces = new ArrayList<>();
        for (int i = 0; i < sources.size(); i += maxSources) {
            pieces.add(new MembershipRecord<>(r.type(), r.group(),
                    sources.subList(i, Math.min(sources.size(), i + maxSources))));
        }
        return pieces;
    }
}
