package org.sockstack.stack.wire;

/**
 * An IPv4 address. Views and hot-path code carry addresses as an {@code int} (network order,
 * most significant octet first); this is the readable form.
 */
public record Ipv4Address(int bits) implements IpAddress, Comparable<Ipv4Address> {
    public static final Ipv4Address ANY = new Ipv4Address(0);
    public static final Ipv4Address BROADCAST = new Ipv4Address(0xFFFF_FFFF);

    public static Ipv4Address of(int a, int b, int c, int d) {
        return new Ipv4Address((a & 0xFF) << 24 | (b & 0xFF) << 16 | (c & 0xFF) << 8 | (d & 0xFF));
    }

    public static Ipv4Address of(byte[] octets) {
        if (octets.length != 4) {
            throw new IllegalArgumentException("an IPv4 address has 4 octets");
        }
        return of(octets[0], octets[1], octets[2], octets[3]);
    }

    /** Parses dotted-quad text strictly: four decimal octets 0-255, no leading zeros beyond "0". */
    public static Ipv4Address parse(String text) {
        Ipv4Address a = tryParse(text);
        if (a == null) {
            throw new IllegalArgumentException("bad IPv4 address: " + text);
        }
        return a;
    }

    /** Like {@link #parse} but returns null for text that is not an IPv4 address. */
    public static Ipv4Address tryParse(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        int v = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
                return null;
            }
            int octet = 0;
            for (int i = 0; i < p.length(); i++) {
                char ch = p.charAt(i);
                if (ch < '0' || ch > '9') {
                    return null;
                }
                octet = octet * 10 + (ch - '0');
            }
            if (octet > 255) {
                return null;
            }
            v = (v << 8) | octet;
        }
        return new Ipv4Address(v);
    }

    @Override
    public int version() {
        return 4;
    }

    @Override
    public byte[] octets() {
        return new byte[] {(byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits};
    }

    /** 224.0.0.0/4 (RFC 5771). */
    @Override
    public boolean isMulticast() {
        return (bits & 0xF000_0000) == 0xE000_0000;
    }

    public boolean isBroadcast() {
        return bits == 0xFFFF_FFFF;
    }

    @Override
    public boolean isUnspecified() {
        return bits == 0;
    }

    /** 127.0.0.0/8 (RFC 1122 3.2.1.3). */
    public boolean isLoopback() {
        return (bits >>> 24) == 127;
    }

    /** True if this address lies in {@code prefix/length}. */
    public boolean inPrefix(Ipv4Address prefix, int length) {
        int mask = length == 0 ? 0 : -1 << (32 - length);
        return (bits & mask) == (prefix.bits & mask);
    }

    @Override
    public int compareTo(Ipv4Address o) {
        return Integer.compareUnsigned(bits, o.bits);
    }

    @Override
    public String toString() {
        return (bits >>> 24) + "." + ((bits >>> 16) & 0xFF) + "." + ((bits >>> 8) & 0xFF) + "." + (bits & 0xFF);
    }
}
