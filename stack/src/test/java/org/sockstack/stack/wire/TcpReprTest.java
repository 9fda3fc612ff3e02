package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sockstack.stack.testing.Hex;
import org.sockstack.stack.wire.TcpFixtures.Fixture;
import org.sockstack.stack.wire.TcpOptions.SackBlock;
import org.sockstack.stack.wire.TcpOptions.Timestamps;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.stack.wire.TcpFixtures.V4_PSH;
import static org.sockstack.stack.wire.TcpFixtures.V4_SACK2;
import static org.sockstack.stack.wire.TcpFixtures.V4_SYN;
import static org.sockstack.stack.wire.TcpFixtures.V4_SYN_ACK;
import static org.sockstack.stack.wire.TcpFixtures.V6_PSH;
import static org.sockstack.stack.wire.TcpFixtures.V6_RST;

/** The record: parse with checksum, emit in the kernel's layout, SEG.LEN, tcpdump-style text. */
class TcpReprTest {

    static List<Fixture> fixtures() {
        return TcpFixtures.all();
    }

    private static Parsed<TcpRepr> parse(Fixture f) {
        return TcpRepr.parse(new TcpSegment().wrap(f.buf()), f.pseudoHeaderSum());
    }

    @Test
    void parsesSyn() {
        TcpRepr expected = new TcpRepr(52568, 5000, 0x5b3741d3, 0, TcpSegment.SYN, 64240, 0,
                TcpOptions.syn(1460, 10, true, new Timestamps(756169550, 0)), 0);
        assertEquals(expected, parse(V4_SYN).value());
    }

    @Test
    void parsesSackBlocks() {
        TcpRepr r = parse(V4_SACK2).value();
        assertEquals(TcpOptions.data(new Timestamps(1614666473, 550991093), List.of(
                new SackBlock((int) 2288216631L, (int) 2288218079L),
                new SackBlock((int) 2288210839L, (int) 2288212287L))), r.options());
        assertTrue(r.ack());
        assertEquals(0, r.segLen());
    }

    @Test
    void parsesIpv6DataAndRst() {
        TcpRepr psh = parse(V6_PSH).value();
        assertTrue(psh.psh() && psh.ack());
        assertEquals(16, psh.payloadLength());
        assertEquals(16, psh.segLen());
        TcpRepr rst = parse(V6_RST).value();
        assertTrue(rst.rst() && rst.ack());
        assertEquals(TcpOptions.NONE, rst.options());
        assertEquals(20, rst.headerLength());
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void reEmitsKernelSegmentsByteForByte(Fixture f) {
        byte[] original = f.bytes();
        TcpRepr r = parse(f).value();
        assertEquals(original.length, r.tcpLength());
        ByteBuf out = PooledByteBufAllocator.DEFAULT.buffer(8 + original.length);
        try {
            // Emit at an offset, with the payload placed after the header first.
            out.writerIndex(8 + original.length);
            out.setBytes(8 + r.bufferLength(), original, r.headerLength(), r.payloadLength());
            int pseudo = f.pseudoHeaderSum();
            r.emit(out, 8, pseudo);
            byte[] emitted = new byte[original.length];
            out.getBytes(8, emitted);
            assertArrayEquals(original, emitted, () -> Hex.of(Unpooled.wrappedBuffer(emitted)));
        } finally {
            out.release();
        }
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void toStringReadsLikeTcpdump(Fixture f) {
        assertEquals("TCP " + f.tcpdump(), parse(f).value().toString());
    }

    @Test
    void constructsSynAckFromScratch() {
        TcpRepr synAck = new TcpRepr(5000, 52568, 314714045, 1530347988, TcpSegment.SYN | TcpSegment.ACK, 65160, 0,
                TcpOptions.syn(1460, 10, true, new Timestamps(1009066388, 756169550)), 0);
        ByteBuf out = Unpooled.wrappedBuffer(new byte[synAck.bufferLength()]);
        synAck.emit(out, 0, TcpSegment.pseudoHeaderIpv4(TcpFixtures.V4_B, TcpFixtures.V4_A, synAck.tcpLength()));
        assertEquals(Hex.of(V4_SYN_ACK.buf()), Hex.of(out));
    }

    // ---- checksum ----

    @Test
    void rejectsBadChecksum() {
        byte[] b = V4_PSH.bytes();
        b[b.length - 1] ^= 0x01;            // one bit of data
        Parsed<TcpRepr> p = TcpRepr.parse(new TcpSegment().wrap(Unpooled.wrappedBuffer(b)), V4_PSH.pseudoHeaderSum());
        assertEquals(WireError.BAD_CHECKSUM, p.error());
        assertSame(Parsed.fail(WireError.BAD_CHECKSUM), p, "a rejected segment allocates nothing");
    }

    @Test
    void rejectsChecksumAgainstTheWrongPseudoHeader() {
        TcpSegment s = new TcpSegment().wrap(V6_PSH.buf());
        int v4 = TcpSegment.pseudoHeaderIpv4(TcpFixtures.V4_A, TcpFixtures.V4_B, s.length());
        assertEquals(WireError.BAD_CHECKSUM, TcpRepr.parse(s, v4).error());
        int wrongLength = TcpSegment.pseudoHeaderIpv6(TcpFixtures.V6_A, TcpFixtures.V6_B, s.length() + 1);
        assertEquals(WireError.BAD_CHECKSUM, TcpRepr.parse(s, wrongLength).error());
        assertTrue(TcpRepr.parseWithoutChecksum(s).ok(), "offloaded checksums skip the verification");
    }

    @Test
    void parseReportsTheViewsError() {
        byte[] b = V4_SYN.bytes();
        b[21] = 0;
        assertEquals(WireError.BAD_OPTION,
                TcpRepr.parse(new TcpSegment().wrap(Unpooled.wrappedBuffer(b)), V4_SYN.pseudoHeaderSum()).error());
        assertEquals(WireError.TRUNCATED,
                TcpRepr.parseWithoutChecksum(new TcpSegment().wrap(Unpooled.wrappedBuffer(new byte[12]))).error());
    }

    // ---- options ----

    @Test
    void windowScaleAboveFourteenIsTreatedAsFourteen() {
        byte[] b = V4_SYN.bytes();
        b[39] = 15;                         // RFC 7323 2.3: use 14 instead
        TcpSegment s = new TcpSegment().wrap(Unpooled.wrappedBuffer(b));
        assertEquals(WireError.OK, s.check());
        assertEquals(15, s.windowScale(), "the view shows what was sent");
        assertEquals(14, TcpRepr.parseWithoutChecksum(s).value().options().windowScale());
        assertEquals(14, TcpOptions.syn(-1, 200, false, null).windowScale());
    }

    @Test
    void emitsLinuxLayoutsWithNopPadding() {
        assertEquals("0101080a0000000100000002", emit(TcpOptions.data(new Timestamps(1, 2), List.of())));
        assertEquals("01010402", emit(new TcpOptions(-1, -1, true, null, List.of())));
        assertEquals("020405b40101040201030307", emit(TcpOptions.syn(1460, 7, true, null)));
        assertEquals("0101050a0000000a00000014", emit(TcpOptions.data(null, List.of(new SackBlock(10, 20)))));
        assertEquals("", emit(TcpOptions.NONE));
    }

    private static String emit(TcpOptions o) {
        ByteBuf b = Unpooled.wrappedBuffer(new byte[o.bufferLength()]);
        o.emit(b, 0);
        return Hex.of(b);
    }

    @Test
    void everyOptionCombinationRoundTrips() {
        int combos = 0;
        for (int mss : new int[] {-1, 536}) {
            for (int ws : new int[] {-1, 0, 14}) {
                for (boolean sackOk : new boolean[] {false, true}) {
                    for (Timestamps ts : new Timestamps[] {null, new Timestamps(-1, 7)}) {
                        for (int n = 0; n <= TcpSegment.MAX_SACK_BLOCKS; n++) {
                            List<SackBlock> blocks = new ArrayList<>();
                            for (int k = 0; k < n; k++) {
                                blocks.add(new SackBlock(1000 * k, 1000 * k + 500));
                            }
                            boolean synOnly = mss >= 0 || ws >= 0 || sackOk;
                            if (synOnly && n > 0) {
                                continue;   // parse drops one or the other: see the next test
                            }
                            TcpOptions o;
                            try {
                                o = new TcpOptions(mss, ws, sackOk, ts, blocks);
                            } catch (IllegalArgumentException tooLong) {
                                continue;   // more than 40 octets
                            }
                            combos++;
                            assertEquals(0, o.bufferLength() % 4, o::toString);
                            int flags = n > 0 ? TcpSegment.ACK : TcpSegment.SYN;
                            TcpRepr r = new TcpRepr(1, 2, 3, 4, flags, 5, 0, o, 0);
                            ByteBuf out = Unpooled.wrappedBuffer(new byte[r.bufferLength()]);
                            r.emit(out, 0, 0);
                            TcpSegment s = new TcpSegment().wrap(out);
                            assertEquals(WireError.OK, s.check(), o::toString);
                            assertTrue(s.verifyChecksum(0));
                            assertEquals(r, TcpRepr.parseWithoutChecksum(s).value());
                        }
                    }
                }
            }
        }
        assertTrue(combos >= 30, "combinations tried: " + combos);
    }

    @Test
    void optionsAreKeptOnlyWhereTheyMeanSomething() {
        // A non-SYN ACK carrying MSS, timestamps and 3 SACK blocks: 40 option octets on the wire
        // (44 in the padded layout emit uses), legal to walk, but the MSS means nothing here.
        ByteBuf b = Hex.buf("""
                1388 d4e2 0000 0001 0000 0002 f010 0100 0000 0000
                020405b4 080a 0000000b 0000000c
                051a 00000064 000000c8 0000012c 00000190 000001f4 00000258
                """);
        TcpSegment s = new TcpSegment().wrap(b);
        assertEquals(WireError.OK, s.check());
        assertEquals(1460, s.mss(), "the view shows what was sent");
        TcpOptions o = TcpRepr.parseWithoutChecksum(s).value().options();
        assertEquals(TcpOptions.data(new Timestamps(11, 12), List.of(
                new SackBlock(100, 200), new SackBlock(300, 400), new SackBlock(500, 600))), o);

        // SACK blocks on a SYN acknowledge nothing (RFC 2018 section 3).
        ByteBuf syn = Hex.buf("""
                1388 d4e2 0000 0001 0000 0000 9002 0100 0000 0000
                020405b4 0101 050a 00000064 000000c8
                """);
        TcpSegment t = new TcpSegment().wrap(syn);
        assertEquals(WireError.OK, t.check());
        assertEquals(1, t.sackBlockCount());
        assertEquals(TcpOptions.syn(1460, -1, false, null), TcpRepr.parseWithoutChecksum(t).value().options());
    }

    @Test
    void refusesOptionsThatDoNotFitFortyOctets() {
        Timestamps ts = new Timestamps(1, 2);
        List<SackBlock> four = List.of(new SackBlock(1, 2), new SackBlock(3, 4), new SackBlock(5, 6), new SackBlock(7, 8));
        assertEquals(36, TcpOptions.data(null, four).bufferLength());
        assertThrows(IllegalArgumentException.class, () -> TcpOptions.data(ts, four));
        List<SackBlock> five = new ArrayList<>(four);
        five.add(new SackBlock(9, 10));
        assertThrows(IllegalArgumentException.class, () -> TcpOptions.data(null, five));
    }

    // ---- SEG.LEN ----

    @Test
    void segLenCountsSynAndFin() {
        assertEquals(1, new TcpRepr(1, 2, 0, 0, TcpSegment.SYN, 0, 0, null, 0).segLen());
        assertEquals(5, new TcpRepr(1, 2, 0, 0, TcpSegment.SYN | TcpSegment.FIN, 0, 0, null, 3).segLen());
        assertEquals(0, new TcpRepr(1, 2, 0, 0, TcpSegment.RST, 0, 0, null, 0).segLen());
        assertEquals(100, new TcpRepr(1, 2, 0, 0, TcpSegment.ACK | TcpSegment.PSH, 0, 0, null, 100).segLen());
    }

    @Test
    void toStringShowsUrgentPointerAndEcnLetters() {
        TcpRepr r = new TcpRepr(1, 2, 10, 20, TcpSegment.ACK | TcpSegment.URG | TcpSegment.ECE | TcpSegment.CWR,
                512, 3, null, 4);
        assertEquals("TCP 1 > 2: Flags [.UEW], seq 10:14, ack 20, win 512, urg 3, length 4", r.toString());
        assertEquals("TCP 1 > 2: Flags [none], win 0, length 0", new TcpRepr(1, 2, 0, 0, 0, 0, 0, null, 0).toString());
    }

    @Test
    void constructorRefusesOutOfRangeFields() {
        assertThrows(IllegalArgumentException.class, () -> new TcpRepr(70000, 2, 0, 0, 0, 0, 0, null, 0));
        assertThrows(IllegalArgumentException.class, () -> new TcpRepr(1, 2, 0, 0, 0x100, 0, 0, null, 0));
        assertThrows(IllegalArgumentException.class, () -> new TcpRepr(1, 2, 0, 0, 0, -1, 0, null, 0));
        assertFalse(new TcpRepr(1, 2, 0, 0, 0, 0, 0, null, 0).options().hasTimestamps());
    }
}
