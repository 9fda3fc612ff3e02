package org.sockstack.api;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sockstack.spi.provider.CompletionRoutine;
import org.sockstack.spi.provider.FdSet;
import org.sockstack.spi.provider.NetworkEvents;
import org.sockstack.spi.provider.Overlapped;
import org.sockstack.spi.provider.TransportProvider;
import org.sockstack.spi.provider.WsaEvent;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Wsa;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.api.Winsock.WSA_INFINITE;
import static org.sockstack.api.Winsock.WSA_MAXIMUM_WAIT_EVENTS;
import static org.sockstack.api.Winsock.WSA_WAIT_EVENT_0;
import static org.sockstack.api.Winsock.WSA_WAIT_FAILED;
import static org.sockstack.api.Winsock.WSA_WAIT_IO_COMPLETION;
import static org.sockstack.api.Winsock.WSA_WAIT_TIMEOUT;
import static org.sockstack.api.WinsockBehaviour.getInt;
import static org.sockstack.api.WinsockBehaviour.port;
import static org.sockstack.api.WinsockBehaviour.setInt;
import static org.sockstack.api.WinsockBehaviour.sin;
import static org.sockstack.api.WinsockBehaviour.socketOk;
import static org.sockstack.api.WsaPollFd.POLLERR;
import static org.sockstack.api.WsaPollFd.POLLHUP;
import static org.sockstack.api.WsaPollFd.POLLIN;
import static org.sockstack.api.WsaPollFd.POLLNVAL;
import static org.sockstack.api.WsaPollFd.POLLOUT;
import static org.sockstack.api.WsaPollFd.POLLPRI;
import static org.sockstack.api.WsaPollFd.POLLRDBAND;
import static org.sockstack.api.WsaPollFd.POLLRDNORM;
import static org.sockstack.api.WsaPollFd.POLLWRBAND;
import static org.sockstack.api.WsaPollFd.POLLWRNORM;
import static org.sockstack.spi.wsa.Wsa.AF_INET;
import static org.sockstack.spi.wsa.Wsa.FD_ACCEPT;
import static org.sockstack.spi.wsa.Wsa.FD_CLOSE;
import static org.sockstack.spi.wsa.Wsa.FD_CLOSE_BIT;
import static org.sockstack.spi.wsa.Wsa.FD_CONNECT;
import static org.sockstack.spi.wsa.Wsa.FD_CONNECT_BIT;
import static org.sockstack.spi.wsa.Wsa.FD_READ;
import static org.sockstack.spi.wsa.Wsa.FD_WRITE;
import static org.sockstack.spi.wsa.Wsa.FIONBIO;
import static org.sockstack.spi.wsa.Wsa.INVALID_SOCKET;
import static org.sockstack.spi.wsa.Wsa.IPPROTO_TCP;
import static org.sockstack.spi.wsa.Wsa.IPPROTO_UDP;
import static org.sockstack.spi.wsa.Wsa.SOCKET_ERROR;
import static org.sockstack.spi.wsa.Wsa.SOCK_DGRAM;
import static org.sockstack.spi.wsa.Wsa.SOCK_STREAM;
import static org.sockstack.spi.wsa.Wsa.SOL_SOCKET;
import static org.sockstack.spi.wsa.Wsa.SO_ERROR;
import static org.sockstack.spi.wsa.Wsa.SO_LINGER;
import static org.sockstack.spi.wsa.WsaError.WSAECONNABORTED;
import static org.sockstack.spi.wsa.WsaError.WSAECONNREFUSED;
import static org.sockstack.spi.wsa.WsaError.WSAEFAULT;
import static org.sockstack.spi.wsa.WsaError.WSAEINVAL;
import static org.sockstack.spi.wsa.WsaError.WSAENOTSOCK;
import static org.sockstack.spi.wsa.WsaError.WSAEWOULDBLOCK;
import static org.sockstack.spi.wsa.WsaError.WSANOTINITIALISED;
import static org.sockstack.spi.wsa.WsaError.WSA_INVALID_HANDLE;
import static org.sockstack.spi.wsa.WsaError.WSA_IO_PENDING;
import static org.sockstack.spi.wsa.WsaError.WSA_INVALID_PARAMETER;

/**
 * Waiting in Winsock: event objects and WSAWaitForMultipleEvents (alertable waits included),
 * WSAEventSelect/WSAEnumNetworkEvents with Winsock's re-enabling rules, WSAAsyncSelect into a
 * {@link MessageQueue}, WSAPoll, and select's except set. The tables follow Microsoft's
 * documentation and the sequences Wine's and ReactOS's ws2_32 tests record of real Windows
 * (shared/reference/winsock2.md). The same body runs over the host provider and over two
 * user-space stacks. Nothing sleeps to synchronise: a test waits on an event, a message or a poll
 * with a bounded time-out; the short time-outs only check that nothing more comes.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
abstract class EventsBehaviour extends TwoProcessBehaviour {
    /** How long a test waits for something that must happen. */
    static final int WAIT_MS = 5000;
    /** How long a test waits to see that nothing (more) happens. */
    static final int QUIET_MS = 150;
    static final int WM_SOCKET = MessageQueue.WM_USER + 1;

    /** Every test here runs in started processes. */
    @BeforeEach
    void startProcesses() {
        startBoth();
    }

    // ------------------------------------------------------------------ helpers

    long listener() {
        long l = socketOk(b, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, b.bind(l, sin(world.addrB(), 0)));
        assertEquals(0, b.listen(l, 5));
        return l;
    }

    /** A port on B nobody listens on (a listener's, closed). */
    int closedPort() {
        long l = listener();
        int p = port(b, l);
        assertEquals(0, b.closesocket(l));
        return p;
    }

    /** {client on A, server on B}: connected with blocking calls. */
    long[] connectedPair() {
        long l = listener();
        long c = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, a.connect(c, sin(world.addrB(), port(b, l))), () -> "connect: " + a.WSAGetLastError());
        long s = b.accept(l, null);
        assertNotEquals(INVALID_SOCKET, s, () -> "accept: " + b.WSAGetLastError());
        assertEquals(0, b.closesocket(l));
        return new long[] {c, s};
    }

    static int waitOne(Winsock ws, WsaEvent e, int millis) {
        return ws.WSAWaitForMultipleEvents(1, new WsaEvent[] {e}, false, millis, false);
    }

    /**
     * Waits on {@code e} and enumerates {@code s}'s events until every event of {@code want} was
     * seen (or {@link #WAIT_MS} passed): the union of what was recorded, with each event's error.
     */
    static NetworkEvents collect(Winsock ws, long s, WsaEvent e, int want) {
        NetworkEvents all = new NetworkEvents();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while ((all.networkEvents & want) != want) {
            int left = (int) Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            if (waitOne(ws, e, left) != WSA_WAIT_EVENT_0) {
                break;
            }
            NetworkEvents ne = new NetworkEvents();
            assertEquals(0, ws.WSAEnumNetworkEvents(s, e, ne), () -> "enum: " + ws.WSAGetLastError());
            for (int bit = 0; bit < Wsa.FD_MAX_EVENTS; bit++) {
                if ((ne.networkEvents & (1 << bit)) != 0) {
                    all.errorCode[bit] = ne.errorCode[bit];
                }
            }
            all.networkEvents |= ne.networkEvents;
        }
        return all;
    }

    /** What is recorded now (without waiting). */
    static int recorded(Winsock ws, long s) {
        NetworkEvents ne = new NetworkEvents();
        assertEquals(0, ws.WSAEnumNetworkEvents(s, null, ne));
        return ne.networkEvents;
    }

    static String events(int fd) {
        StringBuilder sb = new StringBuilder();
        String[] names = {"READ", "WRITE", "OOB", "ACCEPT", "CONNECT", "CLOSE", "QOS", "GROUP_QOS", "ROUTING", "ADDRESS"};
        for (int bit = 0; bit < names.length; bit++) {
            if ((fd & (1 << bit)) != 0) {
                sb.append(sb.length() == 0 ? "" : "|").append("FD_").append(names[bit]);
            }
        }
        return sb.length() == 0 ? "0" : sb.toString();
    }

    static void assertEvents(int expected, int actual, String what) {
        assertEquals(events(expected), events(actual), what);
    }

    // ------------------------------------------------------------------ event objects

    @Test
    void eventObjectArgumentErrors() {
        WsaEvent e = a.WSACreateEvent();
        WsaEvent closed = a.WSACreateEvent();
        assertTrue(a.WSACloseEvent(closed));
        WsaEvent[] tooMany = new WsaEvent[WSA_MAXIMUM_WAIT_EVENTS + 1];
        for (int i = 0; i < tooMany.length; i++) {
            tooMany[i] = a.WSACreateEvent();
        }
        // {result, last error, expected error} per call.
        record Row(String call, int result, int error, int expected) { }
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("count 0", a.WSAWaitForMultipleEvents(0, new WsaEvent[] {e}, false, 0, false),
                a.WSAGetLastError(), WSA_INVALID_PARAMETER));
        rows.add(new Row("count 65", a.WSAWaitForMultipleEvents(65, tooMany, false, 0, false),
                a.WSAGetLastError(), WSA_INVALID_PARAMETER));
        rows.add(new Row("count -1", a.WSAWaitForMultipleEvents(-1, new WsaEvent[] {e}, false, 0, false),
                a.WSAGetLastError(), WSA_INVALID_PARAMETER));
        rows.add(new Row("null array", a.WSAWaitForMultipleEvents(1, null, false, 0, false),
                a.WSAGetLastError(), WSA_INVALID_PARAMETER));
        rows.add(new Row("count past the array", a.WSAWaitForMultipleEvents(2, new WsaEvent[] {e}, false, 0, false),
                a.WSAGetLastError(), WSA_INVALID_PARAMETER));
        rows.add(new Row("null event", a.WSAWaitForMultipleEvents(2, new WsaEvent[] {e, null}, false, 0, false),
                a.WSAGetLastError(), WSA_INVALID_HANDLE));
        rows.add(new Row("closed event", a.WSAWaitForMultipleEvents(1, new WsaEvent[] {closed}, false, 0, false),
                a.WSAGetLastError(), WSA_INVALID_HANDLE));
        rows.add(new Row("one event twice, wait all",
                a.WSAWaitForMultipleEvents(2, new WsaEvent[] {e, e}, true, 0, false), a.WSAGetLastError(),
                WSA_INVALID_PARAMETER));
        for (Row r : rows) {
            assertAll(r.call, () -> assertEquals(WSA_WAIT_FAILED, r.result, r.call),
                    () -> assertEquals(r.expected, r.error, r.call));
        }
        assertEquals(WSA_WAIT_TIMEOUT, a.WSAWaitForMultipleEvents(2, new WsaEvent[] {e, e}, false, 0, false),
                "one event twice is fine when any will do");
        assertEquals(WSA_WAIT_TIMEOUT, a.WSAWaitForMultipleEvents(64, java.util.Arrays.copyOf(tooMany, 64), false, 0,
                false), "WSA_MAXIMUM_WAIT_EVENTS events");

        a.WSASetLastError(0);
        assertFalse(a.WSACloseEvent(closed), "closing twice");
        assertEquals(WSA_INVALID_HANDLE, a.WSAGetLastError());
        a.WSASetLastError(0);
        assertFalse(a.WSASetEvent(null));
        assertEquals(WSA_INVALID_HANDLE, a.WSAGetLastError());
        a.WSASetLastError(0);
        assertFalse(a.WSAResetEvent(closed));
        assertEquals(WSA_INVALID_HANDLE, a.WSAGetLastError());
        assertNull(Winsock.WSA_INVALID_EVENT);
    }

    @Test
    void eventWaitsAndTimeOuts() {
        WsaEvent e0 = a.WSACreateEvent();
        WsaEvent e1 = a.WSACreateEvent();
        WsaEvent[] both = {e0, e1};
        assertEquals(WSA_WAIT_TIMEOUT, a.WSAWaitForMultipleEvents(2, both, false, 0, false), "a new event is not set");

        long t0 = System.nanoTime();
        assertEquals(WSA_WAIT_TIMEOUT, a.WSAWaitForMultipleEvents(2, both, false, 50, false));
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(50), "waited the whole time-out");

        assertTrue(a.WSASetEvent(e1));
        assertEquals(WSA_WAIT_EVENT_0 + 1, a.WSAWaitForMultipleEvents(2, both, false, 0, false));
        assertEquals(WSA_WAIT_EVENT_0 + 1, a.WSAWaitForMultipleEvents(2, both, false, WSA_INFINITE, false),
                "manual reset: still set");
        assertEquals(WSA_WAIT_TIMEOUT, a.WSAWaitForMultipleEvents(2, both, true, 0, false), "wait all: one missing");
        assertTrue(a.WSASetEvent(e0));
        assertEquals(WSA_WAIT_EVENT_0, a.WSAWaitForMultipleEvents(2, both, false, 0, false), "the lowest index wins");
        assertEquals(WSA_WAIT_EVENT_0, a.WSAWaitForMultipleEvents(2, both, true, 0, false), "wait all: all set");
        assertTrue(a.WSAResetEvent(e0));
        assertTrue(a.WSAResetEvent(e1));
        assertEquals(WSA_WAIT_TIMEOUT, a.WSAWaitForMultipleEvents(2, both, false, 0, false), "reset");
    }

    @Test
    void aWaitWakesWhenAnotherThreadSetsTheEvent() throws InterruptedException {
        WsaEvent e0 = a.WSACreateEvent();
        WsaEvent e1 = a.WSACreateEvent();
        CountDownLatch waiting = new CountDownLatch(1);
        Thread setter = Thread.ofPlatform().start(() -> {
            try {
                waiting.await();
            } catch (InterruptedException ignored) {
                return;
            }
            a.WSASetEvent(e1);
        });
        waiting.countDown();
        assertEquals(WSA_WAIT_EVENT_0 + 1, a.WSAWaitForMultipleEvents(2, new WsaEvent[] {e0, e1}, false, WAIT_MS, false));
        setter.join(WAIT_MS);

        // Wait all: two setters, the wait ends only when both did.
        WsaEvent f0 = a.WSACreateEvent();
        WsaEvent f1 = a.WSACreateEvent();
        Thread.ofVirtual().start(() -> a.WSASetEvent(f0));
        Thread.ofVirtual().start(() -> a.WSASetEvent(f1));
        assertEquals(WSA_WAIT_EVENT_0, a.WSAWaitForMultipleEvents(2, new WsaEvent[] {f0, f1}, true, WAIT_MS, false));
        assertTrue(f0.isSet() && f1.isSet());
    }

    /** Queues {@code apc} to {@code thread} as a provider does for a completion routine (WPUQueueApc). */
    void queueApc(Thread thread, Runnable apc) {
        assertEquals(0, a.process().upcalls().queueApc(thread, apc, new IntRef()));
    }

    @Test
    void anAlertableWaitRunsTheThreadsCompletionRoutines() throws InterruptedException {
        WsaEvent e = a.WSACreateEvent();
        Thread me = Thread.currentThread();
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        AtomicInteger runs = new AtomicInteger();
        Runnable routine = () -> {
            ranOn.set(Thread.currentThread());
            runs.incrementAndGet();
        };

        // Queued before the wait: a non-alertable wait neither runs it nor ends for it.
        queueApc(me, routine);
        assertEquals(WSA_WAIT_TIMEOUT, waitOne(a, e, 0));
        assertEquals(0, runs.get(), "not alertable: the routine waits");
        assertEquals(WSA_WAIT_IO_COMPLETION, a.WSAWaitForMultipleEvents(1, new WsaEvent[] {e}, false, WAIT_MS, true));
        assertEquals(1, runs.get());
        assertSame(me, ranOn.get(), "a completion routine runs on the thread that waits");
        assertEquals(WSA_WAIT_TIMEOUT, a.WSAWaitForMultipleEvents(1, new WsaEvent[] {e}, false, 0, true),
                "nothing left to run");

        // Queued from another thread while the wait is under way: the wait ends for it.
        Thread queuer = Thread.ofPlatform().start(() -> queueApc(me, routine));
        assertEquals(WSA_WAIT_IO_COMPLETION, a.WSAWaitForMultipleEvents(1, new WsaEvent[] {e}, false, WAIT_MS, true));
        queuer.join(WAIT_MS);
        assertEquals(2, runs.get());
        assertSame(me, ranOn.get());

        // A set event satisfies the wait first; the routine runs in a later alertable wait.
        a.WSASetEvent(e);
        queueApc(me, routine);
        assertEquals(WSA_WAIT_EVENT_0, a.WSAWaitForMultipleEvents(1, new WsaEvent[] {e}, false, 0, true));
        assertEquals(2, runs.get());
        a.WSAResetEvent(e);
        assertEquals(WSA_WAIT_IO_COMPLETION, a.WSAWaitForMultipleEvents(1, new WsaEvent[] {e}, false, 0, true));
        assertEquals(3, runs.get());

        // Another thread's routines are not this thread's business.
        Thread other = Thread.ofPlatform().unstarted(() -> { });
        queueApc(other, routine);
        assertEquals(WSA_WAIT_TIMEOUT, a.WSAWaitForMultipleEvents(1, new WsaEvent[] {e}, false, 0, true));
        assertEquals(3, runs.get());
    }

    @Test
    void anOverlappedReceiveCompletesThroughAnAlertableWait() {
        long[] p = connectedPair();
        long c = p[0];
        IntRef errno = new IntRef();
        TransportProvider provider = a.process().provider(c, errno);
        Thread me = Thread.currentThread();
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        int[] result = {-1, -1};
        CompletionRoutine routine = (error, bytes, ov, flags) -> {
            ranOn.set(Thread.currentThread());
            result[0] = error;
            result[1] = bytes;
        };
        ByteBuffer buf = ByteBuffer.allocate(16);
        // WSARecv(c, &buf, 1, NULL, &flags, &ov, routine) as the SPI receives it.
        int r = provider.recv(c, new ByteBuffer[] {buf}, new IntRef(), new IntRef(0), new Overlapped(), routine, me,
                errno);
        assertEquals(SOCKET_ERROR, r);
        assertEquals(WSA_IO_PENDING, errno.value, "nothing to read yet");
        WsaEvent never = a.WSACreateEvent();
        assertEquals(WSA_WAIT_TIMEOUT, a.WSAWaitForMultipleEvents(1, new WsaEvent[] {never}, false, 0, true));
        assertEquals(3, b.send(p[1], "xyz".getBytes(), 3, 0));
        assertEquals(WSA_WAIT_IO_COMPLETION,
                a.WSAWaitForMultipleEvents(1, new WsaEvent[] {never}, false, WAIT_MS, true));
        assertSame(me, ranOn.get(), "the completion routine ran on the issuing thread, in its wait");
        assertEquals(0, result[0]);
        assertTrue(result[1] >= 1 && result[1] <= 3, "bytes " + result[1]);
    }

    // ------------------------------------------------------------------ WSAEventSelect

    @Test
    void connectGivesFdConnectAndFdWrite() {
        long l = listener();
        long c = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        WsaEvent e = a.WSACreateEvent();
        assertEquals(0, a.WSAEventSelect(c, e, FD_CONNECT | FD_WRITE | FD_READ | FD_CLOSE));
        assertEquals(SOCKET_ERROR, a.connect(c, sin(world.addrB(), port(b, l))), "WSAEventSelect made it non-blocking");
        assertEquals(WSAEWOULDBLOCK, a.WSAGetLastError());
        NetworkEvents ne = collect(a, c, e, FD_CONNECT | FD_WRITE);
        assertEvents(FD_CONNECT | FD_WRITE, ne.networkEvents, "after connect");
        assertEquals(0, ne.errorCode[FD_CONNECT_BIT]);
        assertEquals(WSA_WAIT_TIMEOUT, waitOne(a, e, QUIET_MS), "FD_CONNECT and FD_WRITE come once");
        assertEvents(0, recorded(a, c), "nothing more");
    }

    @Test
    void aRefusedConnectIsFdConnectWithTheErrorAndTheExceptSet() {
        int closedPort = closedPort();
        long c = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        WsaEvent e = a.WSACreateEvent();
        assertEquals(0, a.WSAEventSelect(c, e, FD_CONNECT | FD_WRITE | FD_CLOSE));
        assertEquals(SOCKET_ERROR, a.connect(c, sin(world.addrB(), closedPort)));
        assertEquals(WSAEWOULDBLOCK, a.WSAGetLastError());
        NetworkEvents ne = collect(a, c, e, FD_CONNECT);
        assertEvents(FD_CONNECT, ne.networkEvents, "a refused connect: FD_CONNECT only");
        assertEquals(WSAECONNREFUSED, ne.errorCode[FD_CONNECT_BIT], "iErrorCode[FD_CONNECT_BIT]");

        FdSet write = FdSet.of(c);
        FdSet except = FdSet.of(c);
        assertEquals(1, a.select(0, null, write, except, TimeVal.ofMillis(WAIT_MS)));
        assertTrue(Winsock.FD_ISSET(c, except), "a failed connect is in the except set");
        assertFalse(Winsock.FD_ISSET(c, write));
        assertEquals(WSAECONNREFUSED, getInt(a, c, SOL_SOCKET, SO_ERROR));
        assertEquals(WSAECONNREFUSED, getInt(a, c, SOL_SOCKET, SO_ERROR), "SO_ERROR stays");
    }

    @Test
    void peerCloseGivesFdReadThenFdClose() {
        long[] p = connectedPair();
        long c = p[0];
        WsaEvent e = a.WSACreateEvent();
        assertEquals(0, a.WSAEventSelect(c, e, FD_READ | FD_CLOSE));
        assertEquals(3, b.send(p[1], "bye".getBytes(), 3, 0));
        assertEquals(0, b.closesocket(p[1]));

        NetworkEvents first = collect(a, c, e, FD_READ);
        assertTrue((first.networkEvents & FD_READ) != 0, "FD_READ first");
        byte[] buf = new byte[16];
        int got = 0;
        NetworkEvents later = new NetworkEvents();
        later.networkEvents = first.networkEvents & FD_CLOSE;
        while (got < 3) {
            int n = a.recv(c, buf, buf.length, 0);
            if (n == SOCKET_ERROR) {
                assertEquals(WSAEWOULDBLOCK, a.WSAGetLastError());
                later.networkEvents |= collect(a, c, e, FD_READ).networkEvents & FD_CLOSE;
                continue;
            }
            got += n;
        }
        assertEquals("bye", new String(buf, 0, 3));
        NetworkEvents close = collect(a, c, e, FD_CLOSE);
        later.networkEvents |= close.networkEvents;
        assertTrue((later.networkEvents & FD_CLOSE) != 0, "FD_CLOSE after the data: " + events(later.networkEvents));
        assertEquals(0, close.errorCode[FD_CLOSE_BIT], "a graceful close has no error");
        assertEquals(0, a.recv(c, buf, buf.length, 0), "end of stream");
        assertEquals(WSA_WAIT_TIMEOUT, waitOne(a, e, QUIET_MS), "FD_CLOSE comes once");
        assertEvents(0, recorded(a, c) & FD_CLOSE, "no second FD_CLOSE");
    }

    @Test
    void aResetIsFdCloseWithConnectionAborted() {
        long[] p = connectedPair();
        long c = p[0];
        WsaEvent e = a.WSACreateEvent();
        assertEquals(0, a.WSAEventSelect(c, e, FD_READ | FD_CLOSE));
        setInt(b, p[1], SOL_SOCKET, SO_LINGER, 1); // l_onoff 1, l_linger 0: an abortive close
        assertEquals(0, b.closesocket(p[1]));
        NetworkEvents ne = collect(a, c, e, FD_CLOSE);
        assertTrue((ne.networkEvents & FD_CLOSE) != 0, "FD_CLOSE on a reset: " + events(ne.networkEvents));
        assertEquals(WSAECONNABORTED, ne.errorCode[FD_CLOSE_BIT], "iErrorCode[FD_CLOSE_BIT] (observed)");
    }

    @Test
    void fdReadIsReEnabledByRecv() {
        long[] p = connectedPair();
        long c = p[0];
        WsaEvent e = a.WSACreateEvent();
        assertEquals(0, a.WSAEventSelect(c, e, FD_READ));
        assertEquals(4, b.send(p[1], "abcd".getBytes(), 4, 0));
        assertEvents(FD_READ, collect(a, c, e, FD_READ).networkEvents, "data arrived");
        assertEquals(WSA_WAIT_TIMEOUT, waitOne(a, e, QUIET_MS), "no recv: FD_READ is not recorded again");

        byte[] one = new byte[1];
        assertEquals(1, a.recv(c, one, 1, 0));
        assertEquals(WSA_WAIT_EVENT_0, waitOne(a, e, 0), "the recv re-enabled FD_READ and data is left");
        assertEvents(FD_READ, recorded(a, c), "recorded again");
        byte[] rest = new byte[16];
        int got = 0;
        while (got < 3) {
            int n = a.recv(c, rest, rest.length, 0);
            if (n == SOCKET_ERROR) {
                assertEquals(WSAEWOULDBLOCK, a.WSAGetLastError());
                collect(a, c, e, FD_READ);
                continue;
            }
            got += n;
        }
        a.WSAResetEvent(e);
        recorded(a, c);
        assertEquals(WSA_WAIT_TIMEOUT, waitOne(a, e, QUIET_MS), "drained: nothing to signal");
    }

    @Test
    void fdWriteComesBackOnlyAfterWouldBlock() throws InterruptedException {
        long[] p = connectedPair();
        long c = p[0];
        WsaEvent e = a.WSACreateEvent();
        assertEquals(0, a.WSAEventSelect(c, e, FD_WRITE));
        assertEvents(FD_WRITE, collect(a, c, e, FD_WRITE).networkEvents, "a connected socket is writable");
        assertEquals(1, a.send(c, new byte[1], 1, 0));
        assertEquals(WSA_WAIT_TIMEOUT, waitOne(a, e, QUIET_MS), "a send that did not block re-enables nothing");

        // Fill the connection until send would block.
        byte[] chunk = new byte[64 * 1024];
        long sent = 1;
        int n;
        while ((n = a.send(c, chunk, chunk.length, 0)) != SOCKET_ERROR) {
            sent += n;
            assertTrue(sent < 256L * 1024 * 1024, "send never blocked");
        }
        assertEquals(WSAEWOULDBLOCK, a.WSAGetLastError());
        long total = sent;
        AtomicReference<Long> drained = new AtomicReference<>(0L);
        Thread reader = Thread.ofPlatform().start(() -> {
            byte[] buf = new byte[64 * 1024];
            long got = 0;
            while (got < total) {
                int r = b.recv(p[1], buf, buf.length, 0);
                if (r <= 0) {
                    break;
                }
                got += r;
            }
            drained.set(got);
        });
        assertEvents(FD_WRITE, collect(a, c, e, FD_WRITE).networkEvents, "room again after WSAEWOULDBLOCK");
        reader.join(30_000);
        assertEquals(total, drained.get());
    }

    @Test
    void fdAcceptIsReEnabledByAcceptAndTheAcceptedSocketInheritsTheSelection() {
        long l = listener();
        WsaEvent e = b.WSACreateEvent();
        assertEquals(0, b.WSAEventSelect(l, e, FD_ACCEPT | FD_WRITE | FD_READ));
        long c1 = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        long c2 = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, a.connect(c1, sin(world.addrB(), port(b, l))));
        assertEquals(0, a.connect(c2, sin(world.addrB(), port(b, l))));
        assertEvents(FD_ACCEPT, collect(b, l, e, FD_ACCEPT).networkEvents, "a connection waits");
        assertEquals(WSA_WAIT_TIMEOUT, waitOne(b, e, QUIET_MS), "no accept: FD_ACCEPT is not recorded again");

        long s1 = b.accept(l, null);
        assertNotEquals(INVALID_SOCKET, s1);
        assertEvents(FD_ACCEPT, collect(b, l, e, FD_ACCEPT).networkEvents,
                "the accept re-enabled FD_ACCEPT and a second connection waits");
        assertEvents(FD_WRITE, recorded(b, s1) & FD_WRITE, "the accepted socket inherited the selection: FD_WRITE");
        IntRef blocking = new IntRef(0);
        assertEquals(SOCKET_ERROR, b.ioctlsocket(s1, FIONBIO, blocking), "and is non-blocking for good");
        assertEquals(WSAEINVAL, b.WSAGetLastError());

        long s2 = b.accept(l, null);
        assertNotEquals(INVALID_SOCKET, s2);
        assertEquals(SOCKET_ERROR, b.accept(l, null), "no third connection");
        assertEquals(WSAEWOULDBLOCK, b.WSAGetLastError());
        b.WSAResetEvent(e);
        recorded(b, s2);
        recorded(b, l);
        b.WSAResetEvent(e);
        assertEquals(WSA_WAIT_TIMEOUT, waitOne(b, e, QUIET_MS), "no connection waits: no FD_ACCEPT");
        assertEvents(0, recorded(b, l), "nothing recorded");
    }

    @Test
    void eventSelectMakesTheSocketNonBlockingUntilCancelled() {
        long c = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        WsaEvent e = a.WSACreateEvent();
        assertEquals(0, a.WSAEventSelect(c, e, FD_READ));
        assertEquals(SOCKET_ERROR, a.ioctlsocket(c, FIONBIO, new IntRef(0)));
        assertEquals(WSAEINVAL, a.WSAGetLastError());
        assertEquals(0, a.ioctlsocket(c, FIONBIO, new IntRef(1)), "non-blocking stays allowed");
        assertEquals(0, a.WSAEventSelect(c, null, 0), "cancelled");
        assertEquals(0, a.ioctlsocket(c, FIONBIO, new IntRef(0)), "blocking again");
    }

    @Test
    void eventSelectArgumentErrors() {
        long c = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        WsaEvent e = a.WSACreateEvent();
        WsaEvent closed = a.WSACreateEvent();
        a.WSACloseEvent(closed);
        long notASocket = c + 4000;
        int[][] rows = {
            {a.WSAEventSelect(c, null, FD_READ), a.WSAGetLastError(), WSAEINVAL},
            {a.WSAEventSelect(c, closed, FD_READ), a.WSAGetLastError(), WSAEINVAL},
            {a.WSAEventSelect(notASocket, e, FD_READ), a.WSAGetLastError(), WSAENOTSOCK},
            {a.WSAEnumNetworkEvents(c, e, null), a.WSAGetLastError(), WSAEFAULT},
            {a.WSAEnumNetworkEvents(notASocket, e, new NetworkEvents()), a.WSAGetLastError(), WSAENOTSOCK},
            {a.WSAAsyncSelect(c, null, WM_SOCKET, FD_READ), a.WSAGetLastError(), WSAEINVAL},
            {a.WSAAsyncSelect(notASocket, new MessageQueue(), WM_SOCKET, FD_READ), a.WSAGetLastError(), WSAENOTSOCK},
        };
        for (int i = 0; i < rows.length; i++) {
            assertEquals(SOCKET_ERROR, rows[i][0], "row " + i);
            assertEquals(rows[i][2], rows[i][1], "row " + i);
        }
        Worlds.cleanupAll(a);
        assertEquals(SOCKET_ERROR, a.WSAEventSelect(c, e, FD_READ));
        assertEquals(WSANOTINITIALISED, a.WSAGetLastError());
        assertEquals(SOCKET_ERROR, a.WSAPoll(new WsaPollFd[] {new WsaPollFd(c, POLLIN)}, 1, 0));
        assertEquals(WSANOTINITIALISED, a.WSAGetLastError());
    }

    // ------------------------------------------------------------------ WSAAsyncSelect

    MessageQueue.Message next(MessageQueue q) {
        MessageQueue.Message m = q.getMessage(WAIT_MS);
        assertNotEquals(null, m, "a message within " + WAIT_MS + " ms");
        return m;
    }

    @Test
    void asyncSelectPostsConnectThenWrite() {
        long l = listener();
        long c = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        MessageQueue window = new MessageQueue();
        assertEquals(0, a.WSAAsyncSelect(c, window, WM_SOCKET, FD_CONNECT | FD_WRITE | FD_READ | FD_CLOSE));
        assertEquals(SOCKET_ERROR, a.connect(c, sin(world.addrB(), port(b, l))));
        assertEquals(WSAEWOULDBLOCK, a.WSAGetLastError());
        MessageQueue.Message m1 = next(window);
        assertEquals(WM_SOCKET, m1.message());
        assertEquals(c, m1.wParam(), "wParam is the socket");
        assertEquals(Winsock.WSAMAKESELECTREPLY(FD_CONNECT, 0), m1.lParam());
        MessageQueue.Message m2 = next(window);
        assertEquals(FD_WRITE, Winsock.WSAGETSELECTEVENT(m2.lParam()));
        assertEquals(0, Winsock.WSAGETSELECTERROR(m2.lParam()));
        assertNull(window.getMessage(QUIET_MS), "nothing more");

        // Registering again posts what holds again (observed): FD_WRITE.
        assertEquals(0, a.WSAAsyncSelect(c, window, WM_SOCKET, FD_WRITE | FD_READ | FD_CLOSE));
        assertEquals(FD_WRITE, next(window).selectEvent());
        assertNull(window.PeekMessage(MessageQueue.PM_REMOVE));
    }

    @Test
    void asyncSelectPostsARefusedConnectWithItsError() {
        int closedPort = closedPort();
        long c = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        MessageQueue window = new MessageQueue();
        assertEquals(0, a.WSAAsyncSelect(c, window, WM_SOCKET, FD_CONNECT | FD_WRITE | FD_CLOSE));
        assertEquals(SOCKET_ERROR, a.connect(c, sin(world.addrB(), closedPort)));
        MessageQueue.Message m = next(window);
        assertEquals(FD_CONNECT, m.selectEvent());
        assertEquals(WSAECONNREFUSED, m.selectError());
        assertNull(window.getMessage(QUIET_MS), "no FD_WRITE after a failed connect");
    }

    @Test
    void asyncSelectPostsReadThenClose() {
        long[] p = connectedPair();
        long c = p[0];
        MessageQueue window = new MessageQueue();
        assertEquals(0, a.WSAAsyncSelect(c, window, WM_SOCKET, FD_READ | FD_CLOSE));
        assertEquals(2, b.send(p[1], "hi".getBytes(), 2, 0));
        assertEquals(0, b.closesocket(p[1]));
        MessageQueue.Message m = next(window);
        assertEquals(FD_READ, m.selectEvent(), "FD_READ first");
        assertEquals(c, m.wParam());
        byte[] buf = new byte[8];
        int got = 0;
        boolean closed = false;
        while (got < 2) {
            int n = a.recv(c, buf, buf.length, 0);
            if (n == SOCKET_ERROR) {
                assertEquals(WSAEWOULDBLOCK, a.WSAGetLastError());
                closed |= next(window).selectEvent() == FD_CLOSE;
                continue;
            }
            got += n;
        }
        while (!closed) {
            MessageQueue.Message x = next(window);
            closed = x.selectEvent() == FD_CLOSE;
            if (closed) {
                assertEquals(0, x.selectError());
            }
        }
        assertEquals(0, a.recv(c, buf, buf.length, 0));
        assertEquals(0, window.dropped());
    }

    // ------------------------------------------------------------------ WSAPoll

    @Test
    void pollValidatesTheRequestedFlags() {
        long c = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        int[] invalid = {POLLPRI, POLLWRBAND, POLLERR, POLLHUP, POLLNVAL, 0x0008, 0x0040, 0x0800, 0x1000,
            0x8000, POLLIN | POLLPRI, POLLOUT | POLLWRBAND, 0xFFFF};
        for (int flags : invalid) {
            WsaPollFd f = new WsaPollFd(c, flags);
            a.WSASetLastError(0);
            assertEquals(SOCKET_ERROR, a.WSAPoll(new WsaPollFd[] {f}, 1, 0), "events 0x" + Integer.toHexString(flags));
            assertEquals(WSAEINVAL, a.WSAGetLastError(), "events 0x" + Integer.toHexString(flags));
        }
        int[] valid = {0, POLLRDNORM, POLLRDBAND, POLLIN, POLLWRNORM, POLLOUT, POLLIN | POLLOUT};
        for (int flags : valid) {
            WsaPollFd f = new WsaPollFd(c, flags);
            assertNotEquals(SOCKET_ERROR, a.WSAPoll(new WsaPollFd[] {f}, 1, 0), "events 0x" + Integer.toHexString(flags));
        }
        assertEquals(POLLIN, POLLRDNORM | POLLRDBAND);
        assertEquals(POLLOUT, POLLWRNORM);

        WsaPollFd ignored = new WsaPollFd(-1, 0xFFFF);
        WsaPollFd live = new WsaPollFd(c, 0);
        assertEquals(0, a.WSAPoll(new WsaPollFd[] {ignored, live}, 2, 0), "a negative fd is skipped, flags unchecked");
        assertEquals(0, ignored.revents);

        int[][] errors = {
            {a.WSAPoll(null, 1, 0), a.WSAGetLastError(), WSAEINVAL},
            {a.WSAPoll(new WsaPollFd[] {live}, 2, 0), a.WSAGetLastError(), WSAEFAULT},
            {a.WSAPoll(new WsaPollFd[] {new WsaPollFd(-1, POLLIN)}, 1, 0), a.WSAGetLastError(), WSAEINVAL},
            {a.WSAPoll(new WsaPollFd[] {live}, 0, 0), a.WSAGetLastError(), WSAEINVAL},
            {a.WSAPoll(new WsaPollFd[] {new WsaPollFd(c + 4000, POLLIN)}, 1, 0), a.WSAGetLastError(), WSAEINVAL},
        };
        for (int i = 0; i < errors.length; i++) {
            assertEquals(SOCKET_ERROR, errors[i][0], "row " + i);
            assertEquals(errors[i][2], errors[i][1], "row " + i);
        }
    }

    @Test
    void pollReportsReadinessOfAConnection() {
        long[] p = connectedPair();
        long c = p[0];
        WsaPollFd f = new WsaPollFd(c, POLLIN | POLLOUT);
        assertEquals(1, a.WSAPoll(new WsaPollFd[] {f}, 1, WAIT_MS));
        assertEquals(POLLWRNORM, f.revents, "connected, no data: writable");

        WsaPollFd r = new WsaPollFd(c, POLLIN);
        assertEquals(0, a.WSAPoll(new WsaPollFd[] {r}, 1, 0));
        long t0 = System.nanoTime();
        assertEquals(0, a.WSAPoll(new WsaPollFd[] {r}, 1, 50), "time-out");
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(45), "waited for the time-out");
        assertEquals(0, r.revents);

        assertEquals(3, b.send(p[1], "abc".getBytes(), 3, 0));
        assertEquals(1, a.WSAPoll(new WsaPollFd[] {r}, 1, WAIT_MS));
        assertEquals(POLLRDNORM, r.revents, "data: readable (POLLRDNORM only, even for POLLIN)");

        // A closed handle beside a live one: POLLNVAL, and it counts.
        long gone = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, a.closesocket(gone));
        WsaPollFd nval = new WsaPollFd(gone, POLLIN);
        WsaPollFd skip = new WsaPollFd(-5, POLLIN);
        assertEquals(2, a.WSAPoll(new WsaPollFd[] {skip, nval, r}, 3, 0));
        assertEquals(POLLNVAL, nval.revents);
        assertEquals(0, skip.revents);
        assertEquals(POLLRDNORM, r.revents);

        // The peer's close: POLLHUP with the end of the stream still to read, once the data is read.
        byte[] buf = new byte[8];
        assertEquals(3, a.recv(c, buf, buf.length, 0));
        assertEquals(0, b.closesocket(p[1]));
        assertEquals(1, a.WSAPoll(new WsaPollFd[] {r}, 1, WAIT_MS));
        assertEquals(POLLHUP | POLLRDNORM, r.revents, "graceful close");
        assertEquals(0, a.recv(c, buf, buf.length, 0));
    }

    @Test
    void pollReportsAListenerWithAConnectionAndADatagramSocket() {
        long l = listener();
        WsaPollFd lf = new WsaPollFd(l, POLLIN);
        assertEquals(0, b.WSAPoll(new WsaPollFd[] {lf}, 1, 0), "no connection yet");
        long c = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, a.connect(c, sin(world.addrB(), port(b, l))));
        assertEquals(1, b.WSAPoll(new WsaPollFd[] {lf}, 1, WAIT_MS));
        assertEquals(POLLRDNORM, lf.revents, "a connection to accept");

        long u = socketOk(a, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        assertEquals(0, a.bind(u, sin(world.addrA(), 0)));
        WsaPollFd uf = new WsaPollFd(u, POLLIN | POLLOUT);
        assertEquals(1, a.WSAPoll(new WsaPollFd[] {uf}, 1, WAIT_MS));
        assertEquals(POLLWRNORM, uf.revents, "a bound datagram socket is writable");
    }

    @Test
    void aPollWithoutTimeOutWakesWhenDataArrives() throws InterruptedException {
        long[] p = connectedPair();
        WsaPollFd r = new WsaPollFd(p[0], POLLIN);
        Thread sender = Thread.ofPlatform().start(() -> b.send(p[1], "late".getBytes(), 4, 0));
        assertEquals(1, a.WSAPoll(new WsaPollFd[] {r}, 1, -1), "a negative time-out waits for ever");
        assertEquals(POLLRDNORM, r.revents);
        sender.join(WAIT_MS);
    }

    @Test
    void pollTakesMoreSocketsThanAnFdSetHolds() {
        int n = FdSet.FD_SETSIZE + 6;
        WsaPollFd[] fds = new WsaPollFd[n];
        for (int i = 0; i < n; i++) {
            long u = socketOk(a, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
            assertEquals(0, a.bind(u, sin(world.addrA(), 0)));
            fds[i] = new WsaPollFd(u, POLLIN);
        }
        assertEquals(0, a.WSAPoll(fds, n, 30), "nothing to read anywhere");
        long sender = socketOk(b, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        long last = fds[n - 1].fd;
        assertEquals(1, b.sendto(sender, new byte[] {1}, 1, 0, sin(world.addrA(), port(a, last))));
        assertEquals(1, a.WSAPoll(fds, n, WAIT_MS), "the socket past FD_SETSIZE is watched too");
        assertEquals(POLLRDNORM, fds[n - 1].revents);
        for (WsaPollFd f : fds) {
            f.events = POLLOUT;
        }
        assertEquals(n, a.WSAPoll(fds, n, 0), "every bound datagram socket is writable");
    }

    @Test
    void pollReportsAFailedConnectAsErrorAndHangUp() {
        int closedPort = closedPort();
        long c = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, a.ioctlsocket(c, FIONBIO, new IntRef(1)));
        assertEquals(SOCKET_ERROR, a.connect(c, sin(world.addrB(), closedPort)));
        assertEquals(WSAEWOULDBLOCK, a.WSAGetLastError());
        WsaPollFd f = new WsaPollFd(c, POLLIN | POLLOUT);
        assertEquals(1, a.WSAPoll(new WsaPollFd[] {f}, 1, WAIT_MS));
        assertEquals(POLLERR | POLLHUP | POLLWRNORM, f.revents, "Windows 10 2004 and later");
        assertEquals(WSAECONNREFUSED, getInt(a, c, SOL_SOCKET, SO_ERROR));
        WsaPollFd quiet = new WsaPollFd(c, 0);
        assertEquals(1, a.WSAPoll(new WsaPollFd[] {quiet}, 1, 0));
        assertEquals(POLLERR | POLLHUP, quiet.revents, "errors are reported without being asked for");
    }
}
