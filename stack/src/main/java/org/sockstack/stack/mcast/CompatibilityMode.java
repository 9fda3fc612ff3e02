package org.sockstack.stack.mcast;

/**
 * The Host Compatibility Mode of an interface (RFC 3376 section 7.2.1, RFC 3810 section 8.2.1):
 * which kind of reports the routers on the link understand. IGMP maps IGMPv1, IGMPv2 and IGMPv3
 * to these; MLD maps MLDv1 to {@link #ANY_SOURCE} and MLDv2 to {@link #SOURCE_FILTERING}.
 */
public enum CompatibilityMode {
    /** IGMPv1 (RFC 1112): one report per group, no leave message. */
    NO_LEAVE,
    /** IGMPv2 (RFC 2236), MLDv1 (RFC 2710): one report per group and a leave (done) message. */
    ANY_SOURCE,
    /** IGMPv3 (RFC 3376), MLDv2 (RFC 3810): source-filtering reports with group records. */
    SOURCE_FILTERING
}
