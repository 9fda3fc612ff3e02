package org.sockstack.drivers.capture;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * Reads frames from a capture file, whichever of the two formats it is. {@link #open} tells the
 * formats apart by their first four bytes:
 * <pre>
 *   a1 b2 c3 d4 / d4 c3 b2 a1   pcap, microseconds (big-/little-endian)
 *   a1 b2 3c 4d / 4d 3c b2 a1   pcap, nanoseconds
 *   0a 0d 0d 0a                 pcapng Section Header Block (either byte order)
 * </pre>
 *
 * <p>A truncated or corrupt file ends in a {@link CaptureFormatException}, never a hang: every
 * length read from the file is checked against a bound before anything is allocated.
 */
public interface CaptureReader extends Closeable {

    CaptureFormat format();

    /**
     * The next frame, or null at the clean end of the file.
     *
     * @throws CaptureFormatException if the file is truncated or corrupt
     */
    CapturedFrame next() throws IOException;

    /** Opens {@code in} (buffered here), detecting the format; closes {@code in} on failure. */
    static CaptureReader open(InputStream in) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
        try {
            buffered.mark(4);
            byte[] magic = buffered.readNBytes(4);
            buffered.reset();
            if (magic.length < 4) {
                throw new CaptureFormatException(0, "not a capture file: only " + magic.length + " bytes");
            }
            return switch (detect(magic)) {
                case PCAP -> new PcapReader(buffered);
                case PCAPNG -> new PcapngReader(buffered);
            };
        } catch (IOException | RuntimeException e) {
            buffered.close();
            throw e;
        }
    }

    static CaptureReader open(Path file) throws IOException {
        return open(Files.newInputStream(file));
    }

    /** The format whose magic number {@code first4} is; fails for anything else. */
    static CaptureFormat detect(byte[] first4) throws CaptureFormatException {
        int be = ((first4[0] & 0xFF) << 24) | ((first4[1] & 0xFF) << 16) | ((first4[2] & 0xFF) << 8) | (first4[3] & 0xFF);
        if (be == PcapngReader.BLOCK_TYPE_SHB) {
            return CaptureFormat.PCAPNG;
        }
        if (PcapReader.isMagic(be) || PcapReader.isMagic(Integer.reverseBytes(be))) {
            return CaptureFormat.PCAP;
        }
        throw new CaptureFormatException(0, "not a pcap or pcapng file: it starts with "
                + HexFormat.ofDelimiter(" ").formatHex(first4, 0, 4));
    }
}
