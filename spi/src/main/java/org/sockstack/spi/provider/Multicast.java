package org.sockstack.spi.provider;

import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A datagram socket's multicast options, the part both base providers share: the structures
 * (ip_mreq, ip_mreq_source, ipv6_mreq, the interface options) are decoded here and the RFC 3678
 * "delta-based" calls (section 4.1: join, leave, add/drop a source, block/unblock a source) are
 * turned into whole filter states (section 4.2) that the backend applies with
 * {@link NetDatagramSocket#setSourceFilter}. Keeping the state here gives both providers the
 * same errors:
 * <ul>
 *   <li>a structure shorter than its C size: WSAEFAULT; a group that is not multicast or a
 *       multicast/wildcard source: WSAEINVAL; an IPv4 option on an IPv6 socket (or the reverse):
 *       WSAEINVAL; any of them on a stream socket: WSAENOPROTOOPT;</li>
 *   <li>joining a group twice on one interface: WSAEADDRINUSE (as the stack's UDP and BSD
 *       systems answer; unverified on Windows);</li>
 *   <li>leaving, dropping or unblocking what is not there: WSAEADDRNOTAVAIL;</li>
 *   <li>mixing the modes (a source added to an any-source join, a source blocked in a
 *       source-specific join, a block without a join): WSAEINVAL (RFC 3678 4.1.3).</li>
 * </ul>
 * In an {@code ip_mreq} the interface is an address; 0.0.0.x (x != 0) names an interface index,
 * as Windows allows; INADDR_ANY lets the backend choose.
 */
final class Multicast {
    /** One membership: a group on an interface (an IPv4 address or an IPv6 interface index). */
    private record Key(InetAddress group, InetAddress iface, int ifIndex) { }

    /** The socket's filter for one membership: INCLUDE or EXCLUDE a set of sources. */
    private record State(boolean include, Set<InetAddress> sources) { }

    private final Map<Key, State> groups = new HashMap<>();
    /** IP_MULTICAST_IF as set (network order octets), and IPV6_MULTICAST_IF. */
    private byte[] ifV4 = new byte[4];
    private int ifV6;

    static boolean handles(int level, int name) {
        return level == Wsa.IPPROTO_IP && (name == Wsa.IP_ADD_MEMBERSHIP || name == Wsa.IP_DROP_MEMBERSHIP
                || name == Wsa.IP_ADD_SOURCE_MEMBERSHIP || name == Wsa.IP_DROP_SOURCE_MEMBERSHIP
                || name == Wsa.IP_BLOCK_SOURCE || name == Wsa.IP_UNBLOCK_SOURCE || name == Wsa.IP_MULTICAST_IF)
                || level == Wsa.IPPROTO_IPV6 && (name == Wsa.IPV6_ADD_MEMBERSHIP || name == Wsa.IPV6_DROP_MEMBERSHIP
                || name == Wsa.IPV6_MULTICAST_IF);
    }

    /** setsockopt for one of {@link #handles}'s options: 0 or a WSA code. */
    synchronized int set(NetSocket net, int af, int level, int name, byte[] v, int len) {
        if (!(net instanceof NetDatagramSocket d)) {
            return WsaError.WSAENOPROTOOPT;
        }
        if (level == Wsa.IPPROTO_IP && af != Wsa.AF_INET || level == Wsa.IPPROTO_IPV6 && af != Wsa.AF_INET6) {
            return WsaError.WSAEINVAL;
        }
        if (name == Wsa.IP_MULTICAST_IF && level == Wsa.IPPROTO_IP) {
            if (len < 4) {
                return WsaError.WSAEFAULT;
            }
            byte[] a = java.util.Arrays.copyOf(v, 4);
            int e = d.setMulticastInterface(ifaceAddress(a), ifaceIndex(a));
            if (e == 0) {
                ifV4 = a;
            }
            return e;
        }
        if (name == Wsa.IPV6_MULTICAST_IF && level == Wsa.IPPROTO_IPV6) {
            if (len < 4) {
                return WsaError.WSAEFAULT;
            }
            int index = le32(v, 0);
            int e = d.setMulticastInterface(null, index);
            if (e == 0) {
                ifV6 = index;
            }
            return e;
        }
        Key key;
        InetAddress source = null;
        if (level == Wsa.IPPROTO_IPV6) {
            // ipv6_mreq { IN6_ADDR ipv6mr_multiaddr; ULONG ipv6mr_interface; }
            if (len < 20) {
                return WsaError.WSAEFAULT;
            }
            key = new Key(address(v, 0, 16), null, le32(v, 16));
        } else if (name == Wsa.IP_ADD_MEMBERSHIP || name == Wsa.IP_DROP_MEMBERSHIP) {
            // ip_mreq { IN_ADDR imr_multiaddr; IN_ADDR imr_interface; }
            if (len < 8) {
                return WsaError.WSAEFAULT;
            }
            byte[] i = java.util.Arrays.copyOfRange(v, 4, 8);
            key = new Key(address(v, 0, 4), ifaceAddress(i), ifaceIndex(i));
        } else {
            // ip_mreq_source { IN_ADDR imr_multiaddr; IN_ADDR imr_sourceaddr; IN_ADDR imr_interface; }
            if (len < 12) {
                return WsaError.WSAEFAULT;
            }
            byte[] i = java.util.Arrays.copyOfRange(v, 8, 12);
            key = new Key(address(v, 0, 4), ifaceAddress(i), ifaceIndex(i));
            source = address(v, 4, 4);
            if (source.isMulticastAddress() || source.isAnyLocalAddress()) {
                return WsaError.WSAEINVAL;
            }
        }
        if (!key.group.isMulticastAddress()) {
            return WsaError.WSAEINVAL;
        }
        return apply(d, key, next(name, groups.get(key), source));
    }

    /**
     * WSAJoinLeaf's receiving half: an any-source join of {@code group} on the interface
     * IP_MULTICAST_IF / IPV6_MULTICAST_IF names (the default one if unset).
     */
    synchronized int joinLeaf(NetSocket net, InetAddress group) {
        if (!(net instanceof NetDatagramSocket d)) {
            return WsaError.WSAEOPNOTSUPP;
        }
        if (!group.isMulticastAddress()) {
            return WsaError.WSAEINVAL;
        }
        Key key = group instanceof Inet6Address ? new Key(group, null, ifV6)
                : new Key(group, ifaceAddress(ifV4), ifaceIndex(ifV4));
        return apply(d, key, next(Wsa.IP_ADD_MEMBERSHIP, groups.get(key), null));
    }

    /** Error values of {@link #next}: a plain WSA code in {@code error}. */
    private record Step(State state, int error) { }

    /** The RFC 3678 4.1 delta call {@code name} applied to the current state {@code now}. */
    private static Step next(int name, State now, InetAddress source) {
        switch (name) {
            case Wsa.IP_ADD_MEMBERSHIP -> { // = IPV6_ADD_MEMBERSHIP
                return now != null ? new Step(null, WsaError.WSAEADDRINUSE) : new Step(new State(false, Set.of()), 0);
            }
            case Wsa.IP_DROP_MEMBERSHIP -> { // = IPV6_DROP_MEMBERSHIP
                return now == null ? new Step(null, WsaError.WSAEADDRNOTAVAIL) : new Step(new State(true, Set.of()), 0);
            }
            case Wsa.IP_ADD_SOURCE_MEMBERSHIP -> {
                if (now == null) {
                    return new Step(new State(true, Set.of(source)), 0);
                }
                return now.include ? new Step(with(now, source, true), 0) : new Step(null, WsaError.WSAEINVAL);
            }
            case Wsa.IP_DROP_SOURCE_MEMBERSHIP -> {
                if (now == null || now.include && !now.sources.contains(source)) {
                    return new Step(null, WsaError.WSAEADDRNOTAVAIL);
                }
                return now.include ? new Step(with(now, source, false), 0) : new Step(null, WsaError.WSAEINVAL);
            }
            case Wsa.IP_BLOCK_SOURCE -> {
                return now == null || now.include ? new Step(null, WsaError.WSAEINVAL) : new Step(with(now, source, true), 0);
            }
            default -> { // IP_UNBLOCK_SOURCE
                if (now == null || !now.include && !now.sources.contains(source)) {
                    return new Step(null, WsaError.WSAEADDRNOTAVAIL);
                }
                return now.include ? new Step(null, WsaError.WSAEINVAL) : new Step(with(now, source, false), 0);
            }
        }
    }

    private static State with(State s, InetAddress source, boolean add) {
        Set<InetAddress> n = new LinkedHashSet<>(s.sources);
        if (add) {
            n.add(source);
        } else {
            n.remove(source);
        }
        return new State(s.include, Set.copyOf(n));
    }

    /** Gives the backend the new state; remembered only if it took it. INCLUDE {} forgets the group. */
    private int apply(NetDatagramSocket d, Key key, Step step) {
        if (step.error != 0) {
            return step.error;
        }
        State s = step.state;
        int e = d.setSourceFilter(key.group, key.iface, key.ifIndex, s.include, s.sources);
        if (e != 0) {
            return e;
        }
        if (s.include && s.sources.isEmpty()) {
            groups.remove(key);
        } else {
            groups.put(key, s);
        }
        return 0;
    }

    /** getsockopt: the interface options give what was set; the membership calls are write-only. */
    synchronized int get(int af, int level, int name, IntRef out) {
        if (level == Wsa.IPPROTO_IP && af != Wsa.AF_INET || level == Wsa.IPPROTO_IPV6 && af != Wsa.AF_INET6) {
            return WsaError.WSAEINVAL;
        }
        if (level == Wsa.IPPROTO_IP && name == Wsa.IP_MULTICAST_IF) {
            // The octets as they lie in memory, read as a little-endian DWORD.
            out.value = le32(ifV4, 0);
            return 0;
        }
        if (level == Wsa.IPPROTO_IPV6 && name == Wsa.IPV6_MULTICAST_IF) {
            out.value = ifV6;
            return 0;
        }
        return WsaError.WSAENOPROTOOPT;
    }

    /** An interface address of an ip_mreq, or null for INADDR_ANY and the 0.0.0.x index form. */
    private static InetAddress ifaceAddress(byte[] a) {
        return a[0] == 0 ? null : address(a, 0, 4);
    }

    /** The index of the 0.0.0.x form (Windows: imr_interface may carry an interface index), else 0. */
    private static int ifaceIndex(byte[] a) {
        return a[0] == 0 ? (a[1] & 0xFF) << 16 | (a[2] & 0xFF) << 8 | (a[3] & 0xFF) : 0;
    }

    /** The wildcard address of {@code a}'s family. */
    static InetAddress wildcard(InetAddress a) {
        return address(new byte[16], 0, a instanceof Inet6Address ? 16 : 4);
    }

    private static InetAddress address(byte[] v, int off, int n) {
        try {
            return n == 4 ? (Inet4Address) InetAddress.getByAddress(java.util.Arrays.copyOfRange(v, off, off + 4))
                    : InetAddress.getByAddress(java.util.Arrays.copyOfRange(v, off, off + 16));
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static int le32(byte[] v, int off) {
        return (v[off] & 0xFF) | (v[off + 1] & 0xFF) << 8 | (v[off + 2] & 0xFF) << 16 | (v[off + 3] & 0xFF) << 24;
    }
}
