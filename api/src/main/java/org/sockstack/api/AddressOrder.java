package org.sockstack.api;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The order getaddrinfo returns addresses in: RFC 6724 section 6, rule 6 (prefer the higher
 * precedence) with the default policy table of section 2.1. Addresses of equal precedence keep
 * the order the name service gave (the sort is stable). The other rules need the source addresses
 * and routes of the stack and are not applied. With the default table ::1 comes before IPv4, and
 * global IPv6 before IPv4, as on Windows.
 *
 * <pre>
 *   Prefix        Precedence Label
 *   ::1/128               50     0
 *   ::/0                  40     1
 *   ::ffff:0:0/96         35     4
 *   2002::/16             30     2
 *   2001::/32              5     5
 *   fc00::/7               3    13
 *   ::/96                  1     3
 *   fec0::/10              1    11
 *   3ffe::/16              1    12
 * </pre>
 */
final class AddressOrder {
    private AddressOrder() {
    }

    /** The addresses sorted by falling precedence (a new list). */
    static List<InetAddress> sort(List<InetAddress> addresses) {
        List<InetAddress> out = new ArrayList<>(addresses);
        out.sort(Comparator.comparingInt(AddressOrder::precedence).reversed());
        return out;
    }

    /** The precedence of the longest matching prefix of the policy table; IPv4 as ::ffff:a.b.c.d. */
    static int precedence(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length == 4) {
            return 35;
        }
        if (isZero(b, 0, 15) && b[15] == 1) {
            return 50;                                   // ::1/128
        }
        if (isZero(b, 0, 10) && b[10] == (byte) 0xFF && b[11] == (byte) 0xFF) {
            return 35;                                   // ::ffff:0:0/96
        }
        if (isZero(b, 0, 12)) {
            return 1;                                    // ::/96 (IPv4-compatible, deprecated)
        }
        int w0 = (b[0] & 0xFF) << 8 | (b[1] & 0xFF);
        int w1 = (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
        if (w0 == 0x2002) {
            return 30;                                   // 2002::/16 (6to4)
        }
        if (w0 == 0x2001 && w1 == 0) {
            return 5;                                    // 2001::/32 (Teredo)
        }
        if ((b[0] & 0xFE) == 0xFC) {
            return 3;                                    // fc00::/7 (ULA)
        }
        if ((w0 & 0xFFC0) == 0xFEC0 || w0 == 0x3FFE) {
            return 1;                                    // fec0::/10, 3ffe::/16
        }
        return 40;                                       // ::/0
    }

    private static boolean isZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
