package org.sockstack.stack.tcp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.wire.Ipv4Address;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 6056: ephemeral port selection, with a range of ten ports so that it runs out. */
class TcpPortSelectionTest {
    private static final int LOW = 40_000;
    private static final int COUNT = 10;

    private final TcpTestHost h = new TcpTestHost(range(LOW, LOW + COUNT - 1));

    private static TcpConfig range(int low, int high) {
        TcpConfig d = TcpConfig.DEFAULT;
        return new TcpConfig(d.msl(), d.rtoInitial(), d.rtoMin(), d.rtoMax(), d.synRetries(), d.dataRetries(),
                d.delayedAck(), d.challengeAckLimit(), d.sendBuffer(), d.receiveBuffer(), d.maxBuffer(),
                d.windowScaling(), d.timestamps(), d.sack(), d.initialWindow(), d.maxReassemblyBlocks(),
                d.finWait2Timeout(), low, high, d.ttl(), d.congestionControl(), d.syncookies(), d.receiveAutotuning());
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    private List<Integer> connectAll(int remotePort, int n) {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TcpSocket s = h.tcp.open();
            assertEquals(SocketError.IN_PROGRESS, s.connect(TcpTestHost.peer(remotePort), h.now()));
            ports.add(s.localEndpoint().port());
        }
        h.run();
        h.drainFrames();
        return ports;
    }

    /**
     * RFC 6056 section 2.2 and Algorithm 3 (3.3.3): the 4-tuple must be unique, not the port, so
     * the whole range is available again towards another remote endpoint.
     */
    @Test
    void rfc6056_portsAreSharedAcrossRemoteEndpoints() {
        List<Integer> toA = connectAll(80, COUNT);
        Set<Integer> a = new HashSet<>(toA);
        assertEquals(COUNT, a.size(), "distinct ports towards one peer: " + toA);
        for (int p : a) {
            assertTrue(p >= LOW && p < LOW + COUNT, "in range: " + p);
        }
        TcpSocket extra = h.tcp.open();
        assertEquals(SocketError.ADDRESS_NOT_AVAILABLE, extra.connect(TcpTestHost.peer(80), h.now()),
                "range exhausted towards this remote endpoint");

        List<Integer> toB = connectAll(81, COUNT);
        assertEquals(a, new HashSet<>(toB), "the same ports again towards another remote port");
        assertEquals(2 * COUNT, h.tcp.connectionCount());
    }

    /** Algorithm 3: next_ephemeral moves on by one, so successive connects take successive ports. */
    @Test
    void rfc6056_algorithm3_successivePortsTowardsOnePeer() {
        List<Integer> ports = connectAll(80, 4);
        for (int i = 1; i < ports.size(); i++) {
            assertEquals(LOW + (ports.get(i - 1) - LOW + 1) % COUNT, (int) ports.get(i), "after " + ports);
        }
    }

    /** A bind to port 0 needs a port no one uses (the remote is not known yet). */
    @Test
    void bindToPortZeroNeedsAnUnusedPort() {
        connectAll(80, COUNT);
        TcpSocket s = h.tcp.open();
        assertEquals(SocketError.ADDRESS_IN_USE, s.bind(new Endpoint(Ipv4Address.ANY, 0)));
    }
}
