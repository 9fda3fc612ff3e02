package org.sockstack.testbed.services;

import java.nio.charset.StandardCharsets;

/**
 * The deterministic body of {@code GET /bytes/N}: octet {@code i} is {@code LINE[i % 64]}, a
 * 64-character line, so any client can check a download without a reference copy (and its
 * SHA-256 is that of the line repeated).
 */
public final class HttpContent {
    /** 63 printable characters and a newline. */
    public static final byte[] LINE =
            "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.\n".getBytes(StandardCharsets.US_ASCII);

    private HttpContent() {
    }

    public static byte byteAt(long i) {
        return LINE[(int) (i & 63)];
    }

    /** Fills {@code dst[off..off+len)} with the content starting at position {@code pos}. */
    public static void fill(byte[] dst, int off, int len, long pos) {
        for (int i = 0; i < len; i++) {
            dst[off + i] = LINE[(int) ((pos + i) & 63)];
        }
    }
}
