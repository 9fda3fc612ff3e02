package org.sockstack.drivers.capture;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads classic libpcap files (layout in {@link PcapWriter}) in either byte order and with either
 * timestamp resolution.
 *
 * <p>Every record length is checked before anything is allocated: {@code incl_len} may not exceed
 * the file's snap length (or {@link CaptureOptions#MAX_SNAP_LENGTH} when the header's snap length
 * is 0 or larger than that) nor {@code orig_len}. A file cut in the middle of a record is an error;
 * a file that ends exactly after a record is the normal end.
 */
public final class PcapReader implements CaptureReader {
    /** Magic number of microsecond files, as the writer's byte order writes it. */
    public static final int MAGIC_MICROS = 0xA1B2C3D4;
    /** Magic number of nanosecond files. */
    public static final int MAGIC_NANOS = 0xA1B23C4D;

    private final CaptureInput in;
    private final ByteOrder byteOrder;
    private final TimestampPrecision precision;
    private final int versionMajor;
    private final int versionMinor;
    private final int snapLength;
    private final int linkType;
    private final byte[] recordHeader = new byte[PcapWriter.RECORD_HEADER_LENGTH];

    /** Reads and checks the file header; {@code in} is closed by {@link #close()}. */
    public PcapReader(InputStream in) throws IOException {
        this.in = new CaptureInput(in);
        byte[] h = new byte[PcapWriter.FILE_HEADER_LENGTH];
        this.in.readFully(h, 0, h.length, "pcap file header");
        ByteBuffer b = ByteBuffer.wrap(h);
        int magic = b.getInt(0); // read big-endian: equals the constant when the file is big-endian
        if (isMagic(magic)) {
            byteOrder = ByteOrder.BIG_ENDIAN;
        } else if (isMagic(Integer.reverseBytes(magic))) {
            byteOrder = ByteOrder.LITTLE_ENDIAN;
            magic = Integer.reverseBytes(magic);
        } else {
            throw new CaptureFormatException(0, String.format("not a pcap file: magic number 0x%08x", magic));
        }
        precision = magic == MAGIC_NANOS ? TimestampPrecision.NANOSECONDS : TimestampPrecision.MICROSECONDS;
        b.order(byteOrder);
        versionMajor = Short.toUnsignedInt(b.getShort(4));
        versionMinor = Short.toUnsignedInt(b.getShort(6));
        if (versionMajor != 2) {
            throw new CaptureFormatException(4, "unsupported pcap version " + versionMajor + "." + versionMinor
                    + " (only 2.x exists)");
        }
        long snap = Integer.toUnsignedLong(b.getInt(16));
        snapLength = snap == 0 || snap > CaptureOptions.MAX_SNAP_LENGTH ? CaptureOptions.MAX_SNAP_LENGTH : (int) snap;
        linkType = b.getInt(20) & 0xFFFF; // the upper bits carry FCS information
    }

    static boolean isMagic(int value) {
        return value == MAGIC_MICROS || value == MAGIC_NANOS;
    }

    @Override
    public CaptureFormat format() {
        return CaptureFormat.PCAP;
    }

    public ByteOrder byteOrder() {
        return byteOrder;
    }

    public TimestampPrecision precision() {
        return precision;
    }

    public int versionMajor() {
        return versionMajor;
    }

    public int versionMinor() {
        return versionMinor;
    }

    /** The bound on captured lengths: the header's snap length, or the maximum if it is 0 or larger. */
    public int snapLength() {
        return snapLength;
    }

    public int linkType() {
        return linkType;
    }

    @Override
    public CapturedFrame next() throws IOException {
        long start = in.offset();
        if (!in.readOrEnd(recordHeader, recordHeader.length, "pcap record header")) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(recordHeader).order(byteOrder);
        long seconds = Integer.toUnsignedLong(b.getInt(0));
        long fraction = Integer.toUnsignedLong(b.getInt(4));
        long inclLen = Integer.toUnsignedLong(b.getInt(8));
        long origLen = Integer.toUnsignedLong(b.getInt(12));
        if (inclLen > snapLength) {
            throw new CaptureFormatException(start, "corrupt pcap record: incl_len " + inclLen
                    + " exceeds the snap length " + snapLength);
        }
        if (inclLen > origLen) {
            throw new CaptureFormatException(start, "corrupt pcap record: incl_len " + inclLen
                    + " exceeds orig_len " + origLen);
        }
        if (origLen > Integer.MAX_VALUE) {
            throw new CaptureFormatException(start, "corrupt pcap record: orig_len " + origLen);
        }
        byte[] data = new byte[(int) inclLen];
        in.readFully(data, 0, data.length, "pcap packet data");
        long nanos = seconds * 1_000_000_000L + fraction * precision.nanosPerUnit();
        return new CapturedFrame(nanos, (int) origLen, data, 0, linkType, FrameDirection.UNKNOWN, null);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
