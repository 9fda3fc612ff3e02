package org.sockstack.drivers.capture;

import java.nio.ByteOrder;
import java.util.Objects;

/**
 * How a {@link CaptureWriter} writes its file.
 *
 * @param interfaceName the pcapng {@code if_name} option (ignored by classic pcap)
 * @param linkType      the LINKTYPE_ value of the frames, {@link #LINKTYPE_ETHERNET} for Ethernet
 * @param snapLength    frames longer than this are cut to it (the original length is kept)
 * @param precision     microsecond or nanosecond timestamps
 * @param byteOrder     the byte order of headers; readers accept both, writers default to little-endian
 */
public record CaptureOptions(String interfaceName, int linkType, int snapLength, TimestampPrecision precision,
                             ByteOrder byteOrder) {
    /** LINKTYPE_ETHERNET: IEEE 802.3 frames without preamble and FCS. */
    public static final int LINKTYPE_ETHERNET = 1;
    /** The largest snap length readers accept (libpcap's MAXIMUM_SNAPLEN, 256 KiB). */
    public static final int MAX_SNAP_LENGTH = 262_144;

    public CaptureOptions {
        Objects.requireNonNull(interfaceName);
        Objects.requireNonNull(precision);
        Objects.requireNonNull(byteOrder);
        if (snapLength <= 0 || snapLength > MAX_SNAP_LENGTH) {
            throw new IllegalArgumentException("snap length must be 1.." + MAX_SNAP_LENGTH + ": " + snapLength);
        }
        if (linkType < 0 || linkType > 0xFFFF) {
            throw new IllegalArgumentException("link type must fit 16 bits: " + linkType);
        }
    }

    /** Ethernet, nanosecond timestamps, full frames, little-endian, interface "sockstack0". */
    public static CaptureOptions defaults() {
        return new CaptureOptions("sockstack0", LINKTYPE_ETHERNET, MAX_SNAP_LENGTH, TimestampPrecision.NANOSECONDS,
                ByteOrder.LITTLE_ENDIAN);
    }

    public CaptureOptions withInterfaceName(String name) {
        return new CaptureOptions(name, linkType, snapLength, precision, byteOrder);
    }

    public CaptureOptions withSnapLength(int length) {
        return new CaptureOptions(interfaceName, linkType, length, precision, byteOrder);
    }

    public CaptureOptions withPrecision(TimestampPrecision p) {
        return new CaptureOptions(interfaceName, linkType, snapLength, p, byteOrder);
    }

    public CaptureOptions withByteOrder(ByteOrder order) {
        return new CaptureOptions(interfaceName, linkType, snapLength, precision, order);
    }
}
