package org.sockstack.stack.mcast;

/**
 * Group Record types (RFC 3376 section 4.2.12; MLDv2 uses the same codes, RFC 3810 section
 * 5.2.12). Current-State Records answer queries, Filter-Mode-Change and Source-List-Change
 * Records report state changes.
 */
public enum RecordType {
    /** IS_IN: current state, INCLUDE mode. */
    MODE_IS_INCLUDE(1),
    /** IS_EX: current state, EXCLUDE mode. */
    MODE_IS_EXCLUDE(2),
    /** TO_IN: the filter mode changed to INCLUDE. */
    CHANGE_TO_INCLUDE_MODE(3),
    /** TO_EX: the filter mode changed to EXCLUDE. */
    CHANGE_TO_EXCLUDE_MODE(4),
    /** ALLOW: these sources are now wanted. */
    ALLOW_NEW_SOURCES(5),
    /** BLOCK: these sources are no longer wanted. */
    BLOCK_OLD_SOURCES(6);

    private final int code;

    RecordType(int code) {
        this.code = code;
    }

    /** The Record Type octet on the wire. */
    public int code() {
        return code;
    }

    /** IS_EX and TO_EX: their source list may be truncated but never split (RFC 3376 4.2.16). */
    public boolean isExclude() {
        return this == MODE_IS_EXCLUDE || this == CHANGE_TO_EXCLUDE_MODE;
    }
}
