package org.sockstack.stack.device;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.sockstack.stack.wire.MacAddress;

/**
 * A network interface card as the stack sees it: Ethernet frames in and out as pooled
 * {@link ByteBuf}s (DESIGN rule 5). Implemented by the drivers (TAP, pcap, the simulated network)
 * and by {@link ChannelDevice} for tests.
 *
 * <p>Threading: {@link #receive}, {@link #transmit} and {@link #flush} are called by the owning
 * event loop only. A device whose frames arrive on another thread calls the listener given to
 * {@link #setReadyListener} so the loop wakes and polls it.
 *
 * <p>Ownership: a frame passed to {@link #transmit} belongs to the device from then on (it is
 * released after sending or dropping); a frame handed to a {@link FrameSink} belongs to the sink.
 */
public interface Device extends AutoCloseable {

    /** The interface name, e.g. {@code tap0}. */
    String name();

    MacAddress macAddress();

    /** The largest IP packet (Ethernet payload) the link carries, e.g. 1500. */
    int mtu();

    DeviceCapabilities capabilities();

    /** The allocator frames for {@link #transmit} should come from. */
    ByteBufAllocator allocator();

    /**
     * Moves up to {@code maxFrames} received frames to {@code sink} without blocking.
     *
     * @return the number of frames delivered
     */
    int receive(int maxFrames, FrameSink sink);

    /**
     * Queues one frame for sending and takes ownership of it. The frame's readable bytes are the
     * whole Ethernet frame without FCS.
     *
     * @return false if the frame was dropped (queue full, device down); it is released either way
     */
    boolean transmit(ByteBuf frame);

    /**
     * Queues a TCP super-frame (larger than the MTU) that the device cuts into segments of
     * {@code segmentSize} payload octets each (TCP segmentation offload), or an ordinary frame
     * when {@code segmentSize} is 0. Only called when {@link DeviceCapabilities#tcpSegmentationOffload()};
     * the frame's TCP checksum field holds the pseudo-header sum (not complemented) of the whole
     * super-frame, as Linux expects of a CHECKSUM_PARTIAL packet. Takes ownership as
     * {@link #transmit(ByteBuf)}.
     */
    default boolean transmit(ByteBuf frame, int segmentSize) {
        return transmit(frame);
    }

    /** Pushes queued frames to the medium; the loop calls this once per batch. */
    default void flush() {
    }

    /** Called from any thread when frames become ready to receive; replaces any earlier listener. */
    void setReadyListener(Runnable listener);

    /** Releases the device; frames queued are dropped and released. */
    @Override
    void close();
}
