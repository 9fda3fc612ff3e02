package org.sockstack.spi.provider;

import org.sockstack.spi.catalog.ProtocolInfo;
import org.sockstack.spi.catalog.ProtocolInfoCodec;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A base transport provider over a {@link NetBackend}: every Winsock rule lives here once
 * (parameter checks, blocking and non-blocking calls, SO_ERROR, SO_RCVTIMEO, select, event and
 * asynchronous select with Winsock's re-enabling rules, overlapped I/O with events, completion
 * routines and completion ports, duplication), so the provider over the user-space stack and the
 * one over the host stack give the same results and errors.
 *
 * <p>Threading: one provider lock guards the socket state and a condition wakes every waiter when
 * any socket's readiness changes (a generation counter prevents lost wake-ups). The backend is
 * never called with the lock held: a backend call may wait for the stack's event loop, and the
 * loop calls back into the provider.
 *
 * <p>Datagram sockets ({@link NetDatagramSocket}) and stream sockets ({@link NetStreamSocket}) are
 * served; a backend that has no stream sockets yet refuses SOCK_STREAM in {@link NetBackend#open}.
 * Out-of-band data is TCP urgent data, BSD style (RFC 6093; Windows does the same): send with
 * MSG_OOB marks the last octet as the out-of-band octet; without SO_OOBINLINE the receiver reads it
 * with recv(MSG_OOB), sees FD_OOB and select's except set while it waits, and SIOCATMARK answers
 * FALSE ("TRUE if no out-of-band data waits"); with SO_OOBINLINE it stays in the stream (FD_READ,
 * recv(MSG_OOB) is WSAEINVAL) and SIOCATMARK is FALSE until the reader has passed it. Datagram
 * sockets answer WSAEOPNOTSUPP to MSG_OOB. What a backend cannot do it refuses with WSAEOPNOTSUPP
 * (see {@link NetStreamSocket#sendUrgent}).
 */
public abstract class BaseTransportProvider implements TransportProvider {
    /** Lowest and highest SPI version supported (2.0 .. 2.2). */
    public static final int LOW_VERSION = Wsa.makeVersion(2, 0);
    public static final int HIGH_VERSION = Wsa.makeVersion(2, 2);

    private final UUID providerId;
    private final NetBackend backend;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile long generation;
    private final Map<Long, Sock> handles = new HashMap<>();
    private final Map<Long, Sock> duplicates = new HashMap<>();
    private final AtomicLong dupKeys = new AtomicLong(1);
    /** Counts the backend's address changes (SIO_ADDRESS_LIST_CHANGE). */
    private final AtomicLong addressVersion = new AtomicLong();
    private volatile boolean watchingAddresses;
    private int startups;
    private Upcalls upcalls;

    protected BaseTransportProvider(UUID providerId, NetBackend backend) {
        this.providerId = providerId;
        this.backend = backend;
    }

    public UUID providerId() {
        return providerId;
    }

    public NetBackend backend() {
        return backend;
    }

    /** The state behind one or more handles (more after duplication). */
    final class Sock {
        final NetSocket net;
        final ProtocolInfo info;
        final boolean overlappedCapable;
        final Set<Long> handleSet = new HashSet<>();
        boolean nonBlocking;
        boolean closed;
        boolean sendShut;
        boolean receiveShut;
        boolean exclusive;
        /** SO_REUSEADDR as the application set it (the backend's flag follows {@link AddressSharing}). */
        boolean reuseAddr;
        boolean udpConnReset = true;
        /** IPV6_V6ONLY off: an AF_INET6 socket that also talks IPv4 through ::ffff:a.b.c.d ({@link DualStack}). */
        boolean dualStack;
        int soError;
        int rcvTimeout;
        int sndTimeout;
        final Map<Long, Integer> plainOptions = new HashMap<>();
        /** SO_CONDITIONAL_ACCEPT is on and the backend holds SYNs for the condition function. */
        volatile boolean holdsSyns;
        // event select / async select
        WsaEvent selectEvent;
        AsyncWindow window;
        int windowMsg;
        int selectedEvents;
        int enabledEvents;
        int recordedEvents;
        final int[] eventErrors = new int[Wsa.FD_MAX_EVENTS];
        boolean writeArmed;
        // stream state
        volatile boolean connecting;
        boolean connected;
        boolean listening;
        boolean connectFailed;
        boolean soErrorSticky;
        boolean closeNotified;
        boolean lingerOn;
        int lingerSeconds;
        NetStreamSocket deferred;
        // multicast options and WSAJoinLeaf (datagram sockets)
        final Multicast multicast = new Multicast();
        // keep-alive and TCP_MAXRT (stream sockets)
        final TcpOptions tcp = new TcpOptions();
        /** The group a WSAJoinLeaf with JL_SENDER_ONLY or JL_BOTH made the default destination. */
        InetSocketAddress leafTarget;
        boolean leafReceiveOnly;
        /** A SIO_ADDRESS_LIST_CHANGE was asked for: FD_ADDRESS_LIST_CHANGE fires at the next change. */
        boolean addressChangeArmed;
        // Overlapped operations waiting for readiness. Windows keeps posting order per direction
        // only: sends among sends, receives among receives, ioctls among ioctls; a waiting
        // receive never holds back a send.
        final ArrayDeque<PendingOp> pendingSends = new ArrayDeque<>();
        final ArrayDeque<PendingOp> pendingRecvs = new ArrayDeque<>();
        final ArrayDeque<PendingOp> pendingIoctls = new ArrayDeque<>();
        boolean workerRunning;
        /** Completions the worker has taken from a queue and is delivering: closesocket waits for them. */
        int delivering;

        Sock(NetSocket net, ProtocolInfo info, boolean overlappedCapable) {
            this.net = net;
            this.info = info;
            this.overlappedCapable = overlappedCapable;
        }

        boolean isStream() {
            return net instanceof NetStreamSocket;
        }

        /** SOCK_RAW: addresses carry no port. */
        boolean isRaw() {
            return info.socketType() == Wsa.SOCK_RAW;
        }

        NetStreamSocket stream() {
            return (NetStreamSocket) net;
        }

        NetDatagramSocket dgram() {
            return (NetDatagramSocket) net;
        }

        long anyHandle() {
            return handleSet.isEmpty() ? Wsa.INVALID_SOCKET : handleSet.iterator().next();
        }

        boolean bound() {
            return net.localAddress() != null;
        }

        /** The queue of an operation that re-enables {@code reEnable} (FD_WRITE send, FD_READ receive). */
        ArrayDeque<PendingOp> queueFor(int reEnable) {
            return reEnable == Wsa.FD_WRITE ? pendingSends : reEnable == Wsa.FD_READ ? pendingRecvs : pendingIoctls;
        }

        boolean nothingPending() {
            return pendingSends.isEmpty() && pendingRecvs.isEmpty() && pendingIoctls.isEmpty();
        }

        /** Empties every queue (close): the operations to complete with WSA_OPERATION_ABORTED. */
        List<PendingOp> takeAllPending() {
            List<PendingOp> all = new ArrayList<>(pendingSends);
            all.addAll(pendingRecvs);
            all.addAll(pendingIoctls);
            pendingSends.clear();
            pendingRecvs.clear();
            pendingIoctls.clear();
            return all;
        }
    }

    /** One attempt of an I/O operation: a WSA code (WSAEWOULDBLOCK: try again later), bytes, flags. */
    record Attempt(int error, int bytes, int flags) {
        static final Attempt WOULD_BLOCK = new Attempt(WsaError.WSAEWOULDBLOCK, 0, 0);
    }

    @FunctionalInterface
    interface Op {
        Attempt attempt();
    }

    private record PendingOp(long handle, Op op, Overlapped overlapped, CompletionRoutine routine, Thread thread,
                             int reEnable) { }

    // ================================================================== startup / cleanup

    @Override
    public int startup(int versionRequested, WspData data, ProtocolInfo info, Upcalls up) {
        int version = negotiate(versionRequested);
        if (version < 0) {
            return WsaError.WSAVERNOTSUPPORTED;
        }
        if (up == null || data == null) {
            return WsaError.WSAEFAULT;
        }
        lock.lock();
        try {
            startups++;
            upcalls = up;
        } finally {
            lock.unlock();
        }
        data.version = version;
        data.highVersion = HIGH_VERSION;
        data.description = backend.name();
        return 0;
    }

    /** The highest version both sides support, or -1: the provider offers 2.0 .. 2.2. */
    static int negotiate(int requested) {
        int major = Wsa.majorVersion(requested);
        if (major < 2) {
            return -1;
        }
        return compare(requested, HIGH_VERSION) > 0 ? HIGH_VERSION : requested;
    }

    static int compare(int a, int b) {
        int c = Integer.compare(Wsa.majorVersion(a), Wsa.majorVersion(b));
        return c != 0 ? c : Integer.compare(Wsa.minorVersion(a), Wsa.minorVersion(b));
    }

    @Override
    public int cleanup(IntRef errno) {
        List<Sock> toClose;
        lock.lock();
        try {
            if (startups == 0) {
                errno.value = WsaError.WSANOTINITIALISED;
                return Wsa.SOCKET_ERROR;
            }
            if (--startups > 0) {
                return 0;
            }
            toClose = new ArrayList<>(new HashSet<>(handles.values()));
        } finally {
            lock.unlock();
        }
        for (Sock s : toClose) {
            for (long h : new ArrayList<>(s.handleSet)) {
                closeSocket(h, new IntRef());
            }
        }
        synchronized (addressVersion) {
            // The shutdown stops the backend's address watcher: the next startup needs a new one.
            backend.shutdown();
            watchingAddresses = false;
        }
        return 0;
    }

    /** How many startups are outstanding. */
    public int startupCount() {
        lock.lock();
        try {
            return startups;
        } finally {
            lock.unlock();
        }
    }

    // ================================================================== sockets

    @Override
    public long socket(int af, int type, int protocol, ProtocolInfo info, int group, int flags, IntRef errno) {
        Upcalls up;
        lock.lock();
        try {
            if (startups == 0) {
                errno.value = WsaError.WSANOTINITIALISED;
                return Wsa.INVALID_SOCKET;
            }
            up = upcalls;
            if (info != null && info.providerReserved() != 0) {
                Sock shared = duplicates.remove(info.providerReserved());
                if (shared == null || shared.closed) {
                    errno.value = WsaError.WSAEINVAL;
                    return Wsa.INVALID_SOCKET;
                }
                return newHandle(shared, up, errno);
            }
        } finally {
            lock.unlock();
        }
        if (info == null || !info.providerId().equals(providerId)) {
            errno.value = WsaError.WSAEINVAL;
            return Wsa.INVALID_SOCKET;
        }
        if (group != 0) {
            // Socket groups are reserved by Winsock 2 and unused by its providers.
            errno.value = WsaError.WSAEINVAL;
            return Wsa.INVALID_SOCKET;
        }
        int p = protocol == 0 || protocol == Wsa.FROM_PROTOCOL_INFO ? info.protocol() : protocol;
        NetSocket net = backend.open(info.addressFamily(), info.socketType(), p, errno);
        if (net == null) {
            return Wsa.INVALID_SOCKET;
        }
        Sock s = new Sock(net, info, (flags & Wsa.WSA_FLAG_OVERLAPPED) != 0);
        net.setListener(() -> onReadiness(s));
        lock.lock();
        try {
            long h = newHandle(s, up, errno);
            if (h == Wsa.INVALID_SOCKET) {
                net.close();
            }
            return h;
        } finally {
            lock.unlock();
        }
    }

    private long newHandle(Sock s, Upcalls up, IntRef errno) {
        long h = up.createSocketHandle(s.info.catalogEntryId(), s, errno);
        if (h != Wsa.INVALID_SOCKET) {
            s.handleSet.add(h);
            handles.put(h, s);
        }
        return h;
    }

    /** The socket behind handle {@code h}, or null with WSAENOTSOCK (or WSANOTINITIALISED). */
    private Sock sock(long h, IntRef errno) {
        lock.lock();
        try {
            if (startups == 0) {
                errno.value = WsaError.WSANOTINITIALISED;
                return null;
            }
            Sock s = handles.get(h);
            if (s == null || s.closed) {
                errno.value = WsaError.WSAENOTSOCK;
                return null;
            }
            return s;
        } finally {
            lock.unlock();
        }
    }

    static int fail(IntRef errno, int code) {
        errno.value = code;
        return Wsa.SOCKET_ERROR;
    }

    /**
     * WSPCloseSocket. SO_LINGER off (the default): a graceful close that finishes in the background;
     * on with time 0: abortive (RST); on with a time on a non-blocking socket: WSAEWOULDBLOCK; on
     * with a time on a blocking socket: the FIN goes out and the call waits until the peer has
     * acknowledged everything or the time is up, then resets the connection if it is not
     * (Winsock "Graceful Shutdown, Linger Options, and Socket Closure"). The wait needs a backend
     * that can tell ({@link NetStreamSocket#sendDrained}); the host's JDK sockets cannot, so
     * there the close returns at once and the kernel finishes in the background.
     */
    @Override
    public int closeSocket(long h, IntRef errno) {
        Sock s;
        List<PendingOp> aborted = new ArrayList<>();
        Upcalls up;
        boolean abortive;
        long lingerMillis;
        lock.lock();
        try {
            s = handles.get(h);
            if (s == null) {
                return fail(errno, startups == 0 ? WsaError.WSANOTINITIALISED : WsaError.WSAENOTSOCK);
            }
            if (s.isStream() && s.lingerOn && s.lingerSeconds > 0 && s.nonBlocking && s.connected
                    && s.handleSet.size() == 1) {
                return fail(errno, WsaError.WSAEWOULDBLOCK);
            }
            abortive = s.isStream() && s.lingerOn && s.lingerSeconds == 0;
            lingerMillis = s.isStream() && s.lingerOn && s.lingerSeconds > 0 && s.connected && !s.nonBlocking
                    ? s.lingerSeconds * 1000L : 0;
            up = upcalls;
            handles.remove(h);
            s.handleSet.remove(h);
            if (s.handleSet.isEmpty()) {
                s.closed = true;
                aborted.addAll(s.takeAllPending());
                generation++;
                changed.signalAll();
            }
            // A completion the worker is delivering finds the handle (and its completion port)
            // only while the handle exists: release it after that delivery. Delivery runs no
            // application code (routines go to the APC queue), so this wait is short.
            while (s.delivering > 0) {
                changed.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
        // Aborted operations complete while the handle still exists, so that their packets reach
        // the completion port it is associated with (Windows queues them there).
        for (PendingOp op : aborted) {
            deliver(op, ABORTED);
        }
        up.closeSocketHandle(h, new IntRef());
        if (s.closed) {
            if (s.deferred != null) {
                s.deferred.close(true);
            }
            if (s.isStream() && lingerMillis > 0) {
                lingerClose(s.stream(), lingerMillis);
            } else if (s.isStream()) {
                s.stream().close(abortive);
            } else {
                s.net.close();
            }
        }
        return 0;
    }

    /**
     * SO_LINGER with a time: FIN now, then wait (checking every few milliseconds: the backends
     * report no event for "acknowledged") until the peer acknowledged it all; reset if time ran out.
     */
    private static void lingerClose(NetStreamSocket net, long millis) {
        net.shutdown(Wsa.SD_SEND);
        long deadline = System.nanoTime() + millis * 1_000_000L;
        boolean drained = net.sendDrained();
        while (!drained && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            drained = net.sendDrained();
        }
        net.close(!drained);
    }

    /**
     * AcceptEx's second half (mswsock, here the api module): handle {@code target}, a fresh socket
     * of this provider (never bound, connected or listening), takes over the connection behind
     * {@code accepted}, a handle {@link #accept} just returned; that handle is released. The
     * target keeps its handle number, so its completion-port association stays. Returns 0, or
     * SOCKET_ERROR with WSAENOTSOCK (either handle unknown) or WSAEINVAL (target in use).
     */
    public int adoptAccepted(long target, long accepted, IntRef errno) {
        Sock fresh;
        Upcalls up;
        lock.lock();
        try {
            fresh = handles.get(target);
            Sock child = handles.get(accepted);
            if (fresh == null || child == null || fresh.closed || child.closed) {
                return fail(errno, WsaError.WSAENOTSOCK);
            }
            if (fresh == child || fresh.bound() || fresh.connected || fresh.connecting || fresh.listening
                    || fresh.handleSet.size() != 1 || !fresh.nothingPending()) {
                return fail(errno, WsaError.WSAEINVAL);
            }
            up = upcalls;
            handles.remove(accepted);
            child.handleSet.remove(accepted);
            handles.put(target, child);
            child.handleSet.add(target);
            fresh.handleSet.clear();
            fresh.closed = true;
        } finally {
            lock.unlock();
        }
        up.closeSocketHandle(accepted, new IntRef());
        fresh.net.close();
        return 0;
    }

    /**
     * DisconnectEx / TransmitFile with TF_REUSE_SOCKET (mswsock, here the api module): handle
     * {@code h}, a stream socket whose sending side is shut, gets a fresh unbound, unconnected
     * stream socket of the same family in place of its connection, so it can be the accept
     * socket of AcceptEx or connect again (ConnectEx after bind), as on Windows. The old
     * connection finishes its graceful close (the FIN exchange, TIME-WAIT) in the background
     * under no handle. The new socket keeps the options {@link SocketReuse} lists, the blocking
     * mode and the keep-alive values; event selection, recorded events, SO_ERROR and the
     * shutdown state start afresh. Operations still pending on the old connection complete with
     * WSA_OPERATION_ABORTED. Returns 0, or SOCKET_ERROR with WSAENOTSOCK or WSAEINVAL (not a
     * stream socket, or listening).
     */
    public int reuseSocket(long h, IntRef errno) {
        Sock old = sock(h, errno);
        if (old == null) {
            return Wsa.SOCKET_ERROR;
        }
        if (!old.isStream() || old.listening) {
            return fail(errno, WsaError.WSAEINVAL);
        }
        SocketReuse.Kept kept = SocketReuse.save(this, h);
        NetSocket net = backend.open(old.info.addressFamily(), old.info.socketType(), old.info.protocol(), errno);
        if (net == null) {
            return Wsa.SOCKET_ERROR;
        }
        Sock n = new Sock(net, old.info, old.overlappedCapable);
        n.nonBlocking = old.nonBlocking;
        n.tcp.inherit(net, old.tcp);
        net.setListener(() -> onReadiness(n));
        List<PendingOp> aborted;
        lock.lock();
        try {
            if (old.closed) {
                net.close();
                return fail(errno, WsaError.WSAENOTSOCK);
            }
            for (long x : old.handleSet) {
                handles.put(x, n);
            }
            n.handleSet.addAll(old.handleSet);
            old.handleSet.clear();
            old.closed = true;
            aborted = old.takeAllPending();
            generation++;
            changed.signalAll();
            while (old.delivering > 0) {
                changed.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
        for (PendingOp op : aborted) {
            deliver(op, ABORTED);
        }
        if (old.deferred != null) {
            old.deferred.close(true);
        }
        old.stream().close(false);
        SocketReuse.restore(this, h, kept);
        return 0;
    }

    // ================================================================== addresses

    /** Decodes a sockaddr for this socket: WSAEFAULT if too short or of another family. */
    private static InetSocketAddress decode(Sock s, SockAddr name, IntRef errno, int wrongFamilyError) {
        if (name == null || name.length() < s.info.minSockAddr()) {
            errno.value = WsaError.WSAEFAULT;
            return null;
        }
        if (name.family() != s.info.addressFamily()) {
            errno.value = wrongFamilyError;
            return null;
        }
        InetSocketAddress a = name.toInet();
        if (a == null) {
            errno.value = WsaError.WSAEFAULT;
        }
        return a;
    }

    @Override
    public int bind(long h, SockAddr name, IntRef errno) {
        Sock s = sock(h, errno);
        if (s == null) {
            return Wsa.SOCKET_ERROR;
        }
        InetSocketAddress a = decode(s, name, errno, WsaError.WSAEFAULT);
        if (a == null) {
            return Wsa.SOCKET_ERROR;
        }
        if (DualStack.isV4Mapped(a)) {
            if (!s.dualStack) {
                // IPV6_V6ONLY is on: an IPv4-mapped address names no IPv6 interface.
                return fail(errno, WsaError.WSAEADDRNOTAVAIL);
            }
            a = DualStack.unmap(a);
        }
        if (s.bound()) {
            return fail(errno, WsaError.WSAEINVAL);
        }
        int shared = checkSharing(s, a);
        if (shared != 0) {
            return fail(errno, shared);
        }
        int e = s.net.bind(a);
        if (e != 0) {
            return fail(errno, e);
        }
        if (!s.isStream()) {
            armWrite(s);
        }
        return 0;
    }

    /**
     * Windows' bind-conflict rules ({@link AddressSharing}) against this provider's other sockets
     * of the same family, type and protocol on the same port: 0, WSAEADDRINUSE or WSAEACCES. Where
     * the rules let two sockets share, the backend's own SO_REUSEADDR is set on both, so that
     * its (BSD) rules let the bind through.
     */
    private int checkSharing(Sock s, InetSocketAddress a) {
        if (a.getPort() == 0 || s.isRaw()) {
            return 0;
        }
        List<Sock> others = new ArrayList<>();
        lock.lock();
        try {
            for (Sock t : handles.values()) {
                if (t != s && !t.closed && !others.contains(t) && t.info.addressFamily() == s.info.addressFamily()
                        && t.info.socketType() == s.info.socketType() && t.info.protocol() == s.info.protocol()) {
                    others.add(t);
                }
            }
        } finally {
            lock.unlock();
        }
        boolean wild = a.getAddress().isAnyLocalAddress();
        List<Sock> sharers = new ArrayList<>();
        for (Sock t : others) {
            InetSocketAddress b = t.net.localAddress();
            if (b == null || b.getPort() != a.getPort()) {
                continue;
            }
            boolean tWild = b.getAddress().isAnyLocalAddress();
            if (!wild && !tWild && !b.getAddress().equals(a.getAddress())) {
                continue; // two different specific addresses share nothing
            }
            int e = AddressSharing.secondBind(sharingMode(t), tWild, sharingMode(s), wild);
            if (e != 0) {
                return e;
            }
            sharers.add(t);
        }
        if (!sharers.isEmpty()) {
            sharers.add(s);
            for (Sock t : sharers) {
                t.net.setOption(Wsa.SOL_SOCKET, Wsa.SO_REUSEADDR, 1);
            }
        }
        return 0;
    }

    private static int sharingMode(Sock s) {
        return s.exclusive ? AddressSharing.EXCLUSIVE : s.reuseAddr ? AddressSharing.REUSE : AddressSharing.DEFAULT;
    }

    /** WSPListen: stream sockets only (WSAEOPNOTSUPP otherwise); the socket must be bound. */
    @Override
    public int listen(long h, int backlog, IntRef errno) {
        Sock s = sock(h, errno);
        if (s == null) {
            return Wsa.SOCKET_ERROR;
        }
        if (!s.isStream()) {
            return fail(errno, WsaError.WSAEOPNOTSUPP);
        }
        if (s.connected || s.connecting) {
            return fail(errno, WsaError.WSAEISCONN);
        }
        if (!s.bound()) {
            return fail(errno, WsaError.WSAEINVAL);
        }
        if (s.listening) {
            return 0;
        }
        int e = s.stream().listen(Math.max(1, backlog));
        if (e != 0) {
            return fail(errno, e);
        }
        lock.lock();
        try {
            s.listening = true;
            evaluate(s);
        } finally {
            lock.unlock();
        }
        return 0;
    }

    /**
     * WSPAccept. With a condition callback the connection is offered to it first: CF_ACCEPT takes it,
     * CF_REJECT resets it (WSAECONNREFUSED), CF_DEFER keeps it for the next call (WSATRY_AGAIN, and
     * FD_ACCEPT is not re-enabled). The handshake is complete before the callback runs, as on
     * Windows without SO_CONDITIONAL_ACCEPT. With SO_CONDITIONAL_ACCEPT on a backend that holds
     * SYNs (the stack) the callback decides on the unanswered request instead: CF_ACCEPT sends the
     * SYN,ACK, CF_REJECT a RST (the client is refused), CF_DEFER leaves it held for the next call.
     * The new socket inherits the listener's event selection and gets FD_WRITE.
     */
    @Override
    public long accept(long h, Ref<SockAddr> addr, ConditionCallback condition, IntRef errno) {
        Sock s = sock(h, errno);
        if (s == null) {
            return Wsa.INVALID_SOCKET;
        }
        if (!s.isStream()) {
            errno.value = WsaError.WSAEOPNOTSUPP;
            return Wsa.INVALID_SOCKET;
        }
        if (!s.listening) {
            errno.value = WsaError.WSAEINVAL;
            return Wsa.INVALID_SOCKET;
        }
        NetStreamSocket child;
        NetStreamSocket.HeldRequest held = null;
        while (true) {
            long g = generation;
            IntRef err = new IntRef();
            lock.lock();
            try {
                child = s.deferred;
                s.deferred = null;
            } finally {
                lock.unlock();
            }
            if (child == null && s.holdsSyns && (held = s.stream().heldRequest(new IntRef())) != null) {
                break;
            }
            if (child == null) {
                child = s.stream().accept(err);
            }
            if (child != null) {
                break;
            }
            reEnable(s, Wsa.FD_ACCEPT);
            if (err.value != WsaError.WSAEWOULDBLOCK) {
                errno.value = err.value;
                return Wsa.INVALID_SOCKET;
            }
            if (s.nonBlocking) {
                errno.value = WsaError.WSAEWOULDBLOCK;
                return Wsa.INVALID_SOCKET;
            }
            int w = awaitChange(s, g, 0);
            if (w != 0) {
                errno.value = w;
                return Wsa.INVALID_SOCKET;
            }
        }
        if (held != null) {
            child = ConditionalAccept.decide(held, condition, errno);
            if (child == null) {
                if (errno.value != WsaError.WSATRY_AGAIN) {
                    reEnable(s, Wsa.FD_ACCEPT);
                }
                return Wsa.INVALID_SOCKET;
            }
            condition = null;
        }
        InetSocketAddress peer = child.remoteAddress();
        if (condition != null) {
            int decision = condition.decide(peer == null ? null : SockAddr.inet(peer), null, null, null,
                    SockAddr.inet(child.localAddress()), new Ref<>(), new Ref<>(0));
            if (decision == Wsa.CF_DEFER) {
                lock.lock();
                try {
                    s.deferred = child;
                } finally {
                    lock.unlock();
                }
                errno.value = WsaError.WSATRY_AGAIN;
                return Wsa.INVALID_SOCKET;
            }
            if (decision != Wsa.CF_ACCEPT) {
                child.close(true);
                reEnable(s, Wsa.FD_ACCEPT);
                errno.value = decision == Wsa.CF_REJECT ? WsaError.WSAECONNREFUSED : WsaError.WSAEINVAL;
                return Wsa.INVALID_SOCKET;
            }
        }
        reEnable(s, Wsa.FD_ACCEPT);
        Sock c = new Sock(child, s.info, s.overlappedCapable);
        c.connected = true;
        c.dualStack = s.dualStack;
        c.tcp.inherit(child, s.tcp);
        child.setListener(() -> onReadiness(c));
        lock.lock();
        try {
            c.selectEvent = s.selectEvent;
            c.window = s.window;
            c.windowMsg = s.windowMsg;
            c.selectedEvents = s.selectedEvents;
            c.enabledEvents = Wsa.FD_ALL_EVENTS;
            c.nonBlocking = s.nonBlocking;
            c.writeArmed = true;
            long ch = newHandle(c, upcalls, errno);
            if (ch == Wsa.INVALID_SOCKET) {
                child.close(true);
                return Wsa.INVALID_SOCKET;
            }
            evaluate(c);
            if (addr != null && peer != null) {
                addr.value = SockAddr.inet(peer);
            }
            return ch;
        } finally {
            lock.unlock();
        }
    }

    /**
     * WSPConnect. On a datagram socket it only fixes the default peer (connect data and QoS have no
     * meaning and are ignored, the callee data comes back empty); the all-zero address dissolves
     * the association.
     */
    @Override
    public int connect(long h, SockAddr name, byte[] callerData, Ref<byte[]> calleeData, Qos sqos, Qos gqos,
                       IntRef errno) {
        Sock s = sock(h, errno);
        if (s == null) {
            return Wsa.SOCKET_ERROR;
        }
        InetSocketAddress a = decode(s, name, errno, WsaError.WSAEAFNOSUPPORT);
        if (a == null) {
            return Wsa.SOCKET_ERROR;
        }
        if (DualStack.isV4Mapped(a)) {
            if (!s.dualStack) {
                // IPV6_V6ONLY is on: no IPv6 route leads to an IPv4-mapped address.
                return fail(errno, WsaError.WSAENETUNREACH);
            }
            a = DualStack.unmap(a);
        }
        if (calleeData != null) {
            calleeData.value = new byte[0];
        }
        if (s.isStream()) {
            return connectStream(s, a, sqos, gqos, errno);
        }
        if (a.getAddress().isAnyLocalAddress()) {
            if (a.getPort() != 0) {
                return fail(errno, WsaError.WSAEADDRNOTAVAIL);
            }
            int e = s.dgram().connect(null);
            return e == 0 ? 0 : fail(errno, e);
        }
        if (a.getPort() == 0 && !s.isRaw()) {
            return fail(errno, WsaError.WSAEADDRNOTAVAIL);
        }
        int e = s.dgram().connect(a);
        if (e != 0) {
            return fail(errno, e);
        }
        armWrite(s);
        return 0;
    }

    /**
     * The active open of a stream socket: WSAEISCONN when connected, WSAEALREADY while a
     * non-blocking connect is under way, WSAEWOULDBLOCK to start one on a non-blocking socket
     * (FD_CONNECT and writability follow; a failure shows in the except set and in SO_ERROR, where
     * it stays), otherwise the call waits for the outcome.
     */
    private int connectStream(Sock s, InetSocketAddress a, Qos sqos, Qos gqos, IntRef errno) {
        if (s.listening) {
            return fail(errno, WsaError.WSAEINVAL);
        }
        if (s.connected) {
            return fail(errno, WsaError.WSAEISCONN);
        }
        if (s.connecting) {
            return fail(errno, s.nonBlocking ? WsaError.WSAEALREADY : WsaError.WSAEINVAL);
        }
        if (gqos != null) {
            // Socket groups are not offered, so neither is group QoS.
            return fail(errno, WsaError.WSAEOPNOTSUPP);
        }
        if (sqos != null) {
            // QosPolicy: checked alike for every backend; the sending flow spec becomes send
            // pacing where the backend can (the stack), else WSAEOPNOTSUPP (the host).
            int q = s.stream().setSendPacing(null);
            if (q == 0) {
                q = QosPolicy.validate(sqos);
            }
            if (q != 0) {
                return fail(errno, q);
            }
            if (QosPolicy.paces(sqos.sending())) {
                int e = s.stream().setSendPacing(sqos.sending());
                if (e != 0) {
                    return fail(errno, e);
                }
            }
        }
        if (a.getAddress().isAnyLocalAddress() || a.getPort() == 0) {
            return fail(errno, WsaError.WSAEADDRNOTAVAIL);
        }
        long g = generation;
        lock.lock();
        try {
            s.connecting = true;
            if (s.connectFailed) {
                // Connecting again after a failed connect (Windows allows it): a new attempt, a new FD_CONNECT.
                s.enabledEvents |= Wsa.FD_CONNECT;
            }
            s.connectFailed = false;
            s.soErrorSticky = false;
            s.soError = 0;
        } finally {
            lock.unlock();
        }
        int e = s.stream().connect(a);
        if (e == 0) {
            onReadiness(s);
            return 0;
        }
        if (e != WsaError.WSAEWOULDBLOCK) {
            lock.lock();
            try {
                s.connecting = false;
            } finally {
                lock.unlock();
            }
            return fail(errno, e);
        }
        if (s.nonBlocking) {
            return fail(errno, WsaError.WSAEWOULDBLOCK);
        }
        while (true) {
            lock.lock();
            try {
                if (!s.connecting) {
                    return s.connected ? 0 : fail(errno, s.soError);
                }
            } finally {
                lock.unlock();
            }
            int w = awaitChange(s, g, 0);
            if (w != 0) {
                return fail(errno, w);
            }
            g = generation;
        }
    }

    /**
     * WSPJoinLeaf over IP multicast, a non-rooted control and data plane: {@code name} is the
     * group. JL_RECEIVER_ONLY or JL_BOTH joins it (any source, on the IP_MULTICAST_IF interface);
     * JL_SENDER_ONLY or JL_BOTH makes it the destination of send() without connecting (datagrams
     * from every member still arrive). The returned socket is {@code s} itself, as for every
     * non-rooted plane. Stream sockets: WSAEOPNOTSUPP; connect data (WSAEOPNOTSUPP) and QoS
     * (WSAEOPNOTSUPP) are refused; a second join: WSAEISCONN.
     */
    @Override
    public long joinLeaf(long h, SockAddr name, byte[] callerData, Ref<byte[]> calleeData, Qos sqos, Qos gqos,
                         int flags, IntRef errno) {
        Sock s = sock(h, errno);
        if (s == null) {
            return Wsa.INVALID_SOCKET;
        }
        if (s.isStream() || s.isRaw()) {
            errno.value = WsaError.WSAEOPNOTSUPP;
            return Wsa.INVALID_SOCKET;
        }
        if (flags != Wsa.JL_SENDER_ONLY && flags != Wsa.JL_RECEIVER_ONLY && flags != Wsa.JL_BOTH) {
            errno.value = WsaError.WSAEINVAL;
            return Wsa.INVALID_SOCKET;
        }
        InetSocketAddress group = decode(s, name, errno, WsaError.WSAEAFNOSUPPORT);
        if (group == null) {
            return Wsa.INVALID_SOCKET;
        }
        if (!group.getAddress().isMulticastAddress() || group.getPort() == 0) {
            errno.value = WsaError.WSAEADDRNOTAVAIL;
            return Wsa.INVALID_SOCKET;
        }
        if (callerData != null && callerData.length > 0 || sqos != null || gqos != null) {
            errno.value = WsaError.WSAEOPNOTSUPP;
            return Wsa.INVALID_SOCKET;
        }
        if (s.leafTarget != null || s.leafReceiveOnly || s.net.remoteAddress() != null) {
            errno.value = WsaError.WSAEISCONN;
            return Wsa.INVALID_SOCKET;
        }
        if (flags != Wsa.JL_SENDER_ONLY) {
            if (!s.bound()) {
                // A receiver needs the group's port: WSAJoinLeaf binds an unbound socket to it.
                int e = s.net.bind(new InetSocketAddress(Multicast.wildcard(group.getAddress()), group.getPort()));
                if (e != 0) {
                    errno.value = e;
                    return Wsa.INVALID_SOCKET;
                }
                armWrite(s);
            }
            int e = s.multicast.joinLeaf(s.net, group.getAddress());
            if (e != 0) {
                errno.value = e;
                return Wsa.INVALID_SOCKET;
            }
        }
        lock.lock();
        try {
            if (flags == Wsa.JL_RECEIVER_ONLY) {
                s.leafReceiveOnly = true;
            } else {
                s.leafTarget = group;
            }
        } finally {
            lock.unlock();
        }
        if (calleeData != null) {
            calleeData.value = new byte[0];
        }
        return h;
    }

    @Override
    public int shutdown(long h, int how, IntRef errno) {
        Sock s = sock(h, errno);
        if (s == null) {
            return Wsa.SOCKET_ERROR;
        }
        if (how < Wsa.SD_RECEIVE || how > Wsa.SD_BOTH) {
            return fail(errno, WsaError.WSAEINVAL);
        }
        if (s.isStream()) {
            if (!s.connected) {
                return fail(errno, WsaError.WSAENOTCONN);
            }
            int e = s.stream().shutdown(how);
            if (e != 0) {
                return fail(errno, e);
            }
        }
        lock.lock();
        try {
            s.receiveShut |= how != Wsa.SD_SEND;
            s.sendShut |= how != Wsa.SD_RECEIVE;
            generation++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        return 0;
    }

    @Override
    public int getSockName(long h, Ref<SockAddr> name, IntRef errno) {
        Sock s = sock(h, errno);
        if (s == null) {
            return Wsa.SOCKET_ERROR;
        }
        InetSocketAddress a = s.net.localAddress();
        if (a == null) {
            return fail(errno, WsaError.WSAEINVAL);
        }
        name.value = SockAddr.inet(a);
        return 0;
    }

    @Override
    public int getPeerName(long h, Ref<SockAddr> name, IntRef errno) {
        Sock s = sock(h, errno);
        if (s == null) {
            return Wsa.SOCKET_ERROR;
        }
        InetSocketAddress a = s.net.remoteAddress();
        if (a == null) {
            return fail(errno, WsaError.WSAENOTCONN);
        }
        name.value = SockAddr.inet(a);
        return 0;
    }

    // ================================================================== send

    @Override
    public int send(long h, ByteBuffer[] buffers, IntRef bytesSent, int flags, Overlapped ov, CompletionRoutine cr,
                    Thread thread, IntRef errno) {
        return sendTo(h, buffers, bytesSent, flags, null, ov, cr, thread, errno);
    }

    /**
     * WSPSendTo. A connected datagram socket sends to its peer and ignores {@code to} (as the
     * Winsock documentation describes for connected sockets); an unconnected one needs
     * {@code to} (WSAEDESTADDRREQ without it, WSAENOTCONN for send).
     */
    @Override
    public int sendTo(long h, ByteBuffer[] buffers, IntRef bytesSent, int flags, SockAddr to, Overlapped ov,
                      CompletionRoutine cr, Thread thread, IntRef errno) {
        return sendMsg(h, buffers, bytesSent, flags, to, null, ov, cr, thread, errno);
    }

    /** WSASendMsg's send: {@link #sendTo}, a datagram leaving from {@code source} (see {@link NetDatagramSocket#sendFrom}). */
    @Override
    public int sendMsg(long h, ByteBuffer[] buffers, IntRef bytesSent, int flags, SockAddr to, PacketInfo source,
                       Overlapped ov, CompletionRoutine cr, Thread thread, IntRef errno) {
        Sock s = sock(h, errno);
        if (s == null) {
            return Wsa.SOCKET_ERROR;
        }
        if (buffers == null) {
            return fail(errno, WsaError.WSAEFAULT);
        }
        boolean oob = (flags & Wsa.MSG_OOB) != 0;
        if (oob && !s.isStream()) {
            // MSG_OOB on a socket that is not stream-style (Windows: WSAEOPNOTSUPP).
            return fail(errno, WsaError.WSAEOPNOTSUPP);
        }
        if (s.isStream()) {
            return oob ? UrgentData.send(this, h, s, buffers, bytesSent, ov, cr, thread, errno)
                    : sendStream(h, s, buffers, bytesSent, ov, cr, thread, errno);
        }
        if (s.sendShut) {
            return fail(errno, WsaError.WSAESHUTDOWN);
        }
        InetSocketAddress dst = s.net.remoteAddress();
        if (dst == null && to == null && s.leafTarget != null) {
            dst = s.leafTarget;
        }
        if (dst == null) {
            if (to == null) {
                return fail(errno, WsaError.WSAENOTCONN);
            }
            dst = decode(s, to, errno, WsaError.WSAEAFNOSUPPORT);
            if (dst == null) {
                return Wsa.SOCKET_ERROR;
            }
            if (dst.getAddress().isAnyLocalAddress() || (dst.getPort() == 0 && !s.isRaw())) {
                return fail(errno, WsaError.WSAEADDRNOTAVAIL);
            }
            if (DualStack.isV4Mapped(dst) && !s.dualStack) {
                return fail(errno, WsaError.WSAENETUNREACH);
            }
        }
        byte[] data = gather(buffers);
        if (s.info.messageSize() > 1 && data.length > s.info.messageSize()) {
            return fail(errno, WsaError.WSAEMSGSIZE);
        }
        InetSocketAddress target = s.dualStack ? DualStack.unmap(dst) : dst;
        Op op = () -> {
            int e = source == null ? s.dgram().sendTo(data, target) : s.dgram().sendFrom(data, target, source);
            if (e == WsaError.WSAEWOULDBLOCK) {
                return Attempt.WOULD_BLOCK;
            }
            return new Attempt(e, e == 0 ? data.length : 0, 0);
        };
        return run(h, s, op, bytesSent, null, ov, cr, thread, Wsa.FD_WRITE, s.sndTimeout, errno);
    }

    /**
     * A stream send: a blocking (or overlapped) send completes when every byte is written; a
     * non-blocking one writes what fits (WSAEWOULDBLOCK if nothing does). {@code to} is ignored.
     */
    private int sendStream(long h, Sock s, ByteBuffer[] buffers, IntRef bytesSent, Overlapped ov,
                           CompletionRoutine cr, Thread thread, IntRef errno) {
        if (!s.connected) {
            return fail(errno, WsaError.WSAENOTCONN);
        }
        if (s.sendShut) {
            return fail(errno, WsaError.WSAESHUTDOWN);
        }
        ByteBuffer[] data = new ByteBuffer[buffers.length];
        int total = 0;
        for (int i = 0; i < buffers.length; i++) {
            data[i] = buffers[i].duplicate();
            total += data[i].remaining();
        }
        int all = total;
        boolean partialOk = s.nonBlocking && (ov == null || !s.overlappedCapable);
        int[] sent = {0};
        Op op = () -> {
            while (true) {
                IntRef n = new IntRef();
                int e = s.stream().send(data, n);
                if (e == WsaError.WSAEWOULDBLOCK) {
                    return partialOk && sent[0] > 0 ? new Attempt(0, sent[0], 0) : Attempt.WOULD_BLOCK;
                }
                if (e != 0) {
                    return new Attempt(e, sent[0], 0);
                }
                sent[0] += n.value;
                if (sent[0] >= all) {
                    return new Attempt(0, sent[0], 0);
                }
            }
        };
        return run(h, s, op, bytesSent, null, ov, cr, thread, Wsa.FD_WRITE, s.sndTimeout, errno);
    }

    /** The remaining octets of {@code buffers}, in order, in one array (the buffers are not moved). */
    static byte[] gather(ByteBuffer[] buffers) {
        int n = 0;
        for (ByteBuffer b : buffers) {
            n += b.remaining();
        }
        byte[] data = new byte[n];
        int at = 0;
        for (ByteBuffer b : buffers) {
            int r = b.remaining();
            b.duplicate().get(data, at, r);
            at += r;
        }
        return data;
    }

    // ================================================================== receive

    @Override
    public int recv(long h, ByteBuffer[] buffers, IntRef bytesRecvd, IntRef flags, Overlapped ov,
                    CompletionRoutine cr, Thread thread, IntRef errno) {
        return recvFrom(h, buffers, bytesRecvd, flags, null, ov, cr, thread, errno);
    }

    /**
     * WSPRecvFrom on a datagram socket: one datagram per call; a datagram larger than the buffers
     * fills them, the rest is lost and the call fails with WSAEMSGSIZE. An unbound socket cannot
     * receive (WSAEINVAL). On a connected socket an ICMP port unreachable for an earlier datagram
     * fails the next receive with WSAECONNRESET (Windows; SIO_UDP_CONNRESET turns it off). An
     * unconnected socket never learns of ICMP errors: neither backend can tell it (Windows would).
     */
    @Override
    public int recvFrom(long h, ByteBuffer[] buffers, IntRef bytesRecvd, IntRef flags, Ref<SockAddr> from,
                        Overlapped ov, CompletionRoutine cr, Thread thread, IntRef errno) {
        return recvMsg(h, buffers, bytesRecvd, flags, from, null, ov, cr, thread, errno);
    }

    /** WSARecvMsg's receive: {@link #recvFrom}, and a datagram's {@link PacketInfo} goes to {@code info}. */
    @Override
    public int recvMsg(long h, ByteBuffer[] buffers, IntRef bytesRecvd, IntRef flags, Ref<SockAddr> from,
                       PacketInfo.Sink info, Overlapped ov, CompletionRoutine cr, Thread thread, IntRef errno) {
        Sock s = sock(h, errno);
        if (s == null) {
            return Wsa.SOCKET_ERROR;
        }
        int inFlags = flags == null ? 0 : flags.value;
        if (buffers == null) {
            reEnable(s, Wsa.FD_READ);
            return fail(errno, WsaError.WSAEFAULT);
        }
        boolean oob = (inFlags & Wsa.MSG_OOB) != 0;
        if (oob && !s.isStream()) {
            reEnable(s, Wsa.FD_READ);
            return fail(errno, WsaError.WSAEOPNOTSUPP);
        }
        if (s.isStream()) {
            if (!s.connected) {
                reEnable(s, Wsa.FD_READ);
                return fail(errno, WsaError.WSAENOTCONN);
            }
        } else if (!s.bound()) {
            reEnable(s, Wsa.FD_READ);
            return fail(errno, WsaError.WSAEINVAL);
        }
        if ((inFlags & Wsa.MSG_WAITALL) != 0 && ov == null && s.nonBlocking && s.isStream()) {
            // Microsoft's recv: MSG_WAITALL on a non-blocking socket fails with WSAEOPNOTSUPP
            // (the API runs the wait-all loop and passes the flag down only for this check).
            return fail(errno, WsaError.WSAEOPNOTSUPP);
        }
        if (s.receiveShut) {
            reEnable(s, Wsa.FD_READ);
            return fail(errno, WsaError.WSAESHUTDOWN);
        }
        boolean peek = (inFlags & Wsa.MSG_PEEK) != 0;
        if (oob) {
            return UrgentData.receive(this, h, s, buffers, bytesRecvd, flags, peek, ov, cr, thread, errno);
        }
        if (s.isStream()) {
            Op op = () -> {
                IntRef n = new IntRef();
                int e = s.stream().receive(buffers, n, peek);
                if (e == WsaError.WSAEWOULDBLOCK) {
                    return Attempt.WOULD_BLOCK;
                }
                if (e == 0 && from != null) {
                    InetSocketAddress peer = s.net.remoteAddress();
                    from.value = peer == null ? null : SockAddr.inet(peer);
                }
                return new Attempt(e, e == 0 ? n.value : 0, 0);
            };
            return run(h, s, op, bytesRecvd, flags, ov, cr, thread, Wsa.FD_READ, s.rcvTimeout, errno);
        }
        Op op = () -> {
            NetDatagramSocket.Datagram d = new NetDatagramSocket.Datagram();
            int e;
            do {
                e = s.dgram().receive(d, peek);
            } while (e == WsaError.WSAECONNRESET && !s.udpConnReset);
            if (e == WsaError.WSAEWOULDBLOCK) {
                return Attempt.WOULD_BLOCK;
            }
            if (e != 0) {
                return new Attempt(e, 0, 0);
            }
            int copied = scatter(d.data, buffers);
            if (from != null) {
                from.value = SockAddr.inet(d.from);
            }
            if (info != null) {
                info.accept(new PacketInfo(d.to, d.ifIndex));
            }
            return new Attempt(copied < d.data.length ? WsaError.WSAEMSGSIZE : 0, copied, 0);
        };
        return run(h, s, op, bytesRecvd, flags, ov, cr, thread, Wsa.FD_READ, s.rcvTimeout, errno);
    }

    private static int scatter(byte[] data, ByteBuffer[] buffers) {
        int at = 0;
        for (ByteBuffer b : buffers) {
            int n = Math.min(b.remaining(), data.length - at);
            b.put(data, at, n);
            at += n;
        }
        return at;
    }

    @Override
    public int sendDisconnect(long h, byte[] data, IntRef errno) {
        Sock s = sock(h, errno);
        if (s == null) {
            return Wsa.SOCKET_ERROR;
        }
        if (data != null && !s.info.hasServiceFlag(org.sockstack.spi.catalog.ServiceFlags.XP1_DISCONNECT_DATA)) {
            return fail(errno, WsaError.WSAENOPROTOOPT);
        }
        return shutdown(h, Wsa.SD_SEND, errno);
    }

    @Override
    public int recvDisconnect(long h, Ref<byte[]> data, IntRef errno) {
        Sock s = sock(h, errno);
        if (s == null) {
            return Wsa.SOCKET_ERROR;
        }
        if (data != null) {
            data.value = new byte[0];
        }
        return shutdown(h, Wsa.SD_RECEIVE, errno);
    }

    // ================================================================== running an operation

    /**
     * Runs one I/O operation in the socket's mode: overlapped (complete now or later through the
     * upcalls), non-blocking (WSAEWOULDBLOCK) or blocking (wait for readiness, up to
     * {@code timeoutMs} when non-zero: WSAETIMEDOUT).
     */
    int run(long h, Sock s, Op op, IntRef bytes, IntRef flags, Overlapped ov, CompletionRoutine cr,
                    Thread thread, int reEnable, int timeoutMs, IntRef errno) {
        if (ov != null && s.overlappedCapable) {
            return runOverlapped(h, s, op, bytes, flags, ov, cr, thread, reEnable, errno);
        }
        long deadline = timeoutMs > 0 ? System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs) : 0;
        while (true) {
            long g = generation;
            Attempt a = op.attempt();
            reEnable(s, reEnable);
            if (a.error != WsaError.WSAEWOULDBLOCK) {
                return finish(a, bytes, flags, errno);
            }
            if (reEnable == Wsa.FD_WRITE) {
                rearmWriteAfterWouldBlock(s);
            }
            if (s.nonBlocking) {
                return fail(errno, WsaError.WSAEWOULDBLOCK);
            }
            int w = awaitChange(s, g, deadline);
            if (w != 0) {
                return fail(errno, w);
            }
        }
    }

    private static int finish(Attempt a, IntRef bytes, IntRef flags, IntRef errno) {
        if (bytes != null) {
            bytes.value = a.bytes;
        }
        if (flags != null) {
            flags.value = a.flags;
        }
        if (a.error != 0) {
            return fail(errno, a.error);
        }
        return 0;
    }

    /** Waits until readiness changes after generation {@code g}: 0, WSAETIMEDOUT, or WSAEINTR (closed). */
    private int awaitChange(Sock s, long g, long deadline) {
        lock.lock();
        try {
            while (generation == g && !s.closed) {
                if (deadline == 0) {
                    changed.await();
                } else {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return WsaError.WSAETIMEDOUT;
                    }
                    changed.awaitNanos(left);
                }
            }
            return s.closed ? WsaError.WSAEINTR : 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return WsaError.WSAEINTR;
        } finally {
            lock.unlock();
        }
    }

    private int runOverlapped(long h, Sock s, Op op, IntRef bytes, IntRef flags, Overlapped ov,
                              CompletionRoutine cr, Thread thread, int reEnable, IntRef errno) {
        ov.reset();
        PendingOp p = new PendingOp(h, op, ov, cr, thread != null ? thread : Thread.currentThread(), reEnable);
        ArrayDeque<PendingOp> queue = s.queueFor(reEnable);
        lock.lock();
        try {
            if (!queue.isEmpty() && !s.closed) {
                // Keep posting order in this direction: queue behind the ones already waiting.
                queue.addLast(p);
                startWorker(s);
                return fail(errno, WsaError.WSA_IO_PENDING);
            }
        } finally {
            lock.unlock();
        }
        Attempt a = op.attempt();
        reEnable(s, reEnable);
        if (a.error == WsaError.WSAEWOULDBLOCK) {
            if (enqueue(s, queue, p)) {
                return fail(errno, WsaError.WSA_IO_PENDING);
            }
            a = ABORTED; // closesocket ran meanwhile and aborted the waiting ones: so is this one
        }
        deliver(p, a);
        return finish(a, bytes, flags, errno);
    }

    private static final Attempt ABORTED = new Attempt(WsaError.WSA_OPERATION_ABORTED, 0, 0);

    /**
     * Queues a waiting operation, unless the socket was closed (closesocket has already collected
     * and aborted its queues, so one queued now would never complete): false then.
     */
    private boolean enqueue(Sock s, ArrayDeque<PendingOp> queue, PendingOp p) {
        lock.lock();
        try {
            if (s.closed) {
                return false;
            }
            queue.addLast(p);
            startWorker(s);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * One virtual thread per socket with waiting operations completes them: it tries the oldest
     * of each queue (send, receive, ioctl) and sleeps until readiness changes when none can go on.
     */
    private void startWorker(Sock s) {
        if (s.workerRunning) {
            return;
        }
        s.workerRunning = true;
        Thread.ofVirtual().name("overlapped-" + s.anyHandle()).start(() -> drainPending(s));
    }

    private void drainPending(Sock s) {
        while (true) {
            long g;
            lock.lock();
            try {
                if (s.closed || s.nothingPending()) {
                    s.workerRunning = false;
                    return;
                }
                g = generation;
            } finally {
                lock.unlock();
            }
            boolean progress = tryHead(s, s.pendingSends);
            progress |= tryHead(s, s.pendingRecvs);
            progress |= tryHead(s, s.pendingIoctls);
            if (!progress) {
                awaitChange(s, g, 0);
            }
        }
    }

    /** Tries the oldest operation of one queue; true if it completed (or the queue changed). */
    private boolean tryHead(Sock s, ArrayDeque<PendingOp> queue) {
        PendingOp p;
        lock.lock();
        try {
            p = s.closed ? null : queue.peekFirst();
        } finally {
            lock.unlock();
        }
        if (p == null) {
            return false;
        }
        Attempt a = p.op.attempt();
        reEnable(s, p.reEnable);
        if (a.error == WsaError.WSAEWOULDBLOCK) {
            return false;
        }
        lock.lock();
        try {
            if (queue.peekFirst() != p) {
                return true; // aborted by close meanwhile
            }
            queue.pollFirst();
            s.delivering++;
        } finally {
            lock.unlock();
        }
        try {
            deliver(p, a);
        } finally {
            lock.lock();
            try {
                s.delivering--;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
        return true;
    }

    /** Completion: the routine as an APC on the issuing thread, else event and completion port. */
    private void deliver(PendingOp p, Attempt a) {
        Upcalls up = upcalls;
        if (p.routine != null) {
            p.overlapped.complete(a.error, a.bytes, a.flags);
            up.queueApc(p.thread, () -> p.routine.complete(a.error, a.bytes, p.overlapped, a.flags), new IntRef());
        } else {
            up.completeOverlappedRequest(p.handle, p.overlapped, a.error, a.bytes, new IntRef());
        }
    }

    @Override
    public boolean getOverlappedResult(long h, Overlapped ov, IntRef bytes, boolean wait, IntRef flags,
                                       IntRef errno) {
        Sock s = sock(h, errno);
        if (s == null) {
            return false;
        }
        if (ov == null) {
            errno.value = WsaError.WSAEFAULT;
            return false;
        }
        if (!ov.isComplete()) {
            if (!wait) {
                errno.value = WsaError.WSA_IO_INCOMPLETE;
                return false;
            }
            try {
                ov.await(-1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                errno.value = WsaError.WSAEINTR;
                return false;
            }
        }
        bytes.value = ov.bytesTransferred();
        if (flags != null) {
            flags.value = ov.flags();
        }
        if (ov.status() != 0) {
            errno.value = ov.status();
            return false;
        }
        return true;
    }

    // ================================================================== readiness and events

    /** The backend says readiness changed (on its own thread: the loop or the poller). */
    private void onReadiness(Sock s) {
        int ready = s.net.readiness();
        boolean connectDone = s.connecting && (ready & (NetSocket.CONNECTED | NetSocket.ERROR)) != 0;
        int connectError = 0;
        if (connectDone && (ready & NetSocket.CONNECTED) == 0) {
            // Taken here, on the backend's thread, never under the lock.
            connectError = s.stream().takeError();
            if (connectError == 0) {
                connectError = WsaError.WSAECONNREFUSED;
            }
        }
        lock.lock();
        try {
            generation++;
            if (!s.isStream() && (ready & NetSocket.ERROR) != 0 && s.net.remoteAddress() != null
                    && s.udpConnReset) {
                s.soError = WsaError.WSAECONNRESET;
            }
            if (connectDone && s.connecting) {
                s.connecting = false;
                if (connectError == 0) {
                    s.connected = true;
                    s.writeArmed = true;
                } else {
                    s.connectFailed = true;
                    s.soError = connectError;
                    s.soErrorSticky = true;
                }
                if ((s.selectedEvents & s.enabledEvents & Wsa.FD_CONNECT) != 0) {
                    s.enabledEvents &= ~Wsa.FD_CONNECT;
                    signal(s, Wsa.FD_CONNECT_BIT, connectError);
                }
            }
            evaluate(s);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Records and signals the selected events that became true and are enabled (lock held):
     * FD_READ and FD_ACCEPT are level-triggered (re-enabled by a receive / an accept), FD_WRITE
     * fires once per arming, FD_CLOSE once, after the data before the FIN was read.
     */
    private void evaluate(Sock s) {
        if (s.selectedEvents == 0 || s.closed) {
            return;
        }
        int ready = s.net.readiness();
        int fire = 0;
        if (s.isStream()) {
            if ((ready & NetSocket.READABLE) != 0) {
                fire |= Wsa.FD_READ;
            }
            if ((ready & NetSocket.URGENT) != 0) {
                fire |= Wsa.FD_OOB;   // level-triggered like FD_READ, re-enabled by any receive
            }
            if (s.listening && (ready & NetSocket.ACCEPTABLE) != 0) {
                fire |= Wsa.FD_ACCEPT;
            }
            if (s.connected && s.writeArmed && (ready & NetSocket.WRITABLE) != 0) {
                fire |= Wsa.FD_WRITE;
            }
            if (s.connected && !s.closeNotified && (ready & NetSocket.PEER_CLOSED) != 0
                    && (ready & NetSocket.READABLE) == 0) {
                fire |= Wsa.FD_CLOSE;
            }
        } else {
            if ((ready & (NetSocket.READABLE | NetSocket.ERROR)) != 0) {
                fire |= Wsa.FD_READ;
            }
            if (s.writeArmed && (ready & NetSocket.WRITABLE) != 0) {
                fire |= Wsa.FD_WRITE;
            }
        }
        fire &= s.selectedEvents & s.enabledEvents;
        if (fire == 0) {
            return;
        }
        if ((fire & Wsa.FD_WRITE) != 0) {
            s.writeArmed = false;
        }
        if ((fire & Wsa.FD_CLOSE) != 0) {
            s.closeNotified = true;
        }
        s.enabledEvents &= ~fire;
        for (int bit = 0; bit < Wsa.FD_MAX_EVENTS; bit++) {
            if ((fire & (1 << bit)) != 0) {
                // A reset ends the connection with FD_CLOSE carrying WSAECONNABORTED (observed).
                int error = bit == Wsa.FD_CLOSE_BIT && (ready & NetSocket.ERROR) != 0 ? WsaError.WSAECONNABORTED : 0;
                signal(s, bit, error);
            }
        }
    }

    /** Records one network event for WSAEventSelect or posts it for WSAAsyncSelect. Lock held. */
    private void signal(Sock s, int bit, int error) {
        if (s.selectEvent != null) {
            s.recordedEvents |= 1 << bit;
            s.eventErrors[bit] = error;
            upcalls.setEvent(s.selectEvent, new IntRef());
        } else if (s.window != null) {
            upcalls.postMessage(s.window, s.windowMsg, s.anyHandle(), Wsa.makeSelectReply(1 << bit, error));
        }
    }

    /** A call to a re-enabling function re-enables its event, even if the call failed. */
    private void reEnable(Sock s, int events) {
        if ((events & Wsa.FD_READ) != 0) {
            events |= Wsa.FD_OOB;   // any receive re-enables FD_READ and FD_OOB (Windows)
        }
        lock.lock();
        try {
            s.enabledEvents |= events & ~Wsa.FD_WRITE;
            evaluate(s);
        } finally {
            lock.unlock();
        }
    }

    /** FD_WRITE is recorded when a datagram socket is bound or connected, and after WSAEWOULDBLOCK. */
    private void armWrite(Sock s) {
        lock.lock();
        try {
            s.writeArmed = true;
            s.enabledEvents |= Wsa.FD_WRITE;
            evaluate(s);
        } finally {
            lock.unlock();
        }
    }

    private void rearmWriteAfterWouldBlock(Sock s) {
        lock.lock();
        try {
            s.writeArmed = true;
            s.enabledEvents |= Wsa.FD_WRITE;
            // Room may have appeared between the failed attempt and now, and its readiness change
            // was then evaluated while FD_WRITE was still disarmed: look again, or it is lost.
            evaluate(s);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int eventSelect(long h, WsaEvent event, int events, IntRef errno) {
        Sock s = sock(h, errno);
        if (s == null) {
            return Wsa.SOCKET_ERROR;
        }
        if (events != 0 && event == null) {
            return fail(errno, WsaError.WSAEINVAL);
        }
        lock.lock();
        try {
            s.window = null;
            s.selectEvent = events == 0 ? null : event;
            s.selectedEvents = events & Wsa.FD_ALL_EVENTS;
            s.enabledEvents = Wsa.FD_ALL_EVENTS;
            // Re-registering does not re-signal events already recorded (observed Windows).
            s.nonBlocking |= events != 0;
            s.writeArmed = true;
            evaluate(s);
        } finally {
            lock.unlock();
        }
        return 0;
    }

    @Override
    public int asyncSelect(long h, AsyncWindow window, int msg, int events, IntRef errno) {
        Sock s = sock(h, errno);
        if (s == null) {
            return Wsa.SOCKET_ERROR;
        }
        if (events != 0 && window == null) {
            return fail(errno, WsaError.WSAEINVAL);
        }
        lock.lock();
        try {
            s.selectEvent = null;
            s.recordedEvents = 0;
            s.window = events == 0 ? null : window;
            s.windowMsg = msg;
            s.selectedEvents = events & Wsa.FD_ALL_EVENTS;
            s.enabledEvents = Wsa.FD_ALL_EVENTS;
            s.nonBlocking |= events != 0;
            s.writeArmed = true;
            evaluate(s);
        } finally {
            lock.unlock();
        }
        return 0;
    }

    @Override
    public int enumNetworkEvents(long h, WsaEvent event, NetworkEvents out, IntRef errno) {
        Sock s = sock(h, errno);
        if (s == null) {
            return Wsa.SOCKET_ERROR;
        }
        if (out == null) {
            return fail(errno, WsaError.WSAEFAULT);
        }
        lock.lock();
        try {
            out.networkEvents = s.recordedEvents;
            System.arraycopy(s.eventErrors, 0, out.errorCode, 0, Wsa.FD_MAX_EVENTS);
            s.recordedEvents = 0;
            java.util.Arrays.fill(s.eventErrors, 0);
        } finally {
            lock.unlock();
        }
        if (event != null) {
            upcalls.resetEvent(event, new IntRef());
        }
        return 0;
    }

    /**
     * WSPSelect: readable = a datagram or an error waits (or the socket was shut for receiving);
     * writable = always for a datagram socket; exceptional = a failed connect, or out-of-band data
     * waiting (SO_OOBINLINE off). A handle that is not one of
     * this provider's sockets fails the call with WSAENOTSOCK and leaves the sets unchanged.
     */
    @Override
    public int select(FdSet read, FdSet write, FdSet except, Duration timeout, IntRef errno) {
        List<FdSet> sets = java.util.Arrays.asList(read, write, except);
        int total = 0;
        for (FdSet set : sets) {
            if (set != null) {
                total += set.count();
                for (long h : set.handles()) {
                    if (sock(h, errno) == null) {
                        return Wsa.SOCKET_ERROR;
                    }
                }
            }
        }
        if (total == 0) {
            return fail(errno, WsaError.WSAEINVAL);
        }
        long deadline = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
        while (true) {
            long g = generation;
            Set<Long> r = new HashSet<>();
            Set<Long> w = new HashSet<>();
            Set<Long> x = new HashSet<>();
            lock.lock();
            try {
                if (read != null) {
                    for (long h : read.handles()) {
                        Sock s = handles.get(h);
                        if (s == null || s.receiveShut || readable(s)) {
                            r.add(h);
                        }
                    }
                }
                if (write != null) {
                    for (long h : write.handles()) {
                        Sock s = handles.get(h);
                        if (s == null || writable(s)) {
                            w.add(h);
                        }
                    }
                }
                if (except != null) {
                    for (long h : except.handles()) {
                        Sock s = handles.get(h);
                        if (s != null && (s.connectFailed || UrgentData.waiting(s))) {
                            x.add(h);
                        }
                    }
                }
            } finally {
                lock.unlock();
            }
            int n = r.size() + w.size() + x.size();
            if (n > 0 || (timeout != null && System.nanoTime() >= deadline)) {
                if (read != null) {
                    read.retain(r);
                }
                if (write != null) {
                    write.retain(w);
                }
                if (except != null) {
                    except.retain(x);
                }
                return n;
            }
            lock.lock();
            try {
                while (generation == g) {
                    if (timeout == null) {
                        changed.await();
                    } else {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            break;
                        }
                        changed.awaitNanos(left);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return fail(errno, WsaError.WSAEINTR);
            } finally {
                lock.unlock();
            }
        }
    }

    /** select's read set: data, a datagram or an error waits, the peer closed, or a connection to accept. */
    private static boolean readable(Sock s) {
        int ready = s.net.readiness();
        if (s.isStream()) {
            return s.listening ? (ready & NetSocket.ACCEPTABLE) != 0
                    : s.connected && (ready & (NetSocket.READABLE | NetSocket.PEER_CLOSED | NetSocket.ERROR)) != 0;
        }
        return (ready & (NetSocket.READABLE | NetSocket.ERROR)) != 0;
    }

    /** select's write set: a datagram socket always; a stream socket once connected and not full. */
    private static boolean writable(Sock s) {
        int ready = s.net.readiness();
        if (s.isStream()) {
            return s.connected && (ready & NetSocket.WRITABLE) != 0;
        }
        return (ready & NetSocket.WRITABLE) != 0;
    }

    // ================================================================== options

    private static int readInt(byte[] v, int len) {
        if (len == 1) {
            return v[0] & 0xFF;
        }
        return (v[0] & 0xFF) | (v[1] & 0xFF) << 8 | (v[2] & 0xFF) << 16 | (v[3] & 0xFF) << 24;
    }

    private static void writeInt(byte[] v, int x) {
        v[0] = (byte) x;
        v[1] = (byte) (x >>> 8);
        v[2] = (byte) (x >>> 16);
        v[3] = (byte) (x >>> 24);
    }

    /**
     * IPV6_V6ONLY (RFC 3493 5.3): off makes a dual-stack socket, only before bind or connect
     * (WSAEINVAL after, as Windows); the backend is told when the value changes.
     */
    private int setV6Only(Sock s, boolean on) {
        if (on != s.dualStack) {
            return 0;
        }
        if (s.bound() || s.connected || s.connecting || s.listening) {
            return WsaError.WSAEINVAL;
        }
        int e = s.net.setOption(Wsa.IPPROTO_IPV6, Wsa.IPV6_V6ONLY, on ? 1 : 0);
        if (e != 0) {
            return e == WsaError.WSAENOPROTOOPT ? WsaError.WSAEINVAL : e;
        }
        s.dualStack = !on;
        return 0;
    }

    private static boolean isBoolean(int level, int name) {
        return level == Wsa.SOL_SOCKET && (name == Wsa.SO_BROADCAST || name == Wsa.SO_REUSEADDR
                || name == Wsa.SO_EXCLUSIVEADDRUSE || name == Wsa.SO_DEBUG || name == Wsa.SO_DONTROUTE
                || name == Wsa.SO_KEEPALIVE || name == Wsa.SO_OOBINLINE || name == Wsa.SO_CONDITIONAL_ACCEPT
                || name == Wsa.SO_DONTLINGER)
                || level == Wsa.IPPROTO_IP && (name == Wsa.IP_MULTICAST_LOOP || name == Wsa.IP_DONTFRAGMENT
                || name == Wsa.IP_HDRINCL || name == Wsa.IP_PKTINFO)
                || level == Wsa.IPPROTO_TCP && name == Wsa.TCP_NODELAY
                || level == Wsa.IPPROTO_IPV6 && (name == Wsa.IPV6_V6ONLY || name == Wsa.IPV6_MULTICAST_LOOP
                || name == Wsa.IPV6_PKTINFO);
    }

    /** Options the backend implements; the others are kept here. */
    private static boolean isBackendOption(Sock s, int level, int name) {
        if (level == Wsa.IPPROTO_IPV6) {
            return Ipv6Options.isBackendOption(s.isStream(), name);
        }
        if (s.isStream()) {
            return level == Wsa.SOL_SOCKET && (name == Wsa.SO_REUSEADDR || name == Wsa.SO_RCVBUF
                    || name == Wsa.SO_SNDBUF || name == Wsa.SO_KEEPALIVE || name == Wsa.SO_OOBINLINE)
                    || level == Wsa.IPPROTO_IP && (name == Wsa.IP_TTL || name == Wsa.IP_TOS)
                    || level == Wsa.IPPROTO_TCP && name == Wsa.TCP_NODELAY;
        }
        return level == Wsa.SOL_SOCKET && (name == Wsa.SO_BROADCAST || name == Wsa.SO_REUSEADDR
                || name == Wsa.SO_RCVBUF || name == Wsa.SO_SNDBUF)
                || level == Wsa.IPPROTO_IP && (name == Wsa.IP_TTL || name == Wsa.IP_TOS
                || name == Wsa.IP_MULTICAST_TTL || name == Wsa.IP_MULTICAST_LOOP || name == Wsa.IP_HDRINCL
                || name == Wsa.IP_DONTFRAGMENT && !s.isRaw());
    }

    private static boolean isKeptOption(Sock s, int level, int name) {
        return level == Wsa.SOL_SOCKET && (name == Wsa.SO_DEBUG || name == Wsa.SO_DONTROUTE
                || name == Wsa.SO_OOBINLINE && !s.isStream() || name == Wsa.SO_GROUP_PRIORITY
                || name == Wsa.SO_CONDITIONAL_ACCEPT && s.isStream())
                || level == Wsa.IPPROTO_IP && (name == Wsa.IP_DONTFRAGMENT || name == Wsa.IP_PKTINFO)
                || level == Wsa.IPPROTO_IPV6 && name == Wsa.IPV6_PKTINFO && !s.isStream();
    }

    private static boolean knownLevel(int level) {
        return level == Wsa.SOL_SOCKET || level == Wsa.IPPROTO_IP || level == Wsa.IPPROTO_IPV6
                || level == Wsa.IPPROTO_TCP || level == Wsa.IPPROTO_UDP;
    }

    @Override
    public int setSockOpt(long h, int level, int name, byte[] optval, int optlen, IntRef errno) {
        Sock s = sock(h, errno);
        if (s == null) {
            return Wsa.SOCKET_ERROR;
        }
        if (!knownLevel(level)) {
            return fail(errno, WsaError.WSAEINVAL);
        }
        if (optval == null || optlen > optval.length) {
            return fail(errno, WsaError.WSAEFAULT);
        }
        if (Multicast.handles(level, name)) {
            int e = s.multicast.set(s.net, s.info.addressFamily(), level, name, optval, optlen);
            return e == 0 ? 0 : fail(errno, e);
        }
        int min = isBoolean(level, name) ? 1 : 4;
        if (optlen < min) {
            return fail(errno, WsaError.WSAEFAULT);
        }
        int v = readInt(optval, Math.min(optlen, 4) == 4 ? 4 : 1);
        if (level == Wsa.IPPROTO_IPV6 && name == Wsa.IPV6_V6ONLY && s.info.addressFamily() == Wsa.AF_INET6) {
            int e = setV6Only(s, v != 0);
            return e == 0 ? 0 : fail(errno, e);
        }
        if (level == Wsa.IPPROTO_IPV6) {
            int e = Ipv6Options.set(s.info.addressFamily(), name, v);
            if (e != Ipv6Options.TO_BACKEND) {
                return e == 0 ? 0 : fail(errno, e);
            }
        }
        if (level == Wsa.SOL_SOCKET) {
            switch (name) {
                case Wsa.SO_TYPE, Wsa.SO_ERROR, Wsa.SO_ACCEPTCONN, Wsa.SO_MAX_MSG_SIZE, Wsa.SO_PROTOCOL_INFOW,
                     Wsa.SO_GROUP_ID -> {
                    return fail(errno, WsaError.WSAENOPROTOOPT);
                }
                case Wsa.SO_LINGER, Wsa.SO_DONTLINGER -> {
                    // Lingering is a connection's affair: datagram sockets refuse it (Windows).
                    if (!s.isStream()) {
                        return fail(errno, WsaError.WSAENOPROTOOPT);
                    }
                    lock.lock();
                    try {
                        if (name == Wsa.SO_LINGER) {
                            s.lingerOn = (v & 0xFFFF) != 0;
                            s.lingerSeconds = v >>> 16;
                        } else {
                            s.lingerOn = v == 0;
                        }
                    } finally {
                        lock.unlock();
                    }
                    return 0;
                }
                case Wsa.SO_RCVTIMEO -> {
                    s.rcvTimeout = v;
                    return 0;
                }
                case Wsa.SO_SNDTIMEO -> {
                    s.sndTimeout = v;
                    return 0;
                }
                case Wsa.SO_EXCLUSIVEADDRUSE, Wsa.SO_REUSEADDR -> {
                    // The two options exclude each other (WSAEINVAL for the second, as Windows).
                    boolean on = v != 0;
                    if (on && (name == Wsa.SO_REUSEADDR ? s.exclusive : s.reuseAddr)) {
                        return fail(errno, WsaError.WSAEINVAL);
                    }
                    if (name == Wsa.SO_REUSEADDR) {
                        // Between processes the backend's own rules decide (the host kernel's).
                        int e = s.net.setOption(level, name, on ? 1 : 0);
                        if (e != 0) {
                            return fail(errno, e);
                        }
                        s.reuseAddr = on;
                    } else {
                        s.exclusive = on;
                    }
                    return 0;
                }
                default -> { }
            }
        }
        if (TcpOptions.handles(level, name)) {
            int e = s.tcp.set(s.net, level, name, v);
            return e == 0 ? 0 : fail(errno, e);
        }
        if (isBackendOption(s, level, name)) {
            int e = s.net.setOption(level, name, isBoolean(level, name) ? (v != 0 ? 1 : 0) : v);
            return e == 0 ? 0 : fail(errno, e);
        }
        if (isKeptOption(s, level, name)) {
            if (level == Wsa.SOL_SOCKET && name == Wsa.SO_CONDITIONAL_ACCEPT) {
                // The stack holds SYNs for the condition function; the host (its kernel) only keeps it.
                s.holdsSyns = s.stream().setConditionalAccept(v != 0) && v != 0;
            }
            lock.lock();
            try {
                s.plainOptions.put(((long) level << 32) | (name & 0xFFFFFFFFL), v);
            } finally {
                lock.unlock();
            }
            return 0;
        }
        return fail(errno, WsaError.WSAENOPROTOOPT);
    }

    @Override
    public int getSockOpt(long h, int level, int name, byte[] optval, IntRef optlen, IntRef errno) {
        Sock s = sock(h, errno);
        if (s == null) {
            return Wsa.SOCKET_ERROR;
        }
        if (!knownLevel(level)) {
            return fail(errno, WsaError.WSAEINVAL);
        }
        if (optval == null || optlen == null) {
            return fail(errno, WsaError.WSAEFAULT);
        }
        if (level == Wsa.SOL_SOCKET && name == Wsa.SO_PROTOCOL_INFOW) {
            byte[] info = ProtocolInfoCodec.encode(s.info);
            if (optlen.value < info.length || optval.length < info.length) {
                return fail(errno, WsaError.WSAEFAULT);
            }
            System.arraycopy(info, 0, optval, 0, info.length);
            optlen.value = info.length;
            return 0;
        }
        if (optlen.value < 4 && !isBoolean(level, name) || optlen.value < 1 || optval.length < optlen.value) {
            return fail(errno, WsaError.WSAEFAULT);
        }
        int v;
        IntRef v6 = new IntRef();
        if (Multicast.handles(level, name)) {
            if (!(s.net instanceof NetDatagramSocket)) {
                return fail(errno, WsaError.WSAENOPROTOOPT);
            }
            int e = s.multicast.get(s.info.addressFamily(), level, name, v6);
            if (e != 0) {
                return fail(errno, e);
            }
            writeOut(optval, optlen, v6.value);
            return 0;
        }
        int e6 = level == Wsa.IPPROTO_IPV6 ? Ipv6Options.get(s.info.addressFamily(), name, v6)
                : Ipv6Options.TO_BACKEND;
        if (e6 != Ipv6Options.TO_BACKEND) {
            if (e6 != 0) {
                return fail(errno, e6);
            }
            v = name == Wsa.IPV6_V6ONLY ? (s.dualStack ? 0 : 1) : v6.value;
        } else if (level == Wsa.SOL_SOCKET && name == Wsa.SO_TYPE) {
            v = s.info.socketType();
        } else if (level == Wsa.SOL_SOCKET && name == Wsa.SO_ERROR) {
            lock.lock();
            try {
                v = s.soError;
                if (!s.soErrorSticky) {
                    s.soError = 0;
                }
            } finally {
                lock.unlock();
            }
        } else if (level == Wsa.SOL_SOCKET && name == Wsa.SO_ACCEPTCONN) {
            v = s.listening ? 1 : 0;
        } else if (level == Wsa.SOL_SOCKET && name == Wsa.SO_MAX_MSG_SIZE) {
            v = s.info.messageSize();
        } else if (level == Wsa.SOL_SOCKET && name == Wsa.SO_GROUP_ID) {
            v = 0;
        } else if (level == Wsa.SOL_SOCKET && name == Wsa.SO_RCVTIMEO) {
            v = s.rcvTimeout;
        } else if (level == Wsa.SOL_SOCKET && name == Wsa.SO_SNDTIMEO) {
            v = s.sndTimeout;
        } else if (level == Wsa.SOL_SOCKET && name == Wsa.SO_EXCLUSIVEADDRUSE) {
            v = s.exclusive ? 1 : 0;
        } else if (level == Wsa.SOL_SOCKET && name == Wsa.SO_REUSEADDR) {
            v = s.reuseAddr ? 1 : 0;
        } else if (level == Wsa.SOL_SOCKET && (name == Wsa.SO_LINGER || name == Wsa.SO_DONTLINGER)) {
            if (!s.isStream()) {
                return fail(errno, WsaError.WSAENOPROTOOPT);
            }
            v = name == Wsa.SO_LINGER ? (s.lingerOn ? 1 : 0) | s.lingerSeconds << 16 : (s.lingerOn ? 0 : 1);
        } else if (TcpOptions.handles(level, name)) {
            IntRef out = new IntRef();
            int e = s.tcp.get(s.net, level, name, out);
            if (e != 0) {
                return fail(errno, e);
            }
            v = out.value;
        } else if (isBackendOption(s, level, name)) {
            IntRef out = new IntRef();
            int e = s.net.getOption(level, name, out);
            if (e != 0) {
                return fail(errno, e);
            }
            v = out.value;
        } else if (isKeptOption(s, level, name)) {
            lock.lock();
            try {
                v = s.plainOptions.getOrDefault(((long) level << 32) | (name & 0xFFFFFFFFL), 0);
            } finally {
                lock.unlock();
            }
        } else {
            return fail(errno, WsaError.WSAENOPROTOOPT);
        }
        writeOut(optval, optlen, v);
        return 0;
    }

    private static void writeOut(byte[] optval, IntRef optlen, int v) {
        if (optlen.value >= 4) {
            writeInt(optval, v);
            optlen.value = 4;
        } else {
            optval[0] = (byte) v;
            optlen.value = 1;
        }
    }

    // ================================================================== ioctl

    @Override
    public int ioctl(long h, int code, byte[] in, byte[] out, IntRef bytesReturned, Overlapped ov,
                     CompletionRoutine cr, Thread thread, IntRef errno) {
        Sock s = sock(h, errno);
        if (s == null) {
            return Wsa.SOCKET_ERROR;
        }
        if (code == Wsa.SIO_ADDRESS_LIST_CHANGE) {
            return addressListChange(h, s, bytesReturned, ov, cr, thread, errno);
        }
        Op op = () -> control(s, h, code, in, out);
        return run(h, s, op, bytesReturned, null, ov, cr, thread, 0, 0, errno);
    }

    /**
     * SIO_ADDRESS_LIST_CHANGE: completes at the next change of the local address list. Blocking,
     * the call waits; overlapped, it completes then; non-blocking, it answers WSAEWOULDBLOCK and
     * arms FD_ADDRESS_LIST_CHANGE for WSAEventSelect / WSAAsyncSelect. The stack backend reports
     * every address its stack assigns; the host backend polls the JDK's interface list
     * ({@link NetBackend#watchAddresses}).
     */
    private int addressListChange(long h, Sock s, IntRef bytesReturned, Overlapped ov, CompletionRoutine cr,
                                  Thread thread, IntRef errno) {
        synchronized (addressVersion) {
            if (!watchingAddresses) {
                if (!backend.watchAddresses(this::addressesChanged)) {
                    return fail(errno, WsaError.WSAEOPNOTSUPP);
                }
                watchingAddresses = true;
            }
        }
        long asked = addressVersion.get();
        lock.lock();
        try {
            s.addressChangeArmed = true;
        } finally {
            lock.unlock();
        }
        Op op = () -> addressVersion.get() != asked ? new Attempt(0, 0, 0) : Attempt.WOULD_BLOCK;
        return run(h, s, op, bytesReturned, null, ov, cr, thread, 0, 0, errno);
    }

    /** The backend's address list changed (any thread): waiters re-check, armed events fire. */
    private void addressesChanged() {
        addressVersion.incrementAndGet();
        lock.lock();
        try {
            for (Sock s : new java.util.HashSet<>(handles.values())) {
                if (s.addressChangeArmed && (s.selectedEvents & Wsa.FD_ADDRESS_LIST_CHANGE) != 0) {
                    s.addressChangeArmed = false;
                    signal(s, Wsa.FD_ADDRESS_LIST_CHANGE_BIT, 0);
                }
            }
            generation++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private Attempt control(Sock s, long h, int code, byte[] in, byte[] out) {
        switch (code) {
            case Wsa.FIONBIO -> {
                if (in == null || in.length < 4) {
                    return new Attempt(WsaError.WSAEFAULT, 0, 0);
                }
                boolean nb = readInt(in, 4) != 0;
                lock.lock();
                try {
                    if (!nb && s.selectedEvents != 0) {
                        // A socket under WSAAsyncSelect/WSAEventSelect cannot become blocking.
                        return new Attempt(WsaError.WSAEINVAL, 0, 0);
                    }
                    s.nonBlocking = nb;
                } finally {
                    lock.unlock();
                }
                return new Attempt(0, 0, 0);
            }
            case Wsa.FIONREAD -> {
                return intResult(out, s.net.queuedBytes());
            }
            case Wsa.SIOCATMARK -> {
                // Windows' sense: TRUE when no out-of-band data waits to be read (always on a
                // datagram socket), FALSE while some does.
                return intResult(out, UrgentData.unread(s) ? 0 : 1);
            }
            case Wsa.SIO_UDP_CONNRESET -> {
                if (in == null || in.length < 4) {
                    return new Attempt(WsaError.WSAEFAULT, 0, 0);
                }
                lock.lock();
                try {
                    s.udpConnReset = readInt(in, 4) != 0;
                } finally {
                    lock.unlock();
                }
                return new Attempt(0, 0, 0);
            }
            case Wsa.SIO_BASE_HANDLE, Wsa.SIO_BSP_HANDLE, Wsa.SIO_BSP_HANDLE_SELECT, Wsa.SIO_BSP_HANDLE_POLL -> {
                if (out == null || out.length < 8) {
                    return new Attempt(WsaError.WSAEFAULT, 0, 0);
                }
                for (int i = 0; i < 8; i++) {
                    out[i] = (byte) (h >>> (8 * i));
                }
                return new Attempt(0, 8, 0);
            }
            case Wsa.SIO_GET_INTERFACE_LIST -> {
                InterfaceControl.Result r = InterfaceControl.interfaceList(backend, s.info.addressFamily(), out);
                return new Attempt(r.error(), r.bytes(), 0);
            }
            case Wsa.SIO_ADDRESS_LIST_QUERY -> {
                InterfaceControl.Result r = InterfaceControl.addressList(backend, s.info.addressFamily(), out);
                return new Attempt(r.error(), r.bytes(), 0);
            }
            case Wsa.SIO_ROUTING_INTERFACE_QUERY -> {
                InterfaceControl.Result r = InterfaceControl.routingInterface(backend, s.info.addressFamily(), in, out);
                return new Attempt(r.error(), r.bytes(), 0);
            }
            case Wsa.SIO_KEEPALIVE_VALS -> {
                int e = s.tcp.keepAliveVals(s.net, in);
                return new Attempt(e, 0, 0);
            }
            case Wsa.SIO_GET_QOS, Wsa.SIO_SET_QOS, Wsa.SIO_GET_GROUP_QOS, Wsa.SIO_SET_GROUP_QOS,
                 Wsa.SIO_MULTIPOINT_LOOPBACK, Wsa.SIO_MULTICAST_SCOPE, Wsa.SIO_RCVALL -> {
                return new Attempt(WsaError.WSAEOPNOTSUPP, 0, 0);
            }
            default -> {
                // SIO_GET_EXTENSION_FUNCTION_POINTER included: the extension functions (AcceptEx,
                // ConnectEx, WSARecvMsg, ...) are the API module's, built on the SPI calls.
                // Other codes may be the backend's own (WSAEINVAL if not).
                IntRef n = new IntRef();
                int e = s.net.control(code, in, out, n);
                return new Attempt(e, e == 0 ? n.value : 0, 0);
            }
        }
    }

    private static Attempt intResult(byte[] out, int v) {
        if (out == null || out.length < 4) {
            return new Attempt(WsaError.WSAEFAULT, 0, 0);
        }
        writeInt(out, v);
        return new Attempt(0, 4, 0);
    }

    // ================================================================== duplication, text, QoS

    @Override
    public int duplicateSocket(long h, long processId, Ref<ProtocolInfo> info, IntRef errno) {
        Sock s = sock(h, errno);
        if (s == null) {
            return Wsa.SOCKET_ERROR;
        }
        if (processId == 0 || processId == -1 || processId == 0xFFFFFFFFL) {
            return fail(errno, WsaError.WSAEINVAL);
        }
        if (info == null) {
            return fail(errno, WsaError.WSAEFAULT);
        }
        long key = dupKeys.getAndIncrement();
        lock.lock();
        try {
            duplicates.put(key, s);
        } finally {
            lock.unlock();
        }
        info.value = s.info.withProviderReserved(key);
        return 0;
    }

    @Override
    public int addressToString(SockAddr address, ProtocolInfo info, Ref<String> text, IntRef errno) {
        if (address == null || text == null) {
            return fail(errno, WsaError.WSAEFAULT);
        }
        String t = AddressText.format(address);
        if (t == null) {
            return fail(errno, WsaError.WSAEINVAL);
        }
        text.value = t;
        return 0;
    }

    @Override
    public int stringToAddress(String text, int af, ProtocolInfo info, Ref<SockAddr> address, IntRef errno) {
        if (text == null || address == null) {
            return fail(errno, WsaError.WSAEFAULT);
        }
        int family = af != Wsa.AF_UNSPEC ? af : info != null ? info.addressFamily() : Wsa.AF_UNSPEC;
        SockAddr a = AddressText.parse(text, family);
        if (a == null) {
            return fail(errno, WsaError.WSAEINVAL);
        }
        address.value = a;
        return 0;
    }

    @Override
    public boolean getQosByName(long h, String name, Ref<Qos> qos, IntRef errno) {
        Sock s = sock(h, errno);
        if (s == null) {
            return false;
        }
        // No entry is XP1_QOS_SUPPORTED: there are no QoS templates.
        errno.value = WsaError.WSAEINVAL;
        return false;
    }

    @Override
    public int cancelBlockingCall(IntRef errno) {
        return fail(errno, WsaError.WSAEOPNOTSUPP);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + backend.name() + "]";
    }
}
