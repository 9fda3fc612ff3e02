package org.sockstack.drivers.capture;

import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sockstack.stack.testing.Hex;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.drivers.capture.PcapFileTest.readAll;

class PcapngFileTest {
    /** Offsets of the blocks in {@link Fixtures#DUMPCAP_PCAPNG}. */
    private static final int IDB = 164;
    private static final int EPB1 = 232;

    /**
     * Written by hand, big-endian: SHB, IDB (snaplen 0, if_tsresol 9), a block of unknown type,
     * an EPB with a comment and epb_flags "inbound", and an SPB.
     */
    static final String BIG_ENDIAN = """
            0a0d0d0a 0000001c 1a2b3c4d 0001 0000 ffffffffffffffff 0000001c   # SHB, no options
            00000001 00000020 0001 0000 00000000                             # IDB: Ethernet, snaplen 0
              0009 0001 09000000  0000 0000                                  #   if_tsresol 9, end
            00000020
            00000bad 00000010 deadbeef 00000010                              # unknown block type: skipped
            00000006 00000060 00000000 18eae919 8dff5565 0000002a 0000002a   # EPB, 1795503697.426339173
            """ + Fixtures.ARP_REQUEST + """
            0000                                                             #   padding to 32 bits
            0001 0002 6869 0000                                              #   opt_comment "hi"
            0002 0004 00000001                                               #   epb_flags: inbound
            0000 0000                                                        #   opt_endofopt
            00000060
            00000003 0000003c 0000002a                                       # SPB, 42 bytes
            """ + Fixtures.ARP_REQUEST + """
            0000 0000003c
            """;

    static List<CapturedFrame> readPcapng(byte[] file) throws IOException {
        return readAll(new PcapngReader(new ByteArrayInputStream(file)));
    }

    @Test
    void readsDumpcapFileAndSkipsItsStatisticsBlock() throws IOException {
        PcapngReader reader = new PcapngReader(new ByteArrayInputStream(Fixtures.DUMPCAP_PCAPNG));
        assertEquals(ByteOrder.LITTLE_ENDIAN, reader.byteOrder());
        CapturedFrame first = reader.next();
        assertEquals(1, reader.interfaceCount());
        assertEquals("pcfA", reader.interfaceName(0));
        List<CapturedFrame> rest = readAll(reader);
        assertEquals(3, rest.size());
        for (int i = 0; i < 4; i++) {
            CapturedFrame f = i == 0 ? first : rest.get(i - 1);
            assertArrayEquals(Fixtures.frame(i), f.data());
            assertEquals(Fixtures.TIMES[i], f.timestampNanos());
            assertEquals(CaptureOptions.LINKTYPE_ETHERNET, f.linkType());
            assertEquals(0, f.interfaceId());
            assertEquals(FrameDirection.UNKNOWN, f.direction());
            assertNull(f.comment());
        }
    }

    @Test
    void readsHandMadeBigEndianFile() throws IOException {
        PcapngReader reader = new PcapngReader(new ByteArrayInputStream(Hex.bytes(BIG_ENDIAN)));
        assertEquals(ByteOrder.BIG_ENDIAN, reader.byteOrder());
        List<CapturedFrame> frames = readAll(reader);
        assertEquals(2, frames.size());
        CapturedFrame epb = frames.get(0);
        assertArrayEquals(Fixtures.frame(0), epb.data());
        assertEquals(Fixtures.TIMES[0], epb.timestampNanos());
        assertEquals("hi", epb.comment());
        assertEquals(FrameDirection.INBOUND, epb.direction());
        CapturedFrame spb = frames.get(1);
        assertArrayEquals(Fixtures.frame(0), spb.data());
        assertFalse(spb.hasTimestamp());
        assertEquals(42, spb.originalLength());
    }

    @Test
    void aNewSectionBringsItsOwnByteOrderAndInterfaces() throws IOException {
        byte[] be = Hex.bytes(BIG_ENDIAN);
        byte[] both = Arrays.copyOf(be, be.length + Fixtures.DUMPCAP_PCAPNG.length);
        System.arraycopy(Fixtures.DUMPCAP_PCAPNG, 0, both, be.length, Fixtures.DUMPCAP_PCAPNG.length);
        PcapngReader reader = new PcapngReader(new ByteArrayInputStream(both));
        List<CapturedFrame> frames = readAll(reader);
        assertEquals(6, frames.size());
        assertEquals(2, reader.sections());
        assertEquals(ByteOrder.LITTLE_ENDIAN, reader.byteOrder());
        assertEquals(Fixtures.TIMES[3], frames.get(5).timestampNanos());
    }

    @Test
    void binaryResolutionAndTimestampOffset() throws IOException {
        byte[] file = Hex.bytes("""
                0a0d0d0a 0000001c 1a2b3c4d 0001 0000 ffffffffffffffff 0000001c
                00000001 0000002c 0001 0000 00000000
                  0009 0001 8a000000                 # if_tsresol: 2^-10 s
                  000e 0008 0000000000000064         # if_tsoffset: 100 s
                  0000 0000
                0000002c
                00000006 00000030 00000000 00000000 00001600 0000000e 0000000e   # 5632 units = 5.5 s
                ffffffffffff 5652bd78e6ab 0806 0000
                00000030
                """);
        CapturedFrame f = readPcapng(file).get(0);
        assertEquals(105_500_000_000L, f.timestampNanos());
    }

    @ParameterizedTest
    @EnumSource(TimestampPrecision.class)
    void roundTripInBothByteOrdersWithCommentsAndDirections(TimestampPrecision precision) throws IOException {
        for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
            CaptureOptions options = CaptureOptions.defaults().withPrecision(precision).withByteOrder(order)
                    .withInterfaceName("tap-ß");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (PcapngWriter w = new PcapngWriter(out, options)) {
                w.write(Fixtures.TIMES[0], Unpooled.wrappedBuffer(Fixtures.frame(0)), FrameDirection.INBOUND, null);
                w.write(Fixtures.TIMES[1], Unpooled.wrappedBuffer(Fixtures.frame(1)), FrameDirection.OUTBOUND, "a reply");
                w.write(Fixtures.TIMES[2], Unpooled.wrappedBuffer(Fixtures.frame(2)), FrameDirection.UNKNOWN, "é");
                w.write(Fixtures.TIMES[3], Unpooled.wrappedBuffer(Fixtures.frame(3)));
            }
            PcapngReader reader = new PcapngReader(new ByteArrayInputStream(out.toByteArray()));
            assertEquals(order, reader.byteOrder());
            List<CapturedFrame> frames = readAll(reader);
            assertEquals("tap-ß", reader.interfaceName(0));
            assertEquals(4, frames.size());
            for (int i = 0; i < 4; i++) {
                assertArrayEquals(Fixtures.frame(i), frames.get(i).data());
                long unit = precision.nanosPerUnit();
                assertEquals(Fixtures.TIMES[i] / unit * unit, frames.get(i).timestampNanos());
            }
            assertEquals(FrameDirection.INBOUND, frames.get(0).direction());
            assertEquals(FrameDirection.OUTBOUND, frames.get(1).direction());
            assertEquals("a reply", frames.get(1).comment());
            assertEquals("é", frames.get(2).comment());
            assertEquals(FrameDirection.UNKNOWN, frames.get(3).direction());
        }
    }

    @Test
    void writerMatchesDumpcapForThePacketBlocks() throws IOException {
        byte[] ours = PcapFileTest.writeFixtureFrames(CaptureFormat.PCAPNG, CaptureOptions.defaults());
        // dumpcap's EPBs (no options) run from its first EPB to its statistics block at 552.
        byte[] theirs = Arrays.copyOfRange(Fixtures.DUMPCAP_PCAPNG, EPB1, 552);
        byte[] oursEpbs = Arrays.copyOfRange(ours, ours.length - theirs.length, ours.length);
        assertArrayEquals(theirs, oursEpbs);
    }

    @Test
    void snapLengthCutsFrames() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapngWriter w = new PcapngWriter(out, CaptureOptions.defaults().withSnapLength(21))) {
            w.write(Fixtures.TIMES[0], Unpooled.wrappedBuffer(Fixtures.frame(2)));
        }
        CapturedFrame f = readPcapng(out.toByteArray()).get(0);
        assertEquals(50, f.originalLength());
        assertArrayEquals(Arrays.copyOf(Fixtures.frame(2), 21), f.data());
    }

    // --- malformed files -------------------------------------------------------------------------

    @Test
    void everyTruncationIsAClearErrorOrACleanEnd() throws IOException {
        byte[] file = Fixtures.DUMPCAP_PCAPNG;
        int[] blockEnds = {164, 232, 308, 384, 468, 552, 660};
        int[] framesBefore = {0, 0, 1, 2, 3, 4, 4};
        for (int cut = 0; cut < file.length; cut++) {
            byte[] prefix = Arrays.copyOf(file, cut);
            int at = Arrays.binarySearch(blockEnds, cut);
            if (at >= 0) {
                assertEquals(framesBefore[at], readPcapng(prefix).size(), "cut after block " + at);
            } else {
                CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> readPcapng(prefix),
                        "cut at " + cut);
                assertTrue(e.getMessage().startsWith("truncated file"), e.getMessage());
            }
        }
    }

    private static CaptureFormatException rejected(byte[] file) {
        return assertThrows(CaptureFormatException.class, () -> readPcapng(file));
    }

    private static byte[] patchLe(int offset, int value) {
        byte[] file = Fixtures.DUMPCAP_PCAPNG.clone();
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, value);
        return file;
    }

    @Test
    void rejectsBadByteOrderMagic() {
        CaptureFormatException e = rejected(patchLe(8, 0x12345678));
        assertTrue(e.getMessage().contains("byte-order magic 0x78563412"), e.getMessage());
    }

    @Test
    void rejectsAFileNotStartingWithASectionHeader() {
        CaptureFormatException e = rejected(Arrays.copyOfRange(Fixtures.DUMPCAP_PCAPNG, IDB, 660));
        assertTrue(e.getMessage().contains("does not start with a Section Header Block"), e.getMessage());
    }

    @Test
    void rejectsUnknownMajorVersion() {
        byte[] file = Fixtures.DUMPCAP_PCAPNG.clone();
        file[12] = 2;
        assertTrue(rejected(file).getMessage().contains("unsupported pcapng version 2.0"));
    }

    @Test
    void rejectsHugeBlockLengthWithoutAllocatingIt() {
        CaptureFormatException e = rejected(patchLe(EPB1 + 4, 0x7FFFFFF0));
        assertEquals("corrupt pcapng Enhanced Packet Block: block total length 2147483632 (must be a multiple of 4 "
                + "from 32 to 16777216) (at byte offset 232)", e.getMessage());
    }

    @Test
    void rejectsBlockLengthNotAMultipleOfFour() {
        assertTrue(rejected(patchLe(EPB1 + 4, 77)).getMessage().contains("block total length 77"));
    }

    @Test
    void rejectsBlockLengthTooShortForItsType() {
        assertTrue(rejected(patchLe(IDB + 4, 16)).getMessage().contains("Interface Description Block: block total length 16"));
    }

    @Test
    void rejectsMismatchedTrailingLength() {
        CaptureFormatException e = rejected(patchLe(EPB1 + 72, 80));
        assertTrue(e.getMessage().contains("block total length 76 at the start but 80 at the end"), e.getMessage());
    }

    @Test
    void rejectsPacketOfAnUndescribedInterface() {
        CaptureFormatException e = rejected(patchLe(EPB1 + 8, 1));
        assertTrue(e.getMessage().contains("interface 1 was not described (the section has 1)"), e.getMessage());
    }

    @Test
    void rejectsCapturedLengthBeyondTheBlock() {
        CaptureFormatException e = rejected(patchLe(EPB1 + 20, 45));
        assertTrue(e.getMessage().contains("captured length 45 exceeds the block"), e.getMessage());
    }

    @Test
    void rejectsCapturedLengthAboveOriginalLength() {
        CaptureFormatException e = rejected(patchLe(EPB1 + 24, 41));
        assertTrue(e.getMessage().contains("captured length 42 exceeds the original length 41"), e.getMessage());
    }

    @Test
    void rejectsOptionOverrunningItsBlock() {
        byte[] file = Fixtures.DUMPCAP_PCAPNG.clone();
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putShort(IDB + 18, (short) 0x100); // if_name length
        CaptureFormatException e = rejected(file);
        assertTrue(e.getMessage().contains("option 2: length 256 overruns its block"), e.getMessage());
    }

    @Test
    void rejectsSimplePacketLongerThanItsBlock() {
        byte[] file = Hex.bytes(BIG_ENDIAN);
        int spb = file.length - 60;
        ByteBuffer.wrap(file).putInt(spb + 8, 100);
        assertTrue(rejected(file).getMessage().contains("Simple Packet Block: packet length 100 exceeds the block"));
    }

    @Test
    void randomCorruptionNeverThrowsAnythingButCaptureFormatException() {
        CorruptionFuzz.Result r = CorruptionFuzz.run(Fixtures.DUMPCAP_PCAPNG, 3000, 2);
        assertEquals(List.of(), r.unexpected());
        assertTrue(r.rejected() > 0 && r.accepted() > 0, r.toString());
        r = CorruptionFuzz.run(Hex.bytes(BIG_ENDIAN), 3000, 3);
        assertEquals(List.of(), r.unexpected());
    }
}
