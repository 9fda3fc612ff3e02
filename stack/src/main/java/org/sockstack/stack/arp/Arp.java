package org.sockstack.stack.arp;

import io.netty.buffer.ByteBuf;
import org.sockstack.stack.iface.Ipv4InterfaceAddress;
import org.sockstack.stack.iface.NetworkInterface;
import org.sockstack.stack.loop.TimerWheel;
import org.sockstack.stack.neighbor.NeighborCache;
import org.sockstack.stack.neighbor.NeighborConfig;
import org.sockstack.stack.neighbor.NeighborProtocol;
import org.sockstack.stack.stats.Counter;
import org.sockstack.stack.stats.Counters;
import org.sockstack.stack.stats.EventTrace;
import org.sockstack.stack.stats.TraceEvent;
import org.sockstack.stack.wire.ArpPacket;
import org.sockstack.stack.wire.ArpRepr;
import org.sockstack.stack.wire.EtherType;
import org.sockstack.stack.wire.EthernetFrame;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.MacAddress;
import org.sockstack.stack.wire.WireError;

import java.util.random.RandomGenerator;

/**
 * ARP on one interface (RFC 826) with the neighbour cache of RFC 1122 section 2.3.2 and IPv4
 * address conflict detection (RFC 5227).
 *
 * <p>Receiving follows RFC 826's "packet reception" algorithm: the sender's mapping is merged into
 * an existing cache entry; if we are the target, the sender is added and, for a request, answered.
 * Additionally (RFC 5227 section 2.4) a packet whose sender claims one of our addresses from
 * another MAC is a conflict: it is never merged into the cache (so it cannot poison it), and the
 * address is defended with an announcement at most once per DEFEND_INTERVAL.
 */
public final class Arp implements NeighborProtocol<Ipv4Address> {
    // RFC 5227 section 1.1 constants (seconds).
    static final long PROBE_WAIT = 1_000_000_000L;
    static final int PROBE_NUM = 3;
    static final long PROBE_MIN = 1_000_000_000L;
    static final long PROBE_MAX = 2_000_000_000L;
    static final long ANNOUNCE_WAIT = 2_000_000_000L;
    static final int ANNOUNCE_NUM = 2;
    static final long ANNOUNCE_INTERVAL = 2_000_000_000L;
    static final long DEFEND_INTERVAL = 10_000_000_000L;

    private static final String LAYER = "arp";
    private final NetworkInterface iface;
    private final NeighborCache<Ipv4Address> cache;
    private final TimerWheel timers;
    private final RandomGenerator random;
    private final EventTrace trace;
    private final ArpPacket view = new ArpPacket();

    private final Counter rxPackets;
    private final Counter rxRequests;
    private final Counter rxReplies;
    private final Counter txRequests;
    private final Counter txReplies;
    private final Counter conflicts;
    private final Counter[] malformed;
    private final Counter dropOwnFrame;
    private final Counter dropBadSender;

    public Arp(NetworkInterface iface, TimerWheel timers, NeighborConfig config, RandomGenerator random,
               Counters counters, EventTrace trace) {
        this.iface = iface;
        this.timers = timers;
        this.random = random;
        this.trace = trace;
        this.cache = new NeighborCache<>(LAYER, timers, this, iface::transmit, config, random, counters, trace);
        rxPackets = counters.counter("arp.rx.packets");
        rxRequests = counters.counter("arp.rx.requests");
        rxReplies = counters.counter("arp.rx.replies");
        txRequests = counters.counter("arp.tx.requests");
        txReplies = counters.counter("arp.tx.replies");
        conflicts = counters.counter("arp.address_conflicts");
        malformed = new Counter[WireError.values().length];
        for (WireError e : WireError.values()) {
            malformed[e.ordinal()] = counters.drop(LAYER, e.reason());
        }
        dropOwnFrame = counters.drop(LAYER, "own_frame");
        dropBadSender = counters.drop(LAYER, "bad_sender_address");
    }

    public NeighborCache<Ipv4Address> cache() {
        return cache;
    }

    /** Handles an ARP packet at {@code offset} in a received frame (the frame is borrowed). */
    public void receive(ByteBuf frame, int offset, int length, long now) {
        receive(frame, offset, length, false, now);
    }

    /**
     * As above; {@code unicastToUs} says the frame was addressed to our MAC, which is what makes a
     * reply an answer to our request (a broadcast reply confirms nothing: RFC 4861 7.2.5 spirit).
     */
    public void receive(ByteBuf frame, int offset, int length, boolean unicastToUs, long now) {
        rxPackets.increment();
        WireError e = view.wrap(frame, offset, length).check();
        if (!e.ok()) {
            drop(malformed[e.ordinal()], e.reason(), now);
            return;
        }
        long sha = view.senderHardwareAddr();
        int spa = view.senderProtocolAddr();
        int tpa = view.targetProtocolAddr();
        boolean request = view.operation() == ArpPacket.OP_REQUEST;
        (request ? rxRequests : rxReplies).increment();

        if (sha == iface.mac()) {
            drop(dropOwnFrame, "own_frame", now);
            return;
        }
        if ((sha & 0x0100_0000_0000L) != 0) {
            // A group MAC as a sender hardware address is never legitimate.
            drop(dropBadSender, "bad_sender_address", now);
            return;
        }
        if (detectConflict(spa, tpa, request, now)) {
            return;
        }
        if (spa == 0 || isBroadcastOrMulticast(spa)) {
            // Probes (RFC 5227 2.1.1) and bogus senders carry no mapping worth caching.
            if (request && spa == 0) {
                answerIfOurs(tpa, sha, spa, now);
            } else if (spa != 0) {
                drop(dropBadSender, "bad_sender_address", now);
            }
            return;
        }
        Ipv4InterfaceAddress target = iface.findIpv4(tpa);
        boolean forUs = target != null && target.usable();
        Ipv4Address sender = new Ipv4Address(spa);
        if (request) {
            cache.onUnsolicited(sender, sha, forUs, now);
            answerIfOurs(tpa, sha, spa, now);
        } else {
            // Only a reply unicast to us and naming us as its target answers our request; other
            // replies update an existing entry without vouching for reachability.
            boolean solicited = unicastToUs && forUs;
            cache.onAdvertisement(sender, sha, solicited, true, now);
        }
    }

    /**
     * RFC 5227 section 2.1.1 (while probing) and 2.4 (after): someone else uses one of our
     * addresses. Returns true if the packet was a conflict and has been fully handled.
     */
    private boolean detectConflict(int spa, int tpa, boolean request, long now) {
        Ipv4InterfaceAddress ours = spa != 0 ? iface.findIpv4(spa) : null;
        Ipv4InterfaceAddress probedByOther = spa == 0 && request ? iface.findIpv4(tpa) : null;
        if (probedByOther != null && probedByOther.state() == Ipv4InterfaceAddress.State.TENTATIVE) {
            conflict(probedByOther, "another host probes for it", now);
            return true;
        }
        if (ours == null) {
            return false;
        }
        conflicts.increment();
        if (ours.state() == Ipv4InterfaceAddress.State.TENTATIVE) {
            conflict(ours, "another host uses it", now);
        } else if (ours.state() == Ipv4InterfaceAddress.State.ASSIGNED) {
            defend(ours, now);
        }
        return true;
    }

    private void conflict(Ipv4InterfaceAddress a, String why, long now) {
        AddressConflictDetection.markConflict(a);
        if (trace.enabled()) {
            trace.record(now, TraceEvent.Kind.STATE, LAYER, "address " + a.address() + " conflict: " + why);
        }
    }

    /**
     * RFC 5227 2.4 (c): a configured address is defended for as long as it is configured, with
     * at most one announcement per DEFEND_INTERVAL (rate limit of 2.4 (b)), never given up.
     */
    private void defend(Ipv4InterfaceAddress a, long now) {
        if (AddressConflictDetection.mayDefend(a, now, DEFEND_INTERVAL)) {
            announce(a.address(), now);
        }
        if (trace.enabled()) {
            trace.record(now, TraceEvent.Kind.INFO, LAYER, "address " + a.address() + " claimed by another host");
        }
    }

    private void answerIfOurs(int tpa, long sha, int spa, long now) {
        Ipv4InterfaceAddress target = iface.findIpv4(tpa);
        if (target == null || !target.usable()) {
            return;
        }
        // A probe (sender IP 0) is answered too: RFC 5227 2.1.1 relies on it.
        sendArp(ArpPacket.OP_REPLY, iface.mac(), tpa, sha, spa, sha);
        txReplies.increment();
    }

    @Override
    public void solicit(Ipv4Address target, long knownMac, long now) {
        Ipv4InterfaceAddress src = iface.preferredIpv4Source(target.bits());
        int spa = src == null ? 0 : src.bits();
        long dst = knownMac >= 0 ? knownMac : MacAddress.BROADCAST.bits();
        sendArp(ArpPacket.OP_REQUEST, iface.mac(), spa, 0, target.bits(), dst);
        txRequests.increment();
    }

    /** Sends a gratuitous ARP / ARP announcement for {@code address} (RFC 5227 section 2.3). */
    public void announce(Ipv4Address address, long now) {
        sendArp(ArpPacket.OP_REQUEST, iface.mac(), address.bits(), 0, address.bits(), MacAddress.BROADCAST.bits());
        txRequests.increment();
    }

    /** Sends an ARP probe for {@code address} (RFC 5227 section 2.1.1: sender IP all zeros). */
    void probe(Ipv4Address address) {
        sendArp(ArpPacket.OP_REQUEST, iface.mac(), 0, 0, address.bits(), MacAddress.BROADCAST.bits());
        txRequests.increment();
    }

    private void sendArp(int op, long sha, int spa, long tha, int tpa, long dstMac) {
        ByteBuf frame = iface.newFrame(EtherType.ARP, ArpPacket.LENGTH);
        new ArpRepr(op, new MacAddress(sha), new Ipv4Address(spa), new MacAddress(tha), new Ipv4Address(tpa))
                .emit(frame, EthernetFrame.HEADER_LENGTH);
        iface.transmit(frame, dstMac);
    }

    /**
     * Starts using {@code a}: with {@code probe}, RFC 5227 probing first (the address stays
     * TENTATIVE and is then assigned unless a conflict is seen), else assigned at once. Either way
     * it is announced ANNOUNCE_NUM times.
     */
    public void start(Ipv4InterfaceAddress a, boolean probe, long now) {
        AddressConflictDetection acd = new AddressConflictDetection(this, a, timers, random);
        acd.start(probe, now);
    }

    private void drop(Counter counter, String reason, long now) {
        counter.increment();
        if (trace.enabled()) {
            trace.drop(now, LAYER, reason);
        }
    }

    private static boolean isBroadcastOrMulticast(int addr) {
        return addr == -1 || (addr & 0xF000_0000) == 0xE000_0000;
    }
}
