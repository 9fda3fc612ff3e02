package org.sockstack.stack.ipv6;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.Stack;
import org.sockstack.stack.StackConfig;
import org.sockstack.stack.device.ChannelDevice;
import org.sockstack.stack.iface.NetworkInterface;
import org.sockstack.stack.loop.EventLoop;
import org.sockstack.stack.loop.ManualClock;
import org.sockstack.stack.ndp.NdpConfig;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.tcp.TcpConfig;
import org.sockstack.stack.tcp.TcpInfo;
import org.sockstack.stack.tcp.TcpSocket;
import org.sockstack.stack.tcp.TcpState;
import org.sockstack.stack.wire.Ipv6Address;
import org.sockstack.stack.wire.MacAddress;

import java.io.ByteArrayOutputStream;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TCP over IPv6 (RFC 9293, RFC 8200 section 8) between two stacks joined by a channel pair on
 * one manual clock: handshake, MSS = MTU - 60, a 1 MB transfer byte-exact, and a path MTU
 * lowered mid-transfer (RFC 8201) making the source fragment.
 */
class TcpOverIpv6Test {
    static final Ipv6Address A = Ipv6Address.parse("2001:db8::1");
    static final Ipv6Address B = Ipv6Address.parse("2001:db8::2");

    private final ManualClock clock = new ManualClock();
    private final EventLoop loopA = new EventLoop("a", clock);
    private final EventLoop loopB = new EventLoop("b", clock);
    private Stack a;
    private Stack b;
    private ChannelDevice devA;
    private ChannelDevice devB;

    @BeforeEach
    void setUp() {
        a = new Stack(loopA, StackConfig.defaults("a").withSeed(1), TcpConfig.DEFAULT);
        b = new Stack(loopB, StackConfig.defaults("b").withSeed(2), TcpConfig.DEFAULT);
        devA = new ChannelDevice("a0", MacAddress.parse("02:00:00:00:00:0a"), 1500);
        devB = new ChannelDevice("b0", MacAddress.parse("02:00:00:00:00:0b"), 1500);
        ChannelDevice.pair(devA, devB);
        NdpConfig ndp = NdpConfig.DEFAULT.withRouterSolicitations(false);
        a.setNdpConfig(ndp);
        b.setNdpConfig(ndp);
        NetworkInterface ia = a.addInterface(devA);
        NetworkInterface ib = b.addInterface(devB);
        a.addIpv6Address(ia, A, 64);
        b.addIpv6Address(ib, B, 64);
        // RFC 4862 5.4: the addresses are usable once DAD has passed (about a second).
        runUntil(() -> ia.hasIpv6(A) && ib.hasIpv6(B), 10);
    }

    @AfterEach
    void tearDown() {
        devA.close();
        devB.close();
    }

    @Test
    void rfc8200_8_oneMegabyteArrivesByteExactWithMssOfMtuMinus60() {
        byte[] payload = payload(1 << 20);
        TcpSocket[] pair = connect();
        TcpInfo info = pair[0].info(clock.nanos());
        assertEquals(1500 - 60, info.receiveMss(), "RFC 8200 8.3: MSS = MTU - 40 - 20");
        assertEquals(new Endpoint(A, info.local().port()), info.local());
        assertArrayEquals(payload, transfer(pair[0], pair[1], payload, null));
        assertEquals(0, a.counters().get("ipv6.tx.fragments"), "segments fit the path");
    }

    /**
     * RFC 8201 section 4: after the path MTU to B drops to 1280 (as a Packet Too Big would do it),
     * the connection's full-sized segments are fragmented at the source; every byte still arrives.
     */
    @Test
    void rfc8201_4_lowerPathMtuMidTransferFragmentsAtTheSource() {
        byte[] payload = payload(256 * 1024);
        TcpSocket[] pair = connect();
        boolean[] lowered = {false};
        byte[] got = transfer(pair[0], pair[1], payload, sent -> {
            if (!lowered[0] && sent > 64 * 1024) {
                a.ipv6().updatePathMtu(B, 1280, clock.nanos());
                lowered[0] = true;
            }
        });
        assertArrayEquals(payload, got);
        assertTrue(a.counters().get("ipv6.tx.fragments") > 0, "fragmented after the drop");
        assertEquals(1280, a.ipv6().pathMtu(B, clock.nanos()));
    }

    /** RFC 9293 3.10.7.1: a SYN to a closed port over IPv6 is refused with a RST. */
    @Test
    void rfc9293_3_10_7_1_closedPortRefusesOverIpv6() {
        TcpSocket c = a.tcp().open();
        assertEquals(SocketError.IN_PROGRESS, c.connect(new Endpoint(B, 7777), clock.nanos()));
        runUntil(() -> c.state() == TcpState.CLOSED, 10);
        assertEquals(SocketError.CONNECTION_REFUSED, c.error());
    }

    // ------------------------------------------------------------------ helpers

    private TcpSocket[] connect() {
        TcpSocket server = b.tcp().open();
        assertEquals(SocketError.OK, server.bind(new Endpoint(Ipv6Address.UNSPECIFIED, 5001)));
        assertEquals(SocketError.OK, server.listen(4));
        TcpSocket client = a.tcp().open();
        assertEquals(SocketError.IN_PROGRESS, client.connect(new Endpoint(B, 5001), clock.nanos()));
        TcpSocket[] accepted = new TcpSocket[1];
        runUntil(() -> (accepted[0] = accepted[0] != null ? accepted[0] : server.accept()) != null
                && client.state() == TcpState.ESTABLISHED, 30);
        return new TcpSocket[] {client, accepted[0]};
    }

    private byte[] transfer(TcpSocket client, TcpSocket conn, byte[] payload, java.util.function.IntConsumer progress) {
        int size = payload.length;
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buf = new byte[16 * 1024];
        int[] offset = {0};
        boolean[] eof = {false};
        boolean[] closed = {false};
        runUntil(() -> {
            if (offset[0] < size) {
                int k = client.send(payload, offset[0], Math.min(size - offset[0], 64 * 1024), clock.nanos());
                if (k > 0) {
                    offset[0] += k;
                    if (progress != null) {
                        progress.accept(offset[0]);
                    }
                }
            } else if (!closed[0]) {
                client.close(clock.nanos());
                closed[0] = true;
            }
            while (!eof[0]) {
                int k = conn.receive(buf, 0, buf.length, clock.nanos());
                if (k > 0) {
                    received.write(buf, 0, k);
                } else if (k == 0) {
                    eof[0] = true;
                    conn.close(clock.nanos());
                } else {
                    break;
                }
            }
            return eof[0];
        }, 600);
        return received.toByteArray();
    }

    private static byte[] payload(int size) {
        byte[] p = new byte[size];
        new SplittableRandom(7).nextBytes(p);
        return p;
    }

    private void runIdle() {
        int n;
        do {
            n = loopA.runUntilIdle() + loopB.runUntilIdle();
        } while (n > 0);
    }

    private void runUntil(BooleanSupplier done, long maxSeconds) {
        long limit = clock.nanos() + maxSeconds * 1_000_000_000L;
        while (true) {
            runIdle();
            if (done.getAsBoolean()) {
                return;
            }
            long next = Math.min(loopA.nextDeadline(clock.nanos()), loopB.nextDeadline(clock.nanos()));
            if (next == Long.MAX_VALUE || next > limit) {
                throw new AssertionError("stuck at " + clock + ": " + a.tcp().connections(clock.nanos()) + " / "
                        + b.tcp().connections(clock.nanos()));
            }
            clock.advanceTo(Math.max(next, clock.nanos()));
        }
    }
}
