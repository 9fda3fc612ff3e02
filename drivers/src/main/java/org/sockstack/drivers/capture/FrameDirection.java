package org.sockstack.drivers.capture;

/** Which way a captured frame went, as pcapng's {@code epb_flags} records it (bits 0-1). */
public enum FrameDirection {
    /** Not recorded (always so in classic pcap files). */
    UNKNOWN,
    /** Received from the link. */
    INBOUND,
    /** Sent to the link. */
    OUTBOUND
}
