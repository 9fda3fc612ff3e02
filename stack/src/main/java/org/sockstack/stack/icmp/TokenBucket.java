package org.sockstack.stack.icmp;

/**
 * A token bucket on the stack's clock: {@code rate} tokens per second, at most {@code burst}
 * saved. Used to rate-limit ICMP errors (RFC 1812 4.3.2.8, RFC 4443 2.4(f)).
 */
public final class TokenBucket {
    private final double ratePerNano;
    private final double burst;
    private double tokens;
    private long last;
    private boolean started;

    public TokenBucket(double ratePerSecond, int burst) {
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
    }

    /** Takes one token if available. */
    public boolean tryTake(long now) {
        if (!started) {
            started = true;
            last = now;
        }
        tokens = Math.min(burst, tokens + (now - last) * ratePerNano);
        last = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
