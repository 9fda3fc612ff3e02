package org.sockstack.api;

import java.util.List;

/**
 * SERVENT: what getservbyname and getservbyport return.
 *
 * @param name    s_name, the official service name
 * @param aliases s_aliases
 * @param port    s_port in HOST byte order (C's s_port is in network order: C code's
 *                {@code ntohs(se->s_port)} is {@code port} here)
 * @param proto   s_proto, "tcp" or "udp"
 */
public record ServEnt(String name, List<String> aliases, int port, String proto) {
    public ServEnt {
        aliases = List.copyOf(aliases);
    }
}
