package org.sockstack.stack.ipv4;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.sockstack.stack.arp.Arp;
import org.sockstack.stack.iface.Ipv4InterfaceAddress;
import org.sockstack.stack.iface.NetworkInterface;
import org.sockstack.stack.ip.PathMtuCache;
import org.sockstack.stack.ip.Reassembler;
import org.sockstack.stack.ip.ReassemblyConfig;
import org.sockstack.stack.ip.Route;
import org.sockstack.stack.ip.RoutingTable;
import org.sockstack.stack.ipv4.Ipv4ProtocolHandler.Cast;
import org.sockstack.stack.loop.TimerWheel;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.stats.Counter;
import org.sockstack.stack.stats.Counters;
import org.sockstack.stack.stats.EventTrace;
import org.sockstack.stack.wire.EtherType;
import org.sockstack.stack.wire.EthernetFrame;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.InternetChecksum;
import org.sockstack.stack.wire.Ipv4Packet;
import org.sockstack.stack.wire.Ipv4Repr;
import org.sockstack.stack.wire.MacAddress;
import org.sockstack.stack.wire.WireError;

import java.util.List;
import java.util.function.IntFunction;
import java.util.random.RandomGenerator;

/**
 * IPv4 for a host (RFC 791, RFC 1122 section 3.2/3.3): input validation, address filtering,
 * reassembly, demultiplexing to the upper protocols, and output with routing, source address
 * selection and fragmentation. Forwarding is not done: datagrams for other hosts are dropped and
 * counted (RFC 1122 3.3.4: a host that is not a router must not forward).
 */
public final class Ipv4 {
    /** Where an upper layer writes its message in a frame from {@link #allocate}. */
    public static final int PAYLOAD_OFFSET = EthernetFrame.HEADER_LENGTH + Ipv4Packet.MIN_HEADER_LENGTH;
    /** RFC 1122 3.2.1.7: the default TTL SHOULD be configurable; 64 is today's common value. */
    public static final int DEFAULT_TTL = 64;
    private static final String LAYER = "ipv4";

    /** Reassembly key (RFC 791 section 3.2: source, destination, protocol, identification). */
    record FragmentKey(int src, int dst, int protocol, int identification) { }

    private final List<NetworkInterface> interfaces;
    private final IntFunction<Arp> arpOf;
    private final RoutingTable<Ipv4Address> routes = new RoutingTable<>((a, p, len) -> a.inPrefix(p, len));
    /** RFC 1191; 68 is the smallest MTU IPv4 allows (RFC 791), entries live 10 minutes. */
    private final PathMtuCache<Integer> pathMtu = new PathMtuCache<>(68, 600_000_000_000L, 4096);
    private final Reassembler<FragmentKey> reassembler;
    private final Ipv4ProtocolHandler[] handlers = new Ipv4ProtocolHandler[256];
    private final Ipv4Packet view = new Ipv4Packet();
    private final Ipv4Packet reassembledView = new Ipv4Packet();
    private final EventTrace trace;
    private Ipv4ErrorSink errors = Ipv4ErrorSink.NONE;
    private GroupListener groupListener = GroupListener.NONE;
    private RawListener rawListener = RawListener.NONE;
    private int nextIdentification;
    /** The latest time seen on input or output, for ageing path MTU entries in {@link #path}. */
    private long lastNow;
    /** Bumped when a path MTU is learned: with the routing table's version, marks cached paths stale. */
    private int pathMtuVersion;

    private final Counter rxPackets;
    private final Counter rxDelivered;
    private final Counter txPackets;
    private final Counter txFragments;
    private final Counter[] dropMalformed;
    private final Counter dropBadChecksum;
    private final Counter dropBadSource;
    private final Counter dropNotForUs;
    private final Counter dropUnknownProtocol;
    private final Counter dropNoRoute;
    private final Counter dropLinkBroadcast;
    private final Counter dropTooBig;

    public Ipv4(List<NetworkInterface> interfaces, IntFunction<Arp> arpOf, TimerWheel timers, ByteBufAllocator allocator,
                RandomGenerator random, Counters counters, EventTrace trace) {
        this.interfaces = interfaces;
        this.arpOf = arpOf;
        this.trace = trace;
        this.nextIdentification = random.nextInt(0x10000);
        this.reassembler = new Reassembler<>(LAYER, timers, ReassemblyConfig.IPV4, allocator, counters,
                (key, header, data, now) -> {
                    if (header != null) {
                        errors.reassemblyTimedOut(header, data, now);
                    }
                });
        rxPackets = counters.counter("ipv4.rx.packets");
        rxDelivered = counters.counter("ipv4.rx.delivered");
        txPackets = counters.counter("ipv4.tx.packets");
        txFragments = counters.counter("ipv4.tx.fragments");
        dropMalformed = new Counter[WireError.values().length];
        for (WireError e : WireError.values()) {
            dropMalformed[e.ordinal()] = counters.drop(LAYER, e.reason());
        }
        dropBadChecksum = dropMalformed[WireError.BAD_CHECKSUM.ordinal()];
        dropBadSource = counters.drop(LAYER, "bad_source_address");
        dropNotForUs = counters.drop(LAYER, "not_for_us");
        dropUnknownProtocol = counters.drop(LAYER, "unknown_protocol");
        dropNoRoute = counters.drop(LAYER, "no_route");
        dropLinkBroadcast = counters.drop(LAYER, "unicast_in_link_broadcast");
        dropTooBig = counters.drop(LAYER, "fragment_too_big");
    }

    /** Registers the handler of an upper-layer protocol number. */
    public void register(int protocol, Ipv4ProtocolHandler handler) {
        handlers[protocol] = handler;
    }

    /**
     * Raw IP sockets (RFC 1122 3.2.1: the IP layer hands a datagram to "the appropriate
     * transport protocol"; raw sockets are the BSD and Winsock way to be that protocol in an
     * application). Told of every datagram delivered to this host, before its protocol handler.
     */
    public interface RawListener {
        RawListener NONE = (iface, p, cast, now) -> false;

        /** Copies what it keeps; true if at least one raw socket took the datagram. */
        boolean deliver(NetworkInterface iface, Ipv4Packet p, Cast cast, long now);
    }

    public void setRawListener(RawListener listener) {
        this.rawListener = listener;
    }

    /** Where ICMP errors about received datagrams are reported (set by ICMP). */
    public void setErrorSink(Ipv4ErrorSink sink) {
        this.errors = sink;
    }

    public RoutingTable<Ipv4Address> routes() {
        return routes;
    }

    public Reassembler<FragmentKey> reassembler() {
        return reassembler;
    }

    // ------------------------------------------------------------------ input

    /** Handles an IPv4 packet at {@code offset} in a received frame (borrowed), sent to our unicast MAC. */
    public void receive(NetworkInterface iface, ByteBuf frame, int offset, int length, long now) {
        receive(iface, frame, offset, length, false, now);
    }

    /**
     * Handles an IPv4 packet at {@code offset} in a received frame (borrowed).
     *
     * @param linkMulticast the frame was sent to a broadcast or multicast MAC address
     */
    public void receive(NetworkInterface iface, ByteBuf frame, int offset, int length, boolean linkMulticast,
                        long now) {
        lastNow = now;
        rxPackets.increment();
        Ipv4Packet p = view.wrap(frame, offset, length);
        WireError e = p.check();
        if (!e.ok()) {
            drop(dropMalformed[e.ordinal()], e, now);
            return;
        }
        if (!iface.device().capabilities().rxChecksumVerified() && !p.verifyChecksum()) {
            drop(dropBadChecksum, WireError.BAD_CHECKSUM, now);
            return;
        }
        int src = p.srcAddr();
        // RFC 1122 3.2.1.3: a source that is broadcast, multicast or loopback is discarded.
        if (src == -1 || isMulticast(src) || (src >>> 24) == 127 || iface.isIpv4SubnetBroadcast(src)) {
            drop(dropBadSource, "bad_source_address", now);
            return;
        }
        Cast cast = classify(iface, p.dstAddr());
        if (cast == null) {
            drop(dropNotForUs, "not_for_us", now);
            return;
        }
        if (cast == Cast.UNICAST && linkMulticast) {
            // RFC 1122 3.3.6: a unicast datagram received as a link-layer broadcast SHOULD be
            // discarded (and 3.2.2 forbids answering it with an ICMP error).
            drop(dropLinkBroadcast, "unicast_in_link_broadcast", now);
            return;
        }
        if (p.optionsLength() > 0) {
            WireError oe = p.checkOptions();
            if (!oe.ok()) {
                // RFC 1122 3.2.2.5: a host SHOULD send Parameter Problem for a bad option.
                drop(dropMalformed[oe.ordinal()], oe, now);
                if (cast == Cast.UNICAST) {
                    errors.parameterProblem(iface, p, Ipv4Packet.MIN_HEADER_LENGTH, now);
                }
                return;
            }
        }
        if (p.isFragment()) {
            reassemble(iface, p, cast, now);
            return;
        }
        deliver(iface, p, cast, now);
    }

    /** Is the datagram for us, and how (RFC 1122 3.2.1.3, 3.3.6)? Null if not for us. */
    private Cast classify(NetworkInterface iface, int dst) {
        if (dst == -1 || iface.isIpv4SubnetBroadcast(dst)) {
            return Cast.BROADCAST;
        }
        if (isMulticast(dst)) {
            return iface.acceptsIpv4Multicast(dst) ? Cast.MULTICAST : null;
        }
        // The weak host model (RFC 1122 3.3.4.2): any of our addresses, on any interface.
        for (int i = 0; i < interfaces.size(); i++) {
            if (interfaces.get(i).hasIpv4(dst)) {
                return Cast.UNICAST;
            }
        }
        return null;
    }

    private void reassemble(NetworkInterface iface, Ipv4Packet p, Cast cast, long now) {
        FragmentKey key = new FragmentKey(p.srcAddr(), p.dstAddr(), p.protocol(), p.identification());
        byte[] header = null;
        if (p.fragmentOffset() == 0) {
            header = new byte[p.headerLength()];
            p.buffer().getBytes(p.offset(), header);
        }
        Reassembler.Outcome outcome = reassembler.offer(key, p.fragmentOffset(), p.moreFragments(), p.buffer(),
                p.payloadOffset(), p.payloadLength(), header, now);
        if (outcome != Reassembler.Outcome.COMPLETE) {
            return;
        }
        ByteBuf whole = reassembler.takeCompleted();
        try {
            if (whole.readableBytes() > Ipv4Packet.MAX_TOTAL_LENGTH) {
                // A first fragment with options leaves less room than the reassembler allows.
                drop(dropTooBig, "fragment_too_big", now);
                return;
            }
            // Rewrite the first fragment's header as that of an unfragmented datagram: the
            // whole length, no MF, offset 0. The header checksum is not needed past this point.
            whole.setShort(2, whole.readableBytes());
            whole.setShort(6, whole.getUnsignedShort(6) & 0x4000);
            Ipv4Packet r = reassembledView.wrap(whole, 0, whole.readableBytes());
            WireError e = r.check();
            if (e.ok()) {
                deliver(iface, r, cast, now);
            } else {
                drop(dropMalformed[e.ordinal()], e, now);
            }
        } finally {
            whole.release();
        }
    }

    private void deliver(NetworkInterface iface, Ipv4Packet p, Cast cast, long now) {
        Ipv4ProtocolHandler h = handlers[p.protocol()];
        // Raw sockets get their copy first (the handler may rewrite the buffer when it answers).
        boolean raw = rawListener.deliver(iface, p, cast, now);
        if (h == null && raw) {
            // A raw socket serves the protocol: no Protocol Unreachable (as BSD's rip_input).
            rxDelivered.increment();
            return;
        }
        if (h == null) {
            drop(dropUnknownProtocol, "unknown_protocol", now);
            if (cast == Cast.UNICAST) {
                errors.protocolUnreachable(iface, p, now);
            }
            return;
        }
        rxDelivered.increment();
        h.receive(iface, p, cast, now);
    }

    // ------------------------------------------------------------------ output

    /**
     * Chooses the interface, source address and next hop for a datagram to {@code dst}
     * (RFC 1122 3.3.1; source selection 3.3.4.3). {@code boundSrc} is the socket's bound address or
     * 0; {@code via} restricts the interface (multicast interface option) or is null.
     *
     * @return the path, or null if there is no route (or no usable source address)
     */
    public Ipv4Path path(int dst, int boundSrc, NetworkInterface via) {
        int first = dst >>> 24;
        if (first == 0 || first == 127 || (dst != -1 && (dst >>> 28) == 0xF)) {
            // RFC 1122 3.2.1.3 (a), (g): "this network", loopback and class E addresses never
            // leave the host (and there is no loopback interface here).
            return null;
        }
        if (dst == -1) {
            NetworkInterface out = via != null ? via : firstWithAddress(boundSrc);
            if (out == null) {
                return null;
            }
            return new Ipv4Path(out, sourceFor(out, boundSrc, dst), dst, new Ipv4Address(dst),
                    MacAddress.BROADCAST.bits(), out.mtu());
        }
        if (isMulticast(dst)) {
            NetworkInterface out = via != null ? via : routeInterface(dst);
            if (out == null) {
                return null;
            }
            return new Ipv4Path(out, sourceFor(out, boundSrc, dst), dst, new Ipv4Address(dst),
                    MacAddress.ofIpv4Multicast(dst).bits(), out.mtu());
        }
        Ipv4Address dstAddr = new Ipv4Address(dst);
        Route<Ipv4Address> r = via != null ? routes.lookup(dstAddr, via) : routes.lookup(dstAddr);
        if (r == null) {
            return null;
        }
        NetworkInterface out = r.iface();
        int src = sourceFor(out, boundSrc, dst);
        if (src == 0) {
            return null;
        }
        long mac = out.isIpv4SubnetBroadcast(dst) ? MacAddress.BROADCAST.bits() : -1;
        return new Ipv4Path(out, src, dst, r.nextHop(dstAddr), mac, pathMtu.mtu(dst, out.mtu(), lastNow));
    }

    /**
     * Changes whenever a path computed by {@link #path} may have changed: a route was added or
     * removed (addresses come with their on-link routes) or a path MTU was learned. A sender
     * that keeps a path checks this (and re-asks now and then, since learned MTUs expire).
     */
    public int pathVersion() {
        return routes.version() * 31 + pathMtuVersion;
    }

    private NetworkInterface routeInterface(int dst) {
        Route<Ipv4Address> r = routes.lookup(new Ipv4Address(dst));
        return r != null ? r.iface() : (interfaces.isEmpty() ? null : interfaces.get(0));
    }

    private NetworkInterface firstWithAddress(int boundSrc) {
        for (NetworkInterface i : interfaces) {
            if (boundSrc != 0 ? i.hasIpv4(boundSrc) : !i.ipv4Addresses().isEmpty()) {
                return i;
            }
        }
        return interfaces.isEmpty() ? null : interfaces.get(0);
    }

    private static int sourceFor(NetworkInterface out, int boundSrc, int dst) {
        if (boundSrc != 0) {
            return boundSrc;
        }
        Ipv4InterfaceAddress a = out.preferredIpv4Source(dst);
        return a == null ? 0 : a.bits();
    }

    /**
     * A frame for a datagram with {@code payloadLength} octets of upper-layer data, which the
     * caller writes at {@link #PAYLOAD_OFFSET}. The caller owns it until {@link #send}.
     */
    public ByteBuf allocate(NetworkInterface iface, int payloadLength) {
        return iface.newFrame(EtherType.IPV4, Ipv4Packet.MIN_HEADER_LENGTH + payloadLength);
    }

    /**
     * Sends the datagram whose payload is in {@code frame} (from {@link #allocate}) along
     * {@code path}, fragmenting it when it exceeds the path MTU (RFC 791 section 3.2) unless
     * {@code dontFragment}. Takes ownership of the frame.
     */
    public SocketError send(Ipv4Path path, ByteBuf frame, int protocol, int ttl, int tos, boolean dontFragment,
                            long now) {
        lastNow = now;
        int payloadLength = frame.readableBytes() - PAYLOAD_OFFSET;
        if (Ipv4Packet.MIN_HEADER_LENGTH + payloadLength <= sendLimit(path)) {
            Ipv4Repr.emitHeader(frame, EthernetFrame.HEADER_LENGTH, path.src(), path.dst(), protocol, payloadLength,
                    ttl, tos, identification(dontFragment), dontFragment, false, 0);
            txPackets.increment();
            transmit(path, frame, now);
            return SocketError.OK;
        }
        if (dontFragment) {
            frame.release();
            return SocketError.MESSAGE_TOO_BIG;
        }
        if (Ipv4Packet.MIN_HEADER_LENGTH + payloadLength > Ipv4Packet.MAX_TOTAL_LENGTH) {
            frame.release();
            return SocketError.MESSAGE_TOO_BIG;
        }
        fragment(path, frame, payloadLength, protocol, ttl, tos, now);
        return SocketError.OK;
    }

    /**
     * The largest datagram sent unfragmented: the path MTU, or for a TCP super-frame that the
     * device segments (TSO, {@link NetworkInterface#txSegmentSize()}) the largest IPv4 datagram;
     * the device then sends segments that fit the MTU, each with DF set.
     */
    private static int sendLimit(Ipv4Path path) {
        return path.iface().txSegmentSize() > 0 ? Ipv4Packet.MAX_TOTAL_LENGTH : path.mtu();
    }

    /**
     * Sends a small datagram whose header carries IP options (IGMP's Router Alert, RFC 2113 and
     * RFC 3376 section 4) along {@code path}: never fragmented (DF set, Identification 0 as for
     * any atomic datagram, RFC 6864). The message is copied; the caller keeps it.
     *
     * @param options the raw options area (at most 40 octets; padded to 32 bits here)
     */
    public SocketError sendWithOptions(Ipv4Path path, byte[] options, int protocol, int ttl, int tos, ByteBuf message,
                                       long now) {
        lastNow = now;
        int length = message.readableBytes();
        Ipv4Repr header = new Ipv4Repr(new Ipv4Address(path.src()), new Ipv4Address(path.dst()), protocol, length, ttl,
                tos >>> 2, tos & 3, 0, true, false, 0, options);
        if (header.totalLength() > path.mtu()) {
            return SocketError.MESSAGE_TOO_BIG;
        }
        ByteBuf frame = path.iface().newFrame(EtherType.IPV4, header.totalLength());
        header.emit(frame, EthernetFrame.HEADER_LENGTH);
        frame.setBytes(EthernetFrame.HEADER_LENGTH + header.bufferLength(), message, message.readerIndex(), length);
        txPackets.increment();
        transmit(path, frame, now);
        return SocketError.OK;
    }

    /**
     * Sends a datagram whose IPv4 header the application wrote (IP_HDRINCL) at
     * {@code EthernetFrame.HEADER_LENGTH} in {@code frame} (from {@link NetworkInterface#newFrame}),
     * along {@code path}. As Windows and Linux do, the stack fills Total Length, a zero
     * Identification, a zero Source Address (with the path's source) and always the Header
     * Checksum (RFC 791 section 3.1); the caller checked that the header is well formed and
     * that the datagram fits the MTU. Takes ownership of the frame.
     */
    public SocketError sendHeaderIncluded(Ipv4Path path, ByteBuf frame, long now) {
        lastNow = now;
        int ip = EthernetFrame.HEADER_LENGTH;
        int headerLength = (frame.getUnsignedByte(ip) & 0x0F) * 4;
        frame.setShort(ip + 2, frame.readableBytes() - ip);
        if (frame.getUnsignedShort(ip + 4) == 0) {
            boolean df = (frame.getUnsignedShort(ip + 6) & 0x4000) != 0;
            frame.setShort(ip + 4, identification(df));
        }
        if (frame.getInt(ip + 12) == 0) {
            frame.setInt(ip + 12, path.src());
        }
        frame.setShort(ip + 10, 0);
        frame.setShort(ip + 10, InternetChecksum.compute(frame, ip, headerLength));
        txPackets.increment();
        transmit(path, frame, now);
        return SocketError.OK;
    }

    /** RFC 791 section 3.2 "Fragmentation": chunks of (MTU - header) rounded down to 8 octets. */
    private void fragment(Ipv4Path path, ByteBuf frame, int payloadLength, int protocol, int ttl, int tos, long now) {
        int chunk = (path.maxPayload()) & ~7;
        int id = identification(false);
        try {
            for (int offset = 0; offset < payloadLength; offset += chunk) {
                int len = Math.min(chunk, payloadLength - offset);
                boolean more = offset + len < payloadLength;
                ByteBuf f = allocate(path.iface(), len);
                f.setBytes(PAYLOAD_OFFSET, frame, PAYLOAD_OFFSET + offset, len);
                Ipv4Repr.emitHeader(f, EthernetFrame.HEADER_LENGTH, path.src(), path.dst(), protocol, len, ttl, tos,
                        id, false, more, offset);
                txFragments.increment();
                transmit(path, f, now);
            }
            txPackets.increment();
        } finally {
            frame.release();
        }
    }

    private void transmit(Ipv4Path path, ByteBuf frame, long now) {
        if (path.dstMac() >= 0) {
            path.iface().transmit(frame, path.dstMac());
        } else {
            arpOf.apply(path.iface().index()).cache().send(path.nextHop(), frame, now);
        }
    }

    /**
     * The Identification field. RFC 6864 section 4.1: only datagrams that may be fragmented need
     * unique values; atomic ones (DF set, unfragmented) may carry any, and we use 0 for them.
     */
    private int identification(boolean atomic) {
        if (atomic) {
            return 0;
        }
        nextIdentification = (nextIdentification + 1) & 0xFFFF;
        return nextIdentification;
    }

    /**
     * Joins an IPv4 group on an interface for a local member (reference counted). The group
     * management protocol, when present, is told so it can send reports (RFC 1112, RFC 3376).
     */
    public void joinGroup(NetworkInterface iface, int group) {
        boolean first = !iface.acceptsIpv4Multicast(group);
        iface.joinIpv4Group(group);
        if (first) {
            groupListener.joined(iface, group);
        }
    }

    public void leaveGroup(NetworkInterface iface, int group) {
        iface.leaveIpv4Group(group);
        if (!iface.acceptsIpv4Multicast(group)) {
            groupListener.left(iface, group);
        }
    }

    /** Told when an interface's group membership starts or ends (IGMP implements it). */
    public interface GroupListener {
        GroupListener NONE = new GroupListener() { };

        default void joined(NetworkInterface iface, int group) {
        }

        default void left(NetworkInterface iface, int group) {
        }
    }

    public void setGroupListener(GroupListener listener) {
        this.groupListener = listener;
    }

    /**
     * Lowers the path MTU to {@code dst} after an ICMP "fragmentation needed" (RFC 1191).
     *
     * @return the path MTU now in force
     */
    public int updatePathMtu(int dst, int mtu, long now) {
        Route<Ipv4Address> r = routes.lookup(new Ipv4Address(dst));
        int linkMtu = r == null ? 1500 : r.iface().mtu();
        pathMtuVersion++;
        return pathMtu.update(dst, mtu, linkMtu, now);
    }

    /** The path MTU to {@code dst} (the link MTU unless a smaller one was learned). */
    public int pathMtu(int dst, long now) {
        Route<Ipv4Address> r = routes.lookup(new Ipv4Address(dst));
        return pathMtu.mtu(dst, r == null ? 1500 : r.iface().mtu(), now);
    }

    /** True if {@code addr} is one of our usable unicast addresses, on any interface. */
    public boolean isLocalAddress(int addr) {
        for (int i = 0; i < interfaces.size(); i++) {
            if (interfaces.get(i).hasIpv4(addr)) {
                return true;
            }
        }
        return false;
    }

    /** True if {@code addr} is a broadcast address of any of our interfaces. */
    public boolean isBroadcastForUs(int addr) {
        if (addr == -1) {
            return true;
        }
        for (int i = 0; i < interfaces.size(); i++) {
            if (interfaces.get(i).isIpv4SubnetBroadcast(addr)) {
                return true;
            }
        }
        return false;
    }

    /** Adds the on-link route of an interface address (what a kernel does with "ip addr add"). */
    public void addOnLinkRoute(NetworkInterface iface, Ipv4InterfaceAddress a) {
        Ipv4Address prefix = new Ipv4Address(a.bits() & a.netmask());
        routes.add(new Route<>(prefix, a.prefixLength(), null, iface, 0));
    }

    /** Adds a default route via {@code gateway} on {@code iface}. */
    public void addDefaultRoute(NetworkInterface iface, Ipv4Address gateway) {
        routes.add(new Route<>(Ipv4Address.ANY, 0, gateway, iface, 0));
    }

    public static boolean isMulticast(int addr) {
        return (addr & 0xF000_0000) == 0xE000_0000;
    }

    private void drop(Counter c, WireError e, long now) {
        drop(c, e.reason(), now);
    }

    private void drop(Counter c, String reason, long now) {
        c.increment();
        if (trace.enabled()) {
            trace.drop(now, LAYER, reason);
        }
    }
}
