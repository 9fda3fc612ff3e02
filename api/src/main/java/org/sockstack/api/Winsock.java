package org.sockstack.api;

import org.sockstack.spi.Ws2Process;
import org.sockstack.spi.WsaData;
import org.sockstack.spi.ProviderRegistry;
import org.sockstack.spi.catalog.CatalogFile;
import org.sockstack.spi.catalog.ProtocolInfo;
import org.sockstack.spi.provider.AsyncWindow;
import org.sockstack.spi.provider.FdSet;
import org.sockstack.spi.provider.NetworkEvents;
import org.sockstack.spi.provider.TransportProvider;
import org.sockstack.spi.provider.WsaEvent;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.sockstack.spi.namespace.NamespaceCatalog;
import org.sockstack.spi.namespace.NamespaceProvider;
import org.sockstack.spi.namespace.QuerySet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * ws2_32 as an application sees it: the Winsock 2 functions with their C names, arguments and
 * return values, so C code ports line by line. One instance is one process's ws2_32 over a
 * {@link Ws2Process}; {@link #getDefault()} is the process over the installed catalog.
 *
 * <p>Conventions, as in winsock2.h: a call returns 0, a count or a handle on success and
 * {@link Wsa#SOCKET_ERROR} or {@link Wsa#INVALID_SOCKET} on failure, with the reason left in the
 * calling thread's last error ({@link #WSAGetLastError}). WSAStartup alone returns its error. A
 * sockaddr is a {@link SockAddr} (it carries its length, so there is no namelen); a pointer
 * out-parameter is a {@link Ref}, an {@code int*} an {@link IntRef}. Socket calls go to the
 * provider that owns the handle (the newest form of each call: send becomes WSPSend, ...); the API
 * checks only what it does itself (buffer bounds, empty fd_sets, startup).
 *
 * <pre>
 *   Winsock ws = Winsock.getDefault();
 *   ws.WSAStartup(Wsa.makeVersion(2, 2), new WsaData());
 *   long s = ws.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
 *   if (ws.connect(s, addr) == SOCKET_ERROR) { int err = ws.WSAGetLastError(); ... }
 * </pre>
 */
public final class Winsock {
    private static Winsock defaultInstance;

    private final Ws2Process process;
    /** The per-thread last error (Windows keeps it in the thread's TEB). */
    private final ThreadLocal<int[]> lastError = ThreadLocal.withInitial(() -> new int[1]);

    public Winsock(Ws2Process process) {
        this.process = process;
    }

    /**
     * The default process: the catalog of {@link CatalogFile#defaultLocation()} (made from every
     * provider on the class path the first time) and providers found by the service loader.
     */
    public static synchronized Winsock getDefault() {
        if (defaultInstance == null) {
            try {
                defaultInstance = new Winsock(Ws2Process.open(CatalogFile.defaultLocation(),
                        ProviderRegistry.withServiceLoader()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open the protocol catalog", e);
            }
        }
        return defaultInstance;
    }

    /** Chooses the default process once, before anything used it (a test, an embedding program). */
    public static synchronized void setDefault(Winsock ws) {
        if (defaultInstance != null && defaultInstance != ws) {
            throw new IllegalStateException("the default Winsock process is already chosen");
        }
        defaultInstance = ws;
    }

    public Ws2Process process() {
        return process;
    }

    // ------------------------------------------------------------------ startup, cleanup, errors

    /**
     * WSAStartup: negotiates the version (0.x refused with WSAVERNOTSUPPORTED; 1.0, 1.1, 2.0, 2.1,
     * 2.2 granted as asked; 1.2 and up as 1.1; above 2.2 as 2.2) and fills {@code lpWSAData}.
     * Returns 0 or the error itself (WSAEFAULT for a null WSADATA); the last error is not set.
     */
    public int WSAStartup(int wVersionRequested, WsaData lpWSAData) {
        return process.startup(wVersionRequested, lpWSAData);
    }

    /** WSACleanup: one per successful WSAStartup; the last closes every socket of the process. */
    public int WSACleanup() {
        int e = process.cleanup();
        return e == 0 ? 0 : fail(e);
    }

    public int WSAGetLastError() {
        return lastError.get()[0];
    }

    public void WSASetLastError(int iError) {
        lastError.get()[0] = iError;
    }

    private int fail(int code) {
        WSASetLastError(code);
        return Wsa.SOCKET_ERROR;
    }

    /** The result of a provider call: its value, or SOCKET_ERROR with the last error set. */
    private int result(int r, IntRef errno) {
        return r == Wsa.SOCKET_ERROR ? fail(errno.value) : r;
    }

    /** The provider owning {@code s}, or null with the last error set (WSAENOTSOCK, WSANOTINITIALISED). */
    private TransportProvider provider(long s, IntRef errno) {
        TransportProvider p = process.provider(s, errno);
        if (p == null) {
            WSASetLastError(errno.value);
        }
        return p;
    }

    // ------------------------------------------------------------------ sockets

    /** socket(): WSASocket with no protocol info and WSA_FLAG_OVERLAPPED (socket() handles are overlapped-capable). */
    public long socket(int af, int type, int protocol) {
        return WSASocket(af, type, protocol, null, 0, Wsa.WSA_FLAG_OVERLAPPED);
    }

    /** WSASocket: the catalog picks the provider (or {@code lpProtocolInfo} names it). */
    public long WSASocket(int af, int type, int protocol, ProtocolInfo lpProtocolInfo, int g, int dwFlags) {
        IntRef errno = new IntRef();
        long s = process.socket(af, type, protocol, lpProtocolInfo, g, dwFlags, errno);
        if (s == Wsa.INVALID_SOCKET) {
            WSASetLastError(errno.value);
        }
        return s;
    }

    public int closesocket(long s) {
        IntRef errno = new IntRef();
        TransportProvider p = provider(s, errno);
        if (p == null) {
            return Wsa.SOCKET_ERROR;
        }
        int r = result(p.closeSocket(s, errno), errno);
        if (r == 0) {
            overlappedIo.forget(s);
        }
        return r;
    }

    public int bind(long s, SockAddr name) {
        IntRef errno = new IntRef();
        TransportProvider p = provider(s, errno);
        return p == null ? Wsa.SOCKET_ERROR : result(p.bind(s, name, errno), errno);
    }

    public int listen(long s, int backlog) {
        IntRef errno = new IntRef();
        TransportProvider p = provider(s, errno);
        return p == null ? Wsa.SOCKET_ERROR : result(p.listen(s, backlog, errno), errno);
    }

    /** accept: the new socket, or INVALID_SOCKET; {@code addr} (may be null) receives the peer. */
    public long accept(long s, Ref<SockAddr> addr) {
        IntRef errno = new IntRef();
        TransportProvider p = provider(s, errno);
        if (p == null) {
            return Wsa.INVALID_SOCKET;
        }
        Ref<SockAddr> peer = addr != null ? addr : new Ref<>();
        long a = p.accept(s, peer, null, errno);
        if (a == Wsa.INVALID_SOCKET) {
            WSASetLastError(errno.value);
        }
        return a;
    }

    public int connect(long s, SockAddr name) {
        IntRef errno = new IntRef();
        TransportProvider p = provider(s, errno);
        return p == null ? Wsa.SOCKET_ERROR : result(p.connect(s, name, null, null, null, null, errno), errno);
    }

    public int shutdown(long s, int how) {
        IntRef errno = new IntRef();
        TransportProvider p = provider(s, errno);
        return p == null ? Wsa.SOCKET_ERROR : result(p.shutdown(s, how, errno), errno);
    }

    public int getsockname(long s, Ref<SockAddr> name) {
        if (name == null) {
            return fail(WsaError.WSAEFAULT);
        }
        IntRef errno = new IntRef();
        TransportProvider p = provider(s, errno);
        return p == null ? Wsa.SOCKET_ERROR : result(p.getSockName(s, name, errno), errno);
    }

    public int getpeername(long s, Ref<SockAddr> name) {
        if (name == null) {
            return fail(WsaError.WSAEFAULT);
        }
        IntRef errno = new IntRef();
        TransportProvider p = provider(s, errno);
        return p == null ? Wsa.SOCKET_ERROR : result(p.getPeerName(s, name, errno), errno);
    }

    // ------------------------------------------------------------------ data

    /** send: the bytes sent (a blocking socket sends them all), or SOCKET_ERROR. */
    public int send(long s, byte[] buf, int len, int flags) {
        if (!fits(buf, 0, len)) {
            return fail(WsaError.WSAEFAULT);
        }
        return send(s, ByteBuffer.wrap(buf, 0, len), flags);
    }

    /** send from a buffer's remaining bytes (C's {@code buf + sent}): the position advances by the count. */
    public int send(long s, ByteBuffer buf, int flags) {
        IntRef errno = new IntRef();
        TransportProvider p = provider(s, errno);
        if (p == null) {
            return Wsa.SOCKET_ERROR;
        }
        IntRef sent = new IntRef();
        int r = p.send(s, new ByteBuffer[] {buf.duplicate()}, sent, flags, null, null, null, errno);
        if (r == Wsa.SOCKET_ERROR) {
            return fail(errno.value);
        }
        buf.position(buf.position() + sent.value);
        return sent.value;
    }

    public int sendto(long s, byte[] buf, int len, int flags, SockAddr to) {
        if (!fits(buf, 0, len)) {
            return fail(WsaError.WSAEFAULT);
        }
        IntRef errno = new IntRef();
        TransportProvider p = provider(s, errno);
        if (p == null) {
            return Wsa.SOCKET_ERROR;
        }
        IntRef sent = new IntRef();
        int r = p.sendTo(s, new ByteBuffer[] {ByteBuffer.wrap(buf, 0, len)}, sent, flags, to, null, null, null, errno);
        return r == Wsa.SOCKET_ERROR ? fail(errno.value) : sent.value;
    }

    /** recv: the bytes received, 0 at a graceful close, or SOCKET_ERROR. */
    public int recv(long s, byte[] buf, int len, int flags) {
        if (!fits(buf, 0, len)) {
            return fail(WsaError.WSAEFAULT);
        }
        return recv(s, ByteBuffer.wrap(buf, 0, len), flags);
    }

    /** recv into a buffer's remaining space: the position advances by the count. */
    public int recv(long s, ByteBuffer buf, int flags) {
        if ((flags & Wsa.MSG_WAITALL) != 0) {
            return recvWaitAll(s, buf, flags);
        }
        IntRef errno = new IntRef();
        TransportProvider p = provider(s, errno);
        if (p == null) {
            return Wsa.SOCKET_ERROR;
        }
        IntRef got = new IntRef();
        int r = p.recv(s, new ByteBuffer[] {buf.duplicate()}, got, new IntRef(flags), null, null, null, errno);
        if (r == Wsa.SOCKET_ERROR) {
            return fail(errno.value);
        }
        buf.position(buf.position() + got.value);
        return got.value;
    }

    /** recvfrom: the bytes received; {@code from} (may be null) receives the sender. */
    public int recvfrom(long s, byte[] buf, int len, int flags, Ref<SockAddr> from) {
        if (!fits(buf, 0, len)) {
            return fail(WsaError.WSAEFAULT);
        }
        IntRef errno = new IntRef();
        TransportProvider p = provider(s, errno);
        if (p == null) {
            return Wsa.SOCKET_ERROR;
        }
        IntRef got = new IntRef();
        Ref<SockAddr> sender = from != null ? from : new Ref<>();
        int r = p.recvFrom(s, new ByteBuffer[] {ByteBuffer.wrap(buf, 0, len)}, got, new IntRef(flags), sender,
                null, null, null, errno);
        return r == Wsa.SOCKET_ERROR ? fail(errno.value) : got.value;
    }

    private static boolean fits(byte[] buf, int off, int len) {
        return buf != null ? len >= 0 && off >= 0 && off + len <= buf.length : len == 0;
    }

    // ------------------------------------------------------------------ options and control

    /** setsockopt: passed to the provider as is (values little-endian, as on Windows). */
    public int setsockopt(long s, int level, int optname, byte[] optval, int optlen) {
        IntRef errno = new IntRef();
        TransportProvider p = provider(s, errno);
        return p == null ? Wsa.SOCKET_ERROR : result(p.setSockOpt(s, level, optname, optval, optlen, errno), errno);
    }

    /** getsockopt: {@code optlen} in/out. */
    public int getsockopt(long s, int level, int optname, byte[] optval, IntRef optlen) {
        IntRef errno = new IntRef();
        TransportProvider p = provider(s, errno);
        return p == null ? Wsa.SOCKET_ERROR : result(p.getSockOpt(s, level, optname, optval, optlen, errno), errno);
    }

    /**
     * ioctlsocket: {@code argp} is the {@code u_long*} argument, read for an IOC_IN code (FIONBIO)
     * and written for an IOC_OUT code (FIONREAD, SIOCATMARK). Becomes WSPIoctl.
     */
    public int ioctlsocket(long s, int cmd, IntRef argp) {
        if (argp == null) {
            return fail(WsaError.WSAEFAULT);
        }
        IntRef errno = new IntRef();
        TransportProvider p = provider(s, errno);
        if (p == null) {
            return Wsa.SOCKET_ERROR;
        }
        byte[] in = (cmd & 0x80000000) != 0 ? le32(argp.value) : null;
        byte[] out = (cmd & 0x40000000) != 0 ? new byte[4] : null;
        int r = p.ioctl(s, cmd, in, out, new IntRef(), null, null, null, errno);
        if (r == Wsa.SOCKET_ERROR) {
            return fail(errno.value);
        }
        if (out != null) {
            argp.value = (out[0] & 0xFF) | (out[1] & 0xFF) << 8 | (out[2] & 0xFF) << 16 | (out[3] & 0xFF) << 24;
        }
        return 0;
    }

    private static byte[] le32(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    // ------------------------------------------------------------------ select and fd_set

    /**
     * select: {@code nfds} is ignored (as on Windows). All sockets must belong to one provider:
     * the first handle (read, then write, then except set) picks it, and WSPSelect checks the rest.
     * Returns the number of ready handles (the sets keep only those), 0 on time-out, or
     * SOCKET_ERROR: WSAEINVAL when every set is empty, WSAENOTSOCK for a handle that is not a
     * socket (the sets are left unchanged). A null timeout blocks.
     */
    public int select(int nfds, FdSet readfds, FdSet writefds, FdSet exceptfds, TimeVal timeout) {
        if (process.startupCount() == 0) {
            return fail(WsaError.WSANOTINITIALISED);
        }
        long first = firstHandle(readfds, writefds, exceptfds);
        if (first == Wsa.INVALID_SOCKET) {
            return fail(WsaError.WSAEINVAL);
        }
        IntRef errno = new IntRef();
        TransportProvider p = provider(first, errno);
        if (p == null) {
            return Wsa.SOCKET_ERROR;
        }
        return result(p.select(readfds, writefds, exceptfds, timeout == null ? null : timeout.toDuration(), errno),
                errno);
    }

    private static long firstHandle(FdSet... sets) {
        for (FdSet set : sets) {
            if (set != null && set.count() > 0) {
                return set.handles().get(0);
            }
        }
        return Wsa.INVALID_SOCKET;
    }

    /** FD_SET: adds {@code fd} unless the set already holds FD_SETSIZE handles. */
    public static void FD_SET(long fd, FdSet set) {
        set.set(fd);
    }

    public static void FD_CLR(long fd, FdSet set) {
        set.clear(fd);
    }

    public static void FD_ZERO(FdSet set) {
        set.zero();
    }

    /** FD_ISSET (__WSAFDIsSet): non-zero if {@code fd} is in the set. */
    public static boolean FD_ISSET(long fd, FdSet set) {
        return set != null && set.isSet(fd);
    }

    // ------------------------------------------------------------------ addresses

    /**
     * inet_pton: 1 and the address in {@code dst} (4 bytes for AF_INET, 16 for AF_INET6), 0 when
     * {@code src} is not an address of the family, -1 with WSAEAFNOSUPPORT for another family or
     * WSAEFAULT for a missing argument or a {@code dst} too small.
     */
    public int inet_pton(int family, String src, byte[] dst) {
        if (family != Wsa.AF_INET && family != Wsa.AF_INET6) {
            return fail(WsaError.WSAEAFNOSUPPORT);
        }
        if (src == null || dst == null || dst.length < (family == Wsa.AF_INET ? 4 : 16)) {
            return fail(WsaError.WSAEFAULT);
        }
        byte[] a = family == Wsa.AF_INET ? InetText.parseIpv4(src) : InetText.parseIpv6(src);
        if (a == null) {
            return 0;
        }
        System.arraycopy(a, 0, dst, 0, a.length);
        return 1;
    }

    /**
     * inet_ntop: the text of the address, or null with WSAEAFNOSUPPORT for another family or
     * WSAEFAULT for a missing or short {@code src}.
     */
    public String inet_ntop(int family, byte[] src) {
        if (family != Wsa.AF_INET && family != Wsa.AF_INET6) {
            fail(WsaError.WSAEAFNOSUPPORT);
            return null;
        }
        if (src == null || src.length < (family == Wsa.AF_INET ? 4 : 16)) {
            fail(WsaError.WSAEFAULT);
            return null;
        }
        return family == Wsa.AF_INET ? InetText.formatIpv4(src) : InetText.formatIpv6(src);
    }

    /**
     * inet_ntop with the C buffer size: null with ERROR_INVALID_PARAMETER (WSA_INVALID_PARAMETER)
     * when the text and its terminating NUL do not fit in {@code size} characters.
     */
    public String inet_ntop(int family, byte[] src, int size) {
        String text = inet_ntop(family, src);
        if (text != null && text.length() + 1 > size) {
            fail(WsaError.WSA_INVALID_PARAMETER);
            return null;
        }
        return text;
    }

    /** Byte-order helpers (no provider, no startup needed). */
    public static short htons(short v) {
        return Short.reverseBytes(v);
    }

    public static short ntohs(short v) {
        return Short.reverseBytes(v);
    }

    public static int htonl(int v) {
        return Integer.reverseBytes(v);
    }

    public static int ntohl(int v) {
        return Integer.reverseBytes(v);
    }

    // ---- overlapped I/O, completion ports, extension functions ----

    private final OverlappedIo overlappedIo = new OverlappedIo(this);
    private final Extensions extensions = new Extensions(overlappedIo);

    /**
     * WSASend: gathers {@code lpBuffers} (their positions do not move). With {@code lpOverlapped}
     * on an overlapped socket: 0 when done at once, SOCKET_ERROR with WSA_IO_PENDING when it
     * completes later, through the overlapped's event (and the socket's completion port) or,
     * with {@code lpCompletionRoutine}, through the routine run in this thread's next alertable
     * wait ({@link #SleepEx}).
     */
    public int WSASend(long s, ByteBuffer[] lpBuffers, IntRef lpNumberOfBytesSent, int dwFlags,
                       org.sockstack.spi.provider.Overlapped lpOverlapped,
                       org.sockstack.spi.provider.CompletionRoutine lpCompletionRoutine) {
        return overlappedIo.send(s, lpBuffers, lpNumberOfBytesSent, dwFlags, null, false, lpOverlapped,
                lpCompletionRoutine);
    }

    public int WSASendTo(long s, ByteBuffer[] lpBuffers, IntRef lpNumberOfBytesSent, int dwFlags, SockAddr lpTo,
                         org.sockstack.spi.provider.Overlapped lpOverlapped,
                         org.sockstack.spi.provider.CompletionRoutine lpCompletionRoutine) {
        return overlappedIo.send(s, lpBuffers, lpNumberOfBytesSent, dwFlags, lpTo, true, lpOverlapped,
                lpCompletionRoutine);
    }

    /**
     * WSARecv: scatters into {@code lpBuffers} (their positions advance). {@code lpFlags} in:
     * MSG_PEEK, MSG_OOB, MSG_WAITALL (stream sockets: until the buffers are full or the peer
     * closed); out: MSG_PARTIAL when a datagram did not fit (WSAEMSGSIZE). Overlapped as WSASend.
     */
    public int WSARecv(long s, ByteBuffer[] lpBuffers, IntRef lpNumberOfBytesRecvd, IntRef lpFlags,
                       org.sockstack.spi.provider.Overlapped lpOverlapped,
                       org.sockstack.spi.provider.CompletionRoutine lpCompletionRoutine) {
        return overlappedIo.recv(s, lpBuffers, lpNumberOfBytesRecvd, lpFlags, null, lpOverlapped,
                lpCompletionRoutine);
    }

    public int WSARecvFrom(long s, ByteBuffer[] lpBuffers, IntRef lpNumberOfBytesRecvd, IntRef lpFlags,
                           Ref<SockAddr> lpFrom, org.sockstack.spi.provider.Overlapped lpOverlapped,
                           org.sockstack.spi.provider.CompletionRoutine lpCompletionRoutine) {
        return overlappedIo.recv(s, lpBuffers, lpNumberOfBytesRecvd, lpFlags, lpFrom, lpOverlapped,
                lpCompletionRoutine);
    }

    /**
     * WSAGetOverlappedResult: true with the bytes and flags of a completed operation; false with
     * WSA_IO_INCOMPLETE if it is still pending and {@code fWait} is false, or with its error.
     */
    public boolean WSAGetOverlappedResult(long s, org.sockstack.spi.provider.Overlapped lpOverlapped,
                                          IntRef lpcbTransfer, boolean fWait, IntRef lpdwFlags) {
        return overlappedIo.getOverlappedResult(s, lpOverlapped, lpcbTransfer, fWait, lpdwFlags);
    }

    /**
     * SleepEx: waits {@code dwMilliseconds} (MsWsock.INFINITE: forever). Alertable, it returns
     * WAIT_IO_COMPLETION as soon as completion routines queued to this thread ran; otherwise 0.
     */
    public int SleepEx(int dwMilliseconds, boolean bAlertable) {
        return OverlappedIo.sleepEx(dwMilliseconds, bAlertable);
    }

    /** WSAIoctl: the provider's control codes (byte buffers in and out; may be overlapped). */
    public int WSAIoctl(long s, int dwIoControlCode, byte[] lpvInBuffer, byte[] lpvOutBuffer,
                        IntRef lpcbBytesReturned, org.sockstack.spi.provider.Overlapped lpOverlapped,
                        org.sockstack.spi.provider.CompletionRoutine lpCompletionRoutine) {
        IntRef errno = new IntRef();
        TransportProvider p = provider(s, errno);
        if (p == null) {
            return Wsa.SOCKET_ERROR;
        }
        IntRef returned = lpcbBytesReturned != null ? lpcbBytesReturned : new IntRef();
        return result(p.ioctl(s, dwIoControlCode, lpvInBuffer, lpvOutBuffer, returned, lpOverlapped,
                lpCompletionRoutine, Thread.currentThread(), errno), errno);
    }

    /**
     * WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER): {@code lpvOutBuffer} receives the function
     * for the GUID ({@link MsWsock}'s WSAID_xxx) as one of MsWsock's LPFN_xxx interfaces and
     * {@code lpcbBytesReturned} the pointer size. WSAEINVAL for another code or an unknown GUID,
     * WSAEFAULT without a GUID or an out buffer.
     */
    public int WSAIoctl(long s, int dwIoControlCode, java.util.UUID lpvInBuffer, Ref<Object> lpvOutBuffer,
                        IntRef lpcbBytesReturned, org.sockstack.spi.provider.Overlapped lpOverlapped,
                        org.sockstack.spi.provider.CompletionRoutine lpCompletionRoutine) {
        IntRef errno = new IntRef();
        if (provider(s, errno) == null) {
            return Wsa.SOCKET_ERROR;
        }
        if (dwIoControlCode != Wsa.SIO_GET_EXTENSION_FUNCTION_POINTER) {
            return fail(WsaError.WSAEINVAL);
        }
        if (lpvInBuffer == null || lpvOutBuffer == null) {
            return fail(WsaError.WSAEFAULT);
        }
        Object fn = extensions.function(lpvInBuffer);
        if (fn == null) {
            return fail(WsaError.WSAEINVAL);
        }
        lpvOutBuffer.value = fn;
        if (lpcbBytesReturned != null) {
            lpcbBytesReturned.value = MsWsock.POINTER_SIZE;
        }
        if (lpOverlapped != null) {
            overlappedIo.completeNow(s, lpOverlapped, lpCompletionRoutine,
                    OverlappedIo.Outcome.ok(MsWsock.POINTER_SIZE));
        }
        return 0;
    }

    /**
     * CreateIoCompletionPort: {@code FileHandle} INVALID_SOCKET (INVALID_HANDLE_VALUE) and no port
     * makes a port; a socket is associated with {@code ExistingCompletionPort} (or a new port)
     * under {@code CompletionKey}: its overlapped completions are queued there. Null on failure.
     */
    public IoCompletionPort CreateIoCompletionPort(long FileHandle, IoCompletionPort ExistingCompletionPort,
                                                   long CompletionKey, int NumberOfConcurrentThreads) {
        return overlappedIo.createIoCompletionPort(FileHandle, ExistingCompletionPort, CompletionKey,
                NumberOfConcurrentThreads);
    }

    /**
     * GetQueuedCompletionStatus: the next packet's bytes, key and overlapped. False with
     * WAIT_TIMEOUT (and no overlapped) after {@code dwMilliseconds}, or with the overlapped and
     * the operation's error for a failed operation.
     */
    public boolean GetQueuedCompletionStatus(IoCompletionPort CompletionPort, IntRef lpNumberOfBytesTransferred,
                                             Ref<Long> lpCompletionKey,
                                             Ref<org.sockstack.spi.provider.Overlapped> lpOverlapped,
                                             int dwMilliseconds) {
        return OverlappedIo.getQueuedCompletionStatus(this, CompletionPort, lpNumberOfBytesTransferred,
                lpCompletionKey, lpOverlapped, dwMilliseconds);
    }

    public boolean PostQueuedCompletionStatus(IoCompletionPort CompletionPort, int dwNumberOfBytesTransferred,
                                              long dwCompletionKey,
                                              org.sockstack.spi.provider.Overlapped lpOverlapped) {
        return OverlappedIo.postQueuedCompletionStatus(this, CompletionPort, dwNumberOfBytesTransferred,
                dwCompletionKey, lpOverlapped);
    }

    /** CloseHandle of a completion port: waiters return ERROR_ABANDONED_WAIT_0. */
    public boolean CloseHandle(IoCompletionPort hObject) {
        return OverlappedIo.closeHandle(this, hObject);
    }

    /** AcceptEx, as exported by mswsock (the same function WSAID_ACCEPTEX gives). */
    public boolean AcceptEx(long sListenSocket, long sAcceptSocket, ByteBuffer lpOutputBuffer,
                            int dwReceiveDataLength, int dwLocalAddressLength, int dwRemoteAddressLength,
                            IntRef lpdwBytesReceived, org.sockstack.spi.provider.Overlapped lpOverlapped) {
        return extensions.acceptEx(sListenSocket, sAcceptSocket, lpOutputBuffer, dwReceiveDataLength,
                dwLocalAddressLength, dwRemoteAddressLength, lpdwBytesReceived, lpOverlapped);
    }

    /** TransmitFile, as exported by mswsock (the same function WSAID_TRANSMITFILE gives). */
    public boolean TransmitFile(long hSocket, java.nio.channels.FileChannel hFile, long nNumberOfBytesToWrite,
                                int nNumberOfBytesPerSend, org.sockstack.spi.provider.Overlapped lpOverlapped,
                                MsWsock.TransmitFileBuffers lpTransmitBuffers, int dwFlags) {
        return extensions.transmitFile(hSocket, hFile, nNumberOfBytesToWrite, nNumberOfBytesPerSend, lpOverlapped,
                lpTransmitBuffers, dwFlags);
    }

    // ---- events, event select, asynchronous select, WSAPoll ----

    /** WSAWaitForMultipleEvents results and limits (winsock2.h). */
    public static final int WSA_WAIT_EVENT_0 = EventWait.WAIT_EVENT_0;
    public static final int WSA_WAIT_IO_COMPLETION = EventWait.WAIT_IO_COMPLETION;
    public static final int WSA_WAIT_TIMEOUT = EventWait.WAIT_TIMEOUT;
    public static final int WSA_WAIT_FAILED = EventWait.WAIT_FAILED;
    public static final int WSA_INFINITE = EventWait.INFINITE;
    public static final int WSA_MAXIMUM_WAIT_EVENTS = EventWait.MAXIMUM_WAIT_EVENTS;
    /** WSA_INVALID_EVENT: what WSACreateEvent would return on failure. */
    public static final WsaEvent WSA_INVALID_EVENT = null;

    /** WSACreateEvent: a new manual-reset event, not set. Needs no WSAStartup (it is a kernel object). */
    public WsaEvent WSACreateEvent() {
        return new WsaEvent("WSAEVENT");
    }

    /** WSACloseEvent: false with WSA_INVALID_HANDLE for a null or already closed event. */
    public boolean WSACloseEvent(WsaEvent hEvent) {
        if (!validEvent(hEvent)) {
            return false;
        }
        hEvent.close();
        return true;
    }

    /** WSASetEvent: false with WSA_INVALID_HANDLE for a null or closed event. */
    public boolean WSASetEvent(WsaEvent hEvent) {
        if (!validEvent(hEvent)) {
            return false;
        }
        hEvent.set();
        return true;
    }

    /** WSAResetEvent: false with WSA_INVALID_HANDLE for a null or closed event. */
    public boolean WSAResetEvent(WsaEvent hEvent) {
        if (!validEvent(hEvent)) {
            return false;
        }
        hEvent.reset();
        return true;
    }

    private boolean validEvent(WsaEvent e) {
        if (e == null || e.isClosed()) {
            WSASetLastError(WsaError.WSA_INVALID_HANDLE);
            return false;
        }
        return true;
    }

    /**
     * WSAWaitForMultipleEvents: WSA_WAIT_EVENT_0 + the lowest index of a set event (with
     * {@code fWaitAll}: WSA_WAIT_EVENT_0 once all are set), WSA_WAIT_IO_COMPLETION after running the
     * completion routines queued to this thread (only when {@code fAlertable}; a satisfied wait
     * comes first), WSA_WAIT_TIMEOUT after {@code dwTimeout} ms (WSA_INFINITE: never), or
     * WSA_WAIT_FAILED with WSA_INVALID_PARAMETER (count not in 1..WSA_MAXIMUM_WAIT_EVENTS, the array
     * shorter, one event twice in a wait for all) or WSA_INVALID_HANDLE (a null or closed event).
     */
    public int WSAWaitForMultipleEvents(int cEvents, WsaEvent[] lphEvents, boolean fWaitAll, int dwTimeout,
                                        boolean fAlertable) {
        int[] error = new int[1];
        int r = EventWait.waitFor(cEvents, lphEvents, fWaitAll, dwTimeout, fAlertable, error);
        if (r == WSA_WAIT_FAILED) {
            WSASetLastError(error[0]);
        }
        return r;
    }

    /**
     * WSAEventSelect: records the FD_* events of {@code lNetworkEvents} for the socket and sets
     * {@code hEventObject} when one occurs (0 events cancels). The socket becomes non-blocking, and
     * FIONBIO cannot make it blocking again (WSAEINVAL) until the selection is cancelled. A closed
     * event is WSAEINVAL.
     */
    public int WSAEventSelect(long s, WsaEvent hEventObject, int lNetworkEvents) {
        if (hEventObject != null && hEventObject.isClosed()) {
            return fail(WsaError.WSAEINVAL);
        }
        IntRef errno = new IntRef();
        TransportProvider p = provider(s, errno);
        return p == null ? Wsa.SOCKET_ERROR : result(p.eventSelect(s, hEventObject, lNetworkEvents, errno), errno);
    }

    /**
     * WSAEnumNetworkEvents: the events recorded since the last call and the error of each
     * ({@code iErrorCode[FD_xxx_BIT]}), cleared by the call; {@code hEventObject} (may be null) is
     * reset. A null {@code lpNetworkEvents} is WSAEFAULT.
     */
    public int WSAEnumNetworkEvents(long s, WsaEvent hEventObject, NetworkEvents lpNetworkEvents) {
        if (lpNetworkEvents == null) {
            return fail(WsaError.WSAEFAULT);
        }
        IntRef errno = new IntRef();
        TransportProvider p = provider(s, errno);
        return p == null ? Wsa.SOCKET_ERROR
                : result(p.enumNetworkEvents(s, hEventObject, lpNetworkEvents, errno), errno);
    }

    /**
     * WSAAsyncSelect: posts {@code (wMsg, wParam = s, lParam = WSAMAKESELECTREPLY(event, error))} to
     * {@code hWnd} (a {@link MessageQueue}) for the FD_* events of {@code lEvent}; 0 cancels. The
     * socket becomes non-blocking. Cancels an earlier WSAEventSelect on the socket.
     */
    public int WSAAsyncSelect(long s, AsyncWindow hWnd, int wMsg, int lEvent) {
        IntRef errno = new IntRef();
        TransportProvider p = provider(s, errno);
        return p == null ? Wsa.SOCKET_ERROR : result(p.asyncSelect(s, hWnd, wMsg, lEvent, errno), errno);
    }

    /** WSAMAKESELECTREPLY(event, error): an asynchronous-select message's lParam. */
    public static long WSAMAKESELECTREPLY(int event, int error) {
        return Wsa.makeSelectReply(event, error);
    }

    /** WSAGETSELECTEVENT(lParam). */
    public static int WSAGETSELECTEVENT(long lParam) {
        return Wsa.selectEvent(lParam);
    }

    /** WSAGETSELECTERROR(lParam). */
    public static int WSAGETSELECTERROR(long lParam) {
        return Wsa.selectError(lParam);
    }

    /**
     * WSAPoll over the first {@code fds} entries of {@code fdArray}: the number of entries whose
     * {@code revents} is non-zero, 0 after {@code timeout} ms (negative: wait forever), or
     * SOCKET_ERROR: WSAEINVAL for a null array, an entry asking for anything but POLLRDNORM,
     * POLLRDBAND, POLLWRNORM, or no entry that is a socket; WSAEFAULT when {@code fds} exceeds the
     * array. What each revents bit means: {@link Polling}.
     */
    public int WSAPoll(WsaPollFd[] fdArray, int fds, int timeout) {
        int[] error = new int[1];
        int r = Polling.poll(process, fdArray, fds, timeout, error);
        return r == Wsa.SOCKET_ERROR ? fail(error[0]) : r;
    }

    // ---- names: getaddrinfo, getnameinfo, getXbyY, namespace and protocol enumeration ----

    private NameService nameService;

    private synchronized NameService names() {
        if (nameService == null) {
            nameService = new NameService(process);
        }
        return nameService;
    }

    /**
     * Chooses this process's namespace catalog and its providers (by provider id): what
     * WSALookupServiceBegin, getaddrinfo and gethostbyname resolve through. Without it the default
     * catalog (hosts file, then DNS) is used with only the hosts-file provider at its configured
     * location (the DNS provider needs a stack: register one here).
     */
    public void setNamespaces(NamespaceCatalog catalog, Map<UUID, NamespaceProvider> providers) {
        names().setNamespaces(catalog, providers);
    }

    /**
     * Sets the name gethostname reports (like SetComputerName). Without it: the system property
     * {@code sockstack.hostname}, else the machine's kernel host name, else "localhost".
     */
    public void setHostName(String name) {
        names().setHostName(name);
    }

    /** The WSA error of an API that needs WSAStartup, or 0. */
    private int notStarted() {
        return process.startupCount() == 0 ? WsaError.WSANOTINITIALISED : 0;
    }

    /**
     * getaddrinfo: 0 and the results in {@code ppResult}, or an EAI_* code ({@link Netdb}: WSA
     * codes, also left as the last error). See {@link AddrInfoLookup} for the rules. Needs
     * WSAStartup (WSANOTINITIALISED).
     */
    public int getaddrinfo(String pNodeName, String pServiceName, AddrInfo pHints, Ref<AddrInfo> ppResult) {
        if (ppResult == null) {
            return eai(WsaError.WSAEINVAL);
        }
        ppResult.value = null;
        int e = notStarted();
        if (e != 0) {
            return eai(e);
        }
        AddrInfoLookup.Result r = new AddrInfoLookup(names()).getaddrinfo(pNodeName, pServiceName, pHints);
        if (r.error() != 0) {
            return eai(r.error());
        }
        ppResult.value = r.first();
        WSASetLastError(0);
        return 0;
    }

    private int eai(int code) {
        WSASetLastError(code);
        return code;
    }

    /** GetAddrInfoW: getaddrinfo (Java strings are already Unicode). */
    public int GetAddrInfoW(String pNodeName, String pServiceName, AddrInfo pHints, Ref<AddrInfo> ppResult) {
        return getaddrinfo(pNodeName, pServiceName, pHints, ppResult);
    }

    /** freeaddrinfo: unlinks the list (the garbage collector frees it); null is allowed. */
    public void freeaddrinfo(AddrInfo pAddrInfo) {
        for (AddrInfo a = pAddrInfo; a != null; ) {
            AddrInfo next = a.next;
            a.next = null;
            a = next;
        }
    }

    public void FreeAddrInfoW(AddrInfo pAddrInfo) {
        freeaddrinfo(pAddrInfo);
    }

    /**
     * getnameinfo: the host text into {@code pNodeBuffer} (null or size 0: not asked) and the
     * service text into {@code pServiceBuffer}, each with its C buffer size in characters (the
     * text and its NUL must fit, else WSAEFAULT). Flags NI_* ({@link Netdb}). Returns 0 or the
     * EAI_* code, also the last error.
     */
    public int getnameinfo(SockAddr pSockaddr, Ref<String> pNodeBuffer, int NodeBufferSize,
                           Ref<String> pServiceBuffer, int ServiceBufferSize, int Flags) {
        int e = notStarted();
        if (e != 0) {
            return eai(e);
        }
        boolean wantHost = pNodeBuffer != null && NodeBufferSize > 0;
        boolean wantServ = pServiceBuffer != null && ServiceBufferSize > 0;
        HostLookups.NameInfo r = new HostLookups(names()).getnameinfo(pSockaddr, wantHost, wantServ, Flags);
        if (r.error() != 0) {
            return eai(r.error());
        }
        if ((wantHost && r.host().length() + 1 > NodeBufferSize)
                || (wantServ && r.service().length() + 1 > ServiceBufferSize)) {
            return eai(WsaError.WSAEFAULT);
        }
        if (wantHost) {
            pNodeBuffer.value = r.host();
        }
        if (wantServ) {
            pServiceBuffer.value = r.service();
        }
        WSASetLastError(0);
        return 0;
    }

    public int GetNameInfoW(SockAddr pSockaddr, Ref<String> pNodeBuffer, int NodeBufferSize,
                            Ref<String> pServiceBuffer, int ServiceBufferSize, int Flags) {
        return getnameinfo(pSockaddr, pNodeBuffer, NodeBufferSize, pServiceBuffer, ServiceBufferSize, Flags);
    }

    /** gai_strerror: the system's message for an EAI_* (WSA) code. */
    public static String gai_strerror(int ecode) {
        return GaiMessages.of(ecode);
    }

    /** gethostbyname: IPv4 only; null with WSAHOST_NOT_FOUND, WSANO_DATA, WSATRY_AGAIN, WSANO_RECOVERY. */
    public HostEnt gethostbyname(String name) {
        int e = notStarted();
        if (e != 0) {
            WSASetLastError(e);
            return null;
        }
        return outcome(new HostLookups(names()).gethostbyname(name));
    }

    /** gethostbyaddr: {@code addr} in network byte order, {@code len} 4 (AF_INET) or 16 (AF_INET6). */
    public HostEnt gethostbyaddr(byte[] addr, int len, int type) {
        int e = notStarted();
        if (e != 0) {
            WSASetLastError(e);
            return null;
        }
        return outcome(new HostLookups(names()).gethostbyaddr(addr, len, type));
    }

    private <T> T outcome(HostLookups.Outcome<T> o) {
        if (o.error() != 0) {
            WSASetLastError(o.error());
            return null;
        }
        return o.value();
    }

    /**
     * gethostname: this process's host name (see {@link #setHostName}) into {@code name}; SOCKET_ERROR
     * with WSAEFAULT when it and its NUL do not fit in {@code namelen} characters.
     */
    public int gethostname(Ref<String> name, int namelen) {
        int e = notStarted();
        if (e != 0) {
            return fail(e);
        }
        String h = names().hostName();
        if (name == null || h.length() + 1 > namelen) {
            return fail(WsaError.WSAEFAULT);
        }
        name.value = h;
        return 0;
    }

    /**
     * getservbyname: a service by name or alias and protocol ("tcp", "udp"; null: any), from the
     * services table (the file of the property {@code sockstack.services}, else a built-in table of
     * well-known ports); null with WSANO_DATA if unknown. The port is in host byte order.
     */
    public ServEnt getservbyname(String name, String proto) {
        int e = notStarted();
        if (e != 0 || name == null) {
            WSASetLastError(e != 0 ? e : WsaError.WSAEFAULT);
            return null;
        }
        return found(names().services().byName(name, proto));
    }

    /** getservbyport: {@code port} in host byte order (C passes htons(port)). */
    public ServEnt getservbyport(int port, String proto) {
        int e = notStarted();
        if (e != 0) {
            WSASetLastError(e);
            return null;
        }
        return found(names().services().byPort(port, proto));
    }

    /** getprotobyname: from the protocol table ("tcp", "udp", "icmp", ...); null with WSANO_DATA. */
    public ProtoEnt getprotobyname(String name) {
        int e = notStarted();
        if (e != 0 || name == null) {
            WSASetLastError(e != 0 ? e : WsaError.WSAEFAULT);
            return null;
        }
        return found(Protocols.byName(name));
    }

    public ProtoEnt getprotobynumber(int number) {
        int e = notStarted();
        if (e != 0) {
            WSASetLastError(e);
            return null;
        }
        return found(Protocols.byNumber(number));
    }

    private <T> T found(T v) {
        if (v == null) {
            WSASetLastError(WsaError.WSANO_DATA);
        }
        return v;
    }

    /**
     * WSAAddressToString: the provider of {@code lpProtocolInfo}, else of the first catalog entry of
     * the address's family (none: WSAEINVAL), writes the text ("192.0.2.1:80", "[2001:db8::1]:80").
     * {@code lpdwAddressStringLength} is the buffer size in characters in, the text's length with
     * its NUL out; too small: WSAEFAULT with the length needed.
     */
    public int WSAAddressToString(SockAddr lpsaAddress, ProtocolInfo lpProtocolInfo, Ref<String> lpszAddressString,
                                  IntRef lpdwAddressStringLength) {
        int e = notStarted();
        if (e != 0) {
            return fail(e);
        }
        if (lpsaAddress == null || lpszAddressString == null || lpdwAddressStringLength == null) {
            return fail(WsaError.WSAEFAULT);
        }
        TransportProvider p = addressProvider(lpsaAddress.family(), lpProtocolInfo);
        if (p == null) {
            return fail(WsaError.WSAEINVAL);
        }
        IntRef errno = new IntRef();
        Ref<String> text = new Ref<>();
        if (p.addressToString(lpsaAddress, lpProtocolInfo, text, errno) != 0) {
            return fail(errno.value);
        }
        int needed = text.value.length() + 1;
        if (lpdwAddressStringLength.value < needed) {
            lpdwAddressStringLength.value = needed;
            return fail(WsaError.WSAEFAULT);
        }
        lpszAddressString.value = text.value;
        lpdwAddressStringLength.value = needed;
        return 0;
    }

    /**
     * WSAStringToAddress: the provider of {@code lpProtocolInfo}, else of the first catalog entry
     * of {@code AddressFamily}, parses numeric text (names are not looked up); WSAEINVAL if it is
     * not an address of the family.
     */
    public int WSAStringToAddress(String AddressString, int AddressFamily, ProtocolInfo lpProtocolInfo,
                                  Ref<SockAddr> lpAddress) {
        int e = notStarted();
        if (e != 0) {
            return fail(e);
        }
        if (AddressString == null || lpAddress == null) {
            return fail(WsaError.WSAEFAULT);
        }
        int family = lpProtocolInfo != null ? lpProtocolInfo.addressFamily() : AddressFamily;
        TransportProvider p = addressProvider(family, lpProtocolInfo);
        if (p == null) {
            return fail(WsaError.WSAEINVAL);
        }
        IntRef errno = new IntRef();
        return result(p.stringToAddress(AddressString, AddressFamily, lpProtocolInfo, lpAddress, errno), errno);
    }

    /** The provider (loaded, not started: the text conversions need no socket) for a family. */
    private TransportProvider addressProvider(int family, ProtocolInfo info) {
        if (info != null) {
            return process.load(info.catalogEntryId());
        }
        IntRef errno = new IntRef();
        List<ProtocolInfo> entries = process.enumProtocols(null, errno);
        for (ProtocolInfo p : entries == null ? List.<ProtocolInfo>of() : entries) {
            if (p.addressFamily() == family) {
                return process.load(p.catalogEntryId());
            }
        }
        return null;
    }

    /**
     * WSAEnumProtocols: the base entries and chains of the catalog (not layered or PFL_HIDDEN
     * entries), in catalog order, only those serving one of {@code lpiProtocols} if it is not null.
     * {@code lpdwBufferLength} is the buffer's size in bytes ({@link Netdb#WSAPROTOCOL_INFOW_SIZE}
     * per entry); too small (or no buffer): SOCKET_ERROR with WSAENOBUFS and the size needed.
     * Returns the number of entries written.
     */
    public int WSAEnumProtocols(int[] lpiProtocols, ProtocolInfo[] lpProtocolBuffer, IntRef lpdwBufferLength) {
        if (lpdwBufferLength == null) {
            return fail(WsaError.WSAEFAULT);
        }
        IntRef errno = new IntRef();
        List<ProtocolInfo> entries = process.enumProtocols(lpiProtocols, errno);
        if (entries == null) {
            return fail(errno.value);
        }
        int needed = entries.size() * Netdb.WSAPROTOCOL_INFOW_SIZE;
        if (lpProtocolBuffer == null || lpdwBufferLength.value < needed || lpProtocolBuffer.length < entries.size()) {
            lpdwBufferLength.value = needed;
            return fail(WsaError.WSAENOBUFS);
        }
        for (int i = 0; i < entries.size(); i++) {
            lpProtocolBuffer[i] = entries.get(i);
        }
        return entries.size();
    }

    /**
     * WSAEnumNameSpaceProviders: every installed namespace provider (active or not) in catalog
     * order. {@code lpdwBufferLength} is the buffer's size in bytes (each entry
     * {@link Netdb#WSANAMESPACE_INFOW_SIZE} plus its identifier in UTF-16 with a NUL); too small:
     * SOCKET_ERROR with WSAEFAULT and the size needed. Returns the number of entries.
     */
    public int WSAEnumNameSpaceProviders(IntRef lpdwBufferLength, NamespaceCatalog.Entry[] lpnspBuffer) {
        int e = notStarted();
        if (e != 0) {
            return fail(e);
        }
        if (lpdwBufferLength == null) {
            return fail(WsaError.WSAEFAULT);
        }
        List<NamespaceCatalog.Entry> entries = names().catalog().enumerate();
        int needed = 0;
        for (NamespaceCatalog.Entry n : entries) {
            needed += Netdb.WSANAMESPACE_INFOW_SIZE + 2 * (n.identifier().length() + 1);
        }
        if (lpnspBuffer == null || lpdwBufferLength.value < needed || lpnspBuffer.length < entries.size()) {
            lpdwBufferLength.value = needed;
            return fail(WsaError.WSAEFAULT);
        }
        for (int i = 0; i < entries.size(); i++) {
            lpnspBuffer[i] = entries.get(i);
        }
        return entries.size();
    }

    /** WSALookupServiceBegin over this process's namespace catalog (LUP_* flags of {@code Ns}). */
    public int WSALookupServiceBegin(QuerySet lpqsRestrictions, int dwControlFlags, Ref<Long> lphLookup) {
        int e = notStarted();
        if (e != 0) {
            return fail(e);
        }
        IntRef errno = new IntRef();
        return result(names().namespaces().lookupServiceBegin(lpqsRestrictions, dwControlFlags, lphLookup, errno),
                errno);
    }

    /** WSALookupServiceNext: the next result; WSA_E_NO_MORE at the end, WSASERVICE_NOT_FOUND if none. */
    public int WSALookupServiceNext(long hLookup, int dwControlFlags, Ref<QuerySet> lpqsResults) {
        int e = notStarted();
        if (e != 0) {
            return fail(e);
        }
        if (lpqsResults == null) {
            return fail(WsaError.WSAEFAULT);
        }
        IntRef errno = new IntRef();
        return result(names().namespaces().lookupServiceNext(hLookup, dwControlFlags, lpqsResults, errno), errno);
    }

    public int WSALookupServiceEnd(long hLookup) {
        int e = notStarted();
        if (e != 0) {
            return fail(e);
        }
        IntRef errno = new IntRef();
        return result(names().namespaces().lookupServiceEnd(hLookup, errno), errno);
    }
    // ---- options, ioctls, multipoint ----

    /**
     * WSAConnect: connect with caller data and flow specifications (WSPConnect). The base
     * providers carry no connect data (the callee data comes back empty) and offer no QoS
     * (non-null {@code lpSQOS}/{@code lpGQOS}: WSAEOPNOTSUPP, as a provider without
     * XP1_QOS_SUPPORTED answers).
     */
    public int WSAConnect(long s, SockAddr name, byte[] lpCallerData, Ref<byte[]> lpCalleeData,
                          org.sockstack.spi.provider.Qos lpSQOS, org.sockstack.spi.provider.Qos lpGQOS) {
        IntRef errno = new IntRef();
        TransportProvider p = provider(s, errno);
        return p == null ? Wsa.SOCKET_ERROR
                : result(p.connect(s, name, lpCallerData, lpCalleeData, lpSQOS, lpGQOS, errno), errno);
    }

    /**
     * WSAAccept: accept with an optional condition function deciding CF_ACCEPT, CF_REJECT
     * (WSAECONNREFUSED) or CF_DEFER (WSATRY_AGAIN; the connection stays for the next call).
     */
    public long WSAAccept(long s, Ref<SockAddr> addr, org.sockstack.spi.provider.ConditionCallback lpfnCondition) {
        IntRef errno = new IntRef();
        TransportProvider p = provider(s, errno);
        if (p == null) {
            return Wsa.INVALID_SOCKET;
        }
        long a = p.accept(s, addr != null ? addr : new Ref<>(), lpfnCondition, errno);
        if (a == Wsa.INVALID_SOCKET) {
            WSASetLastError(errno.value);
        }
        return a;
    }

    /**
     * WSADuplicateSocket: a WSAPROTOCOL_INFO that WSASocket(FROM_PROTOCOL_INFO, ..., info, 0, 0)
     * turns into a second handle to the same socket, within this JVM and this process's
     * provider. Process id 0 or ~0: WSAEINVAL; null info: WSAEFAULT.
     */
    public int WSADuplicateSocket(long s, long dwProcessId, Ref<ProtocolInfo> lpProtocolInfo) {
        IntRef errno = new IntRef();
        TransportProvider p = provider(s, errno);
        return p == null ? Wsa.SOCKET_ERROR : result(p.duplicateSocket(s, dwProcessId, lpProtocolInfo, errno), errno);
    }

    /**
     * WSAJoinLeaf on a UDP socket: joins the IP multicast group {@code name} (JL_RECEIVER_ONLY,
     * JL_BOTH) and/or makes it the destination of send (JL_SENDER_ONLY, JL_BOTH). Returns
     * {@code s} (a non-rooted plane gives no new socket) or INVALID_SOCKET.
     */
    public long WSAJoinLeaf(long s, SockAddr name, byte[] lpCallerData, Ref<byte[]> lpCalleeData,
                            org.sockstack.spi.provider.Qos lpSQOS, org.sockstack.spi.provider.Qos lpGQOS, int dwFlags) {
        IntRef errno = new IntRef();
        TransportProvider p = provider(s, errno);
        if (p == null) {
            return Wsa.INVALID_SOCKET;
        }
        long r = p.joinLeaf(s, name, lpCallerData, lpCalleeData, lpSQOS, lpGQOS, dwFlags, errno);
        if (r == Wsa.INVALID_SOCKET) {
            WSASetLastError(errno.value);
        }
        return r;
    }

    // ---- remaining functions ----

    /** recv with MSG_WAITALL: the WSARecv path (until the buffer is full, the peer closed or an error). */
    private int recvWaitAll(long s, ByteBuffer buf, int flags) {
        IntRef got = new IntRef();
        if (overlappedIo.recv(s, new ByteBuffer[] {buf.duplicate()}, got, new IntRef(flags), null, null, null)
                == Wsa.SOCKET_ERROR) {
            return Wsa.SOCKET_ERROR;
        }
        buf.position(buf.position() + got.value);
        return got.value;
    }

    /** INADDR_NONE: what inet_addr returns for text that is not an address. */
    public static final int INADDR_NONE = Inaddr.INADDR_NONE;

    /**
     * inet_addr: an IPv4 address in network byte order (first octet in the low byte) from the BSD
     * forms a.b.c.d, a.b.c, a.b and a (parts decimal, 0-octal or 0x-hex); INADDR_NONE otherwise
     * (null, empty, a part too big). Needs no WSAStartup.
     */
    public static int inet_addr(String cp) {
        return Inaddr.inetAddr(cp);
    }

    /** inet_ntoa: the dotted-decimal text of an in_addr in network byte order. */
    public static String inet_ntoa(int in) {
        return Inaddr.inetNtoa(in);
    }

    /** WSAHtons: {@code hostshort} in network order into {@code lpnetshort}; the socket must be valid. */
    public int WSAHtons(long s, short hostshort, Ref<Short> lpnetshort) {
        return byteOrder(s, lpnetshort, () -> htons(hostshort));
    }

    public int WSANtohs(long s, short netshort, Ref<Short> lphostshort) {
        return byteOrder(s, lphostshort, () -> ntohs(netshort));
    }

    /** WSAHtonl: {@code hostlong} in network order into {@code lpnetlong}; the socket must be valid. */
    public int WSAHtonl(long s, int hostlong, IntRef lpnetlong) {
        if (checkSocketFor(s, lpnetlong) != 0) {
            return Wsa.SOCKET_ERROR;
        }
        lpnetlong.value = htonl(hostlong);
        return 0;
    }

    public int WSANtohl(long s, int netlong, IntRef lphostlong) {
        if (checkSocketFor(s, lphostlong) != 0) {
            return Wsa.SOCKET_ERROR;
        }
        lphostlong.value = ntohl(netlong);
        return 0;
    }

    private int byteOrder(long s, Ref<Short> out, java.util.function.Supplier<Short> value) {
        if (checkSocketFor(s, out) != 0) {
            return Wsa.SOCKET_ERROR;
        }
        out.value = value.get();
        return 0;
    }

    /** WSANOTINITIALISED, WSAENOTSOCK, then WSAEFAULT for a null out-pointer (as documented). */
    private int checkSocketFor(long s, Object out) {
        if (provider(s, new IntRef()) == null) {
            return Wsa.SOCKET_ERROR;
        }
        return out == null ? fail(WsaError.WSAEFAULT) : 0;
    }

    /**
     * WSASendDisconnect: no more sends (shutdown SD_SEND). Disconnect data ({@code
     * lpOutboundDisconnectData} not null) needs XP1_DISCONNECT_DATA, which no provider has:
     * WSAENOPROTOOPT.
     */
    public int WSASendDisconnect(long s, ByteBuffer lpOutboundDisconnectData) {
        IntRef errno = new IntRef();
        TransportProvider p = provider(s, errno);
        if (p == null) {
            return Wsa.SOCKET_ERROR;
        }
        byte[] data = null;
        if (lpOutboundDisconnectData != null) {
            data = new byte[lpOutboundDisconnectData.remaining()];
            lpOutboundDisconnectData.duplicate().get(data);
        }
        return result(p.sendDisconnect(s, data, errno), errno);
    }

    /**
     * WSARecvDisconnect: no more receives (shutdown SD_RECEIVE). The disconnect data the peer
     * sent (none: TCP has no such thing) is put in {@code lpInboundDisconnectData} (may be null).
     */
    public int WSARecvDisconnect(long s, ByteBuffer lpInboundDisconnectData) {
        IntRef errno = new IntRef();
        TransportProvider p = provider(s, errno);
        if (p == null) {
            return Wsa.SOCKET_ERROR;
        }
        Ref<byte[]> data = new Ref<>();
        if (p.recvDisconnect(s, data, errno) == Wsa.SOCKET_ERROR) {
            return fail(errno.value);
        }
        if (lpInboundDisconnectData != null && data.value != null) {
            int n = Math.min(data.value.length, lpInboundDisconnectData.remaining());
            lpInboundDisconnectData.put(data.value, 0, n);
        }
        return 0;
    }

    /**
     * WSAConnectByName: resolves {@code nodename} and {@code servicename} (getaddrinfo, stream
     * sockets) and connects {@code s} to the first address that accepts, within {@code timeout}
     * for all attempts (null: no limit; WSAETIMEDOUT when it runs out). True with the connection's
     * addresses in {@code LocalAddress} and {@code RemoteAddress} (each may be null); false with
     * the error. {@code Reserved} must be null (WSAEINVAL).
     */
    public boolean WSAConnectByName(long s, String nodename, String servicename, Ref<SockAddr> LocalAddress,
                                    Ref<SockAddr> RemoteAddress, TimeVal timeout,
                                    org.sockstack.spi.provider.Overlapped Reserved) {
        if (provider(s, new IntRef()) == null) {
            return false;
        }
        if (Reserved != null || nodename == null || servicename == null) {
            fail(WsaError.WSAEINVAL);
            return false;
        }
        ConnectBy c = new ConnectBy(this);
        List<SockAddr> addresses = c.resolve(nodename, servicename);
        return addresses != null && c.connectFirst(s, addresses, LocalAddress, RemoteAddress, timeout);
    }

    /**
     * WSAConnectByList: connects {@code s} to the first address of {@code SocketAddress} (the
     * SOCKET_ADDRESS_LIST) that accepts, as WSAConnectByName does. An empty or null list: WSAEINVAL.
     */
    public boolean WSAConnectByList(long s, List<SockAddr> SocketAddress, Ref<SockAddr> LocalAddress,
                                    Ref<SockAddr> RemoteAddress, TimeVal timeout,
                                    org.sockstack.spi.provider.Overlapped Reserved) {
        if (provider(s, new IntRef()) == null) {
            return false;
        }
        if (Reserved != null || SocketAddress == null || SocketAddress.isEmpty()) {
            fail(WsaError.WSAEINVAL);
            return false;
        }
        return new ConnectBy(this).connectFirst(s, SocketAddress, LocalAddress, RemoteAddress, timeout);
    }

    /**
     * GetQueuedCompletionStatusEx: waits up to {@code dwMilliseconds} (INFINITE: forever) for a
     * packet, then removes up to {@code ulCount} packets into {@code lpCompletionPortEntries}
     * (null slots are filled with new entries) and their number into {@code ulNumEntriesRemoved}.
     * A failed operation's packet is an entry like any other (its status in {@code internal}).
     * False with WAIT_TIMEOUT; alertable: false with WAIT_IO_COMPLETION once the completion routines
     * queued to this thread ran; ERROR_ABANDONED_WAIT_0 when the port is closed; WSA_INVALID_HANDLE,
     * WSA_INVALID_PARAMETER.
     */
    public boolean GetQueuedCompletionStatusEx(IoCompletionPort CompletionPort,
                                               OverlappedEntry[] lpCompletionPortEntries, int ulCount,
                                               IntRef ulNumEntriesRemoved, int dwMilliseconds, boolean fAlertable) {
        return CompletionEntries.getQueuedCompletionStatusEx(this, CompletionPort, lpCompletionPortEntries, ulCount,
                ulNumEntriesRemoved, dwMilliseconds, fAlertable);
    }

    private AsyncLookups asyncLookups;

    private synchronized AsyncLookups asyncLookups() {
        if (asyncLookups == null) {
            asyncLookups = new AsyncLookups(this);
        }
        return asyncLookups;
    }

    /** MAXGETHOSTSTRUCT: the buffer size for WSAAsyncGetHostByName / ByAddr. */
    public static final int MAXGETHOSTSTRUCT = AsyncLookups.MAXGETHOSTSTRUCT;

    /**
     * WSAAsyncGetHostByName: gethostbyname in the background. Returns the task handle (0 with the
     * last error: WSANOTINITIALISED, WSAEFAULT); later posts {@code (wMsg, handle,
     * WSAMAKEASYNCREPLY(0, error))} with the entry in {@code buf}, or WSAENOBUFS and the size
     * needed when the entry's C structure does not fit in {@code buflen} bytes.
     */
    public long WSAAsyncGetHostByName(AsyncWindow hWnd, int wMsg, String name, Ref<HostEnt> buf, int buflen) {
        return asyncLookups().start(hWnd, wMsg, buf, buflen, () -> gethostbyname(name), AsyncLookups::hostentSize);
    }

    public long WSAAsyncGetHostByAddr(AsyncWindow hWnd, int wMsg, byte[] addr, int len, int type, Ref<HostEnt> buf,
                                      int buflen) {
        byte[] a = addr == null ? null : addr.clone();
        return asyncLookups().start(hWnd, wMsg, buf, buflen, () -> gethostbyaddr(a, len, type),
                AsyncLookups::hostentSize);
    }

    public long WSAAsyncGetServByName(AsyncWindow hWnd, int wMsg, String name, String proto, Ref<ServEnt> buf,
                                      int buflen) {
        return asyncLookups().start(hWnd, wMsg, buf, buflen, () -> getservbyname(name, proto),
                AsyncLookups::serventSize);
    }

    /** WSAAsyncGetServByPort: {@code port} in host byte order, as getservbyport here. */
    public long WSAAsyncGetServByPort(AsyncWindow hWnd, int wMsg, int port, String proto, Ref<ServEnt> buf,
                                      int buflen) {
        return asyncLookups().start(hWnd, wMsg, buf, buflen, () -> getservbyport(port, proto),
                AsyncLookups::serventSize);
    }

    public long WSAAsyncGetProtoByName(AsyncWindow hWnd, int wMsg, String name, Ref<ProtoEnt> buf, int buflen) {
        return asyncLookups().start(hWnd, wMsg, buf, buflen, () -> getprotobyname(name), AsyncLookups::protoentSize);
    }

    public long WSAAsyncGetProtoByNumber(AsyncWindow hWnd, int wMsg, int number, Ref<ProtoEnt> buf, int buflen) {
        return asyncLookups().start(hWnd, wMsg, buf, buflen, () -> getprotobynumber(number),
                AsyncLookups::protoentSize);
    }

    /**
     * WSACancelAsyncRequest: 0 if the task had not completed (its message will not be posted);
     * SOCKET_ERROR with WSAEALREADY once it completed, WSAEINVAL for an unknown handle.
     */
    public int WSACancelAsyncRequest(long hAsyncTaskHandle) {
        return asyncLookups().cancel(hAsyncTaskHandle);
    }

    /** WSAMAKEASYNCREPLY(buflen, error): an asynchronous lookup message's lParam. */
    public static long WSAMAKEASYNCREPLY(int buflen, int error) {
        return AsyncLookups.makeAsyncReply(buflen, error);
    }

    /** WSAGETASYNCBUFLEN(lParam). */
    public static int WSAGETASYNCBUFLEN(long lParam) {
        return AsyncLookups.asyncBuflen(lParam);
    }

    /** WSAGETASYNCERROR(lParam). */
    public static int WSAGETASYNCERROR(long lParam) {
        return AsyncLookups.asyncError(lParam);
    }

    // ---- fix-api-ext: review fixes ----

    /** Test hook: how many socket handles are associated with a completion port. */
    int completionAssociations() {
        return overlappedIo.associationCount();
    }
}
