package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.testing.Hex;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.stack.wire.IpCaptures.IP;

class Ipv4PacketTest {
    private static final Ipv4Address A = Ipv4Address.of(192, 0, 2, 1);
    private static final Ipv4Address B = Ipv4Address.of(192, 0, 2, 2);
    private static final List<String> ALL = List.of(IpCaptures.IPV4_ICMP_ECHO, IpCaptures.IPV4_RECORD_ROUTE_REQUEST,
            IpCaptures.IPV4_RECORD_ROUTE_REPLY, IpCaptures.IPV4_FRAGMENT_MIDDLE, IpCaptures.IPV4_FRAGMENT_LAST,
            IpCaptures.IPV4_FRAGMENT_LAST_3000, IpCaptures.IPV4_TOS, IpCaptures.IPV4_UDP);

    private final Ipv4Packet p = new Ipv4Packet();

    private Ipv4Packet wrap(ByteBuf frame) {
        return p.wrap(frame, IP, frame.capacity() - IP);
    }

    private Ipv4Packet wrap(String fixture) {
        return wrap(IpCaptures.frame(fixture));
    }

    /** Rewrites the header checksum after a test mutated the header, so the mutation is what parse sees. */
    private static void fixChecksum(ByteBuf frame) {
        int headerLength = (frame.getUnsignedByte(IP) & 0xF) * 4;
        frame.setShort(IP + 10, 0);
        frame.setShort(IP + 10, InternetChecksum.compute(frame, IP, Math.min(headerLength, frame.capacity() - IP)));
    }

    @Test
    void deconstructIcmpEcho() {
        Ipv4Packet ip = wrap(IpCaptures.IPV4_ICMP_ECHO);
        assertEquals(WireError.OK, ip.check());
        assertEquals(4, ip.version());
        assertEquals(5, ip.ihl());
        assertEquals(20, ip.headerLength());
        assertEquals(0, ip.tos());
        assertEquals(84, ip.totalLength());
        assertEquals(0xc76c, ip.identification());
        assertEquals(0b010, ip.flags());
        assertTrue(ip.dontFragment());
        assertFalse(ip.moreFragments());
        assertFalse(ip.reservedFlag());
        assertFalse(ip.isFragment());
        assertEquals(0, ip.fragmentOffset());
        assertEquals(64, ip.ttl());
        assertEquals(IpProtocol.ICMP, ip.protocol());
        assertEquals(0xef38, ip.headerChecksum());
        assertEquals(A.bits(), ip.srcAddr());
        assertEquals(B.bits(), ip.dstAddr());
        assertEquals(IP + 20, ip.payloadOffset());
        assertEquals(64, ip.payloadLength());
        assertEquals(0, ip.optionsLength());
        assertEquals(0x08, ip.buffer().getUnsignedByte(ip.payloadOffset()), "ICMP echo request type");
        assertTrue(ip.verifyChecksum());
        assertEquals(WireError.OK, ip.checkOptions());
    }

    @Test
    void deconstructDscpAndEcn() {
        Ipv4Packet ip = wrap(IpCaptures.IPV4_TOS);
        assertEquals(WireError.OK, ip.check());
        assertEquals(0xb9, ip.tos());
        assertEquals(46, ip.dscp());
        assertEquals(1, ip.ecn());
        assertTrue(ip.verifyChecksum());
    }

    @Test
    void deconstructFragments() {
        Ipv4Packet middle = wrap(IpCaptures.IPV4_FRAGMENT_MIDDLE);
        assertEquals(WireError.OK, middle.check());
        assertTrue(middle.moreFragments());
        assertFalse(middle.dontFragment());
        assertEquals(48, middle.fragmentOffset());
        assertTrue(middle.isFragment());
        assertEquals(48, middle.payloadLength());

        Ipv4Packet last = wrap(IpCaptures.IPV4_FRAGMENT_LAST);
        assertEquals(WireError.OK, last.check());
        assertFalse(last.moreFragments());
        assertEquals(96, last.fragmentOffset());
        assertTrue(last.isFragment());
        assertEquals(12, last.payloadLength());
        assertEquals(middle.identification(), last.identification());

        Ipv4Packet big = wrap(IpCaptures.IPV4_FRAGMENT_LAST_3000);
        assertEquals(WireError.OK, big.check());
        assertEquals(2960, big.fragmentOffset());
        assertEquals(48, big.payloadLength());
        assertTrue(big.isFragment());
    }

    @Test
    void parseIcmpEcho() {
        Parsed<Ipv4Repr> r = Ipv4Repr.parse(wrap(IpCaptures.IPV4_ICMP_ECHO));
        assertTrue(r.ok(), r::toString);
        assertEquals(new Ipv4Repr(A, B, IpProtocol.ICMP, 64, 64, 0, 0, 0xc76c, true, false, 0, null), r.value());
        assertEquals(20, r.value().bufferLength());
        assertEquals(84, r.value().totalLength());
    }

    @Test
    void constructIcmpEcho() {
        Ipv4Repr repr = new Ipv4Repr(A, B, IpProtocol.ICMP, 64, 64, 0, 0, 0xc76c, true, false, 0, null);
        ByteBuf out = IpCaptures.zeroed(IP + repr.bufferLength());
        repr.emit(out, IP);
        assertArrayEquals(IpCaptures.bytes(IpCaptures.IPV4_ICMP_ECHO, IP, IP + 20), IpCaptures.read(out, IP, 20));
    }

    @Test
    void constructWithDscpAndEcn() {
        Ipv4Repr repr = new Ipv4Repr(A, B, IpProtocol.ICMP, 16, 64, 46, 1, 0xda63, true, false, 0, null);
        ByteBuf out = IpCaptures.zeroed(20);
        repr.emit(out, 0);
        assertArrayEquals(IpCaptures.bytes(IpCaptures.IPV4_TOS, IP, IP + 20), IpCaptures.read(out, 0, 20));
    }

    @Test
    void constructMiddleFragment() {
        Ipv4Repr repr = new Ipv4Repr(A, B, IpProtocol.ICMP, 48, 64, 0, 0, 0xe311, false, true, 48, null);
        ByteBuf out = IpCaptures.zeroed(20);
        repr.emit(out, 0);
        assertArrayEquals(IpCaptures.bytes(IpCaptures.IPV4_FRAGMENT_MIDDLE, IP, IP + 20), IpCaptures.read(out, 0, 20));
    }

    @Test
    void roundTripEveryCapture() {
        for (String fixture : ALL) {
            ByteBuf frame = IpCaptures.frame(fixture);
            Parsed<Ipv4Repr> r = Ipv4Repr.parse(wrap(frame));
            assertTrue(r.ok(), r::toString);
            int headerLength = p.headerLength();
            assertEquals(headerLength, r.value().bufferLength());
            int totalLength = p.totalLength();
            ByteBuf out = IpCaptures.zeroed(totalLength);
            r.value().emit(out, 0);
            assertArrayEquals(IpCaptures.read(frame, IP, headerLength), IpCaptures.read(out, 0, headerLength), fixture);
            out.setBytes(headerLength, frame, p.payloadOffset(), p.payloadLength());
            assertEquals(r.value(), Ipv4Repr.parse(new Ipv4Packet().wrap(out, 0, totalLength)).value());
        }
    }

    @Test
    void recordRouteOptionsOfTheRequest() {
        Ipv4Packet ip = wrap(IpCaptures.IPV4_RECORD_ROUTE_REQUEST);
        assertEquals(WireError.OK, ip.check());
        assertEquals(15, ip.ihl());
        assertEquals(40, ip.optionsLength());
        assertEquals(64, ip.payloadLength());
        assertEquals(WireError.OK, ip.checkOptions());
        Ipv4OptionIterator it = ip.options(new Ipv4OptionIterator());
        assertTrue(it.next());
        assertEquals(Ipv4OptionIterator.NO_OPERATION, it.type());
        assertEquals(1, it.optionLength());
        assertEquals(0, it.dataLength());
        assertTrue(it.next());
        assertEquals(Ipv4OptionIterator.RECORD_ROUTE, it.type());
        assertEquals(IP + 21, it.optionOffset());
        assertEquals(39, it.optionLength());
        assertEquals(37, it.dataLength());
        assertEquals(8, ip.buffer().getUnsignedByte(it.dataOffset()), "pointer: the second slot is next");
        assertEquals(A.bits(), ip.buffer().getInt(it.dataOffset() + 1), "the sender recorded itself");
        assertFalse(Ipv4OptionIterator.copied(it.type()));
        assertEquals(0, Ipv4OptionIterator.optionClass(it.type()));
        assertEquals(7, Ipv4OptionIterator.number(it.type()));
        assertFalse(it.next());
        assertEquals(WireError.OK, it.error());
    }

    @Test
    void recordRouteOptionsOfTheReplyEndAtEndOfOptionList() {
        Ipv4Packet ip = wrap(IpCaptures.IPV4_RECORD_ROUTE_REPLY);
        assertEquals(WireError.OK, ip.check());
        Ipv4OptionIterator it = ip.options(new Ipv4OptionIterator());
        assertTrue(it.next());
        assertEquals(Ipv4OptionIterator.RECORD_ROUTE, it.type());
        assertEquals(IP + 20, it.optionOffset());
        assertEquals(16, ip.buffer().getUnsignedByte(it.dataOffset()), "pointer after three recorded addresses");
        assertEquals(B.bits(), ip.buffer().getInt(it.dataOffset() + 5));
        assertFalse(it.next(), "End of Option List ends the walk");
        assertEquals(WireError.OK, it.error());
    }

    @Test
    void constructRecordRouteRequestFromOptions() {
        byte[] options = IpCaptures.bytes(IpCaptures.IPV4_RECORD_ROUTE_REQUEST, IP + 20, IP + 60);
        Ipv4Repr repr = new Ipv4Repr(A, B, IpProtocol.ICMP, 64, 64, 0, 0, 0xc76d, true, false, 0, options);
        assertEquals(60, repr.bufferLength());
        ByteBuf out = IpCaptures.zeroed(60);
        repr.emit(out, 0);
        assertArrayEquals(IpCaptures.bytes(IpCaptures.IPV4_RECORD_ROUTE_REQUEST, IP, IP + 60), IpCaptures.read(out, 0, 60));
        assertArrayEquals(options, Ipv4Repr.parse(new Ipv4Packet().wrap(IpCaptures.frame(IpCaptures.IPV4_RECORD_ROUTE_REQUEST),
                IP, 124)).value().options());
    }

    @Test
    void emitPadsOptionsToA32BitBoundary() {
        // Router Alert (RFC 2113) then a NOP: 5 octets, padded with 3 End of Option List octets.
        byte[] options = {(byte) 148, 4, 0, 0, 1};
        Ipv4Repr repr = new Ipv4Repr(A, B, IpProtocol.IGMP, 8, 1, 0, 0, 0, false, false, 0, options);
        assertEquals(28, repr.bufferLength());
        ByteBuf out = IpCaptures.zeroed(28 + 8);
        out.setBytes(20, new byte[] {(byte) 0xAA, (byte) 0xAA, (byte) 0xAA}); // garbage the padding must overwrite
        repr.emit(out, 0);
        assertArrayEquals(Hex.bytes("9404 0000 0100 0000"), IpCaptures.read(out, 20, 8));
        Ipv4Packet ip = new Ipv4Packet().wrap(out, 0, 36);
        assertEquals(WireError.OK, ip.check());
        assertEquals(7, ip.ihl());
        assertTrue(ip.verifyChecksum());
        Ipv4OptionIterator it = ip.options(new Ipv4OptionIterator());
        assertTrue(it.next());
        assertEquals(Ipv4OptionIterator.ROUTER_ALERT, it.type());
        assertTrue(Ipv4OptionIterator.copied(it.type()));
        assertTrue(it.next());
        assertEquals(Ipv4OptionIterator.NO_OPERATION, it.type());
        assertFalse(it.next());
    }

    @Test
    void ethernetPaddingIsNotPayload() {
        // The 32-octet last fragment in a minimum-size Ethernet frame: 14 + 46 octets, 14 of them padding.
        byte[] captured = Hex.bytes(IpCaptures.IPV4_FRAGMENT_LAST);
        byte[] padded = java.util.Arrays.copyOf(captured, 60);
        Ipv4Packet ip = wrap(io.netty.buffer.Unpooled.wrappedBuffer(padded));
        assertEquals(WireError.OK, ip.check());
        assertEquals(46, ip.length());
        assertEquals(32, ip.totalLength());
        assertEquals(12, ip.payloadLength());
        assertTrue(Ipv4Repr.parse(ip).ok());
    }

    @Test
    void badChecksumIsRejectedUnlessTheDeviceVerified() {
        ByteBuf frame = IpCaptures.frame(IpCaptures.IPV4_ICMP_ECHO);
        frame.setByte(IP + 8, 63); // TTL changed without updating the checksum
        Ipv4Packet ip = wrap(frame);
        assertEquals(WireError.OK, ip.check());
        assertFalse(ip.verifyChecksum());
        assertEquals(WireError.BAD_CHECKSUM, Ipv4Repr.parse(ip).error());
        Parsed<Ipv4Repr> trusted = Ipv4Repr.parse(ip, true);
        assertTrue(trusted.ok());
        assertEquals(63, trusted.value().ttl());
    }

    @Test
    void truncatedHeader() {
        ByteBuf frame = IpCaptures.frame(IpCaptures.IPV4_ICMP_ECHO);
        for (int length = 0; length < 20; length++) {
            assertEquals(WireError.TRUNCATED, p.wrap(frame, IP, length).check(), "length " + length);
            assertEquals(WireError.TRUNCATED, Ipv4Repr.parse(p).error());
        }
    }

    @Test
    void wrongVersion() {
        ByteBuf frame = IpCaptures.frame(IpCaptures.IPV4_ICMP_ECHO);
        frame.setByte(IP, 0x65);
        fixChecksum(frame);
        assertEquals(WireError.BAD_VERSION, wrap(frame).check());
        assertEquals(WireError.BAD_VERSION, Ipv4Repr.parse(p).error());
    }

    @Test
    void headerLengthBelowFiveWords() {
        ByteBuf frame = IpCaptures.frame(IpCaptures.IPV4_ICMP_ECHO);
        frame.setByte(IP, 0x44);
        assertEquals(WireError.BAD_LENGTH, wrap(frame).check());
        assertEquals(WireError.BAD_LENGTH, Ipv4Repr.parse(p).error());
    }

    @Test
    void headerLongerThanTheBuffer() {
        ByteBuf frame = IpCaptures.frame(IpCaptures.IPV4_ICMP_ECHO);
        frame.setByte(IP, 0x4f); // 60-octet header
        assertEquals(WireError.BAD_LENGTH, p.wrap(frame, IP, 40).check());
    }

    @Test
    void totalLengthPastTheBuffer() {
        ByteBuf frame = IpCaptures.frame(IpCaptures.IPV4_ICMP_ECHO);
        frame.setShort(IP + 2, 85);
        fixChecksum(frame);
        assertEquals(WireError.BAD_LENGTH, wrap(frame).check());
        assertEquals(WireError.BAD_LENGTH, Ipv4Repr.parse(p).error());
    }

    @Test
    void totalLengthShorterThanTheHeader() {
        ByteBuf frame = IpCaptures.frame(IpCaptures.IPV4_RECORD_ROUTE_REQUEST);
        frame.setShort(IP + 2, 40); // header is 60
        fixChecksum(frame);
        assertEquals(WireError.BAD_LENGTH, wrap(frame).check());
        assertEquals(WireError.BAD_LENGTH, Ipv4Repr.parse(p).error());
    }

    private WireError parseWithOptions(String optionsHex) {
        byte[] options = Hex.bytes(optionsHex);
        ByteBuf frame = IpCaptures.frame(IpCaptures.IPV4_RECORD_ROUTE_REQUEST);
        frame.setBytes(IP + 20, options);
        frame.setZero(IP + 20 + options.length, 40 - options.length);
        fixChecksum(frame);
        WireError e = wrap(frame).check();
        assertEquals(WireError.OK, e);
        return Ipv4Repr.parse(p).error();
    }

    @Test
    void optionLengthZeroOrOne() {
        assertEquals(WireError.BAD_OPTION, parseWithOptions("01 07 00"));
        assertEquals(WireError.BAD_OPTION, parseWithOptions("01 07 01"));
        assertEquals(WireError.BAD_OPTION, parseWithOptions("44 00"));
        assertEquals(WireError.BAD_OPTION, parseWithOptions("1e 00"), "an unknown option of length 0");
        assertEquals(WireError.BAD_OPTION, parseWithOptions("1e 01"), "an unknown option of length 1");
        assertEquals(WireError.OK, parseWithOptions("1e 02"));
    }

    @Test
    void optionPastTheHeaderEnd() {
        // Record Route claiming 41 octets in a 40-octet options area.
        assertEquals(WireError.BAD_OPTION, parseWithOptions("07 29 04"));
        // The last octet of the header is an option type whose length octet would lie past the end.
        String thirtyNineNops = "01".repeat(39);
        assertEquals(WireError.BAD_OPTION, parseWithOptions(thirtyNineNops + "07"));
        assertEquals(WireError.OK, parseWithOptions(thirtyNineNops + "00"));
        assertEquals(WireError.OK, parseWithOptions(thirtyNineNops + "01"));
    }

    @Test
    void malformedKnownOptions() {
        assertEquals(WireError.BAD_OPTION, parseWithOptions("07 02"), "record route without pointer");
        assertEquals(WireError.BAD_OPTION, parseWithOptions("07 07 03 00 00 00 00"), "route pointer below 4");
        assertEquals(WireError.BAD_OPTION, parseWithOptions("44 04 04 00"), "timestamp pointer below 5");
        assertEquals(WireError.BAD_OPTION, parseWithOptions("94 03 00"), "router alert of length 3");
        assertEquals(WireError.OK, parseWithOptions("94 04 00 00"));
        assertEquals(WireError.OK, parseWithOptions("07 07 04 00 00 00 00"));
    }

    @Test
    void optionIteratorStopsAtTheFirstBadOption() {
        ByteBuf b = Hex.buf("01 07 00 01");
        Ipv4OptionIterator it = new Ipv4OptionIterator().wrap(b, 0, 4);
        assertTrue(it.next());
        assertEquals(Ipv4OptionIterator.NO_OPERATION, it.type());
        assertFalse(it.next());
        assertEquals(WireError.BAD_OPTION, it.error());
        assertFalse(it.next(), "stays finished");
    }

    @Test
    void nonFinalFragmentOfOddLength() {
        ByteBuf frame = IpCaptures.frame(IpCaptures.IPV4_FRAGMENT_MIDDLE);
        frame.setShort(IP + 2, 67); // 47 octets of data with MF set
        fixChecksum(frame);
        assertEquals(WireError.OK, wrap(frame).check());
        assertEquals(WireError.BAD_LENGTH, Ipv4Repr.parse(p).error());
    }

    @Test
    void fragmentReachingPastTheLargestDatagram() {
        ByteBuf frame = IpCaptures.frame(IpCaptures.IPV4_FRAGMENT_LAST);
        frame.setShort(IP + 6, 0x1FFF); // offset 65528, plus 20 + 12 octets
        fixChecksum(frame);
        assertEquals(WireError.OK, wrap(frame).check());
        assertEquals(WireError.BAD_LENGTH, Ipv4Repr.parse(p).error());
    }

    @Test
    void reprRejectsImpossibleFields() {
        assertThrows(IllegalArgumentException.class, () -> new Ipv4Repr(A, B, 256, 0, 64));
        assertThrows(IllegalArgumentException.class, () -> new Ipv4Repr(A, B, 1, 0, 256));
        assertThrows(IllegalArgumentException.class, () -> new Ipv4Repr(A, B, 1, 65516, 64));
        assertThrows(IllegalArgumentException.class,
                () -> new Ipv4Repr(A, B, 1, 8, 64, 0, 0, 0, false, true, 7, null));
        assertThrows(IllegalArgumentException.class,
                () -> new Ipv4Repr(A, B, 1, 8, 64, 64, 0, 0, false, false, 0, null));
        assertThrows(IllegalArgumentException.class,
                () -> new Ipv4Repr(A, B, 1, 8, 64, 0, 0, 0, false, false, 0, new byte[41]));
        assertEquals(65515, new Ipv4Repr(A, B, 1, 65515, 64).payloadLength());
    }

    @Test
    void mutatedCapturesNeverThrow() {
        Random random = new Random(4);
        List<WireError> seen = new ArrayList<>();
        for (int round = 0; round < 20_000; round++) {
            byte[] frame = Hex.bytes(ALL.get(random.nextInt(ALL.size())));
            for (int flips = random.nextInt(4); flips >= 0; flips--) {
                frame[IP + random.nextInt(Math.min(60, frame.length - IP))] = (byte) random.nextInt(256);
            }
            int length = random.nextInt(frame.length - IP + 1);
            Parsed<Ipv4Repr> r = Ipv4Repr.parse(p.wrap(io.netty.buffer.Unpooled.wrappedBuffer(frame), IP, length),
                    random.nextBoolean());
            if (r.ok()) {
                assertTrue(r.value().totalLength() <= length);
            } else if (!seen.contains(r.error())) {
                seen.add(r.error());
            }
        }
        assertTrue(seen.containsAll(List.of(WireError.TRUNCATED, WireError.BAD_VERSION, WireError.BAD_LENGTH,
                WireError.BAD_CHECKSUM, WireError.BAD_OPTION)), seen::toString);
    }

    @Test
    void toStringReadsLikeTcpdump() {
        Ipv4Repr r = Ipv4Repr.parse(wrap(IpCaptures.IPV4_FRAGMENT_MIDDLE)).value();
        assertEquals("IPv4 192.0.2.1 > 192.0.2.2 ICMP len 48 ttl 64 id 58129 frag 48+", r.toString());
    }
}
