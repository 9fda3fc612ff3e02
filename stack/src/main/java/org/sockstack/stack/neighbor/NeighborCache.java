package org.sockstack.stack.neighbor;

import io.netty.buffer.ByteBuf;
import org.sockstack.stack.loop.TimerWheel;
import org.sockstack.stack.stats.Counter;
import org.sockstack.stack.stats.Counters;
import org.sockstack.stack.stats.EventTrace;
import org.sockstack.stack.stats.TraceEvent;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The neighbour cache state machine of RFC 4861 section 7.3 (Neighbor Unreachability Detection),
 * shared by ARP and NDP (DESIGN rule 8). The protocol-specific part, how to solicit, is a
 * {@link NeighborProtocol}.
 *
 * <pre>
 *   (send, no entry) ──► INCOMPLETE ──answer──► REACHABLE ──ReachableTime──► STALE
 *        ▲  retries exhausted: drop queue            ▲                        │ send
 *        └────────── entry removed ◄── PROBE ◄──DELAY_FIRST_PROBE_TIME── DELAY ◄┘
 *                      (unicast probes)   └──── confirmation ─────► REACHABLE
 * </pre>
 *
 * Bounded: at most {@link NeighborConfig#maxEntries()} entries (least recently used resolved
 * entries are evicted first) and {@link NeighborConfig#maxQueuedPerEntry()} packets queued per
 * unresolved entry. Event loop thread only.
 *
 * @param <A> the protocol address type
 */
public final class NeighborCache<A> {
    /** Octets held for one unresolved neighbour: one 64 KiB datagram in 1500-octet fragments fits. */
    static final int MAX_QUEUED_BYTES = 96 * 1024;
    private final String layer;
    private final TimerWheel timers;
    private final NeighborProtocol<A> protocol;
    private final FrameSender sender;
    private final NeighborConfig config;
    private final RandomGenerator random;
    private final EventTrace trace;
    private final Map<A, NeighborEntry<A>> entries = new LinkedHashMap<>(64, 0.75f, true);
    private long baseReachableNanos;
    private long reachableNanos;
    private long retransNanos;

    private final Counter queued;
    private final Counter dropQueueFull;
    private final Counter dropResolutionFailed;
    private final Counter dropCacheFull;
    private final Counter evicted;
    private final Counter solicitationsSent;
    private final Counter macChanges;

    public NeighborCache(String layer, TimerWheel timers, NeighborProtocol<A> protocol, FrameSender sender,
                         NeighborConfig config, RandomGenerator random, Counters counters, EventTrace trace) {
        this.layer = layer;
        this.timers = timers;
        this.protocol = protocol;
        this.sender = sender;
        this.config = config;
        this.random = random;
        this.trace = trace;
        this.retransNanos = config.retransTimer().toNanos();
        setBaseReachableTime(config.reachableTime().toNanos());
        queued = counters.counter(layer + ".neighbor.queued");
        dropQueueFull = counters.drop(layer, "neighbor_queue_full");
        dropResolutionFailed = counters.drop(layer, "neighbor_unresolved");
        dropCacheFull = counters.drop(layer, "neighbor_cache_full");
        evicted = counters.counter(layer + ".neighbor.evicted");
        solicitationsSent = counters.counter(layer + ".neighbor.solicitations");
        macChanges = counters.counter(layer + ".neighbor.mac_changed");
    }

    /**
     * Sets BaseReachableTime and draws a new ReachableTime uniformly between 0.5 and 1.5 times
     * it (RFC 4861 section 6.3.2).
     */
    public void setBaseReachableTime(long nanos) {
        baseReachableNanos = nanos;
        reachableNanos = (long) (nanos * (0.5 + random.nextDouble()));
    }

    public void setRetransTimer(long nanos) {
        retransNanos = nanos;
    }

    public long reachableTimeNanos() {
        return reachableNanos;
    }

    public long baseReachableTimeNanos() {
        return baseReachableNanos;
    }

    /**
     * Sends {@code frame} (a complete Ethernet frame whose destination is filled in here) to the
     * neighbour {@code address}: at once if its link-layer address is known, otherwise after
     * resolution (RFC 4861 section 7.2.2). Takes ownership of the frame.
     */
    public void send(A address, ByteBuf frame, long now) {
        NeighborEntry<A> e = entries.get(address);
        if (e == null) {
            e = create(address, NeighborState.INCOMPLETE, now);
            if (e == null) {
                dropCacheFull.increment();
                frame.release();
                return;
            }
            enqueue(e, frame);
            solicit(e, now);
            return;
        }
        e.lastUsed = now;
        switch (e.state) {
            case INCOMPLETE -> enqueue(e, frame);
            case STALE -> {
                // RFC 4861 7.3.3: the first packet sent to a STALE neighbour moves it to DELAY.
                transition(e, NeighborState.DELAY, now);
                e.timer.scheduleAfter(now, config.delayFirstProbe().toNanos());
                sender.sendFrame(frame, e.mac);
            }
            default -> sender.sendFrame(frame, e.mac);
        }
    }

    /** The link-layer address to use now for {@code address}, or -1 if it must be resolved first. */
    public long resolvedMac(A address) {
        NeighborEntry<A> e = entries.get(address);
        return e == null || e.state == NeighborState.INCOMPLETE ? -1 : e.mac;
    }

    /**
     * A solicited answer arrived (an ARP reply, a Neighbor Advertisement with the S flag): RFC
     * 4861 section 7.2.5. {@code override} is the NA's O flag (ARP replies always override).
     */
    public void onAdvertisement(A address, long mac, boolean solicited, boolean override, long now) {
        NeighborEntry<A> e = entries.get(address);
        if (e == null) {
            return; // RFC 4861 7.2.5: no entry, silently discard (no unsolicited cache pollution).
        }
        if (e.state == NeighborState.INCOMPLETE) {
            e.mac = mac;
            transition(e, solicited ? NeighborState.REACHABLE : NeighborState.STALE, now);
            flushPending(e, now);
            return;
        }
        boolean changed = e.mac != mac;
        if (!override && changed) {
            if (e.state == NeighborState.REACHABLE) {
                transition(e, NeighborState.STALE, now);
            }
            return;
        }
        if (changed) {
            macChanges.increment();
            e.mac = mac;
        }
        if (solicited) {
            transition(e, NeighborState.REACHABLE, now);
        } else if (changed) {
            transition(e, NeighborState.STALE, now);
        }
    }

    /**
     * The neighbour announced its link-layer address without being asked (the sender of an ARP
     * request, the source link-layer option of a Neighbor Solicitation): RFC 4861 section 7.2.3,
     * RFC 826's merge step. With {@code create}, a missing entry is created STALE.
     */
    public void onUnsolicited(A address, long mac, boolean create, long now) {
        NeighborEntry<A> e = entries.get(address);
        if (e == null) {
            if (create) {
                e = create(address, NeighborState.STALE, now);
                if (e != null) {
                    e.mac = mac;
                    scheduleGc(e, now);
                }
            }
            return;
        }
        if (e.state == NeighborState.INCOMPLETE) {
            e.mac = mac;
            transition(e, NeighborState.STALE, now);
            scheduleGc(e, now);
            flushPending(e, now);
        } else if (e.mac != mac) {
            macChanges.increment();
            e.mac = mac;
            transition(e, NeighborState.STALE, now);
            scheduleGc(e, now);
        }
    }

    /** Forward progress seen by an upper layer (a new TCP ACK): RFC 4861 section 7.3.1. */
    public void confirmReachable(A address, long now) {
        NeighborEntry<A> e = entries.get(address);
        if (e != null && e.state != NeighborState.INCOMPLETE) {
            transition(e, NeighborState.REACHABLE, now);
        }
    }

    /** Removes an entry, dropping any queued packets. */
    public void remove(A address) {
        NeighborEntry<A> e = entries.remove(address);
        if (e != null) {
            discard(e);
        }
    }

    /** Removes every entry (the interface went down or the cache is being closed). */
    public void clear() {
        for (NeighborEntry<A> e : entries.values()) {
            discard(e);
        }
        entries.clear();
    }

    public int size() {
        return entries.size();
    }

    public NeighborEntry<A> entry(A address) {
        return entries.get(address);
    }

    /** A copy of the entries, for display ({@code ip neigh}-like). */
    public List<NeighborEntry<A>> entries() {
        return new ArrayList<>(entries.values());
    }

    private NeighborEntry<A> create(A address, NeighborState state, long now) {
        if (state == NeighborState.INCOMPLETE && incomplete() >= Math.max(1, config.maxEntries() / 4)) {
            // A flood that makes us resolve many addresses (spoofed sources) must not fill the
            // cache with entries being resolved and push out working ones: recycle the oldest.
            evictOldestIncomplete();
        }
        if (entries.size() >= config.maxEntries() && !evictOne()) {
            return null;
        }
        NeighborEntry<A> e = new NeighborEntry<>(address, state, now);
        e.timer = timers.newTimer(layer + ".neighbor", t -> onTimer(e, t));
        entries.put(address, e);
        return e;
    }

    private int incomplete() {
        int n = 0;
        for (NeighborEntry<A> e : entries.values()) {
            if (e.state == NeighborState.INCOMPLETE) {
                n++;
            }
        }
        return n;
    }

    private void evictOldestIncomplete() {
        Iterator<NeighborEntry<A>> it = entries.values().iterator();
        while (it.hasNext()) {
            NeighborEntry<A> e = it.next();
            if (e.state == NeighborState.INCOMPLETE) {
                it.remove();
                dropResolutionFailed.add(e.pending.size());
                discard(e);
                evicted.increment();
                return;
            }
        }
    }

    /** Evicts the least recently used entry that is not resolving; false if every entry is. */
    private boolean evictOne() {
        Iterator<NeighborEntry<A>> it = entries.values().iterator();
        while (it.hasNext()) {
            NeighborEntry<A> e = it.next();
            if (e.state != NeighborState.INCOMPLETE) {
                it.remove();
                discard(e);
                evicted.increment();
                return true;
            }
        }
        return false;
    }

    /**
     * Holds a frame until resolution. Bounded in frames and in octets (so the fragments of one
     * maximum-size datagram fit, but nothing much more); when full, the oldest frames go first,
     * they are the likeliest to be stale for the sender.
     */
    private void enqueue(NeighborEntry<A> e, ByteBuf frame) {
        int size = frame.readableBytes();
        while (!e.pending.isEmpty()
                && (e.pending.size() >= config.maxQueuedPerEntry() || e.pendingBytes + size > MAX_QUEUED_BYTES)) {
            ByteBuf old = e.pending.pollFirst();
            e.pendingBytes -= old.readableBytes();
            old.release();
            dropQueueFull.increment();
        }
        e.pending.addLast(frame);
        e.pendingBytes += size;
        queued.increment();
    }

    private void flushPending(NeighborEntry<A> e, long now) {
        boolean sent = !e.pending.isEmpty();
        ByteBuf f;
        while ((f = e.pending.pollFirst()) != null) {
            sender.sendFrame(f, e.mac);
        }
        e.pendingBytes = 0;
        e.lastUsed = now;
        if (sent && e.state == NeighborState.STALE) {
            // RFC 4861 7.3.3: sending to a STALE neighbour moves it to DELAY.
            transition(e, NeighborState.DELAY, now);
            e.timer.scheduleAfter(now, config.delayFirstProbe().toNanos());
        }
    }

    private void solicit(NeighborEntry<A> e, long now) {
        e.solicitations++;
        solicitationsSent.increment();
        protocol.solicit(e.address, e.state == NeighborState.PROBE ? e.mac : -1, now);
        e.timer.scheduleAfter(now, retransNanos);
    }

    private void onTimer(NeighborEntry<A> e, long now) {
        switch (e.state) {
            case INCOMPLETE -> {
                if (e.solicitations < config.maxMulticastSolicit()) {
                    solicit(e, now);
                } else {
                    int dropped = e.pending.size();
                    dropResolutionFailed.add(dropped);
                    entries.remove(e.address);
                    discard(e);
                    traceState(e, "FAILED", now);
                    protocol.resolutionFailed(e.address, dropped, now);
                }
            }
            case REACHABLE -> {
                transition(e, NeighborState.STALE, now);
                scheduleGc(e, now);
            }
            case DELAY -> {
                transition(e, NeighborState.PROBE, now);
                e.solicitations = 0;
                solicit(e, now);
            }
            case PROBE -> {
                if (e.solicitations < config.maxUnicastSolicit()) {
                    solicit(e, now);
                } else {
                    entries.remove(e.address);
                    discard(e);
                    traceState(e, "FAILED", now);
                }
            }
            case STALE -> {
                entries.remove(e.address);
                discard(e);
            }
        }
    }

    private void scheduleGc(NeighborEntry<A> e, long now) {
        if (e.state == NeighborState.STALE) {
            e.timer.scheduleAfter(now, config.staleLifetime().toNanos());
        }
    }

    private void transition(NeighborEntry<A> e, NeighborState to, long now) {
        NeighborState from = e.state;
        e.state = to;
        e.stateSince = now;
        if (to == NeighborState.REACHABLE) {
            e.solicitations = 0;
            e.timer.scheduleAfter(now, reachableNanos);
        } else if (to == NeighborState.STALE) {
            // An unused STALE entry is collected after staleLifetime (a send moves it to DELAY).
            e.timer.scheduleAfter(now, config.staleLifetime().toNanos());
        }
        if (from != to) {
            traceState(e, from + " -> " + to, now);
        }
    }

    private void traceState(NeighborEntry<A> e, String change, long now) {
        if (trace.enabled()) {
            trace.record(now, TraceEvent.Kind.STATE, layer, "neighbor " + e.address + " " + change);
        }
    }

    private void discard(NeighborEntry<A> e) {
        e.timer.cancel();
        ByteBuf f;
        e.pendingBytes = 0;
        while ((f = e.pending.pollFirst()) != null) {
            f.release();
        }
    }
}
