package org.sockstack.spi.provider;

import org.sockstack.spi.catalog.ProtocolInfo;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;

import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A transport service provider: the WSP procedure table. ws2_32 (here the {@code Ws2Process})
 * calls {@link #startup} once per use of the provider and routes every socket call of the
 * provider's handles here. The newest form of each call reaches the provider: connect/WSAConnect
 * arrive as {@link #connect}, recv/recvfrom/WSARecv* as {@link #recv}/{@link #recvFrom}, etc.
 *
 * <p>Conventions: a call returns 0 (or a count, or a handle) on success and
 * {@link org.sockstack.spi.wsa.Wsa#SOCKET_ERROR} (or INVALID_SOCKET) on failure, with the WSA
 * error code in {@code errno}. The provider checks its own parameters and keeps SO_ERROR per
 * socket. Overlapped calls ({@code overlapped} non-null on an overlapped socket) return 0 when the
 * operation completed at once (the notification is delivered all the same) or SOCKET_ERROR with
 * WSA_IO_PENDING when it completes later.
 */
public interface TransportProvider {

    /**
     * WSPStartup: negotiates the version (the highest both support, else WSAVERNOTSUPPORTED) and
     * counts the use; {@code info} is the entry (or chain) being loaded. Returns 0 or an error code.
     */
    int startup(int versionRequested, WspData data, ProtocolInfo info, Upcalls upcalls);

    /** WSPCleanup: one per successful startup; the last one closes every socket of the provider. */
    int cleanup(IntRef errno);

    /** WSPSocket. {@code info} is the catalog entry (or duplicated info) chosen by ws2_32. */
    long socket(int af, int type, int protocol, ProtocolInfo info, int group, int flags, IntRef errno);

    /** WSPCloseSocket. Pending overlapped operations complete with WSA_OPERATION_ABORTED. */
    int closeSocket(long s, IntRef errno);

    int bind(long s, SockAddr name, IntRef errno);

    int listen(long s, int backlog, IntRef errno);

    /** WSPAccept with an optional condition callback (CF_ACCEPT / CF_REJECT / CF_DEFER). */
    long accept(long s, Ref<SockAddr> addr, ConditionCallback condition, IntRef errno);

    /** WSPConnect with connect data and QoS (each may be null). */
    int connect(long s, SockAddr name, byte[] callerData, Ref<byte[]> calleeData, Qos sqos, Qos gqos,
                IntRef errno);

    /** WSPJoinLeaf: multipoint join (JL_SENDER_ONLY, JL_RECEIVER_ONLY, JL_BOTH). */
    long joinLeaf(long s, SockAddr name, byte[] callerData, Ref<byte[]> calleeData, Qos sqos, Qos gqos, int flags,
                  IntRef errno);

    int shutdown(long s, int how, IntRef errno);

    int getSockName(long s, Ref<SockAddr> name, IntRef errno);

    int getPeerName(long s, Ref<SockAddr> name, IntRef errno);

    int send(long s, ByteBuffer[] buffers, IntRef bytesSent, int flags, Overlapped overlapped,
             CompletionRoutine routine, Thread threadId, IntRef errno);

    int sendTo(long s, ByteBuffer[] buffers, IntRef bytesSent, int flags, SockAddr to, Overlapped overlapped,
               CompletionRoutine routine, Thread threadId, IntRef errno);

    /** WSPRecv: {@code flags} is in/out (MSG_PEEK, MSG_OOB in; MSG_PARTIAL out). */
    int recv(long s, ByteBuffer[] buffers, IntRef bytesRecvd, IntRef flags, Overlapped overlapped,
             CompletionRoutine routine, Thread threadId, IntRef errno);

    int recvFrom(long s, ByteBuffer[] buffers, IntRef bytesRecvd, IntRef flags, Ref<SockAddr> from,
                 Overlapped overlapped, CompletionRoutine routine, Thread threadId, IntRef errno);

    /**
     * The datagram receive under WSARecvMsg: {@link #recvFrom}, and {@code info} (when not null)
     * is told the datagram's {@link PacketInfo} (destination address and arrival interface) before
     * the completion is signalled. By default: recvFrom, and {@code info} is told nothing.
     */
    default int recvMsg(long s, ByteBuffer[] buffers, IntRef bytesRecvd, IntRef flags, Ref<SockAddr> from,
                        PacketInfo.Sink info, Overlapped overlapped, CompletionRoutine routine, Thread threadId,
                        IntRef errno) {
        return recvFrom(s, buffers, bytesRecvd, flags, from, overlapped, routine, threadId, errno);
    }

    /**
     * The datagram send under WSASendMsg: {@link #sendTo} from the source address and interface
     * {@code source} names (null: the provider's choice, as sendTo). By default a source choice
     * is refused with WSAEOPNOTSUPP.
     */
    default int sendMsg(long s, ByteBuffer[] buffers, IntRef bytesSent, int flags, SockAddr to, PacketInfo source,
                        Overlapped overlapped, CompletionRoutine routine, Thread threadId, IntRef errno) {
        if (source != null) {
            errno.value = org.sockstack.spi.wsa.WsaError.WSAEOPNOTSUPP;
            return org.sockstack.spi.wsa.Wsa.SOCKET_ERROR;
        }
        return sendTo(s, buffers, bytesSent, flags, to, overlapped, routine, threadId, errno);
    }

    int sendDisconnect(long s, byte[] disconnectData, IntRef errno);

    int recvDisconnect(long s, Ref<byte[]> disconnectData, IntRef errno);

    /** WSPGetSockOpt: {@code optlen} in/out; values are little-endian as on Windows. */
    int getSockOpt(long s, int level, int name, byte[] optval, IntRef optlen, IntRef errno);

    int setSockOpt(long s, int level, int name, byte[] optval, int optlen, IntRef errno);

    /** WSPIoctl (may be overlapped). */
    int ioctl(long s, int code, byte[] in, byte[] out, IntRef bytesReturned, Overlapped overlapped,
              CompletionRoutine routine, Thread threadId, IntRef errno);

    /** WSPSelect over sockets of this provider; {@code timeout} null waits forever. Returns the count. */
    int select(FdSet read, FdSet write, FdSet except, Duration timeout, IntRef errno);

    int asyncSelect(long s, AsyncWindow window, int msg, int events, IntRef errno);

    int eventSelect(long s, WsaEvent event, int events, IntRef errno);

    /** WSPEnumNetworkEvents: reports and clears the recorded events; resets {@code event} if given. */
    int enumNetworkEvents(long s, WsaEvent event, NetworkEvents out, IntRef errno);

    /** WSPGetOverlappedResult: false with WSA_IO_INCOMPLETE if not done and {@code wait} is false. */
    boolean getOverlappedResult(long s, Overlapped overlapped, IntRef bytes, boolean wait, IntRef flags,
                                IntRef errno);

    /** WSPDuplicateSocket: a protocol info another owner passes to WSPSocket to share the socket. */
    int duplicateSocket(long s, long processId, Ref<ProtocolInfo> info, IntRef errno);

    int addressToString(SockAddr address, ProtocolInfo info, Ref<String> text, IntRef errno);

    int stringToAddress(String text, int af, ProtocolInfo info, Ref<SockAddr> address, IntRef errno);

    /** WSPGetQOSByName: a named QoS template; false with WSAEINVAL if unknown. */
    boolean getQosByName(long s, String name, Ref<Qos> qos, IntRef errno);

    /** WSPCancelBlockingCall: Winsock 1.1 only; WSAEOPNOTSUPP here. */
    int cancelBlockingCall(IntRef errno);
}
