package org.sockstack.spi.namespace;

import java.util.List;
import java.util.UUID;

/**
 * WSAQUERYSET, the fields that matter here: what a lookup asks for (restrictions) and what a
 * result carries.
 *
 * @param serviceInstanceName the name looked up (a host name), or the name found
 * @param serviceClassId      the service class (an SVCID_* of {@link Ns})
 * @param nameSpace           NS_* (NS_ALL: every name space)
 * @param nsProviderId        restrict to one provider, or null
 * @param context             where to start, or null
 * @param afpProtocols        restrict to these (family, protocol) pairs; empty: any
 * @param queryString         provider-specific query text, or null
 * @param csaddrs             the addresses found
 * @param aliases             other names of the result
 * @param comment             a comment, or null
 * @param blob                provider-specific result bytes (a HOSTENT for legacy lookups), or null
 */
public record QuerySet(String serviceInstanceName, UUID serviceClassId, int nameSpace, UUID nsProviderId,
                       String context, List<AfProtocols> afpProtocols, String queryString, List<CsAddrInfo> csaddrs,
                       List<String> aliases, String comment, byte[] blob) {

    /** AFPROTOCOLS. */
    public record AfProtocols(int addressFamily, int protocol) { }

    public QuerySet {
        afpProtocols = afpProtocols == null ? List.of() : List.copyOf(afpProtocols);
        csaddrs = csaddrs == null ? List.of() : List.copyOf(csaddrs);
        aliases = aliases == null ? List.of() : List.copyOf(aliases);
    }

    /** A host-name query: instance name and class, any name space. */
    public static QuerySet byName(String name, UUID serviceClass) {
        return new QuerySet(name, serviceClass, Ns.NS_ALL, null, null, List.of(), null, List.of(), List.of(), null,
                null);
    }

    public QuerySet withAfpProtocols(List<AfProtocols> afp) {
        return new QuerySet(serviceInstanceName, serviceClassId, nameSpace, nsProviderId, context, afp, queryString,
                csaddrs, aliases, comment, blob);
    }
}
