package org.sockstack.drivers.sim;

import io.netty.buffer.ByteBuf;

/** The far end of a link direction: a {@link SimPort}'s receive queue or a {@link SimSwitch} port. */
@FunctionalInterface
interface FrameArrival {
    /** {@code frame} (ownership passes) arrives at {@code now}. */
    void arrive(long now, ByteBuf frame);
}
