package org.sockstack.api;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sockstack.spi.provider.CompletionRoutine;
import org.sockstack.spi.provider.Overlapped;
import org.sockstack.spi.provider.WsaEvent;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.api.MsWsock.ERROR_ABANDONED_WAIT_0;
import static org.sockstack.api.MsWsock.TF_DISCONNECT;
import static org.sockstack.api.MsWsock.WAIT_IO_COMPLETION;
import static org.sockstack.api.MsWsock.WAIT_TIMEOUT;
import static org.sockstack.spi.wsa.Wsa.AF_INET;
import static org.sockstack.spi.wsa.Wsa.INVALID_SOCKET;
import static org.sockstack.spi.wsa.Wsa.IPPROTO_IP;
import static org.sockstack.spi.wsa.Wsa.IPPROTO_TCP;
import static org.sockstack.spi.wsa.Wsa.IPPROTO_UDP;
import static org.sockstack.spi.wsa.Wsa.IP_PKTINFO;
import static org.sockstack.spi.wsa.Wsa.MSG_PARTIAL;
import static org.sockstack.spi.wsa.Wsa.MSG_PEEK;
import static org.sockstack.spi.wsa.Wsa.MSG_TRUNC;
import static org.sockstack.spi.wsa.Wsa.MSG_WAITALL;
import static org.sockstack.spi.wsa.Wsa.SIO_GET_EXTENSION_FUNCTION_POINTER;
import static org.sockstack.spi.wsa.Wsa.SOCKET_ERROR;
import static org.sockstack.spi.wsa.Wsa.SOCK_DGRAM;
import static org.sockstack.spi.wsa.Wsa.SOCK_STREAM;
import static org.sockstack.spi.wsa.WsaError.WSAECONNREFUSED;
import static org.sockstack.spi.wsa.WsaError.WSAEFAULT;
import static org.sockstack.spi.wsa.WsaError.WSAEINVAL;
import static org.sockstack.spi.wsa.WsaError.WSAEISCONN;
import static org.sockstack.spi.wsa.WsaError.WSAEMSGSIZE;
import static org.sockstack.spi.wsa.WsaError.WSAEOPNOTSUPP;
import static org.sockstack.spi.wsa.WsaError.WSA_INVALID_HANDLE;
import static org.sockstack.spi.wsa.WsaError.WSA_INVALID_PARAMETER;
import static org.sockstack.spi.wsa.WsaError.WSA_IO_INCOMPLETE;
import static org.sockstack.spi.wsa.WsaError.WSA_IO_PENDING;
import static org.sockstack.spi.wsa.WsaError.WSA_OPERATION_ABORTED;

/**
 * Overlapped I/O, completion ports and the mswsock extension functions, as Microsoft documents
 * them and Wine's ws2_32 tests record of Windows (tables of our own below). The same body runs
 * over the host provider and over two user-space stacks. Nothing sleeps to synchronise: every
 * wait is on an event, an overlapped, a completion port or a blocking call, bounded by WAIT_MS.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
abstract class OverlappedBehaviour extends TwoProcessBehaviour {
    static final int WAIT_MS = 5000;
    static final int ADDR_BLOCK = SockAddr.SOCKADDR_IN_SIZE + MsWsock.ACCEPTEX_ADDRESS_EXTRA;

    /** Every test here runs in started processes. */
    @BeforeEach
    void startProcesses() {
        startBoth();
    }

    // ------------------------------------------------------------------ helpers

    static long socketOk(Winsock ws, int type, int protocol) {
        long s = ws.socket(AF_INET, type, protocol);
        assertNotEquals(INVALID_SOCKET, s, () -> "socket: " + ws.WSAGetLastError());
        return s;
    }

    static int port(Winsock ws, long s) {
        Ref<SockAddr> name = new Ref<>();
        assertEquals(0, ws.getsockname(s, name));
        return name.value.toInet().getPort();
    }

    long listenerOnB() {
        long l = socketOk(b, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, b.bind(l, SockAddr.inet(world.addrB(), 0)));
        assertEquals(0, b.listen(l, 5));
        return l;
    }

    /** A connected pair: {client on A, server on B}. */
    long[] connectedPair() {
        long l = listenerOnB();
        long c = socketOk(a, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, a.connect(c, SockAddr.inet(world.addrB(), port(b, l))), () -> "connect " + a.WSAGetLastError());
        long s = b.accept(l, null);
        assertNotEquals(INVALID_SOCKET, s);
        b.closesocket(l);
        return new long[] {c, s};
    }

    /** Two bound UDP sockets: {on A, on B}. */
    long[] udpPair() {
        long ua = socketOk(a, SOCK_DGRAM, IPPROTO_UDP);
        long ub = socketOk(b, SOCK_DGRAM, IPPROTO_UDP);
        assertEquals(0, a.bind(ua, SockAddr.inet(world.addrA(), 0)));
        assertEquals(0, b.bind(ub, SockAddr.inet(world.addrB(), 0)));
        return new long[] {ua, ub};
    }

    SockAddr addrOfB(long s) {
        return SockAddr.inet(world.addrB(), port(b, s));
    }

    static void sendText(Winsock ws, long s, String text) {
        byte[] d = text.getBytes(StandardCharsets.US_ASCII);
        assertEquals(d.length, ws.send(s, d, d.length, 0), () -> "send: " + ws.WSAGetLastError());
    }

    static String text(ByteBuffer b, int n) {
        return new String(b.array(), 0, n, StandardCharsets.US_ASCII);
    }

    /** Reads until the peer closes. */
    static byte[] readAll(Winsock ws, long s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (true) {
            int n = ws.recv(s, buf, buf.length, 0);
            assertNotEquals(SOCKET_ERROR, n, () -> "recv: " + ws.WSAGetLastError());
            if (n == 0) {
                return out.toByteArray();
            }
            out.write(buf, 0, n);
        }
    }

    @SuppressWarnings("unchecked")
    static <T> T extension(Winsock ws, long s, UUID guid) {
        Ref<Object> fn = new Ref<>();
        IntRef returned = new IntRef();
        assertEquals(0, ws.WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, guid, fn, returned, null, null));
        assertEquals(MsWsock.POINTER_SIZE, returned.value);
        return (T) fn.value;
    }

    static void awaitSet(WsaEvent e) throws InterruptedException {
        assertTrue(e.await(WAIT_MS), "the overlapped's event was not signalled");
    }

    // ------------------------------------------------------------------ WSARecv / WSASend overlapped

    @Test
    void overlappedRecvIsPendingUntilTheSendThenSignalsItsEvent() throws Exception {
        long[] p = connectedPair();
        WsaEvent ev = new WsaEvent("recv");
        Overlapped ov = new Overlapped(ev);
        ByteBuffer buf = ByteBuffer.allocate(64);
        IntRef flags = new IntRef(0);
        assertEquals(SOCKET_ERROR, b.WSARecv(p[1], new ByteBuffer[] {buf}, new IntRef(), flags, ov, null));
        assertEquals(WSA_IO_PENDING, b.WSAGetLastError());
        assertFalse(ev.isSet());
        IntRef bytes = new IntRef();
        IntRef outFlags = new IntRef(-1);
        assertFalse(b.WSAGetOverlappedResult(p[1], ov, bytes, false, outFlags));
        assertEquals(WSA_IO_INCOMPLETE, b.WSAGetLastError());

        sendText(a, p[0], "hello");
        awaitSet(ev);
        assertTrue(b.WSAGetOverlappedResult(p[1], ov, bytes, false, outFlags));
        assertEquals(5, bytes.value);
        assertEquals(0, outFlags.value);
        assertEquals("hello", text(buf, 5));
        assertEquals(5, buf.position());
    }

    @Test
    void waitingGetOverlappedResultReturnsWhenTheOperationCompletes() {
        long[] p = connectedPair();
        Overlapped ov = new Overlapped(new WsaEvent());
        ByteBuffer buf = ByteBuffer.allocate(16);
        assertEquals(SOCKET_ERROR, b.WSARecv(p[1], new ByteBuffer[] {buf}, new IntRef(), new IntRef(), ov, null));
        assertEquals(WSA_IO_PENDING, b.WSAGetLastError());
        sendText(a, p[0], "abc");
        IntRef bytes = new IntRef();
        assertTrue(b.WSAGetOverlappedResult(p[1], ov, bytes, true, new IntRef()));
        assertEquals(3, bytes.value);
    }

    @Test
    void overlappedSendThatFitsCompletesAtOnceAndStillSignals() throws Exception {
        long[] p = connectedPair();
        WsaEvent ev = new WsaEvent();
        Overlapped ov = new Overlapped(ev);
        IntRef sent = new IntRef();
        ByteBuffer[] parts = {ByteBuffer.wrap("ab".getBytes()), ByteBuffer.wrap("cde".getBytes())};
        assertEquals(0, a.WSASend(p[0], parts, sent, 0, ov, null));
        assertEquals(5, sent.value);
        awaitSet(ev);
        assertEquals(0, ov.status());
        byte[] got = new byte[5];
        ByteBuffer[] into = {ByteBuffer.wrap(got, 0, 2), ByteBuffer.wrap(got, 2, 3)};
        IntRef n = new IntRef();
        assertEquals(0, b.WSARecv(p[1], into, n, new IntRef(MSG_WAITALL), null, null));
        assertEquals(5, n.value);
        assertEquals("abcde", new String(got, StandardCharsets.US_ASCII));
    }

    // ------------------------------------------------------------------ completion routines

    @Test
    void completionRoutineRunsOnlyInAnAlertableWaitOnTheIssuingThread() throws Exception {
        long[] u = udpPair();
        List<Thread> ranOn = new ArrayList<>();
        int[] result = new int[3];
        CompletionRoutine routine = (error, bytes, ov, flags) -> {
            ranOn.add(Thread.currentThread());
            result[0] = error;
            result[1] = bytes;
            result[2] = flags;
        };
        Overlapped ov = new Overlapped();
        ByteBuffer buf = ByteBuffer.allocate(32);
        assertEquals(SOCKET_ERROR,
                b.WSARecvFrom(u[1], new ByteBuffer[] {buf}, new IntRef(), new IntRef(), new Ref<>(), ov, routine));
        assertEquals(WSA_IO_PENDING, b.WSAGetLastError());
        assertEquals(4, a.sendto(u[0], "ping".getBytes(), 4, 0, addrOfB(u[1])));
        assertTrue(ov.await(WAIT_MS));
        assertTrue(ranOn.isEmpty(), "ran before any alertable wait");
        assertEquals(0, b.SleepEx(0, false));
        assertTrue(ranOn.isEmpty(), "ran in a non-alertable sleep");

        assertEquals(WAIT_IO_COMPLETION, b.SleepEx(WAIT_MS, true));
        assertEquals(List.of(Thread.currentThread()), ranOn);
        assertEquals(0, result[0]);
        assertEquals(4, result[1]);
        assertEquals("ping", text(buf, 4));
        assertEquals(0, b.SleepEx(0, true), "nothing left to run");
    }

    // ------------------------------------------------------------------ closing aborts

    @Test
    void closesocketAbortsAPendingReceive() throws Exception {
        long[] p = connectedPair();
        WsaEvent ev = new WsaEvent();
        Overlapped ov = new Overlapped(ev);
        assertEquals(SOCKET_ERROR,
                b.WSARecv(p[1], new ByteBuffer[] {ByteBuffer.allocate(8)}, new IntRef(), new IntRef(), ov, null));
        assertEquals(WSA_IO_PENDING, b.WSAGetLastError());
        assertEquals(0, b.closesocket(p[1]));
        awaitSet(ev);
        assertEquals(WSA_OPERATION_ABORTED, ov.status());
        assertEquals(0, ov.bytesTransferred());
    }

    // ------------------------------------------------------------------ completion ports

    @Test
    void completionPortDeliversKeysBytesAndOverlappeds() {
        long[] p = connectedPair();
        IoCompletionPort port = b.CreateIoCompletionPort(INVALID_SOCKET, null, 0, 0);
        assertNotNull(port);
        assertSame(port, b.CreateIoCompletionPort(p[1], port, 42, 0));
        IntRef bytes = new IntRef();
        Ref<Long> key = new Ref<>();
        Ref<Overlapped> got = new Ref<>();

        assertFalse(b.GetQueuedCompletionStatus(port, bytes, key, got, 0));
        assertEquals(WAIT_TIMEOUT, b.WSAGetLastError());
        assertNull(got.value);

        Overlapped ov = new Overlapped();
        ByteBuffer buf = ByteBuffer.allocate(16);
        assertEquals(SOCKET_ERROR, b.WSARecv(p[1], new ByteBuffer[] {buf}, new IntRef(), new IntRef(), ov, null));
        assertEquals(WSA_IO_PENDING, b.WSAGetLastError());
        sendText(a, p[0], "port!");
        assertTrue(b.GetQueuedCompletionStatus(port, bytes, key, got, WAIT_MS), () -> "GQCS " + b.WSAGetLastError());
        assertEquals(5, bytes.value);
        assertEquals(42L, key.value);
        assertSame(ov, got.value);

        Overlapped mine = new Overlapped();
        assertTrue(b.PostQueuedCompletionStatus(port, 7, 99, mine));
        assertTrue(b.GetQueuedCompletionStatus(port, bytes, key, got, WAIT_MS));
        assertEquals(7, bytes.value);
        assertEquals(99L, key.value);
        assertSame(mine, got.value);

        assertNull(b.CreateIoCompletionPort(p[1], port, 43, 0), "a handle is associated once");
        assertEquals(WSA_INVALID_PARAMETER, b.WSAGetLastError());
        assertNull(b.CreateIoCompletionPort(0x7777, port, 1, 0));
        assertEquals(WSA_INVALID_HANDLE, b.WSAGetLastError());

        assertTrue(b.CloseHandle(port));
        assertFalse(b.GetQueuedCompletionStatus(port, bytes, key, got, 0));
        assertEquals(WSA_INVALID_HANDLE, b.WSAGetLastError());
        assertFalse(b.CloseHandle(port));
    }

    @Test
    void closingAnAssociatedSocketQueuesTheAbortedOperations() {
        long[] p = connectedPair();
        IoCompletionPort port = b.CreateIoCompletionPort(p[1], null, 5, 0);
        assertNotNull(port);
        Overlapped ov = new Overlapped();
        assertEquals(SOCKET_ERROR,
                b.WSARecv(p[1], new ByteBuffer[] {ByteBuffer.allocate(8)}, new IntRef(), new IntRef(), ov, null));
        assertEquals(0, b.closesocket(p[1]));
        IntRef bytes = new IntRef();
        Ref<Long> key = new Ref<>();
        Ref<Overlapped> got = new Ref<>();
        assertFalse(b.GetQueuedCompletionStatus(port, bytes, key, got, WAIT_MS));
        assertEquals(WSA_OPERATION_ABORTED, b.WSAGetLastError());
        assertSame(ov, got.value);
        assertEquals(5L, key.value);
    }

    @Test
    void closingAPortWakesItsWaiter() throws Exception {
        IoCompletionPort port = b.CreateIoCompletionPort(INVALID_SOCKET, null, 0, 1);
        int[] error = new int[1];
        Thread waiter = Thread.ofVirtual().start(() -> {
            assertFalse(b.GetQueuedCompletionStatus(port, new IntRef(), new Ref<>(), new Ref<>(), MsWsock.INFINITE));
            error[0] = b.WSAGetLastError();
        });
        assertTrue(b.CloseHandle(port));
        assertTrue(waiter.join(java.time.Duration.ofMillis(WAIT_MS)));
        // The waiter either was waiting (abandoned) or came after the close (invalid handle).
        assertTrue(error[0] == ERROR_ABANDONED_WAIT_0 || error[0] == WSA_INVALID_HANDLE, "error " + error[0]);
    }

    // ------------------------------------------------------------------ scatter/gather and flags

    @Test
    void datagramScatterGatherPeekAndPartial() {
        long[] u = udpPair();
        ByteBuffer[] gather = {ByteBuffer.wrap("0123".getBytes()), ByteBuffer.wrap("456789".getBytes())};
        IntRef sent = new IntRef();
        assertEquals(0, a.WSASendTo(u[0], gather, sent, 0, addrOfB(u[1]), null, null));
        assertEquals(10, sent.value);

        byte[] first = new byte[3];
        byte[] second = new byte[7];
        IntRef n = new IntRef();
        IntRef flags = new IntRef(MSG_PEEK);
        Ref<SockAddr> from = new Ref<>();
        assertEquals(0, b.WSARecvFrom(u[1], new ByteBuffer[] {ByteBuffer.wrap(first), ByteBuffer.wrap(second)}, n,
                flags, from, null, null));
        assertEquals(10, n.value);
        assertEquals("012", new String(first));
        assertEquals("3456789", new String(second));
        assertEquals(port(a, u[0]), from.value.toInet().getPort());

        // The peeked datagram is still there; too small buffers take it with WSAEMSGSIZE, MSG_PARTIAL.
        ByteBuffer small = ByteBuffer.allocate(4);
        flags.value = 0;
        assertEquals(SOCKET_ERROR, b.WSARecv(u[1], new ByteBuffer[] {small}, n, flags, null, null));
        assertEquals(WSAEMSGSIZE, b.WSAGetLastError());
        assertEquals(MSG_PARTIAL, flags.value);
        assertEquals("0123", text(small, 4));
    }

    @Test
    void waitAllIsForStreamsOnly() {
        long[] u = udpPair();
        assertEquals(SOCKET_ERROR, b.WSARecv(u[1], new ByteBuffer[] {ByteBuffer.allocate(4)}, new IntRef(),
                new IntRef(MSG_WAITALL), null, null));
        assertEquals(WSAEOPNOTSUPP, b.WSAGetLastError());
    }

    @Test
    void overlappedWaitAllCompletesOnlyWhenTheBuffersAreFull() throws Exception {
        long[] p = connectedPair();
        WsaEvent ev = new WsaEvent();
        Overlapped ov = new Overlapped(ev);
        ByteBuffer buf = ByteBuffer.allocate(6);
        assertEquals(SOCKET_ERROR,
                b.WSARecv(p[1], new ByteBuffer[] {buf}, new IntRef(), new IntRef(MSG_WAITALL), ov, null));
        assertEquals(WSA_IO_PENDING, b.WSAGetLastError());
        sendText(a, p[0], "abc");
        // Without MSG_WAITALL the receive would complete with "abc" alone (3 bytes).
        sendText(a, p[0], "def");
        awaitSet(ev);
        IntRef bytes = new IntRef();
        assertTrue(b.WSAGetOverlappedResult(p[1], ov, bytes, false, new IntRef()));
        assertEquals(6, bytes.value);
        assertEquals("abcdef", text(buf, 6));
    }

    // ------------------------------------------------------------------ extension functions

    /** WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER): each GUID and the interface it yields. */
    static final Object[][] EXTENSIONS = {
        {MsWsock.WSAID_ACCEPTEX, MsWsock.LPFN_ACCEPTEX.class},
        {MsWsock.WSAID_GETACCEPTEXSOCKADDRS, MsWsock.LPFN_GETACCEPTEXSOCKADDRS.class},
        {MsWsock.WSAID_CONNECTEX, MsWsock.LPFN_CONNECTEX.class},
        {MsWsock.WSAID_DISCONNECTEX, MsWsock.LPFN_DISCONNECTEX.class},
        {MsWsock.WSAID_TRANSMITFILE, MsWsock.LPFN_TRANSMITFILE.class},
        {MsWsock.WSAID_WSARECVMSG, MsWsock.LPFN_WSARECVMSG.class},
        {MsWsock.WSAID_WSASENDMSG, MsWsock.LPFN_WSASENDMSG.class},
    };

    @Test
    void extensionFunctionPointersByGuid() {
        long s = socketOk(a, SOCK_STREAM, IPPROTO_TCP);
        for (Object[] row : EXTENSIONS) {
            Object fn = extension(a, s, (UUID) row[0]);
            assertTrue(((Class<?>) row[1]).isInstance(fn), () -> row[0] + " gave " + fn);
        }
        Ref<Object> fn = new Ref<>();
        assertEquals(SOCKET_ERROR, a.WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, UUID.randomUUID(), fn,
                new IntRef(), null, null));
        assertEquals(WSAEINVAL, a.WSAGetLastError());
        assertEquals(SOCKET_ERROR, a.WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, null, fn, new IntRef(),
                null, null));
        assertEquals(WSAEFAULT, a.WSAGetLastError());
    }

    @Test
    void acceptExTakesTheConnectionAndItsFirstData() throws Exception {
        long l = listenerOnB();
        long acceptor = socketOk(b, SOCK_STREAM, IPPROTO_TCP);
        MsWsock.LPFN_ACCEPTEX acceptEx = extension(b, l, MsWsock.WSAID_ACCEPTEX);
        ByteBuffer out = ByteBuffer.allocate(16 + 2 * ADDR_BLOCK);
        WsaEvent ev = new WsaEvent();
        Overlapped ov = new Overlapped(ev);
        IntRef received = new IntRef();
        assertFalse(acceptEx.AcceptEx(l, acceptor, out, 16, ADDR_BLOCK, ADDR_BLOCK, received, ov));
        assertEquals(WSA_IO_PENDING, b.WSAGetLastError());
        assertFalse(acceptEx.AcceptEx(l, acceptor, out, 16, ADDR_BLOCK, ADDR_BLOCK, received, new Overlapped()));
        assertEquals(WSAEINVAL, b.WSAGetLastError(), "the accept socket is already in use");

        long c = socketOk(a, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, a.connect(c, SockAddr.inet(world.addrB(), port(b, l))));
        sendText(a, c, "first");
        awaitSet(ev);
        IntRef bytes = new IntRef();
        assertTrue(b.WSAGetOverlappedResult(l, ov, bytes, false, new IntRef()), () -> "" + b.WSAGetLastError());
        assertEquals(5, bytes.value);
        assertEquals("first", text(out, 5));

        MsWsock.LPFN_GETACCEPTEXSOCKADDRS addrs = extension(b, l, MsWsock.WSAID_GETACCEPTEXSOCKADDRS);
        Ref<SockAddr> local = new Ref<>();
        Ref<SockAddr> remote = new Ref<>();
        addrs.GetAcceptExSockaddrs(out, 16, ADDR_BLOCK, ADDR_BLOCK, local, remote);
        assertEquals(new InetSocketAddress(world.addrB(), port(b, l)), local.value.toInet());
        assertEquals(new InetSocketAddress(world.addrA(), port(a, c)), remote.value.toInet());

        // The accept socket is now the connection.
        sendText(b, acceptor, "back");
        byte[] buf = new byte[4];
        assertEquals(4, a.recv(c, buf, 4, 0));
        assertEquals("back", new String(buf));
        Ref<SockAddr> peer = new Ref<>();
        assertEquals(0, b.getpeername(acceptor, peer));
        assertEquals(port(a, c), peer.value.toInet().getPort());
    }

    @Test
    void acceptExCompletesToTheListenersCompletionPort() {
        long l = listenerOnB();
        IoCompletionPort port = b.CreateIoCompletionPort(l, null, 0x1234, 0);
        assertNotNull(port);
        long acceptor = socketOk(b, SOCK_STREAM, IPPROTO_TCP);
        Overlapped ov = new Overlapped();
        assertFalse(b.AcceptEx(l, acceptor, ByteBuffer.allocate(2 * ADDR_BLOCK), 0, ADDR_BLOCK, ADDR_BLOCK,
                new IntRef(), ov));
        assertEquals(WSA_IO_PENDING, b.WSAGetLastError());
        long c = socketOk(a, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, a.connect(c, SockAddr.inet(world.addrB(), port(b, l))));
        IntRef bytes = new IntRef();
        Ref<Long> key = new Ref<>();
        Ref<Overlapped> got = new Ref<>();
        assertTrue(b.GetQueuedCompletionStatus(port, bytes, key, got, WAIT_MS), () -> "GQCS " + b.WSAGetLastError());
        assertEquals(0x1234L, key.value);
        assertSame(ov, got.value);
        assertEquals(0, bytes.value);
    }

    /** AcceptEx argument errors: {case, expected last error}. */
    @Test
    void acceptExArgumentErrors() {
        long l = listenerOnB();
        long acceptor = socketOk(b, SOCK_STREAM, IPPROTO_TCP);
        long notListening = socketOk(b, SOCK_STREAM, IPPROTO_TCP);
        long bound = socketOk(b, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, b.bind(bound, SockAddr.inet(world.addrB(), 0)));
        MsWsock.LPFN_ACCEPTEX acceptEx = extension(b, l, MsWsock.WSAID_ACCEPTEX);
        ByteBuffer out = ByteBuffer.allocate(2 * ADDR_BLOCK);
        Object[][] cases = {
            {"no overlapped", l, acceptor, out, ADDR_BLOCK, null, WSA_INVALID_PARAMETER},
            {"not listening", notListening, acceptor, out, ADDR_BLOCK, new Overlapped(), WSAEINVAL},
            {"bound accept socket", l, bound, out, ADDR_BLOCK, new Overlapped(), WSAEINVAL},
            {"address block too small", l, acceptor, out, ADDR_BLOCK - 1, new Overlapped(), WSAEFAULT},
            {"no buffer", l, acceptor, null, ADDR_BLOCK, new Overlapped(), WSAEFAULT},
        };
        for (Object[] k : cases) {
            assertFalse(acceptEx.AcceptEx((long) k[1], (long) k[2], (ByteBuffer) k[3], 0, (int) k[4], (int) k[4],
                    new IntRef(), (Overlapped) k[5]), (String) k[0]);
            assertEquals((int) k[6], b.WSAGetLastError(), (String) k[0]);
        }
    }

    @Test
    void closingTheListenerAbortsAPendingAcceptEx() throws Exception {
        long l = listenerOnB();
        long acceptor = socketOk(b, SOCK_STREAM, IPPROTO_TCP);
        WsaEvent ev = new WsaEvent();
        Overlapped ov = new Overlapped(ev);
        assertFalse(b.AcceptEx(l, acceptor, ByteBuffer.allocate(2 * ADDR_BLOCK), 0, ADDR_BLOCK, ADDR_BLOCK,
                new IntRef(), ov));
        assertEquals(WSA_IO_PENDING, b.WSAGetLastError());
        assertEquals(0, b.closesocket(l));
        awaitSet(ev);
        assertEquals(WSA_OPERATION_ABORTED, ov.status());
    }

    @Test
    void connectExNeedsABoundSocketThenConnectsAndSends() throws Exception {
        long l = listenerOnB();
        long c = socketOk(a, SOCK_STREAM, IPPROTO_TCP);
        MsWsock.LPFN_CONNECTEX connectEx = extension(a, c, MsWsock.WSAID_CONNECTEX);
        SockAddr to = SockAddr.inet(world.addrB(), port(b, l));
        assertFalse(connectEx.ConnectEx(c, to, null, new IntRef(), new Overlapped()));
        assertEquals(WSAEINVAL, a.WSAGetLastError(), "ConnectEx on an unbound socket");

        assertEquals(0, a.bind(c, SockAddr.inet(world.addrA(), 0)));
        WsaEvent ev = new WsaEvent();
        Overlapped ov = new Overlapped(ev);
        IntRef sent = new IntRef();
        boolean done = connectEx.ConnectEx(c, to, ByteBuffer.wrap("syn+data".getBytes()), sent, ov);
        if (!done) {
            assertEquals(WSA_IO_PENDING, a.WSAGetLastError());
        }
        awaitSet(ev);
        IntRef bytes = new IntRef();
        assertTrue(a.WSAGetOverlappedResult(c, ov, bytes, false, new IntRef()), () -> "" + a.WSAGetLastError());
        assertEquals(8, bytes.value);
        long s = b.accept(l, null);
        byte[] buf = new byte[8];
        IntRef n = new IntRef();
        assertEquals(0, b.WSARecv(s, new ByteBuffer[] {ByteBuffer.wrap(buf)}, n, new IntRef(MSG_WAITALL), null, null));
        assertEquals("syn+data", new String(buf));

        assertFalse(connectEx.ConnectEx(c, to, null, new IntRef(), new Overlapped()));
        assertEquals(WSAEISCONN, a.WSAGetLastError());
    }

    @Test
    void connectExToAClosedPortCompletesWithTheRefusal() throws Exception {
        long l = listenerOnB();
        SockAddr to = SockAddr.inet(world.addrB(), port(b, l));
        assertEquals(0, b.closesocket(l));
        long c = socketOk(a, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, a.bind(c, SockAddr.inet(world.addrA(), 0)));
        MsWsock.LPFN_CONNECTEX connectEx = extension(a, c, MsWsock.WSAID_CONNECTEX);
        WsaEvent ev = new WsaEvent();
        Overlapped ov = new Overlapped(ev);
        assertFalse(connectEx.ConnectEx(c, to, null, new IntRef(), ov));
        awaitSet(ev);
        assertFalse(a.WSAGetOverlappedResult(c, ov, new IntRef(), false, new IntRef()));
        assertEquals(WSAECONNREFUSED, a.WSAGetLastError());
    }

    @Test
    void disconnectExSendsTheFin() throws Exception {
        long[] p = connectedPair();
        MsWsock.LPFN_DISCONNECTEX disconnectEx = extension(a, p[0], MsWsock.WSAID_DISCONNECTEX);
        WsaEvent ev = new WsaEvent();
        Overlapped ov = new Overlapped(ev);
        assertTrue(disconnectEx.DisconnectEx(p[0], ov, 0, 0));
        awaitSet(ev);
        assertEquals(0, ov.status());
        assertEquals(0, b.recv(p[1], new byte[4], 4, 0), "the peer sees the end of the stream");
        assertFalse(disconnectEx.DisconnectEx(p[0], null, 0, 1));
        assertEquals(WSAEINVAL, a.WSAGetLastError(), "dwReserved must be 0");
    }

    @Test
    void transmitFileSendsHeadFileTailThenDisconnects(@TempDir Path dir) throws Exception {
        long[] p = connectedPair();
        byte[] content = new byte[200_000];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 31 + (i >>> 8));
        }
        Path file = dir.resolve("payload.bin");
        Files.write(file, content);
        MsWsock.LPFN_TRANSMITFILE transmitFile = extension(a, p[0], MsWsock.WSAID_TRANSMITFILE);
        WsaEvent ev = new WsaEvent();
        Overlapped ov = new Overlapped(ev);
        try (FileChannel ch = FileChannel.open(file)) {
            MsWsock.TransmitFileBuffers hf = new MsWsock.TransmitFileBuffers(
                    ByteBuffer.wrap("HEAD".getBytes()), ByteBuffer.wrap("TAIL".getBytes()));
            assertFalse(transmitFile.TransmitFile(p[0], ch, 0, 8192, ov, hf, TF_DISCONNECT));
            assertEquals(WSA_IO_PENDING, a.WSAGetLastError());
            byte[] got = readAll(b, p[1]);
            awaitSet(ev);
            assertEquals(0, ov.status());
            assertEquals(content.length + 8, ov.bytesTransferred());
            assertEquals("HEAD", new String(got, 0, 4));
            assertArrayEquals(content, Arrays.copyOfRange(got, 4, 4 + content.length));
            assertEquals("TAIL", new String(got, got.length - 4, 4));
        }
    }

    @Test
    void recvMsgReportsTheSenderAndPacketInfo() {
        long[] u = udpPair();
        byte[] on = {1, 0, 0, 0};
        assertEquals(0, b.setsockopt(u[1], IPPROTO_IP, IP_PKTINFO, on, 4));
        MsWsock.LPFN_WSASENDMSG sendMsg = extension(a, u[0], MsWsock.WSAID_WSASENDMSG);
        MsWsock.WsaMsg out = new MsWsock.WsaMsg(new ByteBuffer[] {ByteBuffer.wrap("msg".getBytes())}, null);
        out.name.value = addrOfB(u[1]);
        IntRef sent = new IntRef();
        assertEquals(0, sendMsg.WSASendMsg(u[0], out, 0, sent, null, null));
        assertEquals(3, sent.value);

        MsWsock.LPFN_WSARECVMSG recvMsg = extension(b, u[1], MsWsock.WSAID_WSARECVMSG);
        ByteBuffer data = ByteBuffer.allocate(2);
        ByteBuffer control = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        MsWsock.WsaMsg in = new MsWsock.WsaMsg(new ByteBuffer[] {data}, control);
        IntRef got = new IntRef();
        assertEquals(SOCKET_ERROR, recvMsg.WSARecvMsg(u[1], in, got, null, null));
        assertEquals(WSAEMSGSIZE, b.WSAGetLastError());
        assertEquals(MSG_TRUNC, in.dwFlags);
        assertEquals(port(a, u[0]), in.name.value.toInet().getPort());
        assertEquals(24, in.controlLength);
        assertEquals(24L, control.getLong(0));
        assertEquals(IPPROTO_IP, control.getInt(8));
        assertEquals(IP_PKTINFO, control.getInt(12));
        byte[] dst = new byte[4];
        control.get(16, dst);
        assertArrayEquals(world.addrB().getAddress(), dst);

        long tcp = socketOk(b, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(SOCKET_ERROR, recvMsg.WSARecvMsg(tcp, in, got, null, null));
        assertEquals(WSAEINVAL, b.WSAGetLastError(), "WSARecvMsg is for datagram sockets");
    }

    // ------------------------------------------------------------------ the futures facade

    @Test
    void asyncSocketAcceptsConnectsSendsAndReceives() throws Exception {
        try (AsyncWsSocket server = AsyncWsSocket.tcp(b).bind(new InetSocketAddress(world.addrB(), 0)).listen(4);
             AsyncWsSocket client = AsyncWsSocket.tcp(a)) {
            var accepted = server.accept();
            client.connect(server.localAddress()).get(WAIT_MS, TimeUnit.MILLISECONDS);
            try (AsyncWsSocket conn = accepted.get(WAIT_MS, TimeUnit.MILLISECONDS)) {
                ByteBuffer in = ByteBuffer.allocate(5);
                var received = conn.recv(in);
                ByteBuffer outBuf = ByteBuffer.wrap("async".getBytes());
                assertEquals(5, client.send(outBuf).get(WAIT_MS, TimeUnit.MILLISECONDS));
                assertEquals(5, outBuf.position());
                assertEquals(5, received.get(WAIT_MS, TimeUnit.MILLISECONDS));
                assertEquals("async", text(in, 5));

                var pending = conn.recv(ByteBuffer.allocate(4));
                conn.close();
                var e = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.ExecutionException.class,
                        () -> pending.get(WAIT_MS, TimeUnit.MILLISECONDS));
                assertEquals(WSA_OPERATION_ABORTED, ((WinsockException) e.getCause()).code());
            }
        }
    }
}
