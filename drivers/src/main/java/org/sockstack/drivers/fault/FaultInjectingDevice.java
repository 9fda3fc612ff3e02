package org.sockstack.drivers.fault;

import io.netty.buffer.ByteBuf;
import org.sockstack.stack.device.Device;
import org.sockstack.stack.device.ForwardingDevice;
import org.sockstack.stack.device.FrameSink;
import org.sockstack.stack.loop.Clock;
import org.sockstack.stack.loop.Pollable;
import org.sockstack.stack.stats.Counters;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A decorator that makes any {@link Device} a bad link: frames received and/or transmitted
 * suffer the {@link Impairments} (loss, corruption, duplication, delay, jitter, reordering),
 * drawn from a seeded generator against an injected {@link Clock}. On a real TAP device this
 * gives the lossy, slow, reordering path that the kernel's netem would otherwise provide.
 *
 * <p>Delayed frames are held (at most {@code maxHeld} per direction; more are dropped and counted
 * as {@code drop.queue}) and released once due: transmitted frames by {@link #transmit},
 * {@link #flush} or {@link #poll}, received frames by {@link #receive}. Register the device as a
 * {@link Pollable} on the stack's event loop too: its {@link #nextDeadline} makes the loop wake
 * when a held frame falls due, and {@link #poll} then sends due frames and calls the ready
 * listener for due received ones.
 *
 * <p>Buffers: as the {@link Device} contract says. A lost frame is released; a corrupted frame is
 * replaced by a corrupted copy; a duplicate is a separate copy (never a shared view, as the
 * receiver may change a frame in place); {@link #close} releases every held frame.
 *
 * <p>Counters: {@code fault.<name>.rx.*} and {@code fault.<name>.tx.*} (see {@link FateCounters}).
 * Threading: like any device, the owning event loop only.
 */
public final class FaultInjectingDevice extends ForwardingDevice implements Pollable {
    /** Held frames per direction before further delayed frames are dropped. */
    public static final int DEFAULT_MAX_HELD = 4096;

    private final Clock clock;
    private final Impairer rx;
    private final Impairer tx;
    private final TimedFrameQueue<Void> rxHeld;
    private final TimedFrameQueue<Void> txHeld;
    private final Counters counters;
    private final FateCounters rxFates;
    private final FateCounters txFates;
    private final FrameSink admitReceived = this::admitReceived;
    private final TimedFrameQueue.Handler<Void> sendToInner = this::sendToInner;
    private final TimedFrameQueue.Handler<Void> deliverReceived = this::deliverReceived;

    private volatile Runnable readyListener = () -> { };
    private FrameSink downstream;
    private long receiveNow;
    /** The ready listener has been told that held frames are due and nobody has received since. */
    private boolean rxDueSignalled;

    private FaultInjectingDevice(Builder b) {
        super(b.inner);
        this.clock = b.clock;
        SplittableRandom seeds = new SplittableRandom(b.seed);
        // One generator per direction, so the fates of one direction never shift the other's.
        this.rx = new Impairer(b.receive, seeds.split());
        this.tx = new Impairer(b.transmit, seeds.split());
        this.rxHeld = new TimedFrameQueue<>(b.maxHeld);
        this.txHeld = new TimedFrameQueue<>(b.maxHeld);
        this.counters = b.counters != null ? b.counters : new Counters();
        this.rxFates = new FateCounters(counters, "fault." + inner.name() + ".rx");
        this.txFates = new FateCounters(counters, "fault." + inner.name() + ".tx");
        inner.setReadyListener(() -> readyListener.run());
    }

    /** Starts a decorator for {@code inner} whose time comes from {@code clock}. */
    public static Builder builder(Device inner, Clock clock) {
        return new Builder(inner, clock);
    }

    public FateCounters receiveFates() {
        return rxFates;
    }

    public FateCounters transmitFates() {
        return txFates;
    }

    public Counters counters() {
        return counters;
    }

    /** Frames currently held back (received, transmitted). */
    public int heldReceived() {
        return rxHeld.size();
    }

    public int heldTransmitted() {
        return txHeld.size();
    }

    // ---------------------------------------------------------------- receive

    /**
     * Pulls frames from the inner device through the impairments, then hands the frames that are
     * due to {@code sink}. Frames delayed (or duplicated) stay held for a later call.
     */
    @Override
    public int receive(int maxFrames, FrameSink sink) {
        rxDueSignalled = false;
        if (rx.config().isNone() && rxHeld.isEmpty()) {
            return countDelivered(inner.receive(maxFrames, sink), rxFates);
        }
        long now = clock.nanos();
        int room = rxHeld.limit() - rxHeld.size();
        if (room > 0) {
            receiveNow = now;
            inner.receive(Math.min(maxFrames, room), admitReceived);
        }
        downstream = sink;
        int n = 0;
        while (n < maxFrames && rxHeld.pollDue(now, deliverReceived)) {
            n++;
        }
        downstream = null;
        return n;
    }

    private static int countDelivered(int n, FateCounters fates) {
        for (int i = 0; i < n; i++) {
            fates.countOffered();
            fates.countDelivered();
        }
        return n;
    }

    private void admitReceived(ByteBuf frame) {
        impair(rx, rxFates, rxHeld, receiveNow, frame);
    }

    private void deliverReceived(ByteBuf frame, Void unused) {
        rxFates.countDelivered();
        downstream.accept(frame);
    }

    // ---------------------------------------------------------------- transmit

    /**
     * Sends {@code frame} through the impairments. A lost frame still counts as sent (the sender
     * cannot know); false only when the frame could not be held or the inner device refused it.
     */
    @Override
    public boolean transmit(ByteBuf frame) {
        if (tx.config().isNone() && txHeld.isEmpty()) {
            txFates.countOffered();
            boolean sent = inner.transmit(frame);
            if (sent) {
                txFates.countDelivered();
            }
            return sent;
        }
        long now = clock.nanos();
        boolean held = impair(tx, txFates, txHeld, now, frame);
        releaseTransmitted(now);
        return held;
    }

    @Override
    public void flush() {
        releaseTransmitted(clock.nanos());
        inner.flush();
    }

    private int releaseTransmitted(long now) {
        int n = 0;
        while (txHeld.pollDue(now, sendToInner)) {
            n++;
        }
        return n;
    }

    private void sendToInner(ByteBuf frame, Void unused) {
        if (inner.transmit(frame)) {
            txFates.countDelivered();
        } else {
            txFates.countQueueDrop();
        }
    }

    // ---------------------------------------------------------------- shared

    /**
     * Applies the fates to one frame and holds what survives until its release time (which may
     * be {@code now}). Takes ownership of {@code frame}.
     *
     * @return false if the frame was dropped because the hold was full
     */
    private static boolean impair(Impairer imp, FateCounters fates, TimedFrameQueue<Void> held, long now,
                                  ByteBuf frame) {
        fates.countOffered();
        if (imp.lose()) {
            fates.countLoss();
            frame.release();
            return true;
        }
        if (imp.corrupt()) {
            fates.countCorrupted();
            frame = imp.flipRandomBit(frame);
        }
        ByteBuf duplicate = null;
        if (imp.duplicate()) {
            fates.countDuplicated();
            duplicate = Impairer.copyOf(frame);
        }
        boolean reordered = imp.reorder();
        if (reordered) {
            fates.countReordered();
        }
        long at = imp.releaseTime(now, reordered);
        boolean accepted = hold(held, fates, at, frame);
        if (duplicate != null) {
            hold(held, fates, at, duplicate);
        }
        return accepted;
    }

    private static boolean hold(TimedFrameQueue<Void> held, FateCounters fates, long at, ByteBuf frame) {
        if (!held.offer(at, frame, null)) {
            fates.countQueueDrop();
            return false;
        }
        return true;
    }

    // ---------------------------------------------------------------- event loop

    /** Sends due transmitted frames and signals due received ones. */
    @Override
    public boolean poll(long now) {
        boolean busy = releaseTransmitted(now) > 0;
        if (!rxDueSignalled && rxHeld.hasDue(now)) {
            rxDueSignalled = true;
            readyListener.run();
            busy = true;
        }
        return busy;
    }

    /**
     * The next release time of a held frame. Received frames already signalled as due are left
     * out until someone receives, so a loop that does not drain the device does not spin.
     */
    @Override
    public long nextDeadline(long now) {
        long deadline = txHeld.nextTime();
        long rxNext = rxHeld.nextTime();
        if (!rxDueSignalled || rxNext > now) {
            deadline = Math.min(deadline, rxNext);
        }
        return deadline;
    }

    @Override
    public void setReadyListener(Runnable listener) {
        this.readyListener = Objects.requireNonNull(listener);
    }

    @Override
    public void close() {
        rxHeld.releaseAll();
        txHeld.releaseAll();
        inner.close();
    }

    @Override
    public String toString() {
        return "FaultInjectingDevice[" + inner + "]";
    }

    /** Configures a {@link FaultInjectingDevice}; by default nothing is impaired. */
    public static final class Builder {
        private final Device inner;
        private final Clock clock;
        private Impairments receive = Impairments.NONE;
        private Impairments transmit = Impairments.NONE;
        private long seed;
        private int maxHeld = DEFAULT_MAX_HELD;
        private Counters counters;

        private Builder(Device inner, Clock clock) {
            this.inner = Objects.requireNonNull(inner);
            this.clock = Objects.requireNonNull(clock);
        }

        /** Impairments for frames coming from the inner device to the stack. */
        public Builder receive(Impairments impairments) {
            this.receive = Objects.requireNonNull(impairments);
            return this;
        }

        /** Impairments for frames going from the stack to the inner device. */
        public Builder transmit(Impairments impairments) {
            this.transmit = Objects.requireNonNull(impairments);
            return this;
        }

        /** The same impairments both ways (each direction draws its own fates). */
        public Builder both(Impairments impairments) {
            return receive(impairments).transmit(impairments);
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder maxHeld(int frames) {
            if (frames <= 0) {
                throw new IllegalArgumentException("maxHeld must be positive");
            }
            this.maxHeld = frames;
            return this;
        }

        /** Registers the counters in {@code counters} (e.g. the stack's) instead of a private set. */
        public Builder counters(Counters counters) {
            this.counters = Objects.requireNonNull(counters);
            return this;
        }

        public FaultInjectingDevice build() {
            return new FaultInjectingDevice(this);
        }
    }
}
