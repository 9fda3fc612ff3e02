package org.sockstack.stack.mcast;

/**
 * The filter mode of a multicast reception state (RFC 3376 section 2, RFC 3810 section 3):
 * receive only from the listed sources, or from all sources except the listed ones.
 */
public enum FilterMode {
    INCLUDE,
    EXCLUDE
}
