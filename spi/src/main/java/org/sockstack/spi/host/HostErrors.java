package org.sockstack.spi.host;

import org.sockstack.spi.wsa.WsaError;

import java.net.BindException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.Locale;

/**
 * Translates the JDK's exceptions for host sockets into WSA codes, once (DESIGN rule 7). The JDK
 * carries the operating system's error only as text (strerror), so the messages are matched.
 */
final class HostErrors {
    private HostErrors() {
    }

    static int of(Exception e) {
        if (e instanceof PortUnreachableException) {
            return WsaError.WSAECONNRESET;
        }
        if (e instanceof NoRouteToHostException) {
            return WsaError.WSAEHOSTUNREACH;
        }
        if (e instanceof ClosedChannelException) {
            return WsaError.WSAENOTSOCK;
        }
        if (e instanceof UnresolvedAddressException) {
            return WsaError.WSAEINVAL;
        }
        if (e instanceof UnsupportedAddressTypeException) {
            return WsaError.WSAEAFNOSUPPORT;
        }
        if (e instanceof AlreadyBoundException) {
            return WsaError.WSAEINVAL;
        }
        String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        if (m.contains("already in use")) {
            return WsaError.WSAEADDRINUSE;
        }
        if (m.contains("cannot assign requested address")) {
            return WsaError.WSAEADDRNOTAVAIL;
        }
        if (m.contains("permission denied")) {
            return WsaError.WSAEACCES;
        }
        if (m.contains("message too long")) {
            return WsaError.WSAEMSGSIZE;
        }
        if (m.contains("network is unreachable")) {
            return WsaError.WSAENETUNREACH;
        }
        if (m.contains("no route to host")) {
            return WsaError.WSAEHOSTUNREACH;
        }
        if (m.contains("no buffer space")) {
            return WsaError.WSAENOBUFS;
        }
        if (m.contains("connection refused")) {
            return WsaError.WSAECONNRESET;
        }
        if (m.contains("invalid argument")) {
            return WsaError.WSAEINVAL;
        }
        if (m.contains("address family not supported") || m.contains("protocol family unavailable")) {
            return WsaError.WSAEAFNOSUPPORT;
        }
        if (e instanceof BindException) {
            return WsaError.WSAEADDRNOTAVAIL;
        }
        return WsaError.WSAENETDOWN;
    }
}
