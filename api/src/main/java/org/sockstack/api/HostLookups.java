package org.sockstack.api;

import org.sockstack.spi.wsa.SockAddr;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.sockstack.api.Netdb.NI_DGRAM;
import static org.sockstack.api.Netdb.NI_NAMEREQD;
import static org.sockstack.api.Netdb.NI_NOFQDN;
import static org.sockstack.api.Netdb.NI_NUMERICHOST;
import static org.sockstack.api.Netdb.NI_NUMERICSERV;

/**
 * gethostbyname, gethostbyaddr and getnameinfo over the namespace catalog. Each returns its
 * result with 0, or null / a code with the WSA error; the {@link Winsock} methods set the last
 * error.
 *
 * <ul>
 *   <li>gethostbyname is IPv4 only (as on Windows): a numeric IPv4 name is returned as is, null
 *       or "" is the host name, "localhost" is 127.0.0.1; a name with only IPv6 addresses is
 *       WSANO_DATA. The host name no provider knows is 127.0.0.1.</li>
 *   <li>gethostbyaddr and getnameinfo look the address up by its reverse name (in-addr.arpa,
 *       ip6.arpa) through the catalog: the hosts file, then DNS (a PTR query). A loopback
 *       address nobody names is this host (the host name), as on Windows.</li>
 * </ul>
 */
final class HostLookups {
    /** A lookup's value, or the WSA error. */
    record Outcome<T>(int error, T value) { }

    /** getnameinfo's outcome: the host and service texts asked for. */
    record NameInfo(int error, String host, String service) { }

    private final NameService names;

    HostLookups(NameService names) {
        this.names = names;
    }

    Outcome<HostEnt> gethostbyname(String name) {
        String n = name == null || name.isEmpty() ? names.hostName() : name;
        byte[] v4 = InetText.parseIpv4(n);
        if (v4 != null) {
            return ok(new HostEnt(n, List.of(), Wsa.AF_INET, 4, List.of(v4)));
        }
        if (n.toLowerCase(Locale.ROOT).equals("localhost")) {
            return ok(new HostEnt("localhost", List.of(), Wsa.AF_INET, 4, List.of(NameService.LOOPBACK4.getAddress())));
        }
        NameService.Found f = names.lookup(n, Wsa.AF_UNSPEC);
        if (f.error() != 0) {
            if (f.error() == WsaError.WSAHOST_NOT_FOUND && names.isThisHost(n)) {
                return ok(new HostEnt(names.hostName(), List.of(), Wsa.AF_INET, 4,
                        List.of(NameService.LOOPBACK4.getAddress())));
            }
            return new Outcome<>(f.error(), null);
        }
        List<byte[]> v4s = new ArrayList<>();
        for (InetAddress a : f.addresses()) {
            if (a.getAddress().length == 4) {
                v4s.add(a.getAddress());
            }
        }
        if (v4s.isEmpty()) {
            return new Outcome<>(WsaError.WSANO_DATA, null);
        }
        return ok(new HostEnt(f.name(), f.aliases(), Wsa.AF_INET, 4, v4s));
    }

    /** gethostbyaddr: {@code len} must be 4 for AF_INET, 16 for AF_INET6 (else WSAEFAULT). */
    Outcome<HostEnt> gethostbyaddr(byte[] addr, int len, int type) {
        if (type != Wsa.AF_INET && type != Wsa.AF_INET6) {
            return new Outcome<>(WsaError.WSAEAFNOSUPPORT, null);
        }
        int want = type == Wsa.AF_INET ? 4 : 16;
        if (addr == null || len != want || addr.length < len) {
            return new Outcome<>(WsaError.WSAEFAULT, null);
        }
        byte[] a = java.util.Arrays.copyOf(addr, len);
        InetAddress ia = len == 4 ? NameService.address(a) : AddrInfoLookup.v6Address(a, 0);
        NameService.Found f = nameOf(ia);
        if (f.error() != 0) {
            return new Outcome<>(f.error(), null);
        }
        return ok(new HostEnt(f.name(), List.of(), type, len, List.of(a)));
    }

    /**
     * The name the catalog gives an address (hosts file, then a DNS PTR query); this host's name
     * for an unnamed loopback address. Errors: WSAHOST_NOT_FOUND, WSATRY_AGAIN, WSANO_RECOVERY.
     */
    private NameService.Found nameOf(InetAddress a) {
        NameService.Found f = names.reverseLookup(a);
        if (f.error() != 0 && a.isLoopbackAddress()) { // answered locally, whatever DNS says
            return new NameService.Found(0, names.hostName(), List.of(), List.of(a));
        }
        return f;
    }

    /**
     * getnameinfo: the host text (if {@code wantHost}) and the service text (if {@code wantServ}).
     * Errors: WSAEFAULT for a missing or short sockaddr, WSAEAFNOSUPPORT for another family,
     * EAI_NONAME when neither is asked or NI_NAMEREQD finds no name.
     */
    NameInfo getnameinfo(SockAddr sa, boolean wantHost, boolean wantServ, int flags) {
        if (sa == null) {
            return new NameInfo(WsaError.WSAEFAULT, null, null);
        }
        if (sa.family() != Wsa.AF_INET && sa.family() != Wsa.AF_INET6) {
            return new NameInfo(WsaError.WSAEAFNOSUPPORT, null, null);
        }
        InetSocketAddress isa = sa.toInet();
        if (isa == null) {
            return new NameInfo(WsaError.WSAEFAULT, null, null);
        }
        if (!wantHost && !wantServ) {
            return new NameInfo(WsaError.WSAHOST_NOT_FOUND, null, null);
        }
        String host = null;
        if (wantHost) {
            Outcome<String> h = hostText(isa.getAddress(), sa.family(), flags);
            if (h.error() != 0) {
                return new NameInfo(h.error(), null, null);
            }
            host = h.value();
        }
        String serv = wantServ ? serviceText(isa.getPort(), flags) : null;
        return new NameInfo(0, host, serv);
    }

    /**
     * The host part: numeric (NI_NUMERICHOST), or the name (NI_NOFQDN: up to the first dot), or
     * the numeric text when no name is found. With NI_NAMEREQD a failed lookup is the error
     * instead: EAI_NONAME (no name), EAI_AGAIN (no answer), EAI_FAIL (the server failed).
     */
    private Outcome<String> hostText(InetAddress a, int family, int flags) {
        if ((flags & NI_NUMERICHOST) == 0) {
            NameService.Found f = nameOf(a);
            if (f.error() == 0) {
                String name = f.name();
                int dot = name.indexOf('.');
                return ok((flags & NI_NOFQDN) != 0 && dot > 0 ? name.substring(0, dot) : name);
            }
            if ((flags & NI_NAMEREQD) != 0) {
                return new Outcome<>(f.error(), null);
            }
        }
        return ok(numericText(a, family));
    }

    /** The address as inet_ntop writes it; an IPv6 scope id as "%n". */
    static String numericText(InetAddress a, int family) {
        byte[] b = a.getAddress();
        if (family == Wsa.AF_INET) {
            return InetText.formatIpv4(b);
        }
        String text = InetText.formatIpv6(b);
        int scope = a instanceof Inet6Address v6 ? v6.getScopeId() : 0;
        return scope != 0 ? text + "%" + scope : text;
    }

    private String serviceText(int port, int flags) {
        if ((flags & NI_NUMERICSERV) == 0) {
            ServEnt s = names.services().byPort(port, (flags & NI_DGRAM) != 0 ? "udp" : "tcp");
            if (s != null) {
                return s.name();
            }
        }
        return Integer.toString(port);
    }

    private static <T> Outcome<T> ok(T v) {
        return new Outcome<>(0, v);
    }
}
