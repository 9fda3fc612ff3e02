package org.sockstack.spi.stack;

import org.sockstack.stack.socket.SocketError;
import org.sockstack.spi.wsa.WsaError;

/**
 * The stack's socket errors as WSA codes: translated here, once (DESIGN rule 7). The switch has
 * no default, so a new {@link SocketError} value does not compile until it is given a code.
 */
public final class StackErrors {
    private StackErrors() {
    }

    public static int toWsa(SocketError e) {
        return switch (e) {
            case OK -> 0;
            case WOULD_BLOCK -> WsaError.WSAEWOULDBLOCK;
            case ADDRESS_IN_USE -> WsaError.WSAEADDRINUSE;
            case ADDRESS_NOT_AVAILABLE -> WsaError.WSAEADDRNOTAVAIL;
            case NO_ROUTE -> WsaError.WSAENETUNREACH;
            case HOST_UNREACHABLE -> WsaError.WSAEHOSTUNREACH;
            case MESSAGE_TOO_BIG -> WsaError.WSAEMSGSIZE;
            case NOT_CONNECTED -> WsaError.WSAENOTCONN;
            case ALREADY_CONNECTED -> WsaError.WSAEISCONN;
            case CONNECTION_REFUSED -> WsaError.WSAECONNREFUSED;
            case CONNECTION_RESET -> WsaError.WSAECONNRESET;
            case CONNECTION_ABORTED -> WsaError.WSAECONNABORTED;
            case TIMED_OUT -> WsaError.WSAETIMEDOUT;
            case ACCESS_DENIED -> WsaError.WSAEACCES;
            case INVALID_ARGUMENT -> WsaError.WSAEINVAL;
            case NO_BUFFERS -> WsaError.WSAENOBUFS;
            case SHUT_DOWN -> WsaError.WSAESHUTDOWN;
            case CLOSED -> WsaError.WSAENOTSOCK;
            case NOT_SUPPORTED -> WsaError.WSAEOPNOTSUPP;
            case ADDRESS_FAMILY_NOT_SUPPORTED -> WsaError.WSAEAFNOSUPPORT;
            case IN_PROGRESS -> WsaError.WSAEINPROGRESS;
            case ALREADY -> WsaError.WSAEALREADY;
        };
    }
}
