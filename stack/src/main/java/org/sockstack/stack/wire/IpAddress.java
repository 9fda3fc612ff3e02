package org.sockstack.stack.wire;

/** An IPv4 or IPv6 address: what a socket endpoint holds. */
public sealed interface IpAddress permits Ipv4Address, Ipv6Address {

    /** 4 or 6. */
    int version();

    boolean isUnspecified();

    boolean isMulticast();

    byte[] octets();

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
