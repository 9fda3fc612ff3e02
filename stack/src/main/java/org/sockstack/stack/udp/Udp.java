package org.sockstack.stack.udp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.sockstack.stack.iface.NetworkInterface;
import org.sockstack.stack.ipv4.Ipv4;
import org.sockstack.stack.ipv4.Ipv4ErrorListener;
import org.sockstack.stack.ipv4.Ipv4Path;
import org.sockstack.stack.ipv4.Ipv4ProtocolHandler;
import org.sockstack.stack.mcast.FilterMode;
import org.sockstack.stack.mcast.SocketFilterListener;
import org.sockstack.stack.mcast.SourceFilter;
import org.sockstack.stack.ipv6.Ipv6;
import org.sockstack.stack.ipv6.Ipv6ErrorListener;
import org.sockstack.stack.ipv6.Ipv6Path;
import org.sockstack.stack.ipv6.Ipv6ProtocolHandler;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.stats.Counter;
import org.sockstack.stack.stats.Counters;
import org.sockstack.stack.stats.EventTrace;
import org.sockstack.stack.wire.IpAddress;
import org.sockstack.stack.wire.IpProtocol;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.Ipv4Packet;
import org.sockstack.stack.wire.Ipv6Address;
import org.sockstack.stack.wire.Ipv6Packet;
import org.sockstack.stack.wire.UdpPacket;
import org.sockstack.stack.wire.UdpRepr;
import org.sockstack.stack.wire.WireError;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.random.RandomGenerator;

/**
 * UDP (RFC 768) over IPv4 and IPv6 (RFC 8200 section 8): the socket table, input
 * demultiplexing and output. A socket speaks the family of the address it is bound to (a socket
 * bound to an IPv6 address or to :: speaks IPv6); dual-stack sockets are not supported yet.
 *
 * <p>Demultiplexing picks, for a unicast datagram, the most specific socket: one connected to the
 * sender, then one bound to the destination address, then a wildcard one. Broadcast and multicast
 * datagrams go to every matching socket (RFC 1122 4.1.3.5 leaves it open; BSD does this). No
 * socket at all for a unicast datagram gets an ICMP Port Unreachable (RFC 1122 4.1.3.1).
 */
public final class Udp implements Ipv4ProtocolHandler, Ipv4ErrorListener {
    /** RFC 6056 section 2.1: the IANA dynamic port range. */
    public static final int EPHEMERAL_LOW = 49152;
    public static final int EPHEMERAL_HIGH = 65535;
    /** 65535 - 20 (IPv4 header) - 8 (UDP header). */
    public static final int MAX_IPV4_PAYLOAD = 65_507;
    private static final String LAYER = "udp";

    private final Ipv4 ipv4;
    private final IntFunction<NetworkInterface> interfaceByIndex;
    private final RandomGenerator random;
    private final EventTrace trace;
    private final ByteBufAllocator allocator;
    /**
     * The sockets bound to each port, indexed by the port itself (a 65 536-entry table: the
     * demultiplexing of every datagram is one array read, with no boxing of the port).
     */
    @SuppressWarnings("unchecked")
    private final List<UdpSocket>[] byPort = new List[65_536];
    /** Each socket's groups with its source filter (RFC 3376 section 3.1 socket state). */
    private final Map<UdpSocket, Map<Membership, SourceFilter<Ipv4Address>>> memberships = new HashMap<>();
    private final UdpPacket view = new UdpPacket();
    private PortUnreachableSender portUnreachable = (iface, packet, now) -> { };
    private SocketFilterListener<Ipv4Address> filterListener = SocketFilterListener.none();
    private SocketFilterListener<Ipv6Address> filterListener6 = SocketFilterListener.none();

    private final Counter rxDatagrams;
    private final Counter txDatagrams;
    private final Counter[] dropMalformed;
    private final Counter dropNoPort;
    private final Counter dropReceiveBufferFull;
    private final Counter icmpErrorsDelivered;
    private final Counter dropZeroChecksumIpv6;
    // IPv6 (attached by the stack when it has an IPv6 layer).
    private Ipv6 ipv6;
    private Ipv6PortUnreachableSender portUnreachable6 = (iface, packet, now) -> { };
    /** The IPv6 groups of each socket with its source filter (RFC 3810 section 4.1 socket state). */
    private final Map<UdpSocket, Map<Membership6, SourceFilter<Ipv6Address>>> memberships6 = new HashMap<>();

    /** Sends ICMP Port Unreachable for a datagram (ICMP implements it). */
    @FunctionalInterface
    public interface PortUnreachableSender {
        void send(NetworkInterface iface, Ipv4Packet packet, long now);
    }

    record Membership(int group, int ifindex) { }

    record Membership6(Ipv6Address group, int ifindex) { }

    /** Sends ICMPv6 Port Unreachable for a packet (ICMPv6 implements it). */
    @FunctionalInterface
    public interface Ipv6PortUnreachableSender {
        void send(NetworkInterface iface, Ipv6Packet packet, long now);
    }

    public Udp(Ipv4 ipv4, IntFunction<NetworkInterface> interfaceByIndex, ByteBufAllocator allocator,
               RandomGenerator random, Counters counters, EventTrace trace) {
        this.ipv4 = ipv4;
        this.interfaceByIndex = interfaceByIndex;
        this.allocator = allocator;
        this.random = random;
        this.trace = trace;
        rxDatagrams = counters.counter("udp.rx.datagrams");
        txDatagrams = counters.counter("udp.tx.datagrams");
        dropMalformed = new Counter[WireError.values().length];
        for (WireError e : WireError.values()) {
            dropMalformed[e.ordinal()] = counters.drop(LAYER, e.reason());
        }
        dropNoPort = counters.drop(LAYER, "no_port");
        dropReceiveBufferFull = counters.drop(LAYER, "receive_buffer_full");
        icmpErrorsDelivered = counters.counter("udp.icmp_errors_delivered");
        dropZeroChecksumIpv6 = counters.drop(LAYER, "ipv6_zero_checksum");
    }

    /** Lets UDP run over IPv6 too; {@code portUnreachable} sends ICMPv6 errors. */
    public void attachIpv6(Ipv6 ipv6, Ipv6PortUnreachableSender portUnreachable) {
        this.ipv6 = ipv6;
        this.portUnreachable6 = portUnreachable;
    }

    /** What IPv6 registers for Next Header 17. */
    public Ipv6ProtocolHandler ipv6Handler() {
        return this::receiveIpv6;
    }

    /** What ICMPv6 tells about errors quoting UDP packets. */
    public Ipv6ErrorListener ipv6ErrorListener() {
        return this::onIpv6Error;
    }

    public void setPortUnreachableSender(PortUnreachableSender sender) {
        this.portUnreachable = sender;
    }

    /** Who merges the sockets' source filters into interface state (IGMP). */
    public void setSocketFilterListener(SocketFilterListener<Ipv4Address> listener) {
        this.filterListener = listener;
    }

    /** Who merges the sockets' IPv6 source filters into interface state (MLD). */
    public void setIpv6SocketFilterListener(SocketFilterListener<Ipv6Address> listener) {
        this.filterListener6 = listener;
    }

    /** A new, unbound socket. */
    public UdpSocket open() {
        return new UdpSocket(this);
    }

    // ------------------------------------------------------------------ binding

    SocketError bind(UdpSocket s, Endpoint endpoint) {
        if (endpoint.address() instanceof Ipv6Address addr6) {
            return bindIpv6(s, addr6, endpoint.port());
        }
        if (!(endpoint.address() instanceof Ipv4Address addr)) {
            return SocketError.ADDRESS_FAMILY_NOT_SUPPORTED;
        }
        if (!addr.isUnspecified() && !addr.isMulticast() && !isLocal(addr.bits())) {
            return SocketError.ADDRESS_NOT_AVAILABLE;
        }
        int port = endpoint.port();
        if (port == 0) {
            port = ephemeralPort(s, addr);
            if (port == 0) {
                return SocketError.ADDRESS_IN_USE;
            }
        } else if (conflicts(s, addr, port)) {
            return SocketError.ADDRESS_IN_USE;
        }
        s.local = new Endpoint(addr, port);
        s.bound = true;
        socketsOn(port).add(s);
        return SocketError.OK;
    }

    private boolean conflicts(UdpSocket s, IpAddress addr, int port) {
        List<UdpSocket> others = byPort[port];
        if (others == null) {
            return false;
        }
        for (UdpSocket o : others) {
            boolean overlap;
            if (o.local.address().version() != addr.version()) {
                // Separate port spaces, except that a dual-stack IPv6 wildcard covers every IPv4 address.
                overlap = isDualWildcard(o.local.address(), o.dualStack) || isDualWildcard(addr, s.dualStack);
            } else {
                overlap = addr.isUnspecified() || o.local.address().isUnspecified() || o.local.address().equals(addr);
            }
            if (overlap && !(s.reuseAddress && o.reuseAddress)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isDualWildcard(IpAddress a, boolean dual) {
        return dual && a instanceof Ipv6Address && a.isUnspecified();
    }

    /** RFC 6056 section 3.3.1 (Algorithm 1): a random starting point, then a linear search. */
    private int ephemeralPort(UdpSocket s, IpAddress addr) {
        int range = EPHEMERAL_HIGH - EPHEMERAL_LOW + 1;
        int offset = random.nextInt(range);
        for (int i = 0; i < range; i++) {
            int port = EPHEMERAL_LOW + (offset + i) % range;
            if (!conflicts(s, addr, port)) {
                return port;
            }
        }
        return 0;
    }

    void unbind(UdpSocket s) {
        if (s.bound) {
            List<UdpSocket> list = byPort[s.local.port()];
            if (list != null) {
                list.remove(s);
                if (list.isEmpty()) {
                    byPort[s.local.port()] = null;
                }
            }
        }
        Map<Membership, SourceFilter<Ipv4Address>> joined = memberships.remove(s);
        if (joined != null) {
            for (Membership m : joined.keySet()) {
                NetworkInterface iface = interfaceByIndex.apply(m.ifindex());
                if (iface != null) {
                    leave(s, iface, m.group());
                }
            }
        }
        Map<Membership6, SourceFilter<Ipv6Address>> joined6 = memberships6.remove(s);
        if (joined6 != null) {
            for (Membership6 m : joined6.keySet()) {
                NetworkInterface iface = interfaceByIndex.apply(m.ifindex());
                if (iface != null) {
                    leave6(s, iface, m.group());
                }
            }
        }
    }

    /**
     * A chosen source address: of the destination's family, one of ours, and the bound address
     * if the socket is bound to a specific one (a datagram never leaves from an address its
     * socket was not bound to).
     */
    private SocketError checkSource(UdpSocket s, IpAddress source) {
        if (s.bound && !s.local.address().isUnspecified() && !s.local.address().equals(source)) {
            return SocketError.ADDRESS_NOT_AVAILABLE;
        }
        boolean ours = source instanceof Ipv4Address v4 ? isLocal(v4.bits())
                : source instanceof Ipv6Address v6 && isLocalIpv6(v6);
        return ours ? SocketError.OK : SocketError.ADDRESS_NOT_AVAILABLE;
    }

    private boolean isLocal(int addr) {
        for (int i = 0; ; i++) {
            NetworkInterface iface = interfaceByIndex.apply(i);
            if (iface == null) {
                return false;
            }
            if (iface.hasIpv4(addr)) {
                return true; // usable only: not while probing, not after a conflict (RFC 5227 2.1)
            }
        }
    }

    // ------------------------------------------------------------------ multicast

    SocketError joinGroup(UdpSocket s, IpAddress group, int ifindex) {
        if (group instanceof Ipv6Address g6) {
            return joinGroupIpv6(s, g6, ifindex);
        }
        NetworkInterface iface = groupInterface(group, ifindex);
        if (iface == null) {
            return group instanceof Ipv4Address g && g.isMulticast()
                    ? SocketError.ADDRESS_NOT_AVAILABLE : SocketError.INVALID_ARGUMENT;
        }
        Membership m = new Membership(((Ipv4Address) group).bits(), iface.index());
        Map<Membership, SourceFilter<Ipv4Address>> joined = memberships.computeIfAbsent(s, k -> new LinkedHashMap<>());
        if (joined.containsKey(m)) {
            return SocketError.ADDRESS_IN_USE;
        }
        join(s, iface, m, joined, SourceFilter.anySource());
        return SocketError.OK;
    }

    SocketError leaveGroup(UdpSocket s, IpAddress group, int ifindex) {
        if (group instanceof Ipv6Address g6) {
            return leaveGroupIpv6(s, g6, ifindex);
        }
        if (!(group instanceof Ipv4Address g)) {
            return SocketError.INVALID_ARGUMENT;
        }
        NetworkInterface iface = ifindex >= 0 ? interfaceByIndex.apply(ifindex) : groupInterface(g.bits());
        Map<Membership, SourceFilter<Ipv4Address>> joined = memberships.get(s);
        if (iface == null || joined == null || joined.remove(new Membership(g.bits(), iface.index())) == null) {
            return SocketError.ADDRESS_NOT_AVAILABLE;
        }
        leave(s, iface, g.bits());
        return SocketError.OK;
    }

    /**
     * RFC 3376 section 2 IPMulticastListen / RFC 3678 setsourcefilter: the socket's reception
     * state for {@code group} becomes {@code mode} with {@code sources}. INCLUDE with no source
     * leaves the group; any other state joins it if needed.
     */
    SocketError setSourceFilter(UdpSocket s, IpAddress group, int ifindex, FilterMode mode,
                                Collection<? extends IpAddress> sources) {
        if (group instanceof Ipv6Address g6) {
            return setSourceFilterIpv6(s, g6, ifindex, mode, sources);
        }
        NetworkInterface iface = groupInterface(group, ifindex);
        if (iface == null) {
            return group instanceof Ipv4Address g && g.isMulticast()
                    ? SocketError.ADDRESS_NOT_AVAILABLE : SocketError.INVALID_ARGUMENT;
        }
        List<Ipv4Address> v4 = new ArrayList<>(sources.size());
        for (IpAddress a : sources) {
            if (!(a instanceof Ipv4Address src) || src.isMulticast() || src.isUnspecified()) {
                return SocketError.INVALID_ARGUMENT;
            }
            v4.add(src);
        }
        SourceFilter<Ipv4Address> filter = SourceFilter.of(mode, v4);
        Membership m = new Membership(((Ipv4Address) group).bits(), iface.index());
        Map<Membership, SourceFilter<Ipv4Address>> joined = memberships.computeIfAbsent(s, k -> new LinkedHashMap<>());
        if (!joined.containsKey(m)) {
            if (!filter.isEmpty()) {
                join(s, iface, m, joined, filter);
            }
        } else if (filter.isEmpty()) {
            joined.remove(m);
            leave(s, iface, m.group());
        } else {
            joined.put(m, filter);
            filterListener.socketFilterChanged(s, iface, (Ipv4Address) group, filter);
        }
        return SocketError.OK;
    }

    /** The socket's source filter for {@code group}, or null if it has not joined it. */
    SourceFilter<? extends IpAddress> sourceFilter(UdpSocket s, IpAddress group, int ifindex) {
        if (group instanceof Ipv6Address g6) {
            NetworkInterface iface = ifindex >= 0 ? interfaceByIndex.apply(ifindex) : groupInterface6(g6);
            Map<Membership6, SourceFilter<Ipv6Address>> joined = memberships6.get(s);
            return iface == null || joined == null ? null : joined.get(new Membership6(g6, iface.index()));
        }
        NetworkInterface iface = groupInterface(group, ifindex);
        Map<Membership, SourceFilter<Ipv4Address>> joined = memberships.get(s);
        if (iface == null || joined == null) {
            return null;
        }
        return joined.get(new Membership(((Ipv4Address) group).bits(), iface.index()));
    }

    /** The filter is announced before the IP-level join, so IGMP sees the final state at once. */
    private void join(UdpSocket s, NetworkInterface iface, Membership m,
                      Map<Membership, SourceFilter<Ipv4Address>> joined, SourceFilter<Ipv4Address> filter) {
        joined.put(m, filter);
        filterListener.socketFilterChanged(s, iface, new Ipv4Address(m.group()), filter);
        ipv4.joinGroup(iface, m.group());
    }

    /** The IP-level leave comes first: the last member leaving is reported as a leave, not a change. */
    private void leave(UdpSocket s, NetworkInterface iface, int group) {
        ipv4.leaveGroup(iface, group);
        filterListener.socketFilterChanged(s, iface, new Ipv4Address(group), SourceFilter.includeNone());
    }

    /** The interface for a multicast {@code group}: {@code ifindex}, or the route's; null if none. */
    private NetworkInterface groupInterface(IpAddress group, int ifindex) {
        if (!(group instanceof Ipv4Address g) || !g.isMulticast()) {
            return null;
        }
        return ifindex >= 0 ? interfaceByIndex.apply(ifindex) : groupInterface(g.bits());
    }

    private NetworkInterface groupInterface(int group) {
        Ipv4Path p = ipv4.path(group, 0, null);
        return p == null ? null : p.iface();
    }

    /** The socket's filter for a group it joined on {@code ifindex}, or null. */
    private SourceFilter<Ipv4Address> filterOf(UdpSocket s, int group, int ifindex) {
        Map<Membership, SourceFilter<Ipv4Address>> joined = memberships.get(s);
        return joined == null ? null : joined.get(new Membership(group, ifindex));
    }

    // ------------------------------------------------------------------ output

    /** Longest a kept path is reused without asking again (learned path MTUs expire). */
    private static final long PATH_REUSE_NANOS = 1_000_000_000L;

    /** The socket's last path if it still answers (same destination, source and interface), else a new one. */
    private Ipv4Path pathFor(UdpSocket s, int dst, int src, NetworkInterface via, long now) {
        Ipv4Path p = s.lastPath;
        int version = ipv4.pathVersion();
        if (p != null && s.lastPathDst == dst && s.lastPathSrc == src && s.lastPathVia == via
                && s.lastPathVersion == version && now - s.lastPathUntil < 0) {
            return p;
        }
        p = ipv4.path(dst, src, via);
        s.lastPath = p;
        s.lastPathDst = dst;
        s.lastPathSrc = src;
        s.lastPathVia = via;
        s.lastPathVersion = version;
        s.lastPathUntil = now + PATH_REUSE_NANOS;
        return p;
    }

    SocketError send(UdpSocket s, ByteBuf data, Endpoint dst, long now) {
        return send(s, data, dst, null, -1, now);
    }

    /**
     * Sends one datagram, from {@code source} (null: the bound address, or the route's choice)
     * and out of interface {@code ifindex} (-1: the route's choice). This is the RFC 3542 section
     * 6.1 / IN_PKTINFO source choice: the source must be one of this host's unicast addresses
     * (ADDRESS_NOT_AVAILABLE otherwise, and if the socket is bound to another address).
     */
    SocketError send(UdpSocket s, ByteBuf data, Endpoint dst, IpAddress source, int ifindex, long now) {
        if (source != null && source.version() != dst.address().version()) {
            return SocketError.INVALID_ARGUMENT;
        }
        if (source != null && !source.isUnspecified()) {
            SocketError e = checkSource(s, source);
            if (e != SocketError.OK) {
                return e;
            }
        }
        if (ifindex >= 0 && interfaceByIndex.apply(ifindex) == null) {
            return SocketError.ADDRESS_NOT_AVAILABLE;
        }
        if (dst.address() instanceof Ipv6Address to6) {
            return sendIpv6(s, data, dst, to6, source, ifindex, now);
        }
        if (s.bound && !(s.local.address() instanceof Ipv4Address) && !s.dualToIpv4(dst)) {
            return SocketError.ADDRESS_FAMILY_NOT_SUPPORTED;
        }
        if (!(dst.address() instanceof Ipv4Address to)) {
            return SocketError.ADDRESS_FAMILY_NOT_SUPPORTED;
        }
        if (dst.port() == 0) {
            return SocketError.INVALID_ARGUMENT;
        }
        int length = data.readableBytes();
        if (length > MAX_IPV4_PAYLOAD) {
            return SocketError.MESSAGE_TOO_BIG;
        }
        if (!s.bound) {
            // A dual-stack socket binds to the IPv6 wildcard, which serves IPv4 too.
            SocketError e = bind(s, s.dualStack ? new Endpoint(Ipv6Address.UNSPECIFIED, 0) : Endpoint.ANY_IPV4);
            if (e != SocketError.OK) {
                return e;
            }
        }
        int dstBits = to.bits();
        NetworkInterface via = ifindex >= 0 ? interfaceByIndex.apply(ifindex)
                : s.multicastInterface >= 0 && to.isMulticast() ? interfaceByIndex.apply(s.multicastInterface) : null;
        int srcBits = source instanceof Ipv4Address chosen && !chosen.isUnspecified() ? chosen.bits()
                : s.local.address() instanceof Ipv4Address l ? l.bits() : 0;
        Ipv4Path path = pathFor(s, dstBits, srcBits, via, now);
        if (path == null) {
            return SocketError.NO_ROUTE;
        }
        boolean isBroadcast = dstBits == -1 || path.iface().isIpv4SubnetBroadcast(dstBits);
        if (isBroadcast && !s.broadcast) {
            // SO_BROADCAST must be set to send to a broadcast address (BSD, Winsock).
            return SocketError.ACCESS_DENIED;
        }
        ByteBuf frame = ipv4.allocate(path.iface(), UdpPacket.HEADER_LENGTH + length);
        frame.setBytes(Ipv4.PAYLOAD_OFFSET + UdpPacket.HEADER_LENGTH, data, data.readerIndex(), length);
        UdpRepr.emitIpv4(frame, Ipv4.PAYLOAD_OFFSET, s.local.port(), dst.port(), length, path.src(), dstBits);
        if (to.isMulticast() && s.multicastLoop && path.iface().acceptsIpv4Multicast(dstBits)) {
            loopBack(path, s.local.port(), dst, data, now);
        }
        int ttl = to.isMulticast() ? s.multicastTtl : (s.ttl >= 0 ? s.ttl : Ipv4.DEFAULT_TTL);
        SocketError e = ipv4.send(path, frame, IpProtocol.UDP, ttl, s.tos, s.dontFragment, now);
        if (e == SocketError.OK) {
            txDatagrams.increment();
        }
        return e;
    }

    /** IP_MULTICAST_LOOP: a copy of our own multicast goes to local members (RFC 1112 6.1). */
    private void loopBack(Ipv4Path path, int srcPort, Endpoint dst, ByteBuf data, long now) {
        Endpoint from = new Endpoint(new Ipv4Address(path.src()), srcPort);
        deliverMulticast(path.iface(), ((Ipv4Address) dst.address()).bits(), dst, from, data, data.readerIndex(),
                data.readableBytes());
    }

    // ------------------------------------------------------------------ input

    @Override
    public void receive(NetworkInterface iface, Ipv4Packet ip, Cast cast, long now) {
        rxDatagrams.increment();
        UdpPacket u = view.wrap(ip.buffer(), ip.payloadOffset(), ip.payloadLength());
        WireError e = u.check();
        if (!e.ok()) {
            drop(dropMalformed[e.ordinal()], e.reason(), now);
            return;
        }
        // RFC 768: a zero checksum means the sender computed none.
        if (u.checksum() != 0 && !iface.rxChecksumUnnecessary()
                && !u.verifyChecksumIpv4(ip.srcAddr(), ip.dstAddr())) {
            drop(dropMalformed[WireError.BAD_CHECKSUM.ordinal()], "bad_checksum", now);
            return;
        }
        if (cast == Cast.UNICAST) {
            UdpSocket s = lookupUnicast(ip.dstAddr(), u.dstPort(), ip.srcAddr(), u.srcPort());
            if (s == null) {
                drop(dropNoPort, "no_port", now);
                portUnreachable.send(iface, ip, now);
                return;
            }
            // The common case allocates nothing: the socket queues primitives and a pooled copy.
            ByteBuf copy = copy(u.buffer(), u.payloadOffset(), u.payloadLength());
            if (!s.enqueueIpv4(ip.srcAddr(), u.srcPort(), ip.dstAddr(), u.dstPort(), iface.index(), copy)) {
                dropReceiveBufferFull.increment();
            }
            return;
        }
        Endpoint from = new Endpoint(new Ipv4Address(ip.srcAddr()), u.srcPort());
        Endpoint to = new Endpoint(new Ipv4Address(ip.dstAddr()), u.dstPort());
        if (cast == Cast.MULTICAST) {
            if (deliverMulticast(iface, ip.dstAddr(), to, from, u.buffer(), u.payloadOffset(), u.payloadLength()) == 0) {
                drop(dropNoPort, "no_port", now);
            }
        } else {
            if (deliverBroadcast(iface, to, from, u.buffer(), u.payloadOffset(), u.payloadLength()) == 0) {
                drop(dropNoPort, "no_port", now);
            }
        }
    }

    private UdpSocket lookupUnicast(int dst, int dstPort, int src, int srcPort) {
        List<UdpSocket> list = byPort[dstPort];
        if (list == null) {
            return null;
        }
        UdpSocket best = null;
        int bestScore = -1;
        for (int i = 0; i < list.size(); i++) {
            UdpSocket s = list.get(i);
            int score = score(s, dst, src, srcPort);
            if (score > bestScore) {
                best = s;
                bestScore = score;
            }
        }
        return best;
    }

    /** -1: does not match; otherwise higher is more specific (bound address, connected peer). */
    private static int score(UdpSocket s, int dst, int src, int srcPort) {
        int score = 0;
        if (s.local.address() instanceof Ipv4Address local) {
            if (!local.isUnspecified()) {
                if (local.bits() != dst) {
                    return -1;
                }
                score += 1;
            }
        } else if (!isDualWildcard(s.local.address(), s.dualStack)) {
            return -1;   // an IPv6-only socket
        }
        if (s.remote != null) {
            if (!(s.remote.address() instanceof Ipv4Address peer) || peer.bits() != src || s.remote.port() != srcPort) {
                return -1;
            }
            score += 2;
        }
        return score;
    }

    private int deliverMulticast(NetworkInterface iface, int group, Endpoint to, Endpoint from, ByteBuf buf, int offset,
                                 int length) {
        List<UdpSocket> list = byPort[to.port()];
        if (list == null) {
            return 0;
        }
        // A fresh list per call: delivering can run a socket's listener, which may send (and loop
        // back) multicast and so re-enter this method.
        List<UdpSocket> matches = new ArrayList<>(list.size());
        for (UdpSocket s : list) {
            if (!(s.local.address() instanceof Ipv4Address local)) {
                continue;
            }
            boolean addressOk = local.isUnspecified() || local.bits() == group;
            if (!addressOk || !peerMatches(s, from)) {
                continue;
            }
            // A datagram from a source the socket's filter rejects is not delivered to it (RFC 3376 3.1).
            SourceFilter<Ipv4Address> filter = filterOf(s, group, iface.index());
            if (filter != null && filter.accepts((Ipv4Address) from.address())) {
                matches.add(s);
            }
        }
        for (UdpSocket s : matches) {
            deliver(s, iface, from, to, buf, offset, length);
        }
        return matches.size();
    }

    private int deliverBroadcast(NetworkInterface iface, Endpoint to, Endpoint from, ByteBuf buf, int offset, int length) {
        List<UdpSocket> list = byPort[to.port()];
        if (list == null) {
            return 0;
        }
        // A fresh list per call: delivering can run a socket's listener, which may send (and loop
        // back) multicast and so re-enter this method.
        List<UdpSocket> matches = new ArrayList<>(list.size());
        int dst = ((Ipv4Address) to.address()).bits();
        for (UdpSocket s : list) {
            if (!(s.local.address() instanceof Ipv4Address local)) {
                continue;
            }
            if ((local.isUnspecified() || local.bits() == dst) && peerMatches(s, from)) {
                matches.add(s);
            }
        }
        for (UdpSocket s : matches) {
            deliver(s, iface, from, to, buf, offset, length);
        }
        return matches.size();
    }

    private static boolean peerMatches(UdpSocket s, Endpoint from) {
        return s.remote == null || s.remote.equals(from);
    }

    private void deliver(UdpSocket s, NetworkInterface iface, Endpoint from, Endpoint to, ByteBuf buf, int offset,
                         int length) {
        if (!s.enqueue(new UdpDatagram(from, to, iface.index(), copy(buf, offset, length)))) {
            dropReceiveBufferFull.increment();
        }
    }

    /** The sockets bound to {@code port}, created empty on first use. */
    private List<UdpSocket> socketsOn(int port) {
        List<UdpSocket> l = byPort[port];
        if (l == null) {
            l = new ArrayList<>(1);
            byPort[port] = l;
        }
        return l;
    }

    /** The socket's own copy of a datagram's data (the frame is released after the call). */
    private ByteBuf copy(ByteBuf buf, int offset, int length) {
        ByteBuf copy = allocator.buffer(length, length);
        copy.writeBytes(buf, offset, length);
        return copy;
    }

    // ------------------------------------------------------------------ ICMP errors

    /**
     * RFC 1122 4.1.3.3: ICMP errors are passed to the application. Like BSD, only a connected
     * socket learns of them (an unconnected one cannot tell which peer they concern).
     */
    @Override
    public void onError(SocketError error, int mtu, int src, int dst, ByteBuf quote, int transportOffset,
                        int transportLength, boolean isPermanent, long now) {
        if (transportLength < UdpPacket.HEADER_LENGTH) {
            return;
        }
        int srcPort = quote.getUnsignedShort(transportOffset);
        int dstPort = quote.getUnsignedShort(transportOffset + 2);
        List<UdpSocket> list = byPort[srcPort];
        if (list == null) {
            return;
        }
        for (UdpSocket s : list) {
            if (!(s.local.address() instanceof Ipv4Address local)) {
                continue;
            }
            if (s.remote != null && (local.isUnspecified() || local.bits() == src)
                    && ((Ipv4Address) s.remote.address()).bits() == dst && s.remote.port() == dstPort) {
                icmpErrorsDelivered.increment();
                s.reportError(error);
            }
        }
    }

    private void drop(Counter c, String reason, long now) {
        c.increment();
        if (trace.enabled()) {
            trace.drop(now, LAYER, reason);
        }
    }

    // ------------------------------------------------------------------ IPv6

    private SocketError bindIpv6(UdpSocket s, Ipv6Address addr, int port) {
        if (ipv6 == null) {
            return SocketError.ADDRESS_FAMILY_NOT_SUPPORTED;
        }
        if (!addr.isUnspecified() && !addr.isMulticast() && !isLocalIpv6(addr)) {
            return SocketError.ADDRESS_NOT_AVAILABLE;
        }
        if (port == 0) {
            port = ephemeralPort(s, addr);
            if (port == 0) {
                return SocketError.ADDRESS_IN_USE;
            }
        } else if (conflicts(s, addr, port)) {
            return SocketError.ADDRESS_IN_USE;
        }
        s.local = new Endpoint(addr, port);
        s.bound = true;
        socketsOn(port).add(s);
        return SocketError.OK;
    }

    private boolean isLocalIpv6(Ipv6Address addr) {
        for (int i = 0; ; i++) {
            NetworkInterface iface = interfaceByIndex.apply(i);
            if (iface == null) {
                return false;
            }
            if (iface.findIpv6(addr) != null) {
                return true;
            }
        }
    }

    private SocketError joinGroupIpv6(UdpSocket s, Ipv6Address g, int ifindex) {
        if (ipv6 == null || !g.isMulticast()) {
            return SocketError.INVALID_ARGUMENT;
        }
        NetworkInterface iface = ifindex >= 0 ? interfaceByIndex.apply(ifindex) : groupInterface6(g);
        if (iface == null) {
            return SocketError.ADDRESS_NOT_AVAILABLE;
        }
        Map<Membership6, SourceFilter<Ipv6Address>> joined = memberships6.computeIfAbsent(s, k -> new LinkedHashMap<>());
        Membership6 m = new Membership6(g, iface.index());
        if (joined.containsKey(m)) {
            return SocketError.ADDRESS_IN_USE;
        }
        join6(s, iface, m, joined, SourceFilter.anySource());
        return SocketError.OK;
    }

    /** {@link #setSourceFilter} for an IPv6 group (RFC 3810 section 3 IPv6MulticastListen). */
    private SocketError setSourceFilterIpv6(UdpSocket s, Ipv6Address g, int ifindex, FilterMode mode,
                                            Collection<? extends IpAddress> sources) {
        if (ipv6 == null || !g.isMulticast()) {
            return SocketError.INVALID_ARGUMENT;
        }
        NetworkInterface iface = ifindex >= 0 ? interfaceByIndex.apply(ifindex) : groupInterface6(g);
        if (iface == null) {
            return SocketError.ADDRESS_NOT_AVAILABLE;
        }
        List<Ipv6Address> v6 = new ArrayList<>(sources.size());
        for (IpAddress a : sources) {
            if (!(a instanceof Ipv6Address src) || src.isMulticast() || src.isUnspecified()) {
                return SocketError.INVALID_ARGUMENT;
            }
            v6.add(src);
        }
        SourceFilter<Ipv6Address> filter = SourceFilter.of(mode, v6);
        Membership6 m = new Membership6(g, iface.index());
        Map<Membership6, SourceFilter<Ipv6Address>> joined = memberships6.computeIfAbsent(s, k -> new LinkedHashMap<>());
        if (!joined.containsKey(m)) {
            if (!filter.isEmpty()) {
                join6(s, iface, m, joined, filter);
            }
        } else if (filter.isEmpty()) {
            joined.remove(m);
            leave6(s, iface, g);
        } else {
            joined.put(m, filter);
            filterListener6.socketFilterChanged(s, iface, g, filter);
        }
        return SocketError.OK;
    }

    /** As for IPv4: the filter first, then the IP-level join, so MLD sees the final state at once. */
    private void join6(UdpSocket s, NetworkInterface iface, Membership6 m,
                       Map<Membership6, SourceFilter<Ipv6Address>> joined, SourceFilter<Ipv6Address> filter) {
        joined.put(m, filter);
        filterListener6.socketFilterChanged(s, iface, m.group(), filter);
        ipv6.joinGroup(iface, m.group());
    }

    /** The IP-level leave first: the last listener leaving is reported as a leave, not a change. */
    private void leave6(UdpSocket s, NetworkInterface iface, Ipv6Address group) {
        ipv6.leaveGroup(iface, group);
        filterListener6.socketFilterChanged(s, iface, group, SourceFilter.includeNone());
    }

    private SocketError leaveGroupIpv6(UdpSocket s, Ipv6Address g, int ifindex) {
        NetworkInterface iface = ifindex >= 0 ? interfaceByIndex.apply(ifindex) : groupInterface6(g);
        Map<Membership6, SourceFilter<Ipv6Address>> joined = memberships6.get(s);
        if (iface == null || joined == null || joined.remove(new Membership6(g, iface.index())) == null) {
            return SocketError.ADDRESS_NOT_AVAILABLE;
        }
        leave6(s, iface, g);
        return SocketError.OK;
    }

    private NetworkInterface groupInterface6(Ipv6Address group) {
        Ipv6Path p = ipv6 == null ? null : ipv6.path(group, null, null);
        return p == null ? null : p.iface();
    }

    /**
     * Sends over IPv6. The checksum is always computed (RFC 8200 section 8.1). The multicast
     * interface option also names the zone of a link-local destination.
     */
    private SocketError sendIpv6(UdpSocket s, ByteBuf data, Endpoint dst, Ipv6Address to, IpAddress source,
                                 int ifindex, long now) {
        if (ipv6 == null) {
            return SocketError.ADDRESS_FAMILY_NOT_SUPPORTED;
        }
        if (dst.port() == 0) {
            return SocketError.INVALID_ARGUMENT;
        }
        int length = data.readableBytes();
        if (length > 0xFFFF - UdpPacket.HEADER_LENGTH) {
            return SocketError.MESSAGE_TOO_BIG;
        }
        if (!s.bound) {
            SocketError e = bind(s, new Endpoint(Ipv6Address.UNSPECIFIED, 0));
            if (e != SocketError.OK) {
                return e;
            }
        } else if (!(s.local.address() instanceof Ipv6Address)) {
            return SocketError.ADDRESS_FAMILY_NOT_SUPPORTED;
        }
        Ipv6Address bound = source instanceof Ipv6Address chosen && !chosen.isUnspecified()
                ? chosen : (Ipv6Address) s.local.address();
        NetworkInterface via = ifindex >= 0 ? interfaceByIndex.apply(ifindex)
                : s.multicastInterface >= 0 && (to.isMulticast() || to.isLinkLocal())
                ? interfaceByIndex.apply(s.multicastInterface) : null;
        Ipv6Path path = ipv6.path(to, bound.isUnspecified() || bound.isMulticast() ? null : bound, via);
        if (path == null) {
            return SocketError.NO_ROUTE;
        }
        ByteBuf frame = ipv6.allocate(path.iface(), UdpPacket.HEADER_LENGTH + length);
        frame.setBytes(Ipv6.PAYLOAD_OFFSET + UdpPacket.HEADER_LENGTH, data, data.readerIndex(), length);
        UdpRepr.emitIpv6(frame, Ipv6.PAYLOAD_OFFSET, s.local.port(), dst.port(), length, path.src().hi(),
                path.src().lo(), to.hi(), to.lo());
        if (to.isMulticast() && s.multicastLoop && path.iface().acceptsIpv6Multicast(to)) {
            Endpoint from = new Endpoint(path.src(), s.local.port());
            deliverMulticast6(path.iface(), to, dst, from, data, data.readerIndex(), length);
        }
        int hopLimit = to.isMulticast() ? s.multicastTtl : (s.ttl >= 0 ? s.ttl : ipv6.hopLimit(path));
        SocketError e = ipv6.send(path, frame, IpProtocol.UDP, hopLimit, s.tos, now);
        if (e == SocketError.OK) {
            txDatagrams.increment();
        }
        return e;
    }

    private void receiveIpv6(NetworkInterface iface, Ipv6Packet ip, int offset, int length,
                             Ipv6ProtocolHandler.Cast cast, long now) {
        rxDatagrams.increment();
        UdpPacket u = view.wrap(ip.buffer(), offset, length);
        WireError e = u.check();
        if (!e.ok()) {
            drop(dropMalformed[e.ordinal()], e.reason(), now);
            return;
        }
        // RFC 8200 section 8.1: over IPv6 the checksum is mandatory; a zero one is discarded.
        if (u.checksum() == 0) {
            drop(dropZeroChecksumIpv6, "ipv6_zero_checksum", now);
            return;
        }
        if (!iface.rxChecksumUnnecessary()
                && !u.verifyChecksumIpv6(ip.srcAddrHi(), ip.srcAddrLo(), ip.dstAddrHi(), ip.dstAddrLo())) {
            drop(dropMalformed[WireError.BAD_CHECKSUM.ordinal()], "bad_checksum", now);
            return;
        }
        Ipv6Address src = new Ipv6Address(ip.srcAddrHi(), ip.srcAddrLo());
        Ipv6Address dst = new Ipv6Address(ip.dstAddrHi(), ip.dstAddrLo());
        Endpoint from = new Endpoint(src, u.srcPort());
        Endpoint to = new Endpoint(dst, u.dstPort());
        if (cast == Ipv6ProtocolHandler.Cast.UNICAST) {
            UdpSocket s = lookupUnicast6(dst, u.dstPort(), src, u.srcPort());
            if (s == null) {
                drop(dropNoPort, "no_port", now);
                portUnreachable6.send(iface, ip, now);
                return;
            }
            deliver(s, iface, from, to, u.buffer(), u.payloadOffset(), u.payloadLength());
        } else if (deliverMulticast6(iface, dst, to, from, u.buffer(), u.payloadOffset(), u.payloadLength()) == 0) {
            drop(dropNoPort, "no_port", now);
        }
    }

    private UdpSocket lookupUnicast6(Ipv6Address dst, int dstPort, Ipv6Address src, int srcPort) {
        List<UdpSocket> list = byPort[dstPort];
        if (list == null) {
            return null;
        }
        UdpSocket best = null;
        int bestScore = -1;
        for (int i = 0; i < list.size(); i++) {
            UdpSocket s = list.get(i);
            int score = score6(s, dst, src, srcPort);
            if (score > bestScore) {
                best = s;
                bestScore = score;
            }
        }
        return best;
    }

    /** Like {@link #score} for IPv6 sockets: -1 no match, else higher is more specific. */
    private static int score6(UdpSocket s, Ipv6Address dst, Ipv6Address src, int srcPort) {
        if (!(s.local.address() instanceof Ipv6Address local)) {
            return -1;
        }
        int score = 0;
        if (!local.isUnspecified()) {
            if (!local.equals(dst)) {
                return -1;
            }
            score += 1;
        }
        if (s.remote != null) {
            if (!s.remote.address().equals(src) || s.remote.port() != srcPort) {
                return -1;
            }
            score += 2;
        }
        return score;
    }

    private int deliverMulticast6(NetworkInterface iface, Ipv6Address group, Endpoint to, Endpoint from, ByteBuf buf,
                                  int offset, int length) {
        List<UdpSocket> list = byPort[to.port()];
        if (list == null) {
            return 0;
        }
        // A fresh list per call: delivering can run a socket's listener, which may send (and loop
        // back) multicast and so re-enter this method.
        List<UdpSocket> matches = new ArrayList<>(list.size());
        for (UdpSocket s : list) {
            if (!(s.local.address() instanceof Ipv6Address local)) {
                continue;
            }
            Map<Membership6, SourceFilter<Ipv6Address>> joined = memberships6.get(s);
            SourceFilter<Ipv6Address> filter = joined == null ? null : joined.get(new Membership6(group, iface.index()));
            // RFC 3810 section 3: a socket receives only from the sources its filter accepts.
            boolean member = filter != null && filter.accepts((Ipv6Address) from.address());
            if ((local.isUnspecified() || local.equals(group)) && member && peerMatches(s, from)) {
                matches.add(s);
            }
        }
        for (UdpSocket s : matches) {
            deliver(s, iface, from, to, buf, offset, length);
        }
        return matches.size();
    }

    /** ICMPv6 errors reach connected IPv6 sockets, like IPv4's (RFC 4443 section 3 and 2.4 (a)). */
    private void onIpv6Error(SocketError error, int mtu, Ipv6Address src, Ipv6Address dst, ByteBuf quote,
                             int transportOffset, int transportLength, boolean isPermanent, long now) {
        if (transportLength < UdpPacket.HEADER_LENGTH) {
            return;
        }
        int srcPort = quote.getUnsignedShort(transportOffset);
        int dstPort = quote.getUnsignedShort(transportOffset + 2);
        List<UdpSocket> list = byPort[srcPort];
        if (list == null) {
            return;
        }
        for (UdpSocket s : list) {
            if (!(s.local.address() instanceof Ipv6Address local)) {
                continue;
            }
            if (s.remote != null && (local.isUnspecified() || local.equals(src))
                    && s.remote.address().equals(dst) && s.remote.port() == dstPort) {
                icmpErrorsDelivered.increment();
                s.reportError(error);
            }
        }
    }

    /** The bound sockets (for display, like {@code ss -u}). */
    public List<UdpSocket> sockets() {
        List<UdpSocket> out = new ArrayList<>();
        for (List<UdpSocket> l : byPort) {
            if (l != null) {
                out.addAll(l);
            }
        }
        return out;
    }
}
