package org.sockstack.spi.namespace.dns;

import java.util.List;

/**
 * What a lookup of one (name, type) found.
 *
 * @param status    how it ended
 * @param canonical the name the addresses belong to (the end of the CNAME chain), or the name asked
 * @param aliases   the names the CNAME chain went through, in order (the asked name first)
 * @param addresses 4-octet (A) or 16-octet (AAAA) addresses; empty unless {@code status} is OK
 * @param pointers  for a PTR lookup, the PTRDNAMEs found (RFC 1035 section 3.3.12), in answer
 *                  order; empty otherwise
 */
public record DnsResult(Status status, String canonical, List<String> aliases, List<byte[]> addresses,
                        List<String> pointers) {
    public enum Status {
        /** Addresses found. */
        OK,
        /** RCODE 3: the name does not exist (RFC 1035 section 4.1.1, RFC 2308 section 2.1). */
        NXDOMAIN,
        /** The name exists but has no record of the type (RFC 2308 section 2.2). */
        NODATA,
        /** The server failed, refused, or sent a CNAME chain longer than the bound. */
        SERVER_FAILURE,
        /** No acceptable answer after every retry. */
        TIMEOUT,
        /** Not a name that can be asked. */
        BAD_NAME
    }

    public DnsResult {
        aliases = List.copyOf(aliases);
        addresses = List.copyOf(addresses);
        pointers = List.copyOf(pointers);
    }

    /** An address result (A / AAAA) or a failure: no pointers. */
    public DnsResult(Status status, String canonical, List<String> aliases, List<byte[]> addresses) {
        this(status, canonical, aliases, addresses, List.of());
    }

    public static DnsResult failure(Status status, String name) {
        return new DnsResult(status, name, List.of(), List.of());
    }
}
