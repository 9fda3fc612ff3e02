package org.sockstack.spi.provider;

import org.sockstack.spi.wsa.SockAddr;
import org.sockstack.spi.wsa.Wsa;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * The text form of IP socket addresses (WSPAddressToString / WSPStringToAddress): "a.b.c.d:port"
 * and "[v6]:port" (the port left out when 0), IPv6 in the RFC 5952 form. Only numeric text: names
 * are the namespace providers' business.
 */
public final class AddressText {
    private AddressText() {
    }

    /** The text of an AF_INET or AF_INET6 sockaddr, or null if it is neither. */
    public static String format(SockAddr address) {
        InetSocketAddress a = address.toInet();
        if (a == null) {
            return null;
        }
        String host = a.getAddress().getHostAddress();
        if (address.family() == Wsa.AF_INET6) {
            int pct = host.indexOf('%');
            String bare = compressV6(pct < 0 ? host : host.substring(0, pct)) + (pct < 0 ? "" : host.substring(pct));
            return a.getPort() != 0 ? "[" + bare + "]:" + a.getPort() : bare;
        }
        return a.getPort() != 0 ? host + ":" + a.getPort() : host;
    }

    /** RFC 5952 section 4.2: the longest run (two or more) of zero groups becomes "::". */
    static String compressV6(String full) {
        String[] g = full.split(":");
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < g.length; ) {
            if (g[i].equals("0")) {
                int j = i;
                while (j < g.length && g[j].equals("0")) {
                    j++;
                }
                if (j - i > bestLen && j - i > 1) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestStart < 0) {
            return full;
        }
        String head = String.join(":", Arrays.copyOfRange(g, 0, bestStart));
        String tail = String.join(":", Arrays.copyOfRange(g, bestStart + bestLen, g.length));
        return head + "::" + tail;
    }

    /** Parses address text of {@code family} (AF_UNSPEC: either); null if it is not valid. */
    public static SockAddr parse(String text, int family) {
        String host = text;
        int port = 0;
        try {
            if (text.startsWith("[")) {
                int close = text.indexOf(']');
                if (close < 0) {
                    return null;
                }
                host = text.substring(1, close);
                String rest = text.substring(close + 1);
                if (!rest.isEmpty()) {
                    if (!rest.startsWith(":")) {
                        return null;
                    }
                    port = Integer.parseInt(rest.substring(1));
                }
            } else if (text.indexOf(':') >= 0 && text.indexOf(':') == text.lastIndexOf(':')) {
                host = text.substring(0, text.indexOf(':'));
                port = Integer.parseInt(text.substring(text.indexOf(':') + 1));
            }
        } catch (NumberFormatException e) {
            return null;
        }
        if (port < 0 || port > 0xFFFF || !isLiteral(host)) {
            return null;
        }
        boolean v6 = host.contains(":");
        if (family == Wsa.AF_INET && v6 || family == Wsa.AF_INET6 && !v6) {
            return null;
        }
        try {
            return SockAddr.inet(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static boolean isLiteral(String host) {
        if (host.isEmpty()) {
            return false;
        }
        if (host.contains(":")) {
            return host.matches("[0-9A-Fa-f:.]+(%[0-9]+)?");
        }
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (!p.matches("[0-9]{1,3}") || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }
}
