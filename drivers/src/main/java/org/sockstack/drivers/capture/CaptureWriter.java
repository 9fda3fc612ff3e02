package org.sockstack.drivers.capture;

import io.netty.buffer.ByteBuf;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes frames to a capture file ({@link PcapWriter} or {@link PcapngWriter}).
 *
 * <p>Ownership: {@code write} copies the frame's readable bytes; it neither releases nor retains
 * the buffer and leaves its indices unchanged. Not thread-safe: one thread writes.
 */
public interface CaptureWriter extends Closeable, Flushable {

    CaptureFormat format();

    CaptureOptions options();

    /**
     * Appends one frame.
     *
     * @param timestampNanos wall-clock time, nanoseconds since 1970-01-01 UTC (not negative)
     * @param frame          the frame: its readable bytes, cut to the snap length
     * @param direction      recorded in pcapng {@code epb_flags}; classic pcap drops it
     * @param comment        a pcapng {@code opt_comment}, or null; classic pcap drops it
     * @throws IOException if the underlying stream fails or the writer is closed
     */
    void write(long timestampNanos, ByteBuf frame, FrameDirection direction, String comment) throws IOException;

    /** Appends one frame with no direction and no comment. */
    default void write(long timestampNanos, ByteBuf frame) throws IOException {
        write(timestampNanos, frame, FrameDirection.UNKNOWN, null);
    }

    /** Frames written so far. */
    long framesWritten();

    /** A writer for {@code format} over {@code out}; the file header is written at once. */
    static CaptureWriter create(OutputStream out, CaptureFormat format, CaptureOptions options) throws IOException {
        return switch (format) {
            case PCAP -> new PcapWriter(out, options);
            case PCAPNG -> new PcapngWriter(out, options);
        };
    }

    /** Creates (or truncates) {@code file} and writes a buffered capture to it. */
    static CaptureWriter open(Path file, CaptureFormat format, CaptureOptions options) throws IOException {
        OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        try {
            return create(out, format, options);
        } catch (IOException | RuntimeException e) {
            out.close();
            throw e;
        }
    }

    /** Like {@link #open(Path, CaptureFormat, CaptureOptions)}, the format chosen by file extension. */
    static CaptureWriter open(Path file, CaptureOptions options) throws IOException {
        return open(file, CaptureFormat.forFileName(file), options);
    }
}
