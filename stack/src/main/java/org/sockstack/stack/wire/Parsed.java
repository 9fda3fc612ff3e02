package org.sockstack.stack.wire;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The outcome of a record's {@code parse}: the record, or the {@link WireError} that rejected the
 * input. Failures are shared constants, so a rejected packet allocates nothing.
 *
 * @param <R> the record type
 */
public final class Parsed<R> {
    private static final Map<WireError, Parsed<?>> FAILURES = new EnumMap<>(WireError.class);

    static {
        for (WireError e : WireError.values()) {
            if (e != WireError.OK) {
                FAILURES.put(e, new Parsed<>(null, e));
            }
        }
    }

    private final R value;
    private final WireError error;

    private Parsed(R value, WireError error) {
        this.value = value;
        this.error = error;
    }

    public static <R> Parsed<R> ok(R value) {
        return new Parsed<>(Objects.requireNonNull(value), WireError.OK);
    }

    @SuppressWarnings("unchecked")
    public static <R> Parsed<R> fail(WireError error) {
        if (error == WireError.OK) {
            throw new IllegalArgumentException("a failure needs a reason");
        }
        return (Parsed<R>) FAILURES.get(error);
    }

    public boolean ok() {
        return error == WireError.OK;
    }

    public WireError error() {
        return error;
    }

    /** The record; only call when {@link #ok()}. */
    public R value() {
        if (value == null) {
            throw new IllegalStateException("parse failed: " + error);
        }
        return value;
    }

    @Override
    public String toString() {
        return ok() ? "Parsed[" + value + "]" : "Parsed[" + error + "]";
    }
}
