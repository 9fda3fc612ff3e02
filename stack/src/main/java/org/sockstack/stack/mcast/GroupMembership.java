package org.sockstack.stack.mcast;

import org.sockstack.stack.loop.Timer;
import org.sockstack.stack.loop.TimerWheel;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The group-membership state machine of one interface, shared by IGMP (RFC 3376 with IGMPv2 and
 * IGMPv1 compatibility) and MLD (RFC 3810, the same machine for IPv6). It keeps, per group:
 *
 * <ul>
 *   <li>the reception state of each socket and the merged interface state (section 3.2);</li>
 *   <li>the retransmission state of State-Change Reports (section 5.1): a Filter-Mode-Change
 *       counter and one counter per changed source, each starting at [Robustness Variable];</li>
 *   <li>a pending response to a Group-Specific or Group-and-Source-Specific Query, with the
 *       recorded source list (section 5.2), or, in IGMPv1/v2 mode, the report delay timer of
 *       RFC 2236 section 3;</li>
 * </ul>
 * and per interface the pending response to a General Query (the "interface timer"), the
 * retransmission timer, the Older Version Querier Present timers (section 7.2.1) and the
 * [Robustness Variable] and [Query Interval] learned from queries. The protocol layer parses and
 * validates messages and calls in with their meaning; output goes to a {@link MembershipReporter}.
 *
 * <p>Entry points that have no time (socket calls) never need one: a state change arms the
 * retransmission timer with a deadline already past, so the report goes out on the event loop's
 * next turn with that turn's {@code now} (RFC 3376 5.1: "immediately").
 *
 * <p>Event loop thread only.
 *
 * @param <A> the address type (IPv4 or IPv6)
 */
public final class GroupMembership<A> {
    /**
     * A deadline that has already passed: the timer fires on the loop's next turn. Half of
     * Long.MIN_VALUE so that "deadline - now" cannot overflow in the loop's sleep computation.
     */
    private static final long ASAP = Long.MIN_VALUE / 2;
    private static final long DECISECOND = 100_000_000L;

    private final String name;
    private final TimerWheel timers;
    private final RandomGenerator random;
    private final MembershipConfig config;
    private final MembershipReporter<A> reporter;
    private final Map<A, Group<A>> groups = new LinkedHashMap<>();
    /** RFC 3376 5.2: the interface timer, pending response to a General Query. */
    private final Timer generalResponse;
    /** RFC 3376 5.1: sends (and re-sends) State-Change Reports. */
    private final Timer stateChange;
    /** RFC 3376 7.2.1: IGMPv1 and IGMPv2 Querier Present timers, by compatibility mode. */
    private final Timer[] olderQuerierPresent = new Timer[CompatibilityMode.values().length];
    private CompatibilityMode mode = CompatibilityMode.SOURCE_FILTERING;
    private int robustnessVariable;
    private long queryIntervalNanos;

    /** The state of one multicast address on this interface. */
    private static final class Group<A> {
        final A address;
        /** Reception state per socket (section 3.1); sockets in INCLUDE {} are absent. */
        final Map<Object, SourceFilter<A>> members = new LinkedHashMap<>();
        /** The IP layer has the group joined (a member without a filter counts as EXCLUDE {}). */
        boolean ipJoined;
        /** The interface state (section 3.2). */
        SourceFilter<A> state = SourceFilter.includeNone();
        /** Filter-Mode-Change retransmissions left (or older-version joins left to send). */
        int modeRetransmissions;
        /** Source-List-Change retransmissions left, per source (section 5.1). */
        final Map<A, Integer> sourceRetransmissions = new LinkedHashMap<>();
        /** An IGMPv2/MLDv1 leave to send. */
        boolean pendingLeave;
        /** RFC 2236 section 6: "we were the last host to report" (send Leave only then). */
        boolean lastReporter;
        /** Group timer: pending response to a group query (or the older-version report delay). */
        Timer response;
        /** Sources recorded from Group-and-Source-Specific Queries; empty for a group query. */
        final Set<A> querySources = new LinkedHashSet<>();

        Group(A address) {
            this.address = address;
        }

        boolean retransmitting() {
            return modeRetransmissions > 0 || !sourceRetransmissions.isEmpty() || pendingLeave;
        }
    }

    public GroupMembership(String name, TimerWheel timers, RandomGenerator random, MembershipConfig config,
                           MembershipReporter<A> reporter) {
        this.name = name;
        this.timers = timers;
        this.random = random;
        this.config = config;
        this.reporter = reporter;
        this.robustnessVariable = config.robustnessVariable();
        this.queryIntervalNanos = config.queryIntervalNanos();
        this.generalResponse = timers.newTimer(name + ".general-response", this::sendCurrentState);
        this.stateChange = timers.newTimer(name + ".state-change", this::sendStateChange);
        for (CompatibilityMode m : List.of(CompatibilityMode.NO_LEAVE, CompatibilityMode.ANY_SOURCE)) {
            olderQuerierPresent[m.ordinal()] = timers.newTimer(name + ".older-querier-" + m, now -> updateMode());
        }
    }

    // ------------------------------------------------------------------ reception state

    /**
     * Sets the reception state of {@code member} (a socket) for {@code group}; {@code INCLUDE {}}
     * removes it. A change of the interface state is reported (section 5.1).
     */
    public void setMemberFilter(Object member, A group, SourceFilter<A> filter) {
        Group<A> g = groups.get(group);
        if (g == null) {
            if (filter.isEmpty()) {
                return;
            }
            g = new Group<>(group);
            groups.put(group, g);
        }
        if (filter.isEmpty()) {
            g.members.remove(member);
        } else {
            g.members.put(member, filter);
        }
        update(g);
    }

    /**
     * Tells whether the IP layer has {@code group} joined on this interface. There is no
     * reception state without it; with it and no socket filters, the state is EXCLUDE {}.
     */
    public void setIpJoined(A group, boolean joined) {
        Group<A> g = groups.get(group);
        if (g == null) {
            if (!joined) {
                return;
            }
            g = new Group<>(group);
            groups.put(group, g);
        }
        g.ipJoined = joined;
        update(g);
    }

    /** The interface state of {@code group} (INCLUDE {} if none). */
    public SourceFilter<A> state(A group) {
        Group<A> g = groups.get(group);
        return g == null ? SourceFilter.includeNone() : g.state;
    }

    /** The groups with reception state here. */
    public List<A> groups() {
        List<A> out = new ArrayList<>();
        for (Group<A> g : groups.values()) {
            if (!g.state.isEmpty()) {
                out.add(g.address);
            }
        }
        return out;
    }

    private void update(Group<A> g) {
        SourceFilter<A> next;
        if (!g.ipJoined) {
            next = SourceFilter.includeNone();
        } else if (g.members.isEmpty()) {
            next = SourceFilter.anySource();
        } else {
            next = SourceFilter.merge(g.members.values());
        }
        SourceFilter<A> previous = g.state;
        g.state = next;
        if (!next.equals(previous) && reporter.reportable(g.address)) {
            stateChanged(g, previous, next);
        }
        removeIfIdle(g);
    }

    /**
     * RFC 3376 section 5.1: a Filter-Mode-Change Record (TO_IN / TO_EX) when the mode changed,
     * otherwise Source-List-Change Records (ALLOW / BLOCK) for the sources that changed; each is
     * sent [Robustness Variable] times. A change while a mode change is still being retransmitted
     * restarts that count: the TO_IN / TO_EX record always carries the current source list.
     */
    private void stateChanged(Group<A> g, SourceFilter<A> previous, SourceFilter<A> next) {
        if (mode == CompatibilityMode.SOURCE_FILTERING) {
            if (previous.mode() != next.mode() || g.modeRetransmissions > 0) {
                g.modeRetransmissions = robustnessVariable;
                g.sourceRetransmissions.clear();
            } else {
                for (A s : symmetricDifference(previous.sources(), next.sources())) {
                    g.sourceRetransmissions.put(s, robustnessVariable);
                }
            }
        } else if (previous.isEmpty()) {
            // RFC 2236 section 3: a join sends unsolicited reports; sources mean nothing to v1/v2.
            g.modeRetransmissions = robustnessVariable;
            g.pendingLeave = false;
        } else if (next.isEmpty()) {
            g.modeRetransmissions = 0;
            g.pendingLeave = true;
            if (g.response != null) {
                g.response.cancel();
            }
        } else {
            return;
        }
        stateChange.schedule(ASAP);
    }

    private static <A> Set<A> symmetricDifference(Set<A> a, Set<A> b) {
        Set<A> out = new LinkedHashSet<>();
        for (A x : a) {
            if (!b.contains(x)) {
                out.add(x);
            }
        }
        for (A x : b) {
            if (!a.contains(x)) {
                out.add(x);
            }
        }
        return out;
    }

    /** The State-Change (re)transmission: one report with every group's pending records. */
    private void sendStateChange(long now) {
        if (mode == CompatibilityMode.SOURCE_FILTERING) {
            List<MembershipRecord<A>> records = new ArrayList<>();
            for (Group<A> g : groups.values()) {
                stateChangeRecords(g, records);
            }
            if (!records.isEmpty()) {
                reporter.sendReport(records, now);
            }
        } else {
            for (Group<A> g : groups.values()) {
                legacyStateChange(g, now);
            }
        }
        boolean more = false;
        for (Iterator<Group<A>> it = groups.values().iterator(); it.hasNext(); ) {
            Group<A> g = it.next();
            more |= g.retransmitting();
            if (idle(g)) {
                cancelResponse(g);
                it.remove();
            }
        }
        if (more) {
            stateChange.schedule(now + 1 + random.nextLong(unsolicitedReportInterval()));
        }
    }

    private void stateChangeRecords(Group<A> g, List<MembershipRecord<A>> records) {
        if (g.modeRetransmissions > 0) {
            RecordType type = g.state.mode() == FilterMode.INCLUDE
                    ? RecordType.CHANGE_TO_INCLUDE_MODE : RecordType.CHANGE_TO_EXCLUDE_MODE;
            records.add(new MembershipRecord<>(type, g.address, List.copyOf(g.state.sources())));
            g.modeRetransmissions--;
            return;
        }
        List<A> allow = new ArrayList<>();
        List<A> block = new ArrayList<>();
        for (Iterator<Map.Entry<A, Integer>> it = g.sourceRetransmissions.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<A, Integer> e = it.next();
            // Whether a changed source is now allowed or blocked follows from the current state.
            (g.state.accepts(e.getKey()) ? allow : block).add(e.getKey());
            if (e.getValue() <= 1) {
                it.remove();
            } else {
                e.setValue(e.getValue() - 1);
            }
        }
        if (!allow.isEmpty()) {
            records.add(new MembershipRecord<>(RecordType.ALLOW_NEW_SOURCES, g.address, allow));
        }
        if (!block.isEmpty()) {
            records.add(new MembershipRecord<>(RecordType.BLOCK_OLD_SOURCES, g.address, block));
        }
    }

    /** RFC 2236 section 3 and 6 (RFC 1112 for IGMPv1): unsolicited reports, then the Leave. */
    private void legacyStateChange(Group<A> g, long now) {
        if (g.pendingLeave) {
            // RFC 2236 section 6: Leave only if we sent the last report; IGMPv1 has no Leave.
            if (mode == CompatibilityMode.ANY_SOURCE && g.lastReporter) {
                reporter.sendLeave(g.address, now);
            }
            g.pendingLeave = false;
            g.lastReporter = false;
        }
        if (g.modeRetransmissions > 0) {
            reporter.sendLegacyReport(mode, g.address, now);
            g.lastReporter = true;
            g.modeRetransmissions--;
        }
    }

    private long unsolicitedReportInterval() {
        return mode == CompatibilityMode.SOURCE_FILTERING
                ? config.unsolicitedReportIntervalNanos() : config.legacyUnsolicitedReportIntervalNanos();
    }

    // ------------------------------------------------------------------ queries

    /**
     * A General Query with Max Resp Time {@code maxRespNanos}. RFC 3376 5.2 rules 1 and 2: keep
     * an earlier pending General Query response, else (re)schedule it at a random delay. In older
     * modes (RFC 2236 section 3) every group gets its own random delay.
     */
    public void generalQuery(long maxRespNanos, long now) {
        if (mode != CompatibilityMode.SOURCE_FILTERING) {
            for (Group<A> g : groups.values()) {
                if (hasState(g)) {
                    legacyQuery(g, maxRespNanos, now);
                }
            }
            return;
        }
        long at = now + delay(maxRespNanos);
        if (generalResponse.isArmed() && generalResponse.deadline() <= at) {
            return;
        }
        generalResponse.schedule(at);
    }

    /**
     * A Group-Specific ({@code sources} empty) or Group-and-Source-Specific Query (RFC 3376 5.2
     * rules 1, 3, 4 and 5).
     *
     * @return false if this interface has no reception state for {@code group} (the query is
     *         not for us)
     */
    public boolean groupQuery(A group, Collection<A> sources, long maxRespNanos, long now) {
        Group<A> g = groups.get(group);
        if (g == null || !hasState(g)) {
            return false;
        }
        if (mode != CompatibilityMode.SOURCE_FILTERING) {
            legacyQuery(g, maxRespNanos, now);
            return true;
        }
        long at = now + delay(maxRespNanos);
        if (generalResponse.isArmed() && generalResponse.deadline() <= at) {
            return true; // rule 1: the General Query response will cover it
        }
        Timer t = responseTimer(g);
        if (!t.isArmed()) {
            // Rule 3.
            g.querySources.clear();
            g.querySources.addAll(sources);
            t.schedule(at);
            return true;
        }
        if (sources.isEmpty() || g.querySources.isEmpty()) {
            g.querySources.clear(); // rule 4: answer for the whole group
        } else {
            g.querySources.addAll(sources); // rule 5
        }
        t.schedule(Math.min(t.deadline(), at));
        return true;
    }

    /**
     * RFC 2236 section 3: start the report delay timer, or reset a running one only if the Max
     * Response Time is less than its remaining value.
     */
    private void legacyQuery(Group<A> g, long maxRespNanos, long now) {
        Timer t = responseTimer(g);
        if (!t.isArmed() || t.deadline() - now > maxRespNanos) {
            t.schedule(now + delay(maxRespNanos));
        }
    }

    /**
     * Another host's IGMPv1/v2 (MLDv1) report for {@code group}: in those modes our pending report
     * is suppressed and we are no longer the last reporter (RFC 2236 section 3). IGMPv3 hosts do
     * not suppress (RFC 3376 section 5).
     */
    public void reportHeard(A group) {
        Group<A> g = groups.get(group);
        if (mode == CompatibilityMode.SOURCE_FILTERING || g == null || g.response == null || !g.response.isArmed()) {
            return;
        }
        g.response.cancel();
        g.lastReporter = false;
    }

    /** RFC 3376 5.2: uniformly random in [0, Max Resp Time]. */
    private long delay(long maxRespNanos) {
        return maxRespNanos <= 0 ? 0 : random.nextLong(maxRespNanos + 1);
    }

    private Timer responseTimer(Group<A> g) {
        if (g.response == null) {
            g.response = timers.newTimer(name + ".group-response", now -> sendGroupResponse(g, now));
        }
        return g.response;
    }

    private void cancelResponse(Group<A> g) {
        if (g.response != null) {
            g.response.cancel();
        }
        g.querySources.clear();
    }

    private boolean hasState(Group<A> g) {
        return !g.state.isEmpty() && reporter.reportable(g.address);
    }

    /** RFC 3376 5.2 "interface timer expired": one Current-State Record per group. */
    private void sendCurrentState(long now) {
        List<MembershipRecord<A>> records = new ArrayList<>();
        for (Group<A> g : groups.values()) {
            if (hasState(g)) {
                records.add(currentStateRecord(g.address, g.state, Set.of()));
            }
        }
        if (!records.isEmpty()) {
            reporter.sendReport(records, now);
        }
    }

    private void sendGroupResponse(Group<A> g, long now) {
        if (!hasState(g)) {
            g.querySources.clear();
            return;
        }
        if (mode != CompatibilityMode.SOURCE_FILTERING) {
            reporter.sendLegacyReport(mode, g.address, now);
            g.lastReporter = true;
            return;
        }
        MembershipRecord<A> r = currentStateRecord(g.address, g.state, g.querySources);
        g.querySources.clear();
        if (r != null) {
            reporter.sendReport(List.of(r), now);
        }
    }

    /**
     * RFC 3376 5.2: IS_IN(A) or IS_EX(A) for a general or group query; for a query about sources
     * B, IS_IN(A*B) in INCLUDE(A) and IS_IN(B-A) in EXCLUDE(A), or nothing if that is empty.
     */
    static <A> MembershipRecord<A> currentStateRecord(A group, SourceFilter<A> state, Set<A> querySources) {
        if (querySources.isEmpty()) {
            RecordType type = state.mode() == FilterMode.INCLUDE ? RecordType.MODE_IS_INCLUDE : RecordType.MODE_IS_EXCLUDE;
            return new MembershipRecord<>(type, group, List.copyOf(state.sources()));
        }
        List<A> wanted = new ArrayList<>();
        for (A s : querySources) {
            if (state.accepts(s)) {
                wanted.add(s);
            }
        }
        return wanted.isEmpty() ? null : new MembershipRecord<>(RecordType.MODE_IS_INCLUDE, group, wanted);
    }

    // ------------------------------------------------------------------ querier parameters and versions

    /**
     * Adopts the querier's Robustness Variable and Query Interval from a source-filtering query
     * (RFC 3376 4.1.6 and 4.1.7): zero means "use the default".
     */
    public void querierParameters(int qrv, long queryIntervalNanos) {
        this.robustnessVariable = qrv != 0 ? qrv : config.robustnessVariable();
        this.queryIntervalNanos = queryIntervalNanos != 0 ? queryIntervalNanos : config.queryIntervalNanos();
    }

    /**
     * An older-version query was heard (RFC 3376 7.2.1): the Older Version Querier Present timer
     * of that version runs for [Robustness Variable] * [Query Interval] + [Query Response
     * Interval] (section 8.12), and the compatibility mode follows the oldest running timer.
     */
    public void olderQuerierPresent(CompatibilityMode older, long maxRespNanos, long now) {
        if (older == CompatibilityMode.SOURCE_FILTERING) {
            throw new IllegalArgumentException("not an older version: " + older);
        }
        olderQuerierPresent[older.ordinal()].schedule(now + robustnessVariable * queryIntervalNanos + maxRespNanos);
        updateMode();
    }

    private void updateMode() {
        CompatibilityMode next = CompatibilityMode.SOURCE_FILTERING;
        if (olderQuerierPresent[CompatibilityMode.NO_LEAVE.ordinal()].isArmed()) {
            next = CompatibilityMode.NO_LEAVE;
        } else if (olderQuerierPresent[CompatibilityMode.ANY_SOURCE.ordinal()].isArmed()) {
            next = CompatibilityMode.ANY_SOURCE;
        }
        if (next != mode) {
            mode = next;
            cancelPending();
        }
    }

    /** RFC 3376 7.2.1: "whenever a host changes its compatibility mode, it cancels all its pending
     * response and retransmission timers". */
    private void cancelPending() {
        generalResponse.cancel();
        stateChange.cancel();
        for (Iterator<Group<A>> it = groups.values().iterator(); it.hasNext(); ) {
            Group<A> g = it.next();
            cancelResponse(g);
            g.modeRetransmissions = 0;
            g.sourceRetransmissions.clear();
            g.pendingLeave = false;
            if (idle(g)) {
                it.remove();
            }
        }
    }

    public CompatibilityMode mode() {
        return mode;
    }

    /** The [Robustness Variable] in force (learned from the querier or the default). */
    public int robustnessVariable() {
        return robustnessVariable;
    }

    /** The [Query Interval] in force, in nanoseconds. */
    public long queryIntervalNanos() {
        return queryIntervalNanos;
    }

    /** Max Resp Time fields count tenths of a second (RFC 2236 2.2, RFC 3376 4.1.1). */
    public static long decisecondsToNanos(int tenths) {
        return tenths * DECISECOND;
    }

    private static boolean idle(Group<?> g) {
        return g.state.isEmpty() && g.members.isEmpty() && !g.ipJoined && !g.retransmitting();
    }

    private void removeIfIdle(Group<A> g) {
        if (idle(g)) {
            cancelResponse(g);
            groups.remove(g.address);
        }
    }

    /** Groups tracked, including ones still retransmitting their leave (for inspection). */
    Collection<A> trackedGroups() {
        return Collections.unmodifiableSet(groups.keySet());
    }

    @Override
    public String toString() {
        return name + " " + mode + " " + groups.keySet();
    }
}
