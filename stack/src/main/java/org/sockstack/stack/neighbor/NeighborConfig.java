package org.sockstack.stack.neighbor;

import java.time.Duration;

/**
 * Timers and bounds of a neighbour cache. Defaults follow RFC 4861 section 10 (and Linux's ARP
 * defaults, which use the same values).
 *
 * @param maxEntries         cache bound; a full cache evicts the least recently used
 *                           non-INCOMPLETE entry, or refuses new ones if all are resolving
 * @param maxQueuedPerEntry  frames held while an entry is INCOMPLETE (RFC 1122 2.3.2.2: "SHOULD
 *                           save at least one"); older ones are dropped first (also bounded in
 *                           octets by the cache)
 * @param maxMulticastSolicit solicitations before resolution fails (MAX_MULTICAST_SOLICIT = 3)
 * @param maxUnicastSolicit  probes before a PROBE entry is removed (MAX_UNICAST_SOLICIT = 3)
 * @param retransTimer       time between solicitations (RETRANS_TIMER = 1 s)
 * @param reachableTime      how long a confirmation holds (REACHABLE_TIME = 30 s; RFC 4861 6.3.2
 *                           randomises it between 0.5 and 1.5 times this)
 * @param delayFirstProbe    DELAY_FIRST_PROBE_TIME = 5 s
 * @param staleLifetime      an unused STALE entry is garbage-collected after this long
 */
public record NeighborConfig(int maxEntries, int maxQueuedPerEntry, int maxMulticastSolicit,
                             int maxUnicastSolicit, Duration retransTimer, Duration reachableTime,
                             Duration delayFirstProbe, Duration staleLifetime) {

    public static final NeighborConfig DEFAULT = new NeighborConfig(1024, 64, 3, 3,
            Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofMinutes(10));

    public NeighborConfig {
        if (maxEntries < 1 || maxQueuedPerEntry < 1 || maxMulticastSolicit < 1 || maxUnicastSolicit < 1) {
            throw new IllegalArgumentException("neighbour cache bounds must be positive");
        }
    }
}
