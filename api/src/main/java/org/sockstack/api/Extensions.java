package org.sockstack.api;

import org.sockstack.api.MsWsock.TransmitFileBuffers;
import org.sockstack.api.MsWsock.WsaMsg;
import org.sockstack.api.OverlappedIo.Outcome;
import org.sockstack.spi.provider.BaseTransportProvider;
import org.sockstack.spi.provider.CompletionRoutine;
import org.sockstack.spi.provider.FdSet;
import org.sockstack.spi.provider.Overlapped;
import org.sockstack.spi.provider.PacketInfo;
import org.sockstack.spi.provider.TransportProvider;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The Microsoft extension functions (mswsock) over the SPI: AcceptEx, GetAcceptExSockaddrs,
 * ConnectEx, DisconnectEx, TransmitFile, TransmitPackets ({@link PacketTransmitter}), WSARecvMsg
 * and WSASendMsg, handed out by
 * WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER). The SPI has no overlapped accept or connect, so
 * AcceptEx and ConnectEx run on a virtual thread (waiting for readiness with select, whatever the
 * socket's mode) and complete through {@link OverlappedIo}.
 *
 * <p>Argument checks follow what Wine's ws2_32 tests record of Windows: AcceptEx needs an
 * overlapped (ERROR_INVALID_PARAMETER), a listening socket (WSAEINVAL), a fresh accept socket
 * (WSAEINVAL if bound or already used by a pending AcceptEx) and address blocks of at least the
 * sockaddr plus 16 bytes (WSAEFAULT); ConnectEx needs a bound socket (WSAEINVAL), not yet
 * connected (WSAEISCONN).
 */
final class Extensions {
    private final OverlappedIo io;
    /** Accept sockets a pending AcceptEx will fill. */
    private final Set<Long> acceptTargets = ConcurrentHashMap.newKeySet();

    Extensions(OverlappedIo io) {
        this.io = io;
    }

    /** WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER): the function for a GUID, or null. */
    Object function(UUID guid) {
        if (MsWsock.WSAID_ACCEPTEX.equals(guid)) {
            return (MsWsock.LPFN_ACCEPTEX) this::acceptEx;
        } else if (MsWsock.WSAID_GETACCEPTEXSOCKADDRS.equals(guid)) {
            return (MsWsock.LPFN_GETACCEPTEXSOCKADDRS) MsWsock::GetAcceptExSockaddrs;
        } else if (MsWsock.WSAID_CONNECTEX.equals(guid)) {
            return (MsWsock.LPFN_CONNECTEX) this::connectEx;
        } else if (MsWsock.WSAID_DISCONNECTEX.equals(guid)) {
            return (MsWsock.LPFN_DISCONNECTEX) this::disconnectEx;
        } else if (MsWsock.WSAID_TRANSMITFILE.equals(guid)) {
            return (MsWsock.LPFN_TRANSMITFILE) this::transmitFile;
        } else if (MsWsock.WSAID_TRANSMITPACKETS.equals(guid)) {
            return (MsWsock.LPFN_TRANSMITPACKETS) new PacketTransmitter(io)::transmitPackets;
        } else if (MsWsock.WSAID_WSARECVMSG.equals(guid)) {
            return (MsWsock.LPFN_WSARECVMSG) this::recvMsg;
        } else if (MsWsock.WSAID_WSASENDMSG.equals(guid)) {
            return (MsWsock.LPFN_WSASENDMSG) this::sendMsg;
        }
        return null;
    }

    private boolean failed(int code) {
        io.fail(code);
        return false;
    }

    private static int sockaddrSize(SockAddr local) {
        return local != null && local.family() == Wsa.AF_INET6 ? SockAddr.SOCKADDR_IN6_SIZE : SockAddr.SOCKADDR_IN_SIZE;
    }

    // ------------------------------------------------------------------ AcceptEx

    boolean acceptEx(long listen, long accept, ByteBuffer out, int receiveLength, int localLength, int remoteLength,
                     IntRef bytesReceived, Overlapped ov) {
        TransportProvider p = io.provider(listen);
        if (p == null || io.provider(accept) == null) {
            return false;
        }
        if (ov == null) {
            return failed(WsaError.WSA_INVALID_PARAMETER);
        }
        int min = sockaddrSize(OverlappedIo.localName(p, listen)) + MsWsock.ACCEPTEX_ADDRESS_EXTRA;
        if (out == null || receiveLength < 0 || localLength < min || remoteLength < min
                || out.remaining() < receiveLength + localLength + remoteLength) {
            return failed(WsaError.WSAEFAULT);
        }
        if (!(p instanceof BaseTransportProvider base) || io.provider(accept) != p) {
            return failed(WsaError.WSAEOPNOTSUPP);
        }
        if (OverlappedIo.intOption(p, listen, Wsa.SOL_SOCKET, Wsa.SO_ACCEPTCONN) == 0
                || OverlappedIo.localName(p, accept) != null || !acceptTargets.add(accept)) {
            return failed(WsaError.WSAEINVAL);
        }
        int base0 = out.position();
        io.startBackground(listen, ov, null, "acceptex", () -> {
            try {
                Outcome o = acceptInto(base, listen, accept, out, base0, receiveLength, localLength, remoteLength);
                if (bytesReceived != null) {
                    bytesReceived.value = o.bytes();
                }
                return o;
            } finally {
                acceptTargets.remove(accept);
            }
        });
        return false;
    }

    /**
     * The background half: wait for a connection (or a close), adopt it, then wait for the first
     * data. The wait is never inside the provider's accept (a blocking listener would block there
     * and ignore the accept socket's closing, then take and drop the next client): it is a
     * select-style readiness wait on the listener and the accept socket, bounded by {@link #POLL}
     * so the AcceptEx checks regularly that it is still wanted (accept socket and listener open);
     * once not, it completes with WSA_OPERATION_ABORTED as Windows does for a closed handle.
     */
    private Outcome acceptInto(BaseTransportProvider p, long listen, long accept, ByteBuffer out, int at,
                               int receiveLength, int localLength, int remoteLength) {
        Ref<SockAddr> peer = new Ref<>();
        long child = takeConnection(p, listen, accept, peer);
        if (child == Wsa.INVALID_SOCKET) {
            return Outcome.failed(WsaError.WSA_OPERATION_ABORTED);
        }
        IntRef errno = new IntRef();
        if (p.adoptAccepted(accept, child, errno) != 0) {
            p.closeSocket(child, new IntRef());
            return Outcome.failed(WsaError.WSA_OPERATION_ABORTED);
        }
        MsWsock.putAddressBlock(out, at + receiveLength, localLength, OverlappedIo.localName(p, accept));
        MsWsock.putAddressBlock(out, at + receiveLength + localLength, remoteLength, peer.value);
        if (receiveLength == 0) {
            return Outcome.ok(0);
        }
        ByteBuffer data = out.duplicate().position(at).limit(at + receiveLength).slice();
        return OverlappedIo.recvOnce(p, accept, new ByteBuffer[] {data}, 0);
    }

    /** How long one readiness wait of a pending AcceptEx lasts before it checks it is still wanted. */
    private static final Duration POLL = Duration.ofMillis(50);
    /** One AcceptEx at a time takes a connection, so that none enters accept on an emptied backlog. */
    private final ReentrantLock taking = new ReentrantLock();
    /** Listeners holding a connection an AcceptEx deferred (select does not show it): the next takes it. */
    private final Set<Long> deferredOn = ConcurrentHashMap.newKeySet();

    /** AcceptEx is still wanted: its accept socket exists and the listener still listens. */
    private boolean wanted(TransportProvider p, long listen, long accept) {
        return io.ws().process().provider(accept, new IntRef()) != null
                && OverlappedIo.intOption(p, listen, Wsa.SOL_SOCKET, Wsa.SO_ACCEPTCONN) != 0;
    }

    /**
     * Takes the next connection of {@code listen} for the AcceptEx filling {@code accept}: its
     * handle, or INVALID_SOCKET once the AcceptEx is no longer wanted (or the listener failed).
     * A connection only enters accept when select showed it (under {@link #taking}), so accept
     * returns at once; should another thread's accept() have taken it meanwhile, the condition
     * function defers (keeps) a connection that arrives after this AcceptEx stopped being wanted.
     */
    private long takeConnection(BaseTransportProvider p, long listen, long accept, Ref<SockAddr> peer) {
        while (true) {
            FdSet ready = FdSet.of(listen, accept);
            IntRef errno = new IntRef();
            boolean failed = p.select(ready, null, null, POLL, errno) == Wsa.SOCKET_ERROR;
            if (!wanted(p, listen, accept) || failed) {
                if (OverlappedIo.intOption(p, listen, Wsa.SOL_SOCKET, Wsa.SO_ACCEPTCONN) == 0) {
                    deferredOn.remove(listen);
                }
                return Wsa.INVALID_SOCKET;
            }
            boolean acceptable = ready.isSet(listen) || deferredOn.contains(listen);
            if (!acceptable || !lockTaking()) {
                continue;
            }
            try {
                if (!wanted(p, listen, accept)) {
                    return Wsa.INVALID_SOCKET;
                }
                boolean deferred = deferredOn.remove(listen);
                if (!deferred && !acceptableNow(p, listen)) {
                    continue;
                }
                long child = p.accept(listen, peer,
                        (caller, data, sqos, gqos, callee, calleeData, group) ->
                                wanted(p, listen, accept) ? Wsa.CF_ACCEPT : Wsa.CF_DEFER, errno);
                if (child != Wsa.INVALID_SOCKET) {
                    return child;
                }
                if (errno.value == WsaError.WSATRY_AGAIN) {
                    deferredOn.add(listen);
                    return Wsa.INVALID_SOCKET;
                }
                if (errno.value != WsaError.WSAEWOULDBLOCK) {
                    return Wsa.INVALID_SOCKET;
                }
            } finally {
                taking.unlock();
            }
        }
    }

    private boolean lockTaking() {
        try {
            return taking.tryLock(POLL.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The listener has a connection waiting now (select with a zero timeout). */
    private static boolean acceptableNow(TransportProvider p, long listen) {
        FdSet ready = FdSet.of(listen);
        return p.select(ready, null, null, Duration.ZERO, new IntRef()) > 0 && ready.isSet(listen);
    }

    // ------------------------------------------------------------------ ConnectEx, DisconnectEx

    boolean connectEx(long s, SockAddr name, ByteBuffer sendBuffer, IntRef bytesSent, Overlapped ov) {
        TransportProvider p = io.provider(s);
        if (p == null) {
            return false;
        }
        if (name == null) {
            return failed(WsaError.WSAEFAULT);
        }
        if (ov == null) {
            return failed(WsaError.WSA_INVALID_PARAMETER);
        }
        if (OverlappedIo.socketType(p, s) != Wsa.SOCK_STREAM || OverlappedIo.localName(p, s) == null) {
            return failed(WsaError.WSAEINVAL);
        }
        if (p.getPeerName(s, new Ref<>(), new IntRef()) == 0) {
            return failed(WsaError.WSAEISCONN);
        }
        ByteBuffer data = sendBuffer == null ? ByteBuffer.allocate(0) : sendBuffer.duplicate();
        io.startBackground(s, ov, null, "connectex", () -> {
            Outcome o = connect(p, s, name);
            if (o.error() == 0) {
                o = OverlappedIo.sendAll(p, s, new ByteBuffer[] {data});
            }
            if (bytesSent != null) {
                bytesSent.value = o.bytes();
            }
            return o;
        });
        return false;
    }

    /** An active open whatever the socket's mode: waits for the outcome. */
    private static Outcome connect(TransportProvider p, long s, SockAddr name) {
        IntRef errno = new IntRef();
        if (p.connect(s, name, null, null, null, null, errno) == 0) {
            return Outcome.ok(0);
        }
        if (errno.value != WsaError.WSAEWOULDBLOCK) {
            return Outcome.failed(OverlappedIo.aborted(errno.value));
        }
        while (true) {
            int w = OverlappedIo.awaitReady(p, new long[0], new long[] {s});
            if (w != 0) {
                return Outcome.failed(OverlappedIo.aborted(w));
            }
            int soError = OverlappedIo.intOption(p, s, Wsa.SOL_SOCKET, Wsa.SO_ERROR);
            if (soError != 0) {
                return Outcome.failed(soError);
            }
            if (p.getPeerName(s, new Ref<>(), new IntRef()) == 0) {
                return Outcome.ok(0);
            }
        }
    }

    /**
     * DisconnectEx: shuts the sending direction (the FIN goes out). Without flags it completes at
     * once. With TF_REUSE_SOCKET the operation then waits for the peer's FIN (data still arriving
     * is discarded), at most {@link SocketReuseWait#LIMIT}, and the provider puts a fresh unbound,
     * unconnected socket under the same handle ({@link BaseTransportProvider#reuseSocket}); only
     * then does it complete, and the handle can be the accept socket of AcceptEx or connect again
     * with ConnectEx (after bind). Until then AcceptEx on it fails with WSAEINVAL (it is bound)
     * and ConnectEx with WSAEISCONN (it is still connected). A layered provider cannot reuse
     * sockets: WSAEOPNOTSUPP, checked before anything is sent.
     */
    boolean disconnectEx(long s, Overlapped ov, int flags, int reserved) {
        TransportProvider p = io.provider(s);
        if (p == null) {
            return false;
        }
        if (reserved != 0 || (flags & ~MsWsock.TF_REUSE_SOCKET) != 0) {
            return failed(WsaError.WSAEINVAL);
        }
        boolean reuse = (flags & MsWsock.TF_REUSE_SOCKET) != 0;
        if (reuse && !(p instanceof BaseTransportProvider)) {
            return failed(WsaError.WSAEOPNOTSUPP);
        }
        IntRef errno = new IntRef();
        if (p.shutdown(s, Wsa.SD_SEND, errno) != 0) {
            return failed(errno.value);
        }
        if (!reuse) {
            if (ov != null) {
                io.completeNow(s, ov, null, Outcome.ok(0));
            }
            return true;
        }
        OverlappedIo.Work work = () -> SocketReuseWait.finish((BaseTransportProvider) p, s, 0);
        if (ov != null) {
            io.startBackground(s, ov, null, "disconnectex", work);
            return false;
        }
        Outcome o = work.run();
        return o.error() == 0 || failed(o.error());
    }

    // ------------------------------------------------------------------ TransmitFile

    boolean transmitFile(long s, FileChannel file, long bytesToWrite, int bytesPerSend, Overlapped ov,
                         TransmitFileBuffers buffers, int flags) {
        TransportProvider p = io.provider(s);
        if (p == null) {
            return false;
        }
        if (bytesToWrite < 0 || bytesPerSend < 0
                || (flags & MsWsock.TF_REUSE_SOCKET) != 0 && (flags & MsWsock.TF_DISCONNECT) == 0) {
            return failed(WsaError.WSAEINVAL);
        }
        if ((flags & MsWsock.TF_REUSE_SOCKET) != 0 && !(p instanceof BaseTransportProvider)) {
            return failed(WsaError.WSAEOPNOTSUPP);
        }
        if (p.getPeerName(s, new Ref<>(), new IntRef()) != 0) {
            return failed(WsaError.WSAENOTCONN);
        }
        OverlappedIo.Work work = () -> transmit(p, s, file, bytesToWrite, bytesPerSend, buffers, flags);
        if (ov != null) {
            io.startBackground(s, ov, null, "transmitfile", work);
            return false;
        }
        Outcome o = work.run();
        return o.error() == 0 || failed(o.error());
    }

    /**
     * Head, the file from its current position (bytesToWrite 0: to the end), tail; then
     * TF_DISCONNECT, and with TF_REUSE_SOCKET the handle is made reusable as by DisconnectEx.
     */
    private static Outcome transmit(TransportProvider p, long s, FileChannel file, long bytesToWrite, int perSend,
                                    TransmitFileBuffers buffers, int flags) {
        int total = 0;
        if (buffers != null && buffers.head() != null) {
            Outcome o = OverlappedIo.sendAll(p, s, new ByteBuffer[] {buffers.head().duplicate()});
            total += o.bytes();
            if (o.error() != 0) {
                return new Outcome(o.error(), total, 0);
            }
        }
        if (file != null) {
            ByteBuffer chunk = ByteBuffer.allocate(perSend > 0 ? perSend : 65536);
            long left = bytesToWrite == 0 ? Long.MAX_VALUE : bytesToWrite;
            try {
                while (left > 0) {
                    chunk.clear().limit((int) Math.min(chunk.capacity(), left));
                    int n = file.read(chunk);
                    if (n <= 0) {
                        break;
                    }
                    chunk.flip();
                    Outcome o = OverlappedIo.sendAll(p, s, new ByteBuffer[] {chunk});
                    total += o.bytes();
                    if (o.error() != 0) {
                        return new Outcome(o.error(), total, 0);
                    }
                    left -= n;
                }
            } catch (IOException e) {
                return new Outcome(WsaError.WSAEFAULT, total, 0);
            }
        }
        if (buffers != null && buffers.tail() != null) {
            Outcome o = OverlappedIo.sendAll(p, s, new ByteBuffer[] {buffers.tail().duplicate()});
            total += o.bytes();
            if (o.error() != 0) {
                return new Outcome(o.error(), total, 0);
            }
        }
        if ((flags & MsWsock.TF_DISCONNECT) != 0) {
            p.shutdown(s, Wsa.SD_SEND, new IntRef());
            if ((flags & MsWsock.TF_REUSE_SOCKET) != 0) {
                return SocketReuseWait.finish((BaseTransportProvider) p, s, total);
            }
        }
        return Outcome.ok(total);
    }

    // ------------------------------------------------------------------ WSARecvMsg, WSASendMsg

    /**
     * WSARecvMsg: datagram and raw sockets only, as Microsoft documents (WSAEINVAL otherwise; raw
     * sockets exist on the stack provider only, and an IPv4 raw socket's data starts with the IP
     * header as on Windows). With IP_PKTINFO (AF_INET) or IPV6_PKTINFO (AF_INET6) on, the control
     * buffer gets an IN_PKTINFO or IN6_PKTINFO record ({@link PacketInfoControl}) with the
     * datagram's own destination address and the interface it arrived on, as the provider reports
     * them ({@link TransportProvider#recvMsg}): the stack provider knows both; the host provider
     * (JDK NIO) knows neither, so it reports the bound address with interface 0, and no record for
     * a socket bound to the wildcard. The record is written when the datagram is taken, also for
     * an overlapped call. MSG_TRUNC is set in {@code dwFlags} when the call completes at once;
     * MSG_CTRUNC whenever the record did not fit.
     */
    int recvMsg(long s, WsaMsg msg, IntRef bytes, Overlapped ov, CompletionRoutine routine) {
        TransportProvider p = io.provider(s);
        if (p == null) {
            return Wsa.SOCKET_ERROR;
        }
        if (msg == null || msg.lpBuffers == null) {
            return io.fail(WsaError.WSAEFAULT);
        }
        int type = OverlappedIo.socketType(p, s);
        if (type != Wsa.SOCK_DGRAM && type != Wsa.SOCK_RAW) {
            return io.fail(WsaError.WSAEINVAL);
        }
        IntRef flags = new IntRef(msg.dwFlags & Wsa.MSG_PEEK);
        msg.dwFlags = 0;
        msg.controlLength = 0;
        int version = msg.control == null ? 0 : PacketInfoControl.wanted(p, s);
        PacketInfo.Sink sink = version == 0 ? null
                : info -> msg.dwFlags |= PacketInfoControl.write(msg, info, version == 6);
        IntRef got = bytes != null ? bytes : new IntRef();
        IntRef errno = new IntRef();
        int r = p.recvMsg(s, msg.lpBuffers, got, flags, msg.name, sink, ov, routine, Thread.currentThread(), errno);
        if (r == Wsa.SOCKET_ERROR && errno.value == WsaError.WSAEMSGSIZE) {
            msg.dwFlags |= Wsa.MSG_TRUNC;
        }
        return r == Wsa.SOCKET_ERROR ? io.fail(errno.value) : 0;
    }

    /**
     * WSASendMsg: the buffers to {@code name} (or the connected peer). The control data is the
     * {@code control} buffer from its position to its limit: an IN_PKTINFO record (IN6_PKTINFO on
     * an AF_INET6 socket) chooses the datagram's source address (0 / :: : the usual choice) and
     * interface (0: the route's); the stack provider takes any of its own addresses
     * (WSAEADDRNOTAVAIL otherwise), the host provider only the bound address (WSAEOPNOTSUPP
     * otherwise: the JDK cannot choose a source). Any other record, or one cut short: WSAEINVAL.
     */
    int sendMsg(long s, WsaMsg msg, int flags, IntRef bytes, Overlapped ov, CompletionRoutine routine) {
        if (msg == null) {
            io.fail(WsaError.WSAEFAULT);
            return Wsa.SOCKET_ERROR;
        }
        if (msg.control == null || !msg.control.hasRemaining()) {
            return io.send(s, msg.lpBuffers, bytes, flags, msg.name.value, true, ov, routine);
        }
        TransportProvider p = io.provider(s);
        if (p == null) {
            return Wsa.SOCKET_ERROR;
        }
        if (msg.lpBuffers == null) {
            return io.fail(WsaError.WSAEFAULT);
        }
        IntRef errno = new IntRef();
        PacketInfo source = PacketInfoControl.parse(msg.control, PacketInfoControl.isIpv6(p, s), errno);
        if (errno.value != 0) {
            return io.fail(errno.value);
        }
        IntRef sent = bytes != null ? bytes : new IntRef();
        int r = p.sendMsg(s, msg.lpBuffers, sent, flags, msg.name.value, source, ov, routine, Thread.currentThread(),
                errno);
        return r == Wsa.SOCKET_ERROR ? io.fail(errno.value) : 0;
    }
}
