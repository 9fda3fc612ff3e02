package org.sockstack.spi.wsa;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * A socket address as Winsock passes it: bytes with an explicit length, starting with a 16-bit
 * address family in host (little-endian) order. Providers decode the forms they own:
 *
 * <pre>
 * sockaddr_in  (16):  family(2, LE) | port(2, BE) | addr(4)  | zero(8)
 * sockaddr_in6 (28):  family(2, LE) | port(2, BE) | flowinfo(4) | addr(16) | scope_id(4)
 * </pre>
 */
public final class SockAddr {
    public static final int SOCKADDR_IN_SIZE = 16;
    public static final int SOCKADDR_IN6_SIZE = 28;

    private final byte[] bytes;

    private SockAddr(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The first {@code length} bytes of {@code raw} (copied). */
    public static SockAddr of(byte[] raw, int length) {
        if (length < 0 || length > raw.length) {
            throw new IllegalArgumentException("bad sockaddr length " + length);
        }
        return new SockAddr(Arrays.copyOf(raw, length));
    }

    /** sockaddr_in or sockaddr_in6 for a Java socket address. */
    public static SockAddr inet(InetSocketAddress a) {
        return inet(a.getAddress(), a.getPort());
    }

    public static SockAddr inet(InetAddress address, int port) {
        byte[] addr = address.getAddress();
        byte[] b;
        if (addr.length == 4) {
            b = new byte[SOCKADDR_IN_SIZE];
            putFamily(b, Wsa.AF_INET);
            System.arraycopy(addr, 0, b, 4, 4);
        } else {
            b = new byte[SOCKADDR_IN6_SIZE];
            putFamily(b, Wsa.AF_INET6);
            System.arraycopy(addr, 0, b, 8, 16);
            if (address instanceof Inet6Address v6) {
                int scope = v6.getScopeId();
                b[24] = (byte) scope;
                b[25] = (byte) (scope >>> 8);
                b[26] = (byte) (scope >>> 16);
                b[27] = (byte) (scope >>> 24);
            }
        }
        b[2] = (byte) (port >>> 8);
        b[3] = (byte) port;
        return new SockAddr(b);
    }

    /** 0.0.0.0:0 or [::]:0 for a family; null for other families. */
    public static SockAddr any(int family) {
        try {
            return switch (family) {
                case Wsa.AF_INET -> inet(InetAddress.getByAddress(new byte[4]), 0);
                case Wsa.AF_INET6 -> inet(InetAddress.getByAddress(new byte[16]), 0);
                default -> null;
            };
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static void putFamily(byte[] b, int family) {
        b[0] = (byte) family;
        b[1] = (byte) (family >>> 8);
    }

    /** The address family, or -1 if the address is shorter than the family field. */
    public int family() {
        return bytes.length < 2 ? -1 : (bytes[0] & 0xFF) | (bytes[1] & 0xFF) << 8;
    }

    public int length() {
        return bytes.length;
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    /**
     * Decodes an AF_INET or AF_INET6 address, or null when the family is another one or the
     * length is too short for it (the provider answers WSAEFAULT or WSAEAFNOSUPPORT).
     */
    public InetSocketAddress toInet() {
        int family = family();
        int port = bytes.length >= 4 ? (bytes[2] & 0xFF) << 8 | (bytes[3] & 0xFF) : 0;
        try {
            if (family == Wsa.AF_INET && bytes.length >= SOCKADDR_IN_SIZE) {
                return new InetSocketAddress(InetAddress.getByAddress(Arrays.copyOfRange(bytes, 4, 8)), port);
            }
            if (family == Wsa.AF_INET6 && bytes.length >= SOCKADDR_IN6_SIZE) {
                int scope = (bytes[24] & 0xFF) | (bytes[25] & 0xFF) << 8 | (bytes[26] & 0xFF) << 16
                        | (bytes[27] & 0xFF) << 24;
                byte[] a = Arrays.copyOfRange(bytes, 8, 24);
                InetAddress addr = scope != 0 ? Inet6Address.getByAddress(null, a, scope) : InetAddress.getByAddress(a);
                if (addr instanceof Inet4Address) {
                    // A v4-mapped address: keep it an IPv6 socket address.
                    addr = Inet6Address.getByAddress(null, a, -1);
                }
                return new InetSocketAddress(addr, port);
            }
        } catch (UnknownHostException e) {
            return null;
        }
        return null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SockAddr s && Arrays.equals(bytes, s.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        InetSocketAddress a = toInet();
        return a != null ? a.getAddress().getHostAddress() + ":" + a.getPort() : "sockaddr(" + family() + ")";
    }
}
