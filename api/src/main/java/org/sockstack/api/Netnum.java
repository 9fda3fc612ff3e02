package org.sockstack.api;

/** Small numeric parsers of the name service. */
final class Netnum {
    private Netnum() {
    }

    /** A decimal port 0..65535 (1 to 5 digits), else -1. */
    static int port(String s) {
        if (s == null || s.isEmpty() || s.length() > 5) {
            return -1;
        }
        int v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v <= 65535 ? v : -1;
    }

    /** True if {@code s} is all decimal digits (a port number, maybe out of range). */
    static boolean digits(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
    }
}
