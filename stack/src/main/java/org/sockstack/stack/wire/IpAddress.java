package org.sockstack.stack.wire;

/** An IPv4 or IPv6 address: what a socket endpoint holds. */
public sealed interface IpAddress permits Ipv4Address, Ipv6Address {

    /** 4 or 6. */
    int version();

    boolean isUnspecified();

    boolean isMulticast();

    byte[] octets();

    /**
     * The upper 64 bits of the address when it is kept as two longs (hot-path tables and queues
     * store addresses that way instead of as objects): IPv6's first half, 0 for IPv4.
     */
    static long hiBits(IpAddress a) {
        return a instanceof Ipv6Address v6 ? v6.hi() : 0;
    }

    /** The lower 64 bits in the two-long form: IPv6's second half, or the IPv4 address unsigned. */
    static long loBits(IpAddress a) {
        return a instanceof Ipv6Address v6 ? v6.lo() : ((Ipv4Address) a).bits() & 0xFFFF_FFFFL;
    }

    /** The address back from its two-long form ({@link #hiBits}, {@link #loBits}). */
    static IpAddress fromBits(int version, long hi, long lo) {
        return version == 4 ? new Ipv4Address((int) lo) : new Ipv6Address(hi, lo);
    }

    /** Parses IPv4 dotted-quad or IPv6 text. */
    static IpAddress parse(String text) {
        Ipv4Address v4 = Ipv4Address.tryParse(text);
        if (v4 != null) {
            return v4;
        }
        Ipv6Address v6 = Ipv6Address.tryParse(text);
        if (v6 != null) {
            return v6;
        }
        throw new IllegalArgumentException("not an IP address: " + text);
    }
}
