package org.sockstack.stack.tcp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.tcp.TcpTestHost.Sent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.stack.tcp.TcpTestHost.ISS;
import static org.sockstack.stack.wire.TcpSegment.ACK;
import static org.sockstack.stack.wire.TcpSegment.RST;

/** Keep-alive (RFC 1122 4.2.3.6). */
class TcpKeepAliveTest {
    private static final long S = 1_000_000_000L;
    private final TcpTestHost h = new TcpTestHost();

    @AfterEach
    void tearDown() {
        h.close();
    }

    /** RFC 1122 4.2.3.6: keep-alives MUST be off by default: hours of silence send nothing. */
    @Test
    void rfc1122_4_2_3_6_offByDefault() {
        Established e = new Established(h);
        h.advance(3 * 3600 * 1000);
        assertTrue(h.sent().isEmpty());
        assertEquals(TcpState.ESTABLISHED, e.socket.state());
        assertTrue(!e.socket.keepAlive());
        assertEquals(7200 * S, e.socket.keepAliveIdle(), "default idle time: two hours");
    }

    /** RFC 1122 4.2.3.6: after the idle time a probe with SEG.SEQ = SND.NXT - 1; an answer resets the count. */
    @Test
    void rfc1122_4_2_3_6_probeAfterIdleAndAnswer() {
        Established e = new Established(h);
        assertEquals(SocketError.OK, e.socket.setKeepAliveParameters(10 * S, S, 3, h.now()));
        e.socket.setKeepAlive(true, h.now());
        h.advance(9_999);
        assertTrue(h.sent().isEmpty());
        h.advance(1);
        Sent probe = h.one();
        assertEquals(ACK, probe.h().flags());
        assertEquals(ISS, probe.seq(), "SND.NXT - 1");
        assertEquals(0, probe.data().length);
        e.send(ACK, null);   // the peer is alive
        h.advance(9_999);
        assertTrue(h.sent().isEmpty(), "idle time restarts from the answer");
        h.advance(1);
        assertEquals(ISS, h.one().seq());
        assertEquals(2, h.counter("tcp.keepalive_probes"));
    }

    /** A dead peer: count unanswered probes, one per interval, then RST and TIMED_OUT. */
    @Test
    void rfc1122_4_2_3_6_deadPeerTimesOut() {
        Established e = new Established(h);
        e.socket.setKeepAliveParameters(10 * S, S, 3, h.now());
        e.socket.setKeepAlive(true, h.now());
        h.advance(10_000);
        assertEquals(1, h.sent().size());
        h.advance(1_000);
        assertEquals(1, h.sent().size());
        h.advance(1_000);
        assertEquals(1, h.sent().size());
        assertEquals(TcpState.ESTABLISHED, e.socket.state());
        h.advance(1_000);
        assertEquals(RST, h.one().h().flags());
        assertEquals(TcpState.CLOSED, e.socket.state());
        assertEquals(SocketError.TIMED_OUT, e.socket.error());
        assertEquals(1, h.counter("tcp.keepalive_timeouts"));
    }

    @Test
    void badParametersRejected() {
        Established e = new Established(h);
        assertEquals(SocketError.INVALID_ARGUMENT, e.socket.setKeepAliveParameters(0, S, 3, h.now()));
        assertEquals(SocketError.INVALID_ARGUMENT, e.socket.setKeepAliveParameters(S, S, 0, h.now()));
    }
}
