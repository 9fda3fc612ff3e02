package org.sockstack.stack.wire;

import java.util.Locale;

/**
 * Why a frame or packet was rejected by a view's {@code check()} or a record's {@code parse()}.
 * The stack counts each rejection under {@code <layer>.drop.<reason>} with {@link #reason()}.
 * {@link #OK} means nothing is wrong; no exception is ever thrown for bad input (DESIGN rule 6).
 */
public enum WireError {
    OK,
    /** Shorter than the fixed header. */
    TRUNCATED,
    /** A length field disagrees with the buffer or with another length field. */
    BAD_LENGTH,
    /** A version field this format does not speak. */
    BAD_VERSION,
    /** The checksum does not verify. */
    BAD_CHECKSUM,
    /** An option (IPv4, TCP, NDP, ...) is malformed: zero length, past the end, wrong size. */
    BAD_OPTION,
    /** A header field holds a value the RFC forbids (bad flag combination, reserved value). */
    BAD_FIELD,
    /** A well-formed message of a type or code the stack does not handle. */
    UNSUPPORTED;

    /** The counter suffix, e.g. {@code bad_checksum}. */
    public String reason() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean ok() {
        return this == OK;
    }
}
