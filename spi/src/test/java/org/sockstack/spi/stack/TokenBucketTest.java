package org.sockstack.spi.stack;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The QoS token bucket on explicit times (RFC 2215 section 2). */
class TokenBucketTest {
    private static final long MS = 1_000_000L;

    @Test
    void fullBucketThenTokenRate() {
        TokenBucket b = new TokenBucket(1000, 500, 0, 0, 0);
        assertEquals(500, b.available(0));
        b.consume(500);
        assertEquals(0, b.available(0));
        assertEquals(1 * MS, b.nextAvailable(0), "one octet per millisecond at 1000 octets/s");
        assertEquals(100, b.available(100 * MS));
        assertEquals(500, b.available(10_000 * MS), "never more than the bucket");
    }

    @Test
    void peakBandwidthBoundsTheBurst() {
        // 1000 octets/s, bucket 4000, peak 10000 octets/s with 1000-octet SDUs.
        TokenBucket b = new TokenBucket(1000, 4000, 10_000, 1000, 0);
        assertEquals(1000, b.available(0), "a full bucket, but one SDU at a time");
        b.consume(1000);
        assertEquals(0, b.available(0));
        assertEquals(1000, b.available(100 * MS), "the peak bucket refills at 10000/s");
        b.consume(1000);
        assertEquals(1000, b.available(200 * MS));
        b.consume(1000);
        // Main bucket: 4000 - 3000 + 300 refilled = 1300; the peak bucket is full again.
        assertEquals(1000, b.available(300 * MS));
        b.consume(1000);
        assertEquals(400, b.available(400 * MS), "now the token rate rules: 300 + 100");
    }

    @Test
    void longIdleDoesNotOverflow() {
        TokenBucket b = new TokenBucket(Integer.MAX_VALUE, 1 << 20, 0, 0, 0);
        b.consume(1 << 20);
        assertEquals(1 << 20, b.available(Long.MAX_VALUE / 2));
    }
}
