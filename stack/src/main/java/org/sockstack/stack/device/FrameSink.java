package org.sockstack.stack.device;

import io.netty.buffer.ByteBuf;

/** Receives frames from a {@link Device}; takes ownership of each frame (it must release it). */
@FunctionalInterface
public interface FrameSink {
    void accept(ByteBuf frame);
}
