package org.sockstack.spi.provider;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Dual-stack sockets (IPV6_V6ONLY = 0, RFC 3493 section 3.7): an AF_INET6 socket that also
 * talks IPv4, where an IPv4 peer appears as an IPv4-mapped IPv6 address ::ffff:a.b.c.d
 * (RFC 4291 section 2.5.5.2).
 *
 * <p>The mapping happens at the provider boundary: the provider hands the backends plain IPv4
 * addresses ({@link #unmap}) when a dual-stack socket binds, connects or sends to ::ffff:a.b.c.d,
 * and the backends report IPv4 addresses of an AF_INET6 socket as mapped ones ({@link #mapped}),
 * so the application only ever sees sockaddr_in6.
 */
public final class DualStack {
    private DualStack() {
    }

    /** An IPv4-mapped IPv6 address (::ffff:0:0/96). */
    public static boolean isV4Mapped(InetSocketAddress a) {
        return a != null && a.getAddress() != null && isV4Mapped(a.getAddress().getAddress());
    }

    private static boolean isV4Mapped(byte[] b) {
        if (b.length != 16) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xFF && b[11] == (byte) 0xFF;
    }

    /** ::ffff:a.b.c.d:port becomes a.b.c.d:port; anything else is returned as it is. */
    public static InetSocketAddress unmap(InetSocketAddress a) {
        if (!isV4Mapped(a)) {
            return a;
        }
        byte[] b = a.getAddress().getAddress();
        byte[] v4 = {b[12], b[13], b[14], b[15]};
        try {
            return new InetSocketAddress(InetAddress.getByAddress(v4), a.getPort());
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * An IPv4 address as an AF_INET6 socket reports it: a.b.c.d:port becomes ::ffff:a.b.c.d:port
     * (0.0.0.0 included, as a socket bound to ::ffff:0.0.0.0 shows). IPv6 addresses and null are
     * returned as they are.
     */
    public static InetSocketAddress mapped(InetSocketAddress a) {
        if (a == null || !(a.getAddress() instanceof Inet4Address v4)) {
            return a;
        }
        byte[] b = new byte[16];
        b[10] = (byte) 0xFF;
        b[11] = (byte) 0xFF;
        System.arraycopy(v4.getAddress(), 0, b, 12, 4);
        try {
            // Inet6Address.getByAddress keeps the mapped form (InetAddress.getByAddress would
            // turn it back into an Inet4Address).
            return new InetSocketAddress(Inet6Address.getByAddress(null, b, -1), a.getPort());
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
