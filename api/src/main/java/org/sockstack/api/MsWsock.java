package org.sockstack.api;

import org.sockstack.spi.provider.CompletionRoutine;
import org.sockstack.spi.provider.Overlapped;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.UUID;

/**
 * The Microsoft extension functions (mswsock.h) and the few kernel32 names overlapped I/O needs.
 * An application gets an extension function with {@code WSAIoctl(s,
 * SIO_GET_EXTENSION_FUNCTION_POINTER, WSAID_xxx, fn, ...)}: {@code fn.value} is then the
 * function pointer, here a functional interface ({@link LPFN_ACCEPTEX}, ...), to cast as in C.
 *
 * <pre>
 *   Ref&lt;Object&gt; fn = new Ref&lt;&gt;();
 *   ws.WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, WSAID_CONNECTEX, fn, new IntRef(), null, null);
 *   ((LPFN_CONNECTEX) fn.value).ConnectEx(s, addr, null, new IntRef(), ov);
 * </pre>
 */
public final class MsWsock {
    private MsWsock() {
    }

    // ------------------------------------------------------------------ GUIDs (mswsock.h)

    public static final UUID WSAID_ACCEPTEX = UUID.fromString("b5367df1-cbac-11cf-95ca-00805f48a192");
    public static final UUID WSAID_GETACCEPTEXSOCKADDRS = UUID.fromString("b5367df2-cbac-11cf-95ca-00805f48a192");
    public static final UUID WSAID_TRANSMITFILE = UUID.fromString("b5367df0-cbac-11cf-95ca-00805f48a192");
    public static final UUID WSAID_CONNECTEX = UUID.fromString("25a207b9-ddf3-4660-8ee9-76e58c74063e");
    public static final UUID WSAID_DISCONNECTEX = UUID.fromString("7fda2e11-8630-436f-a031-f536a6eec157");
    public static final UUID WSAID_WSARECVMSG = UUID.fromString("f689d7c8-6f1f-436b-8a53-e54fe351c322");
    public static final UUID WSAID_WSASENDMSG = UUID.fromString("a441e712-754f-43ca-84a7-0dee44cf606d");

    // ------------------------------------------------------------------ flags and kernel32 values

    /** TransmitFile / DisconnectEx flags. */
    public static final int TF_DISCONNECT = 0x01;
    public static final int TF_REUSE_SOCKET = 0x02;
    public static final int TF_WRITE_BEHIND = 0x04;

    /** WSAMSG dwFlags out: the control data was cut to fit (MSG_TRUNC, in Wsa, for the datagram). */
    public static final int MSG_CTRUNC = 0x0200;

    /** Timeouts in milliseconds: INFINITE waits forever. */
    public static final int INFINITE = -1;
    /** SleepEx: one or more completion routines ran. */
    public static final int WAIT_IO_COMPLETION = 0xC0;
    /** GetQueuedCompletionStatus: nothing came in time (the last error). */
    public static final int WAIT_TIMEOUT = 258;
    /** GetQueuedCompletionStatus: the port was closed while waiting. */
    public static final int ERROR_ABANDONED_WAIT_0 = 735;
    /** The smallest address block AcceptEx accepts: the sockaddr plus 16 bytes. */
    public static final int ACCEPTEX_ADDRESS_EXTRA = 16;

    /** The size of a function pointer, what WSAIoctl reports in lpcbBytesReturned. */
    public static final int POINTER_SIZE = 8;

    // ------------------------------------------------------------------ function pointer types

    /**
     * AcceptEx: accepts the next connection of {@code sListenSocket} into the fresh socket
     * {@code sAcceptSocket}, then (if {@code dwReceiveDataLength} &gt; 0) waits for the first data.
     * {@code lpOutputBuffer} receives the data, then the local and the remote address blocks
     * ({@link #GetAcceptExSockaddrs}). Completes through {@code lpOverlapped} (required).
     */
    @FunctionalInterface
    public interface LPFN_ACCEPTEX {
        boolean AcceptEx(long sListenSocket, long sAcceptSocket, ByteBuffer lpOutputBuffer, int dwReceiveDataLength,
                         int dwLocalAddressLength, int dwRemoteAddressLength, IntRef lpdwBytesReceived,
                         Overlapped lpOverlapped);
    }

    @FunctionalInterface
    public interface LPFN_GETACCEPTEXSOCKADDRS {
        void GetAcceptExSockaddrs(ByteBuffer lpOutputBuffer, int dwReceiveDataLength, int dwLocalAddressLength,
                                  int dwRemoteAddressLength, Ref<SockAddr> localSockaddr,
                                  Ref<SockAddr> remoteSockaddr);
    }

    /** ConnectEx: connects a bound stream socket, then sends {@code lpSendBuffer} (may be null). */
    @FunctionalInterface
    public interface LPFN_CONNECTEX {
        boolean ConnectEx(long s, SockAddr name, ByteBuffer lpSendBuffer, IntRef lpdwBytesSent,
                          Overlapped lpOverlapped);
    }

    /** DisconnectEx: closes the sending direction (FIN) and completes. */
    @FunctionalInterface
    public interface LPFN_DISCONNECTEX {
        boolean DisconnectEx(long s, Overlapped lpOverlapped, int dwFlags, int dwReserved);
    }

    /** TransmitFile: head, then {@code nNumberOfBytesToWrite} bytes of the file (0: to its end), then tail. */
    @FunctionalInterface
    public interface LPFN_TRANSMITFILE {
        boolean TransmitFile(long hSocket, FileChannel hFile, long nNumberOfBytesToWrite,
                             int nNumberOfBytesPerSend, Overlapped lpOverlapped,
                             TransmitFileBuffers lpTransmitBuffers, int dwFlags);
    }

    @FunctionalInterface
    public interface LPFN_WSARECVMSG {
        int WSARecvMsg(long s, WsaMsg lpMsg, IntRef lpdwNumberOfBytesRecvd, Overlapped lpOverlapped,
                       CompletionRoutine lpCompletionRoutine);
    }

    @FunctionalInterface
    public interface LPFN_WSASENDMSG {
        int WSASendMsg(long s, WsaMsg lpMsg, int dwFlags, IntRef lpNumberOfBytesSent, Overlapped lpOverlapped,
                       CompletionRoutine lpCompletionRoutine);
    }

    /** TRANSMIT_FILE_BUFFERS: data sent before and after the file (either may be null). */
    public record TransmitFileBuffers(ByteBuffer head, ByteBuffer tail) { }

    /**
     * WSAMSG: {@code name} (the peer: filled by WSARecvMsg, read by WSASendMsg), the data
     * buffers, {@code control} (ancillary data as WSACMSGHDR records: length (8 bytes), level,
     * type, data; written from its position) with {@code controlLength} the bytes written, and
     * {@code dwFlags} (in: MSG_PEEK; out: MSG_TRUNC, MSG_CTRUNC).
     */
    public static final class WsaMsg {
        public final Ref<SockAddr> name = new Ref<>();
        public ByteBuffer[] lpBuffers;
        public ByteBuffer control;
        public int controlLength;
        public int dwFlags;

        public WsaMsg(ByteBuffer[] buffers, ByteBuffer control) {
            this.lpBuffers = buffers;
            this.control = control;
        }
    }

    /** The address block AcceptEx writes: its length (2 bytes, little-endian), then the sockaddr. */
    static void putAddressBlock(ByteBuffer out, int at, int blockLength, SockAddr a) {
        byte[] b = a.bytes();
        out.put(at, (byte) b.length);
        out.put(at + 1, (byte) (b.length >>> 8));
        for (int i = 0; i < b.length && 2 + i < blockLength; i++) {
            out.put(at + 2 + i, b[i]);
        }
    }

    static SockAddr getAddressBlock(ByteBuffer in, int at) {
        int len = (in.get(at) & 0xFF) | (in.get(at + 1) & 0xFF) << 8;
        if (len == 0 || at + 2 + len > in.limit()) {
            return null;
        }
        byte[] b = new byte[len];
        in.get(at + 2, b);
        return SockAddr.of(b, len);
    }

    /**
     * GetAcceptExSockaddrs: the two addresses AcceptEx left in its output buffer (after the
     * {@code dwReceiveDataLength} data bytes). Also the function behind WSAID_GETACCEPTEXSOCKADDRS.
     */
    public static void GetAcceptExSockaddrs(ByteBuffer lpOutputBuffer, int dwReceiveDataLength,
                                            int dwLocalAddressLength, int dwRemoteAddressLength,
                                            Ref<SockAddr> localSockaddr, Ref<SockAddr> remoteSockaddr) {
        int base = lpOutputBuffer.position();
        localSockaddr.value = getAddressBlock(lpOutputBuffer, base + dwReceiveDataLength);
        remoteSockaddr.value = getAddressBlock(lpOutputBuffer, base + dwReceiveDataLength + dwLocalAddressLength);
    }

    // ---- TransmitPackets ----

    public static final UUID WSAID_TRANSMITPACKETS = UUID.fromString("d9689da0-1f90-11d3-9971-00c04f68c876");

    /** TRANSMIT_PACKETS_ELEMENT dwElFlags: the data is in a file (the default when MEMORY is not set). */
    public static final int TP_ELEMENT_FILE = 0x02;
    /** TRANSMIT_PACKETS_ELEMENT dwElFlags: the data is in memory. */
    public static final int TP_ELEMENT_MEMORY = 0x01;
    /** TRANSMIT_PACKETS_ELEMENT dwElFlags: the element ends a send request (a datagram on a datagram socket). */
    public static final int TP_ELEMENT_EOP = 0x04;
    /** TransmitPackets nSendSize: send requests end only at TP_ELEMENT_EOP elements. */
    public static final int TP_SEND_SIZE_BY_EOP = 0xFFFFFFF;
    /** TransmitFile / TransmitPackets worker flags (which thread does the work): accepted, no effect here. */
    public static final int TF_USE_DEFAULT_WORKER = 0x00;
    public static final int TF_USE_SYSTEM_THREAD = 0x10;
    public static final int TF_USE_KERNEL_APC = 0x20;

    /**
     * TRANSMIT_PACKETS_ELEMENT: {@code cLength} bytes (unsigned) of memory ({@code pBuffer}, from
     * its position) or of a file ({@code hFile} from {@code nFileOffset}, -1: its current
     * position; {@code cLength} 0: to the end of the file), with TP_ELEMENT_EOP to end a send
     * request there.
     */
    public record TransmitPacketsElement(int dwElFlags, int cLength, long nFileOffset, FileChannel hFile,
                                         ByteBuffer pBuffer) {
        /** A memory element of the buffer's remaining bytes. */
        public static TransmitPacketsElement memory(ByteBuffer data) {
            return new TransmitPacketsElement(TP_ELEMENT_MEMORY, data.remaining(), 0, null, data);
        }

        public static TransmitPacketsElement memory(byte[] data) {
            return memory(ByteBuffer.wrap(data));
        }

        /** A file element: {@code length} bytes (0: to the end) from {@code offset} (-1: the current position). */
        public static TransmitPacketsElement file(FileChannel file, long offset, int length) {
            return new TransmitPacketsElement(TP_ELEMENT_FILE, length, offset, file, null);
        }

        /** This element with TP_ELEMENT_EOP added. */
        public TransmitPacketsElement endOfPacket() {
            return new TransmitPacketsElement(dwElFlags | TP_ELEMENT_EOP, cLength, nFileOffset, hFile, pBuffer);
        }
    }

    /**
     * TransmitPackets: the elements' data over a connected socket, in send requests of
     * {@code nSendSize} bytes (0: the default; TP_SEND_SIZE_BY_EOP: only TP_ELEMENT_EOP ends one);
     * on a datagram socket each request is one datagram. TF_DISCONNECT (and TF_REUSE_SOCKET) as
     * TransmitFile.
     */
    @FunctionalInterface
    public interface LPFN_TRANSMITPACKETS {
        boolean TransmitPackets(long hSocket, TransmitPacketsElement[] lpPacketArray, int nElementCount,
                                int nSendSize, Overlapped lpOverlapped, int dwFlags);
    }
}
