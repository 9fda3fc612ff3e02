package org.sockstack.spi.stack;

/**
 * The token bucket of a QoS sending flow specification (RFC 2215 section 2 "token bucket";
 * Winsock FLOWSPEC TokenRate, TokenBucketSize, PeakBandwidth): octets may be sent while tokens
 * remain; tokens come back at TokenRate octets per second up to TokenBucketSize. A second bucket
 * of one maximum SDU refilled at PeakBandwidth bounds how fast a full bucket may be emptied.
 * Time is passed in (nanoseconds from the stack's clock, DESIGN rule 3), so tests are exact.
 */
final class TokenBucket {
    private static final long NANOS = 1_000_000_000L;

    private final long rate;
    private final long depth;
    private final long peakRate;
    private final long peakDepth;
    /** Tokens times 1e9 (octet-nanoseconds per second), to refill without rounding. */
    private long tokens;
    private long peakTokens;
    private long last;

    /**
     * @param rate      TokenRate, octets per second (> 0)
     * @param depth     TokenBucketSize, octets (> 0)
     * @param peakRate  PeakBandwidth, octets per second, or 0 for no peak limit
     * @param peakDepth the peak bucket's size (the largest SDU), octets
     * @param now       the clock now: both buckets start full
     */
    TokenBucket(long rate, long depth, long peakRate, long peakDepth, long now) {
        this.rate = rate;
        this.depth = depth;
        this.peakRate = peakRate;
        this.peakDepth = peakDepth;
        this.tokens = depth * NANOS;
        this.peakTokens = peakDepth * NANOS;
        this.last = now;
    }

    private static long refill(long scaled, long rate, long size, long elapsed) {
        long cap = size * NANOS;
        if (elapsed <= 0) {
            return scaled;
        }
        // rate * elapsed may overflow for long idle times: a full bucket is full.
        if (elapsed >= (cap - scaled) / rate + 1) {
            return cap;
        }
        return Math.min(cap, scaled + rate * elapsed);
    }

    private void advance(long now) {
        long elapsed = now - last;
        if (elapsed > 0) {
            tokens = refill(tokens, rate, depth, elapsed);
            if (peakRate > 0) {
                peakTokens = refill(peakTokens, peakRate, peakDepth, elapsed);
            }
            last = now;
        }
    }

    /** Octets that may be sent at {@code now}. */
    long available(long now) {
        advance(now);
        long n = tokens / NANOS;
        return peakRate > 0 ? Math.min(n, peakTokens / NANOS) : n;
    }

    /** Spends {@code octets} tokens (no more than {@link #available}). */
    void consume(long octets) {
        tokens -= octets * NANOS;
        if (peakRate > 0) {
            peakTokens -= octets * NANOS;
        }
    }

    /** When one octet will be available again (the time of the next wake-up). */
    long nextAvailable(long now) {
        advance(now);
        long wait = Math.max(0, (NANOS - tokens + rate - 1) / rate);
        if (peakRate > 0) {
            wait = Math.max(wait, (NANOS - peakTokens + peakRate - 1) / peakRate);
        }
        return now + wait;
    }
}
