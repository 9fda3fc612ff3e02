package org.sockstack.api;

import org.sockstack.spi.Ws2Process;
import org.sockstack.spi.catalog.CatalogFile;
import org.sockstack.spi.namespace.CsAddrInfo;
import org.sockstack.spi.namespace.HostsFileProvider;
import org.sockstack.spi.namespace.NamespaceCatalog;
import org.sockstack.spi.namespace.NamespaceProvider;
import org.sockstack.spi.namespace.Namespaces;
import org.sockstack.spi.namespace.Ns;
import org.sockstack.spi.namespace.QuerySet;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.WsaError;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One process's name service: its namespace catalog and providers (what WSALookupServiceBegin
 * goes through), the host name, the services table, and the host lookups the getXbyY and
 * getaddrinfo families share.
 *
 * <p>The namespace catalog is, unless {@link #setNamespaces} gives another, the default one of
 * {@link CatalogFile#defaultNamespaces()} (hosts file, then DNS) with the hosts-file provider at
 * its configured location; the DNS provider needs a stack, so a program that has one registers it
 * through {@link #setNamespaces}. Without it the DNS entry is skipped.
 *
 * <p>The host name (gethostname): the one set with {@link #setHostName}, else the system property
 * {@value #HOSTNAME_PROPERTY}, else the machine's name as the kernel has it
 * ({@code /proc/sys/kernel/hostname}, what gethostname(2) returns; no DNS lookup), else the
 * environment's HOSTNAME or COMPUTERNAME, else "localhost".
 */
final class NameService {
    static final String HOSTNAME_PROPERTY = "sockstack.hostname";

    /** A host lookup's outcome: 0 and the first result, or a WSA error. */
    record Found(int error, String name, List<String> aliases, List<InetAddress> addresses) {
        static Found failed(int error) {
            return new Found(error, null, List.of(), List.of());
        }
    }

    private final Ws2Process process;
    private final Services services = Services.load();
    private NamespaceCatalog catalog;
    private Namespaces namespaces;
    private String hostName;

    NameService(Ws2Process process) {
        this.process = process;
    }

    Ws2Process process() {
        return process;
    }

    Services services() {
        return services;
    }

    synchronized void setNamespaces(NamespaceCatalog c, Map<UUID, NamespaceProvider> providers) {
        if (namespaces != null) {
            namespaces.cleanup();
        }
        catalog = c;
        namespaces = new Namespaces(c, providers);
    }

    synchronized NamespaceCatalog catalog() {
        init();
        return catalog;
    }

    synchronized Namespaces namespaces() {
        init();
        return namespaces;
    }

    private void init() {
        if (namespaces == null) {
            catalog = CatalogFile.defaultNamespaces();
            namespaces = new Namespaces(catalog,
                    Map.of(HostsFileProvider.PROVIDER_ID, HostsFileProvider.atDefaultLocation()));
        }
    }

    // ------------------------------------------------------------------ the host name

    synchronized void setHostName(String name) {
        hostName = name;
    }

    synchronized String hostName() {
        if (hostName == null) {
            hostName = defaultHostName();
        }
        return hostName;
    }

    private static String defaultHostName() {
        String p = System.getProperty(HOSTNAME_PROPERTY);
        if (p != null && !p.isBlank()) {
            return p.trim();
        }
        try {
            String k = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.US_ASCII).trim();
            if (!k.isEmpty()) {
                return k;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: try the environment
        }
        for (String v : new String[] {"HOSTNAME", "COMPUTERNAME"}) {
            String e = System.getenv(v);
            if (e != null && !e.isBlank()) {
                return e.trim();
            }
        }
        return "localhost";
    }

    /** True for the names that mean this host: "", its host name (any case). */
    boolean isThisHost(String name) {
        return name.isEmpty() || name.equalsIgnoreCase(hostName());
    }

    // ------------------------------------------------------------------ lookups

    /**
     * A host-address lookup through the namespace catalog (WSALookupServiceBegin, one Next, End):
     * the first provider that knows the name answers. {@code family} AF_UNSPEC asks for every
     * family. Errors: WSAHOST_NOT_FOUND (no provider knows it), WSATRY_AGAIN, WSANO_RECOVERY.
     */
    Found lookup(String name, int family) {
        QuerySet q = QuerySet.byName(name, Ns.SVCID_INET_HOSTADDRBYNAME);
        if (family != 0) {
            q = q.withAfpProtocols(List.of(new QuerySet.AfProtocols(family, 0)));
        }
        Namespaces ns = namespaces();
        int flags = Ns.LUP_RETURN_NAME | Ns.LUP_RETURN_ADDR | Ns.LUP_RETURN_ALIASES;
        Ref<Long> h = new Ref<>();
        IntRef err = new IntRef();
        if (ns.lookupServiceBegin(q, flags, h, err) != 0) {
            return Found.failed(hostError(err.value));
        }
        try {
            Ref<QuerySet> r = new Ref<>();
            if (ns.lookupServiceNext(h.value, flags, r, err) != 0) {
                return Found.failed(hostError(err.value));
            }
            List<InetAddress> addrs = new ArrayList<>();
            for (CsAddrInfo c : r.value.csaddrs()) {
                if (c.remoteAddr() != null && c.remoteAddr().toInet() != null) {
                    addrs.add(c.remoteAddr().toInet().getAddress());
                }
            }
            String canonical = r.value.serviceInstanceName() != null ? r.value.serviceInstanceName() : name;
            return new Found(0, canonical, r.value.aliases(), addrs);
        } finally {
            ns.lookupServiceEnd(h.value, new IntRef());
        }
    }

    /**
     * A reverse lookup through the catalog: the hosts file, then DNS (a PTR query). The name in
     * {@link Found#name()}, or WSAHOST_NOT_FOUND (no name), WSATRY_AGAIN, WSANO_RECOVERY.
     */
    Found reverseLookup(InetAddress a) {
        return lookup(reverseName(a.getAddress()), 0);
    }

    /** The namespace errors as host-lookup errors (the WSAHOST_NOT_FOUND family of winsock.h). */
    static int hostError(int nsError) {
        return switch (nsError) {
            case WsaError.WSASERVICE_NOT_FOUND, WsaError.WSA_E_NO_MORE, WsaError.WSAHOST_NOT_FOUND,
                 WsaError.WSATYPE_NOT_FOUND -> WsaError.WSAHOST_NOT_FOUND;
            case WsaError.WSATRY_AGAIN, WsaError.WSANO_DATA, WsaError.WSANOTINITIALISED -> nsError;
            default -> WsaError.WSANO_RECOVERY;
        };
    }

    /**
     * The reverse-lookup name of an address: "d.c.b.a.in-addr.arpa" (RFC 1035 section 3.5) or
     * the 32 nibbles, lowest first, under "ip6.arpa" (RFC 3596 section 2.5).
     */
    static String reverseName(byte[] a) {
        StringBuilder sb = new StringBuilder();
        if (a.length == 4) {
            for (int i = 3; i >= 0; i--) {
                sb.append(a[i] & 0xFF).append('.');
            }
            return sb.append("in-addr.arpa").toString();
        }
        for (int i = 15; i >= 0; i--) {
            sb.append(Character.forDigit(a[i] & 0xF, 16)).append('.');
            sb.append(Character.forDigit((a[i] >>> 4) & 0xF, 16)).append('.');
        }
        return sb.append("ip6.arpa").toString();
    }

    static final InetAddress LOOPBACK4 = address(new byte[] {127, 0, 0, 1});
    static final InetAddress LOOPBACK6 = address(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
    static final InetAddress ANY4 = address(new byte[4]);
    static final InetAddress ANY6 = address(new byte[16]);

    static InetAddress address(byte[] b) {
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
