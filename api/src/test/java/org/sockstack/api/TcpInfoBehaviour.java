package org.sockstack.api;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.TcpInfoV0;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.api.WinsockBehaviour.port;
import static org.sockstack.api.WinsockBehaviour.sin;
import static org.sockstack.api.WinsockBehaviour.socketOk;
import static org.sockstack.spi.wsa.Wsa.AF_INET;
import static org.sockstack.spi.wsa.Wsa.INVALID_SOCKET;
import static org.sockstack.spi.wsa.Wsa.IPPROTO_TCP;
import static org.sockstack.spi.wsa.Wsa.SIO_TCP_INFO;
import static org.sockstack.spi.wsa.Wsa.SOCKET_ERROR;
import static org.sockstack.spi.wsa.Wsa.SOCK_STREAM;
import static org.sockstack.spi.wsa.WsaError.WSAEFAULT;
import static org.sockstack.spi.wsa.WsaError.WSAEINVAL;
import static org.sockstack.spi.wsa.WsaError.WSAENOTCONN;

/**
 * SIO_TCP_INFO with Windows' code (0xD8000027): a DWORD version in (0), a TCP_INFO_v0 out. Both
 * providers give the state and the octets sent and received; the stack fills the rest.
 */
abstract class TcpInfoBehaviour extends TwoProcessBehaviour {
    static final int OCTETS = 20_000;

    @BeforeEach
    void start() {
        startBoth();
    }

    static byte[] version(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    /** {client on A, server on B}. */
    long[] connectedPair() {
        long l = socketOk(b, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, b.bind(l, sin(world.addrB(), 0)));
        assertEquals(0, b.listen(l, 1));
        long c = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, a.connect(c, sin(world.addrB(), port(b, l))), () -> "connect: " + a.WSAGetLastError());
        long s = b.accept(l, null);
        assertNotEquals(INVALID_SOCKET, s);
        assertEquals(0, b.closesocket(l));
        return new long[] {c, s};
    }

    /** Sends {@link #OCTETS} from A and reads them all on B. */
    void transfer(long c, long s) {
        byte[] data = new byte[OCTETS];
        int sent = 0;
        while (sent < OCTETS) {
            int n = a.send(c, java.util.Arrays.copyOfRange(data, sent, OCTETS), OCTETS - sent, 0);
            assertTrue(n > 0, () -> "send: " + a.WSAGetLastError());
            sent += n;
        }
        byte[] buf = new byte[8192];
        int got = 0;
        while (got < OCTETS) {
            int n = b.recv(s, buf, buf.length, 0);
            assertTrue(n > 0, () -> "recv: " + b.WSAGetLastError());
            got += n;
        }
    }

    static TcpInfoV0 info(Winsock ws, long s) {
        byte[] out = new byte[TcpInfoV0.LENGTH];
        IntRef n = new IntRef();
        assertEquals(0, ws.WSAIoctl(s, SIO_TCP_INFO, version(0), out, n, null, null), () -> "" + ws.WSAGetLastError());
        assertEquals(TcpInfoV0.LENGTH, n.value);
        return TcpInfoV0.decode(out);
    }

    @Test
    void theCodeIsWindows() {
        assertEquals(0xD8000027, SIO_TCP_INFO);
    }

    @Test
    void anEstablishedConnectionCountsItsOctets() {
        long[] p = connectedPair();
        transfer(p[0], p[1]);
        TcpInfoV0 client = info(a, p[0]);
        assertEquals(TcpInfoV0.TCPSTATE_ESTABLISHED, client.state());
        assertEquals(OCTETS, client.bytesOut());
        assertTrue(client.connectionTimeMs() >= 0);
        TcpInfoV0 server = info(b, p[1]);
        assertEquals(TcpInfoV0.TCPSTATE_ESTABLISHED, server.state());
        assertEquals(OCTETS, server.bytesIn());
        assertEquals(0, server.bytesOut());
    }

    @Test
    void versionInputAndOutputBuffersAreChecked() {
        long[] p = connectedPair();
        IntRef n = new IntRef();
        byte[] out = new byte[TcpInfoV0.LENGTH];
        assertEquals(SOCKET_ERROR, a.WSAIoctl(p[0], SIO_TCP_INFO, version(1), out, n, null, null));
        assertEquals(WSAEINVAL, a.WSAGetLastError(), "TCP_INFO_v1 is not offered");
        assertEquals(SOCKET_ERROR, a.WSAIoctl(p[0], SIO_TCP_INFO, (byte[]) null, out, n, null, null));
        assertEquals(WSAEINVAL, a.WSAGetLastError(), "no version");
        assertEquals(SOCKET_ERROR, a.WSAIoctl(p[0], SIO_TCP_INFO, version(0), new byte[TcpInfoV0.LENGTH - 1], n,
                null, null));
        assertEquals(WSAEFAULT, a.WSAGetLastError());
    }

    @Test
    void anUnconnectedSocketIsNotConnected() {
        long s = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(SOCKET_ERROR, a.WSAIoctl(s, SIO_TCP_INFO, version(0), new byte[TcpInfoV0.LENGTH], new IntRef(),
                null, null));
        assertEquals(WSAENOTCONN, a.WSAGetLastError());
    }
}
