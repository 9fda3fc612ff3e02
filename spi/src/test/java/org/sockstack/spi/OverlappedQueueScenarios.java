package org.sockstack.spi;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sockstack.spi.provider.Overlapped;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How waiting overlapped operations of one socket are queued and completed: Windows keeps posting
 * order per direction only (sends among sends, receives among receives), so a waiting receive
 * never holds back a send on the same socket.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
abstract class OverlappedQueueScenarios {
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

    /** A connected pair: client on A, accepted socket on B. */
    Net[] pair() {
        Net l = TcpScenarios.tcp(env.b());
        assertEquals(0, l.bind(env.addrB(), 0));
        IntRef e = new IntRef();
        assertEquals(0, l.provider().listen(l.handle, 5, e));
        Net c = TcpScenarios.tcp(env.a());
        assertEquals(0, c.connect(env.addrB(), l.port()));
        return new Net[] {c, TcpScenarios.accept(l), l};
    }

    /** Posts an overlapped receive; returns 0 (completed now) or the error (WSA_IO_PENDING). */
    static int postRecv(Net s, ByteBuffer into, Overlapped ov) {
        IntRef e = new IntRef();
        int r = s.provider().recv(s.handle, new ByteBuffer[] {into}, new IntRef(), new IntRef(), ov, null, null, e);
        return r == 0 ? 0 : e.value;
    }

    static int postSend(Net s, byte[] data, Overlapped ov) {
        IntRef e = new IntRef();
        int r = s.provider().send(s.handle, new ByteBuffer[] {ByteBuffer.wrap(data)}, new IntRef(), 0, ov, null,
                null, e);
        return r == 0 ? 0 : e.value;
    }

    @Test
    void aWaitingReceiveDoesNotHoldBackASend() throws InterruptedException {
        Net[] p = pair();
        Overlapped rov = new Overlapped();
        assertEquals(WsaError.WSA_IO_PENDING, postRecv(p[0], ByteBuffer.allocate(16), rov));
        Overlapped sov = new Overlapped();
        int r = postSend(p[0], "ping".getBytes(), sov);
        assertTrue(r == 0 || r == WsaError.WSA_IO_PENDING, WsaError.name(r));
        assertTrue(sov.await(WAIT_MS), "the send waits behind the receive");
        assertEquals(0, sov.status());
        assertEquals(4, sov.bytesTransferred());
        assertEquals("ping", new String(TcpScenarios.readFully(p[1], 4)));
        assertTrue(!rov.isComplete());
    }

    @Test
    void twoPeersThatEachPostAReceiveThenASendBothComplete() throws InterruptedException {
        Net[] p = pair();
        ByteBuffer[] in = {ByteBuffer.allocate(16), ByteBuffer.allocate(16)};
        Overlapped[] rov = {new Overlapped(), new Overlapped()};
        Overlapped[] sov = {new Overlapped(), new Overlapped()};
        for (int i = 0; i < 2; i++) {
            assertEquals(WsaError.WSA_IO_PENDING, postRecv(p[i], in[i], rov[i]));
        }
        for (int i = 0; i < 2; i++) {
            int r = postSend(p[i], ("from" + i).getBytes(), sov[i]);
            assertTrue(r == 0 || r == WsaError.WSA_IO_PENDING, WsaError.name(r));
        }
        for (int i = 0; i < 2; i++) {
            assertTrue(sov[i].await(WAIT_MS), "send " + i);
            assertTrue(rov[i].await(WAIT_MS), "receive " + i);
            assertEquals(0, rov[i].status());
            assertEquals("from" + (1 - i), new String(in[i].array(), 0, rov[i].bytesTransferred()));
        }
    }

    @Test
    void sendsStayInPostingOrderAmongThemselves() throws InterruptedException {
        Net[] p = pair();
        assertEquals(WsaError.WSA_IO_PENDING, postRecv(p[0], ByteBuffer.allocate(16), new Overlapped()));
        Overlapped[] sov = new Overlapped[20];
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < sov.length; i++) {
            sov[i] = new Overlapped();
            String part = String.format("%02d", i);
            expected.append(part);
            int r = postSend(p[0], part.getBytes(), sov[i]);
            assertTrue(r == 0 || r == WsaError.WSA_IO_PENDING, WsaError.name(r));
        }
        for (Overlapped ov : sov) {
            assertTrue(ov.await(WAIT_MS));
        }
        assertEquals(expected.toString(), new String(TcpScenarios.readFully(p[1], expected.length())));
    }

    /**
     * A receive posted while another thread closes the socket: whatever order the two take, an
     * operation that answered WSA_IO_PENDING completes (WSA_OPERATION_ABORTED), never hangs.
     */
    @Test
    void anOperationPostedDuringCloseStillCompletes() throws Exception {
        for (int round = 0; round < 200; round++) {
            Net s = Net.udp(env.a());
            assertEquals(0, s.bind(env.addrA(), 0));
            Overlapped ov = new Overlapped();
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
            java.util.concurrent.atomic.AtomicInteger posted = new java.util.concurrent.atomic.AtomicInteger();
            Thread poster = Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                posted.set(postRecv(s, ByteBuffer.allocate(16), ov));
            });
            start.await();
            s.close();
            poster.join();
            if (posted.get() == WsaError.WSA_IO_PENDING) {
                assertTrue(ov.await(2000), "round " + round + ": the posted receive never completed");
                assertEquals(WsaError.WSA_OPERATION_ABORTED, ov.status());
            }
        }
    }
}
