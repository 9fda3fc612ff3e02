package org.sockstack.drivers.tap;

/** Opening or configuring a TAP device failed; the message says why and what to do. */
public final class TapException extends RuntimeException {
    private final int errno;

    public TapException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    /** The C errno behind the failure, or 0. */
    public int errno() {
        return errno;
    }
}
