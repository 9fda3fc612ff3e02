package org.sockstack.api;

import org.sockstack.spi.WsaData;
import org.sockstack.spi.catalog.ProtocolInfo;
import org.sockstack.spi.provider.AsyncWindow;
import org.sockstack.spi.provider.FdSet;
import org.sockstack.spi.provider.NetworkEvents;
import org.sockstack.spi.provider.WsaEvent;
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

    // ---- overlapped I/O, completion ports, extension functions ----

    public static int WSASend(long s, ByteBuffer[] lpBuffers, IntRef lpNumberOfBytesSent, int dwFlags,
                              org.sockstack.spi.provider.Overlapped lpOverlapped,
                              org.sockstack.spi.provider.CompletionRoutine lpCompletionRoutine) {
        return ws().WSASend(s, lpBuffers, lpNumberOfBytesSent, dwFlags, lpOverlapped, lpCompletionRoutine);
    }

    public static int WSASendTo(long s, ByteBuffer[] lpBuffers, IntRef lpNumberOfBytesSent, int dwFlags,
                                SockAddr lpTo, org.sockstack.spi.provider.Overlapped lpOverlapped,
                                org.sockstack.spi.provider.CompletionRoutine lpCompletionRoutine) {
        return ws().WSASendTo(s, lpBuffers, lpNumberOfBytesSent, dwFlags, lpTo, lpOverlapped, lpCompletionRoutine);
    }

    public static int WSARecv(long s, ByteBuffer[] lpBuffers, IntRef lpNumberOfBytesRecvd, IntRef lpFlags,
                              org.sockstack.spi.provider.Overlapped lpOverlapped,
                              org.sockstack.spi.provider.CompletionRoutine lpCompletionRoutine) {
        return ws().WSARecv(s, lpBuffers, lpNumberOfBytesRecvd, lpFlags, lpOverlapped, lpCompletionRoutine);
    }

    public static int WSARecvFrom(long s, ByteBuffer[] lpBuffers, IntRef lpNumberOfBytesRecvd, IntRef lpFlags,
                                  Ref<SockAddr> lpFrom, org.sockstack.spi.provider.Overlapped lpOverlapped,
                                  org.sockstack.spi.provider.CompletionRoutine lpCompletionRoutine) {
        return ws().WSARecvFrom(s, lpBuffers, lpNumberOfBytesRecvd, lpFlags, lpFrom, lpOverlapped,
                lpCompletionRoutine);
    }

    public static boolean WSAGetOverlappedResult(long s, org.sockstack.spi.provider.Overlapped lpOverlapped,
                                                 IntRef lpcbTransfer, boolean fWait, IntRef lpdwFlags) {
        return ws().WSAGetOverlappedResult(s, lpOverlapped, lpcbTransfer, fWait, lpdwFlags);
    }

    public static int SleepEx(int dwMilliseconds, boolean bAlertable) {
        return ws().SleepEx(dwMilliseconds, bAlertable);
    }

    public static int WSAIoctl(long s, int dwIoControlCode, byte[] lpvInBuffer, byte[] lpvOutBuffer,
                               IntRef lpcbBytesReturned, org.sockstack.spi.provider.Overlapped lpOverlapped,
                               org.sockstack.spi.provider.CompletionRoutine lpCompletionRoutine) {
        return ws().WSAIoctl(s, dwIoControlCode, lpvInBuffer, lpvOutBuffer, lpcbBytesReturned, lpOverlapped,
                lpCompletionRoutine);
    }

    public static int WSAIoctl(long s, int dwIoControlCode, java.util.UUID lpvInBuffer, Ref<Object> lpvOutBuffer,
                               IntRef lpcbBytesReturned, org.sockstack.spi.provider.Overlapped lpOverlapped,
                               org.sockstack.spi.provider.CompletionRoutine lpCompletionRoutine) {
        return ws().WSAIoctl(s, dwIoControlCode, lpvInBuffer, lpvOutBuffer, lpcbBytesReturned, lpOverlapped,
                lpCompletionRoutine);
    }

    public static IoCompletionPort CreateIoCompletionPort(long FileHandle, IoCompletionPort ExistingCompletionPort,
                                                          long CompletionKey, int NumberOfConcurrentThreads) {
        return ws().CreateIoCompletionPort(FileHandle, ExistingCompletionPort, CompletionKey,
                NumberOfConcurrentThreads);
    }

    public static boolean GetQueuedCompletionStatus(IoCompletionPort CompletionPort,
                                                    IntRef lpNumberOfBytesTransferred, Ref<Long> lpCompletionKey,
                                                    Ref<org.sockstack.spi.provider.Overlapped> lpOverlapped,
                                                    int dwMilliseconds) {
        return ws().GetQueuedCompletionStatus(CompletionPort, lpNumberOfBytesTransferred, lpCompletionKey,
                lpOverlapped, dwMilliseconds);
    }

    public static boolean PostQueuedCompletionStatus(IoCompletionPort CompletionPort, int dwNumberOfBytesTransferred,
                                                     long dwCompletionKey,
                                                     org.sockstack.spi.provider.Overlapped lpOverlapped) {
        return ws().PostQueuedCompletionStatus(CompletionPort, dwNumberOfBytesTransferred, dwCompletionKey,
                lpOverlapped);
    }

    public static boolean CloseHandle(IoCompletionPort hObject) {
        return ws().CloseHandle(hObject);
    }

    public static boolean AcceptEx(long sListenSocket, long sAcceptSocket, ByteBuffer lpOutputBuffer,
                                   int dwReceiveDataLength, int dwLocalAddressLength, int dwRemoteAddressLength,
                                   IntRef lpdwBytesReceived, org.sockstack.spi.provider.Overlapped lpOverlapped) {
        return ws().AcceptEx(sListenSocket, sAcceptSocket, lpOutputBuffer, dwReceiveDataLength, dwLocalAddressLength,
                dwRemoteAddressLength, lpdwBytesReceived, lpOverlapped);
    }

    public static void GetAcceptExSockaddrs(ByteBuffer lpOutputBuffer, int dwReceiveDataLength,
                                            int dwLocalAddressLength, int dwRemoteAddressLength,
                                            Ref<SockAddr> LocalSockaddr, Ref<SockAddr> RemoteSockaddr) {
        MsWsock.GetAcceptExSockaddrs(lpOutputBuffer, dwReceiveDataLength, dwLocalAddressLength,
                dwRemoteAddressLength, LocalSockaddr, RemoteSockaddr);
    }

    public static boolean TransmitFile(long hSocket, java.nio.channels.FileChannel hFile, long nNumberOfBytesToWrite,
                                       int nNumberOfBytesPerSend, org.sockstack.spi.provider.Overlapped lpOverlapped,
                                       MsWsock.TransmitFileBuffers lpTransmitBuffers, int dwFlags) {
        return ws().TransmitFile(hSocket, hFile, nNumberOfBytesToWrite, nNumberOfBytesPerSend, lpOverlapped,
                lpTransmitBuffers, dwFlags);
    }

    // ---- events, event select, asynchronous select, WSAPoll ----

    public static final int WSA_WAIT_EVENT_0 = Winsock.WSA_WAIT_EVENT_0;
    public static final int WSA_WAIT_IO_COMPLETION = Winsock.WSA_WAIT_IO_COMPLETION;
    public static final int WSA_WAIT_TIMEOUT = Winsock.WSA_WAIT_TIMEOUT;
    public static final int WSA_WAIT_FAILED = Winsock.WSA_WAIT_FAILED;
    public static final int WSA_INFINITE = Winsock.WSA_INFINITE;
    public static final int WSA_MAXIMUM_WAIT_EVENTS = Winsock.WSA_MAXIMUM_WAIT_EVENTS;
    public static final WsaEvent WSA_INVALID_EVENT = null;

    public static WsaEvent WSACreateEvent() {
        return ws().WSACreateEvent();
    }

    public static boolean WSACloseEvent(WsaEvent hEvent) {
        return ws().WSACloseEvent(hEvent);
    }

    public static boolean WSASetEvent(WsaEvent hEvent) {
        return ws().WSASetEvent(hEvent);
    }

    public static boolean WSAResetEvent(WsaEvent hEvent) {
        return ws().WSAResetEvent(hEvent);
    }

    public static int WSAWaitForMultipleEvents(int cEvents, WsaEvent[] lphEvents, boolean fWaitAll, int dwTimeout,
                                               boolean fAlertable) {
        return ws().WSAWaitForMultipleEvents(cEvents, lphEvents, fWaitAll, dwTimeout, fAlertable);
    }

    public static int WSAEventSelect(long s, WsaEvent hEventObject, int lNetworkEvents) {
        return ws().WSAEventSelect(s, hEventObject, lNetworkEvents);
    }

    public static int WSAEnumNetworkEvents(long s, WsaEvent hEventObject, NetworkEvents lpNetworkEvents) {
        return ws().WSAEnumNetworkEvents(s, hEventObject, lpNetworkEvents);
    }

    public static int WSAAsyncSelect(long s, AsyncWindow hWnd, int wMsg, int lEvent) {
        return ws().WSAAsyncSelect(s, hWnd, wMsg, lEvent);
    }

    public static long WSAMAKESELECTREPLY(int event, int error) {
        return Winsock.WSAMAKESELECTREPLY(event, error);
    }

    public static int WSAGETSELECTEVENT(long lParam) {
        return Winsock.WSAGETSELECTEVENT(lParam);
    }

    public static int WSAGETSELECTERROR(long lParam) {
        return Winsock.WSAGETSELECTERROR(lParam);
    }

    public static int WSAPoll(WsaPollFd[] fdArray, int fds, int timeout) {
        return ws().WSAPoll(fdArray, fds, timeout);
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
    // ---- options, ioctls, multipoint ----

    public static int WSAConnect(long s, SockAddr name, byte[] lpCallerData, Ref<byte[]> lpCalleeData,
                                 org.sockstack.spi.provider.Qos lpSQOS, org.sockstack.spi.provider.Qos lpGQOS) {
        return ws().WSAConnect(s, name, lpCallerData, lpCalleeData, lpSQOS, lpGQOS);
    }

    public static long WSAAccept(long s, Ref<SockAddr> addr,
                                 org.sockstack.spi.provider.ConditionCallback lpfnCondition) {
        return ws().WSAAccept(s, addr, lpfnCondition);
    }

    public static int WSADuplicateSocket(long s, long dwProcessId, Ref<ProtocolInfo> lpProtocolInfo) {
        return ws().WSADuplicateSocket(s, dwProcessId, lpProtocolInfo);
    }

    public static long WSAJoinLeaf(long s, SockAddr name, byte[] lpCallerData, Ref<byte[]> lpCalleeData,
                                   org.sockstack.spi.provider.Qos lpSQOS, org.sockstack.spi.provider.Qos lpGQOS,
                                   int dwFlags) {
        return ws().WSAJoinLeaf(s, name, lpCallerData, lpCalleeData, lpSQOS, lpGQOS, dwFlags);
    }

    // ---- remaining functions ----

    public static final int INADDR_NONE = Winsock.INADDR_NONE;
    public static final int MAXGETHOSTSTRUCT = Winsock.MAXGETHOSTSTRUCT;

    public static int inet_addr(String cp) {
        return Winsock.inet_addr(cp);
    }

    public static String inet_ntoa(int in) {
        return Winsock.inet_ntoa(in);
    }

    public static int WSAHtons(long s, short hostshort, Ref<Short> lpnetshort) {
        return ws().WSAHtons(s, hostshort, lpnetshort);
    }

    public static int WSANtohs(long s, short netshort, Ref<Short> lphostshort) {
        return ws().WSANtohs(s, netshort, lphostshort);
    }

    public static int WSAHtonl(long s, int hostlong, IntRef lpnetlong) {
        return ws().WSAHtonl(s, hostlong, lpnetlong);
    }

    public static int WSANtohl(long s, int netlong, IntRef lphostlong) {
        return ws().WSANtohl(s, netlong, lphostlong);
    }

    public static int WSASendDisconnect(long s, ByteBuffer lpOutboundDisconnectData) {
        return ws().WSASendDisconnect(s, lpOutboundDisconnectData);
    }

    public static int WSARecvDisconnect(long s, ByteBuffer lpInboundDisconnectData) {
        return ws().WSARecvDisconnect(s, lpInboundDisconnectData);
    }

    public static boolean WSAConnectByName(long s, String nodename, String servicename, Ref<SockAddr> LocalAddress,
                                           Ref<SockAddr> RemoteAddress, TimeVal timeout,
                                           org.sockstack.spi.provider.Overlapped Reserved) {
        return ws().WSAConnectByName(s, nodename, servicename, LocalAddress, RemoteAddress, timeout, Reserved);
    }

    public static boolean WSAConnectByList(long s, java.util.List<SockAddr> SocketAddress,
                                           Ref<SockAddr> LocalAddress, Ref<SockAddr> RemoteAddress, TimeVal timeout,
                                           org.sockstack.spi.provider.Overlapped Reserved) {
        return ws().WSAConnectByList(s, SocketAddress, LocalAddress, RemoteAddress, timeout, Reserved);
    }

    public static boolean GetQueuedCompletionStatusEx(IoCompletionPort CompletionPort,
                                                      OverlappedEntry[] lpCompletionPortEntries, int ulCount,
                                                      IntRef ulNumEntriesRemoved, int dwMilliseconds,
                                                      boolean fAlertable) {
        return ws().GetQueuedCompletionStatusEx(CompletionPort, lpCompletionPortEntries, ulCount,
                ulNumEntriesRemoved, dwMilliseconds, fAlertable);
    }

    public static long WSAAsyncGetHostByName(AsyncWindow hWnd, int wMsg, String name, Ref<HostEnt> buf,
                                             int buflen) {
        return ws().WSAAsyncGetHostByName(hWnd, wMsg, name, buf, buflen);
    }

    public static long WSAAsyncGetHostByAddr(AsyncWindow hWnd, int wMsg, byte[] addr, int len, int type,
                                             Ref<HostEnt> buf, int buflen) {
        return ws().WSAAsyncGetHostByAddr(hWnd, wMsg, addr, len, type, buf, buflen);
    }

    public static long WSAAsyncGetServByName(AsyncWindow hWnd, int wMsg, String name, String proto,
                                             Ref<ServEnt> buf, int buflen) {
        return ws().WSAAsyncGetServByName(hWnd, wMsg, name, proto, buf, buflen);
    }

    public static long WSAAsyncGetServByPort(AsyncWindow hWnd, int wMsg, int port, String proto,
                                             Ref<ServEnt> buf, int buflen) {
        return ws().WSAAsyncGetServByPort(hWnd, wMsg, port, proto, buf, buflen);
    }

    public static long WSAAsyncGetProtoByName(AsyncWindow hWnd, int wMsg, String name, Ref<ProtoEnt> buf,
                                              int buflen) {
        return ws().WSAAsyncGetProtoByName(hWnd, wMsg, name, buf, buflen);
    }

    public static long WSAAsyncGetProtoByNumber(AsyncWindow hWnd, int wMsg, int number, Ref<ProtoEnt> buf,
                                                int buflen) {
        return ws().WSAAsyncGetProtoByNumber(hWnd, wMsg, number, buf, buflen);
    }

    public static int WSACancelAsyncRequest(long hAsyncTaskHandle) {
        return ws().WSACancelAsyncRequest(hAsyncTaskHandle);
    }

    public static long WSAMAKEASYNCREPLY(int buflen, int error) {
        return Winsock.WSAMAKEASYNCREPLY(buflen, error);
    }

    public static int WSAGETASYNCBUFLEN(long lParam) {
        return Winsock.WSAGETASYNCBUFLEN(lParam);
    }

    public static int WSAGETASYNCERROR(long lParam) {
        return Winsock.WSAGETASYNCERROR(lParam);
    }
}
