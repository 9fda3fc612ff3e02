package org.sockstack.stack.neighbor;

/**
 * Reachability states of a neighbour cache entry (RFC 4861 section 7.3.2). ARP uses the same
 * machine: RFC 1122 section 2.3.2.1 asks for timeout and unicast re-validation of cached entries,
 * which is exactly what STALE, DELAY and PROBE describe.
 */
public enum NeighborState {
    /** Address resolution is in progress: a solicitation has been sent, no answer yet. */
    INCOMPLETE,
    /** Confirmed reachable within the last ReachableTime. */
    REACHABLE,
    /** Not known to be reachable; nothing is done until a packet is sent to it. */
    STALE,
    /** A packet was sent while STALE; waiting DELAY_FIRST_PROBE_TIME for upper-layer confirmation. */
    DELAY,
    /** Re-validating with unicast solicitations every RetransTimer. */
    PROBE
}
