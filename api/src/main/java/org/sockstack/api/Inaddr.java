package org.sockstack.api;

/**
 * The Winsock 1 address text functions inet_addr and inet_ntoa. An IPv4 address here is an
 * {@code in_addr} as C holds it: an int in network byte order on a little-endian host, so the
 * first octet is the low byte ({@code inet_addr("1.2.3.4") == htonl(0x01020304)}).
 */
final class Inaddr {
    /** INADDR_NONE: inet_addr's answer for text that is not an address (also 255.255.255.255). */
    static final int INADDR_NONE = 0xFFFFFFFF;

    private Inaddr() {
    }

    /**
     * inet_addr: the BSD forms a.b.c.d (four 8-bit parts), a.b.c (8, 8, 16 bits), a.b (8, 24)
     * and a (32), each part decimal, octal (leading 0) or hex (leading 0x); trailing white space
     * is allowed. Null, empty, all spaces or anything else: INADDR_NONE.
     */
    static int inetAddr(String cp) {
        if (cp == null) {
            return INADDR_NONE;
        }
        long[] parts = new long[4];
        int n = 0;
        int i = 0;
        int len = cp.length();
        while (true) {
            if (n == 4 || i >= len || !isDigit(cp.charAt(i))) {
                return INADDR_NONE;
            }
            int base = 10;
            if (cp.charAt(i) == '0') {
                base = 8;
                i++;
                if (i < len && (cp.charAt(i) == 'x' || cp.charAt(i) == 'X')) {
                    base = 16;
                    i++;
                }
            }
            long v = 0;
            while (i < len && digit(cp.charAt(i), base) >= 0) {
                v = v * base + digit(cp.charAt(i), base);
                if (v > 0xFFFFFFFFL) {
                    return INADDR_NONE;
                }
                i++;
            }
            parts[n++] = v;
            if (i < len && cp.charAt(i) == '.') {
                i++;
                continue;
            }
            break;
        }
        for (; i < len; i++) {
            if (!Character.isWhitespace(cp.charAt(i))) {
                return INADDR_NONE;
            }
        }
        long host = combine(parts, n);
        return host < 0 ? INADDR_NONE : Integer.reverseBytes((int) host);
    }

    /** The host-order value of {@code n} parts, or -1 when a part exceeds its width. */
    private static long combine(long[] p, int n) {
        for (int k = 0; k < n - 1; k++) {
            if (p[k] > 0xFF) {
                return -1;
            }
        }
        long last = p[n - 1];
        long lastMax = 0xFFFFFFFFL >>> (8 * (n - 1));
        if (last > lastMax) {
            return -1;
        }
        long v = 0;
        for (int k = 0; k < n - 1; k++) {
            v |= p[k] << (24 - 8 * k);
        }
        return v | last;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int digit(char c, int base) {
        int d;
        if (c >= '0' && c <= '9') {
            d = c - '0';
        } else if (c >= 'a' && c <= 'f') {
            d = c - 'a' + 10;
        } else if (c >= 'A' && c <= 'F') {
            d = c - 'A' + 10;
        } else {
            return -1;
        }
        return d < base ? d : -1;
    }

    /** inet_ntoa: dotted decimal of an in_addr in network byte order. */
    static String inetNtoa(int in) {
        return (in & 0xFF) + "." + (in >>> 8 & 0xFF) + "." + (in >>> 16 & 0xFF) + "." + (in >>> 24 & 0xFF);
    }
}
