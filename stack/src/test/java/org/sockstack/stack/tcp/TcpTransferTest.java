package org.sockstack.stack.tcp;

import org.junit.jupiter.api.Test;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.socket.SocketEvents;
import org.sockstack.stack.wire.Ipv4Address;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.stack.tcp.TwoStacks.A_IP;
import static org.sockstack.stack.tcp.TwoStacks.B_IP;

/** Two stacks talking TCP to each other on virtual time: handshakes, bulk transfer, loss. */
class TcpTransferTest {

    /** RFC 9293 3.5 figure 7: simultaneous open, both sides SYN_SENT -> SYN_RECEIVED -> ESTABLISHED. */
    @Test
    void rfc9293_3_5_simultaneousOpen() {
        try (TwoStacks n = new TwoStacks(TcpConfig.DEFAULT, 0)) {
            TcpSocket x = n.a.tcp().open();
            TcpSocket y = n.b.tcp().open();
            List<Integer> ex = new ArrayList<>();
            x.setListener(ex::add);
            assertEquals(SocketError.OK, x.bind(new Endpoint(A_IP, 1000)));
            assertEquals(SocketError.OK, y.bind(new Endpoint(B_IP, 2000)));
            // Both connect before either stack runs: the SYNs cross.
            assertEquals(SocketError.IN_PROGRESS, x.connect(new Endpoint(B_IP, 2000), n.now()));
            assertEquals(SocketError.IN_PROGRESS, y.connect(new Endpoint(A_IP, 1000), n.now()));
            n.runUntil(() -> x.state() == TcpState.ESTABLISHED && y.state() == TcpState.ESTABLISHED, 10);
            assertTrue(ex.stream().anyMatch(e -> (e & SocketEvents.CONNECTED) != 0));
            assertEquals(5, x.send("hello".getBytes(), 0, 5, n.now()));
            byte[] buf = new byte[8];
            n.runUntil(() -> y.readableBytes() == 5, 10);
            assertEquals(5, y.receive(buf, 0, 8, n.now()));
            // And a simultaneous close, for good measure.
            x.close(n.now());
            y.close(n.now());
            n.runUntil(() -> x.state() == TcpState.CLOSED && y.state() == TcpState.CLOSED, 200);
            assertEquals(0, n.a.tcp().connectionCount());
            assertEquals(0, n.b.tcp().connectionCount());
        }
    }

    @Test
    void oneMegabyteArrivesByteExact() {
        transfer(0, 1 << 20, TcpConfig.DEFAULT);
    }

    @Test
    void oneMegabyteWithoutOptionsArrivesByteExact() {
        transfer(0, 1 << 20, TcpConfig.DEFAULT.withOptions(false, false, false).withBuffers(32 * 1024, 32 * 1024));
    }

    /** Every 37th frame lost in each direction: fast retransmit, NewReno recovery and RTOs repair it. */
    @Test
    void transferWithLossArrivesByteExact() {
        TwoStacks.LossyDevice[] loss = transfer(37, 512 * 1024, TcpConfig.DEFAULT);
        assertTrue(loss[0].dropped >= 5 && loss[1].dropped > 0, "frames were lost: " + loss[0].dropped);
    }

    @Test
    void transferWithHeavyLossAndNoSackArrivesByteExact() {
        transfer(7, 128 * 1024, TcpConfig.DEFAULT.withOptions(true, false, false));
    }

    /**
     * RFC 9293 3.4: sequence numbers wrap modulo 2^32. Both ISNs sit just below the wrap, so the
     * transfer (with loss, so retransmission, SACK and reassembly all see the wrap) crosses it.
     */
    @Test
    void rfc9293_3_4_transferAcrossTheSequenceNumberWrapArrivesByteExact() {
        isnForNextTransfer = (la, lp, ra, rp, now) -> 0xFFFF_0000;
        transfer(23, 512 * 1024, TcpConfig.DEFAULT);
    }

    /** When set, both stacks of the next transfer use this ISN generator. */
    private IsnGenerator isnForNextTransfer;

    private TwoStacks.LossyDevice[] transfer(int dropEvery, int size, TcpConfig config) {
        byte[] payload = new byte[size];
        new SplittableRandom(99).nextBytes(payload);
        try (TwoStacks n = new TwoStacks(config, dropEvery)) {
            if (isnForNextTransfer != null) {
                n.a.tcp().setIsnGenerator(isnForNextTransfer);
                n.b.tcp().setIsnGenerator(isnForNextTransfer);
            }
            TcpSocket server = n.b.tcp().open();
            assertEquals(SocketError.OK, server.bind(new Endpoint(Ipv4Address.ANY, 5001)));
            assertEquals(SocketError.OK, server.listen(4));
            TcpSocket client = n.a.tcp().open();
            assertEquals(SocketError.IN_PROGRESS, client.connect(new Endpoint(B_IP, 5001), n.now()));
            TcpSocket[] accepted = new TcpSocket[1];
            n.runUntil(() -> (accepted[0] = accepted[0] != null ? accepted[0] : server.accept()) != null
                    && client.state() == TcpState.ESTABLISHED, 60);
            TcpSocket conn = accepted[0];
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            byte[] buf = new byte[16 * 1024];
            int[] offset = {0};
            boolean[] eof = {false};
            boolean[] closed = {false};
            n.runUntil(() -> {
                if (offset[0] < size) {
                    int k = client.send(payload, offset[0], Math.min(size - offset[0], 64 * 1024), n.now());
                    if (k > 0) {
                        offset[0] += k;
                    } else {
                        assertEquals(SocketError.WOULD_BLOCK, client.lastError());
                    }
                } else if (!closed[0]) {
                    client.close(n.now());
                    closed[0] = true;
                }
                while (!eof[0]) {
                    int k = conn.receive(buf, 0, buf.length, n.now());
                    if (k > 0) {
                        received.write(buf, 0, k);
                    } else if (k == 0) {
                        eof[0] = true;
                        conn.close(n.now());
                    } else {
                        assertEquals(SocketError.WOULD_BLOCK, conn.lastError());
                        break;
                    }
                }
                return eof[0] && client.state() == TcpState.CLOSED;
            }, 600);
            assertArrayEquals(payload, received.toByteArray());
            TcpInfo info = conn.info(n.now());
            assertNotNull(info);
            server.close(n.now());
            n.runUntil(() -> n.a.tcp().connectionCount() == 0 && n.b.tcp().connectionCount() == 0, 200);
            assertEquals(0, n.a.tcp().boundSocketCount());
            assertEquals(0, n.b.tcp().boundSocketCount());
            if (dropEvery > 0) {
                assertTrue(n.a.counters().get("tcp.retrans_segs") > 0);
            } else {
                assertEquals(0, n.a.counters().get("tcp.retrans_segs"));
            }
            return new TwoStacks.LossyDevice[] {n.lossA, n.lossB};
        }
    }
}
