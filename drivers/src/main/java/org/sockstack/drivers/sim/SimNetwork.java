package org.sockstack.drivers.sim;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import org.sockstack.drivers.fault.FateCounters;
import org.sockstack.drivers.fault.TimedFrameQueue;
import org.sockstack.stack.loop.EventLoop;
import org.sockstack.stack.loop.ManualClock;
import org.sockstack.stack.stats.Counters;
import org.sockstack.stack.wire.MacAddress;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

/**
 * A simulated Ethernet on virtual time: ports ({@link SimPort}, each a {@link
 * org.sockstack.stack.device.Device}), point-to-point links ({@link SimLink}) and learning
 * switches ({@link SimSwitch}), plus the event loops of the stacks attached to them, all driven
 * by one {@link ManualClock} on the caller's thread. Nothing sleeps: time jumps from one event to
 * the next, so a minute of simulated traffic takes milliseconds.
 *
 * <p>Determinism: every link direction draws its fates from its own generator, seeded from the
 * network seed in creation order; frames in flight wait in a priority queue ordered by arrival
 * time and then by a sequence number; loops run in registration order. The same seed, topology
 * and inputs therefore give the same bytes at the same instants, on every run.
 *
 * <p>The scheduler ({@link #runUntil}):
 * <ol>
 *   <li>run every registered loop with {@link EventLoop#runUntilIdle()} at the current time, and
 *       deliver the frames due now; repeat until neither does anything;</li>
 *   <li>stop if the condition holds;</li>
 *   <li>advance the clock to the earliest deadline of any loop or in-flight frame (but not past
 *       the limit), and go to 1.</li>
 * </ol>
 *
 * <p>Frames in flight are bounded ({@code maxInFlight}; an arrival beyond it is counted as a
 * queue drop of its link). {@link #close()} releases every frame still in flight or queued.
 */
public final class SimNetwork implements AutoCloseable {
    /** Frames on all wires at once before further ones are dropped. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 1 << 20;
    private static final int MAX_ROUNDS_PER_INSTANT = 1_000_000;

    private final ManualClock clock;
    private final ByteBufAllocator allocator;
    private final SplittableRandom seeds;
    private final Counters counters = new Counters();
    private final TimedFrameQueue<SimLink.Direction> inFlight;
    private final TimedFrameQueue.Handler<SimLink.Direction> arrive = this::arrive;
    private final List<EventLoop> loops = new ArrayList<>();
    private final List<SimPort> ports = new ArrayList<>();
    private final List<SimSwitch> switches = new ArrayList<>();

    /** A network on a new {@link ManualClock}, allocating from the pooled allocator. */
    public SimNetwork(long seed) {
        this(seed, new ManualClock(), PooledByteBufAllocator.DEFAULT, DEFAULT_MAX_IN_FLIGHT);
    }

    public SimNetwork(long seed, ManualClock clock) {
        this(seed, clock, PooledByteBufAllocator.DEFAULT, DEFAULT_MAX_IN_FLIGHT);
    }

    public SimNetwork(long seed, ManualClock clock, ByteBufAllocator allocator, int maxInFlight) {
        this.clock = Objects.requireNonNull(clock);
        this.allocator = Objects.requireNonNull(allocator);
        this.seeds = new SplittableRandom(seed);
        this.inFlight = new TimedFrameQueue<>(maxInFlight);
    }

    public ManualClock clock() {
        return clock;
    }

    /** The current virtual time in nanoseconds. */
    public long now() {
        return clock.nanos();
    }

    public ByteBufAllocator allocator() {
        return allocator;
    }

    /** Every counter of the network's links ({@code sim.link.*}), ports and switches. */
    public Counters counters() {
        return counters;
    }

    // ---------------------------------------------------------------- topology

    /** A new unconnected port with the default receive queue. */
    public SimPort port(String name, MacAddress mac, int mtu) {
        return port(name, mac, mtu, SimPort.DEFAULT_RX_QUEUE_LIMIT);
    }

    public SimPort port(String name, MacAddress mac, int mtu, int rxQueueLimit) {
        SimPort p = new SimPort(this, name, mac, mtu, rxQueueLimit);
        ports.add(p);
        return p;
    }

    /** Joins two ports with a cable that behaves as {@code config} in both directions. */
    public SimLink link(SimPort a, SimPort b, LinkConfig config) {
        return link(a, b, config, config);
    }

    /** Joins two ports; {@code aToB} and {@code bToA} describe the two directions. */
    public SimLink link(SimPort a, SimPort b, LinkConfig aToB, LinkConfig bToA) {
        if (a == b) {
            throw new IllegalArgumentException("a port cannot be linked to itself");
        }
        if (a.isConnected() || b.isConnected()) {
            throw new IllegalStateException("port already connected");
        }
        SimLink link = newLink(a.name() + "-" + b.name(), b.ingress, aToB, a.ingress, bToA);
        a.attach(link.forwardDirection());
        b.attach(link.reverseDirection());
        return link;
    }

    /** A learning switch with the default table size (1024) and ageing time (300 s). */
    public SimSwitch newSwitch(String name) {
        return newSwitch(name, SimSwitch.DEFAULT_MAX_ENTRIES, Duration.ofNanos(SimSwitch.DEFAULT_AGEING_NANOS));
    }

    public SimSwitch newSwitch(String name, int maxEntries, Duration ageing) {
        SimSwitch s = new SimSwitch(this, name, maxEntries, ageing.toNanos());
        switches.add(s);
        return s;
    }

    /**
     * A link whose forward direction ends at {@code forwardTarget} and reverse direction at
     * {@code reverseTarget}; each direction gets the next seed of the network's seed sequence.
     */
    SimLink newLink(String name, FrameArrival forwardTarget, LinkConfig forward,
                    FrameArrival reverseTarget, LinkConfig reverse) {
        LinkModel f = LinkModel.of(forward, new SplittableRandom(seeds.nextLong()),
                new FateCounters(counters, "sim.link." + name + ".fwd"));
        LinkModel r = LinkModel.of(reverse, new SplittableRandom(seeds.nextLong()),
                new FateCounters(counters, "sim.link." + name + ".rev"));
        return new SimLink(name, new SimLink.Direction(this, f, forwardTarget),
                new SimLink.Direction(this, r, reverseTarget));
    }

    // ---------------------------------------------------------------- frames in flight

    void schedule(long time, ByteBuf frame, SimLink.Direction direction) {
        if (time < clock.nanos()) {
            frame.release();
            throw new IllegalStateException("link model scheduled a frame in the past");
        }
        if (!inFlight.offer(time, frame, direction)) {
            direction.model.fates().countQueueDrop();
        }
    }

    private void arrive(ByteBuf frame, SimLink.Direction direction) {
        direction.model.fates().countDelivered();
        direction.target.arrive(clock.nanos(), frame);
    }

    /** Frames on the wires now. */
    public int inFlight() {
        return inFlight.size();
    }

    /** Delivers every frame due at the current time (including those that become due meanwhile). */
    private int deliverDue() {
        long now = clock.nanos();
        int n = 0;
        while (inFlight.pollDue(now, arrive)) {
            n++;
        }
        return n;
    }

    // ---------------------------------------------------------------- running

    /** Adds a loop to run; it must run on this network's clock and must not be started. */
    public void register(EventLoop loop) {
        if (loop.clock() != clock) {
            throw new IllegalArgumentException("event loop " + loop.name() + " does not use the network's clock");
        }
        loops.add(loop);
    }

    /** Runs loops and deliveries at the current instant until nothing more happens. */
    public void runNow() {
        int rounds = 0;
        boolean busy;
        do {
            busy = false;
            for (int i = 0; i < loops.size(); i++) {
                busy |= loops.get(i).runUntilIdle() > 0;
            }
            busy |= deliverDue() > 0;
            if (++rounds > MAX_ROUNDS_PER_INSTANT) {
                throw new IllegalStateException("simulation never settles at " + clock.nanos());
            }
        } while (busy);
    }

    /** Runs the simulation for {@code duration} of virtual time. */
    public void run(Duration duration) {
        runUntil(() -> false, duration);
    }

    /**
     * Runs until {@code condition} holds (checked whenever the network has settled at an
     * instant) or {@code limit} of virtual time has passed, whichever is first.
     *
     * @return whether the condition held
     */
    public boolean runUntil(BooleanSupplier condition, Duration limit) {
        long end = Math.addExact(clock.nanos(), limit.toNanos());
        while (true) {
            runNow();
            if (condition.getAsBoolean()) {
                return true;
            }
            long now = clock.nanos();
            // A deadline at or before now is work nobody could do at now: look again 1 ns later.
            long next = Math.max(nextDeadline(), now + 1);
            if (next > end) {
                if (end > now) {
                    clock.advanceTo(end);
                    runNow();
                }
                return condition.getAsBoolean();
            }
            clock.advanceTo(next);
        }
    }

    /** The earliest instant at which a loop or a frame in flight has something to do. */
    public long nextDeadline() {
        long now = clock.nanos();
        long next = inFlight.nextTime();
        for (int i = 0; i < loops.size(); i++) {
            next = Math.min(next, loops.get(i).nextDeadline(now));
        }
        return next;
    }

    /** Releases every frame in flight and closes every port. */
    @Override
    public void close() {
        inFlight.releaseAll();
        for (SimPort p : ports) {
            p.close();
        }
    }

    @Override
    public String toString() {
        return "SimNetwork[" + ports.size() + " ports, " + switches.size() + " switches, "
                + inFlight.size() + " frames in flight @" + clock.nanos() + "]";
    }
}
