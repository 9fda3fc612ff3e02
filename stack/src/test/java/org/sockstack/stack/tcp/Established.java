package org.sockstack.stack.tcp;

import org.sockstack.stack.tcp.TcpTestHost.Sent;
import org.sockstack.stack.wire.TcpOptions;
import org.sockstack.stack.wire.TcpOptions.Timestamps;
import org.sockstack.stack.wire.TcpRepr;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.sockstack.stack.tcp.TcpTestHost.ISS;
import static org.sockstack.stack.wire.TcpSegment.ACK;
import static org.sockstack.stack.wire.TcpSegment.SYN;

/**
 * A fixture: a connection accepted on port 80 from the crafted peer 192.0.2.1:40000, the peer's
 * ISS 5000, our ISS 1000. It tracks the peer's next sequence number and, with timestamps, the
 * peer's clock, so tests can inject the next segment with {@link #send}.
 */
final class Established {
    static final int PORT = 80;
    static final int PEER_PORT = 40_000;
    static final int PEER_ISS = 5_000;

    final TcpTestHost h;
    final TcpSocket listener;
    final TcpSocket socket;
    final boolean timestamps;
    /** The peer's SND.NXT. */
    int peerSeq = PEER_ISS + 1;
    /** What the peer acknowledges of ours. */
    int peerAck = ISS + 1;
    int peerWindow;
    int tsVal = 100;
    int tsEcr;

    /** Handshake with the given peer window and MSS; timestamps on the SYN if asked. */
    Established(TcpTestHost h, int window, int mss, boolean timestamps) {
        this.h = h;
        this.timestamps = timestamps;
        this.peerWindow = window;
        listener = TcpHandshakeTest.listen(h, PORT);
        TcpOptions syn = TcpOptions.syn(mss, -1, timestamps, timestamps ? new Timestamps(tsVal, 0) : null);
        h.inject(PEER_PORT, PORT, PEER_ISS, 0, SYN, Math.min(window, 0xFFFF), syn, null);
        Sent synAck = h.one();
        if (timestamps) {
            tsEcr = synAck.h().options().timestamps().tsVal();
        }
        send(ACK, null);
        socket = listener.accept();
        assertNotNull(socket);
        assertEquals(TcpState.ESTABLISHED, socket.state());
    }

    Established(TcpTestHost h) {
        this(h, 65535, 1460, false);
    }

    TcpOptions options() {
        return timestamps ? TcpOptions.data(new Timestamps(tsVal, tsEcr), List.of()) : TcpOptions.NONE;
    }

    /** Injects a segment at the peer's next sequence number; advances it by SEG.LEN. */
    void send(int flags, byte[] data) {
        TcpRepr r = new TcpRepr(PEER_PORT, PORT, peerSeq, peerAck, flags, peerWindow, 0, options(),
                data == null ? 0 : data.length);
        h.inject(r, data);
        peerSeq += r.segLen();
    }

    /** As the peer: an ACK of {@code ack} carrying SACK blocks (RFC 2018), in the given order. */
    void sack(int ack, org.sockstack.stack.wire.TcpOptions.SackBlock... blocks) {
        TcpOptions o = TcpOptions.data(timestamps ? new Timestamps(tsVal, tsEcr) : null, List.of(blocks));
        h.inject(new TcpRepr(PEER_PORT, PORT, peerSeq, ack, ACK, peerWindow, 0, o, 0), null);
    }

    /** Injects a segment with explicit sequence and ack numbers (the peer's state is untouched). */
    void sendRaw(int seq, int ack, int flags, byte[] data) {
        h.inject(new TcpRepr(PEER_PORT, PORT, seq, ack, flags, peerWindow, 0, options(), data == null ? 0 : data.length),
                data);
    }

    /** Acknowledges everything the stack sent so far, as the peer. */
    void ackAll(List<Sent> sent) {
        for (Sent s : sent) {
            int end = s.seq() + s.h().segLen();
            if (end - peerAck > 0) {
                peerAck = end;
            }
            if (s.h().options().timestamps() != null) {
                tsEcr = s.h().options().timestamps().tsVal();
            }
        }
        send(ACK, null);
    }

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }
}
