package org.sockstack.drivers.capture;

/**
 * One frame read from a capture file.
 *
 * @param timestampNanos wall-clock time in nanoseconds since 1970-01-01 UTC, or
 *                       {@link #NO_TIMESTAMP} (pcapng Simple Packet Blocks carry none)
 * @param originalLength the frame's length on the wire; {@code data} may be shorter (snap length)
 * @param data           the captured bytes
 * @param interfaceId    the pcapng interface (within its section); 0 in classic pcap
 * @param linkType       the LINKTYPE_ of the interface, e.g. {@link CaptureOptions#LINKTYPE_ETHERNET}
 * @param direction      inbound/outbound from pcapng {@code epb_flags}, else UNKNOWN
 * @param comment        the pcapng {@code opt_comment}, or null
 */
public record CapturedFrame(long timestampNanos, int originalLength, byte[] data, int interfaceId, int linkType,
                            FrameDirection direction, String comment) {
    public static final long NO_TIMESTAMP = Long.MIN_VALUE;

    public boolean hasTimestamp() {
        return timestampNanos != NO_TIMESTAMP;
    }

    /** True if the snap length cut the frame short. */
    public boolean truncated() {
        return data.length < originalLength;
    }
}
