package org.sockstack.stack.device;

/**
 * Per-frame offload information that travels with a frame between a {@link Device} and the
 * stack, as a plain {@code int} so the per-frame path allocates nothing (DESIGN rule 5).
 *
 * <p>Receive: {@link FrameSink#accept(io.netty.buffer.ByteBuf, int)} carries a flags word. The
 * flags mirror what a virtio-net device reports in its header (virtio spec 5.1.6.4, Linux
 * {@code include/uapi/linux/virtio_net.h}): a frame whose L4 checksum was never filled in
 * because it never left the host ({@code VIRTIO_NET_HDR_F_NEEDS_CSUM}) or was already verified
 * ({@code VIRTIO_NET_HDR_F_DATA_VALID}), and a TCP "super-frame" of up to 64 KiB that the sender
 * did not cut into MTU-sized segments ({@code gso_type} TCPV4/TCPV6).
 *
 * <p>Transmit: {@link Device#transmit(io.netty.buffer.ByteBuf, int)} carries the segment size
 * (the MSS, virtio's {@code gso_size}) of a TCP super-frame that the device must segment (TSO).
 */
public final class FrameOffload {
    /** No offload information: verify every checksum, the frame fits the MTU. */
    public static final int NONE = 0;
    /**
     * The TCP/UDP checksum of this frame must not be verified: the device (or the host that
     * handed it over) vouches for the data, and the checksum field may hold only a partial sum.
     */
    public static final int RX_CHECKSUM_UNNECESSARY = 1;
    /** The frame is a TCP super-frame larger than the MTU (received GSO/GRO). */
    public static final int RX_SEGMENTED = 2;

    private FrameOffload() {
    }

    public static boolean checksumUnnecessary(int rxFlags) {
        return (rxFlags & RX_CHECKSUM_UNNECESSARY) != 0;
    }
}
