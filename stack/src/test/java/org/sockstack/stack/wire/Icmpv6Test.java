package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.stack.wire.WireFixtures.*;

/**
 * ICMPv6 echo and error messages (RFC 4443) against frames the Linux 6.18 kernel sent between
 * namespaces wire-icmpA (2001:db8::1) and wire-icmpB (2001:db8::2, forwarding, a second link of
 * MTU 1280), captured with {@code tcpdump -i wicB -w}. The message starts after the Ethernet and
 * the 40-octet IPv6 header; the checksum needs the IPv6 addresses, read from that header.
 */
class Icmpv6Test {

    /**
     * {@code ping -6 -c1 2001:db8::2} in wire-icmpA: Echo Request, id 0x2d3d, seq 1.
     */
    static final String ECHO_REQUEST = """
            020000000b01020000000a0186dd # Ethernet (skipped)
            600b727500403a4020010db8000000000000000000000001 # IPv6 header (skipped)
            20010db8000000000000000000000002
            800065e4 2d3d0001 f235056b 00000000
            d2790800 00000000 10111213 14151617
            18191a1b 1c1d1e1f 20212223 24252627
            28292a2b 2c2d2e2f 30313233 34353637
            """;

    /**
     * The kernel of wire-icmpB answering it: Echo Reply.
     */
    static final String ECHO_REPLY = """
            020000000a01020000000b0186dd # Ethernet (skipped)
            6003a54000403a4020010db8000000000000000000000002 # IPv6 header (skipped)
            20010db8000000000000000000000001
            810064e4 2d3d0001 f235056b 00000000
            d2790800 00000000 10111213 14151617
            18191a1b 1c1d1e1f 20212223 24252627
            28292a2b 2c2d2e2f 30313233 34353637
            """;

    /**
     * {@code echo hi | nc -6 -u -w1 2001:db8::2 9}: Destination Unreachable code 4 (port).
     */
    static final String PORT_UNREACHABLE = """
            020000000a01020000000b0186dd # Ethernet (skipped)
            600e9e2b003b3a4020010db8000000000000000000000002 # IPv6 header (skipped)
            20010db8000000000000000000000001
            0104e996 00000000 600a3ae1 000b1140
            20010db8 00000000 00000000 00000001
            20010db8 00000000 00000000 00000002
            e3bf0009 000b5b91 68690a
            """;

    /**
     * {@code ping -6 -t1 2001:db8:ee::7} through wire-icmpB, which has no route: Destination Unreachable
     * code 0 (no route).
     */
    static final String NO_ROUTE = """
            020000000a01020000000b0186dd # Ethernet (skipped)
            6000182c00703a4020010db8000000000000000000000002 # IPv6 header (skipped)
            20010db8000000000000000000000001
            0100d458 00000000 600734b9 00403a01
            20010db8 00000000 00000000 00000001
            20010db8 00ee0000 00000000 00000007
            8000758b 2d450001 f235056b 00000000
            c1d70800 00000000 10111213 14151617
            18191a1b 1c1d1e1f 20212223 24252627
            28292a2b 2c2d2e2f 30313233 34353637
            """;

    /**
     * {@code ping -6 -s 1400 2001:db8:cc::9} through wire-icmpB whose next link has MTU 1280: Packet Too
     * Big, MTU 1280, 1232 octets quoted.
     */
    static final String PACKET_TOO_BIG = """
            020000000a01020000000b0186dd # Ethernet (skipped)
            6001310c04d83a4020010db8000000000000000000000002 # IPv6 header (skipped)
            20010db8000000000000000000000001
            02002f69 00000500 6001a84c 05803a40
            20010db8 00000000 00000000 00000001
            20010db8 00cc0000 00000000 00000009
            80006f55 2d490001 f235056b 00000000
            15a00900 00000000 10111213 14151617
            18191a1b 1c1d1e1f 20212223 24252627
            28292a2b 2c2d2e2f 30313233 34353637
            38393a3b 3c3d3e3f 40414243 44454647
            48494a4b 4c4d4e4f 50515253 54555657
            58595a5b 5c5d5e5f 60616263 64656667
            68696a6b 6c6d6e6f 70717273 74757677
            78797a7b 7c7d7e7f 80818283 84858687
            88898a8b 8c8d8e8f 90919293 94959697
            98999a9b 9c9d9e9f a0a1a2a3 a4a5a6a7
            a8a9aaab acadaeaf b0b1b2b3 b4b5b6b7
            b8b9babb bcbdbebf c0c1c2c3 c4c5c6c7
            c8c9cacb cccdcecf d0d1d2d3 d4d5d6d7
            d8d9dadb dcdddedf e0e1e2e3 e4e5e6e7
            e8e9eaeb ecedeeef f0f1f2f3 f4f5f6f7
            f8f9fafb fcfdfeff 00010203 04050607
            08090a0b 0c0d0e0f 10111213 14151617
            18191a1b 1c1d1e1f 20212223 24252627
            28292a2b 2c2d2e2f 30313233 34353637
            38393a3b 3c3d3e3f 40414243 44454647
            48494a4b 4c4d4e4f 50515253 54555657
            58595a5b 5c5d5e5f 60616263 64656667
            68696a6b 6c6d6e6f 70717273 74757677
            78797a7b 7c7d7e7f 80818283 84858687
            88898a8b 8c8d8e8f 90919293 94959697
            98999a9b 9c9d9e9f a0a1a2a3 a4a5a6a7
            a8a9aaab acadaeaf b0b1b2b3 b4b5b6b7
            b8b9babb bcbdbebf c0c1c2c3 c4c5c6c7
            c8c9cacb cccdcecf d0d1d2d3 d4d5d6d7
            d8d9dadb dcdddedf e0e1e2e3 e4e5e6e7
            e8e9eaeb ecedeeef f0f1f2f3 f4f5f6f7
            f8f9fafb fcfdfeff 00010203 04050607
            08090a0b 0c0d0e0f 10111213 14151617
            18191a1b 1c1d1e1f 20212223 24252627
            28292a2b 2c2d2e2f 30313233 34353637
            38393a3b 3c3d3e3f 40414243 44454647
            48494a4b 4c4d4e4f 50515253 54555657
            58595a5b 5c5d5e5f 60616263 64656667
            68696a6b 6c6d6e6f 70717273 74757677
            78797a7b 7c7d7e7f 80818283 84858687
            88898a8b 8c8d8e8f 90919293 94959697
            98999a9b 9c9d9e9f a0a1a2a3 a4a5a6a7
            a8a9aaab acadaeaf b0b1b2b3 b4b5b6b7
            b8b9babb bcbdbebf c0c1c2c3 c4c5c6c7
            c8c9cacb cccdcecf d0d1d2d3 d4d5d6d7
            d8d9dadb dcdddedf e0e1e2e3 e4e5e6e7
            e8e9eaeb ecedeeef f0f1f2f3 f4f5f6f7
            f8f9fafb fcfdfeff 00010203 04050607
            08090a0b 0c0d0e0f 10111213 14151617
            18191a1b 1c1d1e1f 20212223 24252627
            28292a2b 2c2d2e2f 30313233 34353637
            38393a3b 3c3d3e3f 40414243 44454647
            48494a4b 4c4d4e4f 50515253 54555657
            58595a5b 5c5d5e5f 60616263 64656667
            68696a6b 6c6d6e6f 70717273 74757677
            78797a7b 7c7d7e7f 80818283 84858687
            88898a8b 8c8d8e8f 90919293 94959697
            98999a9b 9c9d9e9f a0a1a2a3 a4a5a6a7
            a8a9aaab acadaeaf b0b1b2b3 b4b5b6b7
            b8b9babb bcbdbebf c0c1c2c3 c4c5c6c7
            c8c9cacb cccdcecf d0d1d2d3 d4d5d6d7
            d8d9dadb dcdddedf e0e1e2e3 e4e5e6e7
            e8e9eaeb ecedeeef f0f1f2f3 f4f5f6f7
            f8f9fafb fcfdfeff 00010203 04050607
            08090a0b 0c0d0e0f 10111213 14151617
            18191a1b 1c1d1e1f 20212223 24252627
            28292a2b 2c2d2e2f 30313233 34353637
            38393a3b 3c3d3e3f 40414243 44454647
            48494a4b 4c4d4e4f 50515253 54555657
            58595a5b 5c5d5e5f 60616263 64656667
            68696a6b 6c6d6e6f 70717273 74757677
            78797a7b 7c7d7e7f 80818283 84858687
            88898a8b 8c8d8e8f 90919293 94959697
            98999a9b 9c9d9e9f
            """;

    /**
     * {@code ping -6 -t1 2001:db8:ee::7} through wire-icmpB (second capture): Time Exceeded code 0 (hop
     * limit).
     */
    static final String TIME_EXCEEDED = """
            020000000a01020000000b0286dd # Ethernet (skipped)
            600156f600703a4020010db8000000000000000000000002 # IPv6 header (skipped)
            20010db8000000000000000000000001
            0300d258 00000000 600734b9 00403a01
            20010db8 00000000 00000000 00000001
            20010db8 00ee0000 00000000 00000007
            80000ac3 2eef0001 1a36056b 00000000
            fdf50d00 00000000 10111213 14151617
            18191a1b 1c1d1e1f 20212223 24252627
            28292a2b 2c2d2e2f 30313233 34353637
            """;

    /**
     * scapy sent wire-icmpB an IPv6 packet with next header 253: Parameter Problem code 1 (unrecognized
     * next header), pointer 6.
     */
    static final String PARAMETER_PROBLEM = """
            020000000a01020000000b0186dd # Ethernet (skipped)
            600c155300383a4020010db8000000000000000000000002 # IPv6 header (skipped)
            20010db8000000000000000000000001
            04010571 00000006 60000000 0008fd40
            20010db8 00000000 00000000 00000001
            20010db8 00000000 00000000 00000002
            78787878 78787878
            """;

    private static final Ipv6Address A = Ipv6Address.parse("2001:db8::1");
    private static final Ipv6Address B = Ipv6Address.parse("2001:db8::2");

    private final Icmpv6Packet view = new Icmpv6Packet();

    private Icmpv6Packet wrapFrame(String hex) {
        ByteBuf f = frame(hex);
        return view.wrap(f, ICMPV6, f.capacity() - ICMPV6);
    }

    private Icmpv6Repr parse(String hex) {
        ByteBuf f = frame(hex);
        Parsed<Icmpv6Repr> p = Icmpv6Repr.parse(view.wrap(f, ICMPV6, f.capacity() - ICMPV6), ipv6Src(f), ipv6Dst(f));
        assertTrue(p.ok(), () -> "parse failed: " + p);
        return p.value();
    }

    private static byte[] emit(Icmpv6Repr r, Ipv6Address src, Ipv6Address dst) {
        ByteBuf out = Unpooled.wrappedBuffer(new byte[r.bufferLength()]);
        r.emit(out, 0, src, dst);
        return bytes(out);
    }

    @Test
    void deconstructEchoRequest() {
        Icmpv6Packet p = wrapFrame(ECHO_REQUEST);
        assertEquals(WireError.OK, p.check());
        assertEquals(Icmpv6Packet.TYPE_ECHO_REQUEST, p.msgType());
        assertEquals(0, p.code());
        assertEquals(0x65e4, p.checksum());
        assertTrue(p.verifyChecksum(A, B));
        assertEquals(0x2d3d, p.identifier());
        assertEquals(1, p.sequenceNumber());
        assertEquals(56, p.dataLength());
        assertFalse(Icmpv6Packet.isError(p.msgType()));
    }

    /** RFC 4443 section 2.3: the same octets do not verify under other addresses (pseudo-header). */
    @Test
    void checksumCoversThePseudoHeader() {
        Icmpv6Packet p = wrapFrame(ECHO_REQUEST);
        assertFalse(p.verifyChecksum(A, Ipv6Address.parse("2001:db8::3")));
        assertEquals(WireError.BAD_CHECKSUM, Icmpv6Repr.parse(p, A, Ipv6Address.parse("2001:db8::3")).error());
    }

    @Test
    void parseEchoAndConstructReply() {
        Icmpv6Repr.EchoRequest req = assertInstanceOf(Icmpv6Repr.EchoRequest.class, parse(ECHO_REQUEST));
        assertEquals(0x2d3d, req.identifier());
        assertEquals(1, req.sequenceNumber());
        Icmpv6Repr.EchoReply rep = assertInstanceOf(Icmpv6Repr.EchoReply.class, parse(ECHO_REPLY));
        assertArrayEquals(req.data(), rep.data());
        // RFC 4443 section 4.2: the reply from B to A is what the kernel of B sent.
        assertArrayEquals(message(ECHO_REPLY, ICMPV6), emit(req.reply(), B, A));
    }

    @Test
    void constructEchoRequestFromFields() {
        byte[] data = Arrays.copyOfRange(message(ECHO_REQUEST, ICMPV6), 8, 64);
        assertArrayEquals(message(ECHO_REQUEST, ICMPV6), emit(new Icmpv6Repr.EchoRequest(0x2d3d, 1, data), A, B));
    }

    @Test
    void parsePortUnreachable() {
        Icmpv6Packet p = wrapFrame(PORT_UNREACHABLE);
        assertEquals(Icmpv6Packet.CODE_PORT_UNREACHABLE, p.code());
        assertTrue(Icmpv6Packet.isError(p.msgType()));
        Icmpv6Repr.DestinationUnreachable r = assertInstanceOf(Icmpv6Repr.DestinationUnreachable.class, parse(PORT_UNREACHABLE));
        assertEquals(Icmpv6Packet.CODE_PORT_UNREACHABLE, r.code());
        assertTrue(r.isError());
        // The invoking packet: 40-octet IPv6 header, 8-octet UDP header, "hi\n".
        assertEquals(51, r.invokingPacket().length);
        assertEquals(17, r.invokingPacket()[6]);
    }

    @Test
    void parseNoRoute() {
        Icmpv6Repr.DestinationUnreachable r = (Icmpv6Repr.DestinationUnreachable) parse(NO_ROUTE);
        assertEquals(Icmpv6Packet.CODE_NO_ROUTE, r.code());
        assertEquals(Ipv6Address.parse("2001:db8:ee::7"), Ipv6Address.read(Unpooled.wrappedBuffer(r.invokingPacket()), 24));
    }

    /** RFC 4443 section 3.2 / RFC 8201: the MTU of the next link, and the packet cut to fit 1280. */
    @Test
    void parsePacketTooBig() {
        Icmpv6Packet p = wrapFrame(PACKET_TOO_BIG);
        assertEquals(1280, p.mtu());
        Icmpv6Repr.PacketTooBig r = assertInstanceOf(Icmpv6Repr.PacketTooBig.class, parse(PACKET_TOO_BIG));
        assertEquals(1280, r.mtu());
        assertEquals(1280 - 40 - 8, r.invokingPacket().length);
    }

    @Test
    void constructPacketTooBig() {
        byte[] quoted = Arrays.copyOfRange(message(PACKET_TOO_BIG, ICMPV6), 8, 1240);
        assertArrayEquals(message(PACKET_TOO_BIG, ICMPV6), emit(new Icmpv6Repr.PacketTooBig(1280, quoted), B, A));
    }

    @Test
    void parseTimeExceeded() {
        Icmpv6Repr.TimeExceeded r = assertInstanceOf(Icmpv6Repr.TimeExceeded.class, parse(TIME_EXCEEDED));
        assertEquals(Icmpv6Packet.CODE_HOP_LIMIT_EXCEEDED, r.code());
        assertEquals(1, r.invokingPacket()[7]);
    }

    @Test
    void parseParameterProblem() {
        Icmpv6Packet p = wrapFrame(PARAMETER_PROBLEM);
        assertEquals(6, p.pointer());
        Icmpv6Repr.ParameterProblem r = assertInstanceOf(Icmpv6Repr.ParameterProblem.class, parse(PARAMETER_PROBLEM));
        assertEquals(Icmpv6Packet.CODE_UNRECOGNIZED_NEXT_HEADER, r.code());
        // The pointer indexes the Next Header field of the quoted IPv6 header.
        assertEquals(6, r.pointer());
        assertEquals(253, r.invokingPacket()[6] & 0xFF);
    }

    @Test
    void constructParameterProblem() {
        byte[] quoted = Arrays.copyOfRange(message(PARAMETER_PROBLEM, ICMPV6), 8, 56);
        Icmpv6Repr r = new Icmpv6Repr.ParameterProblem(Icmpv6Packet.CODE_UNRECOGNIZED_NEXT_HEADER, 6, quoted);
        assertArrayEquals(message(PARAMETER_PROBLEM, ICMPV6), emit(r, B, A));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ECHO_REQUEST", "ECHO_REPLY", "PORT_UNREACHABLE", "NO_ROUTE", "PACKET_TOO_BIG",
            "TIME_EXCEEDED", "PARAMETER_PROBLEM"})
    void roundTripIsByteExact(String name) throws ReflectiveOperationException {
        String hex = (String) Icmpv6Test.class.getDeclaredField(name).get(null);
        ByteBuf f = frame(hex);
        Icmpv6Repr r = parse(hex);
        assertEquals(f.capacity() - ICMPV6, r.bufferLength());
        assertArrayEquals(message(hex, ICMPV6), emit(r, ipv6Src(f), ipv6Dst(f)), name);
    }

    // ---- malformed ----

    @ParameterizedTest
    @ValueSource(ints = {0, 3, 7})
    void shorterThanTheHeaderIsTruncated(int length) {
        ByteBuf b = copy(message(ECHO_REQUEST, ICMPV6));
        assertEquals(WireError.TRUNCATED, view.wrap(b, 0, length).check());
        assertEquals(WireError.TRUNCATED, Icmpv6Repr.parse(view, A, B).error());
    }

    @Test
    void badChecksumIsRejected() {
        ByteBuf b = copy(message(PACKET_TOO_BIG, ICMPV6));
        b.setByte(700, b.getByte(700) ^ 0x40);
        assertEquals(WireError.BAD_CHECKSUM, Icmpv6Repr.parse(view.wrap(b, 0, b.capacity()), B, A).error());
    }

    @Test
    void echoWithNonZeroCodeIsBadField() {
        ByteBuf b = copy(message(ECHO_REQUEST, ICMPV6));
        b.setByte(1, 3);
        fixChecksum(b, A, B);
        assertEquals(WireError.BAD_FIELD, Icmpv6Repr.parse(view.wrap(b, 0, b.capacity()), A, B).error());
    }

    @Test
    void unknownTimeExceededCodeIsBadField() {
        ByteBuf b = copy(message(TIME_EXCEEDED, ICMPV6));
        b.setByte(1, 2);
        fixChecksum(b, B, A);
        assertEquals(WireError.BAD_FIELD, Icmpv6Repr.parse(view.wrap(b, 0, b.capacity()), B, A).error());
    }

    /** RFC 4443 section 2.4 (b): unknown informational messages are discarded. */
    @ParameterizedTest
    @ValueSource(ints = {139, 200, 255})
    void unknownInformationalTypesAreUnsupported(int type) {
        ByteBuf b = copy(message(ECHO_REQUEST, ICMPV6));
        b.setByte(0, type);
        fixChecksum(b, A, B);
        assertEquals(WireError.UNSUPPORTED, Icmpv6Repr.parse(view.wrap(b, 0, b.capacity()), A, B).error());
    }
}
