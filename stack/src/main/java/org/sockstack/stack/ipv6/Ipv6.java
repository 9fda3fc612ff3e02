package org.sockstack.stack.ipv6;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.sockstack.stack.iface.Ipv6InterfaceAddress;
import org.sockstack.stack.iface.NetworkInterface;
import org.sockstack.stack.ip.PathMtuCache;
import org.sockstack.stack.ip.Reassembler;
import org.sockstack.stack.ip.ReassemblyConfig;
import org.sockstack.stack.ip.Route;
import org.sockstack.stack.ip.RoutingTable;
import org.sockstack.stack.ipv6.Ipv6ProtocolHandler.Cast;
import org.sockstack.stack.loop.TimerWheel;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.stats.Counter;
import org.sockstack.stack.stats.Counters;
import org.sockstack.stack.stats.EventTrace;
import org.sockstack.stack.wire.EtherType;
import org.sockstack.stack.wire.EthernetFrame;
import org.sockstack.stack.wire.IpProtocol;
import org.sockstack.stack.wire.Ipv6Address;
import org.sockstack.stack.wire.Ipv6FragmentHeader;
import org.sockstack.stack.wire.Ipv6FragmentRepr;
import org.sockstack.stack.wire.Ipv6OptionIterator;
import org.sockstack.stack.wire.Ipv6OptionsHeader;
import org.sockstack.stack.wire.Ipv6Packet;
import org.sockstack.stack.wire.Ipv6Repr;
import org.sockstack.stack.wire.Ipv6RoutingHeader;
import org.sockstack.stack.wire.MacAddress;
import org.sockstack.stack.wire.WireError;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * IPv6 for a host (RFC 8200): input validation, destination filtering, extension header
 * processing, reassembly, demultiplexing to the upper layers, and output with next-hop
 * determination (RFC 4861 section 5.2), source address selection (RFC 6724) and fragmentation.
 * Packets for other hosts are dropped (a host does not forward).
 *
 * <p>Extension headers are processed in the order they appear (RFC 8200 section 4.1):
 * <pre>
 *   IPv6 ─► Hop-by-Hop (first only) ─► Destination Options ─► Routing ─► Fragment ─► ... ─► upper layer
 * </pre>
 * The chain is bounded ({@link #MAX_EXTENSION_HEADERS} headers, {@link #MAX_CHAIN_OCTETS} octets)
 * so a packet of endless headers costs little. Unknown options follow their action bits
 * (section 4.2); a Routing header with Segments Left above zero is refused (a host is not a
 * waypoint; type 0 is deprecated by RFC 5095); fragments are reassembled with the shared
 * {@link Reassembler} (section 4.5, RFC 5722 overlaps, RFC 7112 complete header chain in the
 * first fragment, RFC 6946 atomic fragments processed alone).
 */
public final class Ipv6 {
    /** Where an upper layer writes its message in a frame from {@link #allocate}. */
    public static final int PAYLOAD_OFFSET = EthernetFrame.HEADER_LENGTH + Ipv6Packet.HEADER_LENGTH;
    /** RFC 4861 section 6.3.2 / IANA: the default CurHopLimit (Linux uses 64). */
    public static final int DEFAULT_HOP_LIMIT = 64;
    /** Bounds of one extension header chain (RFC 8504 section 5.3 lets hosts limit them). */
    public static final int MAX_EXTENSION_HEADERS = 8;
    public static final int MAX_CHAIN_OCTETS = 1024;
    /** Per-destination next-hop overrides learned from Redirects (RFC 4861 8.3), bounded. */
    public static final int MAX_REDIRECTS = 64;
    private static final String LAYER = "ipv6";

    /** Reassembly key (RFC 8200 section 4.5: source, destination and Identification). */
    record FragmentKey(Ipv6Address src, Ipv6Address dst, int identification) { }

    /** A destination's first hop learned from a Redirect. */
    private record Redirected(Ipv6Address target, NetworkInterface iface) { }

    private final List<NetworkInterface> interfaces;
    private final Function<NetworkInterface, Ipv6Link> links;
    private final RoutingTable<Ipv6Address> routes = new RoutingTable<>((a, p, len) -> a.inPrefix(p, len));
    /** RFC 8201: never below 1280 (RFC 8200 section 5); entries live 10 minutes. */
    private final PathMtuCache<Ipv6Address> pathMtu = new PathMtuCache<>(Ipv6Packet.MIN_MTU, 600_000_000_000L, 4096);
    private final Reassembler<FragmentKey> reassembler;
    private final Map<Ipv6Address, Redirected> redirects = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Ipv6Address, Redirected> eldest) {
            return size() > MAX_REDIRECTS;
        }
    };
    private final Ipv6ProtocolHandler[] handlers = new Ipv6ProtocolHandler[256];
    private final Ipv6Packet view = new Ipv6Packet();
    private final Ipv6Packet reassembledView = new Ipv6Packet();
    private final Ipv6OptionsHeader optionsView = new Ipv6OptionsHeader();
    private final Ipv6OptionIterator options = new Ipv6OptionIterator();
    private final Ipv6RoutingHeader routingView = new Ipv6RoutingHeader();
    private final Ipv6FragmentHeader fragmentView = new Ipv6FragmentHeader();
    private final RandomGenerator random;
    private final EventTrace trace;
    private Ipv6ErrorSink errors = Ipv6ErrorSink.NONE;
    private GroupListener groupListener = GroupListener.NONE;
    private RawListener rawListener = RawListener.NONE;
    private long lastNow;

    private final Counter rxPackets;
    private final Counter rxDelivered;
    private final Counter rxAtomicFragments;
    private final Counter rxNoNextHeader;
    private final Counter txPackets;
    private final Counter txFragments;
    private final Counter[] dropMalformed;
    private final Counter dropBadSource;
    private final Counter dropNotForUs;
    private final Counter dropTentative;
    private final Counter dropUnknownNextHeader;
    private final Counter dropHopByHopNotFirst;
    private final Counter dropChainTooLong;
    private final Counter dropUnknownOption;
    private final Counter dropRoutingHeader;
    private final Counter dropIncompleteChain;
    private final Counter dropFragmentBadLength;
    private final Counter dropFragmentTooBig;
    private final Counter dropNestedFragment;
    private final Counter dropNoRoute;

    public Ipv6(List<NetworkInterface> interfaces, Function<NetworkInterface, Ipv6Link> links, TimerWheel timers,
                ByteBufAllocator allocator, RandomGenerator random, Counters counters, EventTrace trace) {
        this.interfaces = interfaces;
        this.links = links;
        this.random = random;
        this.trace = trace;
        this.reassembler = new Reassembler<>(LAYER, timers, ReassemblyConfig.IPV6, allocator, counters,
                (key, header, data, now) -> {
                    if (header != null) {
                        errors.reassemblyTimedOut(header, data, now);
                    }
                });
        rxPackets = counters.counter("ipv6.rx.packets");
        rxDelivered = counters.counter("ipv6.rx.delivered");
        rxAtomicFragments = counters.counter("ipv6.rx.atomic_fragments");
        rxNoNextHeader = counters.counter("ipv6.rx.no_next_header");
        txPackets = counters.counter("ipv6.tx.packets");
        txFragments = counters.counter("ipv6.tx.fragments");
        dropMalformed = new Counter[WireError.values().length];
        for (WireError e : WireError.values()) {
            dropMalformed[e.ordinal()] = counters.drop(LAYER, e.reason());
        }
        dropBadSource = counters.drop(LAYER, "bad_source_address");
        dropNotForUs = counters.drop(LAYER, "not_for_us");
        dropTentative = counters.drop(LAYER, "tentative_destination");
        dropUnknownNextHeader = counters.drop(LAYER, "unknown_next_header");
        dropHopByHopNotFirst = counters.drop(LAYER, "hop_by_hop_not_first");
        dropChainTooLong = counters.drop(LAYER, "header_chain_too_long");
        dropUnknownOption = counters.drop(LAYER, "unknown_option");
        dropRoutingHeader = counters.drop(LAYER, "routing_header");
        dropIncompleteChain = counters.drop(LAYER, "incomplete_header_chain");
        dropFragmentBadLength = counters.drop(LAYER, "fragment_bad_length");
        dropFragmentTooBig = counters.drop(LAYER, "fragment_too_big");
        dropNestedFragment = counters.drop(LAYER, "nested_fragment");
        dropNoRoute = counters.drop(LAYER, "no_route");
    }

    /** Registers the handler of an upper-layer protocol (Next Header value). */
    public void register(int nextHeader, Ipv6ProtocolHandler handler) {
        handlers[nextHeader] = handler;
    }

    /**
     * Raw IPv6 sockets (RFC 3542 section 3): told of every packet delivered to this host, after
     * its extension headers were processed and before its upper-layer handler.
     */
    public interface RawListener {
        RawListener NONE = (iface, ip, nextHeader, offset, length, cast, now) -> false;

        /**
         * Copies what it keeps; true if at least one raw socket took the packet.
         *
         * @param offset absolute index of the upper-layer data, {@code length} octets long
         */
        boolean deliver(NetworkInterface iface, Ipv6Packet ip, int nextHeader, int offset, int length, Cast cast,
                        long now);
    }

    public void setRawListener(RawListener listener) {
        this.rawListener = listener;
    }

    /** Where ICMPv6 errors about received packets are reported (set by ICMPv6). */
    public void setErrorSink(Ipv6ErrorSink sink) {
        this.errors = sink;
    }

    public RoutingTable<Ipv6Address> routes() {
        return routes;
    }

    public Reassembler<?> reassembler() {
        return reassembler;
    }

    /** The NDP state of an interface, or null if IPv6 is not enabled on it. */
    public Ipv6Link link(NetworkInterface iface) {
        return links.apply(iface);
    }

    // ------------------------------------------------------------------ input

    /**
     * Handles an IPv6 packet at {@code offset} in a received frame (borrowed).
     * {@code linkMulticast} tells whether the frame was sent to a link-layer group address
     * (ICMPv6 errors are not sent about those, RFC 4443 2.4 (e.3)).
     */
    public void receive(NetworkInterface iface, ByteBuf frame, int offset, int length, boolean linkMulticast,
                        long now) {
        lastNow = now;
        rxPackets.increment();
        Ipv6Packet p = view.wrap(frame, offset, length);
        WireError e = p.check();
        if (!e.ok()) {
            drop(dropMalformed[e.ordinal()], e.reason(), now);
            return;
        }
        if (links.apply(iface) == null) {
            drop(dropNotForUs, "not_for_us", now);
            return;
        }
        // RFC 4291 2.7: a multicast address is never a source; 2.5.3: loopback never on a link.
        long srcHi = p.srcAddrHi();
        if ((srcHi >>> 56) == 0xFF || (srcHi == 0 && p.srcAddrLo() == 1)
                || (p.dstAddrHi() == 0 && p.dstAddrLo() == 1)) {
            drop(dropBadSource, "bad_source_address", now);
            return;
        }
        Ipv6Address dst = new Ipv6Address(p.dstAddrHi(), p.dstAddrLo());
        Cast cast = classify(iface, dst, now);
        if (cast == null) {
            return;
        }
        process(iface, p, cast, linkMulticast, false, now);
    }

    /** Is the packet for us, and how? Null (and counted) if not. */
    private Cast classify(NetworkInterface iface, Ipv6Address dst, long now) {
        if (dst.isMulticast()) {
            if (iface.acceptsIpv6Multicast(dst)) {
                return Cast.MULTICAST;
            }
            drop(dropNotForUs, "not_for_us", now);
            return null;
        }
        // The weak host model (RFC 1122 3.3.4.2, which RFC 8504 keeps for IPv6): any interface.
        for (int i = 0; i < interfaces.size(); i++) {
            if (interfaces.get(i).hasIpv6(dst)) {
                return Cast.UNICAST;
            }
        }
        Ipv6InterfaceAddress a = iface.findIpv6(dst);
        if (a != null && a.tentative()) {
            // RFC 4862 5.4: packets to a tentative address are silently discarded.
            drop(dropTentative, "tentative_destination", now);
        } else {
            drop(dropNotForUs, "not_for_us", now);
        }
        return null;
    }

    /** Walks the extension header chain and hands the packet to its upper layer. */
    private void process(NetworkInterface iface, Ipv6Packet p, Cast cast, boolean linkMulticast, boolean reassembled,
                         long now) {
        ByteBuf buf = p.buffer();
        int start = p.payloadOffset();
        int end = start + p.payloadLength();
        int at = start;
        int nh = p.nextHeader();
        int nhIndex = p.offset() + 6; // where the Next Header value that names the current header sits
        for (int headers = 0; ; headers++) {
            if (headers > MAX_EXTENSION_HEADERS || at - start > MAX_CHAIN_OCTETS) {
                drop(dropChainTooLong, "header_chain_too_long", now);
                return;
            }
            switch (nh) {
                case IpProtocol.HOP_BY_HOP, IpProtocol.IPV6_DEST_OPTIONS -> {
                    if (nh == IpProtocol.HOP_BY_HOP && headers > 0) {
                        // RFC 8200 4.1: Hop-by-Hop may only follow the IPv6 header.
                        drop(dropHopByHopNotFirst, "hop_by_hop_not_first", now);
                        errors.parameterProblem(iface, p, PP_UNRECOGNIZED_NEXT_HEADER, nhIndex - p.offset(),
                                linkMulticast, now);
                        return;
                    }
                    Ipv6OptionsHeader h = optionsView.wrap(buf, at, end - at);
                    WireError e = h.check();
                    if (!e.ok()) {
                        drop(dropMalformed[e.ordinal()], e.reason(), now);
                        return;
                    }
                    if (!processOptions(iface, p, h, cast, linkMulticast, now)) {
                        return;
                    }
                    nhIndex = at;
                    nh = h.nextHeader();
                    at = h.payloadOffset();
                }
                case IpProtocol.IPV6_ROUTING -> {
                    Ipv6RoutingHeader h = routingView.wrap(buf, at, end - at);
                    WireError e = h.check();
                    if (!e.ok()) {
                        drop(dropMalformed[e.ordinal()], e.reason(), now);
                        return;
                    }
                    if (h.segmentsLeft() > 0) {
                        // RFC 8200 4.4 / RFC 5095 section 3: a host visits no further segments;
                        // type 0 is treated as unrecognized. Parameter Problem code 0 at Routing Type.
                        drop(dropRoutingHeader, "routing_header", now);
                        errors.parameterProblem(iface, p, PP_ERRONEOUS_HEADER_FIELD, at + 2 - p.offset(),
                                linkMulticast, now);
                        return;
                    }
                    nhIndex = at;
                    nh = h.nextHeader();
                    at = h.payloadOffset();
                }
                case IpProtocol.IPV6_FRAGMENT -> {
                    Ipv6FragmentHeader f = fragmentView.wrap(buf, at, end - at);
                    WireError e = f.check();
                    if (!e.ok()) {
                        drop(dropMalformed[e.ordinal()], e.reason(), now);
                        return;
                    }
                    if (f.isAtomic()) {
                        // RFC 6946 section 4: processed as a non-fragmented packet, never reassembled.
                        rxAtomicFragments.increment();
                        nhIndex = at;
                        nh = f.nextHeader();
                        at = f.payloadOffset();
                    } else if (reassembled) {
                        drop(dropNestedFragment, "nested_fragment", now);
                        return;
                    } else {
                        reassemble(iface, p, f, nhIndex, cast, linkMulticast, now);
                        return;
                    }
                }
                case IpProtocol.IPV6_NO_NEXT_HEADER -> {
                    rxNoNextHeader.increment();
                    return;
                }
                default -> {
                    deliver(iface, p, nh, nhIndex, at, end - at, cast, linkMulticast, now);
                    return;
                }
            }
        }
    }

    /** Parameter Problem codes (RFC 4443 section 3.4, RFC 7112). */
    public static final int PP_ERRONEOUS_HEADER_FIELD = 0;
    public static final int PP_UNRECOGNIZED_NEXT_HEADER = 1;
    public static final int PP_UNRECOGNIZED_OPTION = 2;
    public static final int PP_INCOMPLETE_HEADER_CHAIN = 3;

    /**
     * RFC 8200 section 4.2: padding and known options are skipped; an unknown option's two
     * high-order bits say whether to skip it, discard the packet, or discard and report.
     *
     * @return true to go on with the next header
     */
    private boolean processOptions(NetworkInterface iface, Ipv6Packet p, Ipv6OptionsHeader h, Cast cast,
                                   boolean linkMulticast, long now) {
        WireError e = h.checkOptions();
        if (!e.ok()) {
            drop(dropMalformed[e.ordinal()], e.reason(), now);
            return false;
        }
        Ipv6OptionIterator it = h.options(options);
        while (it.next()) {
            int type = it.type();
            if (isKnownOption(type)) {
                continue;
            }
            switch (Ipv6OptionIterator.action(type)) {
                case Ipv6OptionIterator.ACTION_SKIP -> {
                    continue;
                }
                case Ipv6OptionIterator.ACTION_DISCARD -> drop(dropUnknownOption, "unknown_option", now);
                default -> {
                    // 10: always report; 11: report unless the destination was multicast. ICMPv6
                    // applies the RFC 4443 2.4 (e) rules, which encode exactly this distinction.
                    drop(dropUnknownOption, "unknown_option", now);
                    if (Ipv6OptionIterator.action(type) == Ipv6OptionIterator.ACTION_DISCARD_SEND_ICMP
                            || cast == Cast.UNICAST) {
                        errors.parameterProblem(iface, p, PP_UNRECOGNIZED_OPTION, it.optionOffset() - p.offset(),
                                linkMulticast, now);
                    }
                }
            }
            return false;
        }
        return true;
    }

    private static boolean isKnownOption(int type) {
        return type == Ipv6OptionIterator.PAD1 || type == Ipv6OptionIterator.PADN
                || type == Ipv6OptionIterator.ROUTER_ALERT || type == Ipv6OptionIterator.TUNNEL_ENCAPSULATION_LIMIT;
    }

    private void deliver(NetworkInterface iface, Ipv6Packet p, int nh, int nhIndex, int at, int length, Cast cast,
                         boolean linkMulticast, long now) {
        Ipv6ProtocolHandler h = handlers[nh];
        if (rawListener.deliver(iface, p, nh, at, length, cast, now) && h == null) {
            // A raw socket serves this Next Header: no Parameter Problem (RFC 3542 section 3).
            rxDelivered.increment();
            return;
        }
        if (h == null) {
            // RFC 8200 section 4: Parameter Problem code 1 pointing at the unrecognized value.
            drop(dropUnknownNextHeader, "unknown_next_header", now);
            errors.parameterProblem(iface, p, PP_UNRECOGNIZED_NEXT_HEADER, nhIndex - p.offset(), linkMulticast, now);
            return;
        }
        rxDelivered.increment();
        h.receive(iface, p, at, length, cast, now);
    }

    // ------------------------------------------------------------------ reassembly

    private void reassemble(NetworkInterface iface, Ipv6Packet p, Ipv6FragmentHeader f, int nhIndex, Cast cast,
                            boolean linkMulticast, long now) {
        int dataLength = f.payloadLength();
        if (f.moreFragments() && (dataLength == 0 || (dataLength & 7) != 0)) {
            // RFC 8200 4.5: not a multiple of 8 octets with M=1: Parameter Problem code 0 at Payload Length.
            drop(dropFragmentBadLength, "fragment_bad_length", now);
            errors.parameterProblem(iface, p, PP_ERRONEOUS_HEADER_FIELD, 4, linkMulticast, now);
            return;
        }
        if (f.fragmentOffset() + dataLength > 65_535) {
            // RFC 8200 4.5: past 65,535 octets: Parameter Problem code 0 at the Fragment Offset.
            drop(dropFragmentTooBig, "fragment_too_big", now);
            errors.parameterProblem(iface, p, PP_ERRONEOUS_HEADER_FIELD, f.offset() + 2 - p.offset(), linkMulticast,
                    now);
            return;
        }
        byte[] header = null;
        if (f.fragmentOffset() == 0) {
            if (!headerChainComplete(p.buffer(), f.nextHeader(), f.payloadOffset(), f.payloadOffset() + dataLength)) {
                // RFC 7112 section 5: the first fragment lacks the upper-layer header.
                drop(dropIncompleteChain, "incomplete_header_chain", now);
                errors.parameterProblem(iface, p, PP_INCOMPLETE_HEADER_CHAIN, 0, linkMulticast, now);
                return;
            }
            // The unfragmentable part, with the Next Header that named the Fragment header now
            // naming what followed it: the header of the reassembled packet (RFC 8200 4.5).
            header = new byte[f.offset() - p.offset()];
            p.buffer().getBytes(p.offset(), header);
            header[nhIndex - p.offset()] = (byte) f.nextHeader();
        }
        FragmentKey key = new FragmentKey(new Ipv6Address(p.srcAddrHi(), p.srcAddrLo()),
                new Ipv6Address(p.dstAddrHi(), p.dstAddrLo()), f.identification());
        Reassembler.Outcome outcome = reassembler.offer(key, f.fragmentOffset(), f.moreFragments(), p.buffer(),
                f.payloadOffset(), dataLength, header, now);
        if (outcome != Reassembler.Outcome.COMPLETE) {
            return;
        }
        ByteBuf whole = reassembler.takeCompleted();
        try {
            int payloadLength = whole.readableBytes() - Ipv6Packet.HEADER_LENGTH;
            if (payloadLength > 0xFFFF) {
                drop(dropFragmentTooBig, "fragment_too_big", now);
                return;
            }
            whole.setShort(4, payloadLength);
            Ipv6Packet r = reassembledView.wrap(whole, 0, whole.readableBytes());
            if (r.check().ok()) {
                process(iface, r, cast, linkMulticast, true, now);
            }
        } finally {
            whole.release();
        }
    }

    /**
     * RFC 7112 section 5: does the chain starting with {@code nh} at {@code at} reach an upper-layer
     * header (or No Next Header) within {@code end}? The upper-layer header must be there whole.
     */
    static boolean headerChainComplete(ByteBuf buf, int nh, int at, int end) {
        for (int n = 0; n <= MAX_EXTENSION_HEADERS; n++) {
            int length;
            switch (nh) {
                case IpProtocol.HOP_BY_HOP, IpProtocol.IPV6_DEST_OPTIONS, IpProtocol.IPV6_ROUTING -> {
                    if (at + 2 > end) {
                        return false;
                    }
                    length = (buf.getUnsignedByte(at + 1) + 1) * 8;
                }
                case IpProtocol.AH -> {
                    if (at + 2 > end) {
                        return false;
                    }
                    length = (buf.getUnsignedByte(at + 1) + 2) * 4; // RFC 4302 section 2.2
                }
                case IpProtocol.IPV6_FRAGMENT -> length = Ipv6FragmentHeader.LENGTH;
                case IpProtocol.IPV6_NO_NEXT_HEADER -> {
                    return true;
                }
                default -> {
                    return at + upperLayerHeaderLength(nh) <= end;
                }
            }
            if (at + length > end) {
                return false;
            }
            nh = buf.getUnsignedByte(at);
            at += length;
        }
        return false;
    }

    private static int upperLayerHeaderLength(int protocol) {
        return switch (protocol) {
            case IpProtocol.TCP -> 20;
            case IpProtocol.UDP, IpProtocol.ICMPV6 -> 8;
            default -> 1;
        };
    }

    // ------------------------------------------------------------------ output

    /**
     * Chooses the interface, source address and next hop for a packet to {@code dst}: RFC 4861
     * section 5.2 next-hop determination (Redirect overrides, then the longest on-link prefix or
     * route, then a default router) and RFC 6724 source selection.
     *
     * @param boundSrc the socket's bound address, or null / :: for "any"
     * @param via      restricts the interface (the zone of a link-local address, a multicast
     *                 interface option, a reply on the receiving interface), or null
     * @return the path, or null if there is no route or no usable source address
     */
    public Ipv6Path path(Ipv6Address dst, Ipv6Address boundSrc, NetworkInterface via) {
        NetworkInterface out;
        Ipv6Address nextHop;
        long mac = -1;
        if (dst.isMulticast()) {
            out = via != null ? via : firstEnabled();
            nextHop = dst;
            mac = MacAddress.ofIpv6Multicast(dst).bits();
        } else if (dst.isLinkLocal()) {
            // RFC 4007 section 6: a link-local destination belongs to one zone (interface).
            out = via != null ? via : firstEnabled();
            nextHop = dst;
        } else {
            Redirected r = redirects.get(dst);
            if (r != null && (via == null || via == r.iface())) {
                out = r.iface();
                nextHop = r.target();
            } else {
                Route<Ipv6Address> route = via != null ? routes.lookup(dst, via) : routes.lookup(dst);
                if (route != null) {
                    out = route.iface();
                    nextHop = route.nextHop(dst);
                } else {
                    out = null;
                    nextHop = null;
                    for (int i = 0; i < interfaces.size() && nextHop == null; i++) {
                        NetworkInterface candidate = interfaces.get(i);
                        Ipv6Link link = links.apply(candidate);
                        if (link != null && (via == null || via == candidate)) {
                            nextHop = link.defaultRouter(lastNow);
                            out = candidate;
                        }
                    }
                }
            }
        }
        if (out == null || nextHop == null) {
            return null;
        }
        Ipv6Link link = links.apply(out);
        if (link == null) {
            return null;
        }
        Ipv6Address src;
        if (boundSrc != null && !boundSrc.isUnspecified()) {
            src = boundSrc;
        } else {
            Ipv6InterfaceAddress a = SourceAddressSelection.select(out.ipv6Addresses(), dst);
            if (a == null) {
                return null;
            }
            src = a.address();
        }
        return new Ipv6Path(out, src, dst, nextHop, mac, pathMtu.mtu(dst, link.linkMtu(), lastNow));
    }

    private NetworkInterface firstEnabled() {
        for (int i = 0; i < interfaces.size(); i++) {
            if (links.apply(interfaces.get(i)) != null) {
                return interfaces.get(i);
            }
        }
        return null;
    }

    /** The hop limit to use on {@code path}: CurHopLimit for unicast, 1 for multicast (RFC 3493 5.2). */
    public int hopLimit(Ipv6Path path) {
        if (path.dst().isMulticast()) {
            return 1;
        }
        Ipv6Link link = links.apply(path.iface());
        return link == null ? DEFAULT_HOP_LIMIT : link.curHopLimit();
    }

    /**
     * A frame for a packet with {@code payloadLength} octets of upper-layer data, which the caller
     * writes at {@link #PAYLOAD_OFFSET}. The caller owns it until {@link #send}.
     */
    public ByteBuf allocate(NetworkInterface iface, int payloadLength) {
        return iface.newFrame(EtherType.IPV6, Ipv6Packet.HEADER_LENGTH + payloadLength);
    }

    /**
     * Sends the packet whose payload is in {@code frame} (from {@link #allocate}) along
     * {@code path}, fragmenting it at the source when it exceeds the path MTU (RFC 8200 section
     * 4.5; routers never fragment IPv6). Takes ownership of the frame.
     */
    public SocketError send(Ipv6Path path, ByteBuf frame, int nextHeader, int hopLimit, int trafficClass, long now) {
        lastNow = now;
        int payloadLength = frame.readableBytes() - PAYLOAD_OFFSET;
        if (payloadLength > 0xFFFF) {
            frame.release();
            return SocketError.MESSAGE_TOO_BIG;
        }
        // A TCP super-frame that the device segments (TSO) may exceed the MTU: the device sends
        // segments that fit it.
        if (Ipv6Packet.HEADER_LENGTH + payloadLength <= path.mtu() || path.iface().txSegmentSize() > 0) {
            new Ipv6Repr(path.src(), path.dst(), nextHeader, payloadLength, hopLimit, trafficClass, 0)
                    .emit(frame, EthernetFrame.HEADER_LENGTH);
            txPackets.increment();
            transmit(path, frame, now);
            return SocketError.OK;
        }
        fragment(path, frame, payloadLength, nextHeader, hopLimit, trafficClass, now);
        return SocketError.OK;
    }

    /**
     * RFC 8200 section 4.5: the fragmentable part is cut into pieces of a multiple of 8 octets
     * that fit the path MTU with the IPv6 and Fragment headers; the Identification is random
     * (RFC 7739 section 5: unpredictable, so off-path attackers cannot inject fragments).
     */
    private void fragment(Ipv6Path path, ByteBuf frame, int payloadLength, int nextHeader, int hopLimit,
                          int trafficClass, long now) {
        int chunk = (path.mtu() - Ipv6Packet.HEADER_LENGTH - Ipv6FragmentHeader.LENGTH) & ~7;
        int id = random.nextInt();
        try {
            for (int offset = 0; offset < payloadLength; offset += chunk) {
                int len = Math.min(chunk, payloadLength - offset);
                boolean more = offset + len < payloadLength;
                ByteBuf f = allocate(path.iface(), Ipv6FragmentHeader.LENGTH + len);
                new Ipv6Repr(path.src(), path.dst(), IpProtocol.IPV6_FRAGMENT, Ipv6FragmentHeader.LENGTH + len,
                        hopLimit, trafficClass, 0).emit(f, EthernetFrame.HEADER_LENGTH);
                new Ipv6FragmentRepr(nextHeader, offset, more, id).emit(f, PAYLOAD_OFFSET);
                f.setBytes(PAYLOAD_OFFSET + Ipv6FragmentHeader.LENGTH, frame, PAYLOAD_OFFSET + offset, len);
                txFragments.increment();
                transmit(path, f, now);
            }
            txPackets.increment();
        } finally {
            frame.release();
        }
    }

    private void transmit(Ipv6Path path, ByteBuf frame, long now) {
        if (path.dstMac() >= 0) {
            path.iface().transmit(frame, path.dstMac());
            return;
        }
        Ipv6Link link = links.apply(path.iface());
        if (link == null) {
            frame.release();
            dropNoRoute.increment();
            return;
        }
        link.send(path.nextHop(), frame, now);
    }

    // ------------------------------------------------------------------ routes, redirects, PMTU, groups

    /** Adds the on-link route of a prefix (an address's subnet, or an RA prefix with the L flag). */
    public void addOnLinkRoute(NetworkInterface iface, Ipv6Address prefix, int prefixLength) {
        Ipv6Address p = prefixOf(prefix, prefixLength);
        routes.removeIf((r, i) -> i == iface && r.gateway() == null && r.prefix().equals(p)
                && r.prefixLength() == prefixLength);
        routes.add(new Route<>(p, prefixLength, null, iface, 0));
    }

    public void removeOnLinkRoute(NetworkInterface iface, Ipv6Address prefix, int prefixLength) {
        Ipv6Address p = prefixOf(prefix, prefixLength);
        routes.removeIf((r, i) -> i == iface && r.gateway() == null && r.prefix().equals(p)
                && r.prefixLength() == prefixLength);
    }

    /** Adds a static route via {@code gateway} (a link-local router address, usually). */
    public void addRoute(Ipv6Address prefix, int prefixLength, Ipv6Address gateway, NetworkInterface iface) {
        routes.add(new Route<>(prefixOf(prefix, prefixLength), prefixLength, gateway, iface, 0));
    }

    /** {@code address} with all bits after the first {@code length} cleared. */
    public static Ipv6Address prefixOf(Ipv6Address address, int length) {
        long hiMask = length >= 64 ? -1L : (length == 0 ? 0 : -1L << (64 - length));
        long loMask = length <= 64 ? 0 : (length == 128 ? -1L : -1L << (128 - length));
        return new Ipv6Address(address.hi() & hiMask, address.lo() & loMask);
    }

    /** RFC 4861 section 8.3: packets to {@code destination} go to {@code target} from now on. */
    public void redirect(Ipv6Address destination, Ipv6Address target, NetworkInterface iface) {
        redirects.put(destination, new Redirected(target, iface));
    }

    /** The first hop currently used for {@code destination}, or null if there is no route. */
    public Ipv6Address firstHop(Ipv6Address destination, NetworkInterface iface) {
        Ipv6Path p = path(destination, null, iface);
        return p == null ? null : p.nextHop();
    }

    /** Forgets redirects through {@code router} (it stopped being a router, RFC 4861 7.2.5). */
    public void forgetRedirectsVia(Ipv6Address router) {
        redirects.values().removeIf(r -> r.target().equals(router));
    }

    public int redirectCount() {
        return redirects.size();
    }

    /**
     * Lowers the path MTU to {@code dst} after a Packet Too Big (RFC 8201 section 4); never
     * below 1280.
     *
     * @return the path MTU now in force
     */
    public int updatePathMtu(Ipv6Address dst, long mtu, long now) {
        return pathMtu.update(dst, (int) Math.min(mtu, Integer.MAX_VALUE), linkMtuTowards(dst), now);
    }

    /** The path MTU to {@code dst} (the link MTU unless a smaller one was learned). */
    public int pathMtu(Ipv6Address dst, long now) {
        return pathMtu.mtu(dst, linkMtuTowards(dst), now);
    }

    private int linkMtuTowards(Ipv6Address dst) {
        Route<Ipv6Address> r = routes.lookup(dst);
        NetworkInterface out = r != null ? r.iface() : firstEnabled();
        Ipv6Link link = out == null ? null : links.apply(out);
        return link == null ? Ipv6Packet.MIN_MTU : link.linkMtu();
    }

    /**
     * Joins an IPv6 group on an interface (reference counted). The group management protocol,
     * when present, is told so it can report (MLD, RFC 3810).
     */
    public void joinGroup(NetworkInterface iface, Ipv6Address group) {
        boolean first = !iface.acceptsIpv6Multicast(group);
        iface.joinIpv6Group(group);
        if (first) {
            groupListener.joined(iface, group);
        }
    }

    public void leaveGroup(NetworkInterface iface, Ipv6Address group) {
        iface.leaveIpv6Group(group);
        if (!iface.acceptsIpv6Multicast(group)) {
            groupListener.left(iface, group);
        }
    }

    /** Told when an interface's IPv6 group membership starts or ends (MLD implements it). */
    public interface GroupListener {
        GroupListener NONE = new GroupListener() { };

        default void joined(NetworkInterface iface, Ipv6Address group) {
        }

        default void left(NetworkInterface iface, Ipv6Address group) {
        }
    }

    public void setGroupListener(GroupListener listener) {
        this.groupListener = listener;
    }

    /** True if {@code addr} is one of our usable addresses on any interface. */
    public boolean isLocal(Ipv6Address addr) {
        for (int i = 0; i < interfaces.size(); i++) {
            if (interfaces.get(i).hasIpv6(addr)) {
                return true;
            }
        }
        return false;
    }

    private void drop(Counter c, String reason, long now) {
        c.increment();
        if (trace.enabled()) {
            trace.drop(now, LAYER, reason);
        }
    }
}
