package org.sockstack.api;

import org.sockstack.api.MsWsock.TransmitPacketsElement;
import org.sockstack.api.OverlappedIo.Outcome;
import org.sockstack.spi.provider.BaseTransportProvider;
import org.sockstack.spi.provider.Overlapped;
import org.sockstack.spi.provider.TransportProvider;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * TransmitPackets (WSAID_TRANSMITPACKETS): the data of an array of TRANSMIT_PACKETS_ELEMENT
 * (memory or file regions) over a connected socket, gathered into send requests.
 *
 * <p>A send request ends at an element with TP_ELEMENT_EOP, at the end of the array, and when it
 * holds {@code nSendSize} bytes (0: a default of {@link #DEFAULT_SEND_SIZE}; TP_SEND_SIZE_BY_EOP:
 * no size limit, only TP_ELEMENT_EOP). On a stream socket the requests are only how the bytes are
 * handed down. On a (connected) datagram socket each request is one datagram, and with
 * {@code nSendSize} 0 every element is a datagram of its own; a datagram over
 * {@link #MAX_DATAGRAM} bytes fails with WSAEMSGSIZE (the provider checks the protocol's limit).
 *
 * <p>Checks: a negative count, or more than the array holds, WSAEINVAL; a null array with
 * elements, or a memory element longer than its buffer, WSAEFAULT; an element with both
 * TP_ELEMENT_MEMORY and TP_ELEMENT_FILE, or a file element without a file, WSAEINVAL; an unknown
 * flag, or TF_REUSE_SOCKET without TF_DISCONNECT, WSAEINVAL; TF_DISCONNECT on a datagram socket
 * WSAEINVAL (the reference records nothing for it; a datagram socket has nothing to disconnect);
 * no peer WSAENOTCONN. The TF_USE_* worker flags and TF_WRITE_BEHIND are accepted and change
 * nothing. Overlapped calls run on a virtual thread and complete the Windows way.
 */
final class PacketTransmitter {
    static final int DEFAULT_SEND_SIZE = 65536;
    /** The largest datagram gathered (the IPv4/IPv6 length field's bound). */
    static final int MAX_DATAGRAM = 65535;
    private static final int KNOWN_FLAGS = MsWsock.TF_DISCONNECT | MsWsock.TF_REUSE_SOCKET | MsWsock.TF_WRITE_BEHIND
            | MsWsock.TF_USE_SYSTEM_THREAD | MsWsock.TF_USE_KERNEL_APC;
    private static final int FILE_CHUNK = 65536;

    private final OverlappedIo io;

    PacketTransmitter(OverlappedIo io) {
        this.io = io;
    }

    boolean transmitPackets(long s, TransmitPacketsElement[] elements, int count, int sendSize, Overlapped ov,
                            int flags) {
        TransportProvider p = io.provider(s);
        if (p == null) {
            return false;
        }
        int e = check(p, s, elements, count, flags);
        if (e != 0) {
            io.fail(e);
            return false;
        }
        boolean stream = OverlappedIo.socketType(p, s) == Wsa.SOCK_STREAM;
        TransmitPacketsElement[] els = java.util.Arrays.copyOf(elements == null ? new TransmitPacketsElement[0]
                : elements, count);
        OverlappedIo.Work work = () -> transmit(p, s, els, sendSize, flags, stream);
        if (ov != null) {
            io.startBackground(s, ov, null, "transmitpackets", work);
            return false;
        }
        Outcome o = work.run();
        if (o.error() != 0) {
            io.fail(o.error());
            return false;
        }
        return true;
    }

    private static int check(TransportProvider p, long s, TransmitPacketsElement[] elements, int count, int flags) {
        if (count < 0 || elements != null && count > elements.length) {
            return WsaError.WSAEINVAL;
        }
        if (elements == null && count > 0) {
            return WsaError.WSAEFAULT;
        }
        if ((flags & ~KNOWN_FLAGS) != 0
                || (flags & MsWsock.TF_REUSE_SOCKET) != 0 && (flags & MsWsock.TF_DISCONNECT) == 0) {
            return WsaError.WSAEINVAL;
        }
        for (int i = 0; i < count; i++) {
            int e = checkElement(elements[i]);
            if (e != 0) {
                return e;
            }
        }
        int type = OverlappedIo.socketType(p, s);
        if (type != Wsa.SOCK_STREAM && (flags & MsWsock.TF_DISCONNECT) != 0) {
            return WsaError.WSAEINVAL;
        }
        if ((flags & MsWsock.TF_REUSE_SOCKET) != 0 && !(p instanceof BaseTransportProvider)) {
            return WsaError.WSAEOPNOTSUPP;
        }
        if (p.getPeerName(s, new Ref<>(), new IntRef()) != 0) {
            return WsaError.WSAENOTCONN;
        }
        return 0;
    }

    private static int checkElement(TransmitPacketsElement el) {
        if (el == null) {
            return WsaError.WSAEFAULT;
        }
        boolean memory = (el.dwElFlags() & MsWsock.TP_ELEMENT_MEMORY) != 0;
        boolean file = (el.dwElFlags() & MsWsock.TP_ELEMENT_FILE) != 0;
        int unknown = el.dwElFlags() & ~(MsWsock.TP_ELEMENT_MEMORY | MsWsock.TP_ELEMENT_FILE | MsWsock.TP_ELEMENT_EOP);
        if (memory && file || unknown != 0) {
            return WsaError.WSAEINVAL;
        }
        if (memory) {
            long length = Integer.toUnsignedLong(el.cLength());
            return length > 0 && (el.pBuffer() == null || el.pBuffer().remaining() < length) ? WsaError.WSAEFAULT : 0;
        }
        return el.hFile() == null || el.nFileOffset() < -1 ? WsaError.WSAEINVAL : 0;
    }

    /** Gathers the elements into send requests and sends them; then TF_DISCONNECT / TF_REUSE_SOCKET. */
    private static Outcome transmit(TransportProvider p, long s, TransmitPacketsElement[] els, int sendSize,
                                    int flags, boolean stream) {
        Requests r = new Requests(p, s, stream, sendSize);
        try {
            for (TransmitPacketsElement el : els) {
                boolean ok = (el.dwElFlags() & MsWsock.TP_ELEMENT_MEMORY) != 0 ? r.addMemory(el) : r.addFile(el);
                if (!ok) {
                    return r.outcome();
                }
                boolean ends = (el.dwElFlags() & MsWsock.TP_ELEMENT_EOP) != 0 || !stream && sendSize == 0;
                if (ends && !r.flush()) {
                    return r.outcome();
                }
            }
        } catch (IOException e) {
            return new Outcome(WsaError.WSAEFAULT, r.total, 0);
        }
        if (!r.flush()) {
            return r.outcome();
        }
        if ((flags & MsWsock.TF_DISCONNECT) != 0) {
            p.shutdown(s, Wsa.SD_SEND, new IntRef());
            if ((flags & MsWsock.TF_REUSE_SOCKET) != 0) {
                return SocketReuseWait.finish((BaseTransportProvider) p, s, r.total);
            }
        }
        return Outcome.ok(r.total);
    }

    /** The send request being gathered, the bytes sent so far and the first error. */
    private static final class Requests {
        private final TransportProvider p;
        private final long s;
        /** Bytes after which a request is sent (a stream) or a datagram is too large. */
        private final int cap;
        /** A datagram socket: reaching {@link #cap} is an error, not a boundary. */
        private final boolean capIsLimit;
        private final ByteBuffer request;
        int total;
        int error;

        Requests(TransportProvider p, long s, boolean stream, int sendSize) {
            this.p = p;
            this.s = s;
            boolean sized = sendSize > 0 && sendSize != MsWsock.TP_SEND_SIZE_BY_EOP;
            if (stream) {
                cap = sized ? sendSize : DEFAULT_SEND_SIZE;
                capIsLimit = false;
            } else {
                cap = sized ? Math.min(sendSize, MAX_DATAGRAM) : MAX_DATAGRAM;
                capIsLimit = !sized;
            }
            request = ByteBuffer.allocate(cap);
        }

        Outcome outcome() {
            return new Outcome(error, total, 0);
        }

        boolean addMemory(TransmitPacketsElement el) {
            ByteBuffer b = el.pBuffer();
            if (b == null) {
                return true;
            }
            ByteBuffer part = b.duplicate();
            part.limit(part.position() + (int) Math.min(part.remaining(), Integer.toUnsignedLong(el.cLength())));
            return add(part);
        }

        /** A file region read in chunks: from nFileOffset (-1: the channel's position, which then advances). */
        boolean addFile(TransmitPacketsElement el) throws IOException {
            long left = el.cLength() == 0 ? Long.MAX_VALUE : Integer.toUnsignedLong(el.cLength());
            long at = el.nFileOffset();
            ByteBuffer chunk = ByteBuffer.allocate(FILE_CHUNK);
            while (left > 0) {
                chunk.clear().limit((int) Math.min(chunk.capacity(), left));
                int n = at < 0 ? el.hFile().read(chunk) : el.hFile().read(chunk, at);
                if (n <= 0) {
                    return true;
                }
                if (at >= 0) {
                    at += n;
                }
                left -= n;
                if (!add(chunk.flip())) {
                    return false;
                }
            }
            return true;
        }

        private boolean add(ByteBuffer data) {
            while (data.hasRemaining()) {
                if (!request.hasRemaining()) {
                    if (capIsLimit) {
                        error = WsaError.WSAEMSGSIZE;
                        return false;
                    }
                    if (!flush()) {
                        return false;
                    }
                }
                int n = Math.min(data.remaining(), request.remaining());
                request.put(request.position(), data, data.position(), n);
                request.position(request.position() + n);
                data.position(data.position() + n);
            }
            return true;
        }

        /** Sends the gathered request (one datagram on a datagram socket); nothing if it is empty. */
        boolean flush() {
            if (request.position() == 0) {
                return true;
            }
            request.flip();
            Outcome o = OverlappedIo.sendAll(p, s, new ByteBuffer[] {request});
            total += o.bytes();
            request.clear();
            if (o.error() != 0) {
                error = o.error();
                return false;
            }
            return true;
        }
    }
}
