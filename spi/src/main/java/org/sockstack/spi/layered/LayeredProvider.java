package org.sockstack.spi.layered;

import org.sockstack.spi.catalog.ProtocolInfo;
import org.sockstack.spi.provider.AsyncWindow;
import org.sockstack.spi.provider.CompletionRoutine;
import org.sockstack.spi.provider.ConditionCallback;
import org.sockstack.spi.provider.FdSet;
import org.sockstack.spi.provider.NetworkEvents;
import org.sockstack.spi.provider.Overlapped;
import org.sockstack.spi.provider.ProviderLoader;
import org.sockstack.spi.provider.Qos;
import org.sockstack.spi.provider.TransportProvider;
import org.sockstack.spi.provider.Upcalls;
import org.sockstack.spi.provider.WsaEvent;
import org.sockstack.spi.provider.WspData;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A pass-through layered service provider: it finds itself in the protocol chain it is started
 * for, loads and starts the next provider of the chain (handing the upcall table down unchanged),
 * gives each of its sockets a handle of its own (made by ws2_32 for the chain's catalog entry) and
 * forwards every call with the lower handle. A real layer overrides {@link #around} (every call
 * passes through it) or single calls.
 *
 * <p>A pass-through layer is a few lines:
 * <pre>{@code
 * final class Nothing extends LayeredProvider {
 *     Nothing(ProviderLoader loader) { super(MY_GUID, loader); }
 * }
 * }</pre>
 * and one that watches every call overrides {@code around(Invocation)}.
 *
 * <p>SIO_BASE_HANDLE and the SIO_BSP_HANDLE queries are never intercepted: they go straight down
 * so the application learns the base provider's handle whatever the layers do.
 */
public abstract class LayeredProvider implements TransportProvider {
    private final UUID providerId;
    private final ProviderLoader loader;
    private final Map<Integer, Lower> lowers = new HashMap<>();
    private final Map<Long, LayerSocket> sockets = new HashMap<>();
    private final List<Lower> startedLowers = new ArrayList<>();
    private Upcalls upcalls;
    private int startups;

    /** The next provider for one chain: who and with which protocol info. */
    private record Lower(TransportProvider provider, ProtocolInfo info, ProtocolInfo chain) { }

    private record LayerSocket(long handle, long lowerHandle, Lower lower) { }

    protected LayeredProvider(UUID providerId, ProviderLoader loader) {
        this.providerId = providerId;
        this.loader = loader;
    }

    public UUID providerId() {
        return providerId;
    }

    /** Every call passes through here; the default passes it on. */
    protected long around(Invocation call) {
        return call.proceed();
    }

    // ------------------------------------------------------------------ startup and handles

    @Override
    public int startup(int versionRequested, WspData data, ProtocolInfo info, Upcalls up) {
        if (info == null || !info.chain().isChain() || up == null) {
            return WsaError.WSAEINVALIDPROVIDER;
        }
        List<Integer> chain = info.chain().entries();
        int me = -1;
        for (int i = 0; i < chain.size(); i++) {
            ProtocolInfo e = loader.entry(chain.get(i));
            if (e != null && e.providerId().equals(providerId) && e.isLayered()) {
                me = i;
            }
        }
        if (me < 0 || me == chain.size() - 1) {
            return WsaError.WSAEINVALIDPROVIDER;
        }
        int nextId = chain.get(me + 1);
        ProtocolInfo nextEntry = loader.entry(nextId);
        TransportProvider next = loader.load(nextId);
        if (nextEntry == null || next == null) {
            return WsaError.WSAEPROVIDERFAILEDINIT;
        }
        // The base provider is started with its own entry; a lower layer with the whole chain.
        ProtocolInfo lowerInfo = me + 1 == chain.size() - 1 ? nextEntry : info;
        int e = next.startup(versionRequested, data, lowerInfo, up);
        if (e != 0) {
            return e;
        }
        synchronized (this) {
            Lower l = new Lower(next, lowerInfo, info);
            lowers.put(info.catalogEntryId(), l);
            startedLowers.add(l);
            upcalls = up;
            startups++;
        }
        return 0;
    }

    @Override
    public int cleanup(IntRef errno) {
        List<Lower> toClean;
        synchronized (this) {
            if (startups == 0) {
                errno.value = WsaError.WSANOTINITIALISED;
                return Wsa.SOCKET_ERROR;
            }
            startups--;
            toClean = List.of(startedLowers.remove(startedLowers.size() - 1));
            if (startups == 0) {
                for (LayerSocket s : sockets.values()) {
                    upcalls.closeSocketHandle(s.handle, new IntRef());
                }
                sockets.clear();
                lowers.clear();
            }
        }
        for (Lower l : toClean) {
            l.provider.cleanup(new IntRef());
        }
        return 0;
    }

    private synchronized LayerSocket find(long s, IntRef errno) {
        LayerSocket ls = sockets.get(s);
        if (ls == null) {
            errno.value = startups == 0 ? WsaError.WSANOTINITIALISED : WsaError.WSAENOTSOCK;
        }
        return ls;
    }

    @Override
    public long socket(int af, int type, int protocol, ProtocolInfo info, int group, int flags, IntRef errno) {
        return around(new Invocation("socket", Wsa.INVALID_SOCKET, errno, new Object[] {af, type, protocol, info,
                group, flags}, a -> {
                    ProtocolInfo in = (ProtocolInfo) a[3];
                    Lower l;
                    synchronized (this) {
                        l = in == null ? null : lowers.get(in.catalogEntryId());
                    }
                    if (l == null) {
                        errno.value = WsaError.WSAEINVAL;
                        return Wsa.INVALID_SOCKET;
                    }
                    ProtocolInfo down = in.providerReserved() != 0 ? l.info.withProviderReserved(in.providerReserved())
                            : l.info;
                    long lower = l.provider.socket((int) a[0], (int) a[1], (int) a[2], down, (int) a[4], (int) a[5],
                            errno);
                    if (lower == Wsa.INVALID_SOCKET) {
                        return Wsa.INVALID_SOCKET;
                    }
                    synchronized (this) {
                        long h = upcalls.createSocketHandle(l.chain.catalogEntryId(), null, errno);
                        if (h == Wsa.INVALID_SOCKET) {
                            l.provider.closeSocket(lower, new IntRef());
                            return Wsa.INVALID_SOCKET;
                        }
                        sockets.put(h, new LayerSocket(h, lower, l));
                        return h;
                    }
                }));
    }

    @Override
    public int closeSocket(long s, IntRef errno) {
        return (int) around(new Invocation("closeSocket", s, errno, new Object[0], a -> {
            LayerSocket ls;
            synchronized (this) {
                ls = sockets.remove(s);
            }
            if (ls == null) {
                errno.value = WsaError.WSAENOTSOCK;
                return (long) Wsa.SOCKET_ERROR;
            }
            upcalls.closeSocketHandle(s, new IntRef());
            return (long) ls.lower.provider.closeSocket(ls.lowerHandle, errno);
        }));
    }

    /** A call on one socket: find the lower handle, pass the invocation through {@link #around}. */
    private long onSocket(String name, long s, IntRef errno, Object[] args, LowerCall body) {
        LayerSocket ls = find(s, errno);
        if (ls == null) {
            return Wsa.SOCKET_ERROR;
        }
        return around(new Invocation(name, s, errno, args, a -> body.call(ls.lower.provider, ls.lowerHandle, a)));
    }

    @FunctionalInterface
    private interface LowerCall {
        long call(TransportProvider next, long lowerHandle, Object[] a);
    }

    // ------------------------------------------------------------------ forwarded calls

    @Override
    public int bind(long s, SockAddr name, IntRef errno) {
        return (int) onSocket("bind", s, errno, new Object[] {name},
                (n, h, a) -> n.bind(h, (SockAddr) a[0], errno));
    }

    @Override
    public int listen(long s, int backlog, IntRef errno) {
        return (int) onSocket("listen", s, errno, new Object[] {backlog}, (n, h, a) -> n.listen(h, (int) a[0], errno));
    }

    @Override
    @SuppressWarnings("unchecked")
    public long accept(long s, Ref<SockAddr> addr, ConditionCallback condition, IntRef errno) {
        LayerSocket ls = find(s, errno);
        if (ls == null) {
            return Wsa.INVALID_SOCKET;
        }
        return around(new Invocation("accept", s, errno, new Object[] {addr, condition}, a -> {
            long lower = ls.lower.provider.accept(ls.lowerHandle, (Ref<SockAddr>) a[0], (ConditionCallback) a[1],
                    errno);
            if (lower == Wsa.INVALID_SOCKET) {
                return Wsa.INVALID_SOCKET;
            }
            synchronized (this) {
                long h = upcalls.createSocketHandle(ls.lower.chain.catalogEntryId(), null, errno);
                sockets.put(h, new LayerSocket(h, lower, ls.lower));
                return h;
            }
        }));
    }

    @Override
    @SuppressWarnings("unchecked")
    public int connect(long s, SockAddr name, byte[] callerData, Ref<byte[]> calleeData, Qos sqos, Qos gqos,
                       IntRef errno) {
        return (int) onSocket("connect", s, errno, new Object[] {name, callerData, calleeData, sqos, gqos},
                (n, h, a) -> n.connect(h, (SockAddr) a[0], (byte[]) a[1], (Ref<byte[]>) a[2], (Qos) a[3],
                        (Qos) a[4], errno));
    }

    @Override
    @SuppressWarnings("unchecked")
    public long joinLeaf(long s, SockAddr name, byte[] callerData, Ref<byte[]> calleeData, Qos sqos, Qos gqos,
                         int flags, IntRef errno) {
        long r = onSocket("joinLeaf", s, errno, new Object[] {name, callerData, calleeData, sqos, gqos, flags},
                (n, h, a) -> n.joinLeaf(h, (SockAddr) a[0], (byte[]) a[1], (Ref<byte[]>) a[2], (Qos) a[3],
                        (Qos) a[4], (int) a[5], errno));
        return r == Wsa.SOCKET_ERROR ? Wsa.INVALID_SOCKET : s;
    }

    @Override
    public int shutdown(long s, int how, IntRef errno) {
        return (int) onSocket("shutdown", s, errno, new Object[] {how}, (n, h, a) -> n.shutdown(h, (int) a[0], errno));
    }

    @Override
    @SuppressWarnings("unchecked")
    public int getSockName(long s, Ref<SockAddr> name, IntRef errno) {
        return (int) onSocket("getSockName", s, errno, new Object[] {name},
                (n, h, a) -> n.getSockName(h, (Ref<SockAddr>) a[0], errno));
    }

    @Override
    @SuppressWarnings("unchecked")
    public int getPeerName(long s, Ref<SockAddr> name, IntRef errno) {
        return (int) onSocket("getPeerName", s, errno, new Object[] {name},
                (n, h, a) -> n.getPeerName(h, (Ref<SockAddr>) a[0], errno));
    }

    @Override
    public int send(long s, ByteBuffer[] buffers, IntRef bytesSent, int flags, Overlapped ov, CompletionRoutine cr,
                    Thread thread, IntRef errno) {
        return (int) onSocket("send", s, errno, new Object[] {buffers, bytesSent, flags, ov, cr, thread},
                (n, h, a) -> n.send(h, (ByteBuffer[]) a[0], (IntRef) a[1], (int) a[2], (Overlapped) a[3],
                        (CompletionRoutine) a[4], (Thread) a[5], errno));
    }

    @Override
    public int sendTo(long s, ByteBuffer[] buffers, IntRef bytesSent, int flags, SockAddr to, Overlapped ov,
                      CompletionRoutine cr, Thread thread, IntRef errno) {
        return (int) onSocket("sendTo", s, errno, new Object[] {buffers, bytesSent, flags, to, ov, cr, thread},
                (n, h, a) -> n.sendTo(h, (ByteBuffer[]) a[0], (IntRef) a[1], (int) a[2], (SockAddr) a[3],
                        (Overlapped) a[4], (CompletionRoutine) a[5], (Thread) a[6], errno));
    }

    @Override
    public int recv(long s, ByteBuffer[] buffers, IntRef bytesRecvd, IntRef flags, Overlapped ov,
                    CompletionRoutine cr, Thread thread, IntRef errno) {
        return (int) onSocket("recv", s, errno, new Object[] {buffers, bytesRecvd, flags, ov, cr, thread},
                (n, h, a) -> n.recv(h, (ByteBuffer[]) a[0], (IntRef) a[1], (IntRef) a[2], (Overlapped) a[3],
                        (CompletionRoutine) a[4], (Thread) a[5], errno));
    }

    @Override
    @SuppressWarnings("unchecked")
    public int recvFrom(long s, ByteBuffer[] buffers, IntRef bytesRecvd, IntRef flags, Ref<SockAddr> from,
                        Overlapped ov, CompletionRoutine cr, Thread thread, IntRef errno) {
        return (int) onSocket("recvFrom", s, errno, new Object[] {buffers, bytesRecvd, flags, from, ov, cr, thread},
                (n, h, a) -> n.recvFrom(h, (ByteBuffer[]) a[0], (IntRef) a[1], (IntRef) a[2], (Ref<SockAddr>) a[3],
                        (Overlapped) a[4], (CompletionRoutine) a[5], (Thread) a[6], errno));
    }

    @Override
    @SuppressWarnings("unchecked")
    public int recvMsg(long s, ByteBuffer[] buffers, IntRef bytesRecvd, IntRef flags, Ref<SockAddr> from,
                       org.sockstack.spi.provider.PacketInfo.Sink info, Overlapped ov, CompletionRoutine cr,
                       Thread thread, IntRef errno) {
        return (int) onSocket("recvMsg", s, errno, new Object[] {buffers, bytesRecvd, flags, from, info, ov, cr, thread},
                (n, h, a) -> n.recvMsg(h, (ByteBuffer[]) a[0], (IntRef) a[1], (IntRef) a[2], (Ref<SockAddr>) a[3],
                        (org.sockstack.spi.provider.PacketInfo.Sink) a[4], (Overlapped) a[5], (CompletionRoutine) a[6],
                        (Thread) a[7], errno));
    }

    @Override
    public int sendMsg(long s, ByteBuffer[] buffers, IntRef bytesSent, int flags, SockAddr to,
                       org.sockstack.spi.provider.PacketInfo source, Overlapped ov, CompletionRoutine cr, Thread thread,
                       IntRef errno) {
        return (int) onSocket("sendMsg", s, errno, new Object[] {buffers, bytesSent, flags, to, source, ov, cr, thread},
                (n, h, a) -> n.sendMsg(h, (ByteBuffer[]) a[0], (IntRef) a[1], (int) a[2], (SockAddr) a[3],
                        (org.sockstack.spi.provider.PacketInfo) a[4], (Overlapped) a[5], (CompletionRoutine) a[6],
                        (Thread) a[7], errno));
    }

    @Override
    public int sendDisconnect(long s, byte[] data, IntRef errno) {
        return (int) onSocket("sendDisconnect", s, errno, new Object[] {data},
                (n, h, a) -> n.sendDisconnect(h, (byte[]) a[0], errno));
    }

    @Override
    @SuppressWarnings("unchecked")
    public int recvDisconnect(long s, Ref<byte[]> data, IntRef errno) {
        return (int) onSocket("recvDisconnect", s, errno, new Object[] {data},
                (n, h, a) -> n.recvDisconnect(h, (Ref<byte[]>) a[0], errno));
    }

    @Override
    public int getSockOpt(long s, int level, int name, byte[] optval, IntRef optlen, IntRef errno) {
        return (int) onSocket("getSockOpt", s, errno, new Object[] {level, name, optval, optlen},
                (n, h, a) -> n.getSockOpt(h, (int) a[0], (int) a[1], (byte[]) a[2], (IntRef) a[3], errno));
    }

    @Override
    public int setSockOpt(long s, int level, int name, byte[] optval, int optlen, IntRef errno) {
        return (int) onSocket("setSockOpt", s, errno, new Object[] {level, name, optval, optlen},
                (n, h, a) -> n.setSockOpt(h, (int) a[0], (int) a[1], (byte[]) a[2], (int) a[3], errno));
    }

    @Override
    public final int ioctl(long s, int code, byte[] in, byte[] out, IntRef bytesReturned, Overlapped ov,
                           CompletionRoutine cr, Thread thread, IntRef errno) {
        if (code == Wsa.SIO_BASE_HANDLE || code == Wsa.SIO_BSP_HANDLE || code == Wsa.SIO_BSP_HANDLE_SELECT
                || code == Wsa.SIO_BSP_HANDLE_POLL) {
            // Never intercepted: straight to the next provider, which does the same down to the base.
            LayerSocket ls = find(s, errno);
            if (ls == null) {
                return Wsa.SOCKET_ERROR;
            }
            return ls.lower.provider.ioctl(ls.lowerHandle, code, in, out, bytesReturned, ov, cr, thread, errno);
        }
        return (int) onSocket("ioctl", s, errno, new Object[] {code, in, out, bytesReturned, ov, cr, thread},
                (n, h, a) -> n.ioctl(h, (int) a[0], (byte[]) a[1], (byte[]) a[2], (IntRef) a[3], (Overlapped) a[4],
                        (CompletionRoutine) a[5], (Thread) a[6], errno));
    }

    /** WSPSelect: the handles are translated to the lower provider's and the results back. */
    @Override
    public int select(FdSet read, FdSet write, FdSet except, Duration timeout, IntRef errno) {
        return (int) around(new Invocation("select", Wsa.INVALID_SOCKET, errno,
                new Object[] {read, write, except, timeout}, a -> {
                    Map<Long, Long> up = new HashMap<>();
                    TransportProvider next = null;
                    FdSet[] lower = new FdSet[3];
                    for (int i = 0; i < 3; i++) {
                        FdSet set = (FdSet) a[i];
                        if (set == null) {
                            continue;
                        }
                        lower[i] = new FdSet();
                        for (long h : set.handles()) {
                            LayerSocket ls = find(h, errno);
                            if (ls == null) {
                                return (long) Wsa.SOCKET_ERROR;
                            }
                            next = ls.lower.provider;
                            up.put(ls.lowerHandle, h);
                            lower[i].set(ls.lowerHandle);
                        }
                    }
                    if (next == null) {
                        errno.value = WsaError.WSAEINVAL;
                        return (long) Wsa.SOCKET_ERROR;
                    }
                    int n = next.select(lower[0], lower[1], lower[2], (Duration) a[3], errno);
                    if (n == Wsa.SOCKET_ERROR) {
                        return (long) n;
                    }
                    for (int i = 0; i < 3; i++) {
                        FdSet set = (FdSet) a[i];
                        if (set != null) {
                            set.zero();
                            for (long h : lower[i].handles()) {
                                set.set(up.get(h));
                            }
                        }
                    }
                    return (long) n;
                }));
    }

    /** The lower provider posts with its own handle: the layer puts its handle in wParam. */
    @Override
    public int asyncSelect(long s, AsyncWindow window, int msg, int events, IntRef errno) {
        AsyncWindow translated = window == null ? null : (m, w, l) -> window.post(m, s, l);
        return (int) onSocket("asyncSelect", s, errno, new Object[] {translated, msg, events},
                (n, h, a) -> n.asyncSelect(h, (AsyncWindow) a[0], (int) a[1], (int) a[2], errno));
    }

    @Override
    public int eventSelect(long s, WsaEvent event, int events, IntRef errno) {
        return (int) onSocket("eventSelect", s, errno, new Object[] {event, events},
                (n, h, a) -> n.eventSelect(h, (WsaEvent) a[0], (int) a[1], errno));
    }

    @Override
    public int enumNetworkEvents(long s, WsaEvent event, NetworkEvents out, IntRef errno) {
        return (int) onSocket("enumNetworkEvents", s, errno, new Object[] {event, out},
                (n, h, a) -> n.enumNetworkEvents(h, (WsaEvent) a[0], (NetworkEvents) a[1], errno));
    }

    @Override
    public boolean getOverlappedResult(long s, Overlapped ov, IntRef bytes, boolean wait, IntRef flags,
                                       IntRef errno) {
        return onSocket("getOverlappedResult", s, errno, new Object[] {ov, bytes, wait, flags},
                (n, h, a) -> n.getOverlappedResult(h, (Overlapped) a[0], (IntRef) a[1], (boolean) a[2], (IntRef) a[3],
                        errno) ? 1L : 0L) == 1L;
    }

    /** The duplicate names the chain's entry, so the target process comes back through this layer. */
    @Override
    @SuppressWarnings("unchecked")
    public int duplicateSocket(long s, long processId, Ref<ProtocolInfo> info, IntRef errno) {
        LayerSocket ls = find(s, errno);
        if (ls == null) {
            return Wsa.SOCKET_ERROR;
        }
        return (int) onSocket("duplicateSocket", s, errno, new Object[] {processId, info}, (n, h, a) -> {
            Ref<ProtocolInfo> lower = new Ref<>();
            int r = n.duplicateSocket(h, (long) a[0], lower, errno);
            if (r == 0) {
                if (a[1] == null) {
                    errno.value = WsaError.WSAEFAULT;
                    return (long) Wsa.SOCKET_ERROR;
                }
                ((Ref<ProtocolInfo>) a[1]).value = ls.lower.chain.withProviderReserved(lower.value.providerReserved());
            }
            return (long) r;
        });
    }

    @Override
    @SuppressWarnings("unchecked")
    public int addressToString(SockAddr address, ProtocolInfo info, Ref<String> text, IntRef errno) {
        Lower l = lowerFor(info, errno);
        if (l == null) {
            return Wsa.SOCKET_ERROR;
        }
        return (int) around(new Invocation("addressToString", Wsa.INVALID_SOCKET, errno,
                new Object[] {address, info, text},
                a -> (long) l.provider.addressToString((SockAddr) a[0], l.info, (Ref<String>) a[2], errno)));
    }

    @Override
    @SuppressWarnings("unchecked")
    public int stringToAddress(String text, int af, ProtocolInfo info, Ref<SockAddr> address, IntRef errno) {
        Lower l = lowerFor(info, errno);
        if (l == null) {
            return Wsa.SOCKET_ERROR;
        }
        return (int) around(new Invocation("stringToAddress", Wsa.INVALID_SOCKET, errno,
                new Object[] {text, af, info, address},
                a -> (long) l.provider.stringToAddress((String) a[0], (int) a[1], l.info, (Ref<SockAddr>) a[3],
                        errno)));
    }

    private synchronized Lower lowerFor(ProtocolInfo info, IntRef errno) {
        Lower l = info != null ? lowers.get(info.catalogEntryId()) : null;
        if (l == null && !lowers.isEmpty() && info == null) {
            l = lowers.values().iterator().next();
        }
        if (l == null) {
            errno.value = startups == 0 ? WsaError.WSANOTINITIALISED : WsaError.WSAEINVAL;
        }
        return l;
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean getQosByName(long s, String name, Ref<Qos> qos, IntRef errno) {
        return onSocket("getQosByName", s, errno, new Object[] {name, qos},
                (n, h, a) -> n.getQosByName(h, (String) a[0], (Ref<Qos>) a[1], errno) ? 1L : 0L) == 1L;
    }

    @Override
    public int cancelBlockingCall(IntRef errno) {
        errno.value = WsaError.WSAEOPNOTSUPP;
        return Wsa.SOCKET_ERROR;
    }
}
