package org.sockstack.stack.udp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.testing.Frames;
import org.sockstack.stack.testing.StackHarness;
import org.sockstack.stack.wire.IpProtocol;
import org.sockstack.stack.wire.Ipv4Address;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.sockstack.stack.testing.StackHarness.PEER_IP;
import static org.sockstack.stack.testing.StackHarness.STACK_IP;

/** recvfrom without allocation: {@link UdpSocket#receive(ByteBuf, DatagramInfo)} over recycled queue entries. */
class UdpReceiveIntoTest {
    private StackHarness h;
    private UdpSocket s;

    @BeforeEach
    void setUp() {
        h = new StackHarness().withAddress().withPeerKnown();
        s = h.stack.udp().open();
        assertEquals(SocketError.OK, s.bind(new Endpoint(Ipv4Address.ANY, 7)));
    }

    @AfterEach
    void tearDown() {
        s.close();
        h.close();
    }

    private void fromPeer(int srcPort, String text) {
        h.inject(Frames.fromPeer(IpProtocol.UDP,
                Frames.udp(PEER_IP, STACK_IP, srcPort, 7, text.getBytes(StandardCharsets.US_ASCII))));
    }

    @Test
    void readsDataAndSourceInOrderThenWouldBlock() {
        fromPeer(40000, "first");
        fromPeer(40001, "second!");
        DatagramInfo info = new DatagramInfo();
        ByteBuf dst = Unpooled.buffer(64);
        assertEquals(5, s.receive(dst, info));
        assertEquals("first", dst.toString(StandardCharsets.US_ASCII));
        assertEquals(4, info.version());
        assertEquals(PEER_IP.bits(), info.sourceIpv4());
        assertEquals(new Endpoint(PEER_IP, 40000), info.source());
        dst.clear();
        assertEquals(7, s.receive(dst, info));
        assertEquals("second!", dst.toString(StandardCharsets.US_ASCII));
        assertEquals(40001, info.sourcePort());
        assertEquals(-1, s.receive(dst, info), "nothing queued");
        assertEquals(0, s.queuedBytes());
    }

    /** recvfrom truncates a datagram larger than the buffer and discards the rest. */
    @Test
    void truncatesToTheRoomInTheBuffer() {
        fromPeer(40000, "0123456789");
        fromPeer(40000, "next");
        DatagramInfo info = new DatagramInfo();
        ByteBuf small = Unpooled.buffer(4, 4);
        assertEquals(10, s.receive(small, info), "returns the datagram's length");
        assertEquals("0123", small.toString(StandardCharsets.US_ASCII));
        ByteBuf dst = Unpooled.buffer(16);
        assertEquals(4, s.receive(dst, info));
        assertEquals("next", dst.toString(StandardCharsets.US_ASCII));
    }

    /** Recycled entries never leak one datagram's addresses into the next (mixed with the value API). */
    @Test
    void recycledEntriesCarryTheirOwnDatagram() {
        DatagramInfo info = new DatagramInfo();
        for (int i = 0; i < 5; i++) {
            fromPeer(1000 + i, "a" + i);
            fromPeer(2000 + i, "b" + i);
            UdpDatagram peeked = s.peek();
            assertEquals(new Endpoint(PEER_IP, 1000 + i), peeked.source());
            UdpDatagram d = s.receive();
            assertEquals(new Endpoint(PEER_IP, 1000 + i), d.source());
            assertEquals(new Endpoint(STACK_IP, 7), d.destination());
            assertEquals("a" + i, d.data().toString(StandardCharsets.US_ASCII));
            d.data().release();
            ByteBuf dst = Unpooled.buffer(8);
            assertEquals(2, s.receive(dst, info));
            assertEquals(2000 + i, info.sourcePort());
            assertEquals("b" + i, dst.toString(StandardCharsets.US_ASCII));
        }
    }
}
