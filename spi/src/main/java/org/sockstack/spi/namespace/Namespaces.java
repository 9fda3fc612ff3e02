package org.sockstack.spi.namespace;

import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * ws2_32's side of name resolution for one process: WSALookupServiceBegin/Next/End over the
 * enabled providers of the namespace catalog, in catalog order. Each provider is started the
 * first time a lookup needs it and cleaned up by {@link #cleanup()}.
 */
public final class Namespaces {
    private final NamespaceCatalog catalog;
    private final Map<UUID, NamespaceProvider> providers;
    private final Map<UUID, NamespaceProvider> started = new LinkedHashMap<>();
    private final Map<Long, List<Sub>> lookups = new HashMap<>();
    /**
     * Per lookup: the first hard failure (WSATRY_AGAIN, WSANO_RECOVERY, ...) of a provider that
     * ended without a result; 0 once any provider gave one. Reported instead of WSA_E_NO_MORE, so
     * a DNS time-out is not lost behind the providers after it.
     */
    private final Map<Long, int[]> failures = new HashMap<>();
    private long nextHandle = 1;

    private record Sub(NamespaceProvider provider, long handle) { }

    public Namespaces(NamespaceCatalog catalog, Map<UUID, NamespaceProvider> providers) {
        this.catalog = catalog;
        this.providers = Map.copyOf(providers);
    }

    /** WSALookupServiceBegin: WSASERVICE_NOT_FOUND if no enabled provider serves the name space. */
    public synchronized int lookupServiceBegin(QuerySet q, int flags, Ref<Long> handle, IntRef errno) {
        if (q == null || handle == null) {
            errno.value = WsaError.WSAEFAULT;
            return Wsa.SOCKET_ERROR;
        }
        List<Sub> subs = new ArrayList<>();
        int lastError = WsaError.WSASERVICE_NOT_FOUND;
        for (NamespaceCatalog.Entry e : catalog.providersFor(q.nameSpace(), q.nsProviderId())) {
            NamespaceProvider p = start(e.providerId());
            if (p == null) {
                continue;
            }
            Ref<Long> h = new Ref<>();
            IntRef err = new IntRef();
            if (p.lookupServiceBegin(q, flags, h, err) == 0) {
                subs.add(new Sub(p, h.value));
            } else {
                lastError = err.value;
            }
        }
        if (subs.isEmpty()) {
            errno.value = lastError;
            return Wsa.SOCKET_ERROR;
        }
        long h = nextHandle++;
        lookups.put(h, subs);
        failures.put(h, new int[1]);
        handle.value = h;
        return 0;
    }

    private NamespaceProvider start(UUID id) {
        NamespaceProvider p = started.get(id);
        if (p != null) {
            return p;
        }
        p = providers.get(id);
        if (p == null || p.startup(new IntRef()) != 0) {
            return null;
        }
        started.put(id, p);
        return p;
    }

    /**
     * WSALookupServiceNext: results of the first provider, then the next one's; WSA_E_NO_MORE at the
     * end.
     */
    public int lookupServiceNext(long handle, int flags, Ref<QuerySet> result, IntRef errno) {
        List<Sub> subs;
        int[] failure;
        synchronized (this) {
            subs = lookups.get(handle);
            failure = failures.get(handle);
        }
        if (subs == null) {
            errno.value = WsaError.WSA_INVALID_HANDLE;
            return Wsa.SOCKET_ERROR;
        }
        while (true) {
            Sub s;
            synchronized (this) {
                if (subs.isEmpty()) {
                    errno.value = failure[0] > 0 ? failure[0] : WsaError.WSA_E_NO_MORE;
                    return Wsa.SOCKET_ERROR;
                }
                s = subs.get(0);
            }
            IntRef err = new IntRef();
            if (s.provider.lookupServiceNext(s.handle, flags, result, err) == 0) {
                failure[0] = -1;
                return 0;
            }
            if (err.value == WsaError.WSA_E_CANCELLED) {
                errno.value = err.value;
                return Wsa.SOCKET_ERROR;
            }
            synchronized (this) {
                subs.remove(0);
                if (failure[0] == 0 && err.value != WsaError.WSA_E_NO_MORE
                        && err.value != WsaError.WSASERVICE_NOT_FOUND) {
                    failure[0] = err.value;
                }
            }
            s.provider.lookupServiceEnd(s.handle, new IntRef());
        }
    }

    public synchronized int lookupServiceEnd(long handle, IntRef errno) {
        List<Sub> subs = lookups.remove(handle);
        failures.remove(handle);
        if (subs == null) {
            errno.value = WsaError.WSA_INVALID_HANDLE;
            return Wsa.SOCKET_ERROR;
        }
        for (Sub s : subs) {
            s.provider.lookupServiceEnd(s.handle, new IntRef());
        }
        return 0;
    }

    /** Cleans up every provider started here (one NSPCleanup per NSPStartup). */
    public synchronized void cleanup() {
        for (NamespaceProvider p : started.values()) {
            p.cleanup(new IntRef());
        }
        started.clear();
        lookups.clear();
        failures.clear();
    }
}
