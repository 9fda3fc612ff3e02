package org.sockstack.stack.socket;

/**
 * Errors the stack's own socket objects report (DESIGN rule 7: typed here, translated once to
 * WSA codes by the SPI). Names follow the POSIX errno each corresponds to.
 */
public enum SocketError {
    OK,
    /** EWOULDBLOCK: nothing to read, no room to write. */
    WOULD_BLOCK,
    /** EADDRINUSE. */
    ADDRESS_IN_USE,
    /** EADDRNOTAVAIL: the address is not one of ours. */
    ADDRESS_NOT_AVAILABLE,
    /** ENETUNREACH / EHOSTUNREACH: no route. */
    NO_ROUTE,
    /** EHOSTUNREACH after failed address resolution. */
    HOST_UNREACHABLE,
    /** EMSGSIZE: too big to send (DF set, or over the protocol limit). */
    MESSAGE_TOO_BIG,
    /** ENOTCONN. */
    NOT_CONNECTED,
    /** EISCONN. */
    ALREADY_CONNECTED,
    /** ECONNREFUSED: an ICMP port unreachable or a RST to our SYN. */
    CONNECTION_REFUSED,
    /** ECONNRESET. */
    CONNECTION_RESET,
    /** ECONNABORTED. */
    CONNECTION_ABORTED,
    /** ETIMEDOUT. */
    TIMED_OUT,
    /** EACCES: e.g. broadcast without the broadcast option. */
    ACCESS_DENIED,
    /** EINVAL. */
    INVALID_ARGUMENT,
    /** ENOBUFS: a queue or table is full. */
    NO_BUFFERS,
    /** EPIPE / ESHUTDOWN: sending after shutdown. */
    SHUT_DOWN,
    /** EBADF: the socket is closed. */
    CLOSED,
    /** EOPNOTSUPP. */
    NOT_SUPPORTED,
    /** EAFNOSUPPORT. */
    ADDRESS_FAMILY_NOT_SUPPORTED,
    /** EINPROGRESS. */
    IN_PROGRESS,
    /** EALREADY. */
    ALREADY
}
