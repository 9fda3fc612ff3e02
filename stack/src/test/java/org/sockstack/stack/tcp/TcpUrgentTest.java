package org.sockstack.stack.tcp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.socket.SocketEvents;
import org.sockstack.stack.tcp.TcpTestHost.Sent;
import org.sockstack.stack.wire.TcpOptions;
import org.sockstack.stack.wire.TcpRepr;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.stack.tcp.TcpTestHost.ISS;
import static org.sockstack.stack.wire.TcpSegment.ACK;
import static org.sockstack.stack.wire.TcpSegment.URG;

/** Urgent data (RFC 9293 3.8.5 as updated by RFC 6093). */
class TcpUrgentTest {
    private final TcpTestHost h = new TcpTestHost();

    @AfterEach
    void tearDown() {
        h.close();
    }

    /** The peer sends "abc" with URG and Urgent Pointer 3: 'c' is the urgent octet (RFC 6093 section 4). */
    private void peerSendsUrgent(Established e) {
        byte[] data = "abc".getBytes();
        h.inject(new TcpRepr(Established.PEER_PORT, Established.PORT, e.peerSeq, e.peerAck, ACK | URG, e.peerWindow, 3,
                TcpOptions.NONE, 3), data);
        e.peerSeq += 3;
    }

    private static String read(TcpSocket s, TcpTestHost h) {
        byte[] b = new byte[100];
        int n = s.receive(b, 0, b.length, h.now());
        return n <= 0 ? "" : new String(b, 0, n);
    }

    /** RFC 6093 section 4: our Urgent Pointer points to the octet after the urgent data, until it is ACKed. */
    @Test
    void rfc6093_4_sendUrgentSetsPointerPastLastOctet() {
        Established e = new Established(h);
        e.socket.setNoDelay(true);
        assertEquals(3, e.socket.sendUrgent("xyz".getBytes(), 0, 3, h.now()));
        Sent s = h.one();
        assertTrue((s.h().flags() & URG) != 0);
        assertEquals(3, s.h().urgentPointer());
        assertEquals(ISS + 1, s.seq());
        e.ackAll(List.of(s));
        e.socket.send("n".getBytes(), 0, 1, h.now());
        Sent next = h.one();
        assertEquals(0, next.h().flags() & URG, "acknowledged urgent data: no more URG");
    }

    /** Out of line (the default): reads stop at the mark, the urgent octet is read with MSG_OOB. */
    @Test
    void rfc6093_outOfBandDelivery() {
        Established e = new Established(h);
        List<Integer> events = new ArrayList<>();
        e.socket.setListener(events::add);
        peerSendsUrgent(e);
        assertTrue(events.stream().anyMatch(x -> (x & SocketEvents.URGENT) != 0), "URGENT event");
        assertFalse(e.socket.atUrgentMark());
        assertEquals("ab", read(e.socket, h), "the read stops at the mark");
        assertTrue(e.socket.atUrgentMark(), "SIOCATMARK");
        assertEquals('c', e.socket.receiveUrgent());
        assertEquals(-1, e.socket.receiveUrgent());
        assertEquals(SocketError.WOULD_BLOCK, e.socket.lastError());
        e.send(ACK, "def".getBytes());
        assertEquals("def", read(e.socket, h), "the urgent octet is not in the stream");
        assertFalse(e.socket.atUrgentMark());
        assertEquals(1, h.counter("tcp.urgent_received"));
    }

    /** SO_OOBINLINE: the urgent octet stays in the stream; the mark still stops the read. */
    @Test
    void rfc6093_inlineDelivery() {
        Established e = new Established(h);
        e.socket.setOobInline(true);
        peerSendsUrgent(e);
        e.send(ACK, "def".getBytes());
        assertEquals("ab", read(e.socket, h));
        assertTrue(e.socket.atUrgentMark());
        assertEquals(-1, e.socket.receiveUrgent());
        assertEquals(SocketError.INVALID_ARGUMENT, e.socket.lastError());
        assertEquals("cdef", read(e.socket, h));
    }

    /** A repeated pointer (retransmission, or further segments before the mark) is one urgent event. */
    @Test
    void sameMarkCountsOnce() {
        Established e = new Established(h);
        peerSendsUrgent(e);
        h.inject(new TcpRepr(Established.PEER_PORT, Established.PORT, e.peerSeq - 3, e.peerAck, ACK | URG,
                e.peerWindow, 3, TcpOptions.NONE, 3), "abc".getBytes());
        assertEquals(1, h.counter("tcp.urgent_received"));
    }

    /**
     * The socket layer's view (Winsock's FD_OOB, select's except set, SIOCATMARK): URGENT readiness
     * while the octet waits out of band, and the octet is not counted as normal data.
     */
    @Test
    void urgentReadinessAndNormalOctets() {
        Established e = new Established(h);
        assertFalse(e.socket.urgentUnread());
        List<Integer> seen = new ArrayList<>();
        e.socket.setListener(ev -> seen.add(e.socket.readiness()));
        peerSendsUrgent(e);
        assertTrue((seen.get(seen.size() - 1) & SocketEvents.URGENT) != 0,
                "an event is signalled once the octet can be read out of band (a listener sees URGENT)");
        assertTrue(e.socket.urgentPending());
        assertTrue(e.socket.urgentUnread());
        assertTrue((e.socket.readiness() & SocketEvents.URGENT) != 0);
        assertEquals(2, e.socket.readableBytes(), "'c' is out of band, not normal data");
        assertEquals("ab", read(e.socket, h));
        assertEquals(0, e.socket.readableBytes());
        assertEquals(0, e.socket.readiness() & SocketEvents.READABLE, "nothing normal to read");
        assertEquals('c', e.socket.receiveUrgent());
        assertFalse(e.socket.urgentPending());
        assertFalse(e.socket.urgentUnread());
        assertEquals(0, e.socket.readiness() & SocketEvents.URGENT);
    }

    /** With SO_OOBINLINE the octet is normal data: no URGENT readiness, unread until the read passes it. */
    @Test
    void inlineUrgentIsNormalData() {
        Established e = new Established(h);
        e.socket.setOobInline(true);
        peerSendsUrgent(e);
        assertFalse(e.socket.urgentPending());
        assertEquals(0, e.socket.readiness() & SocketEvents.URGENT);
        assertEquals(3, e.socket.readableBytes());
        assertTrue(e.socket.urgentUnread());
        assertEquals("ab", read(e.socket, h));
        assertTrue(e.socket.urgentUnread());
        assertEquals("c", read(e.socket, h));
        assertFalse(e.socket.urgentUnread());
    }
}
