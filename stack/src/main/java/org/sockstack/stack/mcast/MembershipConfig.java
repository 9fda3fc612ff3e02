package org.sockstack.stack.mcast;

import java.util.concurrent.TimeUnit;

/**
 * Timer and counter defaults of the group-membership protocols (RFC 3376 section 8, RFC 3810
 * section 9, RFC 2236 section 8).
 *
 * @param robustnessVariable              [Robustness Variable] until a querier announces one (8.1)
 * @param queryIntervalNanos              [Query Interval] until a querier announces one (8.2)
 * @param unsolicitedReportIntervalNanos  [Unsolicited Report Interval] of source-filtering
 *                                        state-change reports (RFC 3376 8.11: 1 s)
 * @param legacyUnsolicitedReportIntervalNanos the same for IGMPv1/v2 and MLDv1 reports
 *                                        (RFC 2236 8.10: 10 s)
 */
public record MembershipConfig(int robustnessVariable, long queryIntervalNanos, long unsolicitedReportIntervalNanos,
                               long legacyUnsolicitedReportIntervalNanos) {

    public static final MembershipConfig DEFAULT = new MembershipConfig(2, TimeUnit.SECONDS.toNanos(125),
            TimeUnit.SECONDS.toNanos(1), TimeUnit.SECONDS.toNanos(10));

    public MembershipConfig {
        if (robustnessVariable < 1) {
            throw new IllegalArgumentException("Robustness Variable must be at least 1");
        }
        if (queryIntervalNanos <= 0 || unsolicitedReportIntervalNanos <= 0 || legacyUnsolicitedReportIntervalNanos <= 0) {
            throw new IllegalArgumentException("intervals must be positive");
        }
    }
}
