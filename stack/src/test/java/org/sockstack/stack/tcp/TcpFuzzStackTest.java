package org.sockstack.stack.tcp;

import org.junit.jupiter.api.Test;
import org.sockstack.stack.wire.TcpOptions;
import org.sockstack.stack.wire.TcpOptions.SackBlock;
import org.sockstack.stack.wire.TcpOptions.Timestamps;
import org.sockstack.stack.wire.TcpRepr;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random segments (near-valid and wild) into a stack with a listener and an established
 * connection: nothing throws, tables stay bounded, and after closing everything nothing is left
 * (connections, bindings, timers; buffers are checked by the leak detector).
 */
class TcpFuzzStackTest {

    @Test
    void randomSegmentsNeverThrowOrLeak() {
        SplittableRandom rnd = new SplittableRandom(2024);
        try (TcpTestHost h = new TcpTestHost(TcpConfig.DEFAULT.withChallengeAckLimit(100_000))) {
            Established e = new Established(h, 65535, 1460, true);
            e.socket.send(Established.bytes(50_000, 3), 0, 50_000, h.now());
            List<TcpSocket> accepted = new ArrayList<>();
            byte[] sink = new byte[4096];
            for (int i = 0; i < 10_000; i++) {
                TcpRepr r = randomSegment(rnd, e);
                byte[] data = rnd.nextInt(4) == 0 ? Established.bytes(rnd.nextInt(1, 1400), i) : null;
                if (data != null) {
                    r = new TcpRepr(r.srcPort(), r.dstPort(), r.seqNumber(), r.ackNumber(), r.flags(), r.window(),
                            r.urgentPointer(), r.options(), data.length);
                }
                h.inject(r, data);
                if (i % 50 == 0) {
                    h.advance(rnd.nextInt(1, 500));
                    h.sent();
                    TcpSocket s;
                    while ((s = e.listener.accept()) != null) {
                        accepted.add(s);
                    }
                    if (e.socket.state() != TcpState.CLOSED) {
                        e.socket.receive(sink, 0, sink.length, h.now());
                    }
                }
                assertTrue(h.tcp.connectionCount() < 200, "bounded by the backlog");
            }
            h.sent();
            for (TcpSocket s : accepted) {
                s.abort(h.now());
            }
            e.socket.abort(h.now());
            e.listener.close(h.now());
            h.advance(300_000);
            h.sent();
            assertEquals(0, h.tcp.connectionCount());
            assertEquals(0, h.tcp.boundSocketCount());
            assertTrue(h.counter("tcp.segs_in") >= 10_000);
        }
    }

    private static TcpRepr randomSegment(SplittableRandom rnd, Established e) {
        int srcPort = switch (rnd.nextInt(4)) {
            case 0 -> rnd.nextInt(1, 65536);
            default -> Established.PEER_PORT + rnd.nextInt(3);
        };
        int dstPort = rnd.nextInt(8) == 0 ? rnd.nextInt(1, 65536) : Established.PORT;
        int seq = switch (rnd.nextInt(3)) {
            case 0 -> rnd.nextInt();
            default -> e.peerSeq + rnd.nextInt(-3000, 70_000);
        };
        int ack = switch (rnd.nextInt(3)) {
            case 0 -> rnd.nextInt();
            default -> TcpTestHost.ISS + rnd.nextInt(-2000, 60_000);
        };
        int flags = rnd.nextInt(256);
        if (rnd.nextInt(3) > 0) {
            flags &= ~0x06;   // mostly no SYN/RST, so data paths get exercised
            flags |= 0x10;
        }
        TcpOptions opts;
        int tsVal = e.tsVal + rnd.nextInt(-50, 1000);
        if ((flags & 0x02) != 0) {
            opts = TcpOptions.syn(rnd.nextInt(0, 65536), rnd.nextInt(-1, 20), rnd.nextBoolean(),
                    rnd.nextBoolean() ? new Timestamps(tsVal, rnd.nextInt()) : null);
        } else if (rnd.nextBoolean()) {
            List<SackBlock> sack = new ArrayList<>();
            for (int k = rnd.nextInt(0, 4); k > 0; k--) {
                sack.add(new SackBlock(rnd.nextInt(), rnd.nextInt()));
            }
            opts = TcpOptions.data(rnd.nextInt(5) > 0 ? new Timestamps(tsVal, rnd.nextInt()) : null, sack);
        } else {
            opts = TcpOptions.NONE;
        }
        return new TcpRepr(srcPort, dstPort, seq, ack, flags, rnd.nextInt(65536), rnd.nextInt(65536), opts, 0);
    }
}
