package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.stack.wire.WireFixtures.*;

/**
 * ICMP for IPv4 (RFC 792, RFC 1122 section 3.2.2, RFC 1191) against frames the Linux 6.18 kernel
 * sent between two network namespaces (wire-icmpA 192.0.2.1 and wire-icmpB 192.0.2.2, a router
 * with a second link of MTU 1280 and a route to 198.51.100.0/24 via 192.0.2.3), captured with
 * {@code tcpdump -i wicB -w} and dumped with {@code scapy}. The ICMP message starts after the
 * Ethernet and the 20-octet IPv4 header.
 */
class Icmpv4Test {

    /**
     * {@code ping -c1 192.0.2.2} in wire-icmpA: Echo Request, id 0x2d3c, seq 1, 56 octets of data.
     */
    static final String ECHO_REQUEST = """
            020000000b01020000000a010800 # Ethernet (skipped)
            4500005470b94000400145ecc0000201c0000202 # IPv4 header (skipped)
            080006f0 2d3c0001 f235056b 00000000
            055f0800 00000000 10111213 14151617
            18191a1b 1c1d1e1f 20212223 24252627
            28292a2b 2c2d2e2f 30313233 34353637
            """;

    /**
     * The kernel of wire-icmpB answering it: Echo Reply.
     */
    static final String ECHO_REPLY = """
            020000000a01020000000b010800 # Ethernet (skipped)
            4500005464a2000040019203c0000202c0000201 # IPv4 header (skipped)
            00000ef0 2d3c0001 f235056b 00000000
            055f0800 00000000 10111213 14151617
            18191a1b 1c1d1e1f 20212223 24252627
            28292a2b 2c2d2e2f 30313233 34353637
            """;

    /**
     * {@code echo hi | nc -u -w1 192.0.2.2 9}: Destination Unreachable code 3 (port), quoting the UDP
     * datagram.
     */
    static final String PORT_UNREACHABLE = """
            020000000a01020000000b010800 # Ethernet (skipped)
            45c0003b64a5000040019159c0000202c0000201 # IPv4 header (skipped)
            03035e81 00000000 4500001f 68244000
            40114ea6 c0000201 c0000202 a7dd0009
            000b8420 68690a
            """;

    /**
     * {@code ping -c1 10.1.2.3} through wire-icmpB, which has no route: Destination Unreachable code 0
     * (net).
     */
    static final String NET_UNREACHABLE = """
            020000000a01020000000b010800 # Ethernet (skipped)
            45c0007064a9000040019120c0000202c0000201 # IPv4 header (skipped)
            0300fcff 00000000 45000054 a9e44000
            4001c2bf c0000201 0a010203 080039cc
            2d470001 f235056b 00000000 d1770900
            00000000 10111213 14151617 18191a1b
            1c1d1e1f 20212223 24252627 28292a2b
            2c2d2e2f 30313233 34353637
            """;

    /**
     * {@code ping -M do -s 1400 203.0.113.9} through wire-icmpB whose next link has MTU 1280: code 4,
     * Next-Hop MTU 1280 (RFC 1191).
     */
    static final String FRAGMENTATION_NEEDED = """
            020000000a01020000000b010800 # Ethernet (skipped)
            45c0024064ab000040018f4ec0000202c0000201 # IPv4 header (skipped)
            03040ec9 00000500 45000594 00004000
            4001375e c0000201 cb007109 0800df65
            2d480001 f235056b 00000000 7f930900
            00000000 10111213 14151617 18191a1b
            1c1d1e1f 20212223 24252627 28292a2b
            2c2d2e2f 30313233 34353637 38393a3b
            3c3d3e3f 40414243 44454647 48494a4b
            4c4d4e4f 50515253 54555657 58595a5b
            5c5d5e5f 60616263 64656667 68696a6b
            6c6d6e6f 70717273 74757677 78797a7b
            7c7d7e7f 80818283 84858687 88898a8b
            8c8d8e8f 90919293 94959697 98999a9b
            9c9d9e9f a0a1a2a3 a4a5a6a7 a8a9aaab
            acadaeaf b0b1b2b3 b4b5b6b7 b8b9babb
            bcbdbebf c0c1c2c3 c4c5c6c7 c8c9cacb
            cccdcecf d0d1d2d3 d4d5d6d7 d8d9dadb
            dcdddedf e0e1e2e3 e4e5e6e7 e8e9eaeb
            ecedeeef f0f1f2f3 f4f5f6f7 f8f9fafb
            fcfdfeff 00010203 04050607 08090a0b
            0c0d0e0f 10111213 14151617 18191a1b
            1c1d1e1f 20212223 24252627 28292a2b
            2c2d2e2f 30313233 34353637 38393a3b
            3c3d3e3f 40414243 44454647 48494a4b
            4c4d4e4f 50515253 54555657 58595a5b
            5c5d5e5f 60616263 64656667 68696a6b
            6c6d6e6f 70717273 74757677 78797a7b
            7c7d7e7f 80818283 84858687 88898a8b
            8c8d8e8f 90919293 94959697 98999a9b
            9c9d9e9f a0a1a2a3 a4a5a6a7 a8a9aaab
            acadaeaf b0b1b2b3 b4b5b6b7 b8b9babb
            bcbdbebf c0c1c2c3 c4c5c6c7 c8c9cacb
            cccdcecf d0d1d2d3 d4d5d6d7 d8d9dadb
            dcdddedf e0e1e2e3 e4e5e6e7 e8e9eaeb
            ecedeeef f0f1f2f3 f4f5f6f7 f8f9fafb
            fcfdfeff 00010203 04050607
            """;

    /**
     * {@code ping -t1 198.51.100.7} through wire-icmpB: Time Exceeded code 0 (TTL exceeded in transit).
     */
    static final String TIME_EXCEEDED = """
            020000000a01020000000b010800 # Ethernet (skipped)
            45c0007064a7000040019122c0000202c0000201 # IPv4 header (skipped)
            0b00f4ff 00000000 45000054 186c4000
            01017501 c0000201 c6336407 08004282
            2d440001 f235056b 00000000 c9c40800
            00000000 10111213 14151617 18191a1b
            1c1d1e1f 20212223 24252627 28292a2b
            2c2d2e2f 30313233 34353637
            """;

    /**
     * {@code ping 198.51.100.7} via 192.0.2.2 whose route points at 192.0.2.3 on the same link: Redirect
     * code 1 (host), gateway 192.0.2.3.
     */
    static final String REDIRECT = """
            020000000a01020000000b010800 # Ethernet (skipped)
            45c0007064ad00004001911cc0000202c0000201 # IPv4 header (skipped)
            050138fb c0000203 45000054 186f4000
            3f0136fe c0000201 c6336407 0800ac8a
            2d4a0001 f235056b 00000000 5eb60900
            00000000 10111213 14151617 18191a1b
            1c1d1e1f 20212223 24252627 28292a2b
            2c2d2e2f 30313233 34353637
            """;

    /**
     * scapy sent wire-icmpB an IPv4 header with a Record Route option of length 1: Parameter Problem code
     * 0, pointer 20.
     */
    static final String PARAMETER_PROBLEM = """
            020000000a01020000000b010800 # Ethernet (skipped)
            45c0003c6612000040018febc0000202c0000201 # IPv4 header (skipped)
            0c00dfff 14000000 46000020 00010000
            4001ead7 c0000201 c0000202 07010400
            0800f7ff 00000000
            """;

    /**
     * scapy sent wire-icmpB an IPv4 datagram of protocol 253: Destination Unreachable code 2 (protocol).
     */
    static final String PROTOCOL_UNREACHABLE = """
            020000000a01020000000b010800 # Ethernet (skipped)
            45c000386617000040018feac0000202c0000201 # IPv4 header (skipped)
            03021b1c 00000000 4500001c 00010000
            40fdf5e0 c0000201 c0000202 78787878
            78787878
            """;

    private final Icmpv4Packet view = new Icmpv4Packet();

    private Icmpv4Packet wrapFrame(String hex) {
        ByteBuf f = frame(hex);
        return view.wrap(f, ICMPV4, f.capacity() - ICMPV4);
    }

    private Icmpv4Repr parse(String hex) {
        Parsed<Icmpv4Repr> p = Icmpv4Repr.parse(wrapFrame(hex));
        assertTrue(p.ok(), () -> "parse failed: " + p);
        return p.value();
    }

    private Parsed<Icmpv4Repr> parseMessage(ByteBuf message) {
        return Icmpv4Repr.parse(view.wrap(message, 0, message.capacity()));
    }

    private static byte[] emit(Icmpv4Repr r) {
        ByteBuf out = Unpooled.wrappedBuffer(new byte[r.bufferLength()]);
        r.emit(out, 0);
        return bytes(out);
    }

    @Test
    void deconstructEchoRequest() {
        Icmpv4Packet p = wrapFrame(ECHO_REQUEST);
        assertEquals(WireError.OK, p.check());
        assertEquals(Icmpv4Packet.TYPE_ECHO_REQUEST, p.msgType());
        assertEquals(0, p.code());
        assertEquals(0x06f0, p.checksum());
        assertTrue(p.verifyChecksum());
        assertEquals(0x2d3c, p.identifier());
        assertEquals(1, p.sequenceNumber());
        assertEquals(ICMPV4 + 8, p.dataOffset());
        assertEquals(56, p.dataLength());
    }

    @Test
    void parseEchoRequestAndReply() {
        Icmpv4Repr.EchoRequest req = assertInstanceOf(Icmpv4Repr.EchoRequest.class, parse(ECHO_REQUEST));
        assertEquals(0x2d3c, req.identifier());
        assertEquals(1, req.sequenceNumber());
        assertEquals(56, req.data().length);
        assertEquals(0x10, req.data()[16]);
        Icmpv4Repr.EchoReply rep = assertInstanceOf(Icmpv4Repr.EchoReply.class, parse(ECHO_REPLY));
        assertEquals(req.identifier(), rep.identifier());
        assertArrayEquals(req.data(), rep.data());
    }

    /** RFC 1122 section 3.2.2.6: the reply built from the request is byte for byte what Linux sent. */
    @Test
    void constructEchoReplyFromRequest() {
        Icmpv4Repr.EchoRequest req = (Icmpv4Repr.EchoRequest) parse(ECHO_REQUEST);
        assertArrayEquals(message(ECHO_REPLY, ICMPV4), emit(req.reply()));
    }

    @Test
    void constructEchoRequestFromFields() {
        byte[] data = Arrays.copyOfRange(message(ECHO_REQUEST, ICMPV4), 8, 64);
        assertArrayEquals(message(ECHO_REQUEST, ICMPV4), emit(new Icmpv4Repr.EchoRequest(0x2d3c, 1, data)));
    }

    @Test
    void deconstructPortUnreachable() {
        Icmpv4Packet p = wrapFrame(PORT_UNREACHABLE);
        assertEquals(Icmpv4Packet.TYPE_DESTINATION_UNREACHABLE, p.msgType());
        assertEquals(Icmpv4Packet.CODE_PORT_UNREACHABLE, p.code());
        assertTrue(Icmpv4Packet.isError(p.msgType()));
        // The invoking datagram: a 20-octet IPv4 header and the 11-octet UDP datagram.
        assertEquals(31, p.dataLength());
        assertEquals(0x45, p.buffer().getUnsignedByte(p.dataOffset()));
        assertEquals(9, p.buffer().getUnsignedShort(p.dataOffset() + 20 + 2));
    }

    @Test
    void parseUnreachables() {
        Icmpv4Repr.DestinationUnreachable port = assertInstanceOf(Icmpv4Repr.DestinationUnreachable.class, parse(PORT_UNREACHABLE));
        assertEquals(Icmpv4Packet.CODE_PORT_UNREACHABLE, port.code());
        assertEquals(0, port.nextHopMtu());
        assertTrue(port.isError());
        Icmpv4Repr.DestinationUnreachable net = (Icmpv4Repr.DestinationUnreachable) parse(NET_UNREACHABLE);
        assertEquals(Icmpv4Packet.CODE_NET_UNREACHABLE, net.code());
        assertEquals(Ipv4Address.parse("10.1.2.3").bits(), Unpooled.wrappedBuffer(net.data()).getInt(16));
        Icmpv4Repr.DestinationUnreachable proto = (Icmpv4Repr.DestinationUnreachable) parse(PROTOCOL_UNREACHABLE);
        assertEquals(Icmpv4Packet.CODE_PROTOCOL_UNREACHABLE, proto.code());
    }

    /** RFC 1191 section 4: the Next-Hop MTU sits in the low 16 bits of the second word. */
    @Test
    void fragmentationNeededCarriesNextHopMtu() {
        Icmpv4Packet p = wrapFrame(FRAGMENTATION_NEEDED);
        assertEquals(Icmpv4Packet.CODE_FRAGMENTATION_NEEDED, p.code());
        assertEquals(1280, p.nextHopMtu());
        Icmpv4Repr.DestinationUnreachable r = (Icmpv4Repr.DestinationUnreachable) parse(FRAGMENTATION_NEEDED);
        assertEquals(1280, r.nextHopMtu());
        assertEquals(548, r.data().length);
    }

    @Test
    void constructFragmentationNeeded() {
        byte[] quoted = Arrays.copyOfRange(message(FRAGMENTATION_NEEDED, ICMPV4), 8, 556);
        Icmpv4Repr r = new Icmpv4Repr.DestinationUnreachable(Icmpv4Packet.CODE_FRAGMENTATION_NEEDED, 1280, quoted);
        assertArrayEquals(message(FRAGMENTATION_NEEDED, ICMPV4), emit(r));
    }

    @Test
    void parseTimeExceeded() {
        Icmpv4Repr.TimeExceeded r = assertInstanceOf(Icmpv4Repr.TimeExceeded.class, parse(TIME_EXCEEDED));
        assertEquals(Icmpv4Packet.CODE_TTL_EXCEEDED_IN_TRANSIT, r.code());
        // The quoted header still shows TTL 1.
        assertEquals(1, r.data()[8]);
    }

    @Test
    void parseRedirect() {
        Icmpv4Packet p = wrapFrame(REDIRECT);
        assertEquals(Ipv4Address.parse("192.0.2.3").bits(), p.gatewayAddr());
        Icmpv4Repr.Redirect r = assertInstanceOf(Icmpv4Repr.Redirect.class, parse(REDIRECT));
        assertEquals(Icmpv4Packet.CODE_REDIRECT_HOST, r.code());
        assertEquals(Ipv4Address.parse("192.0.2.3"), r.gateway());
    }

    @Test
    void constructRedirect() {
        byte[] quoted = Arrays.copyOfRange(message(REDIRECT, ICMPV4), 8, 8 + 84);
        Icmpv4Repr r = new Icmpv4Repr.Redirect(Icmpv4Packet.CODE_REDIRECT_HOST, Ipv4Address.parse("192.0.2.3"), quoted);
        assertArrayEquals(message(REDIRECT, ICMPV4), emit(r));
    }

    @Test
    void parseParameterProblem() {
        Icmpv4Packet p = wrapFrame(PARAMETER_PROBLEM);
        assertEquals(20, p.pointer());
        Icmpv4Repr.ParameterProblem r = assertInstanceOf(Icmpv4Repr.ParameterProblem.class, parse(PARAMETER_PROBLEM));
        assertEquals(Icmpv4Packet.CODE_POINTER_INDICATES_ERROR, r.code());
        assertEquals(20, r.pointer());
        // The pointer indexes the quoted header: octet 20 is the first octet of the bad option.
        assertEquals(7, r.data()[20]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ECHO_REQUEST", "ECHO_REPLY", "PORT_UNREACHABLE", "NET_UNREACHABLE",
            "FRAGMENTATION_NEEDED", "TIME_EXCEEDED", "REDIRECT", "PARAMETER_PROBLEM", "PROTOCOL_UNREACHABLE"})
    void roundTripIsByteExact(String name) throws ReflectiveOperationException {
        String hex = (String) Icmpv4Test.class.getDeclaredField(name).get(null);
        Icmpv4Repr r = parse(hex);
        assertEquals(message(hex, ICMPV4).length, r.bufferLength());
        assertArrayEquals(message(hex, ICMPV4), emit(r), name);
    }

    // ---- malformed ----

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4, 7})
    void shorterThanTheHeaderIsTruncated(int length) {
        ByteBuf b = copy(message(ECHO_REQUEST, ICMPV4));
        assertEquals(WireError.TRUNCATED, view.wrap(b, 0, length).check());
        assertEquals(WireError.TRUNCATED, Icmpv4Repr.parse(view).error());
    }

    @Test
    void lengthPastTheBufferIsTruncated() {
        ByteBuf b = copy(message(ECHO_REQUEST, ICMPV4));
        assertEquals(WireError.TRUNCATED, view.wrap(b, 0, b.capacity() + 1).check());
    }

    @Test
    void badChecksumIsRejected() {
        ByteBuf b = copy(message(ECHO_REQUEST, ICMPV4));
        b.setByte(20, b.getByte(20) ^ 0x01);
        assertEquals(WireError.BAD_CHECKSUM, parseMessage(b).error());
    }

    @Test
    void truncatedDataFailsTheChecksum() {
        ByteBuf b = copy(message(PORT_UNREACHABLE, ICMPV4));
        assertEquals(WireError.BAD_CHECKSUM, Icmpv4Repr.parse(view.wrap(b, 0, b.capacity() - 2)).error());
    }

    @Test
    void echoWithNonZeroCodeIsBadField() {
        ByteBuf b = copy(message(ECHO_REQUEST, ICMPV4));
        b.setByte(1, 1);
        fixChecksum(b);
        assertEquals(WireError.BAD_FIELD, parseMessage(b).error());
    }

    @Test
    void unknownTimeExceededCodeIsBadField() {
        ByteBuf b = copy(message(TIME_EXCEEDED, ICMPV4));
        b.setByte(1, 2);
        fixChecksum(b);
        assertEquals(WireError.BAD_FIELD, parseMessage(b).error());
    }

    @Test
    void unknownRedirectCodeIsBadField() {
        ByteBuf b = copy(message(REDIRECT, ICMPV4));
        b.setByte(1, 4);
        fixChecksum(b);
        assertEquals(WireError.BAD_FIELD, parseMessage(b).error());
    }

    /** Timestamp (13) and the deprecated Source Quench (4) are well formed but not spoken. */
    @ParameterizedTest
    @ValueSource(ints = {4, 13, 14, 42})
    void otherTypesAreUnsupported(int type) {
        ByteBuf b = copy(message(ECHO_REQUEST, ICMPV4));
        b.setByte(0, type);
        fixChecksum(b);
        assertEquals(WireError.UNSUPPORTED, parseMessage(b).error());
    }
}
