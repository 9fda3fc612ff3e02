package org.sockstack.stack.tcp;

/**
 * Sequence-number arithmetic (RFC 9293 section 3.4): sequence numbers live in a 2^32 space and
 * wrap, so "a is before b" means that the signed 32-bit difference {@code a - b} is negative.
 * The same comparison serves the timestamp clock of RFC 7323 (section 5.2).
 */
final class Seq {
    private Seq() {
    }

    static boolean lt(int a, int b) {
        return a - b < 0;
    }

    static boolean le(int a, int b) {
        return a - b <= 0;
    }

    static boolean gt(int a, int b) {
        return a - b > 0;
    }

    static boolean ge(int a, int b) {
        return a - b >= 0;
    }

    /** {@code lo <= x < hi} in sequence space. */
    static boolean inRange(int x, int lo, int hi) {
        return le(lo, x) && lt(x, hi);
    }

    static int max(int a, int b) {
        return gt(a, b) ? a : b;
    }

    static int min(int a, int b) {
        return lt(a, b) ? a : b;
    }
}
