package org.sockstack.spi.catalog;

import org.sockstack.spi.wsa.SockAddr;
import org.sockstack.spi.wsa.Wsa;

import java.util.Objects;
import java.util.UUID;

/**
 * One protocol catalog entry: the fields of WSAPROTOCOL_INFOW that have meaning here.
 *
 * @param serviceFlags1      XP1_* ({@link ServiceFlags})
 * @param providerFlags      PFL_* ({@link ProviderFlags})
 * @param providerId         the provider's GUID (one provider, many entries)
 * @param catalogEntryId     assigned by the catalog at install; 0 in a template
 * @param chain              base, layered or chain ({@link ProtocolChain})
 * @param version            protocol version (iVersion)
 * @param addressFamily      AF_*
 * @param maxSockAddr        largest sockaddr accepted
 * @param minSockAddr        smallest sockaddr accepted
 * @param socketType         SOCK_*
 * @param protocol           IPPROTO_* (the low end of the range)
 * @param protocolMaxOffset  the entry serves protocols [protocol, protocol + offset]
 * @param networkByteOrder   1 big-endian (BIGENDIAN), 0 little-endian
 * @param securityScheme     SECURITY_PROTOCOL_NONE = 0
 * @param messageSize        0 stream, 1 (0xFFFFFFFF as -1) unbounded, otherwise the largest message
 * @param providerReserved   the provider's own (WSADuplicateSocket fills it)
 * @param name               szProtocol
 */
public record ProtocolInfo(int serviceFlags1, int serviceFlags2, int serviceFlags3, int serviceFlags4,
                           int providerFlags, UUID providerId, int catalogEntryId, ProtocolChain chain,
                           int version, int addressFamily, int maxSockAddr, int minSockAddr, int socketType,
                           int protocol, int protocolMaxOffset, int networkByteOrder, int securityScheme,
                           int messageSize, long providerReserved, String name) {
    public static final int BIGENDIAN = 1;
    /** dwMessageSize of Windows' UDP entries. */
    public static final int UDP_MESSAGE_SIZE = 0xFFBB;
    /** dwMessageSize of Windows' raw IP entries. */
    public static final int RAW_MESSAGE_SIZE = 0x8000;
    /** WSAPROTOCOL_LEN. */
    public static final int MAX_NAME_LENGTH = 255;

    public ProtocolInfo {
        Objects.requireNonNull(providerId);
        Objects.requireNonNull(chain);
        Objects.requireNonNull(name);
    }

    public boolean isLayered() {
        return chain.isLayered();
    }

    public boolean hasServiceFlag(int xp1) {
        return (serviceFlags1 & xp1) != 0;
    }

    public boolean hasProviderFlag(int pfl) {
        return (providerFlags & pfl) != 0;
    }

    /** True if this entry serves {@code protocol} (0 only with PFL_MATCHES_PROTOCOL_ZERO). */
    public boolean servesProtocol(int protocol) {
        if (protocol == 0) {
            return hasProviderFlag(ProviderFlags.PFL_MATCHES_PROTOCOL_ZERO);
        }
        return protocol >= this.protocol && protocol <= this.protocol + protocolMaxOffset;
    }

    public ProtocolInfo withCatalogEntryId(int id) {
        return new ProtocolInfo(serviceFlags1, serviceFlags2, serviceFlags3, serviceFlags4, providerFlags, providerId,
                id, chain, version, addressFamily, maxSockAddr, minSockAddr, socketType, protocol, protocolMaxOffset,
                networkByteOrder, securityScheme, messageSize, providerReserved, name);
    }

    public ProtocolInfo withChain(ProtocolChain c) {
        return new ProtocolInfo(serviceFlags1, serviceFlags2, serviceFlags3, serviceFlags4, providerFlags, providerId,
                catalogEntryId, c, version, addressFamily, maxSockAddr, minSockAddr, socketType, protocol,
                protocolMaxOffset, networkByteOrder, securityScheme, messageSize, providerReserved, name);
    }

    public ProtocolInfo withProviderFlags(int flags) {
        return new ProtocolInfo(serviceFlags1, serviceFlags2, serviceFlags3, serviceFlags4, flags, providerId,
                catalogEntryId, chain, version, addressFamily, maxSockAddr, minSockAddr, socketType, protocol,
                protocolMaxOffset, networkByteOrder, securityScheme, messageSize, providerReserved, name);
    }

    public ProtocolInfo withProvider(UUID id, String newName) {
        return new ProtocolInfo(serviceFlags1, serviceFlags2, serviceFlags3, serviceFlags4, providerFlags, id,
                catalogEntryId, chain, version, addressFamily, maxSockAddr, minSockAddr, socketType, protocol,
                protocolMaxOffset, networkByteOrder, securityScheme, messageSize, providerReserved, newName);
    }

    public ProtocolInfo withProviderReserved(long reserved) {
        return new ProtocolInfo(serviceFlags1, serviceFlags2, serviceFlags3, serviceFlags4, providerFlags, providerId,
                catalogEntryId, chain, version, addressFamily, maxSockAddr, minSockAddr, socketType, protocol,
                protocolMaxOffset, networkByteOrder, securityScheme, messageSize, reserved, name);
    }

    /**
     * The six entries a TCP/IP base provider installs: TCP, UDP and raw IP over IPv4 and IPv6,
     * with the flags and sizes Windows' own entries carry.
     */
    public static java.util.List<ProtocolInfo> ipEntries(UUID providerId, String prefix) {
        int pz = ProviderFlags.PFL_MATCHES_PROTOCOL_ZERO;
        int raw = ProviderFlags.PFL_HIDDEN;
        int v4 = SockAddr.SOCKADDR_IN_SIZE;
        int v6 = SockAddr.SOCKADDR_IN6_SIZE;
        return java.util.List.of(
                entry(providerId, ServiceFlags.TCP, pz, Wsa.AF_INET, v4, Wsa.SOCK_STREAM, Wsa.IPPROTO_TCP, 0, 0,
                        prefix + " TCP/IP"),
                entry(providerId, ServiceFlags.UDP, pz, Wsa.AF_INET, v4, Wsa.SOCK_DGRAM, Wsa.IPPROTO_UDP, 0,
                        UDP_MESSAGE_SIZE, prefix + " UDP/IP"),
                entry(providerId, ServiceFlags.UDP, raw, Wsa.AF_INET, v4, Wsa.SOCK_RAW, 0, 255, RAW_MESSAGE_SIZE,
                        prefix + " RAW/IP"),
                entry(providerId, ServiceFlags.TCP, pz, Wsa.AF_INET6, v6, Wsa.SOCK_STREAM, Wsa.IPPROTO_TCP, 0, 0,
                        prefix + " TCP/IPv6"),
                entry(providerId, ServiceFlags.UDP, pz, Wsa.AF_INET6, v6, Wsa.SOCK_DGRAM, Wsa.IPPROTO_UDP, 0,
                        UDP_MESSAGE_SIZE, prefix + " UDP/IPv6"),
                entry(providerId, ServiceFlags.UDP, raw, Wsa.AF_INET6, v6, Wsa.SOCK_RAW, 0, 255, RAW_MESSAGE_SIZE,
                        prefix + " RAW/IPv6"));
    }

    private static ProtocolInfo entry(UUID id, int xp1, int pfl, int af, int sockaddr, int type, int protocol,
                                      int maxOffset, int messageSize, String name) {
        return new ProtocolInfo(xp1, 0, 0, 0, pfl, id, 0, ProtocolChain.BASE, 2, af, sockaddr, sockaddr, type,
                protocol, maxOffset, BIGENDIAN, 0, messageSize, 0, name);
    }

    @Override
    public String toString() {
        return "ProtocolInfo[" + catalogEntryId + " \"" + name + "\" af=" + addressFamily + " type=" + socketType
                + " proto=" + protocol + (protocolMaxOffset != 0 ? "+" + protocolMaxOffset : "") + " chain="
                + chain.length() + chain.entries() + "]";
    }
}
