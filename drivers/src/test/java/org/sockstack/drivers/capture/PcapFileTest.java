package org.sockstack.drivers.capture;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PcapFileTest {

    static List<CapturedFrame> readAll(CaptureReader reader) throws IOException {
        List<CapturedFrame> frames = new ArrayList<>();
        try (reader) {
            CapturedFrame f;
            while ((f = reader.next()) != null) {
                frames.add(f);
            }
        }
        return frames;
    }

    static List<CapturedFrame> readPcap(byte[] file) throws IOException {
        return readAll(new PcapReader(new ByteArrayInputStream(file)));
    }

    @Test
    void readsTcpdumpMicrosecondFile() throws IOException {
        PcapReader reader = new PcapReader(new ByteArrayInputStream(Fixtures.TCPDUMP_PCAP));
        assertEquals(ByteOrder.LITTLE_ENDIAN, reader.byteOrder());
        assertEquals(TimestampPrecision.MICROSECONDS, reader.precision());
        assertEquals(2, reader.versionMajor());
        assertEquals(4, reader.versionMinor());
        assertEquals(262_144, reader.snapLength());
        assertEquals(CaptureOptions.LINKTYPE_ETHERNET, reader.linkType());
        List<CapturedFrame> frames = readAll(reader);
        assertEquals(4, frames.size());
        for (int i = 0; i < 4; i++) {
            CapturedFrame f = frames.get(i);
            assertArrayEquals(Fixtures.frame(i), f.data(), "frame " + i);
            assertEquals(f.data().length, f.originalLength());
            assertEquals(Fixtures.TIMES[i] / 1000 * 1000, f.timestampNanos(), "microseconds, frame " + i);
            assertEquals(FrameDirection.UNKNOWN, f.direction());
        }
    }

    @Test
    void readsTcpdumpNanosecondFile() throws IOException {
        PcapReader reader = new PcapReader(new ByteArrayInputStream(Fixtures.TCPDUMP_NANO_PCAP));
        assertEquals(TimestampPrecision.NANOSECONDS, reader.precision());
        List<CapturedFrame> frames = readAll(reader);
        assertEquals(4, frames.size());
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(Fixtures.frame(i), frames.get(i).data());
            assertEquals(Fixtures.TIMES[i], frames.get(i).timestampNanos());
        }
    }

    /** Written by hand: the magic in big-endian order, as a SPARC or a big-endian writer would. */
    static final String BIG_ENDIAN_MICROS = """
            a1b2c3d4 0002 0004 00000000 00000000 0000ffff 00000001   # snaplen 65535, Ethernet
            6b053651 00068163 0000002a 0000002a                      # 1795503697.426339, 42 bytes
            """ + Fixtures.ARP_REQUEST + """
            6b053651 0006817c 00000020 00000032                      # 32 of 50 bytes captured
            76286f9f244d 5652bd78e6ab 0800 4500002494994000 4001223c c0000201 c000   # first 32 bytes
            """;

    @Test
    void readsHandMadeBigEndianFile() throws IOException {
        PcapReader reader = new PcapReader(new ByteArrayInputStream(Hex.bytes(BIG_ENDIAN_MICROS)));
        assertEquals(ByteOrder.BIG_ENDIAN, reader.byteOrder());
        assertEquals(65_535, reader.snapLength());
        List<CapturedFrame> frames = readAll(reader);
        assertEquals(2, frames.size());
        assertArrayEquals(Fixtures.frame(0), frames.get(0).data());
        assertEquals(1795503697_426339000L, frames.get(0).timestampNanos());
        assertEquals(1795503697_426364000L, frames.get(1).timestampNanos());
        assertEquals(50, frames.get(1).originalLength());
        assertTrue(frames.get(1).truncated());
        assertArrayEquals(Arrays.copyOf(Fixtures.frame(2), 32), frames.get(1).data());
    }

    @Test
    void readsHandMadeBigEndianNanosecondFile() throws IOException {
        byte[] file = Hex.bytes("""
                a1b23c4d 0002 0004 00000000 00000000 00040000 00000001
                6b053651 19696b65 0000002a 0000002a
                """ + Fixtures.ARP_REQUEST);
        PcapReader reader = new PcapReader(new ByteArrayInputStream(file));
        assertEquals(TimestampPrecision.NANOSECONDS, reader.precision());
        assertEquals(ByteOrder.BIG_ENDIAN, reader.byteOrder());
        List<CapturedFrame> frames = readAll(reader);
        assertEquals(Fixtures.TIMES[0], frames.get(0).timestampNanos());
    }

    @ParameterizedTest
    @EnumSource(TimestampPrecision.class)
    void roundTripInBothByteOrders(TimestampPrecision precision) throws IOException {
        for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
            CaptureOptions options = CaptureOptions.defaults().withPrecision(precision).withByteOrder(order);
            byte[] file = writeFixtureFrames(CaptureFormat.PCAP, options);
            PcapReader reader = new PcapReader(new ByteArrayInputStream(file));
            assertEquals(order, reader.byteOrder());
            assertEquals(precision, reader.precision());
            List<CapturedFrame> frames = readAll(reader);
            assertEquals(4, frames.size());
            for (int i = 0; i < 4; i++) {
                assertArrayEquals(Fixtures.frame(i), frames.get(i).data());
                long expected = Fixtures.TIMES[i] / precision.nanosPerUnit() * precision.nanosPerUnit();
                assertEquals(expected, frames.get(i).timestampNanos(), precision + " " + order);
            }
        }
    }

    @Test
    void writerReproducesTcpdumpFileByteForByte() throws IOException {
        CaptureOptions options = CaptureOptions.defaults().withPrecision(TimestampPrecision.NANOSECONDS);
        assertArrayEquals(Fixtures.TCPDUMP_NANO_PCAP, writeFixtureFrames(CaptureFormat.PCAP, options));
        options = options.withPrecision(TimestampPrecision.MICROSECONDS);
        assertArrayEquals(Fixtures.TCPDUMP_PCAP, writeFixtureFrames(CaptureFormat.PCAP, options));
    }

    static byte[] writeFixtureFrames(CaptureFormat format, CaptureOptions options) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CaptureWriter w = CaptureWriter.create(out, format, options)) {
            for (int i = 0; i < 4; i++) {
                w.write(Fixtures.TIMES[i], Unpooled.wrappedBuffer(Fixtures.frame(i)));
            }
            assertEquals(4, w.framesWritten());
        }
        return out.toByteArray();
    }

    @Test
    void snapLengthCutsFramesAndKeepsTheOriginalLength() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(out, CaptureOptions.defaults().withSnapLength(20))) {
            w.write(Fixtures.TIMES[0], Unpooled.wrappedBuffer(Fixtures.frame(2)));
        }
        PcapReader reader = new PcapReader(new ByteArrayInputStream(out.toByteArray()));
        assertEquals(20, reader.snapLength());
        CapturedFrame f = reader.next();
        assertEquals(50, f.originalLength());
        assertArrayEquals(Arrays.copyOf(Fixtures.frame(2), 20), f.data());
        assertNull(reader.next());
    }

    @Test
    void writerCopiesWithoutTouchingTheBuffer() throws IOException {
        ByteBuf frame = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        try {
            frame.writeBytes(new byte[7]).writeBytes(Fixtures.frame(0)).readerIndex(7);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (PcapWriter w = new PcapWriter(out, CaptureOptions.defaults())) {
                w.write(Fixtures.TIMES[0], frame);
            }
            assertEquals(7, frame.readerIndex());
            assertEquals(7 + 42, frame.writerIndex());
            assertEquals(1, frame.refCnt());
            assertArrayEquals(Fixtures.frame(0), readPcap(out.toByteArray()).get(0).data());
        } finally {
            frame.release();
        }
    }

    @Test
    void writingAfterCloseFails() throws IOException {
        PcapWriter w = new PcapWriter(new ByteArrayOutputStream(), CaptureOptions.defaults());
        w.close();
        assertThrows(IOException.class, () -> w.write(0, Unpooled.wrappedBuffer(new byte[14])));
    }

    // --- malformed files -------------------------------------------------------------------------

    @Test
    void everyTruncationIsAClearErrorOrACleanEnd() throws IOException {
        byte[] file = Fixtures.TCPDUMP_PCAP;
        int[] recordEnds = {24, 24 + 16 + 42, 24 + 2 * (16 + 42), 24 + 2 * (16 + 42) + 16 + 50, file.length};
        for (int cut = 0; cut < file.length; cut++) {
            byte[] prefix = Arrays.copyOf(file, cut);
            int at = Arrays.binarySearch(recordEnds, cut);
            if (at >= 0) {
                assertEquals(at, readPcap(prefix).size(), "a file cut after record " + at + " ends cleanly");
            } else {
                CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> readPcap(prefix),
                        "cut at " + cut);
                assertTrue(e.getMessage().startsWith("truncated file"), e.getMessage());
            }
        }
    }

    @Test
    void truncatedRecordNamesWhatIsMissing() {
        byte[] cut = Arrays.copyOf(Fixtures.TCPDUMP_PCAP, 24 + 16 + 10);
        CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> readPcap(cut));
        assertEquals("truncated file: pcap packet data needs 42 bytes but the file ends after 10 (at byte offset 40)",
                e.getMessage());
        assertEquals(40, e.offset());
    }

    @Test
    void rejectsWrongMagic() {
        byte[] file = Fixtures.TCPDUMP_PCAP.clone();
        file[0] = 0x00;
        CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> readPcap(file));
        assertTrue(e.getMessage().contains("not a pcap file: magic number 0x00c3b2a1"), e.getMessage());
    }

    @Test
    void rejectsUnknownVersion() {
        byte[] file = Fixtures.TCPDUMP_PCAP.clone();
        file[4] = 3;
        CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> readPcap(file));
        assertTrue(e.getMessage().contains("unsupported pcap version 3.4"), e.getMessage());
    }

    @Test
    void rejectsHugeInclLenWithoutAllocatingIt() {
        byte[] file = Fixtures.TCPDUMP_PCAP.clone();
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(24 + 8, 0xFFFFFFF0).putInt(24 + 12, 0xFFFFFFF0);
        CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> readPcap(file));
        assertTrue(e.getMessage().contains("incl_len 4294967280 exceeds the snap length 262144"), e.getMessage());
        assertEquals(24, e.offset());
    }

    @Test
    void rejectsInclLenAboveTheFilesSnapLength() {
        byte[] file = Hex.bytes(BIG_ENDIAN_MICROS);
        ByteBuffer.wrap(file).putInt(16, 41); // snaplen 41 < the first record's 42
        CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> readPcap(file));
        assertTrue(e.getMessage().contains("incl_len 42 exceeds the snap length 41"), e.getMessage());
    }

    @Test
    void rejectsInclLenAboveOrigLen() {
        byte[] file = Fixtures.TCPDUMP_PCAP.clone();
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(24 + 12, 41);
        CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> readPcap(file));
        assertTrue(e.getMessage().contains("incl_len 42 exceeds orig_len 41"), e.getMessage());
    }

    @Test
    void headerOnlyFileHasNoFrames() throws IOException {
        assertTrue(readPcap(Arrays.copyOf(Fixtures.TCPDUMP_PCAP, 24)).isEmpty());
    }

    @Test
    void snapLengthZeroMeansTheMaximum() throws IOException {
        byte[] file = Fixtures.TCPDUMP_PCAP.clone();
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(16, 0);
        PcapReader reader = new PcapReader(new ByteArrayInputStream(file));
        assertEquals(CaptureOptions.MAX_SNAP_LENGTH, reader.snapLength());
        assertEquals(4, readAll(reader).size());
    }

    @Test
    void randomCorruptionNeverThrowsAnythingButCaptureFormatException() {
        CorruptionFuzz.Result r = CorruptionFuzz.run(Fixtures.TCPDUMP_PCAP, 3000, 1);
        assertEquals(List.of(), r.unexpected());
        assertTrue(r.rejected() > 0 && r.accepted() > 0, r.toString());
    }
}
