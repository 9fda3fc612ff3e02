package org.sockstack.api;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sockstack.spi.provider.NetworkEvents;
import org.sockstack.spi.provider.WsaEvent;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.api.WinsockBehaviour.getInt;
import static org.sockstack.api.WinsockBehaviour.port;
import static org.sockstack.api.WinsockBehaviour.setInt;
import static org.sockstack.api.WinsockBehaviour.sin;
import static org.sockstack.api.WinsockBehaviour.socketOk;
import static org.sockstack.spi.wsa.Wsa.AF_INET;
import static org.sockstack.spi.wsa.Wsa.CF_ACCEPT;
import static org.sockstack.spi.wsa.Wsa.CF_DEFER;
import static org.sockstack.spi.wsa.Wsa.CF_REJECT;
import static org.sockstack.spi.wsa.Wsa.FD_ACCEPT;
import static org.sockstack.spi.wsa.Wsa.INVALID_SOCKET;
import static org.sockstack.spi.wsa.Wsa.IPPROTO_TCP;
import static org.sockstack.spi.wsa.Wsa.SOCKET_ERROR;
import static org.sockstack.spi.wsa.Wsa.SOCK_STREAM;
import static org.sockstack.spi.wsa.Wsa.SOL_SOCKET;
import static org.sockstack.spi.wsa.Wsa.SO_CONDITIONAL_ACCEPT;
import static org.sockstack.spi.wsa.Wsa.SO_RCVTIMEO;
import static org.sockstack.spi.wsa.WsaError.WSAECONNREFUSED;
import static org.sockstack.spi.wsa.WsaError.WSAECONNRESET;
import static org.sockstack.spi.wsa.WsaError.WSATRY_AGAIN;

/**
 * WSAAccept on a listener with SO_CONDITIONAL_ACCEPT. Where the provider holds SYNs (the stack)
 * the condition function decides before the handshake, as on Windows: CF_REJECT answers the SYN
 * with a RST (the client's connect fails with WSAECONNREFUSED), CF_DEFER leaves the client
 * waiting, CF_ACCEPT completes the handshake. Over the host provider the kernel completes every
 * handshake, so the option is only kept: the client is connected before the condition function
 * runs and CF_REJECT resets it.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
abstract class ConditionalAcceptBehaviour extends TwoProcessBehaviour {
    static final int WAIT_MS = 5000;
    /** How long the client is watched to see that its connect does not complete. */
    static final int QUIET_MS = 300;
    private final ExecutorService clients = Executors.newCachedThreadPool();

    /** True where the provider holds SYNs (the stack), false where the kernel answers them (the host). */
    abstract boolean holdsSyns();

    @BeforeEach
    void startProcesses() {
        startBoth();
    }

    @AfterEach
    void stopClients() {
        clients.shutdownNow();
    }

    /** A listener on B with SO_CONDITIONAL_ACCEPT set before listen. */
    long conditionalListener() {
        long l = socketOk(b, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        setInt(b, l, SOL_SOCKET, SO_CONDITIONAL_ACCEPT, 1);
        assertEquals(0, b.bind(l, sin(world.addrB(), 0)));
        assertEquals(0, b.listen(l, 5));
        return l;
    }

    /** A blocking connect from A in another thread: the result, 0 or the WSA error. */
    Future<Integer> connectFromA(long c, int port) {
        return clients.submit(() -> a.connect(c, sin(world.addrB(), port)) == 0 ? 0 : a.WSAGetLastError());
    }

    static boolean doneWithin(Future<?> f, int millis) throws Exception {
        try {
            f.get(millis, TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        }
    }

    @Test
    void optionReadsBack() {
        long l = conditionalListener();
        assertEquals(1, getInt(b, l, SOL_SOCKET, SO_CONDITIONAL_ACCEPT));
        long plain = socketOk(b, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, getInt(b, plain, SOL_SOCKET, SO_CONDITIONAL_ACCEPT), "off by default");
    }

    @Test
    void rejectRefusesTheClient() throws Exception {
        long l = conditionalListener();
        long c = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        Future<Integer> connect = connectFromA(c, port(b, l));
        if (!holdsSyns()) {
            assertEquals(0, connect.get(WAIT_MS, TimeUnit.MILLISECONDS), "the kernel completes the handshake");
        }
        assertEquals(INVALID_SOCKET, b.WSAAccept(l, null, (caller, data, sq, gq, callee, calleeData, g) -> CF_REJECT));
        assertEquals(WSAECONNREFUSED, b.WSAGetLastError());
        if (holdsSyns()) {
            assertEquals(WSAECONNREFUSED, connect.get(WAIT_MS, TimeUnit.MILLISECONDS),
                    "the held SYN is answered with a RST");
        } else {
            setInt(a, c, SOL_SOCKET, SO_RCVTIMEO, WAIT_MS);
            byte[] one = new byte[1];
            assertEquals(SOCKET_ERROR, a.recv(c, one, 1, 0));
            assertEquals(WSAECONNRESET, a.WSAGetLastError(), "the established connection is reset");
        }
    }

    /** CF_DEFER leaves the request pending; the next WSAAccept sees the same caller and accepts it. */
    @Test
    void deferThenAccept() throws Exception {
        long l = conditionalListener();
        long c = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        Future<Integer> connect = connectFromA(c, port(b, l));
        AtomicReference<SockAddr> firstCaller = new AtomicReference<>();
        AtomicBoolean clientDoneWhenAsked = new AtomicBoolean();
        AtomicReference<Object> callerData = new AtomicReference<>("unset");
        assertEquals(INVALID_SOCKET, b.WSAAccept(l, null, (caller, data, sq, gq, callee, calleeData, g) -> {
            firstCaller.set(caller);
            clientDoneWhenAsked.set(connect.isDone());
            callerData.set(data == null && sq == null && gq == null ? null : "data or QoS");
            return CF_DEFER;
        }));
        assertEquals(WSATRY_AGAIN, b.WSAGetLastError());
        assertEquals(world.addrA(), firstCaller.get().toInet().getAddress());
        assertNull(callerData.get(), "TCP carries no caller data and no QoS");
        if (holdsSyns()) {
            assertFalse(clientDoneWhenAsked.get(), "no handshake before the condition function");
            assertFalse(doneWithin(connect, QUIET_MS), "a deferred request leaves the client waiting");
        }
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<SockAddr> secondCaller = new AtomicReference<>();
        Ref<SockAddr> peer = new Ref<>();
        long s = b.WSAAccept(l, peer, (caller, data, sq, gq, callee, calleeData, g) -> {
            calls.incrementAndGet();
            secondCaller.set(caller);
            return CF_ACCEPT;
        });
        assertNotEquals(INVALID_SOCKET, s, () -> "WSAAccept " + b.WSAGetLastError());
        assertEquals(1, calls.get());
        assertEquals(firstCaller.get().toInet(), secondCaller.get().toInet(), "the same request again");
        assertEquals(0, connect.get(WAIT_MS, TimeUnit.MILLISECONDS));
        assertEquals(port(a, c), firstCaller.get().toInet().getPort());
        assertEquals(port(a, c), peer.value.toInet().getPort());
        assertEquals(1, a.send(c, new byte[] {7}, 1, 0));
        byte[] one = new byte[1];
        setInt(b, s, SOL_SOCKET, SO_RCVTIMEO, WAIT_MS);
        assertEquals(1, b.recv(s, one, 1, 0));
        assertEquals(7, one[0]);
        assertEquals(1, b.send(s, new byte[] {8}, 1, 0));
        setInt(a, c, SOL_SOCKET, SO_RCVTIMEO, WAIT_MS);
        assertEquals(1, a.recv(c, one, 1, 0));
        assertEquals(8, one[0]);
    }

    /** FD_ACCEPT announces a pending request (before any handshake where SYNs are held). */
    @Test
    void fdAcceptForPendingRequest() throws Exception {
        long l = conditionalListener();
        WsaEvent e = b.WSACreateEvent();
        assertEquals(0, b.WSAEventSelect(l, e, FD_ACCEPT));
        long c = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        Future<Integer> connect = connectFromA(c, port(b, l));
        assertEquals(Winsock.WSA_WAIT_EVENT_0, b.WSAWaitForMultipleEvents(1, new WsaEvent[] {e}, false, WAIT_MS, false));
        NetworkEvents ne = new NetworkEvents();
        assertEquals(0, b.WSAEnumNetworkEvents(l, e, ne));
        assertEquals(FD_ACCEPT, ne.networkEvents & FD_ACCEPT);
        if (holdsSyns()) {
            assertFalse(connect.isDone(), "FD_ACCEPT came for the held SYN");
        }
        // WSAAccept without a condition function accepts.
        long s = b.WSAAccept(l, null, null);
        assertNotEquals(INVALID_SOCKET, s, () -> "WSAAccept " + b.WSAGetLastError());
        assertEquals(0, connect.get(WAIT_MS, TimeUnit.MILLISECONDS));
        assertTrue(b.WSACloseEvent(e));
    }
}
