package org.sockstack.stack.mcast;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.loop.TimerWheel;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.stack.mcast.FilterMode.EXCLUDE;
import static org.sockstack.stack.mcast.FilterMode.INCLUDE;
import static org.sockstack.stack.mcast.RecordType.ALLOW_NEW_SOURCES;
import static org.sockstack.stack.mcast.RecordType.BLOCK_OLD_SOURCES;
import static org.sockstack.stack.mcast.RecordType.CHANGE_TO_EXCLUDE_MODE;
import static org.sockstack.stack.mcast.RecordType.MODE_IS_EXCLUDE;
import static org.sockstack.stack.mcast.RecordType.MODE_IS_INCLUDE;

/**
 * The protocol-independent machine with string addresses and a recording reporter: what IGMP and
 * MLD share. Time is driven by hand in milliseconds.
 */
class GroupMembershipTest {
    private static final long MS = 1_000_000L;
    private static final String NEVER_REPORTED = "all-systems";

    private final TimerWheel wheel = new TimerWheel(0, MS);
    private final List<String> out = new ArrayList<>();
    private GroupMembership<String> m;
    private long now;

    @BeforeEach
    void setUp() {
        m = new GroupMembership<>("test", wheel, new SplittableRandom(1), MembershipConfig.DEFAULT,
                new MembershipReporter<>() {
                    public boolean reportable(String group) {
                        return !group.equals(NEVER_REPORTED);
                    }

                    public void sendReport(List<MembershipRecord<String>> records, long at) {
                        out.add("v3 " + records.stream().map(r -> r.type() + " " + r.group() + " " + r.sources()).toList());
                    }

                    public void sendLegacyReport(CompatibilityMode mode, String group, long at) {
                        out.add(mode + " report " + group);
                    }

                    public void sendLeave(String group, long at) {
                        out.add("leave " + group);
                    }
                });
    }

    private void advance(long ms) {
        long target = now + ms * MS;
        while (true) {
            wheel.fireExpired(now);
            long next = wheel.nextDeadline();
            if (next > target) {
                now = target;
                wheel.fireExpired(now);
                return;
            }
            now = Math.max(now, next);
        }
    }

    private List<String> take() {
        List<String> copy = List.copyOf(out);
        out.clear();
        return copy;
    }

    private void join(Object socket, String group, SourceFilter<String> f) {
        m.setMemberFilter(socket, group, f);
        m.setIpJoined(group, true);
    }

    @Test
    void rfc3376_5_1_sourceChangesThenModeChange() {
        join("s", "g", SourceFilter.of(INCLUDE, List.of("a", "b")));
        advance(0);
        assertEquals(List.of("v3 [" + ALLOW_NEW_SOURCES + " g [a, b]]"), take());
        m.setMemberFilter("s", "g", SourceFilter.of(INCLUDE, List.of("b", "c")));
        advance(0);
        // b is unchanged; a and b from the first change still owe one retransmission.
        assertEquals(List.of("v3 [" + ALLOW_NEW_SOURCES + " g [b, c], " + BLOCK_OLD_SOURCES + " g [a]]"), take());
        m.setMemberFilter("s", "g", SourceFilter.of(EXCLUDE, List.of("x")));
        advance(0);
        assertEquals(List.of("v3 [" + CHANGE_TO_EXCLUDE_MODE + " g [x]]"), take());
        advance(5_000);
        assertEquals(List.of("v3 [" + CHANGE_TO_EXCLUDE_MODE + " g [x]]"), take(), "source counters were cleared");
    }

    @Test
    void rfc3376_5_2_rule1_anEarlierGeneralResponseCoversAGroupQuery() {
        join("s", "g", SourceFilter.anySource());
        advance(5_000);
        take();
        m.generalQuery(0, now); // answer due at once
        assertTrue(m.groupQuery("g", List.of(), 10_000 * MS, now));
        advance(20_000);
        assertEquals(List.of("v3 [" + MODE_IS_EXCLUDE + " g []]"), take(), "one answer, from the General Query");
    }

    @Test
    void rfc3376_5_2_rule4_aGroupQueryClearsRecordedSources() {
        join("s", "g", SourceFilter.of(INCLUDE, List.of("a", "b")));
        advance(5_000);
        take();
        m.groupQuery("g", List.of("a"), 10_000 * MS, now);
        m.groupQuery("g", List.of(), 10_000 * MS, now);
        advance(10_000);
        assertEquals(List.of("v3 [" + MODE_IS_INCLUDE + " g [a, b]]"), take());
    }

    @Test
    void groupsThatAreNeverReportedStaySilent() {
        join("s", NEVER_REPORTED, SourceFilter.anySource());
        m.generalQuery(1_000 * MS, now);
        assertEquals(false, m.groupQuery(NEVER_REPORTED, List.of(), 1_000 * MS, now));
        advance(10_000);
        assertTrue(take().isEmpty());
    }

    @Test
    void rfc3376_7_2_1_olderQuerierTimesOut() {
        join("s", "g", SourceFilter.anySource());
        advance(5_000);
        take();
        m.olderQuerierPresent(CompatibilityMode.ANY_SOURCE, 10_000 * MS, now);
        m.olderQuerierPresent(CompatibilityMode.NO_LEAVE, 10_000 * MS, now + 5_000 * MS);
        assertEquals(CompatibilityMode.NO_LEAVE, m.mode(), "the oldest querier wins");
        advance(260_000);
        assertEquals(CompatibilityMode.NO_LEAVE, m.mode());
        advance(5_000);
        assertEquals(CompatibilityMode.SOURCE_FILTERING, m.mode());
    }

    @Test
    void idleGroupsAreForgotten() {
        join("s", "g", SourceFilter.anySource());
        m.setIpJoined("g", false);
        m.setMemberFilter("s", "g", SourceFilter.includeNone());
        advance(10_000);
        assertTrue(m.trackedGroups().isEmpty());
        // The join never went out: the pending change is now TO_IN {}, sent Robustness Variable times.
        assertEquals(List.of("v3 [CHANGE_TO_INCLUDE_MODE g []]", "v3 [CHANGE_TO_INCLUDE_MODE g []]"), take());
    }
}
