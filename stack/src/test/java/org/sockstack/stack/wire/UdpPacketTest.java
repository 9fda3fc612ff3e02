package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.testing.Hex;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.stack.wire.IpCaptures.IP;

class UdpPacketTest {
    private static final Ipv4Address A4 = Ipv4Address.of(192, 0, 2, 1);
    private static final Ipv4Address B4 = Ipv4Address.of(192, 0, 2, 2);
    private static final Ipv6Address A6 = Ipv6Address.parse("2001:db8::1");
    private static final Ipv6Address B6 = Ipv6Address.parse("2001:db8::2");
    /** UDP after a 20-octet IPv4 header. */
    private static final int UDP4 = IP + 20;
    /** UDP after the 40-octet IPv6 header. */
    private static final int UDP6 = IP + 40;

    private final UdpPacket u = new UdpPacket();

    private UdpPacket wrap(ByteBuf frame, int at) {
        return u.wrap(frame, at, frame.capacity() - at);
    }

    @Test
    void deconstructOverIpv4() {
        ByteBuf f = IpCaptures.frame(IpCaptures.IPV4_UDP);
        UdpPacket udp = wrap(f, UDP4);
        assertEquals(WireError.OK, udp.check());
        assertEquals(40000, udp.srcPort());
        assertEquals(7777, udp.dstPort());
        assertEquals(24, udp.udpLength());
        assertEquals(0x6669, udp.checksum());
        assertEquals(UDP4 + 8, udp.payloadOffset());
        assertEquals(16, udp.payloadLength());
        assertEquals("hello sockstack\n", f.toString(udp.payloadOffset(), udp.payloadLength(), StandardCharsets.US_ASCII));
        assertTrue(udp.verifyChecksumIpv4(A4.bits(), B4.bits()));
        assertFalse(udp.verifyChecksumIpv4(B4.bits(), B4.bits()), "the pseudo-header covers the addresses");
    }

    @Test
    void deconstructOverIpv6() {
        ByteBuf f = IpCaptures.frame(IpCaptures.IPV6_UDP);
        UdpPacket udp = wrap(f, UDP6);
        assertEquals(WireError.OK, udp.check());
        assertEquals(40001, udp.srcPort());
        assertEquals(7777, udp.dstPort());
        assertEquals(27, udp.udpLength());
        assertEquals(0x0ea5, udp.checksum());
        assertEquals(19, udp.payloadLength());
        assertEquals("hello sockstack v6\n", f.toString(udp.payloadOffset(), udp.payloadLength(), StandardCharsets.US_ASCII));
        assertTrue(udp.verifyChecksumIpv6(A6.hi(), A6.lo(), B6.hi(), B6.lo()));
        assertFalse(udp.verifyChecksumIpv6(A6.hi(), A6.lo(), B6.hi(), B6.lo() + 1));
    }

    @Test
    void afterADestinationOptionsHeader() {
        ByteBuf f = IpCaptures.frame(IpCaptures.IPV6_DEST_OPTIONS_UDP);
        Ipv6OptionsHeader dst = new Ipv6OptionsHeader().wrap(f, UDP6, f.capacity() - UDP6);
        assertEquals(WireError.OK, dst.check());
        UdpPacket udp = u.wrap(f, dst.payloadOffset(), dst.payloadLength());
        Parsed<UdpRepr> r = UdpRepr.parse(udp, A6, B6);
        assertTrue(r.ok(), r::toString);
        assertEquals(new UdpRepr(40002, 7777, 7), r.value());
    }

    @Test
    void parseAndConstructOverIpv4() {
        ByteBuf f = IpCaptures.frame(IpCaptures.IPV4_UDP);
        Parsed<UdpRepr> r = UdpRepr.parse(wrap(f, UDP4), A4, B4);
        assertTrue(r.ok(), r::toString);
        UdpRepr expected = new UdpRepr(40000, 7777, 16);
        assertEquals(expected, r.value());
        assertEquals(24, expected.udpLength());

        ByteBuf out = IpCaptures.zeroed(24);
        out.setBytes(8, "hello sockstack\n".getBytes(StandardCharsets.US_ASCII));
        expected.emit(out, 0, A4, B4);
        assertArrayEquals(IpCaptures.bytes(IpCaptures.IPV4_UDP, UDP4), IpCaptures.read(out, 0, 24));
    }

    @Test
    void parseAndConstructOverIpv6() {
        ByteBuf f = IpCaptures.frame(IpCaptures.IPV6_UDP);
        Parsed<UdpRepr> r = UdpRepr.parse(wrap(f, UDP6), A6, B6);
        assertTrue(r.ok(), r::toString);
        UdpRepr expected = new UdpRepr(40001, 7777, 19);
        assertEquals(expected, r.value());

        ByteBuf out = IpCaptures.zeroed(27);
        out.setBytes(8, "hello sockstack v6\n".getBytes(StandardCharsets.US_ASCII));
        expected.emit(out, 0, A6, B6);
        assertArrayEquals(IpCaptures.bytes(IpCaptures.IPV6_UDP, UDP6), IpCaptures.read(out, 0, 27));
    }

    @Test
    void roundTripAtAnOffset() {
        ByteBuf f = IpCaptures.frame(IpCaptures.IPV6_DEST_OPTIONS_UDP);
        int at = UDP6 + 8;
        UdpRepr r = UdpRepr.parse(wrap(f, at), A6, B6).value();
        ByteBuf out = IpCaptures.zeroed(f.capacity());
        out.setBytes(at + 8, f, at + 8, r.payloadLength());
        r.emit(out, at, A6, B6);
        assertArrayEquals(IpCaptures.read(f, at, 15), IpCaptures.read(out, at, 15));
    }

    @Test
    void lengthFieldBoundsThePayload() {
        // Ethernet padding after the datagram: the Length field, not the buffer, ends the data.
        byte[] padded = java.util.Arrays.copyOf(Hex.bytes(IpCaptures.IPV4_UDP), 64);
        UdpPacket udp = wrap(Unpooled.wrappedBuffer(padded), UDP4);
        assertEquals(30, udp.length());
        assertEquals(WireError.OK, udp.check());
        assertEquals(16, udp.payloadLength());
        assertTrue(UdpRepr.parse(udp, A4, B4).ok());
    }

    @Test
    void truncatedHeader() {
        ByteBuf f = IpCaptures.frame(IpCaptures.IPV4_UDP);
        for (int length = 0; length < 8; length++) {
            assertEquals(WireError.TRUNCATED, UdpRepr.parse(u.wrap(f, UDP4, length), A4, B4).error());
            assertEquals(WireError.TRUNCATED, UdpRepr.parse(u.wrap(f, UDP4, length), A6, B6).error());
        }
    }

    @Test
    void lengthFieldBelowTheHeader() {
        ByteBuf f = IpCaptures.frame(IpCaptures.IPV4_UDP);
        f.setShort(UDP4 + 4, 7);
        assertEquals(WireError.BAD_LENGTH, wrap(f, UDP4).check());
        assertEquals(WireError.BAD_LENGTH, UdpRepr.parse(u, A4, B4, true).error());
    }

    @Test
    void lengthFieldPastTheBuffer() {
        ByteBuf f = IpCaptures.frame(IpCaptures.IPV6_UDP);
        f.setShort(UDP6 + 4, 28);
        assertEquals(WireError.BAD_LENGTH, wrap(f, UDP6).check());
        assertEquals(WireError.BAD_LENGTH, UdpRepr.parse(u, A6, B6, true).error());
        assertEquals(WireError.BAD_LENGTH, u.wrap(IpCaptures.frame(IpCaptures.IPV6_UDP), UDP6, 26).check());
    }

    @Test
    void badChecksumIsRejectedUnlessTheDeviceVerified() {
        ByteBuf f = IpCaptures.frame(IpCaptures.IPV4_UDP);
        f.setByte(UDP4 + 8, 'H');
        assertEquals(WireError.BAD_CHECKSUM, UdpRepr.parse(wrap(f, UDP4), A4, B4).error());
        assertTrue(UdpRepr.parse(u, A4, B4, true).ok());

        ByteBuf g = IpCaptures.frame(IpCaptures.IPV6_UDP);
        g.setByte(UDP6 + 8, 'H');
        assertEquals(WireError.BAD_CHECKSUM, UdpRepr.parse(wrap(g, UDP6), A6, B6).error());
        assertTrue(UdpRepr.parse(u, A6, B6, true).ok());
    }

    @Test
    void zeroChecksumMeansNoneOverIpv4() {
        ByteBuf f = IpCaptures.frame(IpCaptures.IPV4_UDP);
        f.setShort(UDP4 + 6, 0);
        f.setByte(UDP4 + 8, 'H'); // nothing verifies the data any more
        Parsed<UdpRepr> r = UdpRepr.parse(wrap(f, UDP4), A4, B4);
        assertTrue(r.ok(), r::toString);
    }

    @Test
    void zeroChecksumIsInvalidOverIpv6() {
        ByteBuf f = IpCaptures.frame(IpCaptures.IPV6_UDP);
        f.setShort(UDP6 + 6, 0);
        UdpPacket udp = wrap(f, UDP6);
        assertEquals(WireError.OK, udp.check());
        assertFalse(udp.verifyChecksumIpv6(A6.hi(), A6.lo(), B6.hi(), B6.lo()));
        assertEquals(WireError.BAD_CHECKSUM, UdpRepr.parse(udp, A6, B6).error());
        assertEquals(WireError.BAD_CHECKSUM, UdpRepr.parse(udp, A6, B6, true).error(), "RFC 8200 section 8.1");
    }

    @Test
    void computedZeroIsSentAsAllOnes() {
        // Find the 2-octet payload that makes the sum all ones: it is the checksum of the datagram
        // with a zero payload (adding x to a sum s with ~s == x gives 0xFFFF).
        UdpRepr r = new UdpRepr(40000, 7777, 2);
        for (boolean v6 : new boolean[] {false, true}) {
            ByteBuf out = IpCaptures.zeroed(10);
            emit(r, out, v6);
            int word = out.getUnsignedShort(6);
            out.setShort(8, word);
            emit(r, out, v6);
            assertEquals(0xFFFF, out.getUnsignedShort(6), v6 ? "IPv6" : "IPv4");
            UdpPacket udp = u.wrap(out, 0, 10);
            assertTrue(v6 ? UdpRepr.parse(udp, A6, B6).ok() : UdpRepr.parse(udp, A4, B4).ok());
        }
    }

    private static void emit(UdpRepr r, ByteBuf out, boolean v6) {
        if (v6) {
            r.emit(out, 0, A6, B6);
        } else {
            r.emit(out, 0, A4, B4);
        }
    }

    @Test
    void oddLengthPayloadIsPaddedForTheChecksumOnly() {
        // The IPv6 capture carries 19 octets; the emitted checksum must match the kernel's.
        ByteBuf out = IpCaptures.zeroed(28);
        out.setBytes(8, "hello sockstack v6\n".getBytes(StandardCharsets.US_ASCII));
        out.setByte(27, 0x5a); // an octet after the datagram must not count
        UdpRepr.emitIpv6(out, 0, 40001, 7777, 19, A6.hi(), A6.lo(), B6.hi(), B6.lo());
        assertEquals(0x0ea5, out.getUnsignedShort(6));
    }

    @Test
    void reprRejectsImpossibleFields() {
        assertThrows(IllegalArgumentException.class, () -> new UdpRepr(65536, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new UdpRepr(1, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> new UdpRepr(1, 1, 65528));
        assertEquals("UDP 1 > 2 len 3", new UdpRepr(1, 2, 3).toString());
    }

    @Test
    void mutatedDatagramsNeverThrow() {
        Random random = new Random(17);
        int ok = 0;
        for (int round = 0; round < 20_000; round++) {
            boolean v6 = random.nextBoolean();
            byte[] frame = Hex.bytes(v6 ? IpCaptures.IPV6_UDP : IpCaptures.IPV4_UDP);
            int at = v6 ? UDP6 : UDP4;
            frame[at + random.nextInt(8)] = (byte) random.nextInt(256);
            int length = random.nextInt(frame.length - at + 1);
            u.wrap(Unpooled.wrappedBuffer(frame), at, length);
            Parsed<UdpRepr> r = v6 ? UdpRepr.parse(u, A6, B6, random.nextBoolean())
                    : UdpRepr.parse(u, A4, B4, random.nextBoolean());
            if (r.ok()) {
                ok++;
                assertTrue(r.value().udpLength() <= length);
            }
        }
        assertTrue(ok > 0);
    }
}
