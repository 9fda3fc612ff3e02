package org.sockstack.drivers.sim;

import io.netty.buffer.ByteBuf;
import org.sockstack.drivers.fault.Impairer;
import org.sockstack.stack.stats.Counter;
import org.sockstack.stack.wire.EthernetFrame;
import org.sockstack.stack.wire.MacAddress;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A learning Ethernet switch (a transparent bridge, IEEE 802.1D-2004 clause 7) with no
 * processing delay: the links to it supply the delays.
 *
 * <ul>
 *   <li>Learning (7.8): the source address of each frame is recorded with the port it came in on.
 *       Group (multicast and broadcast) source addresses are never learned.</li>
 *   <li>Ageing (7.9.2): an entry not refreshed for the ageing time is forgotten (default 300 s,
 *       the standard's recommended value).</li>
 *   <li>Forwarding (7.7): a frame to a known unicast address goes out of that port only, or is
 *       filtered if that is the port it came from; frames to unknown unicast, broadcast and
 *       multicast addresses are flooded to every other port (each gets its own copy).</li>
 *   <li>The table is bounded: when full, aged entries are purged first; if it is still full the
 *       new address is not learned ({@code table_full}) and frames to it keep being flooded.</li>
 * </ul>
 *
 * <p>Counters: {@code sim.switch.<name>.forwarded}, {@code .flooded}, {@code .learned},
 * {@code .aged}, {@code .table_full}, {@code .drop.filtered}, {@code .drop.runt}.
 */
public final class SimSwitch {
    public static final int DEFAULT_MAX_ENTRIES = 1024;
    public static final long DEFAULT_AGEING_NANOS = 300_000_000_000L;

    private final SimNetwork network;
    private final String name;
    private final int maxEntries;
    private final long ageingNanos;
    private final List<Port> ports = new ArrayList<>();
    private final Map<Long, Entry> table = new HashMap<>();
    private final Counter forwarded;
    private final Counter flooded;
    private final Counter learned;
    private final Counter aged;
    private final Counter tableFull;
    private final Counter filtered;
    private final Counter runts;

    /** One row of the filtering database; mutable so a refresh allocates nothing. */
    private static final class Entry {
        int port;
        long lastSeen;
    }

    /** One switch port: where frames arrive from the link, and the link direction out of it. */
    private final class Port {
        final int index;
        SimLink.Direction egress;
        final FrameArrival ingress;

        Port(int index) {
            this.index = index;
            this.ingress = (now, frame) -> arrive(this, now, frame);
        }
    }

    SimSwitch(SimNetwork network, String name, int maxEntries, long ageingNanos) {
        if (maxEntries <= 0 || ageingNanos <= 0) {
            throw new IllegalArgumentException("maxEntries and ageing must be positive");
        }
        this.network = network;
        this.name = name;
        this.maxEntries = maxEntries;
        this.ageingNanos = ageingNanos;
        String prefix = "sim.switch." + name;
        var counters = network.counters();
        this.forwarded = counters.counter(prefix + ".forwarded");
        this.flooded = counters.counter(prefix + ".flooded");
        this.learned = counters.counter(prefix + ".learned");
        this.aged = counters.counter(prefix + ".aged");
        this.tableFull = counters.counter(prefix + ".table_full");
        this.filtered = counters.drop(prefix, "filtered");
        this.runts = counters.drop(prefix, "runt");
    }

    public String name() {
        return name;
    }

    /** Connects {@code host} to a new port with the same link behaviour both ways. */
    public SimLink connect(SimPort host, LinkConfig config) {
        return connect(host, config, config);
    }

    /**
     * Connects {@code host} to a new switch port. The link's forward direction is host to switch.
     */
    public SimLink connect(SimPort host, LinkConfig toSwitch, LinkConfig fromSwitch) {
        Port port = newPort();
        String linkName = host.name() + "-" + name + "." + port.index;
        SimLink link = network.newLink(linkName, port.ingress, toSwitch, host.ingress, fromSwitch);
        host.attach(link.forwardDirection());
        port.egress = link.reverseDirection();
        return link;
    }

    /** Connects this switch to {@code other} (a new port on each); forward is this to other. */
    public SimLink connect(SimSwitch other, LinkConfig config) {
        Port mine = newPort();
        Port theirs = other.newPort();
        String linkName = name + "." + mine.index + "-" + other.name + "." + theirs.index;
        SimLink link = network.newLink(linkName, theirs.ingress, config, mine.ingress, config);
        mine.egress = link.forwardDirection();
        theirs.egress = link.reverseDirection();
        return link;
    }

    private Port newPort() {
        Port p = new Port(ports.size());
        ports.add(p);
        return p;
    }

    public int portCount() {
        return ports.size();
    }

    /** The port {@code mac} was learned on, or -1 if unknown or aged out (at the network's time). */
    public int portOf(MacAddress mac) {
        Entry e = lookup(mac.bits(), network.now());
        return e == null ? -1 : e.port;
    }

    /** Entries in the filtering database after purging the aged ones. */
    public int macTableSize() {
        purgeAged(network.now());
        return table.size();
    }

    public int maxEntries() {
        return maxEntries;
    }

    private void arrive(Port in, long now, ByteBuf frame) {
        if (frame.readableBytes() < EthernetFrame.HEADER_LENGTH) {
            runts.increment();
            frame.release();
            return;
        }
        long dst = MacAddress.read(frame, frame.readerIndex());
        long src = MacAddress.read(frame, frame.readerIndex() + 6);
        learn(src, in.index, now);
        if (isGroup(dst)) {
            flood(in, frame);
            return;
        }
        Entry e = lookup(dst, now);
        if (e == null) {
            flood(in, frame);
        } else if (e.port == in.index) {
            // The destination is on the segment the frame came from (7.7.1): nothing to do.
            filtered.increment();
            frame.release();
        } else {
            forwarded.increment();
            ports.get(e.port).egress.carry(frame);
        }
    }

    private static boolean isGroup(long mac) {
        return (mac & 0x01_00_00_00_00_00L) != 0;
    }

    private void learn(long src, int port, long now) {
        if (isGroup(src)) {
            return;
        }
        Entry e = table.get(src);
        if (e == null) {
            if (table.size() >= maxEntries) {
                purgeAged(now);
                if (table.size() >= maxEntries) {
                    tableFull.increment();
                    return;
                }
            }
            e = new Entry();
            table.put(src, e);
            learned.increment();
        }
        e.port = port;
        e.lastSeen = now;
    }

    private Entry lookup(long mac, long now) {
        Entry e = table.get(mac);
        if (e != null && now - e.lastSeen >= ageingNanos) {
            table.remove(mac);
            aged.increment();
            return null;
        }
        return e;
    }

    private void purgeAged(long now) {
        for (Iterator<Entry> it = table.values().iterator(); it.hasNext(); ) {
            if (now - it.next().lastSeen >= ageingNanos) {
                it.remove();
                aged.increment();
            }
        }
    }

    /** Sends a copy out of every port but {@code in}; the last port gets the original. */
    private void flood(Port in, ByteBuf frame) {
        flooded.increment();
        int last = -1;
        for (Port p : ports) {
            if (p != in && p.egress != null) {
                last = p.index;
            }
        }
        if (last < 0) {
            frame.release();
            return;
        }
        for (Port p : ports) {
            if (p == in || p.egress == null) {
                continue;
            }
            if (p.index == last) {
                p.egress.carry(frame);
            } else {
                p.egress.carry(Impairer.copyOf(frame));
            }
        }
    }

    @Override
    public String toString() {
        return "SimSwitch[" + name + ", " + ports.size() + " ports]";
    }
}
