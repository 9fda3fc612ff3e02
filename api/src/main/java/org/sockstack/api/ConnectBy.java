package org.sockstack.api;

import org.sockstack.spi.provider.FdSet;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.util.ArrayList;
import java.util.List;

/**
 * WSAConnectByName and WSAConnectByList: try each address in turn until one connects, within one
 * overall time-out, then report the local and remote addresses of the connection. Built on the
 * C calls of {@link Winsock} (getaddrinfo, connect, select), as an application would write it.
 */
final class ConnectBy {
    private final Winsock ws;

    ConnectBy(Winsock ws) {
        this.ws = ws;
    }

    /** Resolves {@code node}/{@code service} for a stream socket; null with the last error set. */
    List<SockAddr> resolve(String node, String service) {
        AddrInfo hints = AddrInfo.hints(0, Wsa.AF_UNSPEC, Wsa.SOCK_STREAM, Wsa.IPPROTO_TCP);
        Ref<AddrInfo> res = new Ref<>();
        int e = ws.getaddrinfo(node, service, hints, res);
        if (e != 0) {
            ws.WSASetLastError(e);
            return null;
        }
        List<SockAddr> out = new ArrayList<>();
        for (AddrInfo a = res.value; a != null; a = a.next) {
            out.add(a.addr);
        }
        ws.freeaddrinfo(res.value);
        return out;
    }

    /**
     * Connects {@code s} to the first address of {@code addresses} that accepts, within
     * {@code timeout} (null: no limit) for all attempts together. True with the addresses filled,
     * false with the last attempt's error (WSAETIMEDOUT when the time ran out).
     */
    boolean connectFirst(long s, List<SockAddr> addresses, Ref<SockAddr> local, Ref<SockAddr> remote,
                         TimeVal timeout) {
        if (addresses.isEmpty()) {
            ws.WSASetLastError(WsaError.WSAEINVAL);
            return false;
        }
        long deadline = timeout == null ? Long.MAX_VALUE
                : System.nanoTime() + timeout.toDuration().toNanos();
        int error = WsaError.WSAEHOSTUNREACH;
        for (SockAddr to : addresses) {
            error = timeout == null ? connectBlocking(s, to) : connectTimed(s, to, deadline);
            if (error == 0) {
                return fillAddresses(s, local, remote);
            }
            if (error == WsaError.WSAETIMEDOUT || error == WsaError.WSAENOTSOCK
                    || error == WsaError.WSANOTINITIALISED || error == WsaError.WSAEISCONN) {
                break;
            }
        }
        ws.WSASetLastError(error);
        return false;
    }

    private int connectBlocking(long s, SockAddr to) {
        return ws.connect(s, to) == 0 ? 0 : ws.WSAGetLastError();
    }

    /** A non-blocking connect waited for with select until the deadline; the socket is blocking again after. */
    private int connectTimed(long s, SockAddr to, long deadline) {
        if (ws.ioctlsocket(s, Wsa.FIONBIO, new IntRef(1)) != 0) {
            return ws.WSAGetLastError();
        }
        try {
            if (ws.connect(s, to) == 0) {
                return 0;
            }
            int e = ws.WSAGetLastError();
            if (e != WsaError.WSAEWOULDBLOCK) {
                return e;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return WsaError.WSAETIMEDOUT;
            }
            FdSet w = FdSet.of(s);
            FdSet x = FdSet.of(s);
            long micros = Math.max(1, left / 1000);
            int n = ws.select(0, null, w, x, new TimeVal(micros / 1_000_000, micros % 1_000_000));
            if (n == Wsa.SOCKET_ERROR) {
                return ws.WSAGetLastError();
            }
            if (n == 0) {
                return WsaError.WSAETIMEDOUT;
            }
            if (x.isSet(s)) {
                int err = OverlappedIo.intOption(ws.process().provider(s, new IntRef()), s, Wsa.SOL_SOCKET,
                        Wsa.SO_ERROR);
                return err != 0 ? err : WsaError.WSAECONNREFUSED;
            }
            return 0;
        } finally {
            ws.ioctlsocket(s, Wsa.FIONBIO, new IntRef(0));
        }
    }

    private boolean fillAddresses(long s, Ref<SockAddr> local, Ref<SockAddr> remote) {
        if (local != null && ws.getsockname(s, local) != 0) {
            return false;
        }
        if (remote != null && ws.getpeername(s, remote) != 0) {
            return false;
        }
        return true;
    }
}
