package org.sockstack.api;

/**
 * The text forms of IP addresses for {@code inet_pton} and {@code inet_ntop}: the numeric
 * conversions ws2_32 does itself (no provider, no name service). Pure functions; the
 * {@link Winsock} methods add the Winsock return values and the thread's last error.
 *
 * <ul>
 *   <li>IPv4: dotted decimal, exactly four parts of 0..255 without leading zeros (the strict form
 *       inet_pton accepts; "1.2.3" or "01.2.3.4" are not addresses).</li>
 *   <li>IPv6: RFC 4291 section 2.2: eight groups of one to four hex digits, one "::" standing for
 *       a run of zero groups, the last 32 bits optionally as dotted decimal. No zone index
 *       ("%scope"): inet_pton takes none.</li>
 *   <li>Output: RFC 5952 section 4 (lower case, no leading zeros, the longest run of two or more
 *       zero groups, the first of equal runs, shortened to "::") and section 5 (an IPv4-mapped
 *       address ends in dotted decimal: {@code ::ffff:192.0.2.1}).</li>
 * </ul>
 */
public final class InetText {
    private InetText() {
    }

    /** The 4 bytes of a dotted-decimal IPv4 address, or null if {@code s} is not one. */
    public static byte[] parseIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            int v = decimalOctet(parts[i]);
            if (v < 0) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }

    /** 0..255 from one to three digits without a leading zero, else -1. */
    private static int decimalOctet(String p) {
        if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
            return -1;
        }
        int v = 0;
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v <= 255 ? v : -1;
    }

    /** The 16 bytes of an IPv6 address in RFC 4291 section 2.2 text, or null if {@code s} is not one. */
    public static byte[] parseIpv6(String s) {
        int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
            return null;                       // "::" may appear only once
        }
        int[] head = groups(gap < 0 ? s : s.substring(0, gap), gap < 0);
        int[] tail = gap < 0 ? new int[0] : groups(s.substring(gap + 2), true);
        if (head == null || tail == null) {
            return null;
        }
        int n = head.length + tail.length;
        if (gap < 0 ? n != 8 : n > 7) {
            return null;                       // "::" stands for at least one group
        }
        byte[] out = new byte[16];
        for (int i = 0; i < head.length; i++) {
            out[2 * i] = (byte) (head[i] >>> 8);
            out[2 * i + 1] = (byte) head[i];
        }
        for (int i = 0; i < tail.length; i++) {
            int at = 8 - tail.length + i;
            out[2 * at] = (byte) (tail[i] >>> 8);
            out[2 * at + 1] = (byte) tail[i];
        }
        return out;
    }

    /**
     * The 16-bit groups of one side of "::" (empty text: none). The last part may be dotted
     * decimal IPv4 when {@code mayEndInIpv4} (the right end of the address), giving two groups.
     */
    private static int[] groups(String side, boolean mayEndInIpv4) {
        if (side.isEmpty()) {
            return new int[0];
        }
        String[] parts = side.split(":", -1);
        boolean v4 = mayEndInIpv4 && parts[parts.length - 1].indexOf('.') >= 0;
        int[] out = new int[parts.length + (v4 ? 1 : 0)];
        for (int i = 0; i < parts.length; i++) {
            if (v4 && i == parts.length - 1) {
                byte[] a = parseIpv4(parts[i]);
                if (a == null) {
                    return null;
                }
                out[i] = (a[0] & 0xFF) << 8 | (a[1] & 0xFF);
                out[i + 1] = (a[2] & 0xFF) << 8 | (a[3] & 0xFF);
            } else {
                int g = hexGroup(parts[i]);
                if (g < 0) {
                    return null;
                }
                out[i] = g;
            }
        }
        return out;
    }

    private static int hexGroup(String p) {
        if (p.isEmpty() || p.length() > 4) {
            return -1;
        }
        int v = 0;
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            int d = c >= '0' && c <= '9' ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (d < 0) {
                return -1;
            }
            v = v << 4 | d;
        }
        return v;
    }

    /** Dotted decimal of the first 4 bytes. */
    public static String formatIpv4(byte[] a) {
        return (a[0] & 0xFF) + "." + (a[1] & 0xFF) + "." + (a[2] & 0xFF) + "." + (a[3] & 0xFF);
    }

    /** The RFC 5952 text of the first 16 bytes. */
    public static String formatIpv6(byte[] a) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = (a[2 * i] & 0xFF) << 8 | (a[2 * i + 1] & 0xFF);
        }
        // RFC 5952 section 5: ::ffff:0:0/96 (IPv4-mapped) keeps its IPv4 part in dotted decimal.
        if (g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0 && g[5] == 0xFFFF) {
            return "::ffff:" + (a[12] & 0xFF) + "." + (a[13] & 0xFF) + "." + (a[14] & 0xFF) + "." + (a[15] & 0xFF);
        }
        // RFC 5952 section 4.2.1-4.2.3: the longest run of zero groups (two or more), the first if tied.
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));   // section 4.3: lower case, 4.1: no leading zeros
        }
        return sb.toString();
    }
}
