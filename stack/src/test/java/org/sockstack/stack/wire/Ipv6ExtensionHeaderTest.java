package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.testing.Hex;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.stack.wire.IpCaptures.IP;

/** Hop-by-Hop, Destination Options, Routing and Fragment headers (RFC 8200 section 4). */
class Ipv6ExtensionHeaderTest {
    /** The first extension header follows the 40-octet fixed header. */
    private static final int EXT = IP + 40;

    private static ByteBuf frame(String fixture) {
        return IpCaptures.frame(fixture);
    }

    private static Ipv6OptionsHeader options(ByteBuf frame) {
        return new Ipv6OptionsHeader().wrap(frame, EXT, frame.capacity() - EXT);
    }

    // ---- Hop-by-Hop and Destination Options ----

    @Test
    void deconstructMldHopByHopHeader() {
        ByteBuf f = frame(IpCaptures.IPV6_MLD_HOP_BY_HOP);
        Ipv6OptionsHeader h = options(f);
        assertEquals(WireError.OK, h.check());
        assertEquals(IpProtocol.ICMPV6, h.nextHeader());
        assertEquals(0, h.hdrExtLen());
        assertEquals(8, h.headerLength());
        assertEquals(EXT + 2, h.optionsOffset());
        assertEquals(6, h.optionsLength());
        assertEquals(EXT + 8, h.payloadOffset());
        assertEquals(48, h.payloadLength());
        assertEquals(143, f.getUnsignedByte(h.payloadOffset()), "MLDv2 report type");
        assertEquals(WireError.OK, h.checkOptions());

        Ipv6OptionIterator it = h.options(new Ipv6OptionIterator());
        assertTrue(it.next());
        assertEquals(Ipv6OptionIterator.ROUTER_ALERT, it.type());
        assertEquals(2, it.dataLength());
        assertEquals(0, f.getUnsignedShort(it.dataOffset()), "Router Alert value 0: MLD");
        assertEquals(Ipv6OptionIterator.ACTION_SKIP, Ipv6OptionIterator.action(it.type()));
        assertFalse(Ipv6OptionIterator.mayChange(it.type()));
        assertTrue(it.next());
        assertEquals(Ipv6OptionIterator.PADN, it.type());
        assertEquals(0, it.dataLength());
        assertEquals(2, it.optionLength());
        assertFalse(it.next());
        assertEquals(WireError.OK, it.error());
    }

    @Test
    void parseAndConstructMldHopByHopHeader() {
        Parsed<Ipv6OptionsRepr> r = Ipv6OptionsRepr.parse(options(frame(IpCaptures.IPV6_MLD_HOP_BY_HOP)));
        assertTrue(r.ok(), r::toString);
        assertEquals(IpProtocol.ICMPV6, r.value().nextHeader());
        assertArrayEquals(Hex.bytes("0502 0000 0100"), r.value().options());

        // A Router Alert alone: emit pads it with a PadN of no data, as the kernel did.
        Ipv6OptionsRepr built = Ipv6OptionsRepr.routerAlert(IpProtocol.ICMPV6, 0);
        assertEquals(8, built.bufferLength());
        ByteBuf out = IpCaptures.zeroed(8);
        built.emit(out, 0);
        assertArrayEquals(IpCaptures.bytes(IpCaptures.IPV6_MLD_HOP_BY_HOP, EXT, EXT + 8), IpCaptures.read(out, 0, 8));
        assertEquals(r.value(), Ipv6OptionsRepr.parse(new Ipv6OptionsHeader().wrap(out, 0, 8)).value());
    }

    @Test
    void deconstructAndRoundTripDestinationOptions() {
        ByteBuf f = frame(IpCaptures.IPV6_DEST_OPTIONS_UDP);
        Ipv6Packet ip = new Ipv6Packet().wrap(f, IP, f.capacity() - IP);
        assertEquals(WireError.OK, ip.check());
        assertEquals(IpProtocol.IPV6_DEST_OPTIONS, ip.nextHeader());
        Ipv6OptionsHeader h = options(f);
        assertEquals(WireError.OK, h.check());
        assertEquals(IpProtocol.UDP, h.nextHeader());
        Ipv6OptionIterator it = h.options(new Ipv6OptionIterator());
        assertTrue(it.next());
        assertEquals(0x1e, it.type());
        assertEquals(Ipv6OptionIterator.ACTION_SKIP, Ipv6OptionIterator.action(it.type()));
        assertEquals(0xabcd, f.getUnsignedShort(it.dataOffset()));
        assertTrue(it.next());
        assertEquals(Ipv6OptionIterator.PADN, it.type());
        assertFalse(it.next());

        Ipv6OptionsRepr r = Ipv6OptionsRepr.parse(h).value();
        ByteBuf out = IpCaptures.zeroed(r.bufferLength());
        r.emit(out, 0);
        assertArrayEquals(IpCaptures.bytes(IpCaptures.IPV6_DEST_OPTIONS_UDP, EXT, EXT + 8), IpCaptures.read(out, 0, 8));
        // Options without padding: emit adds the PadN itself.
        Ipv6OptionsRepr unpadded = new Ipv6OptionsRepr(IpProtocol.UDP, Hex.bytes("1e02 abcd"));
        ByteBuf out2 = IpCaptures.zeroed(8);
        unpadded.emit(out2, 0);
        assertArrayEquals(IpCaptures.read(out, 0, 8), IpCaptures.read(out2, 0, 8));
    }

    @Test
    void actionBitsOfTheOptionType() {
        assertEquals(Ipv6OptionIterator.ACTION_SKIP, Ipv6OptionIterator.action(0x1e));
        assertEquals(Ipv6OptionIterator.ACTION_DISCARD, Ipv6OptionIterator.action(0x5e));
        assertEquals(Ipv6OptionIterator.ACTION_DISCARD_SEND_ICMP, Ipv6OptionIterator.action(0x9e));
        assertEquals(Ipv6OptionIterator.ACTION_DISCARD_SEND_ICMP_UNLESS_MULTICAST,
                Ipv6OptionIterator.action(Ipv6OptionIterator.JUMBO_PAYLOAD));
        assertTrue(Ipv6OptionIterator.mayChange(0x3e));
        assertFalse(Ipv6OptionIterator.mayChange(Ipv6OptionIterator.ROUTER_ALERT));
    }

    @Test
    void emitPadsWithPad1AndPadN() {
        // 2 + 5 octets: one Pad1 completes the 8.
        Ipv6OptionsRepr oneShort = new Ipv6OptionsRepr(IpProtocol.UDP, Hex.bytes("1e03 aabbcc"));
        ByteBuf out = IpCaptures.zeroed(8);
        out.setByte(7, 0x77);
        oneShort.emit(out, 0);
        assertArrayEquals(Hex.bytes("1100 1e03 aabb cc00"), IpCaptures.read(out, 0, 8));
        // 2 + 7 octets: a PadN of 5 data octets completes 16.
        Ipv6OptionsRepr longer = new Ipv6OptionsRepr(IpProtocol.TCP, Hex.bytes("1e05 0102 0304 05"));
        assertEquals(16, longer.bufferLength());
        ByteBuf out2 = IpCaptures.zeroed(16);
        out2.setBytes(11, Hex.bytes("ffffffff"));
        longer.emit(out2, 0);
        assertArrayEquals(Hex.bytes("0601 1e05 0102 0304 0501 0500 0000 0000"), IpCaptures.read(out2, 0, 16));
        Ipv6OptionsHeader h = new Ipv6OptionsHeader().wrap(out2, 0, 16);
        assertEquals(WireError.OK, h.check());
        assertEquals(WireError.OK, h.checkOptions());
        // No options at all: a PadN of 4 fills the 8.
        ByteBuf out3 = IpCaptures.zeroed(8);
        new Ipv6OptionsRepr(IpProtocol.IPV6_NO_NEXT_HEADER, new byte[0]).emit(out3, 0);
        assertArrayEquals(Hex.bytes("3b00 0104 0000 0000"), IpCaptures.read(out3, 0, 8));
    }

    @Test
    void optionsHeaderTruncated() {
        ByteBuf f = frame(IpCaptures.IPV6_MLD_HOP_BY_HOP);
        for (int length = 0; length < 8; length++) {
            Ipv6OptionsHeader h = new Ipv6OptionsHeader().wrap(f, EXT, length);
            assertEquals(WireError.TRUNCATED, h.check());
            assertEquals(WireError.TRUNCATED, Ipv6OptionsRepr.parse(h).error());
        }
    }

    @Test
    void optionsHeaderLengthPastTheBuffer() {
        ByteBuf f = frame(IpCaptures.IPV6_MLD_HOP_BY_HOP);
        f.setByte(EXT + 1, 7); // 64 octets, but only 56 remain
        Ipv6OptionsHeader h = options(f);
        assertEquals(WireError.BAD_LENGTH, h.check());
        assertEquals(WireError.BAD_LENGTH, Ipv6OptionsRepr.parse(h).error());
    }

    private static WireError parseOptions(String optionsHex) {
        byte[] options = Hex.bytes(optionsHex);
        ByteBuf b = Unpooled.wrappedBuffer(new byte[2 + options.length]);
        b.setByte(0, IpProtocol.UDP);
        b.setByte(1, (2 + options.length) / 8 - 1);
        b.setBytes(2, options);
        Ipv6OptionsHeader h = new Ipv6OptionsHeader().wrap(b, 0, b.capacity());
        assertEquals(WireError.OK, h.check());
        return Ipv6OptionsRepr.parse(h).error();
    }

    @Test
    void optionPastTheHeaderEnd() {
        assertEquals(WireError.BAD_OPTION, parseOptions("1e05 0000 0000"), "data of 5 in 4 octets");
        assertEquals(WireError.BAD_OPTION, parseOptions("0000 0000 001e"), "type without length octet");
        assertEquals(WireError.BAD_OPTION, parseOptions("0105 0000 0000"), "PadN past the end");
        assertEquals(WireError.OK, parseOptions("0000 0000 0000"), "six Pad1");
        assertEquals(WireError.OK, parseOptions("1e04 0000 0000"));
    }

    @Test
    void knownOptionsOfTheWrongSize() {
        assertEquals(WireError.BAD_OPTION, parseOptions("0503 0000 0000"), "Router Alert of 3");
        assertEquals(WireError.BAD_OPTION, parseOptions("c202 0000 0100"), "Jumbo Payload of 2");
        assertEquals(WireError.BAD_OPTION, parseOptions("0402 0000 0100"), "Tunnel Encapsulation Limit of 2");
        assertEquals(WireError.OK, parseOptions("0401 0401 0000"));
    }

    // ---- Routing ----

    @Test
    void deconstructSegmentRoutingHeader() {
        ByteBuf f = frame(IpCaptures.IPV6_SEGMENT_ROUTING);
        Ipv6Packet ip = new Ipv6Packet().wrap(f, IP, f.capacity() - IP);
        assertEquals(WireError.OK, ip.check());
        assertEquals(IpProtocol.IPV6_ROUTING, ip.nextHeader());
        Ipv6RoutingHeader h = new Ipv6RoutingHeader().wrap(f, EXT, ip.payloadLength());
        assertEquals(WireError.OK, h.check());
        assertEquals(IpProtocol.ICMPV6, h.nextHeader());
        assertEquals(4, h.hdrExtLen());
        assertEquals(40, h.headerLength());
        assertEquals(Ipv6RoutingHeader.TYPE_SEGMENT_ROUTING, h.routingType());
        assertEquals(1, h.segmentsLeft());
        assertEquals(EXT + 4, h.dataOffset());
        assertEquals(36, h.dataLength());
        assertEquals(1, f.getUnsignedByte(h.dataOffset()), "SRH Last Entry (RFC 8754)");
        assertEquals(Ipv6Address.parse("2001:db8:99::1"), Ipv6Address.read(f, h.dataOffset() + 4));
        assertEquals(Ipv6Address.parse("2001:db8::2"), Ipv6Address.read(f, h.dataOffset() + 20));
        assertEquals(EXT + 40, h.payloadOffset());
        assertEquals(64, h.payloadLength());
        assertEquals(128, f.getUnsignedByte(h.payloadOffset()), "ICMPv6 echo request");
    }

    @Test
    void parseConstructAndRoundTripRoutingHeader() {
        ByteBuf f = frame(IpCaptures.IPV6_SEGMENT_ROUTING);
        Parsed<Ipv6RoutingRepr> r = Ipv6RoutingRepr.parse(new Ipv6RoutingHeader().wrap(f, EXT, f.capacity() - EXT));
        assertTrue(r.ok(), r::toString);
        byte[] data = IpCaptures.bytes(IpCaptures.IPV6_SEGMENT_ROUTING, EXT + 4, EXT + 40);
        Ipv6RoutingRepr expected = new Ipv6RoutingRepr(IpProtocol.ICMPV6, 4, 1, data);
        assertEquals(expected, r.value());
        assertEquals(40, expected.bufferLength());
        ByteBuf out = IpCaptures.zeroed(40);
        expected.emit(out, 0);
        assertArrayEquals(IpCaptures.bytes(IpCaptures.IPV6_SEGMENT_ROUTING, EXT, EXT + 40), IpCaptures.read(out, 0, 40));
        assertEquals(expected, Ipv6RoutingRepr.parse(new Ipv6RoutingHeader().wrap(out, 0, 40)).value());
    }

    @Test
    void routingHeaderTruncatedOrTooLong() {
        ByteBuf f = frame(IpCaptures.IPV6_SEGMENT_ROUTING);
        Ipv6RoutingHeader h = new Ipv6RoutingHeader();
        assertEquals(WireError.TRUNCATED, Ipv6RoutingRepr.parse(h.wrap(f, EXT, 7)).error());
        assertEquals(WireError.BAD_LENGTH, Ipv6RoutingRepr.parse(h.wrap(f, EXT, 39)).error(), "Hdr Ext Len says 40");
        f.setByte(EXT + 1, 13); // 112 octets, only 104 left
        assertEquals(WireError.BAD_LENGTH, Ipv6RoutingRepr.parse(h.wrap(f, EXT, f.capacity() - EXT)).error());
    }

    @Test
    void routingReprNeedsWholeUnitsOfEight() {
        assertThrows(IllegalArgumentException.class, () -> new Ipv6RoutingRepr(59, 4, 0, new byte[5]));
        assertEquals(8, new Ipv6RoutingRepr(59, 4, 0, new byte[4]).bufferLength());
    }

    // ---- Fragment ----

    @Test
    void deconstructFragmentHeaders() {
        ByteBuf middle = frame(IpCaptures.IPV6_FRAGMENT_MIDDLE);
        Ipv6Packet ip = new Ipv6Packet().wrap(middle, IP, middle.capacity() - IP);
        assertEquals(WireError.OK, ip.check());
        assertEquals(IpProtocol.IPV6_FRAGMENT, ip.nextHeader());
        assertEquals(1456, ip.payloadLength());
        Ipv6FragmentHeader h = new Ipv6FragmentHeader().wrap(middle, EXT, ip.payloadLength());
        assertEquals(WireError.OK, h.check());
        assertEquals(IpProtocol.ICMPV6, h.nextHeader());
        assertEquals(1448, h.fragmentOffset());
        assertTrue(h.moreFragments());
        assertFalse(h.isAtomic());
        assertEquals(0x0c78e661, h.identification());
        assertEquals(EXT + 8, h.payloadOffset());
        assertEquals(1448, h.payloadLength());

        ByteBuf last = frame(IpCaptures.IPV6_FRAGMENT_LAST);
        h.wrap(last, EXT, last.capacity() - EXT);
        assertEquals(WireError.OK, h.check());
        assertEquals(2896, h.fragmentOffset());
        assertFalse(h.moreFragments());
        assertEquals(0x0c78e661, h.identification());
        assertEquals(112, h.payloadLength());
    }

    @Test
    void parseConstructAndRoundTripFragmentHeaders() {
        Ipv6FragmentRepr expected = new Ipv6FragmentRepr(IpProtocol.ICMPV6, 1448, true, 0x0c78e661);
        ByteBuf middle = frame(IpCaptures.IPV6_FRAGMENT_MIDDLE);
        assertEquals(expected, Ipv6FragmentRepr.parse(new Ipv6FragmentHeader().wrap(middle, EXT, 8)).value());
        ByteBuf out = IpCaptures.zeroed(8);
        expected.emit(out, 0);
        assertArrayEquals(IpCaptures.bytes(IpCaptures.IPV6_FRAGMENT_MIDDLE, EXT, EXT + 8), IpCaptures.read(out, 0, 8));

        ByteBuf last = frame(IpCaptures.IPV6_FRAGMENT_LAST);
        Ipv6FragmentRepr r = Ipv6FragmentRepr.parse(new Ipv6FragmentHeader().wrap(last, EXT, 120)).value();
        assertEquals(new Ipv6FragmentRepr(IpProtocol.ICMPV6, 2896, false, 0x0c78e661), r);
        r.emit(out, 0);
        assertArrayEquals(IpCaptures.bytes(IpCaptures.IPV6_FRAGMENT_LAST, EXT, EXT + 8), IpCaptures.read(out, 0, 8));
    }

    @Test
    void fragmentHeaderReservedBitsAreIgnored() {
        ByteBuf f = frame(IpCaptures.IPV6_FRAGMENT_MIDDLE);
        f.setByte(EXT + 1, 0xff);
        f.setShort(EXT + 2, f.getUnsignedShort(EXT + 2) | 0x6);
        Parsed<Ipv6FragmentRepr> r = Ipv6FragmentRepr.parse(new Ipv6FragmentHeader().wrap(f, EXT, 8));
        assertEquals(new Ipv6FragmentRepr(IpProtocol.ICMPV6, 1448, true, 0x0c78e661), r.value());
    }

    @Test
    void fragmentHeaderTruncated() {
        ByteBuf f = frame(IpCaptures.IPV6_FRAGMENT_LAST);
        for (int length = 0; length < 8; length++) {
            assertEquals(WireError.TRUNCATED, Ipv6FragmentRepr.parse(new Ipv6FragmentHeader().wrap(f, EXT, length)).error());
        }
    }

    @Test
    void atomicFragment() {
        ByteBuf out = IpCaptures.zeroed(8);
        new Ipv6FragmentRepr(IpProtocol.UDP, 0, false, 7).emit(out, 0);
        assertTrue(new Ipv6FragmentHeader().wrap(out, 0, 8).isAtomic());
        assertThrows(IllegalArgumentException.class, () -> new Ipv6FragmentRepr(IpProtocol.UDP, 12, false, 7));
    }

    // ---- Robustness ----

    @Test
    void mutatedHeadersNeverThrow() {
        Random random = new Random(8);
        String[] fixtures = {IpCaptures.IPV6_MLD_HOP_BY_HOP, IpCaptures.IPV6_DEST_OPTIONS_UDP,
                IpCaptures.IPV6_SEGMENT_ROUTING, IpCaptures.IPV6_FRAGMENT_LAST};
        Ipv6OptionsHeader oh = new Ipv6OptionsHeader();
        Ipv6RoutingHeader rh = new Ipv6RoutingHeader();
        Ipv6FragmentHeader fh = new Ipv6FragmentHeader();
        int ok = 0;
        for (int round = 0; round < 20_000; round++) {
            byte[] frame = Hex.bytes(fixtures[random.nextInt(fixtures.length)]);
            for (int flips = random.nextInt(3); flips >= 0; flips--) {
                frame[EXT + random.nextInt(16)] = (byte) random.nextInt(256);
            }
            ByteBuf b = Unpooled.wrappedBuffer(frame);
            int length = random.nextInt(frame.length - EXT + 1);
            ok += Ipv6OptionsRepr.parse(oh.wrap(b, EXT, length)).ok() ? 1 : 0;
            ok += Ipv6RoutingRepr.parse(rh.wrap(b, EXT, length)).ok() ? 1 : 0;
            ok += Ipv6FragmentRepr.parse(fh.wrap(b, EXT, length)).ok() ? 1 : 0;
        }
        assertTrue(ok > 0);
    }
}
