package org.sockstack.stack.icmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.testing.Frames;
import org.sockstack.stack.testing.StackHarness;
import org.sockstack.stack.wire.Icmpv4Packet;
import org.sockstack.stack.wire.InternetChecksum;
import org.sockstack.stack.wire.IpProtocol;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.Ipv4Packet;
import org.sockstack.stack.wire.Ipv4Repr;
import org.sockstack.stack.wire.MacAddress;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.stack.testing.StackHarness.PEER_IP;
import static org.sockstack.stack.testing.StackHarness.PEER_MAC;
import static org.sockstack.stack.testing.StackHarness.STACK_IP;
import static org.sockstack.stack.testing.StackHarness.STACK_MAC;

class Icmpv4Test {
    private StackHarness h;

    @BeforeEach
    void setUp() {
        h = new StackHarness().withAddress().withPeerKnown();
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    /** RFC 792 "Echo or Echo Reply Message": data returned unchanged, addresses swapped. */
    @Test
    void rfc792_echoRequestIsAnsweredWithTheSameData() {
        byte[] data = Frames.pattern(56);
        h.inject(Frames.fromPeer(IpProtocol.ICMP, Frames.icmpEcho(8, 0x1234, 7, data)));
        List<ByteBuf> sent = h.sent();
        assertEquals(1, sent.size());
        Ipv4Packet ip = Frames.ipv4Of(sent.get(0));
        assertEquals(STACK_IP.bits(), ip.srcAddr());
        assertEquals(PEER_IP.bits(), ip.dstAddr());
        Icmpv4Packet icmp = new Icmpv4Packet().wrap(ip.buffer(), ip.payloadOffset(), ip.payloadLength());
        assertTrue(icmp.check().ok());
        assertTrue(icmp.verifyChecksum());
        assertEquals(Icmpv4Packet.TYPE_ECHO_REPLY, icmp.msgType());
        assertEquals(0x1234, icmp.identifier());
        assertEquals(7, icmp.sequenceNumber());
        byte[] echoed = new byte[icmp.dataLength()];
        icmp.buffer().getBytes(icmp.dataOffset(), echoed);
        assertArrayEquals(data, echoed);
        StackHarness.releaseAll(sent);
    }

    /** A fragmented request (ping -s 3000) is reassembled and the reply fragmented to the MTU. */
    @Test
    void rfc791_fragmentedEchoIsReassembledAndTheReplyFragmented() {
        byte[] icmp = Frames.icmpEcho(8, 1, 1, Frames.pattern(3000));
        for (ByteBuf f : Frames.fragments(IpProtocol.ICMP, 77, icmp, 1480)) {
            h.inject(f);
        }
        List<ByteBuf> sent = h.sent();
        assertEquals(3, sent.size(), "3008 octets of ICMP need three fragments at MTU 1500");
        byte[] reassembled = new byte[icmp.length];
        int total = 0;
        for (ByteBuf f : sent) {
            Ipv4Packet ip = Frames.ipv4Of(f);
            assertTrue(ip.totalLength() <= 1500);
            ip.buffer().getBytes(ip.payloadOffset(), reassembled, ip.fragmentOffset(), ip.payloadLength());
            total += ip.payloadLength();
        }
        assertEquals(icmp.length, total);
        assertEquals(0, reassembled[0], "type echo reply");
        assertEquals(0, InternetChecksum.compute(Unpooled.wrappedBuffer(reassembled), 0, reassembled.length));
        assertArrayEquals(Arrays.copyOfRange(icmp, 8, icmp.length), Arrays.copyOfRange(reassembled, 8, reassembled.length));
        StackHarness.releaseAll(sent);
    }

    /** RFC 5722 applied to IPv4: overlapping fragments get no answer. */
    @Test
    void overlappingFragmentsAreDropped() {
        byte[] icmp = Frames.icmpEcho(8, 1, 1, Frames.pattern(3000));
        List<ByteBuf> frags = Frames.fragments(IpProtocol.ICMP, 78, icmp, 1480);
        h.inject(frags.get(0));
        h.inject(Frames.fragments(IpProtocol.ICMP, 78, Arrays.copyOfRange(icmp, 0, 2000), 1472).get(1)); // overlaps
        h.inject(frags.get(1));
        h.inject(frags.get(2));
        assertTrue(h.sent().isEmpty());
        assertEquals(1, h.stack.counters().get("ipv4.drop.fragment_overlap"));
    }

    /** Ping of death: fragments reaching past 65,535 octets are dropped, nothing answered. */
    @Test
    void pingOfDeathIsDropped() {
        byte[] part = Frames.pattern(1480);
        Ipv4Repr last = new Ipv4Repr(PEER_IP, STACK_IP, IpProtocol.ICMP, 1480, 64, 0, 0, 99, false, false, 65_000, null);
        h.inject(Frames.ipv4(PEER_MAC, STACK_MAC, last, part));
        assertTrue(h.sent().isEmpty());
        assertTrue(h.stack.counters().get("ipv4.drop.fragment_too_big") >= 1);
    }

    /** RFC 792 / RFC 1122 3.2.1.4: reassembly timeout sends Time Exceeded (code 1) if fragment 0 came. */
    @Test
    void reassemblyTimeoutSendsTimeExceeded() {
        byte[] icmp = Frames.icmpEcho(8, 1, 1, Frames.pattern(3000));
        h.inject(Frames.fragments(IpProtocol.ICMP, 79, icmp, 1480).get(0));
        h.advance(29_999);
        assertTrue(h.sent().isEmpty());
        h.advance(1);
        List<ByteBuf> sent = h.sent();
        assertEquals(1, sent.size());
        Ipv4Packet ip = Frames.ipv4Of(sent.get(0));
        Icmpv4Packet err = new Icmpv4Packet().wrap(ip.buffer(), ip.payloadOffset(), ip.payloadLength());
        assertEquals(Icmpv4Packet.TYPE_TIME_EXCEEDED, err.msgType());
        assertEquals(Icmpv4Packet.CODE_FRAGMENT_REASSEMBLY_TIME_EXCEEDED, err.code());
        assertTrue(err.verifyChecksum());
        StackHarness.releaseAll(sent);
    }

    /** RFC 1122 3.2.2.1: a datagram for an unknown protocol gets Protocol Unreachable. */
    @Test
    void unknownProtocolGetsProtocolUnreachable() {
        h.inject(Frames.fromPeer(253, Frames.pattern(20)));
        List<ByteBuf> sent = h.sent();
        assertEquals(1, sent.size());
        Ipv4Packet ip = Frames.ipv4Of(sent.get(0));
        Icmpv4Packet err = new Icmpv4Packet().wrap(ip.buffer(), ip.payloadOffset(), ip.payloadLength());
        assertEquals(Icmpv4Packet.TYPE_DESTINATION_UNREACHABLE, err.msgType());
        assertEquals(Icmpv4Packet.CODE_PROTOCOL_UNREACHABLE, err.code());
        // The quote starts with the offending datagram's header.
        assertEquals(253, err.buffer().getUnsignedByte(err.dataOffset() + 9));
        StackHarness.releaseAll(sent);
    }

    /** RFC 1122 3.2.2: no error about an ICMP error, a broadcast, or a non-first fragment. */
    @Test
    void rfc1122_3_2_2_errorsThatMustNotBeSent() {
        // An ICMP error arriving fragmented, whose reassembly times out: no Time Exceeded about it.
        byte[] quote = new byte[1600];
        quote[0] = 0x45;
        byte[] error = Frames.icmpEcho(3, 0, 0, quote);
        error[1] = 3; // port unreachable; fix the checksum for the changed code
        error[2] = 0;
        error[3] = 0;
        int sum = InternetChecksum.compute(Unpooled.wrappedBuffer(error), 0, error.length);
        error[2] = (byte) (sum >>> 8);
        error[3] = (byte) sum;
        h.inject(Frames.fragments(IpProtocol.ICMP, 80, error, 1480).get(0));
        Ipv4Repr toBroadcast = new Ipv4Repr(PEER_IP, Ipv4Address.parse("192.0.2.255"), 253, 20, 64);
        h.inject(Frames.ipv4(PEER_MAC, MacAddress.BROADCAST, toBroadcast, Frames.pattern(20)));
        Ipv4Repr laterFragment = new Ipv4Repr(PEER_IP, STACK_IP, 253, 16, 64, 0, 0, 5, false, false, 1480, null);
        h.inject(Frames.ipv4(PEER_MAC, STACK_MAC, laterFragment, Frames.pattern(16)));
        h.advance(31_000);
        assertTrue(h.sent().isEmpty(), "no ICMP error may be sent for any of these");
        assertEquals(2, h.stack.counters().get("ipv4.drop.reassembly_timeout"));
        // Only the ICMP error's reassembly had its first fragment: that one was considered and refused.
        assertEquals(1, h.stack.counters().get("icmp.errors_not_sent"));
    }

    @Test
    void broadcastEchoIsIgnored() {
        Ipv4Repr ip = new Ipv4Repr(PEER_IP, Ipv4Address.BROADCAST, IpProtocol.ICMP, 16, 64);
        h.inject(Frames.ipv4(PEER_MAC, MacAddress.BROADCAST, ip, Frames.icmpEcho(8, 1, 1, new byte[8])));
        assertTrue(h.sent().isEmpty());
        assertEquals(1, h.stack.counters().get("icmp.drop.broadcast_echo_ignored"));
    }

    /** RFC 1812 4.3.2.8: errors are rate limited (burst 50 here). */
    @Test
    void errorsAreRateLimited() {
        for (int i = 0; i < 200; i++) {
            h.device.inject(Frames.fromPeer(253, Frames.pattern(20)));
        }
        h.run();
        List<ByteBuf> sent = h.sent();
        assertEquals(50, sent.size());
        StackHarness.releaseAll(sent);
        assertEquals(150, h.stack.counters().get("icmp.errors_rate_limited"));
    }

    @Test
    void malformedIcmpIsDroppedAndCounted() {
        byte[] echo = Frames.icmpEcho(8, 1, 1, new byte[8]);
        echo[2] ^= 0x55; // checksum broken
        h.inject(Frames.fromPeer(IpProtocol.ICMP, echo));
        h.inject(Frames.fromPeer(IpProtocol.ICMP, new byte[3])); // shorter than the ICMP header
        byte[] quoteTooShort = Frames.icmpEcho(3, 0, 0, new byte[4]);
        h.inject(Frames.fromPeer(IpProtocol.ICMP, quoteTooShort));
        assertTrue(h.sent().isEmpty());
        assertEquals(1, h.stack.counters().get("icmp.drop.bad_checksum"));
        assertEquals(1, h.stack.counters().get("icmp.drop.truncated"));
        assertEquals(1, h.stack.counters().get("icmp.drop.bad_quoted_datagram"));
    }

    @Test
    void echoSocketSendsRequestsAndReceivesReplies() {
        IcmpEchoSocket s = h.stack.icmpv4().openEcho();
        assertTrue(s.send(PEER_IP.bits(), 3, Unpooled.wrappedBuffer(new byte[] {1, 2, 3}), 64, h.clock.nanos()));
        h.run();
        List<ByteBuf> sent = h.sent();
        assertEquals(1, sent.size());
        assertTrue(Frames.isIcmp(sent.get(0), Icmpv4Packet.TYPE_ECHO_REQUEST));
        StackHarness.releaseAll(sent);
        h.inject(Frames.fromPeer(IpProtocol.ICMP, Frames.icmpEcho(0, s.identifier(), 3, new byte[] {1, 2, 3})));
        IcmpEchoSocket.Reply r = s.receive();
        assertEquals(3, r.sequence());
        assertEquals(PEER_IP.bits(), r.from());
        assertArrayEquals(new byte[] {1, 2, 3}, r.data());
        s.close();
    }

    @Test
    void plateauTable() {
        assertEquals(1492, Icmpv4.plateauBelow(1500));
        assertEquals(68, Icmpv4.plateauBelow(50));
    }
}
