package org.sockstack.stack.wire;

/**
 * IP protocol numbers: the IPv4 Protocol field and the IPv6 Next Header field share one IANA
 * registry ("Assigned Internet Protocol Numbers", RFC 5237).
 */
public final class IpProtocol {
    /** IPv6 Hop-by-Hop Options (RFC 8200 section 4.3). */
    public static final int HOP_BY_HOP = 0;
    public static final int ICMP = 1;
    public static final int IGMP = 2;
    public static final int TCP = 6;
    public static final int UDP = 17;
    /** Routing Header for IPv6 (RFC 8200 section 4.4). */
    public static final int IPV6_ROUTING = 43;
    /** Fragment Header for IPv6 (RFC 8200 section 4.5). */
    public static final int IPV6_FRAGMENT = 44;
    /** Encapsulating Security Payload (RFC 4303). */
    public static final int ESP = 50;
    /** Authentication Header (RFC 4302). */
    public static final int AH = 51;
    /** ICMP for IPv6 (RFC 4443). */
    public static final int ICMPV6 = 58;
    /** No Next Header for IPv6 (RFC 8200 section 4.7). */
    public static final int IPV6_NO_NEXT_HEADER = 59;
    /** Destination Options for IPv6 (RFC 8200 section 4.6). */
    public static final int IPV6_DEST_OPTIONS = 60;
    /** Mobility Header (RFC 6275). */
    public static final int MOBILITY = 135;
    /** Host Identity Protocol (RFC 7401). */
    public static final int HIP = 139;
    /** Shim6 (RFC 5533). */
    public static final int SHIM6 = 140;

    private IpProtocol() {
    }

    /**
     * True for the values IANA lists as IPv6 extension headers (RFC 7045 section 2,
     * "IPv6 Extension Header Types" registry): a packet parser must step over these to find the
     * upper-layer header.
     */
    public static boolean isIpv6ExtensionHeader(int nextHeader) {
        return switch (nextHeader) {
            case HOP_BY_HOP, IPV6_ROUTING, IPV6_FRAGMENT, ESP, AH, IPV6_DEST_OPTIONS, MOBILITY, HIP, SHIM6 -> true;
            default -> false;
        };
    }

    /** The IANA keyword, e.g. {@code "UDP"} or {@code "IPv6-Frag"}; the number for others. */
    public static String name(int protocol) {
        return switch (protocol) {
            case HOP_BY_HOP -> "HOPOPT";
            case ICMP -> "ICMP";
            case IGMP -> "IGMP";
            case TCP -> "TCP";
            case UDP -> "UDP";
            case IPV6_ROUTING -> "IPv6-Route";
            case IPV6_FRAGMENT -> "IPv6-Frag";
            case ESP -> "ESP";
            case AH -> "AH";
            case ICMPV6 -> "IPv6-ICMP";
            case IPV6_NO_NEXT_HEADER -> "IPv6-NoNxt";
            case IPV6_DEST_OPTIONS -> "IPv6-Opts";
            case MOBILITY -> "Mobility";
            case HIP -> "HIP";
            case SHIM6 -> "Shim6";
            default -> "proto-" + protocol;
        };
    }
}
