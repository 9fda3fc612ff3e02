package org.sockstack.stack.neighbor;

import io.netty.buffer.ByteBuf;

/** Puts a complete Ethernet frame on the link after writing {@code dstMac} into its header. */
@FunctionalInterface
public interface FrameSender {
    /** Takes ownership of {@code frame}. */
    void sendFrame(ByteBuf frame, long dstMac);
}
