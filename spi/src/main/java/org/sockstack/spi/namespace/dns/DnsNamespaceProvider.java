package org.sockstack.spi.namespace.dns;

import org.sockstack.spi.namespace.CsAddrInfo;
import org.sockstack.spi.namespace.NamespaceProvider;
import org.sockstack.spi.namespace.Ns;
import org.sockstack.spi.namespace.QuerySet;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;
import org.sockstack.stack.Stack;
import org.sockstack.stack.socket.Endpoint;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The NS_DNS namespace provider over a {@link DnsResolver} on the user-space stack. It answers
 * the host-address classes (SVCID_INET_HOSTADDRBYNAME, SVCID_HOSTNAME) like the hosts-file
 * provider: one result with the canonical name, the CNAME aliases and the A / AAAA addresses of
 * the asked families. The query is sent at the first {@link #lookupServiceNext}, so a name the
 * hosts file (ahead in the catalog) already answered costs no DNS traffic.
 *
 * <p>A reverse name (in-addr.arpa, ip6.arpa; see {@link ReverseName}) is asked for PTR instead:
 * the result's name is the PTRDNAME.
 *
 * <p>Failures: a name that does not exist or has no address ends the lookup with
 * WSASERVICE_NOT_FOUND; no answer in time with WSATRY_AGAIN; a server failure with
 * WSANO_RECOVERY. Calls block the calling thread (never the loop thread) until the loop's timers
 * end the query.
 */
public final class DnsNamespaceProvider implements NamespaceProvider {
    public static final UUID PROVIDER_ID = UUID.fromString("5d0d1d5c-0006-4a53-8b00-646e73726573");
    /** "address" or "address:port" or "[v6]:port" of the server; read by {@link #fromSystemProperty}. */
    public static final String SERVER_PROPERTY = "sockstack.dns.server";

    private static final class Lookup {
        final QuerySet query;
        List<QuerySet> results;
        int error;
        int next;
        boolean ended;

        Lookup(QuerySet query) {
            this.query = query;
        }
    }

    private final DnsResolver resolver;
    private final Map<Long, Lookup> lookups = new HashMap<>();
    private long nextHandle = 1;
    private int startups;

    public DnsNamespaceProvider(DnsResolver resolver) {
        this.resolver = resolver;
    }

    /** A provider over {@code stack} asking the server named by {@value #SERVER_PROPERTY}; null without one. */
    public static DnsNamespaceProvider fromSystemProperty(Stack stack) {
        String s = System.getProperty(SERVER_PROPERTY);
        if (s == null || s.isBlank()) {
            return null;
        }
        Endpoint server = parseServer(s.trim());
        return server == null ? null : new DnsNamespaceProvider(new DnsResolver(stack, DnsResolver.Config.defaults(server)));
    }

    /** "192.0.2.1", "192.0.2.1:5353", "2001:db8::1", "[2001:db8::1]:5353"; null if not one of these. */
    public static Endpoint parseServer(String s) {
        try {
            if (s.startsWith("[")) {
                int close = s.indexOf(']');
                if (close < 0) {
                    return null;
                }
                int port = close + 1 < s.length() && s.charAt(close + 1) == ':'
                        ? Integer.parseInt(s.substring(close + 2)) : DnsResolver.PORT;
                return Endpoint.of(s.substring(1, close), port);
            }
            int colon = s.indexOf(':');
            if (colon > 0 && colon == s.lastIndexOf(':')) {
                return Endpoint.of(s.substring(0, colon), Integer.parseInt(s.substring(colon + 1)));
            }
            return Endpoint.of(s, DnsResolver.PORT);
        } catch (RuntimeException e) {
            return null; // not an address literal or a port
        }
    }

    public DnsResolver resolver() {
        return resolver;
    }

    @Override
    public synchronized int startup(IntRef errno) {
        startups++;
        return 0;
    }

    @Override
    public synchronized int cleanup(IntRef errno) {
        if (startups == 0) {
            return fail(errno, WsaError.WSANOTINITIALISED);
        }
        if (--startups == 0) {
            lookups.clear();
        }
        return 0;
    }

    private static int fail(IntRef errno, int code) {
        errno.value = code;
        return Wsa.SOCKET_ERROR;
    }

    @Override
    public synchronized int lookupServiceBegin(QuerySet q, int flags, Ref<Long> lookup, IntRef errno) {
        if (startups == 0) {
            return fail(errno, WsaError.WSANOTINITIALISED);
        }
        if (q == null || lookup == null || q.serviceClassId() == null) {
            return fail(errno, WsaError.WSAEFAULT);
        }
        if (!q.serviceClassId().equals(Ns.SVCID_INET_HOSTADDRBYNAME) && !q.serviceClassId().equals(Ns.SVCID_HOSTNAME)) {
            return fail(errno, WsaError.WSATYPE_NOT_FOUND);
        }
        if (q.nameSpace() != Ns.NS_ALL && q.nameSpace() != Ns.NS_DNS) {
            return fail(errno, WsaError.WSAEINVAL);
        }
        if ((flags & Ns.LUP_FLUSHCACHE) != 0 && !resolver.onLoopThread()) {
            resolver.flushCacheAndWait();
        }
        long handle = nextHandle++;
        lookups.put(handle, new Lookup(q));
        lookup.value = handle;
        return 0;
    }

    @Override
    public int lookupServiceNext(long handle, int flags, Ref<QuerySet> result, IntRef errno) {
        Lookup l;
        synchronized (this) {
            l = lookups.get(handle);
        }
        if (l == null) {
            return fail(errno, WsaError.WSA_INVALID_HANDLE);
        }
        synchronized (l) {
            if (l.ended) {
                return fail(errno, WsaError.WSA_E_CANCELLED);
            }
            if (l.results == null) {
                resolve(l);
            }
            if (l.next >= l.results.size()) {
                int code = l.next == 0 ? l.error : WsaError.WSA_E_NO_MORE;
                l.next = Math.max(l.next, 1);
                return fail(errno, code);
            }
            QuerySet r = l.results.get(l.next++);
            result.value = new QuerySet((flags & Ns.LUP_RETURN_NAME) != 0 ? r.serviceInstanceName() : null,
                    (flags & Ns.LUP_RETURN_TYPE) != 0 ? r.serviceClassId() : null, r.nameSpace(), r.nsProviderId(),
                    null, r.afpProtocols(), null, (flags & Ns.LUP_RETURN_ADDR) != 0 ? r.csaddrs() : List.of(),
                    (flags & Ns.LUP_RETURN_ALIASES) != 0 ? r.aliases() : List.of(), null, null);
            return 0;
        }
    }

    /** Asks for A and / or AAAA (as the families allow) and waits for both. */
    private void resolve(Lookup l) {
        QuerySet q = l.query;
        List<Integer> types = new ArrayList<>();
        if (wants(q, Wsa.AF_INET)) {
            types.add(DnsMessage.TYPE_A);
        }
        if (wants(q, Wsa.AF_INET6)) {
            types.add(DnsMessage.TYPE_AAAA);
        }
        l.results = List.of();
        l.error = WsaError.WSASERVICE_NOT_FOUND;
        if (q.serviceInstanceName() == null || types.isEmpty()) {
            return;
        }
        if (resolver.onLoopThread()) {
            l.error = WsaError.WSAEINVAL; // the loop cannot wait for itself
            return;
        }
        byte[] reverse = ReverseName.address(q.serviceInstanceName());
        if (reverse != null) {
            resolveReverse(l, reverse);
            return;
        }
        List<CompletableFuture<DnsResult>> pending = new ArrayList<>();
        for (int t : types) {
            pending.add(resolver.lookup(q.serviceInstanceName(), t));
        }
        List<CsAddrInfo> addrs = new ArrayList<>();
        String canonical = null;
        List<String> aliases = List.of();
        boolean timedOut = false;
        boolean failed = false;
        for (CompletableFuture<DnsResult> f : pending) {
            DnsResult r = await(f);
            if (r == null || r.status() == DnsResult.Status.TIMEOUT) {
                timedOut = true;
                continue;
            }
            if (r.status() == DnsResult.Status.SERVER_FAILURE) {
                failed = true;
            }
            if (r.status() != DnsResult.Status.OK) {
                continue;
            }
            if (canonical == null) {
                canonical = r.canonical();
                aliases = r.aliases();
            }
            for (byte[] a : r.addresses()) {
                InetAddress ia;
                try {
                    ia = InetAddress.getByAddress(a);
                } catch (UnknownHostException e) {
                    continue; // cannot happen: 4 or 16 octets
                }
                int family = a.length == 4 ? Wsa.AF_INET : Wsa.AF_INET6;
                addrs.add(new CsAddrInfo(SockAddr.any(family), SockAddr.inet(ia, 0), Wsa.SOCK_STREAM,
                        Wsa.IPPROTO_TCP));
            }
        }
        if (!addrs.isEmpty()) {
            l.results = List.of(new QuerySet(canonical, q.serviceClassId(), Ns.NS_DNS, PROVIDER_ID, null,
                    q.afpProtocols(), null, addrs, aliases, null, null));
        } else if (timedOut) {
            l.error = WsaError.WSATRY_AGAIN;
        } else if (failed) {
            l.error = WsaError.WSANO_RECOVERY;
        }
    }

    /**
     * A reverse name (in-addr.arpa, ip6.arpa): one PTR query. The result names the first
     * PTRDNAME, with any others as aliases, and carries the address the name stands for (as
     * the hosts-file provider answers a reverse name), if its family is asked.
     */
    private void resolveReverse(Lookup l, byte[] address) {
        QuerySet q = l.query;
        int family = address.length == 4 ? Wsa.AF_INET : Wsa.AF_INET6;
        DnsResult r = await(resolver.lookup(q.serviceInstanceName(), DnsMessage.TYPE_PTR));
        if (r == null || r.status() == DnsResult.Status.TIMEOUT) {
            l.error = WsaError.WSATRY_AGAIN;
            return;
        }
        if (r.status() == DnsResult.Status.SERVER_FAILURE) {
            l.error = WsaError.WSANO_RECOVERY;
            return;
        }
        if (r.status() != DnsResult.Status.OK || r.pointers().isEmpty()) {
            return; // NXDOMAIN / NODATA: WSASERVICE_NOT_FOUND
        }
        List<CsAddrInfo> addrs = new ArrayList<>();
        if (wants(q, family)) {
            try {
                addrs.add(new CsAddrInfo(SockAddr.any(family), SockAddr.inet(InetAddress.getByAddress(address), 0),
                        Wsa.SOCK_STREAM, Wsa.IPPROTO_TCP));
            } catch (UnknownHostException e) {
                throw new AssertionError(e); // 4 or 16 octets
            }
        }
        List<String> names = r.pointers();
        l.results = List.of(new QuerySet(names.get(0), q.serviceClassId(), Ns.NS_DNS, PROVIDER_ID, null,
                q.afpProtocols(), null, addrs, names.subList(1, names.size()), null, null));
    }

    private static boolean wants(QuerySet q, int family) {
        return q.afpProtocols().isEmpty() || q.afpProtocols().stream().anyMatch(p -> p.addressFamily() == family);
    }

    /** The loop's timers end every query; the bound here only guards against a stopped loop. */
    private DnsResult await(CompletableFuture<DnsResult> f) {
        try {
            return f.get(resolver.config().worstCaseNanos() + TimeUnit.SECONDS.toNanos(5), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            return null;
        }
    }

    @Override
    public synchronized int lookupServiceEnd(long handle, IntRef errno) {
        Lookup l = lookups.remove(handle);
        if (l == null) {
            return fail(errno, WsaError.WSA_INVALID_HANDLE);
        }
        l.ended = true;
        return 0;
    }

    /** DNS names are not registered from here (no dynamic update). */
    @Override
    public int setService(QuerySet service, int operation, int flags, IntRef errno) {
        return fail(errno, WsaError.WSAEOPNOTSUPP);
    }
}
