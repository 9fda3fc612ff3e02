package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.stack.wire.WireFixtures.*;

/**
 * Neighbor Discovery (RFC 4861) against frames the Linux 6.18 kernel (and radvd 2.19 for the
 * Router Advertisement) sent between namespaces wire-icmpA (02:00:00:00:0a:01, 2001:db8::1) and
 * wire-icmpB (02:00:00:00:0b:01, 2001:db8::2, forwarding), captured with
 * {@code tcpdump -i wicB -w}. The message starts after the Ethernet and the 40-octet IPv6 header.
 */
class NdpTest {

    /**
     * wire-icmpA bringing wicA up (accept_ra=1): Router Solicitation to ff02::2 with its Source Link-Layer
     * Address.
     */
    static final String ROUTER_SOLICITATION = """
            333300000002020000000a0186dd # Ethernet (skipped)
            6000000000103afffe80000000000000000000fffe000a01 # IPv6 header (skipped)
            ff020000000000000000000000000002
            8500672c 00000000 01010200 00000a01
            """;

    /**
     * radvd 2.19 in wire-icmpB (M and O on, hop limit 64, lifetime 1800, reachable 30000, retrans 1000):
     * Router Advertisement with Prefix Information 2001:db8:1::/64 (L, A, 86400/14400), MTU 1400 and
     * Source Link-Layer Address.
     */
    static final String ROUTER_ADVERTISEMENT = """
            333300000001020000000b0186dd # Ethernet (skipped)
            600b6dc200403afffe80000000000000000000fffe000b01 # IPv6 header (skipped)
            ff020000000000000000000000000001
            86009d63 40c00708 00007530 000003e8
            030440c0 00015180 00003840 00000000
            20010db8 00010000 00000000 00000000
            05010000 00000578 01010200 00000b01
            """;

    /**
     * {@code ping -6 2001:db8::2} in wire-icmpA: Neighbor Solicitation to the solicited-node address, with
     * Source Link-Layer Address.
     */
    static final String NEIGHBOR_SOLICITATION = """
            3333ff000002020000000a0186dd # Ethernet (skipped)
            6000000000203aff20010db8000000000000000000000001 # IPv6 header (skipped)
            ff0200000000000000000001ff000002
            87001227 00000000 20010db8 00000000
            00000000 00000002 01010200 00000a01
            """;

    /**
     * wire-icmpB (forwarding, so R is set) answering it: Neighbor Advertisement R, S, O with Target Link-
     * Layer Address.
     */
    static final String NEIGHBOR_ADVERTISEMENT = """
            020000000a01020000000b0186dd # Ethernet (skipped)
            6000000000203aff20010db8000000000000000000000002 # IPv6 header (skipped)
            20010db8000000000000000000000001
            8800ff71 e0000000 20010db8 00000000
            00000000 00000002 02010200 00000b01
            """;

    /**
     * wire-icmpA answering a unicast probe from wire-icmpB: Neighbor Advertisement with only S set and no
     * option.
     */
    static final String NEIGHBOR_ADVERTISEMENT_NO_OPTION = """
            020000000b01020000000a0186dd # Ethernet (skipped)
            6000000000183aff20010db8000000000000000000000001 # IPv6 header (skipped)
            fe80000000000000000000fffe000b01
            8800d3b6 40000000 20010db8 00000000
            00000000 00000001
            """;

    /**
     * {@code ping -6 2001:db8:dd::7} via 2001:db8::2 whose route points at fe80::3 on the same link:
     * Redirect with Target Link-Layer Address and Redirected Header.
     */
    static final String REDIRECT = """
            020000000a01020000000b0186dd # Ethernet (skipped)
            6000000000a03afffe80000000000000000000fffe000b01 # IPv6 header (skipped)
            20010db8000000000000000000000001
            89008e47 00000000 fe800000 00000000
            00000000 00000003 20010db8 00dd0000
            00000000 00000007 02010200 00000d01
            040e0000 00000000 6008d561 00403a40
            20010db8 00000000 00000000 00000001
            20010db8 00dd0000 00000000 00000007
            80007ca2 2d530001 f335056b 00000000
            b8c30900 00000000 10111213 14151617
            18191a1b 1c1d1e1f 20212223 24252627
            28292a2b 2c2d2e2f 30313233 34353637
            """;

    private static final MacAddress MAC_A = MacAddress.parse("02:00:00:00:0a:01");
    private static final MacAddress MAC_B = MacAddress.parse("02:00:00:00:0b:01");
    private static final Ipv6Address A = Ipv6Address.parse("2001:db8::1");
    private static final Ipv6Address B = Ipv6Address.parse("2001:db8::2");
    private static final Ipv6Address LL_A = Ipv6Address.parse("fe80::ff:fe00:a01");
    private static final Ipv6Address LL_B = Ipv6Address.parse("fe80::ff:fe00:b01");

    private final Icmpv6Packet view = new Icmpv6Packet();

    private Icmpv6Packet wrapFrame(String hex) {
        ByteBuf f = frame(hex);
        return view.wrap(f, ICMPV6, f.capacity() - ICMPV6);
    }

    private NdpRepr parse(String hex) {
        ByteBuf f = frame(hex);
        Parsed<NdpRepr> p = NdpRepr.parse(view.wrap(f, ICMPV6, f.capacity() - ICMPV6), ipv6Src(f), ipv6Dst(f));
        assertTrue(p.ok(), () -> "parse failed: " + p);
        return p.value();
    }

    private WireError parseError(ByteBuf message, Ipv6Address src, Ipv6Address dst) {
        return NdpRepr.parse(view.wrap(message, 0, message.capacity()), src, dst).error();
    }

    private static byte[] emit(Icmpv6Repr r, Ipv6Address src, Ipv6Address dst) {
        ByteBuf out = Unpooled.wrappedBuffer(new byte[r.bufferLength()]);
        r.emit(out, 0, src, dst);
        return bytes(out);
    }

    // ---- Router Solicitation ----

    @Test
    void deconstructRouterSolicitation() {
        Icmpv6Packet p = wrapFrame(ROUTER_SOLICITATION);
        assertEquals(WireError.OK, p.check());
        assertEquals(Icmpv6Packet.TYPE_ROUTER_SOLICITATION, p.msgType());
        int at = p.ndpOptionsOffset();
        assertEquals(ICMPV6 + 8, at);
        assertEquals(Icmpv6Packet.OPTION_SOURCE_LINK_LAYER_ADDRESS, p.optionType(at));
        assertEquals(8, p.optionLength(at));
        assertEquals(MAC_A.bits(), p.optionLinkLayerAddr(at));
        assertEquals(p.end(), p.nextOption(at));
    }

    @Test
    void constructRouterSolicitation() {
        NdpRepr rs = new NdpRepr.RouterSolicitation(List.of(new NdpOption.SourceLinkLayerAddress(MAC_A)));
        assertEquals(rs, parse(ROUTER_SOLICITATION));
        assertArrayEquals(message(ROUTER_SOLICITATION, ICMPV6), emit(rs, LL_A, Ipv6Address.ALL_ROUTERS));
    }

    // ---- Router Advertisement ----

    /** The allocation-free option walk visits Prefix Information, MTU and Source Link-Layer Address. */
    @Test
    void deconstructRouterAdvertisement() {
        Icmpv6Packet p = wrapFrame(ROUTER_ADVERTISEMENT);
        assertEquals(WireError.OK, p.check());
        assertEquals(64, p.curHopLimit());
        assertTrue(p.managedFlag());
        assertTrue(p.otherFlag());
        assertEquals(1800, p.routerLifetime());
        assertEquals(30000, p.reachableTime());
        assertEquals(1000, p.retransTimer());
        List<Integer> types = new ArrayList<>();
        for (int at = p.ndpOptionsOffset(); at < p.end(); at = p.nextOption(at)) {
            types.add(p.optionType(at));
            switch (p.optionType(at)) {
                case Icmpv6Packet.OPTION_PREFIX_INFORMATION -> {
                    assertEquals(32, p.optionLength(at));
                    assertEquals(64, p.optionPrefixLength(at));
                    assertTrue(p.optionOnLinkFlag(at));
                    assertTrue(p.optionAutonomousFlag(at));
                    assertEquals(86400, p.optionValidLifetime(at));
                    assertEquals(14400, p.optionPreferredLifetime(at));
                    assertEquals(Ipv6Address.parse("2001:db8:1::"), new Ipv6Address(p.optionPrefixHi(at), p.optionPrefixLo(at)));
                }
                case Icmpv6Packet.OPTION_MTU -> assertEquals(1400, p.optionMtu(at));
                case Icmpv6Packet.OPTION_SOURCE_LINK_LAYER_ADDRESS -> assertEquals(MAC_B.bits(), p.optionLinkLayerAddr(at));
                default -> throw new AssertionError("unexpected option " + p.optionType(at));
            }
        }
        assertEquals(List.of(3, 5, 1), types);
    }

    private static NdpRepr.RouterAdvertisement radvdAdvertisement() {
        return new NdpRepr.RouterAdvertisement(64, true, true, 1800, 30000, 1000, List.of(
                new NdpOption.PrefixInformation(64, true, true, 86400, 14400, Ipv6Address.parse("2001:db8:1::")),
                new NdpOption.Mtu(1400),
                new NdpOption.SourceLinkLayerAddress(MAC_B)));
    }

    @Test
    void parseRouterAdvertisement() {
        NdpRepr.RouterAdvertisement ra = assertInstanceOf(NdpRepr.RouterAdvertisement.class, parse(ROUTER_ADVERTISEMENT));
        assertEquals(radvdAdvertisement(), ra);
        assertEquals(MAC_B, ra.sourceLinkLayerAddress());
        assertNull(ra.targetLinkLayerAddress());
    }

    @Test
    void constructRouterAdvertisement() {
        assertArrayEquals(message(ROUTER_ADVERTISEMENT, ICMPV6), emit(radvdAdvertisement(), LL_B, Ipv6Address.ALL_NODES));
    }

    // ---- Neighbor Solicitation / Advertisement ----

    @Test
    void deconstructNeighborSolicitation() {
        Icmpv6Packet p = wrapFrame(NEIGHBOR_SOLICITATION);
        assertEquals(B, new Ipv6Address(p.targetAddrHi(), p.targetAddrLo()));
        assertEquals(ICMPV6 + 24, p.ndpOptionsOffset());
        assertEquals(MAC_A.bits(), p.optionLinkLayerAddr(p.ndpOptionsOffset()));
    }

    @Test
    void constructNeighborSolicitation() {
        NdpRepr ns = new NdpRepr.NeighborSolicitation(B, List.of(new NdpOption.SourceLinkLayerAddress(MAC_A)));
        assertEquals(ns, parse(NEIGHBOR_SOLICITATION));
        assertArrayEquals(message(NEIGHBOR_SOLICITATION, ICMPV6), emit(ns, A, B.solicitedNode()));
    }

    @Test
    void deconstructNeighborAdvertisement() {
        Icmpv6Packet p = wrapFrame(NEIGHBOR_ADVERTISEMENT);
        assertTrue(p.routerFlag());
        assertTrue(p.solicitedFlag());
        assertTrue(p.overrideFlag());
        assertEquals(B, new Ipv6Address(p.targetAddrHi(), p.targetAddrLo()));
        Icmpv6Packet q = wrapFrame(NEIGHBOR_ADVERTISEMENT_NO_OPTION);
        assertFalse(q.routerFlag());
        assertTrue(q.solicitedFlag());
        assertFalse(q.overrideFlag());
        assertEquals(q.end(), q.ndpOptionsOffset());
    }

    @Test
    void constructNeighborAdvertisements() {
        NdpRepr na = new NdpRepr.NeighborAdvertisement(true, true, true, B, List.of(new NdpOption.TargetLinkLayerAddress(MAC_B)));
        assertEquals(na, parse(NEIGHBOR_ADVERTISEMENT));
        assertEquals(MAC_B, na.targetLinkLayerAddress());
        assertArrayEquals(message(NEIGHBOR_ADVERTISEMENT, ICMPV6), emit(na, B, A));
        NdpRepr bare = new NdpRepr.NeighborAdvertisement(false, true, false, A, List.of());
        assertEquals(bare, parse(NEIGHBOR_ADVERTISEMENT_NO_OPTION));
        assertArrayEquals(message(NEIGHBOR_ADVERTISEMENT_NO_OPTION, ICMPV6), emit(bare, A, LL_B));
    }

    // ---- Redirect ----

    @Test
    void deconstructRedirect() {
        Icmpv6Packet p = wrapFrame(REDIRECT);
        assertEquals(Ipv6Address.parse("fe80::3"), new Ipv6Address(p.targetAddrHi(), p.targetAddrLo()));
        assertEquals(Ipv6Address.parse("2001:db8:dd::7"), new Ipv6Address(p.destinationAddrHi(), p.destinationAddrLo()));
        int tlla = p.ndpOptionsOffset();
        assertEquals(Icmpv6Packet.OPTION_TARGET_LINK_LAYER_ADDRESS, p.optionType(tlla));
        int rh = p.nextOption(tlla);
        assertEquals(Icmpv6Packet.OPTION_REDIRECTED_HEADER, p.optionType(rh));
        assertEquals(112, p.optionLength(rh));
        // The redirected packet: the echo request's IPv6 header, then its ICMPv6 header.
        assertEquals(0x60, p.buffer().getUnsignedByte(p.optionRedirectedPacketOffset(rh)));
        assertEquals(104, p.optionRedirectedPacketLength(rh));
        assertEquals(p.end(), p.nextOption(rh));
    }

    @Test
    void parseAndConstructRedirect() {
        NdpRepr.Redirect r = assertInstanceOf(NdpRepr.Redirect.class, parse(REDIRECT));
        assertEquals(Ipv6Address.parse("fe80::3"), r.target());
        assertEquals(MacAddress.parse("02:00:00:00:0d:01"), r.targetLinkLayerAddress());
        NdpOption.RedirectedHeader rh = assertInstanceOf(NdpOption.RedirectedHeader.class, r.options().get(1));
        byte[] packet = Arrays.copyOfRange(message(REDIRECT, ICMPV6), 40 + 8 + 8, 40 + 8 + 112);
        assertArrayEquals(packet, rh.packet());
        NdpRepr built = new NdpRepr.Redirect(Ipv6Address.parse("fe80::3"), Ipv6Address.parse("2001:db8:dd::7"), List.of(
                new NdpOption.TargetLinkLayerAddress(MacAddress.parse("02:00:00:00:0d:01")),
                new NdpOption.RedirectedHeader(packet)));
        assertArrayEquals(message(REDIRECT, ICMPV6), emit(built, LL_B, A));
    }

    /** RFC 4861 section 4.6.3: the redirected packet is padded with zeros to a multiple of 8 octets. */
    @Test
    void redirectedHeaderIsPadded() {
        NdpOption.RedirectedHeader rh = new NdpOption.RedirectedHeader(new byte[] {1, 2, 3});
        assertEquals(16, rh.bufferLength());
        ByteBuf out = Unpooled.wrappedBuffer(new byte[16]);
        for (int i = 0; i < 16; i++) {
            out.setByte(i, 0xFF);  // emit must write the reserved octets and the padding as zeros
        }
        rh.emit(out, 0);
        assertArrayEquals(org.sockstack.stack.testing.Hex.bytes("0402 000000000000 0102030000000000"), bytes(out));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ROUTER_SOLICITATION", "ROUTER_ADVERTISEMENT", "NEIGHBOR_SOLICITATION",
            "NEIGHBOR_ADVERTISEMENT", "NEIGHBOR_ADVERTISEMENT_NO_OPTION", "REDIRECT"})
    void roundTripIsByteExactThroughIcmpv6Repr(String name) throws ReflectiveOperationException {
        String hex = (String) NdpTest.class.getDeclaredField(name).get(null);
        ByteBuf f = frame(hex);
        Parsed<Icmpv6Repr> p = Icmpv6Repr.parse(view.wrap(f, ICMPV6, f.capacity() - ICMPV6), ipv6Src(f), ipv6Dst(f));
        assertTrue(p.ok(), () -> name + ": " + p);
        assertInstanceOf(NdpRepr.class, p.value());
        assertArrayEquals(message(hex, ICMPV6), emit(p.value(), ipv6Src(f), ipv6Dst(f)), name);
    }

    // ---- malformed (RFC 4861 sections 4.6, 6.1, 7.1, 8.1) ----

    private static ByteBuf ns() {
        return copy(message(NEIGHBOR_SOLICITATION, ICMPV6));
    }

    @Test
    void optionLengthZeroIsBadOption() {
        ByteBuf b = ns();
        b.setByte(25, 0);
        fixChecksum(b, A, B.solicitedNode());
        assertEquals(WireError.BAD_OPTION, view.wrap(b, 0, b.capacity()).check());
        assertEquals(WireError.BAD_OPTION, parseError(b, A, B.solicitedNode()));
    }

    @Test
    void optionPastTheEndIsBadOption() {
        ByteBuf b = ns();
        b.setByte(25, 2);
        fixChecksum(b, A, B.solicitedNode());
        assertEquals(WireError.BAD_OPTION, parseError(b, A, B.solicitedNode()));
    }

    @Test
    void optionHeaderCutByTheEndIsBadOption() {
        ByteBuf b = ns();
        assertEquals(WireError.BAD_OPTION, view.wrap(b, 0, 25).check());
    }

    @Test
    void fixedPartCutIsTruncated() {
        ByteBuf b = ns();
        assertEquals(WireError.TRUNCATED, view.wrap(b, 0, 20).check());
        ByteBuf r = copy(message(REDIRECT, ICMPV6));
        assertEquals(WireError.TRUNCATED, view.wrap(r, 0, 39).check());
    }

    @Test
    void mtuOptionOfWrongSizeIsBadOption() {
        ByteBuf b = copy(message(ROUTER_ADVERTISEMENT, ICMPV6));
        b.setByte(16 + 32 + 1, 2);  // MTU option now claims 16 octets (swallowing the SLLA)
        fixChecksum(b, LL_B, Ipv6Address.ALL_NODES);
        assertEquals(WireError.BAD_OPTION, parseError(b, LL_B, Ipv6Address.ALL_NODES));
    }

    @Test
    void prefixInformationOfWrongSizeIsBadOption() {
        ByteBuf b = copy(message(ROUTER_ADVERTISEMENT, ICMPV6));
        b.setByte(16 + 32 + 8, Icmpv6Packet.OPTION_PREFIX_INFORMATION);  // the 8-octet SLLA retyped as Prefix Information
        fixChecksum(b, LL_B, Ipv6Address.ALL_NODES);
        assertEquals(WireError.BAD_OPTION, parseError(b, LL_B, Ipv6Address.ALL_NODES));
    }

    @Test
    void prefixLengthAbove128IsBadOption() {
        ByteBuf b = copy(message(ROUTER_ADVERTISEMENT, ICMPV6));
        b.setByte(16 + 2, 129);
        fixChecksum(b, LL_B, Ipv6Address.ALL_NODES);
        assertEquals(WireError.BAD_OPTION, parseError(b, LL_B, Ipv6Address.ALL_NODES));
    }

    /** RFC 4861 section 4.6: unrecognized options are skipped, the rest still parse. */
    @Test
    void unknownOptionIsSkipped() {
        ByteBuf b = copy(message(ROUTER_ADVERTISEMENT, ICMPV6));
        b.setByte(16 + 32, 99);  // the MTU option becomes an unknown option
        fixChecksum(b, LL_B, Ipv6Address.ALL_NODES);
        Parsed<NdpRepr> p = NdpRepr.parse(view.wrap(b, 0, b.capacity()), LL_B, Ipv6Address.ALL_NODES);
        assertTrue(p.ok(), p::toString);
        assertEquals(2, p.value().options().size());
        assertEquals(MAC_B, p.value().sourceLinkLayerAddress());
    }

    @Test
    void badChecksumIsRejected() {
        ByteBuf b = ns();
        b.setByte(30, b.getByte(30) ^ 0x10);
        assertEquals(WireError.BAD_CHECKSUM, parseError(b, A, B.solicitedNode()));
    }

    @Test
    void nonZeroCodeIsBadField() {
        ByteBuf b = ns();
        b.setByte(1, 1);
        fixChecksum(b, A, B.solicitedNode());
        assertEquals(WireError.BAD_FIELD, parseError(b, A, B.solicitedNode()));
    }

    @Test
    void multicastTargetIsBadField() {
        ByteBuf b = ns();
        Ipv6Address.ALL_NODES.write(b, 8);
        fixChecksum(b, A, B.solicitedNode());
        assertEquals(WireError.BAD_FIELD, parseError(b, A, B.solicitedNode()));
    }

    /** RFC 4861 section 7.1.1: a DAD probe (source ::) must not carry a Source Link-Layer Address. */
    @Test
    void duplicateAddressProbeWithSourceLinkLayerAddressIsBadOption() {
        ByteBuf b = ns();
        fixChecksum(b, Ipv6Address.UNSPECIFIED, B.solicitedNode());
        assertEquals(WireError.BAD_OPTION, parseError(b, Ipv6Address.UNSPECIFIED, B.solicitedNode()));
    }

    @Test
    void duplicateAddressProbeToUnicastIsBadField() {
        ByteBuf b = copy(Arrays.copyOf(message(NEIGHBOR_SOLICITATION, ICMPV6), 24));
        fixChecksum(b, Ipv6Address.UNSPECIFIED, B);
        assertEquals(WireError.BAD_FIELD, parseError(b, Ipv6Address.UNSPECIFIED, B));
    }

    /** RFC 4861 section 7.1.2: an advertisement to a multicast address cannot be solicited. */
    @Test
    void solicitedAdvertisementToMulticastIsBadField() {
        ByteBuf b = copy(message(NEIGHBOR_ADVERTISEMENT, ICMPV6));
        fixChecksum(b, B, Ipv6Address.ALL_NODES);
        assertEquals(WireError.BAD_FIELD, parseError(b, B, Ipv6Address.ALL_NODES));
    }

    /** RFC 4861 section 6.1.2: a Router Advertisement comes from a link-local address. */
    @Test
    void routerAdvertisementFromGlobalAddressIsBadField() {
        ByteBuf b = copy(message(ROUTER_ADVERTISEMENT, ICMPV6));
        fixChecksum(b, B, Ipv6Address.ALL_NODES);
        assertEquals(WireError.BAD_FIELD, parseError(b, B, Ipv6Address.ALL_NODES));
    }

    /** RFC 4861 section 8.1: the target is link-local or the destination itself. */
    @Test
    void redirectToGlobalTargetIsBadField() {
        ByteBuf b = copy(message(REDIRECT, ICMPV6));
        B.write(b, 8);
        fixChecksum(b, LL_B, A);
        assertEquals(WireError.BAD_FIELD, parseError(b, LL_B, A));
    }

    @Test
    void nonNdpMessageIsUnsupported() {
        ByteBuf b = ns();
        b.setByte(0, Icmpv6Packet.TYPE_ECHO_REQUEST);
        fixChecksum(b, A, B);
        assertEquals(WireError.UNSUPPORTED, parseError(b, A, B));
    }
}
