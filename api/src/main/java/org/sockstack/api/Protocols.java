package org.sockstack.api;

import java.util.List;

/**
 * The protocol database of getprotobyname and getprotobynumber: the entries of Windows'
 * {@code drivers\etc\protocol} file (numbers from the IANA protocol registry).
 */
final class Protocols {
    private Protocols() {
    }

    private static final List<ProtoEnt> TABLE = List.of(
            new ProtoEnt("ip", List.of("IP"), 0),
            new ProtoEnt("icmp", List.of("ICMP"), 1),
            new ProtoEnt("ggp", List.of("GGP"), 3),
            new ProtoEnt("tcp", List.of("TCP"), 6),
            new ProtoEnt("egp", List.of("EGP"), 8),
            new ProtoEnt("pup", List.of("PUP"), 12),
            new ProtoEnt("udp", List.of("UDP"), 17),
            new ProtoEnt("hmp", List.of("HMP"), 20),
            new ProtoEnt("xns-idp", List.of("XNS-IDP"), 22),
            new ProtoEnt("rdp", List.of("RDP"), 27),
            new ProtoEnt("ipv6", List.of("IPv6"), 41),
            new ProtoEnt("ipv6-route", List.of("IPv6-Route"), 43),
            new ProtoEnt("ipv6-frag", List.of("IPv6-Frag"), 44),
            new ProtoEnt("esp", List.of("ESP"), 50),
            new ProtoEnt("ah", List.of("AH"), 51),
            new ProtoEnt("ipv6-icmp", List.of("IPv6-ICMP"), 58),
            new ProtoEnt("ipv6-nonxt", List.of("IPv6-NoNxt"), 59),
            new ProtoEnt("ipv6-opts", List.of("IPv6-Opts"), 60),
            new ProtoEnt("rvd", List.of("RVD"), 66));

    /** By name or alias, any case; null if unknown. */
    static ProtoEnt byName(String name) {
        for (ProtoEnt p : TABLE) {
            if (p.name().equalsIgnoreCase(name) || p.aliases().stream().anyMatch(name::equalsIgnoreCase)) {
                return p;
            }
        }
        return null;
    }

    static ProtoEnt byNumber(int number) {
        for (ProtoEnt p : TABLE) {
            if (p.proto() == number) {
                return p;
            }
        }
        return null;
    }
}
