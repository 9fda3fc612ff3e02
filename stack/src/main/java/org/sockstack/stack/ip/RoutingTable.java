package org.sockstack.stack.ip;

import org.sockstack.stack.iface.NetworkInterface;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiPredicate;

/**
 * A host routing table with longest-prefix match, shared by IPv4 and IPv6 (RFC 1812 section 5.2.4.3
 * and RFC 4191 agree on the rule: the most specific prefix wins, then the lowest metric).
 *
 * <p>Hosts have few routes (on-link prefixes and a default), so the table is a list kept sorted
 * by prefix length (longest first) and metric: the first match is the answer.
 *
 * @param <A> the address type
 */
public final class RoutingTable<A> {
    /** Tests whether an address lies within {@code prefix/length}. */
    public interface PrefixMatch<A> {
        boolean matches(A address, A prefix, int length);
    }

    private final PrefixMatch<A> match;
    private final List<Route<A>> routes = new ArrayList<>();
    /** Counts changes, so that routes looked up and kept elsewhere can be checked for staleness. */
    private int version;

    public RoutingTable(PrefixMatch<A> match) {
        this.match = match;
    }

    public void add(Route<A> route) {
        routes.add(route);
        version++;
        routes.sort(Comparator.<Route<A>>comparingInt(r -> -r.prefixLength()).thenComparingInt(Route::metric));
    }

    /** Removes routes selected by {@code which}; returns how many. */
    public int removeIf(BiPredicate<Route<A>, NetworkInterface> which) {
        int before = routes.size();
        routes.removeIf(r -> which.test(r, r.iface()));
        version++;
        return before - routes.size();
    }

    /** Changes with every {@link #add} and {@link #removeIf}. */
    public int version() {
        return version;
    }

    /** The best route to {@code dst}, or null if none (RFC 1122 3.3.1: "no route"). */
    public Route<A> lookup(A dst) {
        for (int i = 0; i < routes.size(); i++) {
            Route<A> r = routes.get(i);
            if (match.matches(dst, r.prefix(), r.prefixLength())) {
                return r;
            }
        }
        return null;
    }

    /** The best route to {@code dst} through {@code iface} only (for a socket bound to a device). */
    public Route<A> lookup(A dst, NetworkInterface iface) {
        for (int i = 0; i < routes.size(); i++) {
            Route<A> r = routes.get(i);
            if (r.iface() == iface && match.matches(dst, r.prefix(), r.prefixLength())) {
                return r;
            }
        }
        return null;
    }

    public List<Route<A>> routes() {
        return List.copyOf(routes);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        routes.forEach(r -> sb.append(r).append('\n'));
        return sb.toString();
    }
}
