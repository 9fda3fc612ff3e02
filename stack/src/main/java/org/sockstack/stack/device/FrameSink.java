package org.sockstack.stack.device;

import io.netty.buffer.ByteBuf;

/** Receives frames from a {@link Device}; takes ownership of each frame (it must release it). */
@FunctionalInterface
public interface FrameSink {
    void accept(ByteBuf frame);

    /**
     * Receives a frame with its per-frame offload flags ({@link FrameOffload}). Devices that know
     * more about a frame than its bytes (a TAP device with a virtio-net header) call this; a
     * sink that does not care about the flags gets {@link #accept(ByteBuf)}.
     */
    default void accept(ByteBuf frame, int rxFlags) {
        accept(frame);
    }
}
