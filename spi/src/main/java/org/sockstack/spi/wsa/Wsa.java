package org.sockstack.spi.wsa;

/**
 * Winsock constants with their Windows values (winsock2.h, ws2def.h, ws2ipdef.h, mswsock.h):
 * address families, socket types, protocols, option levels and names, message flags, network
 * events, shutdown modes, ioctl codes. Values are Windows', not POSIX's (AF_INET6 is 23).
 */
public final class Wsa {
    private Wsa() {
    }

    // ---- sockets and results
    public static final long INVALID_SOCKET = -1L;
    public static final int SOCKET_ERROR = -1;
    /** af, type or protocol "take it from the protocol info" (WSASocket). */
    public static final int FROM_PROTOCOL_INFO = -1;

    // ---- address families
    public static final int AF_UNSPEC = 0;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 23;

    // ---- socket types
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_RDM = 4;
    public static final int SOCK_SEQPACKET = 5;

    // ---- protocols
    public static final int IPPROTO_IP = 0;
    public static final int IPPROTO_ICMP = 1;
    public static final int IPPROTO_IGMP = 2;
    public static final int IPPROTO_TCP = 6;
    public static final int IPPROTO_UDP = 17;
    public static final int IPPROTO_IPV6 = 41;
    public static final int IPPROTO_ICMPV6 = 58;
    public static final int IPPROTO_RAW = 255;

    // ---- WSASocket flags
    public static final int WSA_FLAG_OVERLAPPED = 0x01;
    public static final int WSA_FLAG_MULTIPOINT_C_ROOT = 0x02;
    public static final int WSA_FLAG_MULTIPOINT_C_LEAF = 0x04;
    public static final int WSA_FLAG_MULTIPOINT_D_ROOT = 0x08;
    public static final int WSA_FLAG_MULTIPOINT_D_LEAF = 0x10;
    public static final int WSA_FLAG_NO_HANDLE_INHERIT = 0x80;

    // ---- socket options, level SOL_SOCKET
    public static final int SOL_SOCKET = 0xFFFF;
    public static final int SO_DEBUG = 0x0001;
    public static final int SO_ACCEPTCONN = 0x0002;
    public static final int SO_REUSEADDR = 0x0004;
    public static final int SO_KEEPALIVE = 0x0008;
    public static final int SO_DONTROUTE = 0x0010;
    public static final int SO_BROADCAST = 0x0020;
    public static final int SO_USELOOPBACK = 0x0040;
    public static final int SO_LINGER = 0x0080;
    public static final int SO_OOBINLINE = 0x0100;
    public static final int SO_DONTLINGER = ~SO_LINGER;
    public static final int SO_EXCLUSIVEADDRUSE = ~SO_REUSEADDR;
    public static final int SO_SNDBUF = 0x1001;
    public static final int SO_RCVBUF = 0x1002;
    public static final int SO_SNDLOWAT = 0x1003;
    public static final int SO_RCVLOWAT = 0x1004;
    public static final int SO_SNDTIMEO = 0x1005;
    public static final int SO_RCVTIMEO = 0x1006;
    public static final int SO_ERROR = 0x1007;
    public static final int SO_TYPE = 0x1008;
    public static final int SO_GROUP_ID = 0x2001;
    public static final int SO_GROUP_PRIORITY = 0x2002;
    public static final int SO_MAX_MSG_SIZE = 0x2003;
    public static final int SO_PROTOCOL_INFOW = 0x2005;
    public static final int SO_CONDITIONAL_ACCEPT = 0x3002;

    // ---- level IPPROTO_IP
    public static final int IP_OPTIONS = 1;
    public static final int IP_HDRINCL = 2;
    public static final int IP_TOS = 3;
    public static final int IP_TTL = 4;
    public static final int IP_MULTICAST_IF = 9;
    public static final int IP_MULTICAST_TTL = 10;
    public static final int IP_MULTICAST_LOOP = 11;
    public static final int IP_ADD_MEMBERSHIP = 12;
    public static final int IP_DROP_MEMBERSHIP = 13;
    public static final int IP_DONTFRAGMENT = 14;
    public static final int IP_PKTINFO = 19;
    public static final int IP_UNICAST_IF = 31;

    // ---- level IPPROTO_IPV6 / IPPROTO_TCP
    public static final int IPV6_HDRINCL = 2;
    public static final int IPV6_UNICAST_HOPS = 4;
    public static final int IPV6_MULTICAST_HOPS = 10;
    public static final int IPV6_MULTICAST_LOOP = 11;
    public static final int IPV6_CHECKSUM = 26;
    public static final int IPV6_V6ONLY = 27;
    public static final int TCP_NODELAY = 0x0001;
    // options, ioctls, multipoint (ws2ipdef.h / mstcpip.h values)
    public static final int IP_ADD_SOURCE_MEMBERSHIP = 15;
    public static final int IP_DROP_SOURCE_MEMBERSHIP = 16;
    public static final int IP_BLOCK_SOURCE = 17;
    public static final int IP_UNBLOCK_SOURCE = 18;
    public static final int IPV6_MULTICAST_IF = 9;
    public static final int IPV6_ADD_MEMBERSHIP = 12;
    public static final int IPV6_JOIN_GROUP = IPV6_ADD_MEMBERSHIP;
    public static final int IPV6_DROP_MEMBERSHIP = 13;
    public static final int IPV6_LEAVE_GROUP = IPV6_DROP_MEMBERSHIP;
    public static final int IPV6_PKTINFO = 19;
    public static final int TCP_KEEPALIVE = 3;
    public static final int TCP_KEEPIDLE = TCP_KEEPALIVE;
    public static final int TCP_MAXRT = 5;
    public static final int TCP_KEEPCNT = 16;
    public static final int TCP_KEEPINTVL = 17;

    // ---- message flags
    public static final int MSG_OOB = 0x1;
    public static final int MSG_PEEK = 0x2;
    public static final int MSG_DONTROUTE = 0x4;
    public static final int MSG_WAITALL = 0x8;
    public static final int MSG_PUSH_IMMEDIATE = 0x20;
    public static final int MSG_PARTIAL = 0x8000;
    public static final int MSG_TRUNC = 0x0100;

    // ---- network events (FD_*), bit numbers index WSANETWORKEVENTS.iErrorCode
    public static final int FD_READ_BIT = 0;
    public static final int FD_WRITE_BIT = 1;
    public static final int FD_OOB_BIT = 2;
    public static final int FD_ACCEPT_BIT = 3;
    public static final int FD_CONNECT_BIT = 4;
    public static final int FD_CLOSE_BIT = 5;
    public static final int FD_QOS_BIT = 6;
    public static final int FD_GROUP_QOS_BIT = 7;
    public static final int FD_ROUTING_INTERFACE_CHANGE_BIT = 8;
    public static final int FD_ADDRESS_LIST_CHANGE_BIT = 9;
    public static final int FD_MAX_EVENTS = 10;
    public static final int FD_READ = 1 << FD_READ_BIT;
    public static final int FD_WRITE = 1 << FD_WRITE_BIT;
    public static final int FD_OOB = 1 << FD_OOB_BIT;
    public static final int FD_ACCEPT = 1 << FD_ACCEPT_BIT;
    public static final int FD_CONNECT = 1 << FD_CONNECT_BIT;
    public static final int FD_CLOSE = 1 << FD_CLOSE_BIT;
    public static final int FD_QOS = 1 << FD_QOS_BIT;
    public static final int FD_GROUP_QOS = 1 << FD_GROUP_QOS_BIT;
    public static final int FD_ROUTING_INTERFACE_CHANGE = 1 << FD_ROUTING_INTERFACE_CHANGE_BIT;
    public static final int FD_ADDRESS_LIST_CHANGE = 1 << FD_ADDRESS_LIST_CHANGE_BIT;
    public static final int FD_ALL_EVENTS = (1 << FD_MAX_EVENTS) - 1;

    // ---- shutdown, accept condition, join leaf
    public static final int SD_RECEIVE = 0;
    public static final int SD_SEND = 1;
    public static final int SD_BOTH = 2;
    public static final int CF_ACCEPT = 0;
    public static final int CF_REJECT = 1;
    public static final int CF_DEFER = 2;
    public static final int JL_SENDER_ONLY = 1;
    public static final int JL_RECEIVER_ONLY = 2;
    public static final int JL_BOTH = 4;

    // ---- ioctl codes
    private static final int IOC_VOID = 0x20000000;
    private static final int IOC_OUT = 0x40000000;
    private static final int IOC_IN = 0x80000000;
    private static final int IOC_INOUT = IOC_IN | IOC_OUT;
    private static final int IOC_WS2 = 0x08000000;
    private static final int IOC_VENDOR = 0x18000000;
    public static final int FIONREAD = 0x4004667F;
    public static final int FIONBIO = 0x8004667E;
    public static final int SIOCATMARK = 0x40047307;
    public static final int SIO_GET_INTERFACE_LIST = 0x4004747F;
    public static final int SIO_ASSOCIATE_HANDLE = IOC_IN | IOC_WS2 | 1;
    public static final int SIO_ENABLE_CIRCULAR_QUEUEING = IOC_VOID | IOC_WS2 | 2;
    public static final int SIO_FIND_ROUTE = IOC_OUT | IOC_WS2 | 3;
    public static final int SIO_FLUSH = IOC_VOID | IOC_WS2 | 4;
    public static final int SIO_GET_BROADCAST_ADDRESS = IOC_OUT | IOC_WS2 | 5;
    public static final int SIO_GET_EXTENSION_FUNCTION_POINTER = IOC_INOUT | IOC_WS2 | 6;
    public static final int SIO_GET_QOS = IOC_INOUT | IOC_WS2 | 7;
    public static final int SIO_GET_GROUP_QOS = IOC_INOUT | IOC_WS2 | 8;
    public static final int SIO_MULTIPOINT_LOOPBACK = IOC_IN | IOC_WS2 | 9;
    public static final int SIO_MULTICAST_SCOPE = IOC_IN | IOC_WS2 | 10;
    public static final int SIO_SET_QOS = IOC_IN | IOC_WS2 | 11;
    public static final int SIO_SET_GROUP_QOS = IOC_IN | IOC_WS2 | 12;
    public static final int SIO_TRANSLATE_HANDLE = IOC_INOUT | IOC_WS2 | 13;
    public static final int SIO_ROUTING_INTERFACE_QUERY = IOC_INOUT | IOC_WS2 | 20;
    public static final int SIO_ROUTING_INTERFACE_CHANGE = IOC_IN | IOC_WS2 | 21;
    public static final int SIO_ADDRESS_LIST_QUERY = IOC_OUT | IOC_WS2 | 22;
    public static final int SIO_ADDRESS_LIST_CHANGE = IOC_VOID | IOC_WS2 | 23;
    public static final int SIO_BSP_HANDLE = IOC_OUT | IOC_WS2 | 27;
    public static final int SIO_BSP_HANDLE_SELECT = IOC_OUT | IOC_WS2 | 28;
    public static final int SIO_BSP_HANDLE_POLL = IOC_OUT | IOC_WS2 | 29;
    /** Layered providers must never intercept this one: it answers the base provider's handle. */
    public static final int SIO_BASE_HANDLE = IOC_OUT | IOC_WS2 | 34;
    public static final int SIO_RCVALL = IOC_IN | IOC_VENDOR | 1;
    public static final int SIO_KEEPALIVE_VALS = IOC_IN | IOC_VENDOR | 4;
    /** UDP: report ICMP port unreachable as WSAECONNRESET on the next receive (default on). */
    public static final int SIO_UDP_CONNRESET = IOC_IN | IOC_VENDOR | 12;
    /** _WSAIORW(IOC_VENDOR, 39) = 0xD8000027: a DWORD version in, a TCP_INFO_v0 out ({@link TcpInfoV0}). */
    public static final int SIO_TCP_INFO = IOC_INOUT | IOC_VENDOR | 39;

    /** WSAMAKESELECTREPLY: the lParam of an asynchronous-select message. */
    public static long makeSelectReply(int event, int error) {
        return ((long) (error & 0xFFFF) << 16) | (event & 0xFFFF);
    }

    /** WSAGETSELECTEVENT. */
    public static int selectEvent(long lParam) {
        return (int) (lParam & 0xFFFF);
    }

    /** WSAGETSELECTERROR. */
    public static int selectError(long lParam) {
        return (int) ((lParam >>> 16) & 0xFFFF);
    }

    /** MAKEWORD(major, minor): Winsock versions keep the major number in the low byte. */
    public static int makeVersion(int major, int minor) {
        return (major & 0xFF) | (minor & 0xFF) << 8;
    }

    public static int majorVersion(int version) {
        return version & 0xFF;
    }

    public static int minorVersion(int version) {
        return (version >>> 8) & 0xFF;
    }

    public static String versionString(int version) {
        return majorVersion(version) + "." + minorVersion(version);
    }
}
