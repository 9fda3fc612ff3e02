package org.sockstack.api;

import java.time.Duration;

/**
 * {@code struct timeval} for {@link Winsock#select}: seconds and microseconds. A null timeout
 * blocks; {@code {0, 0}} polls.
 */
public record TimeVal(long tv_sec, long tv_usec) {
    public static TimeVal ofMillis(long ms) {
        return new TimeVal(ms / 1000, (ms % 1000) * 1000);
    }

    Duration toDuration() {
        return Duration.ofSeconds(Math.max(0, tv_sec)).plusNanos(Math.max(0, tv_usec) * 1000);
    }
}
