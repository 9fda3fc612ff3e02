package org.sockstack.drivers.capture;

import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sockstack.stack.testing.Hex;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CaptureReaderTest {

    private static CaptureFormat detected(byte[] file) throws IOException {
        try (CaptureReader r = CaptureReader.open(new ByteArrayInputStream(file))) {
            assertEquals(4, PcapFileTest.readAll(r).size());
            return r.format();
        }
    }

    @Test
    void detectsEachFormatByItsMagic() throws IOException {
        assertEquals(CaptureFormat.PCAP, detected(Fixtures.TCPDUMP_PCAP));
        assertEquals(CaptureFormat.PCAP, detected(Fixtures.TCPDUMP_NANO_PCAP));
        assertEquals(CaptureFormat.PCAPNG, detected(Fixtures.DUMPCAP_PCAPNG));
        byte[] bigEndian = PcapFileTest.writeFixtureFrames(CaptureFormat.PCAP,
                CaptureOptions.defaults().withByteOrder(java.nio.ByteOrder.BIG_ENDIAN));
        assertEquals(CaptureFormat.PCAP, detected(bigEndian));
    }

    @Test
    void rejectsOtherFilesClearly() {
        CaptureFormatException e = assertThrows(CaptureFormatException.class,
                () -> CaptureReader.open(new ByteArrayInputStream(Hex.bytes("7f454c46 02010100")))); // an ELF binary
        assertEquals("not a pcap or pcapng file: it starts with 7f 45 4c 46 (at byte offset 0)", e.getMessage());
        e = assertThrows(CaptureFormatException.class, () -> CaptureReader.open(new ByteArrayInputStream(new byte[2])));
        assertTrue(e.getMessage().contains("only 2 bytes"), e.getMessage());
        e = assertThrows(CaptureFormatException.class, () -> CaptureReader.open(new ByteArrayInputStream(new byte[0])));
        assertTrue(e.getMessage().contains("only 0 bytes"), e.getMessage());
    }

    @Test
    void writesAndReadsFilesChoosingTheFormatByExtension(@TempDir Path dir) throws IOException {
        for (String name : new String[] {"a.pcap", "b.pcapng"}) {
            Path file = dir.resolve(name);
            try (CaptureWriter w = CaptureWriter.open(file, CaptureOptions.defaults())) {
                assertEquals(CaptureFormat.forFileName(file), w.format());
                w.write(Fixtures.TIMES[0], Unpooled.wrappedBuffer(Fixtures.frame(0)));
            }
            try (CaptureReader r = CaptureReader.open(file)) {
                assertEquals(name.endsWith("ng") ? CaptureFormat.PCAPNG : CaptureFormat.PCAP, r.format());
                assertArrayEquals(Fixtures.frame(0), r.next().data());
            }
        }
        assertTrue(Files.size(dir.resolve("b.pcapng")) > Files.size(dir.resolve("a.pcap")));
    }
}
