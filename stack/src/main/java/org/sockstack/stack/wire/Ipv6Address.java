package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv6 address as two 64-bit halves (network order: {@code hi} holds the first 8 octets).
 * Text follows RFC 5952 (lower case, longest zero run compressed).
 */
public record Ipv6Address(long hi, long lo) implements IpAddress, Comparable<Ipv6Address> {
    public static final Ipv6Address UNSPECIFIED = new Ipv6Address(0, 0);
    public static final Ipv6Address LOOPBACK = new Ipv6Address(0, 1);
    /** ff02::1, all nodes on the link. */
    public static final Ipv6Address ALL_NODES = new Ipv6Address(0xFF02_0000_0000_0000L, 1);
    /** ff02::2, all routers on the link. */
    public static final Ipv6Address ALL_ROUTERS = new Ipv6Address(0xFF02_0000_0000_0000L, 2);
    /** ff02::16, all MLDv2-capable routers (RFC 3810 section 5.2.14). */
    public static final Ipv6Address ALL_MLDV2_ROUTERS = new Ipv6Address(0xFF02_0000_0000_0000L, 0x16);

    public static Ipv6Address of(byte[] octets) {
        if (octets.length != 16) {
            throw new IllegalArgumentException("an IPv6 address has 16 octets");
        }
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = (hi << 8) | (octets[i] & 0xFF);
            lo = (lo << 8) | (octets[i + 8] & 0xFF);
        }
        return new Ipv6Address(hi, lo);
    }

    /** Parses any RFC 4291 text form (including embedded IPv4); no zone index. */
    public static Ipv6Address parse(String text) {
        Ipv6Address a = tryParse(text);
        if (a == null) {
            throw new IllegalArgumentException("bad IPv6 address: " + text);
        }
        return a;
    }

    public static Ipv6Address tryParse(String text) {
        if (text.indexOf(':') < 0 || text.indexOf('%') >= 0) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            boolean ok = ch == ':' || ch == '.' || Character.digit(ch, 16) >= 0;
            if (!ok) {
                return null;
            }
        }
        try {
            // Only literal text reaches here, so no name lookup happens.
            InetAddress a = InetAddress.getByName(text.startsWith("[") ? text : "[" + text + "]");
            byte[] b = a.getAddress();
            if (b.length == 4) {
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xFF;
                mapped[11] = (byte) 0xFF;
                System.arraycopy(b, 0, mapped, 12, 4);
                return of(mapped);
            }
            return of(b);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** The solicited-node multicast address ff02::1:ffXX:XXXX (RFC 4291 section 2.7.1). */
    public Ipv6Address solicitedNode() {
        return new Ipv6Address(0xFF02_0000_0000_0000L, 0x0000_0001_FF00_0000L | (lo & 0xFF_FFFFL));
    }

    @Override
    public int version() {
        return 6;
    }

    @Override
    public byte[] octets() {
        byte[] out = new byte[16];
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (hi >>> (56 - 8 * i));
            out[i + 8] = (byte) (lo >>> (56 - 8 * i));
        }
        return out;
    }

    public static Ipv6Address read(ByteBuf buf, int index) {
        return new Ipv6Address(buf.getLong(index), buf.getLong(index + 8));
    }

    public void write(ByteBuf buf, int index) {
        buf.setLong(index, hi);
        buf.setLong(index + 8, lo);
    }

    @Override
    public boolean isUnspecified() {
        return hi == 0 && lo == 0;
    }

    public boolean isLoopback() {
        return hi == 0 && lo == 1;
    }

    /** ff00::/8. */
    @Override
    public boolean isMulticast() {
        return (hi >>> 56) == 0xFF;
    }

    /** fe80::/10. */
    public boolean isLinkLocal() {
        return (hi >>> 54) == (0xFE80L >>> 6);
    }

    /** The multicast scope (RFC 4291 section 2.7), e.g. 2 for link-local; -1 if not multicast. */
    public int multicastScope() {
        return isMulticast() ? (int) ((hi >>> 48) & 0xF) : -1;
    }

    public boolean inPrefix(Ipv6Address prefix, int length) {
        if (length <= 64) {
            long mask = length == 0 ? 0 : -1L << (64 - length);
            return (hi & mask) == (prefix.hi & mask);
        }
        long mask = -1L << (128 - length);
        return hi == prefix.hi && (lo & mask) == (prefix.lo & mask);
    }

    @Override
    public int compareTo(Ipv6Address o) {
        int c = Long.compareUnsigned(hi, o.hi);
        return c != 0 ? c : Long.compareUnsigned(lo, o.lo);
    }

    /** RFC 5952 text: lower-case hex, no leading zeros, the longest run of two or more zero groups as "::". */
    @Override
    public String toString() {
        int[] groups = new int[8];
        for (int i = 0; i < 4; i++) {
            groups[i] = (int) (hi >>> (48 - 16 * i)) & 0xFFFF;
            groups[i + 4] = (int) (lo >>> (48 - 16 * i)) & 0xFFFF;
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = Math.max(j, i + 1);
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }

    /** Converts to the JDK type (for printing and the host provider). */
    public Inet6Address toInet6Address() {
        try {
            return Inet6Address.getByAddress(null, octets(), null);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
