package org.sockstack.stack.mcast;

import java.util.List;

/**
 * The protocol-specific half of {@link GroupMembership}: encoding and sending the messages of
 * one interface (IGMP for IPv4, MLD for IPv6).
 *
 * @param <A> the address type
 */
public interface MembershipReporter<A> {

    /**
     * False for groups that are never reported: the all-systems group 224.0.0.1 (RFC 3376
     * section 5, RFC 2236 section 6) or the all-nodes group ff02::1 (RFC 3810 section 6).
     */
    boolean reportable(A group);

    /** Sends a source-filtering report (IGMPv3, MLDv2) with these records, split to fit the MTU. */
    void sendReport(List<MembershipRecord<A>> records, long now);

    /** Sends an older-version report for {@code group} (IGMPv1/v2 Membership Report, MLDv1 Report). */
    void sendLegacyReport(CompatibilityMode mode, A group, long now);

    /** Sends an IGMPv2 Leave Group or MLDv1 Done for {@code group}. */
    void sendLeave(A group, long now);
}
