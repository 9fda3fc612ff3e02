package org.sockstack.spi;

import org.sockstack.spi.catalog.Catalog;
import org.sockstack.spi.catalog.ProtocolInfo;
import org.sockstack.spi.catalog.Selection;
import org.sockstack.spi.provider.ApcQueue;
import org.sockstack.spi.provider.AsyncWindow;
import org.sockstack.spi.provider.CompletionPort;
import org.sockstack.spi.provider.FdSet;
import org.sockstack.spi.provider.Overlapped;
import org.sockstack.spi.provider.ProviderLoader;
import org.sockstack.spi.provider.TransportProvider;
import org.sockstack.spi.provider.TransportProviderFactory;
import org.sockstack.spi.provider.Upcalls;
import org.sockstack.spi.provider.WsaEvent;
import org.sockstack.spi.provider.WspData;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One process's ws2_32: reference-counted startup and cleanup with version negotiation, the
 * catalog as it was at startup, providers loaded lazily the first time a socket needs one, the
 * socket handle table, and the upcall table handed to every provider. The api module calls
 * {@link #startup}, {@link #cleanup}, {@link #socket}, {@link #enumProtocols} and routes every
 * other socket call to {@link #provider(long, IntRef)}.
 */
public final class Ws2Process implements ProviderLoader {
    /** The versions ws2_32 grants: the highest of these not above the request. */
    private static final int[] VERSIONS = {
        Wsa.makeVersion(1, 0), Wsa.makeVersion(1, 1), Wsa.makeVersion(2, 0), Wsa.makeVersion(2, 1),
        Wsa.makeVersion(2, 2)};
    public static final int HIGH_VERSION = Wsa.makeVersion(2, 2);
    /** The version ws2_32 asks of its providers. */
    public static final int SPI_VERSION = Wsa.makeVersion(2, 2);

    private final Catalog installed;
    private final ProviderRegistry registry;
    private final long processId;
    private final HandleTable table = new HandleTable();
    private Catalog catalog;
    private int startups;
    /** Provider instances, one per provider id (a DLL is loaded once per process). */
    private final Map<UUID, TransportProvider> instances = new HashMap<>();
    /** Entries ws2_32 itself started (WSPStartup done, WSPCleanup owed), by catalog entry id. */
    private final Map<Integer, TransportProvider> started = new LinkedHashMap<>();

    private static long nextProcessId = 1000;

    public Ws2Process(Catalog catalog, ProviderRegistry registry) {
        this.installed = catalog;
        this.registry = registry;
        synchronized (Ws2Process.class) {
            this.processId = nextProcessId += 4;
        }
    }

    /** The id WSADuplicateSocket names a target process by. */
    public long processId() {
        return processId;
    }

    public Upcalls upcalls() {
        return table;
    }

    // ------------------------------------------------------------------ startup / cleanup

    /** The version WSAStartup grants for a request, or -1 (WSAVERNOTSUPPORTED). */
    public static int negotiate(int requested) {
        int granted = -1;
        for (int v : VERSIONS) {
            if (compare(v, requested) <= 0) {
                granted = v;
            }
        }
        return granted;
    }

    private static int compare(int a, int b) {
        int c = Integer.compare(Wsa.majorVersion(a), Wsa.majorVersion(b));
        return c != 0 ? c : Integer.compare(Wsa.minorVersion(a), Wsa.minorVersion(b));
    }

    /** WSAStartup: 0 or WSAVERNOTSUPPORTED / WSAEFAULT. Counted; each success needs a cleanup. */
    public synchronized int startup(int versionRequested, WsaData data) {
        int v = negotiate(versionRequested);
        if (v < 0) {
            if (data != null) {
                data.version = HIGH_VERSION;
                data.highVersion = HIGH_VERSION;
            }
            return WsaError.WSAVERNOTSUPPORTED;
        }
        if (data == null) {
            return WsaError.WSAEFAULT;
        }
        data.version = v;
        data.highVersion = HIGH_VERSION;
        data.description = "WinSock 2.0";
        data.systemStatus = "Running";
        boolean v1 = Wsa.majorVersion(v) == 1;
        data.maxSockets = v1 ? 32767 : 0;
        data.maxUdpDg = v1 ? 65467 : 0;
        if (startups++ == 0) {
            catalog = installed.snapshot();
        }
        return 0;
    }

    /**
     * WSACleanup: WSANOTINITIALISED without a matching startup. The last one closes every socket
     * (their handles become WSAENOTSOCK), cleans up every provider and lets the process start again.
     */
    public int cleanup() {
        List<TransportProvider> toCleanup;
        List<Long> open;
        synchronized (this) {
            if (startups == 0) {
                return WsaError.WSANOTINITIALISED;
            }
            if (--startups > 0) {
                return 0;
            }
            toCleanup = new ArrayList<>(started.values());
            started.clear();
            open = table.handlesOf(null);
        }
        for (long h : open) {
            TransportProvider p = providerOf(h);
            if (p != null) {
                p.closeSocket(h, new IntRef());
            }
        }
        for (TransportProvider p : toCleanup) {
            p.cleanup(new IntRef());
        }
        synchronized (this) {
            instances.clear();
            table.clear();
        }
        return 0;
    }

    public synchronized int startupCount() {
        return startups;
    }

    // ------------------------------------------------------------------ catalog and sockets

    /** WSAEnumProtocols over the catalog this process started with. */
    public synchronized List<ProtocolInfo> enumProtocols(int[] protocols, IntRef errno) {
        if (startups == 0) {
            errno.value = WsaError.WSANOTINITIALISED;
            return null;
        }
        return catalog.enumProtocols(protocols);
    }

    /**
     * WSASocket (socket() is WSASocket with WSA_FLAG_OVERLAPPED): selects the catalog entry, loads
     * and starts its provider the first time, and asks it for a socket.
     */
    public long socket(int af, int type, int protocol, ProtocolInfo info, int group, int flags, IntRef errno) {
        TransportProvider p;
        ProtocolInfo entry;
        synchronized (this) {
            if (startups == 0) {
                errno.value = WsaError.WSANOTINITIALISED;
                return Wsa.INVALID_SOCKET;
            }
            Selection sel = catalog.select(af, type, protocol, info);
            if (!sel.ok()) {
                errno.value = sel.error();
                return Wsa.INVALID_SOCKET;
            }
            entry = info != null ? info : sel.entry();
            p = startEntry(sel.entry(), errno);
            if (p == null) {
                return Wsa.INVALID_SOCKET;
            }
        }
        return p.socket(af, type, protocol, entry, group, flags, errno);
    }

    /** The started provider of a catalog entry (a chain's top layer for a chain), starting it once. */
    private TransportProvider startEntry(ProtocolInfo entry, IntRef errno) {
        TransportProvider p = started.get(entry.catalogEntryId());
        if (p != null) {
            return p;
        }
        p = load(entry.catalogEntryId());
        if (p == null) {
            errno.value = WsaError.WSAEPROVIDERFAILEDINIT;
            return null;
        }
        WspData data = new WspData();
        int e = p.startup(SPI_VERSION, data, entry, table);
        if (e != 0) {
            errno.value = e == WsaError.WSAVERNOTSUPPORTED ? e : WsaError.WSAEPROVIDERFAILEDINIT;
            return null;
        }
        started.put(entry.catalogEntryId(), p);
        return p;
    }

    /** ProviderLoader: the (unstarted) instance owning an entry; for a chain, its top layer. */
    @Override
    public synchronized TransportProvider load(int catalogEntryId) {
        ProtocolInfo e = entry(catalogEntryId);
        if (e == null) {
            return null;
        }
        if (e.chain().isChain()) {
            ProtocolInfo top = entry(e.chain().entries().get(0));
            if (top == null) {
                return null;
            }
            e = top;
        }
        TransportProvider p = instances.get(e.providerId());
        if (p == null) {
            TransportProviderFactory f = registry.find(e.providerId(), catalog.providerPath(e.providerId()));
            if (f == null) {
                return null;
            }
            p = f.create(this);
            instances.put(e.providerId(), p);
        }
        return p;
    }

    @Override
    public synchronized ProtocolInfo entry(int catalogEntryId) {
        Catalog c = catalog != null ? catalog : installed;
        return c.find(catalogEntryId);
    }

    /**
     * The provider a socket handle belongs to (the provider that created the handle: a chain's top
     * layer for a layered socket, the base provider for a base handle), or null with WSAENOTSOCK /
     * WSANOTINITIALISED.
     */
    public synchronized TransportProvider provider(long s, IntRef errno) {
        if (startups == 0) {
            errno.value = WsaError.WSANOTINITIALISED;
            return null;
        }
        TransportProvider p = providerOf(s);
        if (p == null) {
            errno.value = WsaError.WSAENOTSOCK;
        }
        return p;
    }

    private synchronized TransportProvider providerOf(long s) {
        Integer entryId = table.entryOf(s);
        if (entryId == null) {
            return null;
        }
        TransportProvider p = started.get(entryId);
        if (p != null) {
            return p;
        }
        ProtocolInfo e = entry(entryId);
        if (e == null) {
            return null;
        }
        return instances.get(e.chain().isChain() ? entry(e.chain().entries().get(0)).providerId() : e.providerId());
    }

    /**
     * CreateIoCompletionPort for a socket: completions of its overlapped calls go to {@code port}
     * with {@code key}. For a layered socket the base provider's handle (SIO_BASE_HANDLE) is
     * associated too, since a layer that passes overlapped calls down is completed by the base.
     */
    public int associate(long s, CompletionPort port, long key) {
        if (!table.associate(s, port, key)) {
            return WsaError.WSAENOTSOCK;
        }
        TransportProvider p = providerOf(s);
        if (p != null) {
            byte[] out = new byte[8];
            IntRef e = new IntRef();
            if (p.ioctl(s, Wsa.SIO_BASE_HANDLE, null, out, new IntRef(), null, null, null, e) == 0) {
                long base = java.nio.ByteBuffer.wrap(out).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
                if (base != s) {
                    table.associate(base, port, key);
                }
            }
        }
        return 0;
    }

    /**
     * A process over the catalog persisted in {@code file}: loaded if it exists, otherwise made
     * from every provider the registry knows and saved there (a fresh system's setup).
     */
    public static Ws2Process open(org.sockstack.spi.catalog.CatalogFile file, ProviderRegistry registry)
            throws java.io.IOException {
        Catalog c;
        if (file.exists()) {
            c = file.load();
        } else {
            c = new Catalog();
            registry.installAll(c);
            file.save(c);
        }
        return new Ws2Process(c, registry);
    }

    /** The catalog this process works on (its snapshot once started). */
    public synchronized Catalog catalog() {
        return catalog != null ? catalog : installed;
    }

    // ------------------------------------------------------------------ the upcall table

    /** Socket handles and everything else providers call back for. */
    private final class HandleTable implements Upcalls {
        private record Handle(int catalogEntryId, Object context, CompletionPort port, long key) { }

        private final Map<Long, Handle> handles = new HashMap<>();
        private long next = 0x100;

        synchronized List<Long> handlesOf(Object ignored) {
            return new ArrayList<>(handles.keySet());
        }

        synchronized Integer entryOf(long s) {
            Handle h = handles.get(s);
            return h == null ? null : h.catalogEntryId;
        }

        synchronized void clear() {
            handles.clear();
        }

        synchronized boolean associate(long s, CompletionPort port, long key) {
            Handle h = handles.get(s);
            if (h == null) {
                return false;
            }
            handles.put(s, new Handle(h.catalogEntryId, h.context, port, key));
            return true;
        }

        @Override
        public synchronized long createSocketHandle(int catalogEntryId, Object context, IntRef errno) {
            long h = next;
            next += 4;
            handles.put(h, new Handle(catalogEntryId, context, null, 0));
            return h;
        }

        @Override
        public synchronized Object querySocketHandleContext(long s, IntRef errno) {
            Handle h = handles.get(s);
            if (h == null) {
                errno.value = WsaError.WSAENOTSOCK;
                return null;
            }
            return h.context;
        }

        @Override
        public synchronized int closeSocketHandle(long s, IntRef errno) {
            if (handles.remove(s) == null) {
                errno.value = WsaError.WSAENOTSOCK;
                return Wsa.SOCKET_ERROR;
            }
            return 0;
        }

        @Override
        public synchronized long modifyIfsHandle(int catalogEntryId, long proposedHandle, IntRef errno) {
            if (handles.containsKey(proposedHandle)) {
                errno.value = WsaError.WSAEINVAL;
                return Wsa.INVALID_SOCKET;
            }
            handles.put(proposedHandle, new Handle(catalogEntryId, null, null, 0));
            return proposedHandle;
        }

        @Override
        public String getProviderPath(UUID providerId, IntRef errno) {
            String p = catalog().providerPath(providerId);
            if (p == null) {
                errno.value = WsaError.WSAEINVAL;
            }
            return p;
        }

        @Override
        public boolean postMessage(AsyncWindow window, int msg, long wParam, long lParam) {
            if (window == null) {
                return false;
            }
            window.post(msg, wParam, lParam);
            return true;
        }

        @Override
        public Runnable queryBlockingCallback(int catalogEntryId, IntRef errno) {
            return null;
        }

        @Override
        public WsaEvent createEvent(IntRef errno) {
            return new WsaEvent();
        }

        @Override
        public boolean closeEvent(WsaEvent event, IntRef errno) {
            if (event == null) {
                errno.value = WsaError.WSA_INVALID_HANDLE;
                return false;
            }
            return true;
        }

        @Override
        public boolean setEvent(WsaEvent event, IntRef errno) {
            if (event == null) {
                errno.value = WsaError.WSA_INVALID_HANDLE;
                return false;
            }
            event.set();
            return true;
        }

        @Override
        public boolean resetEvent(WsaEvent event, IntRef errno) {
            if (event == null) {
                errno.value = WsaError.WSA_INVALID_HANDLE;
                return false;
            }
            event.reset();
            return true;
        }

        @Override
        public int queueApc(Thread thread, Runnable apc, IntRef errno) {
            if (thread == null || apc == null) {
                errno.value = WsaError.WSAEINVAL;
                return Wsa.SOCKET_ERROR;
            }
            ApcQueue.of(thread).queue(apc);
            return 0;
        }

        @Override
        public boolean fdIsSet(long s, FdSet set) {
            return set != null && set.isSet(s);
        }

        @Override
        public Thread openCurrentThread(IntRef errno) {
            return Thread.currentThread();
        }

        @Override
        public int closeThread(Thread thread, IntRef errno) {
            return 0;
        }

        @Override
        public int completeOverlappedRequest(long s, Overlapped overlapped, int error, int bytes, IntRef errno) {
            Handle h;
            synchronized (this) {
                h = handles.get(s);
            }
            if (overlapped == null) {
                errno.value = WsaError.WSAEFAULT;
                return Wsa.SOCKET_ERROR;
            }
            overlapped.complete(error, bytes, overlapped.isComplete() ? overlapped.flags() : 0);
            if (overlapped.event != null) {
                overlapped.event.set();
            }
            if (h != null && h.port != null) {
                h.port.post(new CompletionPort.Packet(h.key, overlapped, error, bytes));
            }
            return 0;
        }
    }
}
