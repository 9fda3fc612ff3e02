package org.sockstack.stack.mcast;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * A multicast reception state: a filter mode and a source list (RFC 3376 sections 3.1 and 3.2,
 * RFC 3810 section 4). Used both for what one socket asked for and for the merged state of an
 * interface. {@code INCLUDE {}} means "no reception state": not a member.
 *
 * <p>The source set keeps insertion order, so reports list sources in a reproducible order.
 *
 * @param <A> the address type
 */
public record SourceFilter<A>(FilterMode mode, Set<A> sources) {

    public SourceFilter {
        Objects.requireNonNull(mode);
        sources = Collections.unmodifiableSet(new LinkedHashSet<>(sources));
    }

    /** {@code INCLUDE {}}: no reception (leaving the group). */
    public static <A> SourceFilter<A> includeNone() {
        return new SourceFilter<>(FilterMode.INCLUDE, Set.of());
    }

    /** {@code EXCLUDE {}}: every source (an any-source join, IP_ADD_MEMBERSHIP). */
    public static <A> SourceFilter<A> anySource() {
        return new SourceFilter<>(FilterMode.EXCLUDE, Set.of());
    }

    public static <A> SourceFilter<A> of(FilterMode mode, Collection<? extends A> sources) {
        return new SourceFilter<>(mode, new LinkedHashSet<>(sources));
    }

    /** True for {@code INCLUDE {}}, the absence of reception state. */
    public boolean isEmpty() {
        return mode == FilterMode.INCLUDE && sources.isEmpty();
    }

    /** Would a datagram from {@code source} be received under this state? */
    public boolean accepts(A source) {
        return sources.contains(source) == (mode == FilterMode.INCLUDE);
    }

    /**
     * The interface state derived from the states of all sockets (RFC 3376 section 3.2, RFC 3810
     * section 4.2): if any socket is in EXCLUDE mode, the interface is in EXCLUDE mode with the
     * intersection of the EXCLUDE lists minus the union of the INCLUDE lists; otherwise it is in
     * INCLUDE mode with the union of the INCLUDE lists.
     */
    public static <A> SourceFilter<A> merge(Collection<SourceFilter<A>> states) {
        Set<A> included = new LinkedHashSet<>();
        Set<A> excluded = null;
        for (SourceFilter<A> s : states) {
            if (s.mode == FilterMode.INCLUDE) {
                included.addAll(s.sources);
            } else if (excluded == null) {
                excluded = new LinkedHashSet<>(s.sources);
            } else {
                excluded.retainAll(s.sources);
            }
        }
        if (excluded == null) {
            return new SourceFilter<>(FilterMode.INCLUDE, included);
        }
        excluded.removeAll(included);
        return new SourceFilter<>(FilterMode.EXCLUDE, excluded);
    }

    @Override
    public String toString() {
        return mode + " " + sources;
    }
}
