package org.sockstack.api;

import org.sockstack.spi.catalog.ProtocolInfo;
import org.sockstack.spi.wsa.SockAddr;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.sockstack.api.Netdb.AI_ADDRCONFIG;
import static org.sockstack.api.Netdb.AI_ALL;
import static org.sockstack.api.Netdb.AI_ALL_KNOWN;
import static org.sockstack.api.Netdb.AI_CANONNAME;
import static org.sockstack.api.Netdb.AI_FQDN;
import static org.sockstack.api.Netdb.AI_NUMERICHOST;
import static org.sockstack.api.Netdb.AI_NUMERICSERV;
import static org.sockstack.api.Netdb.AI_PASSIVE;
import static org.sockstack.api.Netdb.AI_V4MAPPED;

/**
 * getaddrinfo (RFC 3493 section 6.1, with Windows' choices). In order:
 *
 * <ol>
 *   <li>Hints: ai_addrlen, ai_canonname, ai_addr and ai_next must be empty (else EAI_FAIL, as
 *       Windows documents); an unknown flag bit, AI_CANONNAME with AI_FQDN, or AI_CANONNAME /
 *       AI_FQDN without a node is EAI_BADFLAGS; a family other than AF_UNSPEC, AF_INET, AF_INET6
 *       is EAI_FAMILY; a socket type other than 0 and SOCK_STREAM..SOCK_SEQPACKET is
 *       EAI_SOCKTYPE. The protocol is not checked: the results carry the hints' socket type and
 *       protocol as given (Windows does not pair SOCK_STREAM with TCP).</li>
 *   <li>No node and no service (or an empty one) is EAI_NONAME.</li>
 *   <li>The service: a decimal port, else (unless AI_NUMERICSERV, then EAI_NONAME) a name in the
 *       services table for the hints' protocol (udp for SOCK_DGRAM / IPPROTO_UDP, else tcp,
 *       else udp), else EAI_SERVICE.</li>
 *   <li>The node: none gives the unspecified addresses with AI_PASSIVE, the loopback addresses
 *       without (IPv6 first); a numeric address is taken as is (IPv6 with a "%scope" zone; an
 *       address of the other family than asked is EAI_NONAME, except IPv4 with AF_INET6 and
 *       AI_V4MAPPED); "localhost" is ::1 and 127.0.0.1 without a lookup, as on Windows;
 *       AI_NUMERICHOST refuses anything else (EAI_NONAME); any other name goes through the
 *       namespace catalog, and "" or the host name that no provider knows is the loopback
 *       addresses.</li>
 *   <li>AI_V4MAPPED with AF_INET6: IPv4 addresses become ::ffff:a.b.c.d when there is no IPv6
 *       address (or always, with AI_ALL). AI_ADDRCONFIG keeps only families the process's
 *       protocol catalog has a base entry for (an approximation of "has an address
 *       configured").</li>
 *   <li>Order: {@link AddressOrder} (RFC 6724 precedence); one result per address with the
 *       hints' socket type and protocol; the first carries ai_canonname with AI_CANONNAME or
 *       AI_FQDN (for a numeric node, the node text).</li>
 * </ol>
 */
final class AddrInfoLookup {
    /** getaddrinfo's outcome: 0 and the first result, or an EAI_* code. */
    record Result(int error, AddrInfo first) {
        static Result failed(int error) {
            return new Result(error, null);
        }
    }

    private final NameService names;

    AddrInfoLookup(NameService names) {
        this.names = names;
    }

    Result getaddrinfo(String node, String service, AddrInfo hints) {
        AddrInfo h = hints != null ? hints : new AddrInfo();
        int bad = checkHints(h, node);
        if (bad != 0) {
            return Result.failed(bad);
        }
        if (node == null && (service == null || service.isEmpty())) {
            return Result.failed(WsaError.WSAHOST_NOT_FOUND);
        }
        int port = service == null || service.isEmpty() ? 0 : port(service, h);
        if (port < 0) {
            return Result.failed(-port);
        }
        Resolved r = node == null ? unnamed(h) : resolve(node, h);
        if (r.error != 0) {
            return Result.failed(r.error);
        }
        List<InetAddress> addrs = filter(r.addresses, h);
        if (addrs.isEmpty()) {
            return Result.failed(WsaError.WSAHOST_NOT_FOUND);
        }
        return new Result(0, build(addrs, port, h, (h.flags & (AI_CANONNAME | AI_FQDN)) != 0 ? r.canonical : null));
    }

    /** 0 if the hints are acceptable, else the EAI_* code. */
    static int checkHints(AddrInfo h, String node) {
        if (h.canonname != null || h.addr != null || h.next != null) {
            return WsaError.WSANO_RECOVERY;
        }
        if ((h.flags & ~AI_ALL_KNOWN) != 0
                || (h.flags & (AI_CANONNAME | AI_FQDN)) == (AI_CANONNAME | AI_FQDN)
                || (node == null && (h.flags & (AI_CANONNAME | AI_FQDN)) != 0)) {
            return WsaError.WSAEINVAL;
        }
        if (h.family != Wsa.AF_UNSPEC && h.family != Wsa.AF_INET && h.family != Wsa.AF_INET6) {
            return WsaError.WSAEAFNOSUPPORT;
        }
        if (h.socktype < 0 || h.socktype > Wsa.SOCK_SEQPACKET) {
            return WsaError.WSAESOCKTNOSUPPORT;
        }
        return 0;
    }

    /** The port of a service, or minus the EAI_* code. */
    private int port(String service, AddrInfo h) {
        if (Netnum.digits(service)) {
            int p = Netnum.port(service);
            return p >= 0 ? p : -WsaError.WSATYPE_NOT_FOUND;
        }
        if ((h.flags & AI_NUMERICSERV) != 0) {
            return -WsaError.WSAHOST_NOT_FOUND;
        }
        boolean udp = h.socktype == Wsa.SOCK_DGRAM || h.protocol == Wsa.IPPROTO_UDP;
        ServEnt s = names.services().byName(service, udp ? "udp" : "tcp");
        if (s == null && h.socktype == 0 && h.protocol == 0) {
            s = names.services().byName(service, "udp");
        }
        return s != null ? s.port() : -WsaError.WSATYPE_NOT_FOUND;
    }

    private record Resolved(int error, String canonical, List<InetAddress> addresses) { }

    /** No node: the addresses to bind (AI_PASSIVE) or to reach this host. */
    private static Resolved unnamed(AddrInfo h) {
        boolean passive = (h.flags & AI_PASSIVE) != 0;
        return new Resolved(0, null, passive ? List.of(NameService.ANY6, NameService.ANY4)
                : List.of(NameService.LOOPBACK6, NameService.LOOPBACK4));
    }

    private Resolved resolve(String node, AddrInfo h) {
        InetAddress numeric = numeric(node);
        if (numeric != null) {
            return numericNode(node, numeric, h);
        }
        if ((h.flags & AI_NUMERICHOST) != 0) {
            return new Resolved(WsaError.WSAHOST_NOT_FOUND, null, List.of());
        }
        if (node.toLowerCase(Locale.ROOT).equals("localhost")) {
            return new Resolved(0, "localhost", List.of(NameService.LOOPBACK6, NameService.LOOPBACK4));
        }
        String name = node.isEmpty() ? names.hostName() : node;
        NameService.Found f = names.lookup(name, queryFamily(h));
        if (f.error() == 0) {
            return new Resolved(0, f.name(), AddressOrder.sort(f.addresses()));
        }
        if (f.error() == WsaError.WSAHOST_NOT_FOUND && names.isThisHost(node)) {
            return new Resolved(0, names.hostName(), List.of(NameService.LOOPBACK6, NameService.LOOPBACK4));
        }
        return new Resolved(f.error() == WsaError.WSANO_DATA ? WsaError.WSAHOST_NOT_FOUND : f.error(), null,
                List.of());
    }

    /** AF_INET6 with AI_V4MAPPED needs the IPv4 addresses too. */
    private static int queryFamily(AddrInfo h) {
        return h.family == Wsa.AF_INET6 && (h.flags & AI_V4MAPPED) != 0 ? Wsa.AF_UNSPEC : h.family;
    }

    private static Resolved numericNode(String node, InetAddress a, AddrInfo h) {
        boolean v4 = a.getAddress().length == 4;
        if (h.family == Wsa.AF_INET && !v4) {
            return new Resolved(WsaError.WSAHOST_NOT_FOUND, null, List.of());
        }
        if (h.family == Wsa.AF_INET6 && v4 && (h.flags & AI_V4MAPPED) == 0) {
            return new Resolved(WsaError.WSAHOST_NOT_FOUND, null, List.of());
        }
        return new Resolved(0, node, List.of(a));
    }

    /** A numeric IPv4 address, or IPv6 with an optional numeric "%scope"; else null. */
    static InetAddress numeric(String s) {
        byte[] v4 = InetText.parseIpv4(s);
        if (v4 != null) {
            return NameService.address(v4);
        }
        int pct = s.indexOf('%');
        byte[] v6 = InetText.parseIpv6(pct < 0 ? s : s.substring(0, pct));
        if (v6 == null) {
            return null;
        }
        if (pct < 0) {
            return v6Address(v6, 0);
        }
        String zone = s.substring(pct + 1);
        return Netnum.digits(zone) && zone.length() <= 9 ? v6Address(v6, Integer.parseInt(zone)) : null;
    }

    /** An Inet6Address even for ::ffff:a.b.c.d (InetAddress would make that IPv4). */
    static InetAddress v6Address(byte[] a, int scope) {
        try {
            return Inet6Address.getByAddress(null, a, scope == 0 ? -1 : scope);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The family hint, AI_V4MAPPED and AI_ADDRCONFIG applied. */
    private List<InetAddress> filter(List<InetAddress> in, AddrInfo h) {
        boolean any6 = in.stream().anyMatch(a -> a.getAddress().length == 16);
        boolean map = h.family == Wsa.AF_INET6 && (h.flags & AI_V4MAPPED) != 0 && (!any6 || (h.flags & AI_ALL) != 0);
        List<InetAddress> out = new ArrayList<>();
        for (InetAddress a : in) {
            boolean v4 = a.getAddress().length == 4;
            if (v4 && map) {
                out.add(mapped(a));
            } else if (h.family == Wsa.AF_UNSPEC || h.family == (v4 ? Wsa.AF_INET : Wsa.AF_INET6)) {
                out.add(a);
            }
        }
        if ((h.flags & AI_ADDRCONFIG) != 0) {
            out.removeIf(a -> !configured(a.getAddress().length == 4 ? Wsa.AF_INET : Wsa.AF_INET6));
        }
        return out;
    }

    static InetAddress mapped(InetAddress v4) {
        byte[] b = new byte[16];
        b[10] = (byte) 0xFF;
        b[11] = (byte) 0xFF;
        System.arraycopy(v4.getAddress(), 0, b, 12, 4);
        return v6Address(b, 0);
    }

    /** AI_ADDRCONFIG's test: the process's catalog has a base entry of the family. */
    private boolean configured(int family) {
        for (ProtocolInfo p : names.process().catalog().enumProtocols(null)) {
            if (p.addressFamily() == family) {
                return true;
            }
        }
        return false;
    }

    private static AddrInfo build(List<InetAddress> addrs, int port, AddrInfo h, String canonical) {
        AddrInfo first = null;
        AddrInfo last = null;
        for (InetAddress a : addrs) {
            AddrInfo ai = new AddrInfo();
            ai.family = a.getAddress().length == 4 ? Wsa.AF_INET : Wsa.AF_INET6;
            ai.socktype = h.socktype;
            ai.protocol = h.protocol;
            ai.addr = SockAddr.inet(a, port);
            if (first == null) {
                ai.canonname = canonical;
                first = ai;
            } else {
                last.next = ai;
            }
            last = ai;
        }
        return first;
    }
}
