package org.sockstack.drivers.sim;

import io.netty.buffer.ByteBuf;
import org.sockstack.drivers.fault.FateCounters;

import java.util.Objects;

/**
 * A point-to-point link of the simulated network: two directions, each with its own
 * {@link LinkModel} (made from a {@link LinkConfig} and a generator seeded from the network seed).
 * "Forward" is from the first endpoint given at creation to the second.
 * Links are made by {@link SimNetwork#link} and {@link SimSwitch#connect}.
 */
public final class SimLink {
    private final String name;
    private final Direction forward;
    private final Direction reverse;

    SimLink(String name, Direction forward, Direction reverse) {
        this.name = name;
        this.forward = forward;
        this.reverse = reverse;
    }

    public String name() {
        return name;
    }

    /** The model of the direction from the first endpoint to the second. */
    public LinkModel forward() {
        return forward.model;
    }

    /** The model of the direction from the second endpoint to the first. */
    public LinkModel reverse() {
        return reverse.model;
    }

    public FateCounters forwardFates() {
        return forward.model.fates();
    }

    public FateCounters reverseFates() {
        return reverse.model.fates();
    }

    Direction forwardDirection() {
        return forward;
    }

    Direction reverseDirection() {
        return reverse;
    }

    @Override
    public String toString() {
        return "SimLink[" + name + "]";
    }

    /** One direction: a model, the endpoint at its far end, and the network that carries frames. */
    static final class Direction implements LinkModel.Delivery {
        final SimNetwork network;
        final LinkModel model;
        final FrameArrival target;

        Direction(SimNetwork network, LinkModel model, FrameArrival target) {
            this.network = network;
            this.model = Objects.requireNonNull(model);
            this.target = Objects.requireNonNull(target);
        }

        /** A frame enters this direction now; takes ownership. */
        boolean carry(ByteBuf frame) {
            return model.send(network.now(), frame, this);
        }

        @Override
        public void deliverAt(long time, ByteBuf frame) {
            network.schedule(time, frame, this);
        }
    }
}
