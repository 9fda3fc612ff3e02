package org.sockstack.stack.tcp;

/**
 * The retransmission timeout of RFC 6298: SRTT and RTTVAR from RTT samples (section 2), the
 * bounds of sections 2.4 and 2.5, and the exponential backoff of section 5.5. All in nanoseconds.
 */
final class RttEstimator {
    /** RFC 6298 section 2: K = 4, alpha = 1/8, beta = 1/4. */
    private static final int K = 4;

    private final long rtoMin;
    private final long rtoMax;
    private long srtt;
    private long rttvar;
    private long rto;
    private int backoff;
    private boolean sampled;

    RttEstimator(long rtoInitial, long rtoMin, long rtoMax) {
        this.rtoMin = rtoMin;
        this.rtoMax = rtoMax;
        this.rto = rtoInitial;
    }

    /** RFC 6298 sections 2.2 and 2.3: folds one RTT measurement {@code r} in. */
    /** The smallest sample so far (nanoseconds; Long.MAX_VALUE before the first). */
    private long minRtt = Long.MAX_VALUE;

    long minRtt() {
        return minRtt;
    }

    void sample(long r) {
        if (r <= 0) {
            r = 1;
        }
        minRtt = Math.min(minRtt, r);
        if (!sampled) {
            srtt = r;
            rttvar = r / 2;
            sampled = true;
        } else {
            // RTTVAR <- (1 - beta) * RTTVAR + beta * |SRTT - R'|; SRTT <- (1 - alpha) * SRTT + alpha * R'
            rttvar = rttvar - rttvar / 4 + Math.abs(srtt - r) / 4;
            srtt = srtt - srtt / 8 + r / 8;
        }
        // RTO <- SRTT + max(G, K*RTTVAR), G being our 1 ms timer granularity.
        rto = clamp(srtt + Math.max(1_000_000L, K * rttvar));
        backoff = 0;
    }

    /** RFC 6298 section 5.5: doubles the RTO after a retransmission timeout. */
    void backOff() {
        rto = clamp(rto * 2);
        backoff++;
    }

    /** RFC 6298 section 5.7: back to at least 3 s when data follows a retransmitted SYN. */
    void resetAfterSynTimeout(long threeSeconds) {
        if (!sampled && rto < threeSeconds) {
            rto = Math.min(threeSeconds, rtoMax);
        }
    }

    private long clamp(long v) {
        return Math.min(Math.max(v, rtoMin), rtoMax);
    }

    long rto() {
        return rto;
    }

    long srtt() {
        return srtt;
    }

    long rttvar() {
        return rttvar;
    }

    int backoffCount() {
        return backoff;
    }

    boolean hasSample() {
        return sampled;
    }
}
