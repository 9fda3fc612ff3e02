package org.sockstack.spi.provider;

import org.sockstack.spi.wsa.SockAddr;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The interface and address control codes, encoded as Windows lays out their structures
 * (little-endian, 64-bit), from what the backend lists ({@link NetBackend#interfaceAddresses}):
 * <ul>
 *   <li>SIO_GET_INTERFACE_LIST: an array of INTERFACE_INFO {@code {u_long iiFlags; sockaddr_gen
 *       iiAddress, iiBroadcastAddress, iiNetmask;}}, 76 octets each, a sockaddr_gen being 24
 *       octets (a sockaddr_in, or the first 24 octets of a sockaddr_in6: sockaddr_in6_old);</li>
 *   <li>SIO_ADDRESS_LIST_QUERY: SOCKET_ADDRESS_LIST {@code {INT iAddressCount; SOCKET_ADDRESS
 *       Address[];}} (the count padded to 8; each SOCKET_ADDRESS a "pointer" and a length, 16
 *       octets) followed by the sockaddrs. A pointer means nothing in Java: it holds the
 *       sockaddr's offset in the output buffer;</li>
 *   <li>SIO_ROUTING_INTERFACE_QUERY: in a sockaddr (the destination), out the sockaddr of the
 *       local address the route would use (port 0); WSAENETUNREACH without a route.</li>
 * </ul>
 * Too small an output buffer is WSAEFAULT (Windows), as is a missing one.
 */
final class InterfaceControl {
    static final int INTERFACE_INFO_SIZE = 76;
    private static final int SOCKADDR_GEN_SIZE = 24;

    /** An error (0: success) and the octets written. */
    record Result(int error, int bytes) {
        static Result fail(int error) {
            return new Result(error, 0);
        }
    }

    private InterfaceControl() {
    }

    static Result interfaceList(NetBackend backend, int af, byte[] out) {
        List<NetBackend.IfAddress> list = backend.interfaceAddresses(af);
        int need = list.size() * INTERFACE_INFO_SIZE;
        if (out == null || out.length < need) {
            return Result.fail(WsaError.WSAEFAULT);
        }
        int off = 0;
        for (NetBackend.IfAddress a : list) {
            putInt(out, off, a.flags());
            putGen(out, off + 4, a.address());
            putGen(out, off + 4 + SOCKADDR_GEN_SIZE, a.broadcast() != null ? a.broadcast() : zero(a.address()));
            putGen(out, off + 4 + 2 * SOCKADDR_GEN_SIZE, mask(a.address(), a.prefixLength()));
            off += INTERFACE_INFO_SIZE;
        }
        return new Result(0, need);
    }

    static Result addressList(NetBackend backend, int af, byte[] out) {
        List<NetBackend.IfAddress> list = backend.interfaceAddresses(af);
        int sockaddrSize = af == Wsa.AF_INET6 ? SockAddr.SOCKADDR_IN6_SIZE : SockAddr.SOCKADDR_IN_SIZE;
        int header = 8 + 16 * list.size();
        int need = header + sockaddrSize * list.size();
        if (out == null || out.length < need) {
            return Result.fail(WsaError.WSAEFAULT);
        }
        putInt(out, 0, list.size());
        for (int i = 0; i < list.size(); i++) {
            int at = header + i * sockaddrSize;
            putInt(out, 8 + 16 * i, at);             // lpSockaddr (low half): the offset
            putInt(out, 8 + 16 * i + 8, sockaddrSize); // iSockaddrLength
            byte[] sa = SockAddr.inet(list.get(i).address(), 0).bytes();
            System.arraycopy(sa, 0, out, at, Math.min(sa.length, sockaddrSize));
        }
        return new Result(0, need);
    }

    static Result routingInterface(NetBackend backend, int af, byte[] in, byte[] out) {
        if (in == null || in.length < 2) {
            return Result.fail(WsaError.WSAEFAULT);
        }
        SockAddr dst = SockAddr.of(in, in.length);
        if (dst.family() != af) {
            return Result.fail(WsaError.WSAEAFNOSUPPORT);
        }
        InetSocketAddress d = dst.toInet();
        if (d == null) {
            return Result.fail(WsaError.WSAEFAULT);
        }
        InetAddress src = backend.routeSource(d.getAddress());
        if (src == null) {
            return Result.fail(WsaError.WSAENETUNREACH);
        }
        byte[] sa = SockAddr.inet(src, 0).bytes();
        if (out == null || out.length < sa.length) {
            return Result.fail(WsaError.WSAEFAULT);
        }
        System.arraycopy(sa, 0, out, 0, sa.length);
        return new Result(0, sa.length);
    }

    private static void putGen(byte[] out, int off, InetAddress a) {
        byte[] sa = SockAddr.inet(a, 0).bytes();
        System.arraycopy(sa, 0, out, off, Math.min(sa.length, SOCKADDR_GEN_SIZE));
    }

    private static InetAddress zero(InetAddress like) {
        return Multicast.wildcard(like);
    }

    /** The netmask of a prefix length, in the address's family. */
    static InetAddress mask(InetAddress like, int prefix) {
        byte[] m = new byte[like.getAddress().length];
        for (int i = 0; i < m.length * 8 && i < prefix; i++) {
            m[i / 8] |= (byte) (0x80 >>> (i % 8));
        }
        try {
            return InetAddress.getByAddress(m);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static void putInt(byte[] v, int off, int x) {
        v[off] = (byte) x;
        v[off + 1] = (byte) (x >>> 8);
        v[off + 2] = (byte) (x >>> 16);
        v[off + 3] = (byte) (x >>> 24);
    }
}
