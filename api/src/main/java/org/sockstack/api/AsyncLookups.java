package org.sockstack.api;

import org.sockstack.spi.provider.AsyncWindow;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The WSAAsyncGetXByY functions of Winsock 1.1: each lookup runs on its own virtual thread and,
 * unless cancelled first, stores its result in the caller's buffer and posts
 * {@code (wMsg, wParam = task handle, lParam = WSAMAKEASYNCREPLY(buflen, error))} to the window.
 * The buffer is a {@link Ref} with the size the C buffer would have: a result whose C structure
 * (computed by {@link #hostentSize} and friends, 64-bit pointers) does not fit gives WSAENOBUFS with
 * the size needed as buflen.
 */
final class AsyncLookups {
    /** MAXGETHOSTSTRUCT: the buffer size the documentation asks for. */
    static final int MAXGETHOSTSTRUCT = 1024;
    private static final int POINTER = 8;

    /** A lookup's answer: the entry (null on failure), its C size, and the error. */
    private record Answer<T>(T value, int size, int error) { }

    private final Winsock ws;
    private final AtomicLong nextHandle = new AtomicLong(1);
    /** Tasks not yet completed or cancelled; whoever removes a task first owns its end. */
    private final Map<Long, Boolean> pending = new ConcurrentHashMap<>();

    AsyncLookups(Winsock ws) {
        this.ws = ws;
    }

    /** Starts a lookup; the task handle, or 0 with the last error (WSANOTINITIALISED, WSAEFAULT). */
    <T> long start(AsyncWindow window, int msg, Ref<T> buf, int buflen, Supplier<T> lookup,
                   java.util.function.ToIntFunction<T> size) {
        if (ws.process().startupCount() == 0) {
            ws.WSASetLastError(WsaError.WSANOTINITIALISED);
            return 0;
        }
        if (window == null || buf == null) {
            ws.WSASetLastError(WsaError.WSAEFAULT);
            return 0;
        }
        long handle = nextHandle.getAndIncrement();
        pending.put(handle, Boolean.TRUE);
        Thread.ofVirtual().name("wsa-async-" + handle).start(() -> {
            T value = lookup.get();
            int error = value == null ? ws.WSAGetLastError() : 0;
            int needed = value == null ? 0 : size.applyAsInt(value);
            if (pending.remove(handle) == null) {
                return;
            }
            if (value != null && needed > buflen) {
                window.post(msg, handle, makeAsyncReply(needed, WsaError.WSAENOBUFS));
                return;
            }
            if (value != null) {
                buf.value = value;
            }
            window.post(msg, handle, makeAsyncReply(0, error));
        });
        return handle;
    }

    /**
     * WSACancelAsyncRequest: 0 if the task had not completed (no message will come); WSAEALREADY
     * if it has, WSAEINVAL for a handle never given.
     */
    int cancel(long handle) {
        if (ws.process().startupCount() == 0) {
            ws.WSASetLastError(WsaError.WSANOTINITIALISED);
            return Wsa.SOCKET_ERROR;
        }
        if (pending.remove(handle) != null) {
            return 0;
        }
        ws.WSASetLastError(handle > 0 && handle < nextHandle.get() ? WsaError.WSAEALREADY : WsaError.WSAEINVAL);
        return Wsa.SOCKET_ERROR;
    }

    /** WSAMAKEASYNCREPLY(buflen, error): buflen in the low word, the error in the high word. */
    static long makeAsyncReply(int buflen, int error) {
        return (buflen & 0xFFFFL) | (error & 0xFFFFL) << 16;
    }

    static int asyncBuflen(long lParam) {
        return (int) (lParam & 0xFFFF);
    }

    static int asyncError(long lParam) {
        return (int) (lParam >>> 16 & 0xFFFF);
    }

    // ------------------------------------------------------------------ C sizes of the results

    private static int text(String s) {
        return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length + 1;
    }

    private static int texts(List<String> list) {
        int n = POINTER * (list.size() + 1);
        for (String s : list) {
            n += text(s);
        }
        return n;
    }

    /** hostent (name, aliases, type and length, address list) and what it points to. */
    static int hostentSize(HostEnt h) {
        int n = 4 * POINTER + text(h.name()) + texts(h.aliases()) + POINTER * (h.addrList().size() + 1);
        for (byte[] a : h.addrList()) {
            n += a.length;
        }
        return n;
    }

    /** servent (name, aliases, proto, port). */
    static int serventSize(ServEnt s) {
        return 4 * POINTER + text(s.name()) + texts(s.aliases()) + text(s.proto());
    }

    /** protoent (name, aliases, number). */
    static int protoentSize(ProtoEnt p) {
        return 3 * POINTER + text(p.name()) + texts(p.aliases());
    }
}
