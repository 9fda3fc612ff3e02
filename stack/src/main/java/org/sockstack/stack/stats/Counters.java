package org.sockstack.stack.stats;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The named counters of one stack. Protocol code looks a counter up once (at construction) and
 * keeps the {@link Counter}, so counting on the hot path is a field increment.
 *
 * <p>Names are dotted, layer first: {@code ipv4.rx.packets}, {@code ipv4.drop.bad_checksum}.
 * Every drop counter starts with {@code <layer>.drop.} followed by the reason.
 */
public final class Counters {
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    /** The counter called {@code name}, created at zero if new. */
    public Counter counter(String name) {
        return counters.computeIfAbsent(name, Counter::new);
    }

    /** The drop counter for {@code reason} at {@code layer}: {@code layer.drop.reason}. */
    public Counter drop(String layer, String reason) {
        return counter(layer + ".drop." + reason);
    }

    /** Current value of {@code name}, 0 if it was never created. */
    public long get(String name) {
        Counter c = counters.get(name);
        return c == null ? 0 : c.get();
    }

    /** A sorted copy of all values; with {@code nonZeroOnly} the zero counters are left out. */
    public Map<String, Long> snapshot(boolean nonZeroOnly) {
        Map<String, Long> sorted = new TreeMap<>();
        counters.forEach((name, c) -> {
            long v = c.get();
            if (!nonZeroOnly || v != 0) {
                sorted.put(name, v);
            }
        });
        return Collections.unmodifiableMap(new LinkedHashMap<>(sorted));
    }

    /** Sum of every {@code *.drop.*} counter. */
    public long totalDrops() {
        long sum = 0;
        for (Counter c : counters.values()) {
            if (c.name().contains(".drop.")) {
                sum += c.get();
            }
        }
        return sum;
    }

    /** The counters in {@code netstat -s} style, one {@code name value} line each, sorted. */
    public String format(boolean nonZeroOnly) {
        StringBuilder sb = new StringBuilder();
        snapshot(nonZeroOnly).forEach((name, v) -> sb.append(String.format("%-48s %d%n", name, v)));
        return sb.toString();
    }
}
