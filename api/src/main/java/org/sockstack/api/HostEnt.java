package org.sockstack.api;

import java.util.List;

/**
 * HOSTENT: what gethostbyname and gethostbyaddr return.
 *
 * @param name     h_name, the official (canonical) name
 * @param aliases  h_aliases
 * @param addrtype h_addrtype (AF_INET for gethostbyname)
 * @param length   h_length, bytes per address (4 or 16)
 * @param addrList h_addr_list, addresses in network byte order
 */
public record HostEnt(String name, List<String> aliases, int addrtype, int length, List<byte[]> addrList) {
    public HostEnt {
        aliases = List.copyOf(aliases);
        addrList = addrList.stream().map(byte[]::clone).toList();
    }
}
