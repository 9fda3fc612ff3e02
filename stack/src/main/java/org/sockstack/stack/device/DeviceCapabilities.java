package org.sockstack.stack.device;

/**
 * What a device does for the stack.
 *
 * @param rxChecksumVerified received frames carry L3/L4 checksums already verified by the
 *                           device (the stack may skip verification)
 * @param txChecksumOffload  the device computes L4 checksums on transmit (the stack may leave
 *                           them unfilled)
 * @param maxTransmitBurst   how many frames the device takes before a {@link Device#flush()}
 * @param tcpSegmentationOffload the device takes TCP super-frames of up to 64 KiB through
 *                           {@link Device#transmit(io.netty.buffer.ByteBuf, int)} and cuts them into
 *                           segments of the given size (TSO); TCP may then send more than one MSS
 *                           per frame
 */
public record DeviceCapabilities(boolean rxChecksumVerified, boolean txChecksumOffload, int maxTransmitBurst,
                                 boolean tcpSegmentationOffload) {

    /** A plain Ethernet device: no offloads. */
    public static final DeviceCapabilities NONE = new DeviceCapabilities(false, false, 64);

    /** Without TCP segmentation offload. */
    public DeviceCapabilities(boolean rxChecksumVerified, boolean txChecksumOffload, int maxTransmitBurst) {
        this(rxChecksumVerified, txChecksumOffload, maxTransmitBurst, false);
    }
}
