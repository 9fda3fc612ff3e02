package org.sockstack.api;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sockstack.spi.WsaData;
import org.sockstack.spi.provider.FdSet;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.api.Ws2_32.*;
import static org.sockstack.spi.wsa.Wsa.*;
import static org.sockstack.spi.wsa.WsaError.WSAEWOULDBLOCK;

/**
 * The static functions over the default process (here chosen once: a process over the host
 * provider), used the way a C program is written: a blocking echo server on one thread and a
 * non-blocking client multiplexed with select, the C text kept in comments.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class Ws2_32Test {
    private static final Winsock PROCESS = Worlds.hostProcess();

    @BeforeAll
    static void chooseTheDefaultProcess() {
        Winsock.setDefault(PROCESS);
    }

    @AfterEach
    void cleanupEverything() {
        Worlds.cleanupAll(PROCESS);
    }

    /** A C echo server's body: accept one client, echo until it shuts down, close. */
    private static int echoOnce(long listenSocket) {
        long client = accept(listenSocket, null);            // SOCKET c = accept(ls, NULL, NULL);
        if (client == INVALID_SOCKET) {
            return WSAGetLastError();
        }
        byte[] buf = new byte[512];
        int n;
        while ((n = recv(client, buf, buf.length, 0)) > 0) { // while ((n = recv(c, buf, sizeof buf, 0)) > 0)
            if (send(client, buf, n, 0) == SOCKET_ERROR) {
                return WSAGetLastError();
            }
        }
        int err = n == SOCKET_ERROR ? WSAGetLastError() : 0;
        shutdown(client, SD_SEND);
        closesocket(client);
        return err;
    }

    @Test
    void aPortedEchoClientAndServer() throws Exception {
        WsaData wsaData = new WsaData();
        assertEquals(0, WSAStartup(makeVersion(2, 2), wsaData)); // WSAStartup(MAKEWORD(2,2), &wsaData)
        byte[] loopback = new byte[4];
        assertEquals(1, inet_pton(AF_INET, "127.0.0.1", loopback));

        long ls = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertNotEquals(INVALID_SOCKET, ls);
        assertEquals(0, bind(ls, SockAddr.inet(java.net.InetAddress.getByAddress(loopback), 0)));
        assertEquals(0, listen(ls, 5));
        Ref<SockAddr> name = new Ref<>();
        assertEquals(0, getsockname(ls, name));
        CompletableFuture<Integer> server = CompletableFuture.supplyAsync(() -> echoOnce(ls));

        long c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
        IntRef nonBlocking = new IntRef(1);
        assertEquals(0, ioctlsocket(c, FIONBIO, nonBlocking)); // ioctlsocket(c, FIONBIO, &mode)
        if (connect(c, name.value) == SOCKET_ERROR) {
            assertEquals(WSAEWOULDBLOCK, WSAGetLastError());
        }
        FdSet writefds = new FdSet();
        FD_ZERO(writefds);
        FD_SET(c, writefds);
        assertEquals(1, select(0, null, writefds, null, TimeVal.ofMillis(5000)));
        assertTrue(FD_ISSET(c, writefds));

        byte[] msg = "echo, ported from C".getBytes();
        assertEquals(msg.length, send(c, msg, msg.length, 0));
        assertEquals(0, shutdown(c, SD_SEND));
        byte[] back = new byte[64];
        int total = 0;
        while (true) {
            FdSet readfds = new FdSet();
            FD_SET(c, readfds);
            assertEquals(1, select(0, readfds, null, null, TimeVal.ofMillis(5000)));
            int n = recv(c, java.nio.ByteBuffer.wrap(back, total, back.length - total), 0);
            assertNotEquals(SOCKET_ERROR, n, () -> "recv: " + WSAGetLastError());
            if (n == 0) {
                break;
            }
            total += n;
        }
        assertEquals("echo, ported from C", new String(back, 0, total));
        assertEquals(0, server.get(10, TimeUnit.SECONDS), "the server saw no error");
        assertEquals(0, closesocket(c));
        assertEquals(0, closesocket(ls));
        assertEquals(0, WSACleanup());
    }
}
