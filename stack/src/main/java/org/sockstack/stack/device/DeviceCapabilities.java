package org.sockstack.stack.device;

/**
 * What a device does for the stack.
 *
 * @param rxChecksumVerified received frames carry L3/L4 checksums already verified by the
 *                           device (the stack may skip verification)
 * @param txChecksumOffload  the device computes L4 checksums on transmit (the stack may leave
 *                           them unfilled)
 * @param maxTransmitBurst   how many frames the device takes before a {@link Device#flush()}
 */
public record DeviceCapabilities(boolean rxChecksumVerified, boolean txChecksumOffload, int maxTransmitBurst) {

    /** A plain Ethernet device: no offloads. */
    public static final DeviceCapabilities NONE = new DeviceCapabilities(false, false, 64);
}
