package org.sockstack.api;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sockstack.api.MsWsock.TransmitPacketsElement;
import org.sockstack.spi.provider.Overlapped;
import org.sockstack.spi.provider.WsaEvent;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.api.OverlappedBehaviour.ADDR_BLOCK;
import static org.sockstack.api.OverlappedBehaviour.WAIT_MS;
import static org.sockstack.api.OverlappedBehaviour.extension;
import static org.sockstack.api.OverlappedBehaviour.port;
import static org.sockstack.api.OverlappedBehaviour.readAll;
import static org.sockstack.api.OverlappedBehaviour.sendText;
import static org.sockstack.api.OverlappedBehaviour.socketOk;
import static org.sockstack.spi.wsa.Wsa.INVALID_SOCKET;
import static org.sockstack.spi.wsa.Wsa.IPPROTO_TCP;
import static org.sockstack.spi.wsa.Wsa.IPPROTO_UDP;
import static org.sockstack.spi.wsa.Wsa.SOCKET_ERROR;
import static org.sockstack.spi.wsa.Wsa.SOCK_DGRAM;
import static org.sockstack.spi.wsa.Wsa.SOCK_STREAM;
import static org.sockstack.spi.wsa.Wsa.TCP_NODELAY;
import static org.sockstack.spi.wsa.WsaError.WSAEINVAL;
import static org.sockstack.spi.wsa.WsaError.WSAEISCONN;
import static org.sockstack.spi.wsa.WsaError.WSAENOTCONN;
import static org.sockstack.spi.wsa.WsaError.WSA_IO_PENDING;

/**
 * Socket reuse (DisconnectEx and TransmitFile with TF_REUSE_SOCKET) and TransmitPackets, over the
 * host provider and over two user-space stacks.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
abstract class ReuseBehaviour extends TwoProcessBehaviour {

    @BeforeEach
    void startProcesses() {
        startBoth();
    }

    long listenerOn(Winsock ws, java.net.InetAddress addr) {
        long l = socketOk(ws, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, ws.bind(l, SockAddr.inet(addr, 0)));
        assertEquals(0, ws.listen(l, 5));
        return l;
    }

    long connectTo(long l) {
        long c = socketOk(a, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, a.connect(c, SockAddr.inet(world.addrB(), port(b, l))), () -> "connect " + a.WSAGetLastError());
        return c;
    }

    static String recvText(Winsock ws, long s, int n) {
        byte[] buf = new byte[n];
        int got = ws.recv(s, buf, n, org.sockstack.spi.wsa.Wsa.MSG_WAITALL);
        assertEquals(n, got, () -> "recv " + ws.WSAGetLastError());
        return new String(buf, StandardCharsets.US_ASCII);
    }

    static int intOption(Winsock ws, long s, int level, int name) {
        byte[] v = new byte[4];
        assertEquals(0, ws.getsockopt(s, level, name, v, new IntRef(4)), () -> "getsockopt " + ws.WSAGetLastError());
        return (v[0] & 0xFF) | (v[1] & 0xFF) << 8;
    }

    /** The next completion of {@code port}: asserts it is {@code ov}'s and succeeded; its bytes. */
    static int completion(Winsock ws, IoCompletionPort port, long key, Overlapped ov) {
        IntRef bytes = new IntRef();
        Ref<Long> k = new Ref<>();
        Ref<Overlapped> o = new Ref<>();
        assertTrue(ws.GetQueuedCompletionStatus(port, bytes, k, o, WAIT_MS), () -> "GQCS " + ws.WSAGetLastError());
        assertEquals(key, k.value);
        assertEquals(ov, o.value);
        return bytes.value;
    }

    // ------------------------------------------------------------------ DisconnectEx(TF_REUSE_SOCKET)

    /**
     * An IOCP server: AcceptEx into a socket, serve, DisconnectEx(TF_REUSE_SOCKET), AcceptEx
     * again with the same handle, and the second client is served through the same port
     * association. Between the two the handle is a fresh unbound socket that kept TCP_NODELAY.
     */
    @Test
    void iocpServerAcceptsAgainIntoTheReusedSocket() throws Exception {
        long l = listenerOn(b, world.addrB());
        long acc = socketOk(b, SOCK_STREAM, IPPROTO_TCP);
        IoCompletionPort port = b.CreateIoCompletionPort(INVALID_SOCKET, null, 0, 0);
        assertEquals(port, b.CreateIoCompletionPort(acc, port, 7, 0));
        assertEquals(port, b.CreateIoCompletionPort(l, port, 1, 0)); // AcceptEx completes on the listener's port
        MsWsock.LPFN_DISCONNECTEX disconnectEx = extension(b, acc, MsWsock.WSAID_DISCONNECTEX);

        for (int round = 1; round <= 2; round++) {
            Overlapped ov = new Overlapped();
            assertFalse(b.AcceptEx(l, acc, ByteBuffer.allocate(2 * ADDR_BLOCK), 0, ADDR_BLOCK, ADDR_BLOCK,
                    new IntRef(), ov));
            assertEquals(WSA_IO_PENDING, b.WSAGetLastError(), "round " + round);
            long c = connectTo(l);
            completion(b, port, 1, ov);
            Ref<SockAddr> peer = new Ref<>();
            assertEquals(0, b.getpeername(acc, peer));
            Ref<SockAddr> client = new Ref<>();
            assertEquals(0, a.getsockname(c, client));
            assertEquals(client.value.toInet(), peer.value.toInet(), "round " + round + ": the new client");

            sendText(a, c, "hello" + round);
            assertEquals("hello" + round, recvText(b, acc, 6));
            sendText(b, acc, "reply" + round);
            assertEquals("reply" + round, recvText(a, c, 6));
            assertEquals(0, b.setsockopt(acc, IPPROTO_TCP, TCP_NODELAY, new byte[] {1, 0, 0, 0}, 4));

            Overlapped dov = new Overlapped();
            boolean done = disconnectEx.DisconnectEx(acc, dov, MsWsock.TF_REUSE_SOCKET, 0);
            assertTrue(done || b.WSAGetLastError() == WSA_IO_PENDING, () -> "DisconnectEx " + b.WSAGetLastError());
            assertEquals(0, a.recv(c, new byte[4], 4, 0), "the server's FIN");
            assertEquals(0, a.closesocket(c));
            completion(b, port, 7, dov);
            assertEquals(0, dov.status());

            assertEquals(SOCKET_ERROR, b.getsockname(acc, new Ref<>()), "the reused socket is unbound");
            assertEquals(WSAEINVAL, b.WSAGetLastError());
            assertEquals(SOCKET_ERROR, b.getpeername(acc, new Ref<>()), "and unconnected");
            assertEquals(WSAENOTCONN, b.WSAGetLastError());
            assertEquals(1, intOption(b, acc, IPPROTO_TCP, TCP_NODELAY), "TCP_NODELAY is kept");
        }
        assertTrue(b.CloseHandle(port));
    }

    /**
     * A client: ConnectEx, DisconnectEx(TF_REUSE_SOCKET), which stays pending until the peer's
     * FIN (meanwhile ConnectEx gives WSAEISCONN and AcceptEx WSAEINVAL); then the handle is
     * fresh: ConnectEx needs a bind again (WSAEINVAL), and after it connects to a second server.
     */
    @Test
    void clientConnectsAgainAfterDisconnectExWithReuse() throws Exception {
        long l = listenerOn(b, world.addrB());
        long c = socketOk(a, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, a.bind(c, SockAddr.inet(world.addrA(), 0)));
        MsWsock.LPFN_CONNECTEX connectEx = extension(a, c, MsWsock.WSAID_CONNECTEX);
        MsWsock.LPFN_DISCONNECTEX disconnectEx = extension(a, c, MsWsock.WSAID_DISCONNECTEX);
        WsaEvent ev = new WsaEvent();
        Overlapped ov = new Overlapped(ev);
        SockAddr to = SockAddr.inet(world.addrB(), port(b, l));
        assertFalse(connectEx.ConnectEx(c, to, ByteBuffer.wrap("first".getBytes()), new IntRef(), ov));
        assertEquals(WSA_IO_PENDING, a.WSAGetLastError());
        long s1 = b.accept(l, null);
        assertNotEquals(INVALID_SOCKET, s1);
        assertTrue(ev.await(WAIT_MS));
        assertEquals(0, ov.status());
        assertEquals("first", recvText(b, s1, 5));

        WsaEvent dev = new WsaEvent();
        Overlapped dov = new Overlapped(dev);
        assertFalse(disconnectEx.DisconnectEx(c, dov, MsWsock.TF_REUSE_SOCKET, 0));
        assertEquals(WSA_IO_PENDING, a.WSAGetLastError());
        assertEquals(0, b.recv(s1, new byte[4], 4, 0), "the client's FIN");
        assertFalse(dev.await(200), "the disconnect waits for the peer's FIN");
        assertFalse(connectEx.ConnectEx(c, to, null, new IntRef(), new Overlapped()));
        assertEquals(WSAEISCONN, a.WSAGetLastError(), "ConnectEx before the disconnect completed");
        long la = listenerOn(a, world.addrA());
        assertFalse(a.AcceptEx(la, c, ByteBuffer.allocate(2 * ADDR_BLOCK), 0, ADDR_BLOCK, ADDR_BLOCK, new IntRef(),
                new Overlapped()));
        assertEquals(WSAEINVAL, a.WSAGetLastError(), "AcceptEx before the disconnect completed");

        assertEquals(0, b.closesocket(s1));
        assertTrue(dev.await(WAIT_MS), "the peer's FIN completes the DisconnectEx");
        assertEquals(0, dov.status());

        assertFalse(connectEx.ConnectEx(c, to, null, new IntRef(), new Overlapped()));
        assertEquals(WSAEINVAL, a.WSAGetLastError(), "the reused socket is unbound: bind first");
        assertEquals(0, a.bind(c, SockAddr.inet(world.addrA(), 0)));
        Overlapped ov2 = new Overlapped(new WsaEvent());
        assertFalse(connectEx.ConnectEx(c, to, ByteBuffer.wrap("again".getBytes()), new IntRef(), ov2));
        assertEquals(WSA_IO_PENDING, a.WSAGetLastError());
        long s2 = b.accept(l, null);
        assertNotEquals(INVALID_SOCKET, s2, () -> "accept " + b.WSAGetLastError());
        assertTrue(ov2.event.await(WAIT_MS));
        assertEquals(0, ov2.status());
        assertEquals("again", recvText(b, s2, 5));
        sendText(b, s2, "back");
        assertEquals("back", recvText(a, c, 4));
    }

    /** TransmitFile(TF_DISCONNECT | TF_REUSE_SOCKET): the file goes out, then the handle connects again. */
    @Test
    void transmitFileWithReuseLeavesAReusableHandle() throws Exception {
        Path f = Files.createTempFile("reuse", ".txt");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            ch.write(ByteBuffer.wrap("the file body".getBytes()));
            ch.position(0);
            long l = listenerOn(b, world.addrB());
            long c = connectTo(l);
            long s = b.accept(l, null);
            assertNotEquals(INVALID_SOCKET, s);
            Overlapped ov = new Overlapped(new WsaEvent());
            assertFalse(b.TransmitFile(s, ch, 0, 0, ov, null, MsWsock.TF_DISCONNECT | MsWsock.TF_REUSE_SOCKET));
            assertEquals(WSA_IO_PENDING, b.WSAGetLastError());
            assertEquals("the file body", new String(readAll(a, c)));
            assertEquals(0, a.closesocket(c));
            assertTrue(ov.event.await(WAIT_MS));
            assertEquals(0, ov.status());
            assertEquals(13, ov.bytesTransferred());

            assertEquals(SOCKET_ERROR, b.getpeername(s, new Ref<>()));
            assertEquals(WSAENOTCONN, b.WSAGetLastError());
            long la = listenerOn(a, world.addrA());
            assertEquals(0, b.connect(s, SockAddr.inet(world.addrA(), port(a, la))), () -> "connect " + b.WSAGetLastError());
            long back = a.accept(la, null);
            assertNotEquals(INVALID_SOCKET, back);
            sendText(b, s, "reused");
            assertEquals("reused", recvText(a, back, 6));
        } finally {
            Files.deleteIfExists(f);
        }
    }

    // ------------------------------------------------------------------ TransmitPackets

    /** Memory, file and memory elements over a stream, blocking, then TF_DISCONNECT. */
    @Test
    void transmitPacketsSendsMemoryAndFileElementsOverAStream() throws Exception {
        Path f = Files.createTempFile("packets", ".bin");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            byte[] body = new byte[100_000];
            for (int i = 0; i < body.length; i++) {
                body[i] = (byte) (i * 7);
            }
            ch.write(ByteBuffer.wrap(body));
            long l = listenerOn(b, world.addrB());
            long c = connectTo(l);
            long s = b.accept(l, null);
            MsWsock.LPFN_TRANSMITPACKETS tp = extension(b, s, MsWsock.WSAID_TRANSMITPACKETS);
            TransmitPacketsElement[] els = {
                    TransmitPacketsElement.memory("head:".getBytes()),
                    TransmitPacketsElement.file(ch, 10, 90_000),
                    TransmitPacketsElement.file(ch, 0, 0).endOfPacket(),
                    TransmitPacketsElement.memory(":tail".getBytes()),
            };
            Thread sender = Thread.ofVirtual().start(() ->
                    assertTrue(tp.TransmitPackets(s, els, els.length, 1000, null, MsWsock.TF_DISCONNECT),
                            () -> "TransmitPackets " + b.WSAGetLastError()));
            byte[] got = readAll(a, c);
            sender.join();
            java.io.ByteArrayOutputStream want = new java.io.ByteArrayOutputStream();
            want.write("head:".getBytes());
            want.write(body, 10, 90_000);
            want.write(body);
            want.write(":tail".getBytes());
            assertArrayEquals(want.toByteArray(), got);
        } finally {
            Files.deleteIfExists(f);
        }
    }

    /**
     * On a connected datagram socket each element is a datagram (nSendSize 0); with
     * TP_SEND_SIZE_BY_EOP the elements up to an EOP one make one datagram. Overlapped.
     */
    @Test
    void transmitPacketsMakesDatagramsOfElementsOrEopGroups() throws Exception {
        long ua = socketOk(a, SOCK_DGRAM, IPPROTO_UDP);
        long ub = socketOk(b, SOCK_DGRAM, IPPROTO_UDP);
        assertEquals(0, a.bind(ua, SockAddr.inet(world.addrA(), 0)));
        assertEquals(0, b.bind(ub, SockAddr.inet(world.addrB(), 0)));
        MsWsock.LPFN_TRANSMITPACKETS tp = extension(a, ua, MsWsock.WSAID_TRANSMITPACKETS);
        TransmitPacketsElement[] els = {
                TransmitPacketsElement.memory("ab".getBytes()),
                TransmitPacketsElement.memory("cd".getBytes()).endOfPacket(),
                TransmitPacketsElement.memory("ef".getBytes()),
        };
        assertFalse(tp.TransmitPackets(ua, els, 3, 0, null, 0), "an unconnected datagram socket");
        assertEquals(WSAENOTCONN, a.WSAGetLastError());
        assertEquals(0, a.connect(ua, SockAddr.inet(world.addrB(), port(b, ub))));
        assertFalse(tp.TransmitPackets(ua, els, 3, 0, null, MsWsock.TF_DISCONNECT));
        assertEquals(WSAEINVAL, a.WSAGetLastError(), "TF_DISCONNECT on a datagram socket");
        TransmitPacketsElement both = new TransmitPacketsElement(MsWsock.TP_ELEMENT_MEMORY | MsWsock.TP_ELEMENT_FILE,
                2, 0, null, ByteBuffer.wrap("xy".getBytes()));
        assertFalse(tp.TransmitPackets(ua, new TransmitPacketsElement[] {both}, 1, 0, null, 0));
        assertEquals(WSAEINVAL, a.WSAGetLastError(), "memory and file at once");
        assertFalse(tp.TransmitPackets(ua, els, 4, 0, null, 0));
        assertEquals(WSAEINVAL, a.WSAGetLastError(), "more elements than the array holds");

        Overlapped ov = new Overlapped(new WsaEvent());
        boolean done = tp.TransmitPackets(ua, els, 3, 0, ov, 0);
        assertTrue(done || a.WSAGetLastError() == WSA_IO_PENDING);
        assertTrue(ov.event.await(WAIT_MS));
        assertEquals(0, ov.status());
        assertEquals(6, ov.bytesTransferred());
        assertTrue(tp.TransmitPackets(ua, els, 3, MsWsock.TP_SEND_SIZE_BY_EOP, null, 0),
                () -> "TransmitPackets " + a.WSAGetLastError());
        String[] want = {"ab", "cd", "ef", "abcd", "ef"};
        for (String w : want) {
            byte[] buf = new byte[16];
            int n = b.recvfrom(ub, buf, buf.length, 0, new Ref<>());
            assertEquals(w, new String(buf, 0, Math.max(n, 0)), () -> "recvfrom " + b.WSAGetLastError());
        }
    }
}
