package org.sockstack.drivers.capture;

import io.netty.buffer.ByteBuf;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Writes the classic libpcap file format (draft-ietf-opsawg-pcap; the tcpdump/Wireshark
 * "pcap" format).
 *
 * <pre>
 * File header (24 bytes), in the writer's byte order:
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Magic Number (0xA1B2C3D4 or 0xA1B23C4D)         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Major Version (2)         |     Minor Version (4)         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     Reserved1 (thiszone, 0)                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     Reserved2 (sigfigs, 0)                    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                            SnapLen                            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | FCS |f|0 0 0 0 0 0 0 0 0 0 0 0|         LinkType              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Packet record (16 bytes + data):
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Timestamp (Seconds)                      |
 * |            Timestamp (Microseconds or nanoseconds)            |
 * |                    Captured Packet Length  (incl_len)         |
 * |                    Original Packet Length  (orig_len)         |
 * /                          Packet Data (incl_len bytes)         /
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * The magic number says both the byte order (a reader sees it swapped) and the resolution.
 */
public final class PcapWriter implements CaptureWriter {
    static final int FILE_HEADER_LENGTH = 24;
    static final int RECORD_HEADER_LENGTH = 16;

    private final OutputStream out;
    private final CaptureOptions options;
    private final ByteBuffer header;
    private long frames;
    private boolean closed;

    /** Writes the file header to {@code out} at once; {@code out} is closed by {@link #close()}. */
    public PcapWriter(OutputStream out, CaptureOptions options) throws IOException {
        this.out = Objects.requireNonNull(out);
        this.options = Objects.requireNonNull(options);
        this.header = ByteBuffer.allocate(FILE_HEADER_LENGTH).order(options.byteOrder());
        header.putInt(options.precision() == TimestampPrecision.NANOSECONDS ? PcapReader.MAGIC_NANOS : PcapReader.MAGIC_MICROS)
                .putShort((short) 2)
                .putShort((short) 4)
                .putInt(0)
                .putInt(0)
                .putInt(options.snapLength())
                .putInt(options.linkType());
        out.write(header.array(), 0, FILE_HEADER_LENGTH);
    }

    @Override
    public CaptureFormat format() {
        return CaptureFormat.PCAP;
    }

    @Override
    public CaptureOptions options() {
        return options;
    }

    @Override
    public void write(long timestampNanos, ByteBuf frame, FrameDirection direction, String comment) throws IOException {
        if (closed) {
            throw new IOException("pcap writer is closed");
        }
        if (timestampNanos < 0) {
            throw new IllegalArgumentException("timestamp before 1970: " + timestampNanos);
        }
        int origLen = frame.readableBytes();
        int inclLen = Math.min(origLen, options.snapLength());
        long seconds = timestampNanos / 1_000_000_000L;
        long fraction = (timestampNanos % 1_000_000_000L) / options.precision().nanosPerUnit();
        header.clear();
        header.putInt((int) seconds).putInt((int) fraction).putInt(inclLen).putInt(origLen);
        out.write(header.array(), 0, RECORD_HEADER_LENGTH);
        frame.getBytes(frame.readerIndex(), out, inclLen);
        frames++;
    }

    @Override
    public long framesWritten() {
        return frames;
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            out.close();
        }
    }
}
