package org.sockstack.testbed.viz;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * "Nice" axis ticks: steps of 1, 2 or 5 times a power of ten, so a reader sees 0, 50k, 100k,
 * 150k rather than 0, 47113, 94226.
 */
final class Ticks {
    private Ticks() {
    }

    /** A step near {@code range / about}, rounded to 1, 2 or 5 times a power of ten. */
    static double step(double range, int about) {
        if (!(range > 0)) {
            return 1;
        }
        double raw = range / about;
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double n = raw / magnitude;
        double nice = n < 1.5 ? 1 : n < 3 ? 2 : n < 7 ? 5 : 10;
        return nice * magnitude;
    }

    /** The smallest multiple of {@code step} at or above {@code max} (the axis end). */
    static double ceil(double max, double step) {
        return Math.ceil(max / step - 1e-9) * step;
    }

    /** Ticks from {@code min} to {@code max}, both multiples of {@code step}. */
    static List<Double> between(double min, double max, double step) {
        List<Double> ticks = new ArrayList<>();
        long first = Math.round(Math.ceil(min / step - 1e-9));
        for (long i = first; i * step <= max + step * 1e-9 && ticks.size() < 100; i++) {
            ticks.add(i * step);
        }
        return ticks;
    }

    /** A tick label: 1500, 50k, 1.5M; decimals only when the step needs them. */
    static String label(double v, double step) {
        double a = Math.abs(v);
        if (a >= 1e6 && step >= 1e5) {
            return trim(v / 1e6, step / 1e6) + "M";
        }
        if (a >= 1e4 && step >= 1e3) {
            return trim(v / 1e3, step / 1e3) + "k";
        }
        return trim(v, step);
    }

    private static String trim(double v, double step) {
        int decimals = step >= 1 ? 0 : (int) Math.min(6, Math.ceil(-Math.log10(step) - 1e-9));
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
