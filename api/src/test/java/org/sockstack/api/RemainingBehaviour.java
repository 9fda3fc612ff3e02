package org.sockstack.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sockstack.spi.WsaData;
import org.sockstack.spi.provider.ApcQueue;
import org.sockstack.spi.provider.Overlapped;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.spi.wsa.Wsa.AF_INET;
import static org.sockstack.spi.wsa.Wsa.INVALID_SOCKET;
import static org.sockstack.spi.wsa.Wsa.IPPROTO_TCP;
import static org.sockstack.spi.wsa.Wsa.IPPROTO_UDP;
import static org.sockstack.spi.wsa.Wsa.MSG_PEEK;
import static org.sockstack.spi.wsa.Wsa.MSG_WAITALL;
import static org.sockstack.spi.wsa.Wsa.SOCKET_ERROR;
import static org.sockstack.spi.wsa.Wsa.SOCK_DGRAM;
import static org.sockstack.spi.wsa.Wsa.SOCK_STREAM;
import static org.sockstack.spi.wsa.Wsa.makeVersion;
import static org.sockstack.spi.wsa.WsaError.WSAEALREADY;
import static org.sockstack.spi.wsa.WsaError.WSAEFAULT;
import static org.sockstack.spi.wsa.WsaError.WSAEINVAL;
import static org.sockstack.spi.wsa.WsaError.WSAENOBUFS;
import static org.sockstack.spi.wsa.WsaError.WSAENOPROTOOPT;
import static org.sockstack.spi.wsa.WsaError.WSAENOTSOCK;
import static org.sockstack.spi.wsa.WsaError.WSAEOPNOTSUPP;
import static org.sockstack.spi.wsa.WsaError.WSANOTINITIALISED;
import static org.sockstack.spi.wsa.WsaError.WSANO_DATA;
import static org.sockstack.spi.wsa.WsaError.WSA_IO_PENDING;

/**
 * The functions of the "remaining functions" block of {@link Winsock}: recv with MSG_WAITALL,
 * WSAHtons and friends, WSASendDisconnect / WSARecvDisconnect, WSAConnectByName / ByList,
 * GetQueuedCompletionStatusEx and the WSAAsyncGetXByY lookups. The same body runs over the host
 * provider and over two user-space stacks; every wait is bounded.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
abstract class RemainingBehaviour extends TwoProcessBehaviour {
    static final int WAIT_MS = 5000;
    static final int WM_LOOKUP = MessageQueue.WM_USER + 7;

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

    static void sendText(Winsock ws, long s, String text) {
        byte[] d = text.getBytes(StandardCharsets.US_ASCII);
        assertEquals(d.length, ws.send(s, d, d.length, 0), () -> "send: " + ws.WSAGetLastError());
    }

    /** Waits (MSG_PEEK) until at least {@code n} bytes are queued on {@code s}. */
    static void awaitQueued(Winsock ws, long s, int n) {
        byte[] peek = new byte[n];
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (ws.recv(s, peek, n, MSG_PEEK) < n) {
            assertTrue(System.nanoTime() < end, "the data did not arrive");
            Thread.onSpinWait();
        }
    }

    // ------------------------------------------------------------------ recv and MSG_WAITALL

    @Test
    void recvWithWaitAllWaitsUntilTheBufferIsFull() throws Exception {
        startBoth();
        long[] p = connectedPair();
        sendText(a, p[0], "hello");
        awaitQueued(b, p[1], 5);
        CompletableFuture<Integer> got = new CompletableFuture<>();
        byte[] buf = new byte[11];
        Thread.ofVirtual().start(() -> got.complete(b.recv(p[1], buf, buf.length, MSG_WAITALL)));
        sendText(a, p[0], " world");
        assertEquals(11, got.get(WAIT_MS, TimeUnit.MILLISECONDS), () -> "recv: " + b.WSAGetLastError());
        assertEquals("hello world", new String(buf, StandardCharsets.US_ASCII));
    }

    @Test
    void recvIntoAByteBufferWithWaitAllStopsAtTheGracefulClose() throws Exception {
        startBoth();
        long[] p = connectedPair();
        sendText(a, p[0], "abc");
        awaitQueued(b, p[1], 3);
        CompletableFuture<Integer> got = new CompletableFuture<>();
        ByteBuffer buf = ByteBuffer.allocate(16);
        buf.position(2);
        Thread.ofVirtual().start(() -> got.complete(b.recv(p[1], buf, MSG_WAITALL)));
        sendText(a, p[0], "de");
        assertEquals(0, a.shutdown(p[0], 1));
        assertEquals(5, got.get(WAIT_MS, TimeUnit.MILLISECONDS), () -> "recv: " + b.WSAGetLastError());
        assertEquals(7, buf.position());
        assertEquals("abcde", new String(buf.array(), 2, 5, StandardCharsets.US_ASCII));
    }

    @Test
    void recvWithWaitAllIsForStreamSocketsOnly() {
        startBoth();
        long u = socketOk(a, SOCK_DGRAM, IPPROTO_UDP);
        assertEquals(0, a.bind(u, SockAddr.inet(world.addrA(), 0)));
        byte[] buf = new byte[8];
        assertEquals(SOCKET_ERROR, a.recv(u, buf, buf.length, MSG_WAITALL));
        assertEquals(WSAEOPNOTSUPP, a.WSAGetLastError());
    }

    // ------------------------------------------------------------------ WSAHtons and friends

    @Test
    void byteOrderFunctionsCheckStartupTheSocketAndThePointer() {
        Ref<Short> s16 = new Ref<>();
        IntRef s32 = new IntRef();
        assertEquals(SOCKET_ERROR, a.WSAHtons(1, (short) 1, s16));
        assertEquals(WSANOTINITIALISED, a.WSAGetLastError());
        startBoth();
        assertEquals(SOCKET_ERROR, a.WSAHtonl(0x7777, 1, s32));
        assertEquals(WSAENOTSOCK, a.WSAGetLastError());
        long s = socketOk(a, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(SOCKET_ERROR, a.WSANtohs(s, (short) 1, null));
        assertEquals(WSAEFAULT, a.WSAGetLastError());
        assertEquals(SOCKET_ERROR, a.WSANtohl(s, 1, null));
        assertEquals(WSAEFAULT, a.WSAGetLastError());

        assertEquals(0, a.WSAHtons(s, (short) 0x1234, s16));
        assertEquals((short) 0x3412, s16.value);
        assertEquals(0, a.WSANtohs(s, (short) 0x3412, s16));
        assertEquals((short) 0x1234, s16.value);
        assertEquals(0, a.WSAHtonl(s, 0x01020304, s32));
        assertEquals(0x04030201, s32.value);
        assertEquals(0, a.WSANtohl(s, 0x04030201, s32));
        assertEquals(0x01020304, s32.value);
    }

    // ------------------------------------------------------------------ WSASendDisconnect / WSARecvDisconnect

    @Test
    void sendDisconnectEndsTheSendingHalfOnly() {
        startBoth();
        long[] p = connectedPair();
        assertEquals(SOCKET_ERROR, a.WSASendDisconnect(p[0], ByteBuffer.wrap(new byte[] {1, 2})));
        assertEquals(WSAENOPROTOOPT, a.WSAGetLastError());
        assertEquals(0, a.WSASendDisconnect(p[0], null), () -> "WSASendDisconnect: " + a.WSAGetLastError());
        byte[] buf = new byte[8];
        assertEquals(0, b.recv(p[1], buf, buf.length, 0), "the peer sees the graceful close");
        sendText(b, p[1], "still");
        assertEquals(5, a.recv(p[0], buf, 5, MSG_WAITALL));
        assertEquals(SOCKET_ERROR, a.send(p[0], buf, 1, 0), "no sends after the disconnect");
    }

    @Test
    void recvDisconnectHasNoDataForTcpAndLeavesTheSendingHalf() {
        startBoth();
        long[] p = connectedPair();
        ByteBuffer in = ByteBuffer.allocate(4);
        assertEquals(0, b.WSARecvDisconnect(p[1], in), () -> "WSARecvDisconnect: " + b.WSAGetLastError());
        assertEquals(0, in.position(), "TCP carries no disconnect data");
        sendText(b, p[1], "ok");
        byte[] buf = new byte[2];
        assertEquals(2, a.recv(p[0], buf, 2, MSG_WAITALL));
        assertEquals(SOCKET_ERROR, a.WSARecvDisconnect(0x7777, null));
        assertEquals(WSAENOTSOCK, a.WSAGetLastError());
    }

    // ------------------------------------------------------------------ WSAConnectByName / ByList

    @Test
    void connectByNameResolvesConnectsAndReportsBothAddresses() {
        startBoth();
        long l = listenerOnB();
        long c = socketOk(a, SOCK_STREAM, IPPROTO_TCP);
        Ref<SockAddr> local = new Ref<>();
        Ref<SockAddr> remote = new Ref<>();
        String node = world.addrB().getHostAddress();
        assertTrue(a.WSAConnectByName(c, node, Integer.toString(port(b, l)), local, remote, TimeVal.ofMillis(WAIT_MS),
                null), () -> "WSAConnectByName: " + a.WSAGetLastError());
        assertEquals(SockAddr.inet(world.addrB(), port(b, l)), remote.value);
        Ref<SockAddr> peerOfServer = new Ref<>();
        long s = b.accept(l, peerOfServer);
        assertNotEquals(INVALID_SOCKET, s);
        assertEquals(peerOfServer.value, local.value);
        sendText(a, c, "x");
        byte[] buf = new byte[1];
        assertEquals(1, b.recv(s, buf, 1, 0));
    }

    @Test
    void connectByNameWithoutTimeoutAndItsArgumentErrors() {
        startBoth();
        long l = listenerOnB();
        long c = socketOk(a, SOCK_STREAM, IPPROTO_TCP);
        String node = world.addrB().getHostAddress();
        String service = Integer.toString(port(b, l));
        assertFalse(a.WSAConnectByName(c, node, service, null, null, null, new Overlapped()));
        assertEquals(WSAEINVAL, a.WSAGetLastError());
        assertFalse(a.WSAConnectByName(0x7777, node, service, null, null, null, null));
        assertEquals(WSAENOTSOCK, a.WSAGetLastError());
        assertTrue(a.WSAConnectByName(c, node, service, null, null, null, null),
                () -> "WSAConnectByName: " + a.WSAGetLastError());
        assertNotEquals(INVALID_SOCKET, b.accept(l, null));
    }

    @Test
    void connectByListTakesTheFirstAddressThatAccepts() {
        startBoth();
        long l = listenerOnB();
        long c = socketOk(a, SOCK_STREAM, IPPROTO_TCP);
        assertFalse(a.WSAConnectByList(c, List.of(), null, null, null, null));
        assertEquals(WSAEINVAL, a.WSAGetLastError());
        SockAddr good = SockAddr.inet(world.addrB(), port(b, l));
        Ref<SockAddr> remote = new Ref<>();
        assertTrue(a.WSAConnectByList(c, List.of(good), null, remote, TimeVal.ofMillis(WAIT_MS), null),
                () -> "WSAConnectByList: " + a.WSAGetLastError());
        assertEquals(good, remote.value);
        assertNotEquals(INVALID_SOCKET, b.accept(l, null));
    }

    // ------------------------------------------------------------------ GetQueuedCompletionStatusEx

    @Test
    void completionStatusExRemovesUpToTheCountThenTimesOut() {
        startBoth();
        IoCompletionPort port = a.CreateIoCompletionPort(INVALID_SOCKET, null, 0, 0);
        assertNotNull(port);
        for (int i = 1; i <= 3; i++) {
            assertTrue(a.PostQueuedCompletionStatus(port, 10 * i, i, null));
        }
        OverlappedEntry[] entries = new OverlappedEntry[2];
        IntRef removed = new IntRef();
        assertTrue(a.GetQueuedCompletionStatusEx(port, entries, 2, removed, WAIT_MS, false));
        assertEquals(2, removed.value);
        assertEquals(1, entries[0].lpCompletionKey);
        assertEquals(20, entries[1].dwNumberOfBytesTransferred);
        assertTrue(a.GetQueuedCompletionStatusEx(port, entries, 2, removed, WAIT_MS, false));
        assertEquals(1, removed.value);
        assertEquals(3, entries[0].lpCompletionKey);
        assertFalse(a.GetQueuedCompletionStatusEx(port, entries, 2, removed, 20, false));
        assertEquals(MsWsock.WAIT_TIMEOUT, a.WSAGetLastError());
        assertEquals(0, removed.value);
        assertFalse(a.GetQueuedCompletionStatusEx(port, entries, 3, removed, 0, false), "count above the array");
        assertEquals(org.sockstack.spi.wsa.WsaError.WSA_INVALID_PARAMETER, a.WSAGetLastError());
        assertTrue(a.CloseHandle(port));
        assertFalse(a.GetQueuedCompletionStatusEx(port, entries, 1, removed, 0, false));
        assertEquals(org.sockstack.spi.wsa.WsaError.WSA_INVALID_HANDLE, a.WSAGetLastError());
    }

    @Test
    void completionStatusExDeliversASocketsCompletion() {
        startBoth();
        long[] p = connectedPair();
        IoCompletionPort port = b.CreateIoCompletionPort(p[1], null, 42, 0);
        assertNotNull(port);
        Overlapped ov = new Overlapped();
        ByteBuffer buf = ByteBuffer.allocate(8);
        int r = b.WSARecv(p[1], new ByteBuffer[] {buf}, new IntRef(), new IntRef(0), ov, null);
        assertTrue(r == 0 || b.WSAGetLastError() == WSA_IO_PENDING, () -> "WSARecv: " + b.WSAGetLastError());
        sendText(a, p[0], "four");
        OverlappedEntry[] entries = new OverlappedEntry[4];
        IntRef removed = new IntRef();
        assertTrue(b.GetQueuedCompletionStatusEx(port, entries, 4, removed, WAIT_MS, false));
        assertEquals(1, removed.value);
        assertEquals(42, entries[0].lpCompletionKey);
        assertSame(ov, entries[0].lpOverlapped);
        assertEquals(0, entries[0].internal);
        assertEquals(4, entries[0].dwNumberOfBytesTransferred);
    }

    @Test
    void alertableCompletionStatusExRunsTheQueuedRoutinesFirst() {
        startBoth();
        IoCompletionPort port = a.CreateIoCompletionPort(INVALID_SOCKET, null, 0, 0);
        AtomicInteger ran = new AtomicInteger();
        ApcQueue.of(Thread.currentThread()).queue(ran::incrementAndGet);
        IntRef removed = new IntRef();
        assertFalse(a.GetQueuedCompletionStatusEx(port, new OverlappedEntry[1], 1, removed, MsWsock.INFINITE, true));
        assertEquals(MsWsock.WAIT_IO_COMPLETION, a.WSAGetLastError());
        assertEquals(1, ran.get());
        assertEquals(0, removed.value);
    }

    // ------------------------------------------------------------------ WSAAsyncGetXByY

    private MessageQueue.Message awaitReply(MessageQueue window, long handle) {
        MessageQueue.Message m = window.getMessage(WAIT_MS);
        assertNotNull(m, "no reply was posted");
        assertEquals(WM_LOOKUP, m.message());
        assertEquals(handle, m.wParam());
        return m;
    }

    @Test
    void asyncLookupsPostTheirResultWithTheTaskHandle() {
        MessageQueue window = new MessageQueue();
        Ref<ProtoEnt> proto = new Ref<>();
        assertEquals(0, a.WSAAsyncGetProtoByName(window, WM_LOOKUP, "tcp", proto, Winsock.MAXGETHOSTSTRUCT));
        assertEquals(WSANOTINITIALISED, a.WSAGetLastError());
        startBoth();

        long h = a.WSAAsyncGetProtoByName(window, WM_LOOKUP, "tcp", proto, Winsock.MAXGETHOSTSTRUCT);
        assertNotEquals(0, h);
        MessageQueue.Message m = awaitReply(window, h);
        assertEquals(0, Winsock.WSAGETASYNCERROR(m.lParam()));
        assertEquals(IPPROTO_TCP, proto.value.proto());

        long h2 = a.WSAAsyncGetProtoByNumber(window, WM_LOOKUP, IPPROTO_UDP, proto, Winsock.MAXGETHOSTSTRUCT);
        assertNotEquals(h, h2);
        assertEquals(0, Winsock.WSAGETASYNCERROR(awaitReply(window, h2).lParam()));
        assertEquals("udp", proto.value.name());

        Ref<ServEnt> serv = new Ref<>();
        long h3 = a.WSAAsyncGetServByPort(window, WM_LOOKUP, 80, "tcp", serv, Winsock.MAXGETHOSTSTRUCT);
        assertEquals(0, Winsock.WSAGETASYNCERROR(awaitReply(window, h3).lParam()));
        assertEquals("http", serv.value.name());
        long h4 = a.WSAAsyncGetServByName(window, WM_LOOKUP, "http", "tcp", serv, Winsock.MAXGETHOSTSTRUCT);
        assertEquals(0, Winsock.WSAGETASYNCERROR(awaitReply(window, h4).lParam()));
        assertEquals(80, serv.value.port());
    }

    @Test
    void asyncHostLookupOfANumericNameGivesTheAddress() {
        startBoth();
        MessageQueue window = new MessageQueue();
        Ref<HostEnt> host = new Ref<>();
        long h = a.WSAAsyncGetHostByName(window, WM_LOOKUP, "192.0.2.77", host, Winsock.MAXGETHOSTSTRUCT);
        assertNotEquals(0, h);
        assertEquals(0, Winsock.WSAGETASYNCERROR(awaitReply(window, h).lParam()));
        assertEquals(AF_INET, host.value.addrtype());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new byte[] {(byte) 192, 0, 2, 77}, host.value.addrList().get(0));
    }

    @Test
    void asyncLookupErrorsArriveInTheReply() {
        startBoth();
        MessageQueue window = new MessageQueue();
        Ref<ProtoEnt> proto = new Ref<>();
        long h = a.WSAAsyncGetProtoByName(window, WM_LOOKUP, "no-such-protocol", proto, Winsock.MAXGETHOSTSTRUCT);
        assertEquals(WSANO_DATA, Winsock.WSAGETASYNCERROR(awaitReply(window, h).lParam()));
        assertNull(proto.value);

        long small = a.WSAAsyncGetProtoByName(window, WM_LOOKUP, "tcp", proto, 10);
        MessageQueue.Message m = awaitReply(window, small);
        assertEquals(WSAENOBUFS, Winsock.WSAGETASYNCERROR(m.lParam()));
        assertTrue(Winsock.WSAGETASYNCBUFLEN(m.lParam()) > 10, "the size needed is reported");
        assertNull(proto.value, "nothing is written to a buffer too small");

        assertEquals(0, a.WSAAsyncGetServByName(window, WM_LOOKUP, "http", "tcp", null, 100));
        assertEquals(WSAEFAULT, a.WSAGetLastError());
    }

    @Test
    void cancelStopsTheReplyOrSaysItIsTooLate() {
        startBoth();
        MessageQueue window = new MessageQueue();
        Ref<ProtoEnt> proto = new Ref<>();
        long h = a.WSAAsyncGetProtoByNumber(window, WM_LOOKUP, IPPROTO_TCP, proto, Winsock.MAXGETHOSTSTRUCT);
        if (a.WSACancelAsyncRequest(h) == 0) {
            assertNull(window.getMessage(200), "a cancelled task posts nothing");
        } else {
            assertEquals(WSAEALREADY, a.WSAGetLastError());
            awaitReply(window, h);
        }
        assertEquals(SOCKET_ERROR, a.WSACancelAsyncRequest(h));
        assertEquals(WSAEALREADY, a.WSAGetLastError());
        assertEquals(SOCKET_ERROR, a.WSACancelAsyncRequest(1_000_000));
        assertEquals(WSAEINVAL, a.WSAGetLastError());
        assertEquals(0, Winsock.WSAMAKEASYNCREPLY(0, 0));
        assertEquals(WSAENOBUFS, Winsock.WSAGETASYNCERROR(Winsock.WSAMAKEASYNCREPLY(300, WSAENOBUFS)));
        assertEquals(300, Winsock.WSAGETASYNCBUFLEN(Winsock.WSAMAKEASYNCREPLY(300, WSAENOBUFS)));
    }

    @Test
    void startupIsCountedPerProcess() {
        assertEquals(0, a.WSAStartup(makeVersion(2, 2), new WsaData()));
        Ref<Short> out = new Ref<>();
        assertEquals(SOCKET_ERROR, b.WSAHtons(1, (short) 1, out));
        assertEquals(WSANOTINITIALISED, b.WSAGetLastError());
    }
}
