package org.sockstack.stack.tcp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.socket.SocketError;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.sockstack.stack.tcp.Established.bytes;

/** RFC 1122 4.2.3.5: R2 given as a time per socket (Winsock's TCP_MAXRT) instead of a retry count. */
class TcpMaxRetransmitTimeTest {
    private static final long MS = 1_000_000L;
    private TcpTestHost h = new TcpTestHost(TcpConfig.DEFAULT.withRetries(6, 3));

    @AfterEach
    void tearDown() {
        h.close();
    }

    /**
     * Timeouts at 200, 600, 1400 ms (RTO 200 ms doubling). With R2 = 1 s counted from the first
     * retransmission (at 200 ms) the connection is still retrying at 600 ms and gives up at the
     * timeout at 1400 ms (1200 ms after the first), TIMED_OUT.
     */
    @Test
    void rfc1122_4_2_3_5_r2AsATimeGivesUpAfterThatLong() {
        Established e = new Established(h);
        e.socket.setMaxRetransmitTime(1000 * MS);
        e.socket.send(bytes(100, 5), 0, 100, h.now());
        h.one();
        h.advance(1399);
        assertEquals(2, h.sent().size(), "retransmissions at 200 and 600 ms");
        assertEquals(TcpState.ESTABLISHED, e.socket.state());
        h.advance(1);
        assertEquals(TcpState.CLOSED, e.socket.state());
        assertEquals(SocketError.TIMED_OUT, e.socket.error());
    }

    /** R2 "never" (TCP_MAXRT -1): the retry count (3 here) no longer ends the connection. */
    @Test
    void rfc1122_4_2_3_5_r2NeverKeepsRetrying() {
        Established e = new Established(h);
        e.socket.setMaxRetransmitTime(Long.MAX_VALUE);
        e.socket.send(bytes(100, 5), 0, 100, h.now());
        h.one();
        h.advance(200 + 400 + 800 + 1600 + 3200);
        assertEquals(5, h.sent().size());
        assertEquals(TcpState.ESTABLISHED, e.socket.state());
    }

    /** 0 (the default) leaves the configured retry count in charge. */
    @Test
    void zeroKeepsTheRetryCount() {
        Established e = new Established(h);
        assertEquals(0, e.socket.maxRetransmitTime());
        e.socket.send(bytes(100, 5), 0, 100, h.now());
        h.one();
        h.advance(200 + 400 + 800 + 1600);
        assertEquals(TcpState.CLOSED, e.socket.state());
    }
}
