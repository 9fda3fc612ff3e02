package org.sockstack.api;

import org.sockstack.spi.WsaData;
import org.sockstack.spi.catalog.ProtocolInfo;
import org.sockstack.spi.provider.FdSet;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;

import java.nio.ByteBuffer;

/**
 * The Winsock functions as static methods over the default process ({@link Winsock#getDefault()},
 * chosen once, or set before first use with {@link Winsock#setDefault}), so ported C code reads as
 * C: {@code import static org.sockstack.api.Ws2_32.*;} and {@code import static
 * org.sockstack.spi.wsa.Wsa.*;}, then {@code WSAStartup(...)}, {@code socket(AF_INET, SOCK_STREAM, 0)},
 * {@code select(0, &readfds, ...)}. Each method is the {@link Winsock} method of the same name.
 */
public final class Ws2_32 {
    private Ws2_32() {
    }

    private static Winsock ws() {
        return Winsock.getDefault();
    }

    public static int WSAStartup(int wVersionRequested, WsaData lpWSAData) {
        return ws().WSAStartup(wVersionRequested, lpWSAData);
    }

    public static int WSACleanup() {
        return ws().WSACleanup();
    }

    public static int WSAGetLastError() {
        return ws().WSAGetLastError();
    }

    public static void WSASetLastError(int iError) {
        ws().WSASetLastError(iError);
    }

    public static long socket(int af, int type, int protocol) {
        return ws().socket(af, type, protocol);
    }

    public static long WSASocket(int af, int type, int protocol, ProtocolInfo lpProtocolInfo, int g, int dwFlags) {
        return ws().WSASocket(af, type, protocol, lpProtocolInfo, g, dwFlags);
    }

    public static int closesocket(long s) {
        return ws().closesocket(s);
    }

    public static int bind(long s, SockAddr name) {
        return ws().bind(s, name);
    }

    public static int listen(long s, int backlog) {
        return ws().listen(s, backlog);
    }

    public static long accept(long s, Ref<SockAddr> addr) {
        return ws().accept(s, addr);
    }

    public static int connect(long s, SockAddr name) {
        return ws().connect(s, name);
    }

    public static int shutdown(long s, int how) {
        return ws().shutdown(s, how);
    }

    public static int getsockname(long s, Ref<SockAddr> name) {
        return ws().getsockname(s, name);
    }

    public static int getpeername(long s, Ref<SockAddr> name) {
        return ws().getpeername(s, name);
    }

    public static int send(long s, byte[] buf, int len, int flags) {
        return ws().send(s, buf, len, flags);
    }

    public static int send(long s, ByteBuffer buf, int flags) {
        return ws().send(s, buf, flags);
    }

    public static int sendto(long s, byte[] buf, int len, int flags, SockAddr to) {
        return ws().sendto(s, buf, len, flags, to);
    }

    public static int recv(long s, byte[] buf, int len, int flags) {
        return ws().recv(s, buf, len, flags);
    }

    public static int recv(long s, ByteBuffer buf, int flags) {
        return ws().recv(s, buf, flags);
    }

    public static int recvfrom(long s, byte[] buf, int len, int flags, Ref<SockAddr> from) {
        return ws().recvfrom(s, buf, len, flags, from);
    }

    public static int setsockopt(long s, int level, int optname, byte[] optval, int optlen) {
        return ws().setsockopt(s, level, optname, optval, optlen);
    }

    public static int getsockopt(long s, int level, int optname, byte[] optval, IntRef optlen) {
        return ws().getsockopt(s, level, optname, optval, optlen);
    }

    public static int ioctlsocket(long s, int cmd, IntRef argp) {
        return ws().ioctlsocket(s, cmd, argp);
    }

    public static int select(int nfds, FdSet readfds, FdSet writefds, FdSet exceptfds, TimeVal timeout) {
        return ws().select(nfds, readfds, writefds, exceptfds, timeout);
    }

    public static int inet_pton(int family, String src, byte[] dst) {
        return ws().inet_pton(family, src, dst);
    }

    public static String inet_ntop(int family, byte[] src) {
        return ws().inet_ntop(family, src);
    }

    public static String inet_ntop(int family, byte[] src, int size) {
        return ws().inet_ntop(family, src, size);
    }

    public static void FD_SET(long fd, FdSet set) {
        Winsock.FD_SET(fd, set);
    }

    public static void FD_CLR(long fd, FdSet set) {
        Winsock.FD_CLR(fd, set);
    }

    public static void FD_ZERO(FdSet set) {
        Winsock.FD_ZERO(set);
    }

    public static boolean FD_ISSET(long fd, FdSet set) {
        return Winsock.FD_ISSET(fd, set);
    }

    // ---- names: getaddrinfo, getnameinfo, getXbyY, namespace and protocol enumeration ----

    public static int getaddrinfo(String pNodeName, String pServiceName, AddrInfo pHints, Ref<AddrInfo> ppResult) {
        return ws().getaddrinfo(pNodeName, pServiceName, pHints, ppResult);
    }

    public static int GetAddrInfoW(String pNodeName, String pServiceName, AddrInfo pHints, Ref<AddrInfo> ppResult) {
        return ws().GetAddrInfoW(pNodeName, pServiceName, pHints, ppResult);
    }

    public static void freeaddrinfo(AddrInfo pAddrInfo) {
        ws().freeaddrinfo(pAddrInfo);
    }

    public static void FreeAddrInfoW(AddrInfo pAddrInfo) {
        ws().FreeAddrInfoW(pAddrInfo);
    }

    public static int getnameinfo(SockAddr pSockaddr, Ref<String> pNodeBuffer, int NodeBufferSize,
                                  Ref<String> pServiceBuffer, int ServiceBufferSize, int Flags) {
        return ws().getnameinfo(pSockaddr, pNodeBuffer, NodeBufferSize, pServiceBuffer, ServiceBufferSize, Flags);
    }

    public static int GetNameInfoW(SockAddr pSockaddr, Ref<String> pNodeBuffer, int NodeBufferSize,
                                   Ref<String> pServiceBuffer, int ServiceBufferSize, int Flags) {
        return ws().GetNameInfoW(pSockaddr, pNodeBuffer, NodeBufferSize, pServiceBuffer, ServiceBufferSize, Flags);
    }

    public static String gai_strerror(int ecode) {
        return Winsock.gai_strerror(ecode);
    }

    public static HostEnt gethostbyname(String name) {
        return ws().gethostbyname(name);
    }

    public static HostEnt gethostbyaddr(byte[] addr, int len, int type) {
        return ws().gethostbyaddr(addr, len, type);
    }

    public static int gethostname(Ref<String> name, int namelen) {
        return ws().gethostname(name, namelen);
    }

    public static ServEnt getservbyname(String name, String proto) {
        return ws().getservbyname(name, proto);
    }

    public static ServEnt getservbyport(int port, String proto) {
        return ws().getservbyport(port, proto);
    }

    public static ProtoEnt getprotobyname(String name) {
        return ws().getprotobyname(name);
    }

    public static ProtoEnt getprotobynumber(int number) {
        return ws().getprotobynumber(number);
    }

    public static int WSAAddressToString(SockAddr lpsaAddress, ProtocolInfo lpProtocolInfo,
                                         Ref<String> lpszAddressString, IntRef lpdwAddressStringLength) {
        return ws().WSAAddressToString(lpsaAddress, lpProtocolInfo, lpszAddressString, lpdwAddressStringLength);
    }

    public static int WSAStringToAddress(String AddressString, int AddressFamily, ProtocolInfo lpProtocolInfo,
                                         Ref<SockAddr> lpAddress) {
        return ws().WSAStringToAddress(AddressString, AddressFamily, lpProtocolInfo, lpAddress);
    }

    public static int WSAEnumProtocols(int[] lpiProtocols, ProtocolInfo[] lpProtocolBuffer,
                                       IntRef lpdwBufferLength) {
        return ws().WSAEnumProtocols(lpiProtocols, lpProtocolBuffer, lpdwBufferLength);
    }

    public static int WSAEnumNameSpaceProviders(IntRef lpdwBufferLength,
                                                org.sockstack.spi.namespace.NamespaceCatalog.Entry[] lpnspBuffer) {
        return ws().WSAEnumNameSpaceProviders(lpdwBufferLength, lpnspBuffer);
    }

    public static int WSALookupServiceBegin(org.sockstack.spi.namespace.QuerySet lpqsRestrictions,
                                            int dwControlFlags, Ref<Long> lphLookup) {
        return ws().WSALookupServiceBegin(lpqsRestrictions, dwControlFlags, lphLookup);
    }

    public static int WSALookupServiceNext(long hLookup, int dwControlFlags,
                                           Ref<org.sockstack.spi.namespace.QuerySet> lpqsResults) {
        return ws().WSALookupServiceNext(hLookup, dwControlFlags, lpqsResults);
    }

    public static int WSALookupServiceEnd(long hLookup) {
        return ws().WSALookupServiceEnd(hLookup);
    }
}
