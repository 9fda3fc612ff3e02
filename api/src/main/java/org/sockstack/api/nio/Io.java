package org.sockstack.api.nio;

import org.sockstack.api.Winsock;
import org.sockstack.api.WinsockException;
import org.sockstack.spi.provider.TransportProvider;
import org.sockstack.spi.provider.WsaEvent;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.Objects;

/**
 * The Winsock calls the channels make and the translation of their WSA errors into the
 * exceptions the JDK's own channels throw in the same situation. Calls that Winsock offers
 * only for one buffer (recv, send) go to the socket's provider with the whole buffer array
 * (WSPRecv / WSPSend take arrays: scatter/gather).
 *
 * <p>I/O results are a byte count (&ge; 0) or a negated WSA error code.
 */
final class Io {
    private Io() {
    }

    /** Per thread: sockets being opened (0 or 1) and whether one tried to open a channel of ours meanwhile. */
    private static final ThreadLocal<int[]> OPENING = ThreadLocal.withInitial(() -> new int[2]);

    private static final String CYCLE = "the Winsock provider is itself built on JDK NIO (the host provider) and "
            + "the JDK gave it this SelectorProvider (java.nio.channels.spi.SelectorProvider): choose the property "
            + "with the user-space stack, or make a WinsockSelectorProvider directly for the host stack";

    /** A socket of {@code family} ({@code null}: IPv4) and {@code type}, or the JDK's exception. */
    static long open(Winsock ws, ProtocolFamily family, int type, int protocol) throws IOException {
        int af = af(family);
        int[] depth = OPENING.get();
        if (depth[0] > 0) {
            // The Winsock provider opens JDK channels itself and the JDK handed it this provider.
            depth[1] = 1;
            throw new IOException(CYCLE);
        }
        long h;
        depth[0]++;
        try {
            h = ws.socket(af, type, protocol);
        } finally {
            depth[0]--;
        }
        if (depth[1] != 0) {
            depth[1] = 0;
            if (h != Wsa.INVALID_SOCKET) {
                ws.closesocket(h);
            }
            throw new IOException(CYCLE);
        }
        if (h == Wsa.INVALID_SOCKET) {
            int e = ws.WSAGetLastError();
            if (e == WsaError.WSAEAFNOSUPPORT || e == WsaError.WSAEPROTONOSUPPORT
                    || e == WsaError.WSAESOCKTNOSUPPORT) {
                throw new UnsupportedOperationException("Protocol family unavailable: " + WsaError.name(e));
            }
            throw exception("socket", e);
        }
        return h;
    }

    static int af(ProtocolFamily family) {
        if (family == null || family == StandardProtocolFamily.INET) {
            return Wsa.AF_INET;
        }
        if (family == StandardProtocolFamily.INET6) {
            return Wsa.AF_INET6;
        }
        throw new UnsupportedOperationException("Protocol family not supported");
    }

    // ------------------------------------------------------------------ errors

    /** True for the errors a close by another thread causes in a waiting call. */
    static boolean closedError(int code) {
        return code == WsaError.WSAENOTSOCK || code == WsaError.WSAEINTR || code == WsaError.WSA_OPERATION_ABORTED;
    }

    /**
     * The exception the JDK throws for the POSIX error behind {@code code} (sun.nio.ch.Net's
     * choice: ConnectException for refused and timed-out connections, NoRouteToHostException,
     * BindException for address errors, SocketException otherwise; messages as strerror gives
     * them). The WSA code travels as the cause, a {@link WinsockException}.
     */
    static IOException exception(String call, int code) {
        IOException e = switch (code) {
            case WsaError.WSAECONNREFUSED -> new ConnectException("Connection refused");
            case WsaError.WSAETIMEDOUT -> call.equals("connect")
                    ? new ConnectException("Connection timed out") : new SocketTimeoutException(call + " timed out");
            case WsaError.WSAEHOSTUNREACH -> new NoRouteToHostException("No route to host");
            case WsaError.WSAENETUNREACH -> new SocketException("Network is unreachable");
            case WsaError.WSAEADDRINUSE -> new BindException("Address already in use");
            case WsaError.WSAEADDRNOTAVAIL -> new BindException("Cannot assign requested address");
            case WsaError.WSAEACCES -> new BindException("Permission denied");
            case WsaError.WSAECONNRESET -> new SocketException("Connection reset");
            case WsaError.WSAECONNABORTED -> new SocketException("Software caused connection abort");
            case WsaError.WSAENETRESET -> new SocketException("Network dropped connection on reset");
            case WsaError.WSAENOBUFS -> new SocketException("No buffer space available");
            case WsaError.WSAEMSGSIZE -> new SocketException("Message too long");
            default -> new SocketException(call + ": " + WsaError.name(code));
        };
        e.initCause(new WinsockException(call, code));
        return e;
    }

    // ------------------------------------------------------------------ addresses

    /** Checks a socket address as the JDK does and turns it into a sockaddr of {@code af}. */
    static InetSocketAddress check(SocketAddress sa, int af) {
        Objects.requireNonNull(sa, "address");
        if (!(sa instanceof InetSocketAddress isa)) {
            throw new UnsupportedAddressTypeException();
        }
        if (isa.isUnresolved()) {
            throw new UnresolvedAddressException();
        }
        InetAddress a = isa.getAddress();
        if (af == Wsa.AF_INET && !(a instanceof Inet4Address) || af == Wsa.AF_INET6 && !(a instanceof Inet6Address)) {
            throw new UnsupportedAddressTypeException();
        }
        return isa;
    }

    /** The wildcard address of {@code af}, port 0 (bind(null)). */
    static InetSocketAddress any(int af) {
        return SockAddr.any(af).toInet();
    }

    /** A connect to the wildcard address goes to the loopback address, as the JDK does. */
    static InetSocketAddress connectTarget(InetSocketAddress isa, int af) {
        if (!isa.getAddress().isAnyLocalAddress()) {
            return isa;
        }
        try {
            InetAddress lo = af == Wsa.AF_INET ? InetAddress.getByName("127.0.0.1") : InetAddress.getByName("::1");
            return new InetSocketAddress(lo, isa.getPort());
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** getsockname, or null when the socket is not bound. */
    static InetSocketAddress localAddress(Winsock ws, long h) {
        Ref<SockAddr> name = new Ref<>();
        return ws.getsockname(h, name) == 0 && name.value != null ? name.value.toInet() : null;
    }

    /** getpeername, or null when the socket is not connected. */
    static InetSocketAddress remoteAddress(Winsock ws, long h) {
        Ref<SockAddr> name = new Ref<>();
        return ws.getpeername(h, name) == 0 && name.value != null ? name.value.toInet() : null;
    }

    // ------------------------------------------------------------------ calls

    /** Result of a Winsock call returning 0 / SOCKET_ERROR: 0 or the negated last error. */
    static int result(Winsock ws, int r) {
        return r == Wsa.SOCKET_ERROR ? -ws.WSAGetLastError() : r;
    }

    static TransportProvider provider(Winsock ws, long h, IntRef errno) {
        return ws.process().provider(h, errno);
    }

    /** ioctlsocket(FIONBIO): 0 or the negated error. */
    static int setNonBlocking(Winsock ws, long h, boolean on) {
        return result(ws, ws.ioctlsocket(h, Wsa.FIONBIO, new IntRef(on ? 1 : 0)));
    }

    /** WSAEventSelect through the socket's provider ({@code events} 0 cancels): 0 or the negated error. */
    static int eventSelect(Winsock ws, long h, WsaEvent event, int events) {
        IntRef errno = new IntRef();
        TransportProvider p = provider(ws, h, errno);
        if (p == null) {
            return -errno.value;
        }
        return p.eventSelect(h, events == 0 ? null : event, events, errno) == 0 ? 0 : -errno.value;
    }

    /** Takes the socket back from any event selection and makes it blocking (after deregistration). */
    static int makeBlocking(Winsock ws, long h) {
        eventSelect(ws, h, null, 0);
        return setNonBlocking(ws, h, false);
    }

    static long remaining(ByteBuffer[] bufs, int off, int len) {
        long n = 0;
        for (int i = off; i < off + len; i++) {
            n += bufs[i].remaining();
        }
        return n;
    }

    static void checkWritable(ByteBuffer[] bufs, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (bufs[i].isReadOnly()) {
                throw new IllegalArgumentException("Read-only buffer");
            }
        }
    }

    /**
     * WSPRecv / WSPRecvFrom into {@code bufs[off, off+len)}: the byte count (their positions
     * advance by it) or the negated error. A datagram larger than the buffers is cut, as the JDK
     * does (the rest is lost): WSAEMSGSIZE counts as success.
     */
    static int recv(Winsock ws, long h, ByteBuffer[] bufs, int off, int len, Ref<SockAddr> from) {
        IntRef errno = new IntRef();
        TransportProvider p = provider(ws, h, errno);
        if (p == null) {
            return -errno.value;
        }
        ByteBuffer[] dups = duplicates(bufs, off, len);
        IntRef got = new IntRef();
        int r = from == null
                ? p.recv(h, dups, got, new IntRef(0), null, null, null, errno)
                : p.recvFrom(h, dups, got, new IntRef(0), from, null, null, null, errno);
        if (r == Wsa.SOCKET_ERROR && errno.value != WsaError.WSAEMSGSIZE) {
            return -errno.value;
        }
        advance(bufs, off, len, got.value);
        return got.value;
    }

    /** WSPSend / WSPSendTo from {@code bufs[off, off+len)}: the byte count or the negated error. */
    static int send(Winsock ws, long h, ByteBuffer[] bufs, int off, int len, SockAddr to) {
        IntRef errno = new IntRef();
        TransportProvider p = provider(ws, h, errno);
        if (p == null) {
            return -errno.value;
        }
        ByteBuffer[] dups = duplicates(bufs, off, len);
        IntRef sent = new IntRef();
        int r = to == null
                ? p.send(h, dups, sent, 0, null, null, null, errno)
                : p.sendTo(h, dups, sent, 0, to, null, null, null, errno);
        if (r == Wsa.SOCKET_ERROR) {
            return -errno.value;
        }
        advance(bufs, off, len, sent.value);
        return sent.value;
    }

    private static ByteBuffer[] duplicates(ByteBuffer[] bufs, int off, int len) {
        ByteBuffer[] d = new ByteBuffer[len];
        for (int i = 0; i < len; i++) {
            d[i] = bufs[off + i].duplicate();
        }
        return d;
    }

    /** Moves the positions forward by {@code n} bytes, filling (or draining) the buffers in order. */
    private static void advance(ByteBuffer[] bufs, int off, int len, int n) {
        for (int i = off; i < off + len && n > 0; i++) {
            int step = Math.min(n, bufs[i].remaining());
            bufs[i].position(bufs[i].position() + step);
            n -= step;
        }
    }

    /** closesocket; a lingering close of a non-blocking socket (WSAEWOULDBLOCK) is made blocking first. */
    static void close(Winsock ws, long h) throws IOException {
        int r = result(ws, ws.closesocket(h));
        if (r == -WsaError.WSAEWOULDBLOCK) {
            makeBlocking(ws, h);
            r = result(ws, ws.closesocket(h));
        }
        if (r != 0 && r != -WsaError.WSAENOTSOCK) {
            throw exception("closesocket", -r);
        }
    }

    /**
     * The exception for a failed call of {@code ch}: the close exception when a close or an
     * interrupt ended it (see {@link #closed}), else the JDK's exception for {@code code}.
     */
    static IOException failure(java.nio.channels.Channel ch, String call, int code) {
        return closedError(code) ? closed(ch) : exception(call, code);
    }

    /**
     * The exception for a call that a close or an interrupt ended and that {@code end()} did not
     * report: the JDK wakes an interrupted thread before its channel is closed, so the thread may
     * see the failed call first. Interrupted: the channel closes, ClosedByInterruptException;
     * otherwise AsynchronousCloseException.
     */
    static ClosedChannelException closed(java.nio.channels.Channel ch) {
        if (Thread.currentThread().isInterrupted()) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing is all that is left to do
            }
            return new java.nio.channels.ClosedByInterruptException();
        }
        return new java.nio.channels.AsynchronousCloseException();
    }
}
