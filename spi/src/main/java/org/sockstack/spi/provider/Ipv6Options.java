package org.sockstack.spi.provider;

import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;


/**
 * Level IPPROTO_IPV6, the part both base providers share (so the two give the same answers).
 *
 * <p>IPV6_V6ONLY is on by default, as on Windows (RFC 3493 section 5.3 leaves the default to the
 * system; Windows chose 1). The provider itself keeps it (a socket's {@code dualStack} flag, set
 * only before bind or connect) and tells the backend; see {@link DualStack}. While it is on, an
 * IPv4-mapped address (::ffff:a.b.c.d, RFC 4291 2.5.5.2) is refused where a socket would use it:
 * bind WSAEADDRNOTAVAIL, connect and sendto WSAENETUNREACH.
 *
 * <p>IPPROTO_IPV6 options on an AF_INET socket answer WSAEINVAL (the level is not valid for the
 * socket's family). The hop-limit options and IPV6_CHECKSUM are the backend's.
 */
final class Ipv6Options {
    /** "Not handled here: ask the backend." */
    static final int TO_BACKEND = -1;

    private Ipv6Options() {
    }

    static boolean isBackendOption(boolean stream, int name) {
        if (stream) {
            return name == Wsa.IPV6_UNICAST_HOPS;
        }
        return name == Wsa.IPV6_UNICAST_HOPS || name == Wsa.IPV6_MULTICAST_HOPS || name == Wsa.IPV6_MULTICAST_LOOP
                || name == Wsa.IPV6_CHECKSUM;
    }

    /** setsockopt at level IPPROTO_IPV6: 0, a WSA code, or {@link #TO_BACKEND}. */
    static int set(int family, int name, int value) {
        if (family != Wsa.AF_INET6) {
            return WsaError.WSAEINVAL;
        }
        if (name == Wsa.IPV6_V6ONLY) {
            return 0; // validated only: BaseTransportProvider.setV6Only keeps it
        }
        if ((name == Wsa.IPV6_UNICAST_HOPS || name == Wsa.IPV6_MULTICAST_HOPS) && (value < -1 || value > 255)) {
            // RFC 3493 5.1 / RFC 3542 6.3: -1 means "the default", 0..255 a hop limit.
            return WsaError.WSAEINVAL;
        }
        return TO_BACKEND;
    }

    /** getsockopt at level IPPROTO_IPV6: 0 with {@code out} set, a WSA code, or {@link #TO_BACKEND}. */
    static int get(int family, int name, IntRef out) {
        if (family != Wsa.AF_INET6) {
            return WsaError.WSAEINVAL;
        }
        if (name == Wsa.IPV6_V6ONLY) {
            out.value = 1; // the default; BaseTransportProvider answers the socket's own value
            return 0;
        }
        return TO_BACKEND;
    }
}
