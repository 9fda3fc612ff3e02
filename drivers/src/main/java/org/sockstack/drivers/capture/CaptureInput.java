package org.sockstack.drivers.capture;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * An input stream that knows its byte offset and turns a short read into a
 * {@link CaptureFormatException} naming what was cut off. Shared by the two readers.
 */
final class CaptureInput {
    private final InputStream in;
    private long offset;

    CaptureInput(InputStream in) {
        this.in = Objects.requireNonNull(in);
    }

    /** Bytes consumed so far: the offset of the next byte. */
    long offset() {
        return offset;
    }

    /**
     * Reads exactly {@code length} bytes, or none at a clean end of file.
     *
     * @return false at end of file before the first byte
     * @throws CaptureFormatException if the file ends after some but not all bytes
     */
    boolean readOrEnd(byte[] b, int length, String what) throws IOException {
        int got = in.readNBytes(b, 0, length);
        long start = offset;
        offset += got;
        if (got == 0) {
            return false;
        }
        if (got < length) {
            throw truncated(start, what, length, got);
        }
        return true;
    }

    /** Reads exactly {@code length} bytes into {@code b} at {@code off}. */
    void readFully(byte[] b, int off, int length, String what) throws IOException {
        int got = in.readNBytes(b, off, length);
        long start = offset;
        offset += got;
        if (got < length) {
            throw truncated(start, what, length, got);
        }
    }

    /** Skips exactly {@code length} bytes (no allocation, whatever the length). */
    void skipFully(long length, String what) throws IOException {
        long start = offset;
        long left = length;
        while (left > 0) {
            long n = in.skip(left);
            if (n <= 0) {
                // skip() may return 0 before the end; read() tells the end apart.
                if (in.read() < 0) {
                    offset += length - left;
                    throw truncated(start, what, length, length - left);
                }
                n = 1;
            }
            left -= n;
        }
        offset += length;
    }

    void close() throws IOException {
        in.close();
    }

    private static CaptureFormatException truncated(long start, String what, long wanted, long got) {
        return new CaptureFormatException(start, "truncated file: " + what + " needs " + wanted
                + " bytes but the file ends after " + got);
    }
}
