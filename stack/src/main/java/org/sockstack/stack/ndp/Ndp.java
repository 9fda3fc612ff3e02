package org.sockstack.stack.ndp;

import io.netty.buffer.ByteBuf;
import org.sockstack.stack.iface.Ipv6InterfaceAddress;
import org.sockstack.stack.iface.Ipv6InterfaceAddress.Origin;
import org.sockstack.stack.iface.Ipv6InterfaceAddress.State;
import org.sockstack.stack.iface.NetworkInterface;
import org.sockstack.stack.ipv6.Ipv6;
import org.sockstack.stack.ipv6.Ipv6Link;
import org.sockstack.stack.ipv6.Ipv6ProtocolHandler.Cast;
import org.sockstack.stack.ipv6.SourceAddressSelection;
import org.sockstack.stack.loop.Timer;
import org.sockstack.stack.loop.TimerWheel;
import org.sockstack.stack.neighbor.NeighborCache;
import org.sockstack.stack.neighbor.NeighborConfig;
import org.sockstack.stack.neighbor.NeighborEntry;
import org.sockstack.stack.neighbor.NeighborProtocol;
import org.sockstack.stack.neighbor.NeighborState;
import org.sockstack.stack.stats.Counter;
import org.sockstack.stack.stats.Counters;
import org.sockstack.stack.stats.EventTrace;
import org.sockstack.stack.stats.TraceEvent;
import org.sockstack.stack.wire.EthernetFrame;
import org.sockstack.stack.wire.Icmpv6Packet;
import org.sockstack.stack.wire.IpProtocol;
import org.sockstack.stack.wire.Ipv6Address;
import org.sockstack.stack.wire.Ipv6Packet;
import org.sockstack.stack.wire.Ipv6Repr;
import org.sockstack.stack.wire.MacAddress;
import org.sockstack.stack.wire.NdpOption;
import org.sockstack.stack.wire.NdpRepr;
import org.sockstack.stack.wire.Parsed;
import org.sockstack.stack.wire.WireError;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Neighbor Discovery (RFC 4861) and stateless address autoconfiguration (RFC 4862) on one
 * interface, the host side.
 *
 * <ul>
 *   <li>Address resolution and unreachability detection use the shared {@link NeighborCache}
 *       (section 7.3); this class is its {@link NeighborProtocol}: it sends Neighbor Solicitations
 *       (7.2.2) and feeds received NS/NA into the cache (7.2.3, 7.2.5).</li>
 *   <li>Router discovery: Router Solicitations at start-up (6.3.7), Router Advertisements update
 *       the link parameters, the default router list and the prefix list (6.3.4); default router
 *       selection follows 6.3.6; Redirects override a destination's first hop (8.3).</li>
 *   <li>Every address runs Duplicate Address Detection before use (RFC 4862 5.4); the link-local
 *       address is formed at start, global ones from prefixes with the A flag (5.5.3), with
 *       preferred/valid lifetimes and the two-hour rule.</li>
 * </ul>
 *
 * Every message is validated per sections 6.1 and 7.1 (hop limit 255, code 0, lengths, options)
 * and dropped with an {@code ndp.drop.*} reason otherwise. Every list is bounded ({@link NdpConfig}),
 * so floods of solicitations or advertisements for random addresses and prefixes cannot grow memory.
 * Event loop thread only.
 */
public final class Ndp implements NeighborProtocol<Ipv6Address>, Ipv6Link {
    // RFC 4861 section 10 constants.
    static final long MAX_RTR_SOLICITATION_DELAY = 1_000_000_000L;
    static final long RTR_SOLICITATION_INTERVAL = 4_000_000_000L;
    static final int MAX_RTR_SOLICITATIONS = 3;
    /** RFC 4861 6.2.1: AdvReachableTime is at most 3,600,000 ms. */
    static final long MAX_REACHABLE_TIME_MS = 3_600_000L;
    /** RFC 4862 5.5.3 (e): the two-hour rule. */
    static final long TWO_HOURS = 7_200_000_000_000L;
    /** RFC 7217 section 6: IDGEN_RETRIES. */
    static final int IDGEN_RETRIES = 3;
    static final int HOP_LIMIT = 255;
    private static final Ipv6Address LINK_LOCAL_PREFIX = new Ipv6Address(0xFE80_0000_0000_0000L, 0);
    private static final String LAYER = "ndp";

    private final NetworkInterface iface;
    private final Ipv6 ipv6;
    private final TimerWheel timers;
    private final RandomGenerator random;
    private final NdpConfig config;
    private final EventTrace trace;
    private final NeighborCache<Ipv6Address> cache;
    private final byte[] secretKey;

    private int curHopLimit = Ipv6.DEFAULT_HOP_LIMIT;
    /** RetransTimer (RFC 4861 6.3.2): also the wait after each DAD probe (RFC 4862 5.4). */
    private long retransNanos;
    private int linkMtu;
    private final Map<Ipv6Address, DefaultRouter> routers = new LinkedHashMap<>();
    private final Map<Ipv6Address, OnLinkPrefix> prefixes = new LinkedHashMap<>();
    private final Map<Ipv6InterfaceAddress, AddressTimers> addressTimers = new HashMap<>();
    private final Timer rsTimer;
    private int rsSent;
    private boolean raSeen;
    private int roundRobin;

    private final Counter rxMessages;
    private final Counter rxRouterAdvertisements;
    private final Counter rxNeighborSolicitations;
    private final Counter rxNeighborAdvertisements;
    private final Counter rxRedirects;
    private final Counter txRouterSolicitations;
    private final Counter txNeighborSolicitations;
    private final Counter txNeighborAdvertisements;
    private final Counter dadStarted;
    private final Counter dadSucceeded;
    private final Counter dadDuplicates;
    private final Counter addressesExpired;
    private final Counter[] dropMalformed;
    private final Counter dropBadHopLimit;
    private final Counter dropNotOurTarget;
    private final Counter dropTentativeTarget;
    private final Counter dropMissingSourceLinkLayer;
    private final Counter dropMissingTargetLinkLayer;
    private final Counter dropUnsolicitedAdvertisement;
    private final Counter dropAddressInUseElsewhere;
    private final Counter dropRouterSolicitation;
    private final Counter dropRaBadReachableTime;
    private final Counter dropRaBadRetransTimer;
    private final Counter dropRaMtuTooSmall;
    private final Counter dropRaMtuTooBig;
    private final Counter dropRouterListFull;
    private final Counter dropPrefixLinkLocal;
    private final Counter dropPrefixListFull;
    private final Counter dropPrefixLifetimes;
    private final Counter dropPrefixLength;
    private final Counter dropAddressLimit;
    private final Counter dropRedirectNotFromFirstHop;
    private final Counter dropNoSource;

    /** An entry of the default router list (RFC 4861 section 5.1). */
    private final class DefaultRouter {
        final Ipv6Address address;
        final Timer invalidation;

        DefaultRouter(Ipv6Address address) {
            this.address = address;
            this.invalidation = timers.newTimer("ndp.router", now -> removeRouter(this.address, now));
        }
    }

    /** An entry of the prefix list: an on-link prefix with its invalidation timer (RFC 4861 5.1). */
    private final class OnLinkPrefix {
        final Ipv6Address prefix;
        final int length;
        final Timer invalidation;

        OnLinkPrefix(Ipv6Address prefix, int length) {
            this.prefix = prefix;
            this.length = length;
            this.invalidation = timers.newTimer("ndp.prefix", now -> removePrefix(this, now));
        }
    }

    /** DAD progress and the lifetime timer of one address. */
    private final class AddressTimers {
        final Ipv6InterfaceAddress address;
        final Timer dad;
        final Timer lifetime;
        int probesLeft;

        AddressTimers(Ipv6InterfaceAddress address) {
            this.address = address;
            this.dad = timers.newTimer("ndp.dad", now -> dadTimer(this, now));
            this.lifetime = timers.newTimer("ndp.lifetime", now -> lifetimeTimer(this.address, now));
        }
    }

    public Ndp(NetworkInterface iface, Ipv6 ipv6, TimerWheel timers, NeighborConfig neighborConfig, NdpConfig config,
               RandomGenerator random, Counters counters, EventTrace trace) {
        this.iface = iface;
        this.ipv6 = ipv6;
        this.timers = timers;
        this.random = random;
        this.config = config;
        this.trace = trace;
        this.linkMtu = iface.mtu();
        this.retransNanos = neighborConfig.retransTimer().toNanos();
        this.cache = new NeighborCache<>(LAYER, timers, this, iface::transmit, neighborConfig, random, counters, trace);
        this.rsTimer = timers.newTimer("ndp.rs", this::routerSolicitationTimer);
        if (config.secretKey() != null) {
            secretKey = config.secretKey().clone();
        } else {
            secretKey = new byte[16];
            random.nextBytes(secretKey);
        }
        rxMessages = counters.counter("ndp.rx.messages");
        rxRouterAdvertisements = counters.counter("ndp.rx.router_advertisements");
        rxNeighborSolicitations = counters.counter("ndp.rx.neighbor_solicitations");
        rxNeighborAdvertisements = counters.counter("ndp.rx.neighbor_advertisements");
        rxRedirects = counters.counter("ndp.rx.redirects");
        txRouterSolicitations = counters.counter("ndp.tx.router_solicitations");
        txNeighborSolicitations = counters.counter("ndp.tx.neighbor_solicitations");
        txNeighborAdvertisements = counters.counter("ndp.tx.neighbor_advertisements");
        dadStarted = counters.counter("ndp.dad.started");
        dadSucceeded = counters.counter("ndp.dad.succeeded");
        dadDuplicates = counters.counter("ndp.dad.duplicates");
        addressesExpired = counters.counter("ndp.addresses_expired");
        dropMalformed = new Counter[WireError.values().length];
        for (WireError e : WireError.values()) {
            dropMalformed[e.ordinal()] = counters.drop(LAYER, e.reason());
        }
        dropBadHopLimit = counters.drop(LAYER, "bad_hop_limit");
        dropNotOurTarget = counters.drop(LAYER, "not_our_target");
        dropTentativeTarget = counters.drop(LAYER, "tentative_target");
        dropMissingSourceLinkLayer = counters.drop(LAYER, "missing_source_link_layer");
        dropMissingTargetLinkLayer = counters.drop(LAYER, "missing_target_link_layer");
        dropUnsolicitedAdvertisement = counters.drop(LAYER, "unsolicited_advertisement");
        dropAddressInUseElsewhere = counters.drop(LAYER, "our_address_advertised");
        dropRouterSolicitation = counters.drop(LAYER, "router_solicitation_on_host");
        dropRaBadReachableTime = counters.drop(LAYER, "ra_bad_reachable_time");
        dropRaBadRetransTimer = counters.drop(LAYER, "ra_bad_retrans_timer");
        dropRaMtuTooSmall = counters.drop(LAYER, "ra_mtu_too_small");
        dropRaMtuTooBig = counters.drop(LAYER, "ra_mtu_too_big");
        dropRouterListFull = counters.drop(LAYER, "router_list_full");
        dropPrefixLinkLocal = counters.drop(LAYER, "prefix_link_local");
        dropPrefixListFull = counters.drop(LAYER, "prefix_list_full");
        dropPrefixLifetimes = counters.drop(LAYER, "prefix_preferred_exceeds_valid");
        dropPrefixLength = counters.drop(LAYER, "prefix_length_not_64");
        dropAddressLimit = counters.drop(LAYER, "autoconf_address_limit");
        dropRedirectNotFromFirstHop = counters.drop(LAYER, "redirect_not_from_first_hop");
        dropNoSource = counters.drop(LAYER, "no_source_address");
    }

    public NeighborCache<Ipv6Address> cache() {
        return cache;
    }

    public NetworkInterface iface() {
        return iface;
    }

    // ------------------------------------------------------------------ start-up

    /**
     * Starts IPv6 on the interface: joins all-nodes (RFC 4291 2.8), forms the link-local address
     * fe80::/64 + interface identifier and runs DAD on it (RFC 4862 5.3), and schedules Router
     * Solicitations after a random delay of up to MAX_RTR_SOLICITATION_DELAY (RFC 4861 6.3.7).
     */
    public Ipv6InterfaceAddress start(long now) {
        ipv6.joinGroup(iface, Ipv6Address.ALL_NODES);
        ipv6.addOnLinkRoute(iface, LINK_LOCAL_PREFIX, 64);
        Ipv6InterfaceAddress ll = new Ipv6InterfaceAddress(
                new Ipv6Address(LINK_LOCAL_PREFIX.hi(), interfaceIdentifier(LINK_LOCAL_PREFIX, 0)), 64,
                Origin.LINK_LOCAL);
        addAddress(ll, now);
        if (config.routerSolicitations()) {
            rsTimer.scheduleAfter(now, randomDelay(MAX_RTR_SOLICITATION_DELAY));
        }
        return ll;
    }

    /** Adds a manually configured address (valid and preferred forever); it runs DAD first. */
    public Ipv6InterfaceAddress addStaticAddress(Ipv6Address address, int prefixLength, long now) {
        Ipv6InterfaceAddress a = new Ipv6InterfaceAddress(address, prefixLength, Origin.STATIC);
        addAddress(a, now);
        return a;
    }

    private long interfaceIdentifier(Ipv6Address prefix, int dadCounter) {
        return config.stableIids()
                ? InterfaceIdentifier.stableOpaque(prefix, iface.name(), config.networkId(), dadCounter, secretKey)
                : InterfaceIdentifier.modifiedEui64(iface.mac());
    }

    private long randomDelay(long max) {
        return (long) (random.nextDouble() * max);
    }

    // ------------------------------------------------------------------ Ipv6Link

    @Override
    public void send(Ipv6Address nextHop, ByteBuf frame, long now) {
        cache.send(nextHop, frame, now);
    }

    /**
     * RFC 4861 section 6.3.6: a router that is reachable or probably reachable (any neighbour
     * state but INCOMPLETE) is preferred; otherwise routers are tried round-robin.
     */
    @Override
    public Ipv6Address defaultRouter(long now) {
        if (routers.isEmpty()) {
            return null;
        }
        for (DefaultRouter r : routers.values()) {
            NeighborEntry<Ipv6Address> e = cache.entry(r.address);
            if (e != null && e.state() != NeighborState.INCOMPLETE) {
                return r.address;
            }
        }
        List<Ipv6Address> list = new ArrayList<>(routers.keySet());
        roundRobin = (roundRobin + 1) % list.size();
        return list.get(roundRobin);
    }

    @Override
    public int linkMtu() {
        return linkMtu;
    }

    @Override
    public int curHopLimit() {
        return curHopLimit;
    }

    /** The default router list (for display, like {@code ip -6 route show default}). */
    public List<Ipv6Address> defaultRouters() {
        return List.copyOf(routers.keySet());
    }

    /** On-link prefixes learned from Router Advertisements, as "prefix/length". */
    public List<String> onLinkPrefixes() {
        List<String> out = new ArrayList<>();
        prefixes.values().forEach(p -> out.add(p.prefix + "/" + p.length));
        return out;
    }

    // ------------------------------------------------------------------ input

    /** Handles an NDP message (types 133-137) whose ICMPv6 checksum was verified; views borrowed. */
    public void receive(Ipv6Packet ip, Icmpv6Packet msg, Cast cast, long now) {
        rxMessages.increment();
        // RFC 4861 6.1.1, 6.1.2, 7.1.1, 7.1.2, 8.1: Hop Limit 255 proves the sender is on-link.
        if (ip.hopLimit() != HOP_LIMIT) {
            drop(dropBadHopLimit, "bad_hop_limit", now);
            return;
        }
        WireError e = msg.check();
        if (!e.ok()) {
            drop(dropMalformed[e.ordinal()], e.reason(), now);
            return;
        }
        Ipv6Address src = new Ipv6Address(ip.srcAddrHi(), ip.srcAddrLo());
        Ipv6Address dst = new Ipv6Address(ip.dstAddrHi(), ip.dstAddrLo());
        Parsed<NdpRepr> parsed = NdpRepr.parseChecked(msg, src, dst);
        if (!parsed.ok()) {
            drop(dropMalformed[parsed.error().ordinal()], parsed.error().reason(), now);
            return;
        }
        switch (parsed.value()) {
            case NdpRepr.RouterSolicitation rs -> drop(dropRouterSolicitation, "router_solicitation_on_host", now);
            case NdpRepr.RouterAdvertisement ra -> routerAdvertisement(src, ra, now);
            case NdpRepr.NeighborSolicitation ns -> neighborSolicitation(src, dst, ns, now);
            case NdpRepr.NeighborAdvertisement na -> neighborAdvertisement(na, now);
            case NdpRepr.Redirect r -> redirect(src, r, now);
        }
    }

    /** RFC 4861 7.2.3 and RFC 4862 5.4.3. */
    private void neighborSolicitation(Ipv6Address src, Ipv6Address dst, NdpRepr.NeighborSolicitation ns, long now) {
        rxNeighborSolicitations.increment();
        Ipv6InterfaceAddress target = iface.findIpv6(ns.target());
        if (target == null || target.state() == State.DUPLICATE) {
            // Not ours: nothing is created or kept, so a flood of them costs nothing.
            drop(dropNotOurTarget, "not_our_target", now);
            return;
        }
        if (target.tentative()) {
            if (src.isUnspecified()) {
                // Another node runs DAD for the same address at the same time.
                duplicateDetected(target, "neighbor solicitation from another node's DAD", now);
            } else {
                drop(dropTentativeTarget, "tentative_target", now);
            }
            return;
        }
        MacAddress sll = ns.sourceLinkLayerAddress();
        if (src.isUnspecified()) {
            // RFC 4861 7.2.4: answer DAD of another node to all-nodes, Solicited flag clear.
            sendAdvertisement(target.address(), Ipv6Address.ALL_NODES, false,
                    MacAddress.ofIpv6Multicast(Ipv6Address.ALL_NODES).bits(), now);
            return;
        }
        if (sll != null) {
            cache.onUnsolicited(src, sll.bits(), true, now);
        } else if (dst.isMulticast()) {
            // RFC 4861 4.3: the option MUST be in multicast solicitations (we could not answer).
            drop(dropMissingSourceLinkLayer, "missing_source_link_layer", now);
            return;
        }
        sendAdvertisement(target.address(), src, true, sll != null ? sll.bits() : -1, now);
    }

    /** RFC 4861 7.2.5 and RFC 4862 5.4.4. */
    private void neighborAdvertisement(NdpRepr.NeighborAdvertisement na, long now) {
        rxNeighborAdvertisements.increment();
        Ipv6InterfaceAddress ours = iface.findIpv6(na.target());
        if (ours != null) {
            if (ours.tentative()) {
                duplicateDetected(ours, "neighbor advertisement for it", now);
            } else {
                // RFC 4861 7.2.5 leaves it to the administrator; count and trace it.
                drop(dropAddressInUseElsewhere, "our_address_advertised", now);
                if (trace.enabled()) {
                    trace.record(now, TraceEvent.Kind.INFO, LAYER, "address " + ours.address()
                            + " advertised by another node");
                }
            }
            return;
        }
        NeighborEntry<Ipv6Address> e = cache.entry(na.target());
        if (e == null) {
            // "If no entry exists, the advertisement SHOULD be silently discarded."
            drop(dropUnsolicitedAdvertisement, "unsolicited_advertisement", now);
            return;
        }
        MacAddress tll = na.targetLinkLayerAddress();
        if (tll == null && e.state() == NeighborState.INCOMPLETE) {
            drop(dropMissingTargetLinkLayer, "missing_target_link_layer", now);
            return;
        }
        long mac = tll != null ? tll.bits() : e.mac();
        cache.onAdvertisement(na.target(), mac, na.solicited(), na.override(), now);
        if (!na.router() && routers.containsKey(na.target())) {
            // IsRouter went from true to false: no longer a default router.
            removeRouter(na.target(), now);
        }
    }

    /** RFC 4861 6.3.4: the host side of Router Advertisement processing. */
    private void routerAdvertisement(Ipv6Address src, NdpRepr.RouterAdvertisement ra, long now) {
        rxRouterAdvertisements.increment();
        raSeen = true;
        rsTimer.cancel();
        if (ra.curHopLimit() != 0) {
            curHopLimit = ra.curHopLimit();
        }
        if (ra.reachableTime() != 0) {
            if (ra.reachableTime() > MAX_REACHABLE_TIME_MS) {
                drop(dropRaBadReachableTime, "ra_bad_reachable_time", now);
            } else if (ra.reachableTime() * 1_000_000L != cache.baseReachableTimeNanos()) {
                cache.setBaseReachableTime(ra.reachableTime() * 1_000_000L);
            }
        }
        if (ra.retransTimer() != 0) {
            if (ra.retransTimer() > MAX_REACHABLE_TIME_MS) {
                drop(dropRaBadRetransTimer, "ra_bad_retrans_timer", now);
            } else {
                retransNanos = ra.retransTimer() * 1_000_000L;
                cache.setRetransTimer(retransNanos);
            }
        }
        MacAddress sll = ra.sourceLinkLayerAddress();
        if (sll != null) {
            cache.onUnsolicited(src, sll.bits(), true, now);
        }
        if (ra.routerLifetime() == 0) {
            removeRouter(src, now);
        } else {
            updateRouter(src, ra.routerLifetime(), now);
        }
        for (NdpOption o : ra.options()) {
            switch (o) {
                case NdpOption.Mtu m -> mtuOption(m.mtu(), now);
                case NdpOption.PrefixInformation pi -> prefixInformation(pi, now);
                default -> {
                }
            }
        }
    }

    /** RFC 4861 6.3.4: a valid MTU option sets LinkMTU; RFC 8200 section 5 forbids less than 1280. */
    private void mtuOption(long mtu, long now) {
        if (mtu < Ipv6Packet.MIN_MTU) {
            drop(dropRaMtuTooSmall, "ra_mtu_too_small", now);
        } else if (mtu > iface.mtu()) {
            drop(dropRaMtuTooBig, "ra_mtu_too_big", now);
        } else {
            linkMtu = (int) mtu;
        }
    }

    private void updateRouter(Ipv6Address router, int lifetimeSeconds, long now) {
        DefaultRouter r = routers.get(router);
        if (r == null) {
            if (routers.size() >= config.maxRouters()) {
                drop(dropRouterListFull, "router_list_full", now);
                return;
            }
            r = new DefaultRouter(router);
            routers.put(router, r);
            traceInfo("default router " + router + " added", now);
        }
        r.invalidation.scheduleAfter(now, lifetimeSeconds * 1_000_000_000L);
    }

    private void removeRouter(Ipv6Address router, long now) {
        DefaultRouter r = routers.remove(router);
        if (r != null) {
            r.invalidation.cancel();
            ipv6.forgetRedirectsVia(router);
            traceInfo("default router " + router + " removed", now);
        }
    }

    /** RFC 4861 6.3.4 (on-link, L flag) and RFC 4862 5.5.3 (autonomous, A flag). */
    private void prefixInformation(NdpOption.PrefixInformation pi, long now) {
        if (pi.prefix().isLinkLocal()) {
            drop(dropPrefixLinkLocal, "prefix_link_local", now);
            return;
        }
        if (pi.onLink()) {
            onLinkPrefix(pi, now);
        }
        if (pi.autonomous() && config.autoconf()) {
            autonomousPrefix(pi, now);
        }
    }

    private void onLinkPrefix(NdpOption.PrefixInformation pi, long now) {
        Ipv6Address p = Ipv6.prefixOf(pi.prefix(), pi.prefixLength());
        OnLinkPrefix entry = null;
        for (OnLinkPrefix e : prefixes.values()) {
            if (e.prefix.equals(p) && e.length == pi.prefixLength()) {
                entry = e;
            }
        }
        if (pi.validLifetime() == 0) {
            if (entry != null) {
                removePrefix(entry, now);
            }
            return;
        }
        if (entry == null) {
            if (prefixes.size() >= config.maxPrefixes()) {
                drop(dropPrefixListFull, "prefix_list_full", now);
                return;
            }
            entry = new OnLinkPrefix(p, pi.prefixLength());
            prefixes.put(p, entry);
            ipv6.addOnLinkRoute(iface, p, pi.prefixLength());
        }
        if (pi.validLifetime() == NdpOption.PrefixInformation.INFINITY) {
            entry.invalidation.cancel();
        } else {
            entry.invalidation.scheduleAfter(now, pi.validLifetime() * 1_000_000_000L);
        }
    }

    private void removePrefix(OnLinkPrefix entry, long now) {
        if (prefixes.remove(entry.prefix) != null) {
            entry.invalidation.cancel();
            ipv6.removeOnLinkRoute(iface, entry.prefix, entry.length);
        }
    }

    /** RFC 4862 section 5.5.3 (c)-(e). */
    private void autonomousPrefix(NdpOption.PrefixInformation pi, long now) {
        if (pi.preferredLifetime() > pi.validLifetime()) {
            drop(dropPrefixLifetimes, "prefix_preferred_exceeds_valid", now);
            return;
        }
        if (pi.prefixLength() != 64) {
            // (d): prefix length plus the 64-bit interface identifier must be 128.
            drop(dropPrefixLength, "prefix_length_not_64", now);
            return;
        }
        Ipv6Address prefix = Ipv6.prefixOf(pi.prefix(), 64);
        Ipv6InterfaceAddress existing = autoconfAddress(prefix);
        if (existing == null) {
            if (pi.validLifetime() == 0) {
                return;
            }
            if (autoconfCount() >= config.maxAutoconfAddresses()) {
                drop(dropAddressLimit, "autoconf_address_limit", now);
                return;
            }
            Ipv6InterfaceAddress a = new Ipv6InterfaceAddress(
                    new Ipv6Address(prefix.hi(), interfaceIdentifier(prefix, 0)), 64, Origin.AUTOCONF);
            a.setLifetimes(deadline(now, pi.preferredLifetime()), deadline(now, pi.validLifetime()));
            addAddress(a, now);
            return;
        }
        // (e): refresh the lifetimes, with the two-hour rule against forged short lifetimes.
        long validUntil = existing.validUntil();
        long remaining = validUntil == Ipv6InterfaceAddress.INFINITE ? Long.MAX_VALUE : validUntil - now;
        long received = pi.validLifetime() == NdpOption.PrefixInformation.INFINITY
                ? Long.MAX_VALUE : pi.validLifetime() * 1_000_000_000L;
        if (received > TWO_HOURS || received > remaining) {
            validUntil = deadline(now, pi.validLifetime());
        } else if (remaining > TWO_HOURS) {
            validUntil = now + TWO_HOURS;
        }
        existing.setLifetimes(Math.min(deadline(now, pi.preferredLifetime()), validUntil), validUntil);
        if (existing.state() == State.DEPRECATED && existing.preferredUntil() > now) {
            existing.setState(State.PREFERRED);
        }
        scheduleLifetime(existing, now);
    }

    private static long deadline(long now, long seconds) {
        return seconds == NdpOption.PrefixInformation.INFINITY ? Ipv6InterfaceAddress.INFINITE
                : now + seconds * 1_000_000_000L;
    }

    private Ipv6InterfaceAddress autoconfAddress(Ipv6Address prefix) {
        for (Ipv6InterfaceAddress a : iface.ipv6Addresses()) {
            if (a.origin() == Origin.AUTOCONF && a.state() != State.DUPLICATE && a.address().inPrefix(prefix, 64)) {
                return a;
            }
        }
        return null;
    }

    private int autoconfCount() {
        int n = 0;
        for (Ipv6InterfaceAddress a : iface.ipv6Addresses()) {
            if (a.origin() == Origin.AUTOCONF) {
                n++;
            }
        }
        return n;
    }

    /**
     * RFC 4861 8.1 and 8.3: a Redirect must come from the router we currently use for the
     * destination; then packets for it go to the target (a better router, or the destination
     * itself, which is then on-link).
     */
    private void redirect(Ipv6Address src, NdpRepr.Redirect r, long now) {
        rxRedirects.increment();
        Ipv6Address firstHop = ipv6.firstHop(r.destination(), iface);
        if (!src.equals(firstHop)) {
            drop(dropRedirectNotFromFirstHop, "redirect_not_from_first_hop", now);
            return;
        }
        MacAddress tll = r.targetLinkLayerAddress();
        if (tll != null) {
            cache.onUnsolicited(r.target(), tll.bits(), true, now);
        }
        ipv6.redirect(r.destination(), r.target(), iface);
        traceInfo("redirect: " + r.destination() + " via " + r.target(), now);
    }

    // ------------------------------------------------------------------ DAD and lifetimes

    private void addAddress(Ipv6InterfaceAddress a, long now) {
        iface.addIpv6(a);
        AddressTimers t = new AddressTimers(a);
        addressTimers.put(a, t);
        a.setState(State.TENTATIVE);
        // RFC 4862 5.4.2: join the solicited-node group before sending the probe.
        ipv6.joinGroup(iface, a.address().solicitedNode());
        dadStarted.increment();
        if (config.dupAddrDetectTransmits() == 0) {
            addressValid(t, now);
            return;
        }
        t.probesLeft = config.dupAddrDetectTransmits();
        // RFC 4862 5.4.2: a random delay of up to MAX_RTR_SOLICITATION_DELAY before the first probe.
        t.dad.scheduleAfter(now, randomDelay(MAX_RTR_SOLICITATION_DELAY));
    }

    private void dadTimer(AddressTimers t, long now) {
        if (t.address.state() != State.TENTATIVE) {
            return;
        }
        if (t.probesLeft == 0) {
            addressValid(t, now);
            return;
        }
        t.probesLeft--;
        // RFC 4862 5.4.2: from the unspecified address to the solicited-node group, no options.
        Ipv6Address group = t.address.address().solicitedNode();
        sendNdp(new NdpRepr.NeighborSolicitation(t.address.address(), List.of()), Ipv6Address.UNSPECIFIED, group,
                MacAddress.ofIpv6Multicast(group).bits(), now);
        txNeighborSolicitations.increment();
        t.dad.scheduleAfter(now, retransNanos);
    }

    /** DAD found nobody: the address becomes preferred (or deprecated) and is announced. */
    private void addressValid(AddressTimers t, long now) {
        Ipv6InterfaceAddress a = t.address;
        a.setState(a.preferredUntil() > now ? State.PREFERRED : State.DEPRECATED);
        dadSucceeded.increment();
        traceState("address " + a.address() + " " + a.state().name().toLowerCase(), now);
        // RFC 4861 7.2.6: an unsolicited advertisement (Override set) tells neighbours at once.
        sendAdvertisement(a.address(), Ipv6Address.ALL_NODES, false,
                MacAddress.ofIpv6Multicast(Ipv6Address.ALL_NODES).bits(), now);
        scheduleLifetime(a, now);
    }

    /**
     * RFC 4862 5.4.5: the address is a duplicate and is not used. A link-local duplicate would
     * call for disabling IPv6 on the interface; it is reported the same way. With RFC 7217
     * identifiers a new one is tried with the next DAD_Counter (section 6), up to IDGEN_RETRIES.
     */
    private void duplicateDetected(Ipv6InterfaceAddress a, String why, long now) {
        AddressTimers t = addressTimers.get(a);
        if (t != null) {
            t.dad.cancel();
            t.lifetime.cancel();
        }
        a.setState(State.DUPLICATE);
        ipv6.leaveGroup(iface, a.address().solicitedNode());
        dadDuplicates.increment();
        traceState("address " + a.address() + " duplicate (" + why + ")", now);
        if (config.stableIids() && a.origin() != Origin.STATIC && a.dadCounter() < IDGEN_RETRIES) {
            Ipv6Address prefix = Ipv6.prefixOf(a.address(), 64);
            int counter = a.dadCounter() + 1;
            Ipv6InterfaceAddress retry = new Ipv6InterfaceAddress(
                    new Ipv6Address(prefix.hi(), interfaceIdentifier(prefix, counter)), 64, a.origin());
            retry.setDadCounter(counter);
            retry.setLifetimes(a.preferredUntil(), a.validUntil());
            addAddress(retry, now);
        }
    }

    private void scheduleLifetime(Ipv6InterfaceAddress a, long now) {
        AddressTimers t = addressTimers.get(a);
        if (t == null || !a.usable()) {
            return;
        }
        long next = a.state() == State.PREFERRED ? Math.min(a.preferredUntil(), a.validUntil()) : a.validUntil();
        if (next == Ipv6InterfaceAddress.INFINITE) {
            t.lifetime.cancel();
        } else {
            t.lifetime.schedule(next);
        }
    }

    /** RFC 4862 5.5.4: a preferred address is deprecated, then removed when its valid lifetime ends. */
    private void lifetimeTimer(Ipv6InterfaceAddress a, long now) {
        if (now >= a.validUntil()) {
            removeAddress(a, now);
            addressesExpired.increment();
            return;
        }
        if (a.state() == State.PREFERRED && now >= a.preferredUntil()) {
            a.setState(State.DEPRECATED);
            traceState("address " + a.address() + " deprecated", now);
        }
        scheduleLifetime(a, now);
    }

    /** Removes an address from the interface (it expired, or the administrator removed it). */
    public void removeAddress(Ipv6InterfaceAddress a, long now) {
        AddressTimers t = addressTimers.remove(a);
        if (t != null) {
            t.dad.cancel();
            t.lifetime.cancel();
        }
        if (a.state() != State.DUPLICATE) {
            ipv6.leaveGroup(iface, a.address().solicitedNode());
        }
        iface.ipv6Addresses().remove(a);
        traceState("address " + a.address() + " removed", now);
    }

    // ------------------------------------------------------------------ router solicitation

    /** RFC 4861 6.3.7: up to MAX_RTR_SOLICITATIONS, RTR_SOLICITATION_INTERVAL apart, until an RA. */
    private void routerSolicitationTimer(long now) {
        if (raSeen || rsSent >= MAX_RTR_SOLICITATIONS) {
            return;
        }
        Ipv6InterfaceAddress ll = linkLocal();
        // From the unspecified address (before DAD ends) the source link-layer option is omitted.
        Ipv6Address src = ll != null ? ll.address() : Ipv6Address.UNSPECIFIED;
        List<NdpOption> options = ll != null
                ? List.of(new NdpOption.SourceLinkLayerAddress(iface.macAddress())) : List.of();
        sendNdp(new NdpRepr.RouterSolicitation(options), src, Ipv6Address.ALL_ROUTERS,
                MacAddress.ofIpv6Multicast(Ipv6Address.ALL_ROUTERS).bits(), now);
        txRouterSolicitations.increment();
        rsSent++;
        if (rsSent < MAX_RTR_SOLICITATIONS) {
            rsTimer.scheduleAfter(now, RTR_SOLICITATION_INTERVAL);
        }
    }

    private Ipv6InterfaceAddress linkLocal() {
        for (Ipv6InterfaceAddress a : iface.ipv6Addresses()) {
            if (a.address().isLinkLocal() && a.usable()) {
                return a;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ output

    /** RFC 4861 7.2.2: a solicitation for {@code target}, multicast to its solicited-node group or unicast. */
    @Override
    public void solicit(Ipv6Address target, long knownMac, long now) {
        Ipv6InterfaceAddress src = SourceAddressSelection.select(iface.ipv6Addresses(), target);
        if (src == null) {
            drop(dropNoSource, "no_source_address", now);
            return;
        }
        Ipv6Address dst = knownMac >= 0 ? target : target.solicitedNode();
        long mac = knownMac >= 0 ? knownMac : MacAddress.ofIpv6Multicast(dst).bits();
        sendNdp(new NdpRepr.NeighborSolicitation(target,
                List.of(new NdpOption.SourceLinkLayerAddress(iface.macAddress()))), src.address(), dst, mac, now);
        txNeighborSolicitations.increment();
    }

    /**
     * A Neighbor Advertisement for our {@code target} (RFC 4861 7.2.4): Override set (not an
     * anycast address), with our link-layer address. {@code dstMac} -1 resolves {@code dst}.
     */
    private void sendAdvertisement(Ipv6Address target, Ipv6Address dst, boolean solicited, long dstMac, long now) {
        NdpRepr na = new NdpRepr.NeighborAdvertisement(false, solicited, true, target,
                List.of(new NdpOption.TargetLinkLayerAddress(iface.macAddress())));
        sendNdp(na, target, dst, dstMac, now);
        txNeighborAdvertisements.increment();
    }

    /** Sends an NDP message with Hop Limit 255. {@code dstMac} -1: through the neighbour cache. */
    private void sendNdp(NdpRepr msg, Ipv6Address src, Ipv6Address dst, long dstMac, long now) {
        int length = msg.bufferLength();
        ByteBuf frame = ipv6.allocate(iface, length);
        msg.emit(frame, Ipv6.PAYLOAD_OFFSET, src, dst);
        new Ipv6Repr(src, dst, IpProtocol.ICMPV6, length, HOP_LIMIT).emit(frame, EthernetFrame.HEADER_LENGTH);
        if (dstMac >= 0) {
            iface.transmit(frame, dstMac);
        } else {
            cache.send(dst, frame, now);
        }
    }

    // ------------------------------------------------------------------ helpers

    private void drop(Counter c, String reason, long now) {
        c.increment();
        if (trace.enabled()) {
            trace.drop(now, LAYER, reason);
        }
    }

    private void traceState(String message, long now) {
        if (trace.enabled()) {
            trace.record(now, TraceEvent.Kind.STATE, LAYER, message);
        }
    }

    private void traceInfo(String message, long now) {
        if (trace.enabled()) {
            trace.record(now, TraceEvent.Kind.INFO, LAYER, message);
        }
    }

    /** Stops every timer (the interface is going away). */
    public void stop() {
        rsTimer.cancel();
        for (Iterator<AddressTimers> it = addressTimers.values().iterator(); it.hasNext(); ) {
            AddressTimers t = it.next();
            t.dad.cancel();
            t.lifetime.cancel();
            it.remove();
        }
        routers.values().forEach(r -> r.invalidation.cancel());
        prefixes.values().forEach(p -> p.invalidation.cancel());
        cache.clear();
    }
}
