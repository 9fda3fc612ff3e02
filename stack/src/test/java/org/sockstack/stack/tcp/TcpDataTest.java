package org.sockstack.stack.tcp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.socket.SocketEvents;
import org.sockstack.stack.tcp.TcpTestHost.Sent;
import org.sockstack.stack.wire.TcpOptions.SackBlock;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.stack.tcp.Established.bytes;
import static org.sockstack.stack.tcp.TcpTestHost.ISS;
import static org.sockstack.stack.wire.TcpSegment.ACK;
import static org.sockstack.stack.wire.TcpSegment.PSH;

/** Data transfer against a crafted peer: ACK generation, segmentation, Nagle, timers (RFC 9293 3.7-3.8, RFC 5681, RFC 6298). */
class TcpDataTest {
    private TcpTestHost h = new TcpTestHost();

    @AfterEach
    void tearDown() {
        h.close();
    }

    /** RFC 9293 3.8.6.3 / RFC 5681 4.2: one segment's ACK waits for the delayed-ACK timer (40 ms). */
    @Test
    void rfc5681_4_2_delayedAckTiming() {
        Established e = new Established(h);
        e.send(ACK | PSH, bytes(100, 1));
        assertTrue(h.sent().isEmpty());
        h.advance(39);
        assertTrue(h.sent().isEmpty());
        h.advance(1);
        Sent ack = h.one();
        assertEquals(e.peerSeq, ack.ack());
        assertEquals(1, h.counter("tcp.delayed_acks"));
    }

    /** RFC 5681 4.2: an ACK for at least every second full-sized segment, at once. */
    @Test
    void rfc5681_4_2_ackEverySecondFullSegment() {
        Established e = new Established(h);
        e.send(ACK, bytes(1460, 1));
        assertTrue(h.sent().isEmpty());
        e.send(ACK, bytes(1460, 2));
        Sent ack = h.one();
        assertEquals(e.peerSeq, ack.ack());
        byte[] got = new byte[4000];
        assertEquals(2920, e.socket.receive(got, 0, got.length, h.now()));
    }

    /** RFC 5681 4.2 and RFC 2018 4: out-of-order data is ACKed at once with SACK blocks, most recent first. */
    @Test
    void rfc2018_4_outOfOrderDataGetsImmediateSackAndHoleFillAcksAll() {
        Established e = new Established(h, 65535, 1460, true);
        int base = e.peerSeq;
        e.sendRaw(base + 1000, e.peerAck, ACK, bytes(500, 2));
        Sent a1 = h.one();
        assertEquals(base, a1.ack());
        assertEquals(List.of(new SackBlock(base + 1000, base + 1500)), a1.h().options().sackBlocks());
        e.sendRaw(base + 2000, e.peerAck, ACK, bytes(500, 3));
        Sent a2 = h.one();
        assertEquals(List.of(new SackBlock(base + 2000, base + 2500), new SackBlock(base + 1000, base + 1500)),
                a2.h().options().sackBlocks(), "RFC 2018 4: the most recent block first");
        assertEquals(0, e.socket.readableBytes());
        // Fill the first hole: immediate ACK up to the next hole, one block left.
        e.sendRaw(base, e.peerAck, ACK, bytes(1000, 1));
        Sent a3 = h.one();
        assertEquals(base + 1500, a3.ack());
        assertEquals(List.of(new SackBlock(base + 2000, base + 2500)), a3.h().options().sackBlocks());
        e.sendRaw(base + 1500, e.peerAck, ACK, bytes(500, 4));
        Sent a4 = h.one();
        assertEquals(base + 2500, a4.ack());
        assertTrue(a4.h().options().sackBlocks().isEmpty());
        byte[] got = new byte[3000];
        assertEquals(2500, e.socket.receive(got, 0, got.length, h.now()));
        ByteArrayOutputStream want = new ByteArrayOutputStream();
        want.writeBytes(bytes(1000, 1));
        want.writeBytes(bytes(500, 2));
        want.writeBytes(bytes(500, 4));
        want.writeBytes(bytes(500, 3));
        byte[] w = want.toByteArray();
        byte[] g = new byte[2500];
        System.arraycopy(got, 0, g, 0, 2500);
        assertArrayEquals(w, g);
    }

    /** RFC 9293 3.7.1 / RFC 6691: data is cut into segments of the peer's MSS (536 here). */
    @Test
    void rfc9293_3_7_1_segmentationByMss() {
        Established e = new Established(h, 65535, 536, false);
        e.socket.setNoDelay(true);
        assertEquals(2000, e.socket.send(bytes(2000, 9), 0, 2000, h.now()));
        List<Sent> segs = h.sent();
        assertEquals(List.of(536, 536, 536, 392), segs.stream().map(s -> s.data().length).toList());
        assertEquals(ISS + 1, segs.get(0).seq());
        assertEquals(ISS + 1 + 536, segs.get(1).seq());
        assertEquals(PSH | ACK, segs.get(3).h().flags(), "PSH on the segment that empties the buffer");
    }

    /** RFC 9293 3.7.4 (Nagle): small segments wait while data is unacknowledged; NODELAY turns it off. */
    @Test
    void rfc9293_3_7_4_nagle() {
        Established e = new Established(h);
        e.socket.send(new byte[] {1}, 0, 1, h.now());
        Sent first = h.one();
        e.socket.send(new byte[] {2}, 0, 1, h.now());
        e.socket.send(new byte[] {3}, 0, 1, h.now());
        assertTrue(h.sent().isEmpty(), "held by Nagle");
        e.ackAll(List.of(first));
        Sent coalesced = h.one();
        assertArrayEquals(new byte[] {2, 3}, coalesced.data());
        e.socket.setNoDelay(true);
        e.socket.send(new byte[] {4}, 0, 1, h.now());
        assertArrayEquals(new byte[] {4}, h.one().data(), "no delay with TCP_NODELAY");
    }

    /** RFC 6298 2.x, 5.5, 5.7: RTO from the handshake sample (200 ms floor), doubling, then TIMED_OUT. */
    @Test
    void rfc6298_retransmissionBackoffAndGiveUp() {
        h.close();
        h = new TcpTestHost(TcpConfig.DEFAULT.withRetries(6, 3));
        Established e = new Established(h);
        List<Integer> events = new ArrayList<>();
        e.socket.setListener(events::add);
        e.socket.send(bytes(100, 5), 0, 100, h.now());
        Sent original = h.one();
        long[] gaps = {200, 400, 800};
        for (long gap : gaps) {
            h.advance(gap - 1);
            assertTrue(h.sent().isEmpty(), "nothing before " + gap);
            h.advance(1);
            Sent r = h.one();
            assertEquals(original.seq(), r.seq());
            assertArrayEquals(original.data(), r.data());
        }
        assertEquals(3, h.counter("tcp.retrans_segs"));
        h.advance(1600);
        assertEquals(TcpState.CLOSED, e.socket.state());
        assertEquals(SocketError.TIMED_OUT, e.socket.error());
        assertTrue(events.stream().anyMatch(x -> (x & SocketEvents.ERROR) != 0));
    }

    /**
     * RFC 9293 3.10.7.4: an unacceptable segment is answered with an ACK and dropped unread. After
     * a timeout has rewound SND.NXT, that ACK must still be acceptable to a peer that holds all we
     * sent (only its ACKs were lost): it carries SND.MAX, not SND.NXT. With SND.NXT the two ends
     * drop each other's ACKs and stall in back-off (seen against the kernel on a lossy path).
     */
    @Test
    void rfc9293_3_10_7_4_ackAfterTimeoutCarriesSndMax() {
        Established e = new Established(h);
        e.socket.setNoDelay(true);
        e.socket.send(bytes(2 * 1460, 5), 0, 2 * 1460, h.now());
        List<Sent> flight = h.sent();
        assertEquals(2, flight.size(), "two full segments");
        int sndMax = flight.get(1).seq() + 1460;
        h.advance(200);
        Sent rexmit = h.one();
        assertEquals(flight.get(0).seq(), rexmit.seq(), "timeout retransmits from SND.UNA");
        assertEquals(1460, rexmit.data().length, "one segment: the window after a timeout (RFC 5681 3.1)");
        // The peer's old data segment, already received: a duplicate left of our window.
        e.sendRaw(e.peerSeq - 1, flight.get(0).seq(), ACK, new byte[] {7});
        Sent ack = h.one();
        assertTrue(ack.is(ACK) && ack.data().length == 0, ack.toString());
        assertEquals(sndMax, ack.seq(), "SEQ=SND.MAX, inside the peer's window");
        assertEquals(e.peerSeq, ack.ack());
    }

    /**
     * RFC 7661 (congestion window validation): a sender limited by the peer's receive window, not
     * by cwnd, has not shown that the network carries a larger cwnd, so cwnd must not keep
     * growing. Here an 8 KiB peer window and 400 KiB of data: cwnd stays near what was used.
     */
    @Test
    void rfc7661_cwndDoesNotGrowWhileReceiveWindowLimited() {
        Established e = new Established(h, 8192, 1460, false);
        e.socket.setNoDelay(true);
        byte[] chunk = bytes(8192, 3);
        for (int round = 0; round < 50; round++) {
            e.socket.send(chunk, 0, chunk.length, h.now());
            List<Sent> sent = h.sent();
            assertFalse(sent.isEmpty(), "round " + round);
            h.advance(10);
            e.ackAll(sent);
        }
        int cwnd = e.socket.info(h.now()).cwnd();
        assertTrue(cwnd <= 2 * 8192 + 2 * 1460, "cwnd " + cwnd + " stays within twice the flight the window allowed");
    }

    /**
     * RFC 7323 section 5.4: TSvals must not decrease, or the peer's PAWS test (5.3) drops the
     * later segment as an old duplicate. Callers pass the {@code now} of their own moment, so a
     * segment may be built with an earlier {@code now} than the one before it (an application
     * call on one side of a millisecond, the loop's iteration on the other): seen as PAWS drops
     * and retransmissions between two stacks on real clocks.
     */
    @Test
    void rfc7323_5_4_tsvalNeverDecreases() {
        Established e = new Established(h, 65535, 1460, true);
        e.socket.setNoDelay(true);
        h.advance(10);
        e.socket.send(bytes(10, 1), 0, 10, h.now());
        int first = h.one().h().options().tsVal();
        e.socket.send(bytes(10, 2), 0, 10, h.now() - 5_000_000);   // built with a now 5 ms older
        int second = h.one().h().options().tsVal();
        assertTrue(second - first >= 0, "TSval went back from " + first + " to " + second);
    }

    /** An ACK of new data restarts the timer and resets the backoff (RFC 6298 5.3). */
    @Test
    void rfc6298_5_3_ackRestartsTimer() {
        Established e = new Established(h);
        e.socket.setNoDelay(true);
        e.socket.send(bytes(100, 5), 0, 100, h.now());
        Sent a = h.one();
        h.advance(150);
        e.socket.send(bytes(100, 6), 0, 100, h.now());
        Sent b = h.one();
        e.ackAll(List.of(a));
        h.advance(199);
        assertTrue(h.sent().isEmpty(), "timer restarted at the ACK");
        h.advance(1);
        assertEquals(b.seq(), h.one().seq());
    }

    /** RFC 9293 3.8.6.1: a zero window is probed with one octet, at growing intervals; data flows when it opens. */
    @Test
    void rfc9293_3_8_6_1_zeroWindowProbe() {
        Established e = new Established(h);
        e.peerWindow = 0;
        e.send(ACK, null);
        assertEquals(0, e.socket.info(h.now()).sndWnd());
        e.socket.send(bytes(100, 7), 0, 100, h.now());
        assertTrue(h.sent().isEmpty(), "window closed");
        h.advance(200);
        Sent p1 = h.one();
        assertEquals(1, p1.data().length);
        assertEquals(ISS + 1, p1.seq());
        h.advance(399);
        assertTrue(h.sent().isEmpty());
        h.advance(1);
        assertEquals(1, h.one().data().length, "second probe after a doubled interval");
        // The receiver still has no room: it ACKs without taking the octet.
        e.send(ACK, null);
        assertEquals(TcpState.ESTABLISHED, e.socket.state());
        assertEquals(2, h.counter("tcp.zero_window_probes"));
        e.peerWindow = 65535;
        e.send(ACK, null);
        List<Sent> data = h.sent();
        assertEquals(1, data.size());
        assertEquals(100, data.get(0).data().length);
        assertEquals(ISS + 1, data.get(0).seq());
    }

    /**
     * RFC 9293 3.8.6.2.1 / RFC 1122 4.2.2.16: a receiver that shrinks its window (moves the right
     * edge left) is tolerated: nothing new is sent past the new edge, nothing is lost, and data
     * flows again when the window reopens.
     */
    @Test
    void rfc1122_4_2_2_16_shrinkingWindowIsTolerated() {
        Established e = new Established(h);
        byte[] data = bytes(1460 * 10, 3);
        e.socket.send(data, 0, data.length, h.now());
        List<Sent> first = h.sent();
        int sentEnd = first.get(first.size() - 1).seq() + first.get(first.size() - 1).data().length;
        // ACK two segments but offer only one more: the right edge moves left of what is in flight.
        e.peerAck = ISS + 1 + 2 * 1460;
        e.peerWindow = 1460;
        e.send(ACK, null);
        int rightEdge = e.peerAck + 1460;
        assertTrue(rightEdge - sentEnd < 0, "the window really shrank");
        e.socket.send(bytes(1460, 4), 0, 1460, h.now());
        for (Sent s : h.sent()) {
            assertTrue(s.seq() + s.data().length - rightEdge <= 0 || s.seq() - sentEnd < 0,
                    "nothing new beyond the shrunken window: " + s);
        }
        assertEquals(TcpState.ESTABLISHED, e.socket.state());
        // The window reopens and everything is acknowledged: the rest flows, nothing was dropped.
        e.peerWindow = 65535;
        e.peerAck = sentEnd;
        e.send(ACK, null);
        List<Sent> rest = h.sent();
        assertTrue(rest.stream().anyMatch(s -> s.seq() == sentEnd && s.data().length == 1460), "new data follows: " + rest);
        assertEquals(TcpState.ESTABLISHED, e.socket.state());
    }

    /** RFC 5681 3.2 / RFC 6582: three duplicate ACKs trigger a fast retransmit of the first segment. */
    @Test
    void rfc5681_3_2_fastRetransmitOnThreeDupAcks() {
        Established e = new Established(h);
        e.socket.send(bytes(1460 * 8, 1), 0, 1460 * 8, h.now());
        List<Sent> flight = h.sent();
        assertEquals(8, flight.size(), "RFC 6928 initial window covers 8 segments");
        for (int i = 0; i < 3; i++) {
            e.send(ACK, null);   // duplicate ACKs: ack stays at ISS+1
        }
        List<Sent> out = h.sent();
        assertEquals(1, out.size());
        assertEquals(ISS + 1, out.get(0).seq());
        assertEquals(1460, out.get(0).data().length);
        assertEquals(1, h.counter("tcp.fast_retransmits"));
        assertTrue(e.socket.info(h.now()).inRecovery());
        e.ackAll(flight);
        assertTrue(!e.socket.info(h.now()).inRecovery(), "a full ACK ends recovery");
    }

    /** Window updates (RFC 9293 3.8.6.2.2): a full buffer closes the window; reading reopens it with an ACK. */
    @Test
    void rfc9293_3_8_6_2_2_windowUpdateAfterRead() {
        h.close();
        h = new TcpTestHost(TcpConfig.DEFAULT.withBuffers(64 * 1024, 8192).withOptions(false, false, false));
        Established e = new Established(h);
        for (int i = 0; i < 8; i++) {
            e.send(ACK, bytes(1024, i));
        }
        h.advance(40);
        List<Sent> acks = h.sent();
        Sent last = acks.get(acks.size() - 1);
        assertEquals(e.peerSeq, last.ack());
        assertEquals(0, last.h().window(), "buffer full: zero window");
        byte[] got = new byte[8192];
        assertEquals(8192, e.socket.receive(got, 0, got.length, h.now()));
        Sent update = h.one();
        assertEquals(8192, update.h().window());
    }

    /**
     * The window update after a read waits for the end of the batch, so an answer the application
     * sends in the same batch carries it: one segment, not a pure ACK followed by the data.
     */
    @Test
    void windowUpdateRidesOnTheAnswerSentInTheSameBatch() {
        h.close();
        h = new TcpTestHost(TcpConfig.DEFAULT.withBuffers(64 * 1024, 8192).withOptions(false, false, false));
        Established e = new Established(h);
        for (int i = 0; i < 8; i++) {
            e.send(ACK, bytes(1024, i));
        }
        h.advance(40);
        List<Sent> acks = h.sent();
        assertEquals(0, acks.get(acks.size() - 1).h().window(), "buffer full: zero window");
        byte[] got = new byte[8192];
        assertEquals(8192, e.socket.receive(got, 0, got.length, h.now()));
        assertEquals(10, e.socket.send(bytes(10, 9), 0, 10, h.now()));
        Sent answer = h.one();
        assertEquals(10, answer.data().length);
        assertEquals(8192, answer.h().window(), "the answer carries the reopened window");
        assertEquals(e.peerSeq, answer.ack());
    }
}
