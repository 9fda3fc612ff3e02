package org.sockstack.api;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sockstack.spi.provider.Overlapped;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.Wsa;

import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.api.OverlappedBehaviour.WAIT_MS;
import static org.sockstack.api.OverlappedBehaviour.port;
import static org.sockstack.api.OverlappedBehaviour.sendText;
import static org.sockstack.api.OverlappedBehaviour.socketOk;
import static org.sockstack.spi.wsa.Wsa.INVALID_SOCKET;
import static org.sockstack.spi.wsa.Wsa.IPPROTO_TCP;
import static org.sockstack.spi.wsa.Wsa.SOCKET_ERROR;
import static org.sockstack.spi.wsa.Wsa.SOCK_STREAM;
import static org.sockstack.spi.wsa.WsaError.WSAEOPNOTSUPP;
import static org.sockstack.spi.wsa.WsaError.WSA_IO_PENDING;

/**
 * CreateIoCompletionPort's NumberOfConcurrentThreads and MSG_WAITALL on a non-blocking socket,
 * over the host provider and over two user-space stacks.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
abstract class ConcurrencyBehaviour extends TwoProcessBehaviour {

    @BeforeEach
    void startProcesses() {
        startBoth();
    }

    /**
     * A waiter thread: takes a packet (reporting its name), then waits for an order: true to call
     * GetQueuedCompletionStatus again, false to end. It ends when the port is closed.
     */
    private Thread waiter(String name, IoCompletionPort port, BlockingQueue<String> got, Semaphore again,
                          BlockingQueue<Boolean> orders) {
        return Thread.ofPlatform().name(name).start(() -> {
            while (true) {
                boolean ok = b.GetQueuedCompletionStatus(port, new IntRef(), new Ref<>(), new Ref<>(),
                        MsWsock.INFINITE);
                if (!ok) {
                    return; // the port was closed
                }
                got.add(name);
                try {
                    if (!orders.take()) {
                        return;
                    }
                } catch (InterruptedException e) {
                    return;
                }
                again.release();
            }
        });
    }

    private record Two(Thread t1, Thread t2, BlockingQueue<Boolean> o1, BlockingQueue<Boolean> o2) {
        BlockingQueue<Boolean> ordersOf(String name) {
            return name.equals("w1") ? o1 : o2;
        }
    }

    private Two twoWaiters(IoCompletionPort port, BlockingQueue<String> got, Semaphore again) {
        BlockingQueue<Boolean> o1 = new LinkedBlockingQueue<>();
        BlockingQueue<Boolean> o2 = new LinkedBlockingQueue<>();
        return new Two(waiter("w1", port, got, again, o1), waiter("w2", port, got, again, o2), o1, o2);
    }

    /** Limit 1, two waiters, two packets: one thread runs; the second packet waits until it calls GQCS again. */
    @Test
    void aRunningThreadHoldsBackTheOtherWaiterUntilItWaitsAgain() throws Exception {
        IoCompletionPort port = b.CreateIoCompletionPort(INVALID_SOCKET, null, 0, 1);
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        Semaphore again = new Semaphore(0);
        Two w = twoWaiters(port, got, again);
        assertTrue(b.PostQueuedCompletionStatus(port, 1, 1, new Overlapped()));
        assertTrue(b.PostQueuedCompletionStatus(port, 2, 2, new Overlapped()));
        String first = got.poll(WAIT_MS, TimeUnit.MILLISECONDS);
        assertNotNull(first, "one waiter is released");
        assertNull(got.poll(300, TimeUnit.MILLISECONDS), "the other is not, though a packet is queued");
        assertEquals(1, port.pending());
        assertEquals(1, port.runningThreads());

        w.ordersOf(first).add(true); // calls GetQueuedCompletionStatus again
        assertNotNull(got.poll(WAIT_MS, TimeUnit.MILLISECONDS), "now the second packet is taken");
        assertEquals(0, port.pending());
        assertTrue(b.CloseHandle(port));
        w.o1().add(false);
        w.o2().add(false);
        w.t1().join(WAIT_MS);
        w.t2().join(WAIT_MS);
    }

    /** A running thread that ends frees its place: the other waiter gets the second packet. */
    @Test
    void aThreadThatEndsFreesItsPlace() throws Exception {
        IoCompletionPort port = b.CreateIoCompletionPort(INVALID_SOCKET, null, 0, 1);
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        Two w = twoWaiters(port, got, new Semaphore(0));
        assertTrue(b.PostQueuedCompletionStatus(port, 1, 1, new Overlapped()));
        assertTrue(b.PostQueuedCompletionStatus(port, 2, 2, new Overlapped()));
        String first = got.poll(WAIT_MS, TimeUnit.MILLISECONDS);
        assertNotNull(first);
        assertNull(got.poll(300, TimeUnit.MILLISECONDS));
        w.ordersOf(first).add(false); // ends without calling GQCS again
        String second = got.poll(WAIT_MS, TimeUnit.MILLISECONDS);
        assertNotNull(second, "the ended thread's place went to the other waiter");
        assertNotEquals(first, second);
        assertTrue(b.CloseHandle(port));
        w.o1().add(false);
        w.o2().add(false);
        w.t1().join(WAIT_MS);
        w.t2().join(WAIT_MS);
    }

    /** Limit 2: both waiters are released at once. */
    @Test
    void aLimitOfTwoReleasesBothWaiters() throws Exception {
        IoCompletionPort port = b.CreateIoCompletionPort(INVALID_SOCKET, null, 0, 2);
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        Two w = twoWaiters(port, got, new Semaphore(0));
        assertTrue(b.PostQueuedCompletionStatus(port, 1, 1, new Overlapped()));
        assertTrue(b.PostQueuedCompletionStatus(port, 2, 2, new Overlapped()));
        assertNotNull(got.poll(WAIT_MS, TimeUnit.MILLISECONDS));
        assertNotNull(got.poll(WAIT_MS, TimeUnit.MILLISECONDS));
        assertEquals(2, port.runningThreads());
        assertTrue(b.CloseHandle(port));
        w.o1().add(false);
        w.o2().add(false);
        w.t1().join(WAIT_MS);
        w.t2().join(WAIT_MS);
    }

    // ------------------------------------------------------------------ MSG_WAITALL, non-blocking

    /**
     * MSG_WAITALL on a non-blocking socket without an overlapped: WSAEOPNOTSUPP from recv and
     * WSARecv (Microsoft's recv page); overlapped, WSARecv waits for all the bytes; on a blocking
     * socket recv waits for all of them.
     */
    @Test
    void waitAllOnANonBlockingSocketIsRefusedUnlessOverlapped() throws Exception {
        long l = socketOk(b, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, b.bind(l, org.sockstack.spi.wsa.SockAddr.inet(world.addrB(), 0)));
        assertEquals(0, b.listen(l, 5));
        long c = socketOk(a, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, a.connect(c, org.sockstack.spi.wsa.SockAddr.inet(world.addrB(), port(b, l))));
        long s = b.accept(l, null);
        assertNotEquals(INVALID_SOCKET, s);
        assertEquals(0, b.ioctlsocket(s, Wsa.FIONBIO, new IntRef(1)));
        sendText(a, c, "abcd");

        assertEquals(SOCKET_ERROR, b.recv(s, new byte[8], 8, Wsa.MSG_WAITALL));
        assertEquals(WSAEOPNOTSUPP, b.WSAGetLastError(), "recv");
        IntRef flags = new IntRef(Wsa.MSG_WAITALL);
        assertEquals(SOCKET_ERROR, b.WSARecv(s, new ByteBuffer[] {ByteBuffer.allocate(8)}, new IntRef(), flags,
                null, null));
        assertEquals(WSAEOPNOTSUPP, b.WSAGetLastError(), "WSARecv");

        Overlapped ov = new Overlapped(new org.sockstack.spi.provider.WsaEvent());
        ByteBuffer buf = ByteBuffer.allocate(8);
        int r = b.WSARecv(s, new ByteBuffer[] {buf}, new IntRef(), new IntRef(Wsa.MSG_WAITALL), ov, null);
        assertTrue(r == 0 || b.WSAGetLastError() == WSA_IO_PENDING, () -> "WSARecv " + b.WSAGetLastError());
        sendText(a, c, "efgh");
        assertTrue(ov.event.await(WAIT_MS));
        assertEquals(0, ov.status());
        assertEquals(8, ov.bytesTransferred());
        assertEquals("abcdefgh", new String(buf.array()));

        assertEquals(0, b.ioctlsocket(s, Wsa.FIONBIO, new IntRef(0)));
        Thread later = Thread.ofVirtual().start(() -> {
            sendText(a, c, "12");
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
            sendText(a, c, "34");
        });
        byte[] four = new byte[4];
        assertEquals(4, b.recv(s, four, 4, Wsa.MSG_WAITALL), () -> "blocking recv " + b.WSAGetLastError());
        assertEquals("1234", new String(four));
        later.join();
    }
}
