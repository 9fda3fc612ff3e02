package org.sockstack.drivers.sim;

import io.netty.buffer.ByteBuf;
import org.sockstack.drivers.fault.FateCounters;

import java.util.random.RandomGenerator;

/**
 * One direction of a simulated link: decides what happens to each frame that enters it and
 * when the survivors come out of the far end (DESIGN rule 9: link models are pluggable; the
 * standard one is {@link ImpairedLinkModel}). Sans-IO: the model never reads a clock and never
 * delivers anything itself; it tells its {@link Delivery} "this frame arrives at time t" and the
 * {@link SimNetwork} does the rest.
 */
public interface LinkModel {

    /**
     * Where a model hands frames that will arrive: {@code frame} (ownership passes) reaches the
     * far end at the absolute time {@code time}, which is never before the {@code now} of the
     * {@link #send} call.
     */
    @FunctionalInterface
    interface Delivery {
        void deliverAt(long time, ByteBuf frame);
    }

    /**
     * A frame enters the link at {@code now}. Takes ownership: the frame is released if dropped,
     * otherwise passed (possibly as a copy, possibly twice) to {@code out}.
     *
     * @return false if the sender's side refused it (transmit queue full, frame too big); a frame
     *         lost on the wire still returns true, as a real NIC cannot tell
     */
    boolean send(long now, ByteBuf frame, Delivery out);

    /** What happened to the frames of this direction. */
    FateCounters fates();

    /** Bytes waiting in (or being serialized from) the transmit queue at {@code now}. */
    default int queuedBytes(long now) {
        return 0;
    }

    /** The standard model for {@code config}. */
    static LinkModel of(LinkConfig config, RandomGenerator random, FateCounters fates) {
        return new ImpairedLinkModel(config, random, fates);
    }
}
