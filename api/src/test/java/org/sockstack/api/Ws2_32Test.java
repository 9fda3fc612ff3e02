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

    // ---- events, event select, asynchronous select, WSAPoll ----

    @Test
    void aPortedEventLoop() throws Exception {
        assertEquals(0, WSAStartup(makeVersion(2, 2), new WsaData()));
        long ls = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, bind(ls, SockAddr.inet(java.net.InetAddress.getLoopbackAddress(), 0)));
        assertEquals(0, listen(ls, 5));
        Ref<SockAddr> name = new Ref<>();
        assertEquals(0, getsockname(ls, name));
        org.sockstack.spi.provider.WsaEvent ev = WSACreateEvent();   // WSAEVENT ev = WSACreateEvent();
        assertNotEquals(WSA_INVALID_EVENT, ev);
        assertEquals(0, WSAEventSelect(ls, ev, FD_ACCEPT));           // WSAEventSelect(ls, ev, FD_ACCEPT)

        long c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, ioctlsocket(c, FIONBIO, new IntRef(1)));
        assertEquals(SOCKET_ERROR, connect(c, name.value));
        assertEquals(WSAEWOULDBLOCK, WSAGetLastError());
        WsaPollFd[] fds = {new WsaPollFd(c, WsaPollFd.POLLOUT)};      // WSAPOLLFD fds[1] = {{c, POLLOUT}};
        assertEquals(1, WSAPoll(fds, 1, 5000));
        assertEquals(WsaPollFd.POLLWRNORM, fds[0].revents);

        org.sockstack.spi.provider.WsaEvent[] events = {ev};
        assertEquals(WSA_WAIT_EVENT_0, WSAWaitForMultipleEvents(1, events, false, 5000, false));
        org.sockstack.spi.provider.NetworkEvents ne = new org.sockstack.spi.provider.NetworkEvents();
        assertEquals(0, WSAEnumNetworkEvents(ls, ev, ne));            // WSAEnumNetworkEvents(ls, ev, &ne)
        assertEquals(FD_ACCEPT, ne.networkEvents & FD_ACCEPT);
        long s = accept(ls, null);
        assertNotEquals(INVALID_SOCKET, s);

        MessageQueue window = new MessageQueue();
        assertEquals(0, WSAAsyncSelect(s, window, MessageQueue.WM_USER + 1, FD_READ));
        assertEquals(1, send(c, new byte[] {'x'}, 1, 0));
        MessageQueue.Message m = window.getMessage(5000);             // GetMessage(&msg, hwnd, 0, 0)
        assertNotEquals(null, m);
        assertEquals(s, m.wParam());
        assertEquals(FD_READ, WSAGETSELECTEVENT(m.lParam()));
        assertEquals(0, WSAGETSELECTERROR(m.lParam()));
        assertEquals(WSAMAKESELECTREPLY(FD_READ, 0), m.lParam());

        assertTrue(WSACloseEvent(ev));
        assertEquals(0, closesocket(s));
        assertEquals(0, closesocket(c));
        assertEquals(0, closesocket(ls));
        assertEquals(0, WSACleanup());
    }
}
