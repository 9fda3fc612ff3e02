package org.sockstack.api;

import org.sockstack.spi.provider.ApcQueue;
import org.sockstack.spi.provider.CompletionPort;
import org.sockstack.spi.provider.CompletionRoutine;
import org.sockstack.spi.provider.FdSet;
import org.sockstack.spi.provider.Overlapped;
import org.sockstack.spi.provider.TransportProvider;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The overlapped half of the API behind {@link Winsock}'s "overlapped I/O" block: WSASend/WSARecv
 * with scatter/gather and flags, SleepEx, completion ports, and the machinery the extension
 * functions ({@link Extensions}) share to run an operation in the background and complete it the
 * Windows way (the overlapped's result and event, the completion port, or a completion routine
 * queued as an APC to the issuing thread).
 *
 * <p>The SPI completes the operations it runs itself (send, receive, ioctl) through the upcall
 * table, which posts to the port a socket is associated with. Operations the SPI has no overlapped
 * form for (accept, connect, MSG_WAITALL receives) run here on a virtual thread over the blocking
 * SPI calls and are completed the same way by {@link #complete}.
 */
final class OverlappedIo {
    /** One operation's result: a WSA code (0: success), the bytes transferred and the flags out. */
    record Outcome(int error, int bytes, int flags) {
        static Outcome ok(int bytes) {
            return new Outcome(0, bytes, 0);
        }

        static Outcome failed(int error) {
            return new Outcome(error, 0, 0);
        }
    }

    /** Work done in the background; returns its outcome (never throws for network errors). */
    @FunctionalInterface
    interface Work {
        Outcome run();
    }

    private record Association(IoCompletionPort port, long key) { }

    private final Winsock ws;
    /** Handles associated with a completion port, and their keys (a handle may be associated once). */
    private final Map<Long, Association> associations = new ConcurrentHashMap<>();

    OverlappedIo(Winsock ws) {
        this.ws = ws;
    }

    Winsock ws() {
        return ws;
    }

    // ------------------------------------------------------------------ helpers

    int fail(int code) {
        ws.WSASetLastError(code);
        return Wsa.SOCKET_ERROR;
    }

    /** The provider of {@code s}, or null with the last error set. */
    TransportProvider provider(long s) {
        IntRef errno = new IntRef();
        TransportProvider p = ws.process().provider(s, errno);
        if (p == null) {
            ws.WSASetLastError(errno.value);
        }
        return p;
    }

    /** SO_TYPE of a socket, or -1. */
    static int socketType(TransportProvider p, long s) {
        byte[] v = new byte[4];
        if (p.getSockOpt(s, Wsa.SOL_SOCKET, Wsa.SO_TYPE, v, new IntRef(4), new IntRef()) != 0) {
            return -1;
        }
        return v[0] & 0xFF;
    }

    static int intOption(TransportProvider p, long s, int level, int name) {
        byte[] v = new byte[4];
        if (p.getSockOpt(s, level, name, v, new IntRef(4), new IntRef()) != 0) {
            return 0;
        }
        return (v[0] & 0xFF) | (v[1] & 0xFF) << 8 | (v[2] & 0xFF) << 16 | (v[3] & 0xFF) << 24;
    }

    static SockAddr localName(TransportProvider p, long s) {
        Ref<SockAddr> a = new Ref<>();
        return p.getSockName(s, a, new IntRef()) == 0 ? a.value : null;
    }

    /** A closed handle ends a background operation with WSA_OPERATION_ABORTED. */
    static int aborted(int error) {
        return error == WsaError.WSAENOTSOCK || error == WsaError.WSAEINTR || error == WsaError.WSANOTINITIALISED
                ? WsaError.WSA_OPERATION_ABORTED : error;
    }

    /**
     * Waits until one of {@code read} is readable or one of {@code write} writable (or failed):
     * 0, or the error of the wait (WSAENOTSOCK once a handle was closed).
     */
    static int awaitReady(TransportProvider p, long[] read, long[] write) {
        FdSet r = read.length == 0 ? null : FdSet.of(read);
        FdSet w = write.length == 0 ? null : FdSet.of(write);
        FdSet x = write.length == 0 ? null : FdSet.of(write);
        IntRef errno = new IntRef();
        int n = p.select(r, w, x, null, errno);
        return n == Wsa.SOCKET_ERROR ? errno.value : 0;
    }

    static int remaining(ByteBuffer[] buffers) {
        int n = 0;
        for (ByteBuffer b : buffers) {
            n += b.remaining();
        }
        return n;
    }

    /** Moves the buffers' positions past {@code n} sent bytes (the SPI sends from copies). */
    static void advance(ByteBuffer[] buffers, int n) {
        for (ByteBuffer b : buffers) {
            int k = Math.min(n, b.remaining());
            b.position(b.position() + k);
            n -= k;
        }
    }

    /** Sends every byte of {@code buffers} whatever the socket's mode: the count, or an error outcome. */
    static Outcome sendAll(TransportProvider p, long s, ByteBuffer[] buffers) {
        int total = 0;
        while (remaining(buffers) > 0) {
            IntRef n = new IntRef();
            IntRef errno = new IntRef();
            if (p.send(s, buffers, n, 0, null, null, null, errno) == Wsa.SOCKET_ERROR) {
                if (errno.value != WsaError.WSAEWOULDBLOCK) {
                    return new Outcome(aborted(errno.value), total, 0);
                }
                int w = awaitReady(p, new long[0], new long[] {s});
                if (w != 0) {
                    return new Outcome(aborted(w), total, 0);
                }
                continue;
            }
            advance(buffers, n.value);
            total += n.value;
        }
        return Outcome.ok(total);
    }

    /**
     * Receives once whatever the socket's mode (waits for data): the count (0: the peer closed),
     * or an error outcome.
     */
    static Outcome recvOnce(TransportProvider p, long s, ByteBuffer[] buffers, int flags) {
        while (true) {
            IntRef n = new IntRef();
            IntRef errno = new IntRef();
            if (p.recv(s, buffers, n, new IntRef(flags), null, null, null, errno) == 0) {
                return Outcome.ok(n.value);
            }
            if (errno.value != WsaError.WSAEWOULDBLOCK) {
                return Outcome.failed(aborted(errno.value));
            }
            int w = awaitReady(p, new long[] {s}, new long[0]);
            if (w != 0) {
                return Outcome.failed(aborted(w));
            }
        }
    }

    /** MSG_WAITALL: receives until the buffers are full, the peer closed, or an error. */
    static Outcome recvAll(TransportProvider p, long s, ByteBuffer[] buffers, int flags) {
        int total = 0;
        while (remaining(buffers) > 0) {
            Outcome o = recvOnce(p, s, buffers, flags);
            if (o.error != 0) {
                return total > 0 ? Outcome.ok(total) : o;
            }
            if (o.bytes == 0) {
                break;
            }
            total += o.bytes;
        }
        return Outcome.ok(total);
    }

    // ------------------------------------------------------------------ completion

    /**
     * Runs {@code work} on a virtual thread and completes {@code ov} with its outcome. Returns
     * SOCKET_ERROR with WSA_IO_PENDING (the caller's answer for an overlapped call).
     */
    int startBackground(long s, Overlapped ov, CompletionRoutine routine, String name, Work work) {
        ov.reset();
        Thread issuer = Thread.currentThread();
        Association port = associations.get(s);
        Thread.ofVirtual().name(name + "-" + s).start(() -> complete(ov, routine, issuer, port, work.run()));
        return fail(WsaError.WSA_IO_PENDING);
    }

    /** Completes an operation of {@code s} at once (it is still notified, as Windows does). */
    void completeNow(long s, Overlapped ov, CompletionRoutine routine, Outcome o) {
        ov.reset();
        complete(ov, routine, Thread.currentThread(), associations.get(s), o);
    }

    /**
     * The completion: with a routine, the result is recorded and the routine queued as an APC to
     * the issuing thread (it runs in that thread's next alertable wait); otherwise the result is
     * recorded, the event set and a packet posted to the socket's completion port, if any.
     */
    private void complete(Overlapped ov, CompletionRoutine routine, Thread issuer, Association port, Outcome o) {
        ov.complete(o.error, o.bytes, o.flags);
        if (routine != null) {
            ApcQueue.of(issuer).queue(() -> routine.complete(o.error, o.bytes, ov, o.flags));
            return;
        }
        if (ov.event != null) {
            ov.event.set();
        }
        if (port != null && !port.port().isClosed()) {
            port.port().queue().post(new CompletionPort.Packet(port.key(), ov, o.error, o.bytes));
        }
    }

    // ------------------------------------------------------------------ WSASend / WSARecv

    int send(long s, ByteBuffer[] buffers, IntRef bytesSent, int flags, SockAddr to, boolean sendTo, Overlapped ov,
             CompletionRoutine routine) {
        TransportProvider p = provider(s);
        if (p == null) {
            return Wsa.SOCKET_ERROR;
        }
        if (buffers == null) {
            return fail(WsaError.WSAEFAULT);
        }
        IntRef sent = bytesSent != null ? bytesSent : new IntRef();
        IntRef errno = new IntRef();
        int r = sendTo
                ? p.sendTo(s, buffers, sent, flags, to, ov, routine, Thread.currentThread(), errno)
                : p.send(s, buffers, sent, flags, ov, routine, Thread.currentThread(), errno);
        return r == Wsa.SOCKET_ERROR ? fail(errno.value) : 0;
    }

    /**
     * WSARecv / WSARecvFrom. In-flags: MSG_PEEK, MSG_OOB (the out-of-band octet), MSG_PARTIAL
     * (ignored on input), MSG_WAITALL (stream sockets only: WSAEOPNOTSUPP on datagram sockets).
     * Out-flags: MSG_PARTIAL when a datagram did not fit (with WSAEMSGSIZE).
     */
    int recv(long s, ByteBuffer[] buffers, IntRef bytesRecvd, IntRef flags, Ref<SockAddr> from, Overlapped ov,
             CompletionRoutine routine) {
        TransportProvider p = provider(s);
        if (p == null) {
            return Wsa.SOCKET_ERROR;
        }
        if (buffers == null || flags == null) {
            return fail(WsaError.WSAEFAULT);
        }
        int in = flags.value & ~Wsa.MSG_PARTIAL;
        IntRef got = bytesRecvd != null ? bytesRecvd : new IntRef();
        if ((in & Wsa.MSG_WAITALL) != 0) {
            return recvWaitAll(p, s, buffers, got, flags, in & ~Wsa.MSG_WAITALL, ov, routine);
        }
        IntRef spiFlags = new IntRef(in);
        IntRef errno = new IntRef();
        int r = p.recvFrom(s, buffers, got, spiFlags, from, ov, routine, Thread.currentThread(), errno);
        if (r == Wsa.SOCKET_ERROR) {
            if (errno.value == WsaError.WSAEMSGSIZE) {
                flags.value = Wsa.MSG_PARTIAL;
            }
            return fail(errno.value);
        }
        flags.value = spiFlags.value;
        return 0;
    }

    private int recvWaitAll(TransportProvider p, long s, ByteBuffer[] buffers, IntRef got, IntRef flags, int in,
                            Overlapped ov, CompletionRoutine routine) {
        if (socketType(p, s) != Wsa.SOCK_STREAM || (in & Wsa.MSG_PEEK) != 0) {
            return fail(WsaError.WSAEOPNOTSUPP);
        }
        if (ov != null) {
            return startBackground(s, ov, routine, "recv-waitall", () -> recvAll(p, s, buffers, in));
        }
        // Without an overlapped the flag goes down with the receives: the provider refuses
        // MSG_WAITALL on a non-blocking socket (WSAEOPNOTSUPP, Microsoft's recv) and ignores it
        // otherwise. The background form above waits whatever the socket's mode, as Windows does.
        Outcome o = recvAll(p, s, buffers, in | Wsa.MSG_WAITALL);
        flags.value = 0;
        got.value = o.bytes;
        return o.error == 0 ? 0 : fail(o.error);
    }

    /** WSAGetOverlappedResult, plus MSG_PARTIAL for a datagram that did not fit. */
    boolean getOverlappedResult(long s, Overlapped ov, IntRef bytes, boolean wait, IntRef flags) {
        TransportProvider p = provider(s);
        if (p == null) {
            return false;
        }
        if (ov == null || bytes == null || flags == null) {
            fail(WsaError.WSAEFAULT);
            return false;
        }
        IntRef errno = new IntRef();
        boolean ok = p.getOverlappedResult(s, ov, bytes, wait, flags, errno);
        if (!ok) {
            if (errno.value == WsaError.WSAEMSGSIZE) {
                flags.value |= Wsa.MSG_PARTIAL;
            }
            fail(errno.value);
        }
        return ok;
    }

    // ------------------------------------------------------------------ SleepEx

    /** SleepEx: 0 after the time, or WAIT_IO_COMPLETION once queued completion routines ran (alertable only). */
    static int sleepEx(int millis, boolean alertable) {
        try {
            if (alertable) {
                return ApcQueue.alertableWait(millis) > 0 ? MsWsock.WAIT_IO_COMPLETION : 0;
            }
            Thread.sleep(millis < 0 ? Long.MAX_VALUE : millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    // ------------------------------------------------------------------ completion ports

    /**
     * CreateIoCompletionPort: {@code fileHandle} INVALID_HANDLE_VALUE ({@link Wsa#INVALID_SOCKET})
     * with no existing port makes a port; a socket handle is associated with {@code existingPort}
     * (or a new port) under {@code key}. Null with the last error: ERROR_INVALID_HANDLE (not a
     * socket, closed port), ERROR_INVALID_PARAMETER (already associated, or no handle but a port).
     */
    IoCompletionPort createIoCompletionPort(long fileHandle, IoCompletionPort existingPort, long key, int threads) {
        if (existingPort != null && existingPort.isClosed()) {
            fail(WsaError.WSA_INVALID_HANDLE);
            return null;
        }
        if (fileHandle == Wsa.INVALID_SOCKET) {
            if (existingPort != null) {
                fail(WsaError.WSA_INVALID_PARAMETER);
                return null;
            }
            return new IoCompletionPort(threads);
        }
        if (ws.process().provider(fileHandle, new IntRef()) == null) {
            fail(WsaError.WSA_INVALID_HANDLE);
            return null;
        }
        if (associations.containsKey(fileHandle)) {
            fail(WsaError.WSA_INVALID_PARAMETER);
            return null;
        }
        IoCompletionPort port = existingPort != null ? existingPort : new IoCompletionPort(threads);
        if (ws.process().associate(fileHandle, port.queue(), key) != 0) {
            fail(WsaError.WSA_INVALID_HANDLE);
            return null;
        }
        forgetClosed();
        associations.put(fileHandle, new Association(port, key));
        return port;
    }

    /** closesocket: the handle's completion-port association ends with it (handles are not reused). */
    void forget(long s) {
        associations.remove(s);
    }

    /**
     * Drops the associations of handles that are gone without closesocket (WSACleanup, the
     * handle AcceptEx releases): called when a new association is made, so the map stays small.
     */
    private void forgetClosed() {
        associations.keySet().removeIf(h -> ws.process().provider(h, new IntRef()) == null);
    }

    int associationCount() {
        return associations.size();
    }

    /**
     * GetQueuedCompletionStatus: true with a successful operation's packet; false with the
     * overlapped set and its error as the last error for a failed one; false with no overlapped
     * and WAIT_TIMEOUT after {@code millis} (INFINITE: no limit); ERROR_ABANDONED_WAIT_0 if the
     * port is closed while waiting, ERROR_INVALID_HANDLE for a closed port.
     */
    static boolean getQueuedCompletionStatus(Winsock ws, IoCompletionPort port, IntRef bytes, Ref<Long> key,
                                             Ref<Overlapped> overlapped, int millis) {
        if (port == null || port.isClosed()) {
            ws.WSASetLastError(WsaError.WSA_INVALID_HANDLE);
            return false;
        }
        if (bytes == null || key == null || overlapped == null) {
            ws.WSASetLastError(WsaError.WSA_INVALID_PARAMETER);
            return false;
        }
        CompletionPort.Packet p;
        try {
            p = port.take(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p = null;
        }
        overlapped.value = null;
        if (p == null) {
            ws.WSASetLastError(MsWsock.WAIT_TIMEOUT);
            return false;
        }
        if (IoCompletionPort.isClosedPacket(p)) {
            ws.WSASetLastError(MsWsock.ERROR_ABANDONED_WAIT_0);
            return false;
        }
        bytes.value = p.bytesTransferred();
        key.value = p.completionKey();
        overlapped.value = p.overlapped();
        if (p.error() != 0) {
            ws.WSASetLastError(p.error());
            return false;
        }
        return true;
    }

    static boolean postQueuedCompletionStatus(Winsock ws, IoCompletionPort port, int bytes, long key,
                                              Overlapped overlapped) {
        if (port == null || port.isClosed()) {
            ws.WSASetLastError(WsaError.WSA_INVALID_HANDLE);
            return false;
        }
        port.queue().post(new CompletionPort.Packet(key, overlapped, 0, bytes));
        return true;
    }

    static boolean closeHandle(Winsock ws, IoCompletionPort port) {
        if (port == null || port.isClosed()) {
            ws.WSASetLastError(WsaError.WSA_INVALID_HANDLE);
            return false;
        }
        port.close();
        return true;
    }
}
