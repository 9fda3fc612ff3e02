package org.sockstack.spi;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sockstack.spi.provider.ApcQueue;
import org.sockstack.spi.provider.AsyncWindow;
import org.sockstack.spi.provider.CompletionPort;
import org.sockstack.spi.provider.FdSet;
import org.sockstack.spi.provider.NetworkEvents;
import org.sockstack.spi.provider.Overlapped;
import org.sockstack.spi.provider.WsaEvent;
import org.sockstack.spi.catalog.ProtocolInfo;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * UDP scenarios with the results Winsock gives, run unchanged over the host provider and the stack
 * provider (subclasses choose the world): both must pass the same assertions.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
abstract class UdpScenarios {
    static final int WAIT_MS = 5000;
    TestNetworks.Env env;

    abstract TestNetworks.Env newEnv();

    @BeforeEach
    void setUp() {
        env = newEnv();
    }

    @AfterEach
    void tearDown() {
        env.close();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    Net boundA() {
        Net s = Net.udp(env.a());
        assertEquals(0, s.bind(env.addrA(), 0));
        return s;
    }

    Net boundB() {
        Net s = Net.udp(env.b());
        assertEquals(0, s.bind(env.addrB(), 0));
        return s;
    }

    /** A blocking receive bounded by SO_RCVTIMEO so a broken provider fails instead of hanging. */
    static Net.Received recvWithin(Net s, int capacity) {
        s.setInt(Wsa.SOL_SOCKET, Wsa.SO_RCVTIMEO, WAIT_MS);
        return s.recvFrom(capacity, 0);
    }

    @Test
    void bindReportsTheAddressAndAnEphemeralPort() {
        Net s = boundA();
        InetSocketAddress local = s.local();
        assertEquals(env.addrA(), local.getAddress());
        assertTrue(local.getPort() > 0);
    }

    @Test
    void bindingABoundSocketAgainIsInvalid() {
        Net s = boundA();
        assertEquals(WsaError.WSAEINVAL, s.bind(env.addrA(), 0));
    }

    @Test
    void bindingAPortInUseIsAddrInUse() {
        Net s = boundA();
        Net t = Net.udp(env.a());
        assertEquals(WsaError.WSAEADDRINUSE, t.bind(env.addrA(), s.port()));
    }

    @Test
    void bindingAnAddressNotOursIsAddrNotAvail() {
        Net s = Net.udp(env.a());
        assertEquals(WsaError.WSAEADDRNOTAVAIL, s.bind(TestNetworks.ip("203.0.113.9"), 0));
    }

    @Test
    void bindingAShortOrForeignSockaddrIsFault() {
        Net s = Net.udp(env.a());
        IntRef e = new IntRef();
        byte[] raw = SockAddr.inet(env.addrA(), 0).bytes();
        assertEquals(Wsa.SOCKET_ERROR, s.provider().bind(s.handle, SockAddr.of(raw, 8), e));
        assertEquals(WsaError.WSAEFAULT, e.value);
        SockAddr v6 = SockAddr.inet(TestNetworks.ip("::1"), 0);
        assertEquals(Wsa.SOCKET_ERROR, s.provider().bind(s.handle, v6, e));
        assertEquals(WsaError.WSAEFAULT, e.value);
    }

    @Test
    void namesOfUnboundAndUnconnectedSockets() {
        Net s = Net.udp(env.a());
        assertEquals(null, s.local());
        IntRef e = new IntRef();
        assertEquals(Wsa.SOCKET_ERROR, s.provider().getSockName(s.handle, new Ref<>(), e));
        assertEquals(WsaError.WSAEINVAL, e.value);
        assertEquals(Wsa.SOCKET_ERROR, s.provider().getPeerName(s.handle, new Ref<>(), e));
        assertEquals(WsaError.WSAENOTCONN, e.value);
    }

    @Test
    void sendToAndReceiveFrom() {
        Net a = boundA();
        Net b = boundB();
        assertEquals(0, a.sendTo(bytes("hello"), env.addrB(), b.port()));
        Net.Received r = recvWithin(b, 100);
        assertEquals(0, r.error());
        assertEquals(5, r.bytes());
        assertEquals("hello", r.text());
        assertEquals(new InetSocketAddress(env.addrA(), a.port()), r.from());
    }

    @Test
    void sendToFromAnUnboundSocketBindsIt() {
        Net a = Net.udp(env.a());
        Net b = boundB();
        assertEquals(0, a.sendTo(bytes("x"), env.addrB(), b.port()));
        assertNotNull(a.local());
        assertEquals(0, recvWithin(b, 10).error());
    }

    @Test
    void connectThenSendAndRecv() {
        Net a = boundA();
        Net b = boundB();
        assertEquals(0, a.connect(env.addrB(), b.port()));
        IntRef e = new IntRef();
        Ref<SockAddr> peer = new Ref<>();
        assertEquals(0, a.provider().getPeerName(a.handle, peer, e));
        assertEquals(new InetSocketAddress(env.addrB(), b.port()), peer.value.toInet());
        assertEquals(0, a.send(bytes("ping")));
        Net.Received r = recvWithin(b, 100);
        assertEquals("ping", r.text());
        assertEquals(0, b.sendTo(bytes("pong"), env.addrA(), a.port()));
        a.setInt(Wsa.SOL_SOCKET, Wsa.SO_RCVTIMEO, WAIT_MS);
        Net.Received back = a.recv(100);
        assertEquals(0, back.error());
        assertEquals("pong", back.text());
    }

    @Test
    void sendWithoutAPeerIsNotConnectedAndPortZeroIsNotAvailable() {
        Net a = boundA();
        assertEquals(WsaError.WSAENOTCONN, a.send(bytes("x")));
        assertEquals(WsaError.WSAEADDRNOTAVAIL, a.sendTo(bytes("x"), env.addrB(), 0));
    }

    @Test
    void anOversizedDatagramIsMsgSize() {
        Net a = boundA();
        Net b = boundB();
        int max = ProtocolInfo.UDP_MESSAGE_SIZE;
        assertEquals(WsaError.WSAEMSGSIZE, a.sendTo(new byte[max + 1], env.addrB(), b.port()));
        assertEquals(max, a.getInt(Wsa.SOL_SOCKET, Wsa.SO_MAX_MSG_SIZE));
    }

    @Test
    void nonBlockingRecvWithNothingQueuedWouldBlock() {
        Net b = boundB();
        assertEquals(0, b.ioctlIn(Wsa.FIONBIO, 1));
        assertEquals(WsaError.WSAEWOULDBLOCK, b.recvFrom(10, 0).error());
    }

    @Test
    void recvOnAnUnboundSocketIsInvalid() {
        Net b = Net.udp(env.b());
        assertEquals(WsaError.WSAEINVAL, b.recvFrom(10, 0).error());
    }

    @Test
    void blockingRecvTimesOutAfterRcvTimeo() {
        Net b = boundB();
        assertEquals(0, b.setInt(Wsa.SOL_SOCKET, Wsa.SO_RCVTIMEO, 150));
        assertEquals(150, b.getInt(Wsa.SOL_SOCKET, Wsa.SO_RCVTIMEO));
        long t0 = System.nanoTime();
        assertEquals(WsaError.WSAETIMEDOUT, b.recvFrom(10, 0).error());
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(140));
    }

    @Test
    void aDatagramLargerThanTheBufferIsTruncatedWithMsgSize() {
        Net a = boundA();
        Net b = boundB();
        a.sendTo(bytes("0123456789"), env.addrB(), b.port());
        a.sendTo(bytes("next"), env.addrB(), b.port());
        b.setInt(Wsa.SOL_SOCKET, Wsa.SO_RCVTIMEO, WAIT_MS);
        Net.Received r = b.recvFrom(4, 0);
        assertEquals(WsaError.WSAEMSGSIZE, r.error());
        assertEquals(4, r.bytes());
        assertEquals("0123", r.text());
        // The rest of the datagram is gone: the next receive gets the next datagram.
        assertEquals("next", b.recvFrom(10, 0).text());
    }

    @Test
    void peekLeavesTheDatagramQueued() {
        Net a = boundA();
        Net b = boundB();
        a.sendTo(bytes("peek"), env.addrB(), b.port());
        b.setInt(Wsa.SOL_SOCKET, Wsa.SO_RCVTIMEO, WAIT_MS);
        Net.Received p = b.recvFrom(10, Wsa.MSG_PEEK);
        assertEquals("peek", p.text());
        assertEquals("peek", b.recvFrom(10, 0).text());
        assertEquals(0, b.ioctlIn(Wsa.FIONBIO, 1));
        assertEquals(WsaError.WSAEWOULDBLOCK, b.recvFrom(10, 0).error());
    }

    @Test
    void fionreadCountsEveryQueuedByte() throws InterruptedException {
        Net a = boundA();
        Net b = boundB();
        a.sendTo(bytes("abc"), env.addrB(), b.port());
        a.sendTo(bytes("defgh"), env.addrB(), b.port());
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (b.ioctlOut(Wsa.FIONREAD, 4) < 8 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        // Windows: FIONREAD on a datagram socket is all queued data, not the first datagram.
        assertEquals(8, b.ioctlOut(Wsa.FIONREAD, 4));
    }

    @Test
    void connectedUdpGetsConnResetAfterPortUnreachable() {
        Net a = boundA();
        Net closed = boundB();
        int port = closed.port();
        closed.close();
        assertEquals(0, a.connect(env.addrB(), port));
        assertEquals(0, a.send(bytes("anyone?")));
        a.setInt(Wsa.SOL_SOCKET, Wsa.SO_RCVTIMEO, WAIT_MS);
        Net.Received r = a.recv(10);
        assertEquals(WsaError.WSAECONNRESET, r.error());
        // Reported once: then the socket is usable again.
        assertEquals(0, a.send(bytes("again")));
    }

    @Test
    void udpConnResetOffIgnoresPortUnreachable() {
        Net a = boundA();
        Net closed = boundB();
        int port = closed.port();
        closed.close();
        assertEquals(0, a.ioctlIn(Wsa.SIO_UDP_CONNRESET, 0));
        assertEquals(0, a.connect(env.addrB(), port));
        assertEquals(0, a.send(bytes("anyone?")));
        a.setInt(Wsa.SOL_SOCKET, Wsa.SO_RCVTIMEO, 400);
        assertEquals(WsaError.WSAETIMEDOUT, a.recv(10).error());
    }

    @Test
    void optionsRecognisedAndRefused() {
        Net a = Net.udp(env.a());
        assertEquals(Wsa.SOCK_DGRAM, a.getInt(Wsa.SOL_SOCKET, Wsa.SO_TYPE));
        assertEquals(-WsaError.WSAENOPROTOOPT, -a.setInt(Wsa.SOL_SOCKET, Wsa.SO_TYPE, 1));
        assertEquals(WsaError.WSAENOPROTOOPT, a.setInt(Wsa.SOL_SOCKET, Wsa.SO_LINGER, 1));
        assertEquals(0, a.setInt(Wsa.SOL_SOCKET, Wsa.SO_BROADCAST, 1));
        assertEquals(1, a.getInt(Wsa.SOL_SOCKET, Wsa.SO_BROADCAST));
        assertEquals(0, a.getInt(Wsa.SOL_SOCKET, Wsa.SO_ERROR));
        assertEquals(0, a.getInt(Wsa.SOL_SOCKET, Wsa.SO_ACCEPTCONN));
        assertEquals(WsaError.WSAEINVAL, a.setInt(12345, 1, 1));
        IntRef e = new IntRef();
        assertEquals(Wsa.SOCKET_ERROR, a.provider().setSockOpt(a.handle, Wsa.SOL_SOCKET, Wsa.SO_BROADCAST, null, 4, e));
        assertEquals(WsaError.WSAEFAULT, e.value);
        // Boolean options accept a one-byte value.
        assertEquals(0, a.provider().setSockOpt(a.handle, Wsa.SOL_SOCKET, Wsa.SO_BROADCAST, new byte[] {0}, 1, e));
        assertEquals(0, a.getInt(Wsa.SOL_SOCKET, Wsa.SO_BROADCAST));
        byte[] info = new byte[700];
        IntRef len = new IntRef(info.length);
        assertEquals(0, a.provider().getSockOpt(a.handle, Wsa.SOL_SOCKET, Wsa.SO_PROTOCOL_INFOW, info, len, e));
        assertEquals(628, len.value);
    }

    @Test
    void listenAndAcceptAreNotForDatagrams() {
        Net a = boundA();
        IntRef e = new IntRef();
        assertEquals(Wsa.SOCKET_ERROR, a.provider().listen(a.handle, 5, e));
        assertEquals(WsaError.WSAEOPNOTSUPP, e.value);
        assertEquals(Wsa.INVALID_SOCKET, a.provider().accept(a.handle, new Ref<>(), null, e));
        assertEquals(WsaError.WSAEOPNOTSUPP, e.value);
    }

    @Test
    void selectReportsReadableWhenADatagramArrives() {
        Net a = boundA();
        Net b = boundB();
        IntRef e = new IntRef();
        FdSet read = FdSet.of(b.handle);
        assertEquals(0, b.provider().select(read, null, null, Duration.ZERO, e));
        assertEquals(0, read.count());
        FdSet write = FdSet.of(b.handle);
        assertEquals(1, b.provider().select(null, write, null, Duration.ZERO, e));
        a.sendTo(bytes("sel"), env.addrB(), b.port());
        read = FdSet.of(b.handle);
        assertEquals(1, b.provider().select(read, null, null, Duration.ofMillis(WAIT_MS), e));
        assertTrue(read.isSet(b.handle));
    }

    @Test
    void selectWithAClosedSocketIsNotSockAndLeavesTheSets() {
        Net b = boundB();
        Net c = boundB();
        c.close();
        FdSet read = FdSet.of(b.handle, c.handle);
        IntRef e = new IntRef();
        assertEquals(Wsa.SOCKET_ERROR, b.provider().select(read, null, null, Duration.ZERO, e));
        assertEquals(WsaError.WSAENOTSOCK, e.value);
        assertEquals(2, read.count());
    }

    @Test
    void eventSelectRecordsReadAndWriteAndRecvReEnablesRead() throws InterruptedException {
        Net a = boundA();
        Net b = boundB();
        WsaEvent ev = new WsaEvent();
        IntRef e = new IntRef();
        assertEquals(0, b.provider().eventSelect(b.handle, ev, Wsa.FD_READ | Wsa.FD_WRITE, e));
        NetworkEvents ne = new NetworkEvents();
        assertTrue(ev.await(WAIT_MS));
        assertEquals(0, b.provider().enumNetworkEvents(b.handle, ev, ne, e));
        assertEquals(Wsa.FD_WRITE, ne.networkEvents);
        assertFalse(ev.isSet());
        // Switching back to blocking is refused while events are selected.
        assertEquals(WsaError.WSAEINVAL, b.ioctlIn(Wsa.FIONBIO, 0));
        a.sendTo(bytes("one"), env.addrB(), b.port());
        a.sendTo(bytes("two"), env.addrB(), b.port());
        assertTrue(ev.await(WAIT_MS));
        b.provider().enumNetworkEvents(b.handle, ev, ne, e);
        assertEquals(Wsa.FD_READ, ne.networkEvents);
        assertEquals(0, ne.errorCode[Wsa.FD_READ_BIT]);
        // Not re-signalled until a receive re-enables FD_READ; the second datagram then signals again.
        assertFalse(ev.await(100));
        assertEquals("one", b.recvFrom(10, 0).text());
        assertTrue(ev.await(WAIT_MS));
        b.provider().enumNetworkEvents(b.handle, ev, ne, e);
        assertEquals(Wsa.FD_READ, ne.networkEvents);
    }

    @Test
    void asyncSelectPostsMessagesWithTheSocket() throws InterruptedException {
        Net a = boundA();
        Net b = boundB();
        LinkedBlockingQueue<long[]> messages = new LinkedBlockingQueue<>();
        AsyncWindow window = (msg, w, l) -> messages.add(new long[] {msg, w, l});
        IntRef e = new IntRef();
        assertEquals(0, b.provider().asyncSelect(b.handle, window, 0x400, Wsa.FD_READ, e));
        a.sendTo(bytes("msg"), env.addrB(), b.port());
        long[] m = messages.poll(WAIT_MS, TimeUnit.MILLISECONDS);
        assertNotNull(m);
        assertEquals(0x400, m[0]);
        assertEquals(b.handle, m[1]);
        assertEquals(Wsa.FD_READ, Wsa.selectEvent(m[2]));
        assertEquals(0, Wsa.selectError(m[2]));
    }

    @Test
    void overlappedRecvCompletesThroughItsEvent() throws InterruptedException {
        Net a = boundA();
        Net b = boundB();
        WsaEvent ev = new WsaEvent();
        Overlapped ov = new Overlapped(ev);
        ByteBuffer buf = ByteBuffer.allocate(16);
        IntRef n = new IntRef();
        IntRef e = new IntRef();
        int r = b.provider().recv(b.handle, new ByteBuffer[] {buf}, n, new IntRef(), ov, null, null, e);
        assertEquals(Wsa.SOCKET_ERROR, r);
        assertEquals(WsaError.WSA_IO_PENDING, e.value);
        assertFalse(b.provider().getOverlappedResult(b.handle, ov, n, false, new IntRef(), e));
        assertEquals(WsaError.WSA_IO_INCOMPLETE, e.value);
        a.sendTo(bytes("overlap"), env.addrB(), b.port());
        assertTrue(ev.await(WAIT_MS));
        assertTrue(b.provider().getOverlappedResult(b.handle, ov, n, true, new IntRef(), e));
        assertEquals(7, n.value);
        assertEquals("overlap", new String(buf.array(), 0, 7));
    }

    @Test
    void overlappedRecvRunsItsCompletionRoutineOnTheIssuingThread() throws InterruptedException {
        Net a = boundA();
        Net b = boundB();
        Overlapped ov = new Overlapped();
        ByteBuffer buf = ByteBuffer.allocate(16);
        Thread[] ranOn = new Thread[1];
        int[] got = new int[2];
        IntRef e = new IntRef();
        int r = b.provider().recv(b.handle, new ByteBuffer[] {buf}, new IntRef(), new IntRef(), ov,
                (err, bytes, o, flags) -> {
                    ranOn[0] = Thread.currentThread();
                    got[0] = err;
                    got[1] = bytes;
                }, Thread.currentThread(), e);
        assertEquals(WsaError.WSA_IO_PENDING, r == Wsa.SOCKET_ERROR ? e.value : 0);
        a.sendTo(bytes("apc"), env.addrB(), b.port());
        assertEquals(1, ApcQueue.alertableWait(WAIT_MS));
        assertEquals(Thread.currentThread(), ranOn[0]);
        assertEquals(0, got[0]);
        assertEquals(3, got[1]);
    }

    @Test
    void overlappedCompletionsGoToTheAssociatedCompletionPort() throws InterruptedException {
        Net a = boundA();
        Net b = boundB();
        CompletionPort port = new CompletionPort();
        assertEquals(0, env.b().associate(b.handle, port, 77));
        Overlapped ov = new Overlapped();
        IntRef e = new IntRef();
        b.provider().recv(b.handle, new ByteBuffer[] {ByteBuffer.allocate(8)}, new IntRef(), new IntRef(), ov, null,
                null, e);
        a.sendTo(bytes("iocp"), env.addrB(), b.port());
        CompletionPort.Packet p = port.take(WAIT_MS);
        assertNotNull(p);
        assertEquals(77, p.completionKey());
        assertEquals(ov, p.overlapped());
        assertEquals(4, p.bytesTransferred());
        assertEquals(0, p.error());
    }

    @Test
    void closingAbortsPendingOverlappedOperations() throws InterruptedException {
        Net b = boundB();
        WsaEvent ev = new WsaEvent();
        Overlapped ov = new Overlapped(ev);
        IntRef e = new IntRef();
        b.provider().recv(b.handle, new ByteBuffer[] {ByteBuffer.allocate(8)}, new IntRef(), new IntRef(), ov, null,
                null, e);
        assertEquals(WsaError.WSA_IO_PENDING, e.value);
        var provider = b.provider();
        assertEquals(0, b.close());
        assertTrue(ev.await(WAIT_MS));
        assertEquals(WsaError.WSA_OPERATION_ABORTED, ov.status());
        assertEquals(Wsa.SOCKET_ERROR, provider.bind(b.handle, SockAddr.inet(env.addrB(), 0), e));
        assertEquals(WsaError.WSAENOTSOCK, e.value);
    }

    @Test
    void aDuplicatedSocketSharesItsState() {
        Net a = boundA();
        Net b = boundB();
        IntRef e = new IntRef();
        Ref<ProtocolInfo> info = new Ref<>();
        assertEquals(Wsa.SOCKET_ERROR, b.provider().duplicateSocket(b.handle, 0, info, e));
        assertEquals(WsaError.WSAEINVAL, e.value);
        assertEquals(Wsa.SOCKET_ERROR, b.provider().duplicateSocket(b.handle, 42, null, e));
        assertEquals(WsaError.WSAEFAULT, e.value);
        assertEquals(0, b.provider().duplicateSocket(b.handle, env.b().processId(), info, e));
        long dup = env.b().socket(Wsa.FROM_PROTOCOL_INFO, Wsa.FROM_PROTOCOL_INFO, Wsa.FROM_PROTOCOL_INFO, info.value,
                0, Wsa.WSA_FLAG_OVERLAPPED, e);
        assertTrue(dup != Wsa.INVALID_SOCKET, WsaError.name(e.value));
        Net d = new Net(env.b(), dup);
        IntRef ge = new IntRef();
        assertEquals(0, d.provider().getSockName(dup, new Ref<>(), ge), WsaError.name(ge.value));
        assertEquals(b.port(), d.port());
        b.close();
        a.sendTo(bytes("shared"), env.addrB(), d.port());
        assertEquals("shared", recvWithin(d, 10).text());
    }

    @Test
    void addressStringsRoundTrip() {
        Net a = Net.udp(env.a());
        IntRef e = new IntRef();
        Ref<SockAddr> addr = new Ref<>();
        assertEquals(0, a.provider().stringToAddress("192.0.2.7:99", Wsa.AF_INET, null, addr, e));
        assertEquals(new InetSocketAddress(TestNetworks.ip("192.0.2.7"), 99), addr.value.toInet());
        Ref<String> text = new Ref<>();
        assertEquals(0, a.provider().addressToString(addr.value, null, text, e));
        assertEquals("192.0.2.7:99", text.value);
        assertEquals(0, a.provider().stringToAddress("[2001:db8::1]:80", Wsa.AF_INET6, null, addr, e));
        assertEquals(0, a.provider().addressToString(addr.value, null, text, e));
        assertEquals("[2001:db8::1]:80", text.value);
        assertEquals(Wsa.SOCKET_ERROR, a.provider().stringToAddress("host.example", Wsa.AF_INET, null, addr, e));
        assertEquals(WsaError.WSAEINVAL, e.value);
        assertEquals(Wsa.SOCKET_ERROR, a.provider().stringToAddress("2001:db8::1", Wsa.AF_INET, null, addr, e));
        assertEquals(WsaError.WSAEINVAL, e.value);
    }

    @Test
    void baseHandleIsTheSocketItself() {
        Net a = Net.udp(env.a());
        assertEquals(a.handle, a.ioctlOut(Wsa.SIO_BASE_HANDLE, 8));
        assertEquals(-WsaError.WSAEINVAL, a.ioctlOut(0x12345678, 4));
    }

    @Test
    void receivedBytesAreExact() {
        Net a = boundA();
        Net b = boundB();
        byte[] data = new byte[1400];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7);
        }
        assertEquals(0, a.sendTo(data, env.addrB(), b.port()));
        Net.Received r = recvWithin(b, 2000);
        assertEquals(1400, r.bytes());
        assertArrayEquals(data, java.util.Arrays.copyOf(r.data(), 1400));
    }
}
