package org.sockstack.api;

import org.sockstack.spi.provider.PacketInfo;
import org.sockstack.spi.provider.TransportProvider;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The packet-information control records of WSARecvMsg and WSASendMsg, laid out as 64-bit
 * Windows lays them out (ws2def.h, ws2ipdef.h):
 *
 * <pre>
 * WSACMSGHDR   cmsg_len (SIZE_T, 8) | cmsg_level (INT, 4) | cmsg_type (INT, 4) | data ...
 * IN_PKTINFO   ipi_addr (IN_ADDR, 4)   | ipi_ifindex (ULONG, 4)     level IPPROTO_IP,   type IP_PKTINFO (19)
 * IN6_PKTINFO  ipi6_addr (IN6_ADDR, 16) | ipi6_ifindex (ULONG, 4)   level IPPROTO_IPV6, type IPV6_PKTINFO (19)
 * </pre>
 *
 * <p>cmsg_len is WSA_CMSG_LEN(data) = 16 + data length (the header is already 8-aligned); a
 * record takes WSA_CMSG_SPACE(data) = 16 + data length rounded up to 8 octets (24 for IN_PKTINFO,
 * 40 for IN6_PKTINFO), and the next record starts there. Integers are little-endian, addresses in
 * network order. RFC 3542 section 6 defines the same pair (in6_pktinfo) for IPv6 sockets.
 */
final class PacketInfoControl {
    static final int CMSGHDR_SIZE = 16;
    static final int IN_PKTINFO_SIZE = 8;
    static final int IN6_PKTINFO_SIZE = 20;

    private PacketInfoControl() {
    }

    /** TYPE_ALIGNMENT(WSACMSGHDR) on 64-bit Windows: 8 octets. */
    static int align(int n) {
        return (n + 7) & ~7;
    }

    /** WSA_CMSG_SPACE: the octets a record with {@code dataLength} octets of data occupies. */
    static int space(int dataLength) {
        return align(CMSGHDR_SIZE + align(dataLength));
    }

    /** An AF_INET6 socket: only those accept level IPPROTO_IPV6 (the providers answer WSAEINVAL otherwise). */
    static boolean isIpv6(TransportProvider p, long s) {
        byte[] v = new byte[4];
        return p.getSockOpt(s, Wsa.IPPROTO_IPV6, Wsa.IPV6_V6ONLY, v, new IntRef(4), new IntRef()) == 0;
    }

    /**
     * Which record WSARecvMsg writes on this socket: 4 (IN_PKTINFO, IP_PKTINFO on an AF_INET
     * socket), 6 (IN6_PKTINFO, IPV6_PKTINFO on an AF_INET6 socket) or 0 (none). The two option
     * names share the value 19, so the family decides.
     */
    static int wanted(TransportProvider p, long s) {
        if (isIpv6(p, s)) {
            return OverlappedIo.intOption(p, s, Wsa.IPPROTO_IPV6, Wsa.IPV6_PKTINFO) != 0 ? 6 : 0;
        }
        return OverlappedIo.intOption(p, s, Wsa.IPPROTO_IP, Wsa.IP_PKTINFO) != 0 ? 4 : 0;
    }

    /**
     * Writes the IN_PKTINFO ({@code ipv6} false) or IN6_PKTINFO record of {@code info} at the
     * control buffer's position and sets {@code controlLength}. Returns 0, or MSG_CTRUNC when the
     * buffer is too small (nothing is written). A destination the provider does not know, or of
     * the other family, writes no record.
     */
    static int write(MsWsock.WsaMsg msg, PacketInfo info, boolean ipv6) {
        InetAddress a = info.address();
        if (a == null || (ipv6 ? !(a instanceof Inet6Address) : !(a instanceof Inet4Address))) {
            return 0;
        }
        int data = ipv6 ? IN6_PKTINFO_SIZE : IN_PKTINFO_SIZE;
        int need = space(data);
        if (msg.control.remaining() < need) {
            return MsWsock.MSG_CTRUNC;
        }
        ByteBuffer c = msg.control.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int at = c.position();
        for (int i = 0; i < need; i++) {
            c.put(at + i, (byte) 0);
        }
        c.putLong(at, CMSGHDR_SIZE + data);
        c.putInt(at + 8, ipv6 ? Wsa.IPPROTO_IPV6 : Wsa.IPPROTO_IP);
        c.putInt(at + 12, ipv6 ? Wsa.IPV6_PKTINFO : Wsa.IP_PKTINFO);
        byte[] octets = a.getAddress();
        c.put(at + CMSGHDR_SIZE, octets);
        c.putInt(at + CMSGHDR_SIZE + octets.length, info.ifIndex());
        msg.controlLength = need;
        return 0;
    }

    /**
     * The source a WSASendMsg control buffer asks for: the records from the buffer's position to
     * its limit. Returns the last IN_PKTINFO (IN6_PKTINFO on an AF_INET6 socket) as a
     * {@link PacketInfo}, null if there is none, or null with {@code error} set: WSAEINVAL for a
     * record that is cut short or that this socket does not take (any other level and type, or
     * the other family's packet information).
     */
    static PacketInfo parse(ByteBuffer control, boolean ipv6, IntRef error) {
        if (control == null || !control.hasRemaining()) {
            return null;
        }
        ByteBuffer c = control.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int at = c.position();
        int end = c.limit();
        PacketInfo found = null;
        while (end - at >= CMSGHDR_SIZE) {
            long len = c.getLong(at);
            int level = c.getInt(at + 8);
            int type = c.getInt(at + 12);
            int data = ipv6 ? IN6_PKTINFO_SIZE : IN_PKTINFO_SIZE;
            boolean ours = ipv6 ? level == Wsa.IPPROTO_IPV6 && type == Wsa.IPV6_PKTINFO
                    : level == Wsa.IPPROTO_IP && type == Wsa.IP_PKTINFO;
            if (!ours || len < CMSGHDR_SIZE + data || len > end - at) {
                error.value = WsaError.WSAEINVAL;
                return null;
            }
            byte[] octets = new byte[ipv6 ? 16 : 4];
            c.get(at + CMSGHDR_SIZE, octets);
            int ifIndex = c.getInt(at + CMSGHDR_SIZE + octets.length);
            found = new PacketInfo(address(octets), ifIndex);
            at += Math.min(space((int) len - CMSGHDR_SIZE), end - at);
        }
        if (at != end) {
            error.value = WsaError.WSAEINVAL;   // a trailing piece shorter than a header
            return null;
        }
        return found;
    }

    private static InetAddress address(byte[] octets) {
        try {
            return InetAddress.getByAddress(octets);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
