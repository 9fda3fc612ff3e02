package org.sockstack.api;

import java.util.List;

/**
 * PROTOENT: what getprotobyname and getprotobynumber return.
 *
 * @param name    p_name, the official protocol name
 * @param aliases p_aliases
 * @param proto   p_proto, the protocol number (IPPROTO_*)
 */
public record ProtoEnt(String name, List<String> aliases, int proto) {
    public ProtoEnt {
        aliases = List.copyOf(aliases);
    }
}
