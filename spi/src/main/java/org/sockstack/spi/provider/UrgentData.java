package org.sockstack.spi.provider;

import org.sockstack.spi.provider.BaseTransportProvider.Attempt;
import org.sockstack.spi.provider.BaseTransportProvider.Op;
import org.sockstack.spi.provider.BaseTransportProvider.Sock;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.nio.ByteBuffer;

/**
 * Out-of-band data on stream sockets (MSG_OOB), as Winsock's TCP/IP providers do it: TCP urgent
 * data with BSD semantics (RFC 9293 3.8.5 as updated by RFC 6093), one out-of-band octet, the last
 * octet of the urgent send.
 *
 * <ul>
 *   <li>send(MSG_OOB): every octet is sent; the urgent pointer follows the last one, which the peer
 *       reads out of band. A blocking send completes when all are queued; a non-blocking one
 *       queues what fits (the last octet queued is then the urgent one, as in BSD).</li>
 *   <li>recv(MSG_OOB) without SO_OOBINLINE: the one waiting octet; WSAEWOULDBLOCK on a
 *       non-blocking socket while none waits, a blocking one waits for it (SO_RCVTIMEO holds).
 *       With SO_OOBINLINE: WSAEINVAL (the octet is read in line). MSG_PEEK with MSG_OOB copies
 *       the octet without taking it.</li>
 *   <li>While the octet waits out of band the socket is in select's except set and FD_OOB is
 *       recorded (level-triggered, re-enabled by any receive); SIOCATMARK is FALSE.</li>
 * </ul>
 * The provider's lock is never held here: the backend may wait for the stack's event loop.
 */
final class UrgentData {
    private UrgentData() {
    }

    /** The out-of-band octet waits for recv(MSG_OOB): select's except set, FD_OOB. */
    static boolean waiting(Sock s) {
        return s.isStream() && (s.net.readiness() & NetSocket.URGENT) != 0;
    }

    /** Out-of-band data arrived and is not read yet (SIOCATMARK answers FALSE). */
    static boolean unread(Sock s) {
        return s.isStream() && s.connected && s.stream().urgentUnread();
    }

    /** WSPSend with MSG_OOB on a stream socket. */
    static int send(BaseTransportProvider p, long h, Sock s, ByteBuffer[] buffers, IntRef bytesSent, Overlapped ov,
                    CompletionRoutine cr, Thread thread, IntRef errno) {
        if (!s.connected) {
            return BaseTransportProvider.fail(errno, WsaError.WSAENOTCONN);
        }
        if (s.sendShut) {
            return BaseTransportProvider.fail(errno, WsaError.WSAESHUTDOWN);
        }
        byte[] data = BaseTransportProvider.gather(buffers);
        boolean partialOk = s.nonBlocking && (ov == null || !s.overlappedCapable);
        int[] sent = {0};
        Op op = () -> {
            if (data.length == 0) {
                return new Attempt(0, 0, 0);
            }
            while (true) {
                IntRef n = new IntRef();
                byte[] rest = sent[0] == 0 ? data : java.util.Arrays.copyOfRange(data, sent[0], data.length);
                int e = s.stream().sendUrgent(rest, n);
                if (e == WsaError.WSAEWOULDBLOCK) {
                    return partialOk && sent[0] > 0 ? new Attempt(0, sent[0], 0) : Attempt.WOULD_BLOCK;
                }
                if (e != 0) {
                    return new Attempt(e, sent[0], 0);
                }
                sent[0] += n.value;
                if (sent[0] >= data.length) {
                    return new Attempt(0, sent[0], 0);
                }
            }
        };
        return p.run(h, s, op, bytesSent, null, ov, cr, thread, Wsa.FD_WRITE, s.sndTimeout, errno);
    }

    /**
     * WSPRecv with MSG_OOB on a stream socket (already checked: connected, not shut). The octet
     * goes into the first buffer with room.
     */
    static int receive(BaseTransportProvider p, long h, Sock s, ByteBuffer[] buffers, IntRef bytesRecvd,
                       IntRef flags, boolean peek, Overlapped ov, CompletionRoutine cr, Thread thread, IntRef errno) {
        Op op = () -> {
            ByteBuffer into = firstWithRoom(buffers);
            if (into == null) {
                return new Attempt(0, 0, 0);
            }
            IntRef octet = new IntRef();
            int e = s.stream().receiveUrgent(octet, peek);
            if (e == WsaError.WSAEWOULDBLOCK) {
                int ready = s.net.readiness();
                if ((ready & NetSocket.ERROR) != 0) {
                    return new Attempt(WsaError.WSAECONNRESET, 0, 0);
                }
                if ((ready & NetSocket.PEER_CLOSED) != 0) {
                    return new Attempt(0, 0, 0);   // no urgent data can come any more: end of stream
                }
                return Attempt.WOULD_BLOCK;
            }
            if (e != 0) {
                return new Attempt(e, 0, 0);
            }
            into.put((byte) octet.value);
            return new Attempt(0, 1, 0);
        };
        return p.run(h, s, op, bytesRecvd, flags, ov, cr, thread, Wsa.FD_READ, s.rcvTimeout, errno);
    }

    private static ByteBuffer firstWithRoom(ByteBuffer[] buffers) {
        for (ByteBuffer b : buffers) {
            if (b.hasRemaining()) {
                return b;
            }
        }
        return null;
    }
}
