package org.sockstack.spi.namespace;

import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * A namespace provider over a hosts file ("address name alias... # comment" per line). The file
 * is read at the first startup; its location is configurable (the system property
 * {@value #LOCATION_PROPERTY}, else {@code /etc/hosts}). Names compare case-insensitively. Lookups
 * answer the host-address classes (SVCID_INET_HOSTADDRBYNAME, SVCID_HOSTNAME) with one result per
 * name: the canonical name, the aliases and every address of the asked families. A reverse name
 * ("1.2.0.192.in-addr.arpa", RFC 1035 section 3.5; nibbles under "ip6.arpa", RFC 3596 section
 * 2.5) finds the first host listed with that address: its name, aliases and that address.
 */
public final class HostsFileProvider implements NamespaceProvider {
    public static final UUID PROVIDER_ID = UUID.fromString("5d0d1d5c-0005-4a53-8b00-686f73747366");
    public static final String LOCATION_PROPERTY = "sockstack.hosts";

    private record Host(String canonical, List<String> aliases, List<InetAddress> addresses) { }

    private static final class Lookup {
        final List<QuerySet> results;
        int next;
        boolean ended;

        Lookup(List<QuerySet> results) {
            this.results = results;
        }
    }

    private final Path file;
    private final Map<String, Host> hosts = new LinkedHashMap<>();
    private final Map<Long, Lookup> lookups = new HashMap<>();
    private long nextHandle = 1;
    private int startups;

    public HostsFileProvider(Path file) {
        this.file = file;
    }

    public static HostsFileProvider atDefaultLocation() {
        String p = System.getProperty(LOCATION_PROPERTY);
        return new HostsFileProvider(Path.of(p != null ? p : "/etc/hosts"));
    }

    @Override
    public synchronized int startup(IntRef errno) {
        if (startups == 0) {
            hosts.clear();
            try {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    parse(line);
                }
            } catch (IOException e) {
                // A missing hosts file is an empty one.
            }
        }
        startups++;
        return 0;
    }

    /** One line; malformed ones (no name, not an address) are skipped, as resolvers do. */
    private void parse(String line) {
        int hash = line.indexOf('#');
        String[] f = (hash >= 0 ? line.substring(0, hash) : line).trim().split("\\s+");
        if (f.length < 2) {
            return;
        }
        InetAddress a = literal(f[0]);
        if (a == null) {
            return;
        }
        for (int i = 1; i < f.length; i++) {
            String key = f[i].toLowerCase(Locale.ROOT);
            Host h = hosts.get(key);
            if (h == null) {
                List<String> aliases = new ArrayList<>();
                for (int j = 1; j < f.length; j++) {
                    if (j != i) {
                        aliases.add(f[j]);
                    }
                }
                h = new Host(f[i], aliases, new ArrayList<>());
                hosts.put(key, h);
            }
            if (!h.addresses.contains(a)) {
                h.addresses.add(a);
            }
        }
    }

    private static InetAddress literal(String s) {
        if (!s.matches("[0-9.]+") && !s.matches("[0-9A-Fa-f:.]+(%\\w+)?")) {
            return null;
        }
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    @Override
    public synchronized int cleanup(IntRef errno) {
        if (startups == 0) {
            errno.value = WsaError.WSANOTINITIALISED;
            return Wsa.SOCKET_ERROR;
        }
        if (--startups == 0) {
            lookups.clear();
        }
        return 0;
    }

    private int fail(IntRef errno, int code) {
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
        List<QuerySet> results = new ArrayList<>();
        Host h = q.serviceInstanceName() == null ? null : hosts.get(q.serviceInstanceName().toLowerCase(Locale.ROOT));
        InetAddress reverse = q.serviceInstanceName() == null ? null : reverseName(q.serviceInstanceName());
        if (reverse != null) {
            h = hosts.values().stream().filter(x -> x.addresses.contains(reverse)).findFirst()
                    .map(x -> new Host(x.canonical, x.aliases, List.of(reverse))).orElse(null);
        }
        if (h != null) {
            List<CsAddrInfo> addrs = new ArrayList<>();
            for (InetAddress a : h.addresses) {
                int family = a.getAddress().length == 4 ? Wsa.AF_INET : Wsa.AF_INET6;
                if (q.afpProtocols().isEmpty()
                        || q.afpProtocols().stream().anyMatch(p -> p.addressFamily() == family)) {
                    addrs.add(new CsAddrInfo(SockAddr.any(family), SockAddr.inet(a, 0), Wsa.SOCK_STREAM,
                            Wsa.IPPROTO_TCP));
                }
            }
            if (!addrs.isEmpty()) {
                results.add(new QuerySet(h.canonical, q.serviceClassId(), Ns.NS_DNS, PROVIDER_ID, null,
                        q.afpProtocols(), null, addrs, h.aliases, null, null));
            }
        }
        long handle = nextHandle++;
        lookups.put(handle, new Lookup(results));
        lookup.value = handle;
        return 0;
    }

    /** The address a reverse-lookup name stands for, or null if the name is not one. */
    static InetAddress reverseName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".")) {
            n = n.substring(0, n.length() - 1);
        }
        String[] labels;
        int bytes;
        if (n.endsWith(".in-addr.arpa")) {
            labels = n.substring(0, n.length() - ".in-addr.arpa".length()).split("\\.", -1);
            bytes = 4;
        } else if (n.endsWith(".ip6.arpa")) {
            labels = n.substring(0, n.length() - ".ip6.arpa".length()).split("\\.", -1);
            bytes = 16;
        } else {
            return null;
        }
        byte[] a = new byte[bytes];
        try {
            if (bytes == 4 && labels.length == 4) {
                for (int i = 0; i < 4; i++) {
                    if (!labels[i].matches("[0-9]{1,3}") || Integer.parseInt(labels[i]) > 255) {
                        return null;
                    }
                    a[3 - i] = (byte) Integer.parseInt(labels[i]);
                }
                return InetAddress.getByAddress(a);
            }
            if (bytes == 16 && labels.length == 32) {
                for (int i = 0; i < 32; i++) {
                    if (!labels[i].matches("[0-9a-f]")) {
                        return null;
                    }
                    int nibble = Character.digit(labels[i].charAt(0), 16);
                    int at = 31 - i;
                    a[at / 2] |= (byte) (at % 2 == 0 ? nibble << 4 : nibble);
                }
                return InetAddress.getByAddress(a);
            }
        } catch (UnknownHostException e) {
            return null;
        }
        return null;
    }

    @Override
    public synchronized int lookupServiceNext(long handle, int flags, Ref<QuerySet> result, IntRef errno) {
        Lookup l = lookups.get(handle);
        if (l == null) {
            return fail(errno, WsaError.WSA_INVALID_HANDLE);
        }
        if (l.ended) {
            return fail(errno, WsaError.WSA_E_CANCELLED);
        }
        if (l.next >= l.results.size()) {
            int code = l.results.isEmpty() && l.next == 0 ? WsaError.WSASERVICE_NOT_FOUND : WsaError.WSA_E_NO_MORE;
            l.next = Math.max(l.next, 1);
            return fail(errno, code);
        }
        QuerySet r = l.results.get(l.next++);
        result.value = new QuerySet((flags & Ns.LUP_RETURN_NAME) != 0 ? r.serviceInstanceName() : null,
                (flags & Ns.LUP_RETURN_TYPE) != 0 ? r.serviceClassId() : null, r.nameSpace(), r.nsProviderId(), null,
                r.afpProtocols(), null, (flags & Ns.LUP_RETURN_ADDR) != 0 ? r.csaddrs() : List.of(),
                (flags & Ns.LUP_RETURN_ALIASES) != 0 ? r.aliases() : List.of(), null, null);
        return 0;
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

    /** Registers (or deletes) a name in memory: the file itself is never written. */
    @Override
    public synchronized int setService(QuerySet service, int operation, int flags, IntRef errno) {
        if (startups == 0) {
            return fail(errno, WsaError.WSANOTINITIALISED);
        }
        if (service == null || service.serviceInstanceName() == null) {
            return fail(errno, WsaError.WSAEFAULT);
        }
        String key = service.serviceInstanceName().toLowerCase(Locale.ROOT);
        switch (operation) {
            case Ns.RNRSERVICE_REGISTER -> {
                List<InetAddress> addrs = new ArrayList<>();
                for (CsAddrInfo c : service.csaddrs()) {
                    if (c.remoteAddr() != null && c.remoteAddr().toInet() != null) {
                        addrs.add(c.remoteAddr().toInet().getAddress());
                    }
                }
                if (addrs.isEmpty()) {
                    return fail(errno, WsaError.WSAEINVAL);
                }
                hosts.put(key, new Host(service.serviceInstanceName(), service.aliases(), addrs));
                return 0;
            }
            case Ns.RNRSERVICE_DEREGISTER, Ns.RNRSERVICE_DELETE -> {
                return hosts.remove(key) != null ? 0 : fail(errno, WsaError.WSASERVICE_NOT_FOUND);
            }
            default -> {
                return fail(errno, WsaError.WSAEINVAL);
            }
        }
    }
}
