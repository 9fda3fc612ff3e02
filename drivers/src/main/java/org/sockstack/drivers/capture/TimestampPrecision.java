package org.sockstack.drivers.capture;

/** How finely a capture file stores timestamps. */
public enum TimestampPrecision {
    MICROSECONDS(1_000_000L),
    NANOSECONDS(1_000_000_000L);

    private final long unitsPerSecond;

    TimestampPrecision(long unitsPerSecond) {
        this.unitsPerSecond = unitsPerSecond;
    }

    public long unitsPerSecond() {
        return unitsPerSecond;
    }

    /** Nanoseconds per unit: 1000 for microseconds, 1 for nanoseconds. */
    public long nanosPerUnit() {
        return 1_000_000_000L / unitsPerSecond;
    }
}
