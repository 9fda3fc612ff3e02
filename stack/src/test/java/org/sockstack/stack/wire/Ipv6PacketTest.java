package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.testing.Hex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.stack.wire.IpCaptures.IP;

class Ipv6PacketTest {
    private static final Ipv6Address A = Ipv6Address.parse("2001:db8::1");
    private static final Ipv6Address B = Ipv6Address.parse("2001:db8::2");
    private static final List<String> ALL = List.of(IpCaptures.IPV6_UDP, IpCaptures.IPV6_TRAFFIC_CLASS,
            IpCaptures.IPV6_MLD_HOP_BY_HOP, IpCaptures.IPV6_DEST_OPTIONS_UDP, IpCaptures.IPV6_SEGMENT_ROUTING,
            IpCaptures.IPV6_FRAGMENT_MIDDLE, IpCaptures.IPV6_FRAGMENT_LAST);

    private final Ipv6Packet p = new Ipv6Packet();

    private Ipv6Packet wrap(ByteBuf frame) {
        return p.wrap(frame, IP, frame.capacity() - IP);
    }

    private Ipv6Packet wrap(String fixture) {
        return wrap(IpCaptures.frame(fixture));
    }

    @Test
    void deconstructUdpPacket() {
        Ipv6Packet ip = wrap(IpCaptures.IPV6_UDP);
        assertEquals(WireError.OK, ip.check());
        assertEquals(6, ip.version());
        assertEquals(0, ip.trafficClass());
        assertEquals(0x2741b, ip.flowLabel());
        assertEquals(27, ip.payloadLength());
        assertEquals(IpProtocol.UDP, ip.nextHeader());
        assertEquals(64, ip.hopLimit());
        assertEquals(A.hi(), ip.srcAddrHi());
        assertEquals(A.lo(), ip.srcAddrLo());
        assertEquals(B.hi(), ip.dstAddrHi());
        assertEquals(B.lo(), ip.dstAddrLo());
        assertEquals(IP + 40, ip.payloadOffset());
        assertEquals(0x9c41, ip.buffer().getUnsignedShort(ip.payloadOffset()), "UDP source port 40001");
    }

    @Test
    void deconstructTrafficClass() {
        Ipv6Packet ip = wrap(IpCaptures.IPV6_TRAFFIC_CLASS);
        assertEquals(WireError.OK, ip.check());
        assertEquals(0xb9, ip.trafficClass());
        assertEquals(46, ip.dscp());
        assertEquals(1, ip.ecn());
        assertEquals(0xb7275, ip.flowLabel());
        assertEquals(IpProtocol.ICMPV6, ip.nextHeader());
    }

    @Test
    void deconstructMldFromTheLinkLocalAddress() {
        Ipv6Packet ip = wrap(IpCaptures.IPV6_MLD_HOP_BY_HOP);
        assertEquals(WireError.OK, ip.check());
        assertEquals(IpProtocol.HOP_BY_HOP, ip.nextHeader());
        assertEquals(1, ip.hopLimit());
        assertEquals(Ipv6Address.parse("fe80::ff:fe00:a01"), new Ipv6Address(ip.srcAddrHi(), ip.srcAddrLo()));
        assertEquals(Ipv6Address.ALL_MLDV2_ROUTERS, new Ipv6Address(ip.dstAddrHi(), ip.dstAddrLo()));
    }

    @Test
    void parseAndConstruct() {
        Ipv6Repr expected = new Ipv6Repr(A, B, IpProtocol.ICMPV6, 16, 64, 0xb9, 0xb7275);
        Parsed<Ipv6Repr> r = Ipv6Repr.parse(wrap(IpCaptures.IPV6_TRAFFIC_CLASS));
        assertTrue(r.ok(), r::toString);
        assertEquals(expected, r.value());
        assertEquals(46, r.value().dscp());
        assertEquals(1, r.value().ecn());
        ByteBuf out = IpCaptures.zeroed(IP + 40);
        expected.emit(out, IP);
        assertArrayEquals(IpCaptures.bytes(IpCaptures.IPV6_TRAFFIC_CLASS, IP, IP + 40), IpCaptures.read(out, IP, 40));
    }

    @Test
    void constructWithoutTrafficClassOrFlowLabel() {
        Ipv6Repr mld = new Ipv6Repr(Ipv6Address.parse("fe80::ff:fe00:a01"), Ipv6Address.ALL_MLDV2_ROUTERS,
                IpProtocol.HOP_BY_HOP, 56, 1);
        ByteBuf out = IpCaptures.zeroed(40);
        mld.emit(out, 0);
        assertArrayEquals(IpCaptures.bytes(IpCaptures.IPV6_MLD_HOP_BY_HOP, IP, IP + 40), IpCaptures.read(out, 0, 40));
    }

    @Test
    void roundTripEveryCapture() {
        for (String fixture : ALL) {
            ByteBuf frame = IpCaptures.frame(fixture);
            Parsed<Ipv6Repr> r = Ipv6Repr.parse(wrap(frame));
            assertTrue(r.ok(), r::toString);
            assertEquals(frame.capacity() - IP - 40, r.value().payloadLength(), fixture);
            ByteBuf out = IpCaptures.zeroed(40);
            r.value().emit(out, 0);
            assertArrayEquals(IpCaptures.read(frame, IP, 40), IpCaptures.read(out, 0, 40), fixture);
        }
    }

    @Test
    void ethernetPaddingIsNotPayload() {
        byte[] padded = Arrays.copyOf(Hex.bytes(IpCaptures.IPV6_UDP), 14 + 40 + 27 + 9);
        Ipv6Packet ip = wrap(Unpooled.wrappedBuffer(padded));
        assertEquals(WireError.OK, ip.check());
        assertEquals(27, ip.payloadLength());
        assertEquals(27, Ipv6Repr.parse(ip).value().payloadLength());
    }

    @Test
    void truncatedHeader() {
        ByteBuf frame = IpCaptures.frame(IpCaptures.IPV6_UDP);
        for (int length = 0; length < 40; length++) {
            assertEquals(WireError.TRUNCATED, p.wrap(frame, IP, length).check(), "length " + length);
            assertEquals(WireError.TRUNCATED, Ipv6Repr.parse(p).error());
        }
    }

    @Test
    void wrongVersion() {
        ByteBuf frame = IpCaptures.frame(IpCaptures.IPV6_UDP);
        frame.setByte(IP, 0x40);
        assertEquals(WireError.BAD_VERSION, wrap(frame).check());
        assertEquals(WireError.BAD_VERSION, Ipv6Repr.parse(p).error());
    }

    @Test
    void payloadLengthPastTheBuffer() {
        ByteBuf frame = IpCaptures.frame(IpCaptures.IPV6_UDP);
        frame.setShort(IP + 4, 28);
        assertEquals(WireError.BAD_LENGTH, wrap(frame).check());
        assertEquals(WireError.BAD_LENGTH, Ipv6Repr.parse(p).error());
        assertEquals(WireError.BAD_LENGTH, p.wrap(IpCaptures.frame(IpCaptures.IPV6_UDP), IP, 40 + 26).check(),
                "the captured field against a shortened buffer");
    }

    @Test
    void reprRejectsImpossibleFields() {
        assertThrows(IllegalArgumentException.class, () -> new Ipv6Repr(A, B, 17, 0x10000, 64));
        assertThrows(IllegalArgumentException.class, () -> new Ipv6Repr(A, B, 17, 8, 64, 256, 0));
        assertThrows(IllegalArgumentException.class, () -> new Ipv6Repr(A, B, 17, 8, 64, 0, 0x100000));
        assertThrows(IllegalArgumentException.class, () -> new Ipv6Repr(A, B, 256, 8, 64));
    }

    @Test
    void mutatedCapturesNeverThrow() {
        Random random = new Random(6);
        List<WireError> seen = new ArrayList<>();
        for (int round = 0; round < 10_000; round++) {
            byte[] frame = Hex.bytes(ALL.get(random.nextInt(ALL.size())));
            frame[IP + random.nextInt(8)] = (byte) random.nextInt(256);
            int length = random.nextInt(frame.length - IP + 1);
            Parsed<Ipv6Repr> r = Ipv6Repr.parse(p.wrap(Unpooled.wrappedBuffer(frame), IP, length));
            if (r.ok()) {
                assertTrue(40 + r.value().payloadLength() <= length);
            } else if (!seen.contains(r.error())) {
                seen.add(r.error());
            }
        }
        assertTrue(seen.containsAll(List.of(WireError.TRUNCATED, WireError.BAD_VERSION, WireError.BAD_LENGTH)),
                seen::toString);
    }

    @Test
    void toStringReadsLikeTcpdump() {
        assertEquals("IPv6 2001:db8::1 > 2001:db8::2 IPv6-ICMP len 16 hlim 64 class 0xb9 flowlabel 0xb7275",
                Ipv6Repr.parse(wrap(IpCaptures.IPV6_TRAFFIC_CLASS)).value().toString());
    }
}
