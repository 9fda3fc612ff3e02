package org.sockstack.api;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sockstack.spi.provider.Overlapped;
import org.sockstack.spi.provider.WsaEvent;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.SockAddr;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.api.OverlappedBehaviour.ADDR_BLOCK;
import static org.sockstack.api.OverlappedBehaviour.WAIT_MS;
import static org.sockstack.api.OverlappedBehaviour.port;
import static org.sockstack.api.OverlappedBehaviour.sendText;
import static org.sockstack.api.OverlappedBehaviour.socketOk;
import static org.sockstack.spi.wsa.Wsa.AF_INET;
import static org.sockstack.spi.wsa.Wsa.INVALID_SOCKET;
import static org.sockstack.spi.wsa.Wsa.IPPROTO_ICMP;
import static org.sockstack.spi.wsa.Wsa.IPPROTO_TCP;
import static org.sockstack.spi.wsa.Wsa.SOCKET_ERROR;
import static org.sockstack.spi.wsa.Wsa.SOCK_RAW;
import static org.sockstack.spi.wsa.Wsa.SOCK_STREAM;
import static org.sockstack.spi.wsa.WsaError.WSAEACCES;
import static org.sockstack.spi.wsa.WsaError.WSA_IO_PENDING;
import static org.sockstack.spi.wsa.WsaError.WSA_OPERATION_ABORTED;

/**
 * Review fixes of the mswsock extensions ({@link Extensions}) and the overlapped bookkeeping:
 * run over the host provider and over two user-space stacks.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
abstract class ExtensionsFixBehaviour extends TwoProcessBehaviour {

    @BeforeEach
    void startProcesses() {
        startBoth();
    }

    long listenerOnB() {
        long l = socketOk(b, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, b.bind(l, SockAddr.inet(world.addrB(), 0)));
        assertEquals(0, b.listen(l, 5));
        return l;
    }

    long connectToB(long l) {
        long c = socketOk(a, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, a.connect(c, SockAddr.inet(world.addrB(), port(b, l))), () -> "connect " + a.WSAGetLastError());
        return c;
    }

    static boolean pendingAcceptEx(Winsock ws, long l, long acceptor, Overlapped ov) {
        boolean done = ws.AcceptEx(l, acceptor, ByteBuffer.allocate(2 * ADDR_BLOCK), 0, ADDR_BLOCK, ADDR_BLOCK,
                new IntRef(), ov);
        return !done && ws.WSAGetLastError() == WSA_IO_PENDING;
    }

    // ------------------------------------------------------------------ AcceptEx and its accept socket

    /**
     * Two AcceptEx, one connection: the loser stays pending; closing its accept socket completes
     * it with WSA_OPERATION_ABORTED, and the next connection is not taken (and dropped) by it.
     */
    @Test
    void closingTheAcceptSocketOfALosingAcceptExAbortsItAndSparesTheNextClient() throws Exception {
        long l = listenerOnB();
        long[] acceptors = {socketOk(b, SOCK_STREAM, IPPROTO_TCP), socketOk(b, SOCK_STREAM, IPPROTO_TCP)};
        WsaEvent[] evs = {new WsaEvent(), new WsaEvent()};
        Overlapped[] ovs = {new Overlapped(evs[0]), new Overlapped(evs[1])};
        for (int i = 0; i < 2; i++) {
            assertTrue(pendingAcceptEx(b, l, acceptors[i], ovs[i]), "AcceptEx " + i + " pending");
        }
        long c1 = connectToB(l);
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (!evs[0].await(10) && !evs[1].isSet() && System.currentTimeMillis() < deadline) {
            // waits on the first event in short steps, checking the second
        }
        int winner = evs[0].isSet() ? 0 : 1;
        int loser = 1 - winner;
        assertTrue(evs[winner].isSet(), "one AcceptEx took the connection");
        assertEquals(0, ovs[winner].status());
        assertFalse(evs[loser].await(200), "the other AcceptEx stays pending");

        assertEquals(0, b.closesocket(acceptors[loser]));
        assertTrue(evs[loser].await(WAIT_MS), "closing the accept socket completes the AcceptEx");
        assertEquals(WSA_OPERATION_ABORTED, ovs[loser].status());

        long c2 = connectToB(l);
        long s2 = b.accept(l, null);
        assertNotEquals(INVALID_SOCKET, s2, () -> "accept " + b.WSAGetLastError());
        sendText(a, c2, "next");
        byte[] buf = new byte[4];
        assertEquals(4, b.recv(s2, buf, 4, 0), () -> "recv " + b.WSAGetLastError());
        assertEquals("next", new String(buf));
        a.closesocket(c1);
    }

    // ------------------------------------------------------------------ DisconnectEx(TF_REUSE_SOCKET)

    /** A connected pair: {client on A, server on B}. */
    long[] connectedPair() {
        long l = listenerOnB();
        long c = connectToB(l);
        long s = b.accept(l, null);
        assertNotEquals(INVALID_SOCKET, s);
        b.closesocket(l);
        return new long[] {c, s};
    }

    /**
     * An unknown flag (TF_DISCONNECT is TransmitFile's only) is refused with WSAEINVAL, nothing
     * sent, no completion; without flags DisconnectEx sends the FIN. (TF_REUSE_SOCKET, once refused
     * here, now reuses the socket: {@link ReuseBehaviour}.)
     */
    @Test
    void disconnectExRefusesUnknownFlagsAndLeavesTheConnectionAlone() throws Exception {
        long[] p = connectedPair();
        MsWsock.LPFN_DISCONNECTEX disconnectEx = OverlappedBehaviour.extension(a, p[0], MsWsock.WSAID_DISCONNECTEX);
        WsaEvent ev = new WsaEvent();
        Overlapped ov = new Overlapped(ev);
        assertFalse(disconnectEx.DisconnectEx(p[0], ov, MsWsock.TF_DISCONNECT, 0));
        assertEquals(org.sockstack.spi.wsa.WsaError.WSAEINVAL, a.WSAGetLastError());
        assertFalse(ev.isSet(), "a refused call completes nothing");
        sendText(a, p[0], "open");
        byte[] buf = new byte[4];
        assertEquals(4, b.recv(p[1], buf, 4, 0), "the connection still sends");
        assertEquals("open", new String(buf));

        assertTrue(disconnectEx.DisconnectEx(p[0], ov, 0, 0));
        assertTrue(ev.await(WAIT_MS));
        assertEquals(0, b.recv(p[1], buf, 4, 0), "the FIN of the plain DisconnectEx");
    }

    // ------------------------------------------------------------------ WSARecvMsg on SOCK_RAW

    /** The world has raw sockets (the stack provider); the host provider refuses them with WSAEACCES. */
    abstract boolean rawSockets();

    /** An ICMP echo request (RFC 792): type 8, code 0, checksum, identifier, sequence, data. */
    static byte[] echoRequest(int id, int seq, byte[] data) {
        byte[] m = new byte[8 + data.length];
        m[0] = 8;
        m[4] = (byte) (id >>> 8);
        m[5] = (byte) id;
        m[6] = (byte) (seq >>> 8);
        m[7] = (byte) seq;
        System.arraycopy(data, 0, m, 8, data.length);
        long sum = 0;
        for (int i = 0; i < m.length; i += 2) {
            sum += (m[i] & 0xFF) << 8 | (i + 1 < m.length ? m[i + 1] & 0xFF : 0);
        }
        while (sum >>> 16 != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        m[2] = (byte) (~sum >>> 8);
        m[3] = (byte) ~sum;
        return m;
    }

    /**
     * WSARecvMsg takes SOCK_RAW as well as SOCK_DGRAM (Microsoft's WSARecvMsg page): a ping by
     * hand over a raw ICMP socket comes back with its IPv4 header and the sender's address.
     */
    @Test
    void recvMsgReceivesOnARawSocket() {
        long r = a.socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
        if (!rawSockets()) {
            assertEquals(INVALID_SOCKET, r);
            assertEquals(WSAEACCES, a.WSAGetLastError(), "the host provider refuses raw sockets");
            return;
        }
        assertNotEquals(INVALID_SOCKET, r, () -> "raw socket: " + a.WSAGetLastError());
        byte[] req = echoRequest(0x5eed, 3, "by WSARecvMsg".getBytes());
        assertEquals(req.length, a.sendto(r, req, req.length, 0, SockAddr.inet(world.addrB(), 0)),
                () -> "sendto " + a.WSAGetLastError());
        MsWsock.LPFN_WSARECVMSG recvMsg = OverlappedBehaviour.extension(a, r, MsWsock.WSAID_WSARECVMSG);
        ByteBuffer data = ByteBuffer.allocate(256);
        MsWsock.WsaMsg in = new MsWsock.WsaMsg(new ByteBuffer[] {data}, null);
        IntRef got = new IntRef();
        assertEquals(0, recvMsg.WSARecvMsg(r, in, got, null, null), () -> "WSARecvMsg " + a.WSAGetLastError());
        byte[] d = data.array();
        int ihl = (d[0] & 0x0F) * 4;
        assertEquals(4, (d[0] & 0xFF) >>> 4, "IPv4 header first");
        assertEquals(IPPROTO_ICMP, d[9]);
        assertEquals(ihl + req.length, got.value);
        assertEquals(0, d[ihl], "echo reply");
        assertEquals(0x5eed, (d[ihl + 4] & 0xFF) << 8 | (d[ihl + 5] & 0xFF));
        assertEquals("by WSARecvMsg", new String(d, ihl + 8, req.length - 8));
        assertEquals(world.addrB(), in.name.value.toInet().getAddress());
        assertEquals(0, in.dwFlags);
    }

    // ------------------------------------------------------------------ completion-port associations

    /** closesocket ends a socket's completion-port association (the bookkeeping does not grow). */
    @Test
    void closesocketForgetsTheCompletionPortAssociation() {
        IoCompletionPort port = b.CreateIoCompletionPort(INVALID_SOCKET, null, 0, 0);
        for (int i = 0; i < 3; i++) {
            long s = socketOk(b, SOCK_STREAM, IPPROTO_TCP);
            assertEquals(port, b.CreateIoCompletionPort(s, port, i, 0), () -> "associate " + b.WSAGetLastError());
            assertEquals(1, b.completionAssociations());
            assertEquals(0, b.closesocket(s));
            assertEquals(0, b.completionAssociations(), "closed handle " + i + " forgotten");
        }
        long kept = socketOk(b, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(port, b.CreateIoCompletionPort(kept, port, 9, 0));
        assertEquals(SOCKET_ERROR, b.closesocket(kept + 1000), "an unknown handle");
        assertEquals(1, b.completionAssociations(), "a failed closesocket forgets nothing");
    }
}
