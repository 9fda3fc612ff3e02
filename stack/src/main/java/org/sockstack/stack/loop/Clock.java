package org.sockstack.stack.loop;

/**
 * The only source of time in the stack (DESIGN rule 3). Protocol code never reads a clock itself:
 * every entry point receives {@code now} in nanoseconds from one of these, so tests can drive time
 * by hand and simulations can run faster than real time.
 */
public interface Clock {

    /** Monotonic time in nanoseconds; only differences are meaningful. */
    long nanos();

    /** The JVM's monotonic clock. */
    static Clock system() {
        return SystemClock.INSTANCE;
    }
}
