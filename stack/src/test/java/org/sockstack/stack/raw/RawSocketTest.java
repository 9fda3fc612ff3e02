package org.sockstack.stack.raw;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.socket.SocketEvents;
import org.sockstack.stack.testing.Frames;
import org.sockstack.stack.testing.StackHarness;
import org.sockstack.stack.wire.InternetChecksum;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.Ipv4Packet;
import org.sockstack.stack.wire.Ipv6Address;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.stack.testing.StackHarness.PEER_IP;
import static org.sockstack.stack.testing.StackHarness.STACK_IP;

class RawSocketTest {
    /** RFC 3692 experimental protocol number: the stack has no handler for it. */
    private static final int EXPERIMENTAL = 253;

    private StackHarness h;
    private RawSockets raw;

    @BeforeEach
    void setUp() {
        h = new StackHarness().withAddress().withPeerKnown();
        raw = h.stack.raw();
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    private long now() {
        return h.clock.nanos();
    }

    @Test
    void receivesACopyWithTheIpv4HeaderAndSignalsReadable() {
        RawSocket s = raw.openIpv4(EXPERIMENTAL);
        List<Integer> events = new ArrayList<>();
        s.setListener(events::add);
        h.inject(Frames.fromPeer(EXPERIMENTAL, "abc".getBytes()));
        assertEquals(List.of(SocketEvents.READABLE), events);
        RawDatagram d = s.receive();
        assertEquals(PEER_IP, d.source());
        assertEquals(23, d.data().length);
        assertEquals(0x45, d.data()[0] & 0xFF);
        assertEquals('a', d.data()[20]);
        assertNull(s.receive());
        assertEquals(0, h.stack.counters().get("ipv4.drop.unknown_protocol"));
        StackHarness.releaseAll(h.sent()); // nothing, or an ARP refresh; no ICMP error
        s.close();
    }

    @Test
    void boundAndConnectedSocketsFilterBySourceAndDestination() {
        RawSocket other = raw.openIpv4(EXPERIMENTAL);
        assertEquals(SocketError.OK, other.connect(Ipv4Address.parse("198.51.100.7")));
        RawSocket mine = raw.openIpv4(EXPERIMENTAL);
        assertEquals(SocketError.OK, mine.bind(STACK_IP));
        assertEquals(SocketError.OK, mine.connect(PEER_IP));
        RawSocket icmp = raw.openIpv4(1);
        h.inject(Frames.fromPeer(EXPERIMENTAL, new byte[4]));
        assertEquals(0, other.queuedDatagrams(), "connected to someone else");
        assertEquals(1, mine.queuedDatagrams());
        assertEquals(0, icmp.queuedDatagrams(), "another protocol");
        assertEquals(SocketError.ADDRESS_NOT_AVAILABLE, other.bind(Ipv4Address.parse("198.51.100.1")));
        assertEquals(SocketError.ADDRESS_FAMILY_NOT_SUPPORTED, other.bind(Ipv6Address.UNSPECIFIED));
        StackHarness.releaseAll(h.sent());
    }

    @Test
    void receiveQueueIsBoundedByTheReceiveBuffer() {
        RawSocket s = raw.openIpv4(EXPERIMENTAL);
        s.setReceiveBufferSize(60);
        for (int i = 0; i < 3; i++) {
            h.inject(Frames.fromPeer(EXPERIMENTAL, new byte[10]));
        }
        assertEquals(2, s.queuedDatagrams(), "30 octets each: two fit in 60");
        assertEquals(60, s.queuedBytes());
        assertEquals(1, s.receiveDrops());
        assertEquals(1, h.stack.counters().get("raw.drop.receive_buffer_full"));
        StackHarness.releaseAll(h.sent());
    }

    @Test
    void sendBuildsTheHeaderWithTheSocketsTtl() {
        RawSocket s = raw.openIpv4(EXPERIMENTAL);
        s.setTtl(9);
        ByteBuf data = Unpooled.wrappedBuffer("xyz".getBytes());
        assertEquals(SocketError.OK, s.sendTo(data, PEER_IP, now()));
        h.run();
        List<ByteBuf> sent = h.sent();
        assertEquals(1, sent.size());
        Ipv4Packet ip = Frames.ipv4Of(sent.get(0));
        assertEquals(EXPERIMENTAL, ip.protocol());
        assertEquals(9, ip.ttl());
        assertEquals(STACK_IP.bits(), ip.srcAddr());
        assertEquals(3, ip.payloadLength());
        assertTrue(ip.verifyChecksum());
        StackHarness.releaseAll(sent);
        assertEquals(1, h.stack.counters().get("raw.tx.datagrams"));
    }

    private static ByteBuf header(int versionIhl, int totalLength, int extra) {
        ByteBuf b = Unpooled.buffer(20 + extra);
        b.writeByte(versionIhl).writeByte(0).writeShort(totalLength).writeShort(0).writeShort(0)
                .writeByte(5).writeByte(EXPERIMENTAL).writeShort(0).writeInt(0).writeInt(PEER_IP.bits());
        b.writeZero(extra);
        return b;
    }

    @Test
    void headerIncludedFillsLengthIdentificationSourceAndChecksum() {
        RawSocket s = raw.openIpv4(RawSocket.IPPROTO_RAW);
        assertTrue(s.headerIncluded(), "IPPROTO_RAW implies IP_HDRINCL");
        ByteBuf dg = header(0x45, 0, 8);
        assertEquals(SocketError.OK, s.sendTo(dg, PEER_IP, now()));
        h.run();
        List<ByteBuf> sent = h.sent();
        assertEquals(1, sent.size());
        Ipv4Packet ip = Frames.ipv4Of(sent.get(0));
        assertEquals(28, ip.totalLength());
        assertNotEquals(0, ip.identification());
        assertEquals(STACK_IP.bits(), ip.srcAddr(), "a zero source is filled in");
        assertEquals(5, ip.ttl(), "the application's TTL is kept");
        assertEquals(0, InternetChecksum.compute(ip.buffer(), ip.offset(), 20));
        StackHarness.releaseAll(sent);
    }

    @Test
    void malformedHeaderIncludedDatagramsAreRefused() {
        RawSocket s = raw.openIpv4(EXPERIMENTAL);
        assertEquals(SocketError.OK, s.setHeaderIncluded(true));
        assertEquals(SocketError.INVALID_ARGUMENT, s.sendTo(Unpooled.wrappedBuffer(new byte[19]), PEER_IP, now()),
                "shorter than a header");
        assertEquals(SocketError.INVALID_ARGUMENT, s.sendTo(header(0x65, 0, 0), PEER_IP, now()), "version 6");
        assertEquals(SocketError.INVALID_ARGUMENT, s.sendTo(header(0x44, 0, 0), PEER_IP, now()), "IHL below 5");
        assertEquals(SocketError.INVALID_ARGUMENT, s.sendTo(header(0x46, 0, 0), PEER_IP, now()),
                "IHL beyond the data");
        assertEquals(SocketError.MESSAGE_TOO_BIG, s.sendTo(header(0x45, 0, 1500), PEER_IP, now()),
                "never fragmented");
        h.run();
        assertEquals(List.of(), h.sent());
    }

    @Test
    void optionsAndLifecycle() {
        assertThrows(IllegalArgumentException.class, () -> raw.openIpv4(0));
        RawSocket v4 = raw.openIpv4(EXPERIMENTAL);
        assertEquals(SocketError.NOT_SUPPORTED, v4.setChecksumOffset(2), "IPV6_CHECKSUM is IPv6 only");
        assertEquals(SocketError.ADDRESS_FAMILY_NOT_SUPPORTED,
                v4.sendTo(Unpooled.wrappedBuffer(new byte[1]), Ipv6Address.parse("2001:db8::1"), now()));
        assertEquals(SocketError.NOT_CONNECTED, v4.send(Unpooled.wrappedBuffer(new byte[1]), now()));
        RawSocket icmp6 = raw.openIpv6(58);
        assertEquals(2, icmp6.checksumOffset());
        assertEquals(SocketError.INVALID_ARGUMENT, icmp6.setChecksumOffset(-1));
        assertEquals(SocketError.NOT_SUPPORTED, icmp6.setHeaderIncluded(true));
        assertEquals(SocketError.INVALID_ARGUMENT,
                icmp6.sendTo(Unpooled.wrappedBuffer(new byte[1]), Ipv6Address.parse("2001:db8::1"), now()),
                "too short to hold its checksum");
        assertEquals(2, raw.sockets().size());
        v4.close();
        assertEquals(SocketError.CLOSED, v4.sendTo(Unpooled.wrappedBuffer(new byte[1]), PEER_IP, now()));
        assertEquals(0, v4.readiness());
        assertEquals(1, raw.sockets().size());
    }
}
