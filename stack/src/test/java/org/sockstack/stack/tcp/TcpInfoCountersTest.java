package org.sockstack.stack.tcp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.tcp.TcpTestHost.Sent;
import org.sockstack.stack.wire.TcpSegment;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.stack.tcp.Established.bytes;
import static org.sockstack.stack.wire.TcpSegment.ACK;
import static org.sockstack.stack.wire.TcpSegment.PSH;

/** The per-connection counters of {@link TcpInfo} (what SIO_TCP_INFO reports). */
class TcpInfoCountersTest {
    TcpTestHost h = new TcpTestHost();

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void dupAcksFastRetransmitAndOctetCounts() {
        Established e = new Established(h);
        e.socket.send(bytes(1460 * 8, 1), 0, 1460 * 8, h.now());
        List<Sent> flight = h.sent();
        for (int i = 0; i < 3; i++) {
            e.send(ACK, null); // RFC 5681 section 2: duplicate ACKs
        }
        assertEquals(1, h.sent().size(), "the fast retransmission");
        TcpInfo i = e.socket.info(h.now());
        assertEquals(3, i.dupAcksIn());
        assertEquals(1, i.fastRetransmits());
        assertEquals(1460, i.bytesRetransmitted());
        assertEquals(9 * 1460, i.bytesOut(), "eight segments and the retransmission");
        assertEquals(0, i.timeoutEpisodes());
        e.ackAll(flight);

        e.send(ACK | PSH, bytes(100, 2));
        e.send(ACK | PSH, bytes(50, 3));
        assertEquals(150, e.socket.info(h.now()).bytesIn());
    }

    @Test
    void aRunOfTimeoutsIsOneEpisode() {
        Established e = new Established(h);
        e.socket.setNoDelay(true);
        e.socket.send(bytes(1460, 5), 0, 1460, h.now());
        List<Sent> flight = h.sent();
        h.advance(200);
        assertEquals(1, h.sent().size(), "first timeout");
        h.advance(400);
        assertEquals(1, h.sent().size(), "second timeout, backed off");
        TcpInfo i = e.socket.info(h.now());
        assertEquals(1, i.timeoutEpisodes());
        assertEquals(2 * 1460, i.bytesRetransmitted());
        e.ackAll(flight);

        e.socket.send(bytes(1460, 6), 0, 1460, h.now());
        h.sent();
        h.advance(1000);
        assertTrue(!h.sent().isEmpty());
        assertEquals(2, e.socket.info(h.now()).timeoutEpisodes(), "new data acknowledged ended the first");
        assertTrue(e.socket.info(h.now()).minRtt() >= 0);
    }

    @Test
    void synRetransmissionsAreCounted() {
        TcpSocket c = h.tcp.open();
        c.connect(TcpTestHost.peer(Established.PORT), h.now());
        h.run();
        assertEquals(TcpSegment.SYN, h.one().h().flags());
        h.advance(1000);
        assertEquals(TcpSegment.SYN, h.one().h().flags());
        TcpInfo i = c.info(h.now());
        assertEquals(1, i.synRetransmits());
        assertEquals(1, i.timeoutEpisodes());
        assertEquals(0, i.bytesOut(), "a SYN carries no data");
    }
}
