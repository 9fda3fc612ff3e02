package org.sockstack.stack.mcast;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.stack.mcast.FilterMode.EXCLUDE;
import static org.sockstack.stack.mcast.FilterMode.INCLUDE;

/** RFC 3376 section 3.2: deriving the interface state from the sockets' states. */
class SourceFilterTest {

    private static SourceFilter<String> f(FilterMode mode, String... sources) {
        return SourceFilter.of(mode, List.of(sources));
    }

    @Test
    void rfc3376_3_2_includeOnlyIsTheUnion() {
        assertEquals(f(INCLUDE, "a", "b", "c"), SourceFilter.merge(List.of(f(INCLUDE, "a", "b"), f(INCLUDE, "b", "c"))));
    }

    @Test
    void rfc3376_3_2_anyExcludeGivesExcludeOfIntersectionMinusIncludes() {
        assertEquals(f(EXCLUDE, "b"), SourceFilter.merge(List.of(f(EXCLUDE, "a", "b"), f(EXCLUDE, "b", "c"))));
        assertEquals(f(EXCLUDE, "a"), SourceFilter.merge(List.of(f(EXCLUDE, "a", "b"), f(INCLUDE, "b", "x"))));
        assertEquals(f(EXCLUDE), SourceFilter.merge(List.of(f(EXCLUDE, "a"), f(EXCLUDE), f(INCLUDE, "z"))));
    }

    @Test
    void noSocketsIsIncludeNone() {
        assertTrue(SourceFilter.<String>merge(List.of()).isEmpty());
        assertFalse(SourceFilter.<String>anySource().isEmpty());
    }

    @Test
    void acceptsFollowsTheMode() {
        assertTrue(f(INCLUDE, "a").accepts("a"));
        assertFalse(f(INCLUDE, "a").accepts("b"));
        assertFalse(f(EXCLUDE, "a").accepts("a"));
        assertTrue(f(EXCLUDE, "a").accepts("b"));
        assertFalse(SourceFilter.<String>includeNone().accepts("a"));
    }
}
