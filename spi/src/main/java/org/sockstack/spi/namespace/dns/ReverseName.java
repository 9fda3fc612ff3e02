package org.sockstack.spi.namespace.dns;

import java.util.Locale;

/**
 * Reverse-lookup names: the domain name under which DNS keeps the PTR record of an address.
 *
 * <ul>
 *   <li>IPv4 (RFC 1035 section 3.5): the four octets in decimal, lowest first, under
 *       IN-ADDR.ARPA. 192.0.2.7 is "7.2.0.192.in-addr.arpa".</li>
 *   <li>IPv6 (RFC 3596 section 2.5): the 32 nibbles in hexadecimal, lowest first, under
 *       IP6.ARPA. 2001:db8::1 is "1.0.0.0. ... .8.b.d.0.1.0.0.2.ip6.arpa".</li>
 * </ul>
 *
 * {@link #address} reads such a name back and answers null for anything else (never throws).
 */
public final class ReverseName {
    static final String IN_ADDR_ARPA = ".in-addr.arpa";
    static final String IP6_ARPA = ".ip6.arpa";

    private ReverseName() {
    }

    /** The reverse name of a 4-octet or 16-octet address (network order). */
    public static String of(byte[] address) {
        StringBuilder sb = new StringBuilder(address.length == 4 ? 29 : 73);
        if (address.length == 4) {
            for (int i = 3; i >= 0; i--) {
                sb.append(address[i] & 0xFF).append('.');
            }
            return sb.append("in-addr.arpa").toString();
        }
        if (address.length != 16) {
            throw new IllegalArgumentException("not an IPv4 or IPv6 address: " + address.length + " octets");
        }
        for (int i = 15; i >= 0; i--) {
            sb.append(Character.forDigit(address[i] & 0xF, 16)).append('.'); // low nibble first
            sb.append(Character.forDigit((address[i] >>> 4) & 0xF, 16)).append('.');
        }
        return sb.append("ip6.arpa").toString();
    }

    /** The address {@code name} is the reverse name of (4 or 16 octets), or null if it is not one. */
    public static byte[] address(String name) {
        if (name == null) {
            return null;
        }
        String n = name.toLowerCase(Locale.ROOT); // RFC 1035 section 2.3.3
        if (n.endsWith(".")) {
            n = n.substring(0, n.length() - 1);
        }
        if (n.endsWith(IN_ADDR_ARPA)) {
            return ipv4(n.substring(0, n.length() - IN_ADDR_ARPA.length()).split("\\.", -1));
        }
        if (n.endsWith(IP6_ARPA)) {
            return ipv6(n.substring(0, n.length() - IP6_ARPA.length()).split("\\.", -1));
        }
        return null;
    }

    /** Four decimal labels 0..255 (no sign, at most three digits), lowest octet first. */
    private static byte[] ipv4(String[] labels) {
        if (labels.length != 4) {
            return null; // a zone ("2.0.192.in-addr.arpa"), not an address
        }
        byte[] a = new byte[4];
        for (int i = 0; i < 4; i++) {
            String l = labels[i];
            if (l.isEmpty() || l.length() > 3) {
                return null;
            }
            int v = 0;
            for (int k = 0; k < l.length(); k++) {
                char c = l.charAt(k);
                if (c < '0' || c > '9') {
                    return null;
                }
                v = v * 10 + (c - '0');
            }
            if (v > 255) {
                return null;
            }
            a[3 - i] = (byte) v;
        }
        return a;
    }

    /** 32 one-digit hexadecimal labels, lowest nibble first (RFC 3596 section 2.5). */
    private static byte[] ipv6(String[] labels) {
        if (labels.length != 32) {
            return null;
        }
        byte[] a = new byte[16];
        for (int i = 0; i < 32; i++) {
            int nibble = labels[i].length() == 1 ? "0123456789abcdef".indexOf(labels[i].charAt(0)) : -1;
            if (nibble < 0) {
                return null;
            }
            int at = 31 - i; // nibble index from the top of the address
            a[at / 2] |= (byte) (at % 2 == 0 ? nibble << 4 : nibble);
        }
        return a;
    }
}
