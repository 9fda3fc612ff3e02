package org.sockstack.testbed.sim;

import java.time.Duration;
import java.util.Locale;

/**
 * Parses the quantities a scenario is written in, the way network people write them:
 * rates {@code 10M}, {@code 1.5Gbit}, {@code 64k} (bits per second, SI prefixes), sizes
 * {@code 1M}, {@code 64KiB}, {@code 1500} (octets; k/M/G are powers of 1000, Ki/Mi/Gi powers
 * of 1024), times {@code 10ms}, {@code 1.5s}, {@code 250us} and probabilities {@code 0.01} or
 * {@code 1%}. Bad text is an {@link IllegalArgumentException} whose message names it.
 */
public final class Units {
    private Units() {
    }

    /** A bit rate in bits per second: {@code 10M}, {@code 10Mbit}, {@code 1G}, {@code 500k}, {@code 9600}. */
    public static long rate(String text) {
        String t = strip(text, "bit/s", "bps", "bit");
        return Math.round(number(t, text, "rate") * multiplier(t, text, "rate", false));
    }

    /** A size in octets: {@code 1500}, {@code 64k}, {@code 1M}, {@code 64KiB}, {@code 2MB}. */
    public static long size(String text) {
        String t = strip(text, "B");
        return Math.round(number(t, text, "size") * multiplier(t, text, "size", true));
    }

    /** A time: {@code 10ms}, {@code 1.5s}, {@code 250us}, {@code 100ns}. */
    public static Duration time(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        String[] units = {"ms", "us", "ns", "s"};
        long[] scales = {1_000_000L, 1_000L, 1L, 1_000_000_000L};
        for (int i = 0; i < units.length; i++) {
            if (t.endsWith(units[i])) {
                double v = parse(t.substring(0, t.length() - units[i].length()), text, "time");
                if (v < 0) {
                    throw new IllegalArgumentException("time must not be negative: " + text);
                }
                return Duration.ofNanos(Math.round(v * scales[i]));
            }
        }
        throw new IllegalArgumentException("not a time (say 10ms, 1s, 250us): " + text);
    }

    /** A probability in [0, 1]: {@code 0.01} or {@code 1%}. */
    public static double probability(String text) {
        String t = text.trim();
        double p = t.endsWith("%") ? parse(t.substring(0, t.length() - 1), text, "probability") / 100
                : parse(t, text, "probability");
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("probability must be between 0 and 1 (or 0% and 100%): " + text);
        }
        return p;
    }

    /** Text for a rate, e.g. {@code 10 Mbit/s}. */
    public static String formatRate(double bitsPerSecond) {
        if (bitsPerSecond >= 1e9) {
            return trim(bitsPerSecond / 1e9) + " Gbit/s";
        }
        if (bitsPerSecond >= 1e6) {
            return trim(bitsPerSecond / 1e6) + " Mbit/s";
        }
        if (bitsPerSecond >= 1e3) {
            return trim(bitsPerSecond / 1e3) + " kbit/s";
        }
        return trim(bitsPerSecond) + " bit/s";
    }

    /** Text for a probability as a percentage, e.g. {@code 1%}. */
    public static String formatProbability(double p) {
        return trim(p * 100) + "%";
    }

    /** Text for a time, e.g. {@code 10 ms}. */
    public static String formatTime(Duration d) {
        long n = d.toNanos();
        if (n >= 1_000_000_000L) {
            return trim(n / 1e9) + " s";
        }
        if (n >= 1_000_000L || n == 0) {
            return trim(n / 1e6) + " ms";
        }
        return trim(n / 1e3) + " us";
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.3f", v);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    private static String strip(String text, String... suffixes) {
        String t = text.trim();
        for (String s : suffixes) {
            if (t.endsWith(s) && t.length() > s.length()) {
                return t.substring(0, t.length() - s.length());
            }
        }
        return t;
    }

    /** The number before the unit prefix. */
    private static double number(String t, String original, String what) {
        int end = t.length();
        while (end > 0 && Character.isLetter(t.charAt(end - 1))) {
            end--;
        }
        double v = parse(t.substring(0, end), original, what);
        if (v < 0) {
            throw new IllegalArgumentException(what + " must not be negative: " + original);
        }
        return v;
    }

    private static double multiplier(String t, String original, String what, boolean binaryAllowed) {
        int end = t.length();
        int start = end;
        while (start > 0 && Character.isLetter(t.charAt(start - 1))) {
            start--;
        }
        String prefix = t.substring(start, end);
        return switch (prefix) {
            case "" -> 1;
            case "k", "K" -> 1e3;
            case "M" -> 1e6;
            case "G" -> 1e9;
            case "Ki" -> binary(1L << 10, binaryAllowed, original, what);
            case "Mi" -> binary(1L << 20, binaryAllowed, original, what);
            case "Gi" -> binary(1L << 30, binaryAllowed, original, what);
            default -> throw new IllegalArgumentException("unknown unit in " + what + ": " + original);
        };
    }

    private static double binary(long m, boolean allowed, String original, String what) {
        if (!allowed) {
            throw new IllegalArgumentException("unknown unit in " + what + ": " + original);
        }
        return m;
    }

    private static double parse(String number, String original, String what) {
        try {
            double v = Double.parseDouble(number);
            if (!Double.isFinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a " + what + ": " + original);
        }
    }
}
