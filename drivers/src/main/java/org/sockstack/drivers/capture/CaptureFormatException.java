package org.sockstack.drivers.capture;

import java.io.IOException;

/**
 * A capture file that is truncated, corrupt or not a capture file at all. The message names what
 * was wrong and the byte offset in the file where it was found.
 */
public class CaptureFormatException extends IOException {
    private final long offset;

    public CaptureFormatException(long offset, String message) {
        super(message + " (at byte offset " + offset + ")");
        this.offset = offset;
    }

    /** The byte offset in the file where the problem was found. */
    public long offset() {
        return offset;
    }
}
