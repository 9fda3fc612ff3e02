package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sockstack.stack.wire.TcpFixtures.Fixture;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.stack.wire.TcpFixtures.V4_ACK;
import static org.sockstack.stack.wire.TcpFixtures.V4_PSH;
import static org.sockstack.stack.wire.TcpFixtures.V4_RST;
import static org.sockstack.stack.wire.TcpFixtures.V4_SACK2;
import static org.sockstack.stack.wire.TcpFixtures.V4_SACK3;
import static org.sockstack.stack.wire.TcpFixtures.V4_SYN;
import static org.sockstack.stack.wire.TcpFixtures.V6_SACK2;
import static org.sockstack.stack.wire.TcpFixtures.V6_SYN_ACK;

/** The view: deconstructing kernel segments and rejecting malformed ones (RFC 9293 3.1, 3.2). */
class TcpSegmentTest {

    static List<Fixture> fixtures() {
        return TcpFixtures.all();
    }

    private static TcpSegment checked(ByteBuf buf) {
        TcpSegment s = new TcpSegment().wrap(buf);
        assertEquals(WireError.OK, s.check());
        return s;
    }

    @Test
    void deconstructsSyn() {
        TcpSegment s = checked(V4_SYN.buf());
        assertEquals(52568, s.srcPort());
        assertEquals(5000, s.dstPort());
        assertEquals(0x5b3741d3, s.seqNumber());
        assertEquals(0, s.ackNumber());
        assertEquals(10, s.dataOffset());
        assertEquals(40, s.headerLength());
        assertEquals(0, s.reserved());
        assertEquals(TcpSegment.SYN, s.flags());
        assertTrue(s.syn());
        assertFalse(s.ack() || s.fin() || s.rst() || s.psh() || s.urg() || s.ece() || s.cwr());
        assertEquals(64240, s.window());
        assertEquals(0xe2bc, s.checksum());
        assertEquals(0, s.urgentPointer());
        assertEquals(1460, s.mss());
        assertEquals(10, s.windowScale());
        assertTrue(s.sackPermitted());
        assertTrue(s.hasTimestamps());
        assertEquals(756169550, s.tsVal());
        assertEquals(0, s.tsEcr());
        assertEquals(0, s.sackBlockCount());
        assertEquals(40, s.payloadOffset());
        assertEquals(0, s.payloadLength());
        assertEquals(1, s.segLen(), "a SYN occupies one sequence number");
    }

    @Test
    void deconstructsSynAckOverIpv6() {
        TcpSegment s = checked(V6_SYN_ACK.buf());
        assertEquals(TcpSegment.SYN | TcpSegment.ACK, s.flags());
        assertEquals(0x713deb83, s.seqNumber());
        assertEquals(0x29d22b8f, s.ackNumber());
        assertEquals(1440, s.mss());
        assertEquals(10, s.windowScale());
        assertEquals(226911097, s.tsVal());
        assertEquals((int) 3297880755L, s.tsEcr());
    }

    @Test
    void deconstructsDataSegmentWithPsh() {
        TcpSegment s = checked(V4_PSH.buf());
        assertTrue(s.psh() && s.ack());
        assertEquals(32, s.headerLength());
        assertEquals(-1, s.mss());
        assertEquals(-1, s.windowScale());
        assertFalse(s.sackPermitted());
        assertEquals(32, s.payloadOffset());
        assertEquals(16, s.payloadLength());
        assertEquals(16, s.segLen());
        assertEquals("hello sockstack\n", s.buffer().toString(s.payloadOffset(), s.payloadLength(), StandardCharsets.US_ASCII));
    }

    @Test
    void finOccupiesOneSequenceNumber() {
        TcpSegment s = checked(TcpFixtures.V4_FIN.buf());
        assertTrue(s.fin() && s.ack());
        assertEquals(1, s.segLen());
        assertEquals(0, checked(V4_ACK.buf()).segLen());
    }

    @Test
    void deconstructsRstWithoutOptions() {
        TcpSegment s = checked(V4_RST.buf());
        assertEquals(TcpSegment.RST | TcpSegment.ACK, s.flags());
        assertEquals(5, s.dataOffset());
        assertEquals(0, s.window());
        assertEquals(-1, s.mss());
        assertFalse(s.hasTimestamps());
        assertEquals(0, s.tsVal());
        assertEquals(0, s.sackBlockCount());
        assertEquals(0, s.payloadLength());
    }

    @Test
    void readsSackBlocks() {
        TcpSegment s = checked(V4_SACK3.buf());
        assertEquals(60, s.headerLength());
        assertEquals(3, s.sackBlockCount());
        assertEquals(321460648, s.sackLeftEdge(0));
        assertEquals(321470784, s.sackRightEdge(0));
        assertEquals(321454856, s.sackLeftEdge(1));
        assertEquals(321459200, s.sackRightEdge(1));
        assertEquals(321451504, s.sackLeftEdge(2));
        assertEquals(321454400, s.sackRightEdge(2));

        TcpSegment v6 = checked(V6_SACK2.buf());
        assertEquals(2, v6.sackBlockCount());
        assertEquals((int) 3146874487L, v6.sackLeftEdge(0));
        assertEquals((int) 3146873059L, v6.sackRightEdge(1));
    }

    @Test
    void offsetsAreAbsoluteInsideALargerBuffer() {
        byte[] seg = V4_PSH.bytes();
        byte[] frame = new byte[34 + seg.length + 6];   // IPv4-in-Ethernet in front, padding behind
        System.arraycopy(seg, 0, frame, 34, seg.length);
        TcpSegment s = new TcpSegment().wrap(Unpooled.wrappedBuffer(frame), 34, seg.length);
        assertEquals(WireError.OK, s.check());
        assertEquals(34 + 32, s.payloadOffset());
        assertEquals(16, s.payloadLength());
        assertTrue(s.verifyChecksum(V4_PSH.pseudoHeaderSum()));
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void kernelChecksumsVerify(Fixture f) {
        TcpSegment s = checked(f.buf());
        assertTrue(s.verifyChecksum(f.pseudoHeaderSum()));
        int otherAddress = TcpSegment.pseudoHeaderIpv4(0xC000_0203, TcpFixtures.V4_B, s.length());
        assertFalse(s.verifyChecksum(otherAddress));
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void toStringReadsLikeTcpdump(Fixture f) {
        assertEquals("TCP " + f.tcpdump(), checked(f.buf()).toString());
    }

    // ---- malformed input: each rejected with its WireError, never an exception ----

    private static WireError check(byte[] b) {
        return new TcpSegment().wrap(Unpooled.wrappedBuffer(b)).check();
    }

    @Test
    void rejectsTruncatedSegments() {
        byte[] syn = V4_SYN.bytes();
        assertEquals(WireError.TRUNCATED, new TcpSegment().wrap(Unpooled.wrappedBuffer(syn), 0, 19).check());
        assertEquals(WireError.TRUNCATED, check(new byte[0]));
    }

    @Test
    void rejectsDataOffsetBelowFive() {
        byte[] b = V4_RST.bytes();
        b[12] = 0x40;
        assertEquals(WireError.BAD_LENGTH, check(b));
        b[12] = 0x00;
        assertEquals(WireError.BAD_LENGTH, check(b));
    }

    @Test
    void rejectsDataOffsetPastTheBuffer() {
        byte[] b = V4_ACK.bytes();          // 32 octets
        b[12] = (byte) 0xF0;                // claims 60
        assertEquals(WireError.BAD_LENGTH, check(b));
        // The IP layer's length cuts the SYN's 40-octet header short.
        assertEquals(WireError.BAD_LENGTH, new TcpSegment().wrap(V4_SYN.buf(), 0, 30).check());
    }

    @Test
    void rejectsOptionLengthZeroAndOne() {
        byte[] b = V4_SYN.bytes();
        b[21] = 0;                          // MSS length
        assertEquals(WireError.BAD_OPTION, check(b));
        b[21] = 1;
        assertEquals(WireError.BAD_OPTION, check(b));
    }

    @Test
    void rejectsOptionPastTheHeaderEnd() {
        byte[] syn = V4_SYN.bytes();
        syn[37] = 30;                       // an unknown kind where wscale was, 3 octets left
        syn[38] = 3;
        assertEquals(WireError.OK, check(syn), "unknown kinds may have any length that fits");
        syn[38] = 4;
        assertEquals(WireError.BAD_OPTION, check(syn));

        byte[] psh = V4_PSH.bytes();        // header 32, data follows: options must not reach it
        psh[22] = 30;
        psh[23] = 12;
        assertEquals(WireError.BAD_OPTION, check(psh));
    }

    @Test
    void rejectsKindWithoutRoomForItsLength() {
        byte[] b = V4_SYN.bytes();
        b[36] = 1;
        b[37] = 1;
        b[38] = 1;
        b[39] = TcpSegment.OPT_MSS;         // last header octet
        assertEquals(WireError.BAD_OPTION, check(b));
    }

    @Test
    void rejectsKnownOptionsWithTheWrongLength() {
        int[][] cases = {
            {21, 3}, {21, 5},               // MSS is 4
            {25, 3},                        // SACK-permitted is 2 (and would run into TS)
            {27, 8}, {27, 12},              // Timestamps is 10
            {38, 2},                        // Window scale is 3
        };
        for (int[] c : cases) {
            byte[] b = V4_SYN.bytes();
            b[c[0]] = (byte) c[1];
            assertEquals(WireError.BAD_OPTION, check(b), "octet " + c[0] + " = " + c[1]);
        }
    }

    @Test
    void rejectsSackWithoutWholeBlocks() {
        byte[] b = V4_SACK2.bytes();        // 05 12 at 34, 35
        b[35] = 17;
        assertEquals(WireError.BAD_OPTION, check(b));
        b[35] = 2;                          // no blocks at all
        assertEquals(WireError.BAD_OPTION, check(b));
        b[35] = 10;                         // one block; the second block's octets then read as
        assertEquals(WireError.BAD_OPTION, check(b));   // kind 0x88 with length 0x63: past the end
    }

    @Test
    void skipsUnknownOptionsAndStopsAtEndOfOptionList() {
        byte[] b = V4_SYN.bytes();
        // Replace MSS with an unknown 4-octet option (kind 254, RFC 6994 experiment).
        b[20] = (byte) 254;
        assertEquals(WireError.OK, check(b));
        TcpSegment s = new TcpSegment().wrap(Unpooled.wrappedBuffer(b));
        s.check();
        assertEquals(-1, s.mss());
        assertEquals(10, s.windowScale(), "options after an unknown one are still found");

        byte[] eol = V4_SYN.bytes();
        eol[24] = TcpSegment.OPT_EOL;       // everything after is padding, however it looks
        eol[25] = 0;
        eol[26] = (byte) 0xFF;
        TcpSegment e = new TcpSegment().wrap(Unpooled.wrappedBuffer(eol));
        assertEquals(WireError.OK, e.check());
        assertEquals(1460, e.mss());
        assertFalse(e.sackPermitted());
        assertEquals(-1, e.windowScale());
    }

    @Test
    void reservedBitsAreReadableAndIgnored() {
        byte[] b = V4_ACK.bytes();
        b[12] = (byte) 0x8F;
        TcpSegment s = new TcpSegment().wrap(Unpooled.wrappedBuffer(b));
        assertEquals(WireError.OK, s.check());
        assertEquals(0x0F, s.reserved());
        assertEquals(8, s.dataOffset());
        assertEquals(TcpSegment.ACK, s.flags());
    }

    @Test
    void malformedSegmentsPrintTheirError() {
        assertEquals("TCP [truncated]", new TcpSegment().wrap(Unpooled.wrappedBuffer(new byte[3])).toString());
    }
}
