package org.sockstack.api;

import org.sockstack.spi.wsa.WsaError;

/**
 * The name-service constants of ws2def.h and ws2tcpip.h with their Windows values: the
 * getaddrinfo flags (AI_*), the getnameinfo flags (NI_*) and the getaddrinfo error codes (EAI_*).
 * On Windows an EAI_* code is a WSA error code (EAI_NONAME is WSAHOST_NOT_FOUND, 11001), so
 * getaddrinfo's return value and WSAGetLastError agree.
 */
public final class Netdb {
    private Netdb() {
    }

    // ---- ADDRINFOW.ai_flags (ws2def.h)
    /** The address will be bound (bind): a null node gives the unspecified address. */
    public static final int AI_PASSIVE = 0x01;
    /** Return the canonical name in the first result's ai_canonname. */
    public static final int AI_CANONNAME = 0x02;
    /** The node must be a numeric address: no name lookup. */
    public static final int AI_NUMERICHOST = 0x04;
    /** The service must be a port number: no services-file lookup. */
    public static final int AI_NUMERICSERV = 0x08;
    public static final int AI_DNS_ONLY = 0x10;
    public static final int AI_FORCE_CLEAR_TEXT = 0x20;
    public static final int AI_BYPASS_DNS_CACHE = 0x40;
    public static final int AI_RETURN_TTL = 0x80;
    /** With AI_V4MAPPED: IPv6 and IPv4-mapped addresses both. */
    public static final int AI_ALL = 0x0100;
    /** Only families the local system has an address of (not counting loopback). */
    public static final int AI_ADDRCONFIG = 0x0400;
    /** AF_INET6 and no IPv6 address: return IPv4 addresses as IPv4-mapped IPv6 ones. */
    public static final int AI_V4MAPPED = 0x0800;
    public static final int AI_NON_AUTHORITATIVE = 0x04000;
    public static final int AI_SECURE = 0x08000;
    public static final int AI_RETURN_PREFERRED_NAMES = 0x010000;
    /** The fully qualified name in ai_canonname (not allowed with AI_CANONNAME). */
    public static final int AI_FQDN = 0x00020000;
    public static final int AI_FILESERVER = 0x00040000;
    public static final int AI_DISABLE_IDN_ENCODING = 0x00080000;
    public static final int AI_SECURE_WITH_FALLBACK = 0x00100000;
    public static final int AI_EXCLUSIVE_CUSTOM_SERVERS = 0x00200000;
    public static final int AI_RETURN_RESPONSE_FLAGS = 0x10000000;
    public static final int AI_REQUIRE_SECURE = 0x20000000;
    public static final int AI_RESOLUTION_HANDLE = 0x40000000;
    public static final int AI_EXTENDED = 0x80000000;
    /** Every flag getaddrinfo knows; any other bit is EAI_BADFLAGS. */
    public static final int AI_ALL_KNOWN = AI_PASSIVE | AI_CANONNAME | AI_NUMERICHOST | AI_NUMERICSERV | AI_DNS_ONLY
            | AI_FORCE_CLEAR_TEXT | AI_BYPASS_DNS_CACHE | AI_RETURN_TTL | AI_ALL | AI_ADDRCONFIG | AI_V4MAPPED
            | AI_NON_AUTHORITATIVE | AI_SECURE | AI_RETURN_PREFERRED_NAMES | AI_FQDN | AI_FILESERVER
            | AI_DISABLE_IDN_ENCODING | AI_SECURE_WITH_FALLBACK | AI_EXCLUSIVE_CUSTOM_SERVERS
            | AI_RETURN_RESPONSE_FLAGS | AI_REQUIRE_SECURE | AI_RESOLUTION_HANDLE | AI_EXTENDED;

    // ---- getnameinfo flags (ws2def.h)
    /** Only the host part (up to the first dot) of a name. */
    public static final int NI_NOFQDN = 0x01;
    /** The numeric address, never a name. */
    public static final int NI_NUMERICHOST = 0x02;
    /** A name is required: EAI_NONAME when the address has none. */
    public static final int NI_NAMEREQD = 0x04;
    /** The port number, never a service name. */
    public static final int NI_NUMERICSERV = 0x08;
    /** The service is a datagram (udp) service. */
    public static final int NI_DGRAM = 0x10;
    /** Buffer sizes that always suffice (NUL included). */
    public static final int NI_MAXHOST = 1025;
    public static final int NI_MAXSERV = 32;

    // ---- getaddrinfo / getnameinfo errors (ws2tcpip.h): WSA codes
    public static final int EAI_AGAIN = WsaError.WSATRY_AGAIN;
    public static final int EAI_BADFLAGS = WsaError.WSAEINVAL;
    public static final int EAI_FAIL = WsaError.WSANO_RECOVERY;
    public static final int EAI_FAMILY = WsaError.WSAEAFNOSUPPORT;
    public static final int EAI_MEMORY = WsaError.WSA_NOT_ENOUGH_MEMORY;
    public static final int EAI_NOSECURENAME = 11032;
    public static final int EAI_NONAME = WsaError.WSAHOST_NOT_FOUND;
    public static final int EAI_SERVICE = WsaError.WSATYPE_NOT_FOUND;
    public static final int EAI_SOCKTYPE = WsaError.WSAESOCKTNOSUPPORT;
    public static final int EAI_IPSECPOLICY = 11033;
    /** Windows defines EAI_NODATA as EAI_NONAME. */
    public static final int EAI_NODATA = EAI_NONAME;

    // ---- structure sizes a caller's buffer length is counted in (x64)
    /** sizeof(WSAPROTOCOL_INFOW). */
    public static final int WSAPROTOCOL_INFOW_SIZE = 628;
    /** sizeof(WSANAMESPACE_INFOW) on x64, before its identifier string. */
    public static final int WSANAMESPACE_INFOW_SIZE = 40;
}
