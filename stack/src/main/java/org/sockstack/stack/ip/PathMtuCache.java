package org.sockstack.stack.ip;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Path MTU per destination (RFC 1191 for IPv4, RFC 8201 for IPv6): learned from ICMP
 * "fragmentation needed" / Packet Too Big, used by UDP fragmentation and TCP's MSS. Entries
 * age out after {@code lifetimeNanos} (RFC 1191 section 6.3 suggests 10 minutes) so an increase of
 * the path MTU is eventually found; the table is bounded (oldest entries go first).
 *
 * @param <A> the address type
 */
public final class PathMtuCache<A> {
    private final int minimumMtu;
    private final long lifetimeNanos;
    private final int maxEntries;
    private final Map<A, long[]> entries;

    /**
     * @param minimumMtu reports below this are raised to it (IPv4: 68 per RFC 791, though RFC 1191
     *                   section 3 suggests ignoring very small ones; IPv6: 1280 per RFC 8200 section 5)
     */
    public PathMtuCache(int minimumMtu, long lifetimeNanos, int maxEntries) {
        this.minimumMtu = minimumMtu;
        this.lifetimeNanos = lifetimeNanos;
        this.maxEntries = maxEntries;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<A, long[]> eldest) {
                return size() > PathMtuCache.this.maxEntries;
            }
        };
    }

    /** The path MTU to {@code dst}: the learned value if fresh, else {@code linkMtu}. */
    public int mtu(A dst, int linkMtu, long now) {
        if (entries.isEmpty()) {
            return linkMtu;
        }
        long[] e = entries.get(dst);
        if (e == null) {
            return linkMtu;
        }
        if (now - e[1] >= 0) {
            entries.remove(dst);
            return linkMtu;
        }
        return (int) Math.min(linkMtu, e[0]);
    }

    /**
     * Records a smaller MTU reported for {@code dst}. Increases are ignored (RFC 1191 section 3:
     * a report never raises the estimate; only expiry does).
     *
     * @return the MTU now in force for {@code dst}
     */
    public int update(A dst, int reportedMtu, int linkMtu, long now) {
        int mtu = Math.max(minimumMtu, Math.min(reportedMtu, linkMtu));
        long[] e = entries.get(dst);
        if (e != null && now - e[1] < 0 && e[0] <= mtu) {
            return (int) e[0];
        }
        entries.put(dst, new long[] {mtu, now + lifetimeNanos});
        return mtu;
    }

    public int size() {
        return entries.size();
    }
}
