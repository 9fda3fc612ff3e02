package org.sockstack.drivers.capture;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.sockstack.drivers.capture.PcapngWriter.BLOCK_TYPE_EPB;
import static org.sockstack.drivers.capture.PcapngWriter.BLOCK_TYPE_IDB;
import static org.sockstack.drivers.capture.PcapngWriter.BLOCK_TYPE_SPB;
import static org.sockstack.drivers.capture.PcapngWriter.BYTE_ORDER_MAGIC;
import static org.sockstack.drivers.capture.PcapngWriter.EPB_FLAGS;
import static org.sockstack.drivers.capture.PcapngWriter.IF_NAME;
import static org.sockstack.drivers.capture.PcapngWriter.IF_TSOFFSET;
import static org.sockstack.drivers.capture.PcapngWriter.IF_TSRESOL;
import static org.sockstack.drivers.capture.PcapngWriter.OPT_COMMENT;
import static org.sockstack.drivers.capture.PcapngWriter.OPT_ENDOFOPT;
import static org.sockstack.drivers.capture.PcapngWriter.pad4;

/**
 * Reads pcapng files (block layout in {@link PcapngWriter}): Section Header, Interface
 * Description, Enhanced Packet and Simple Packet Blocks, in either byte order; every other block
 * type (statistics, name resolution, custom, the obsolete Packet Block) is skipped. A new Section
 * Header Block starts a new section: its byte order and its own interfaces.
 *
 * <p>Block lengths are checked (a multiple of 4, at least the fixed part of the block type, at
 * most {@link #MAX_BLOCK_LENGTH}, the same at both ends) before the body is read, so a corrupt
 * file fails with a {@link CaptureFormatException} instead of allocating or waiting for
 * gigabytes.
 */
public final class PcapngReader implements CaptureReader {
    /** The Section Header Block type, "\r\n\n\r": the same in both byte orders. */
    public static final int BLOCK_TYPE_SHB = 0x0A0D0D0A;
    /** The largest block accepted (Wireshark's limit too). */
    public static final int MAX_BLOCK_LENGTH = 16 * 1024 * 1024;
    private static final int SHB_MIN_LENGTH = 28;
    private static final int IDB_MIN_LENGTH = 20;
    private static final int EPB_MIN_LENGTH = 32;
    private static final int SPB_MIN_LENGTH = 16;
    private static final int OTHER_MIN_LENGTH = 12;

    /** One Interface Description Block of the current section. */
    private record Interface(int linkType, int snapLength, int tsresol, long tsoffsetSeconds, String name) {
    }

    private final CaptureInput in;
    private final byte[] head = new byte[8];
    private final List<Interface> interfaces = new ArrayList<>();
    private ByteOrder byteOrder;
    private int sections;

    /** Reads the first Section Header Block; {@code in} is closed by {@link #close()}. */
    public PcapngReader(InputStream in) throws IOException {
        this.in = new CaptureInput(in);
        this.in.readFully(head, 0, 8, "pcapng Section Header Block");
        if (ByteBuffer.wrap(head).getInt(0) != BLOCK_TYPE_SHB) {
            throw new CaptureFormatException(0, "not a pcapng file: it does not start with a Section Header Block");
        }
        readSectionHeader(0);
    }

    @Override
    public CaptureFormat format() {
        return CaptureFormat.PCAPNG;
    }

    /** The byte order of the current section. */
    public ByteOrder byteOrder() {
        return byteOrder;
    }

    /** Sections read so far (each starts with a Section Header Block). */
    public int sections() {
        return sections;
    }

    /** Interfaces described so far in the current section. */
    public int interfaceCount() {
        return interfaces.size();
    }

    /** The {@code if_name} of interface {@code id} in the current section, or null. */
    public String interfaceName(int id) {
        return interfaces.get(id).name();
    }

    @Override
    public CapturedFrame next() throws IOException {
        while (true) {
            long start = in.offset();
            if (!in.readOrEnd(head, 8, "pcapng block header")) {
                return null;
            }
            ByteBuffer h = ByteBuffer.wrap(head).order(byteOrder);
            int type = h.getInt(0);
            if (type == BLOCK_TYPE_SHB) {
                readSectionHeader(start);
                continue;
            }
            long total = Integer.toUnsignedLong(h.getInt(4));
            switch (type) {
                case BLOCK_TYPE_IDB -> readInterface(start, body(start, type, total, IDB_MIN_LENGTH));
                case BLOCK_TYPE_EPB -> {
                    return readEnhancedPacket(start, body(start, type, total, EPB_MIN_LENGTH));
                }
                case BLOCK_TYPE_SPB -> {
                    return readSimplePacket(start, body(start, type, total, SPB_MIN_LENGTH));
                }
                default -> skipBlock(start, type, total);
            }
        }
    }

    /** Section 4.1. The byte-order magic decides how every later number of the section is read. */
    private void readSectionHeader(long start) throws IOException {
        byte[] fixed = new byte[16];
        in.readFully(fixed, 0, 16, "pcapng Section Header Block");
        ByteBuffer b = ByteBuffer.wrap(fixed);
        int magic = b.getInt(0);
        if (magic == BYTE_ORDER_MAGIC) {
            byteOrder = ByteOrder.BIG_ENDIAN;
        } else if (magic == Integer.reverseBytes(BYTE_ORDER_MAGIC)) {
            byteOrder = ByteOrder.LITTLE_ENDIAN;
        } else {
            throw new CaptureFormatException(start + 8, String.format("corrupt pcapng Section Header Block: "
                    + "byte-order magic 0x%08x is neither 0x1a2b3c4d nor 0x4d3c2b1a", magic));
        }
        b.order(byteOrder);
        long total = Integer.toUnsignedLong(ByteBuffer.wrap(head).order(byteOrder).getInt(4));
        checkLength(start, BLOCK_TYPE_SHB, total, SHB_MIN_LENGTH);
        int major = Short.toUnsignedInt(b.getShort(4));
        int minor = Short.toUnsignedInt(b.getShort(6));
        if (major != 1) {
            throw new CaptureFormatException(start + 12, "unsupported pcapng version " + major + "." + minor);
        }
        // The section length (may be -1) and the options (shb_hardware, shb_os, ...) are not needed.
        in.skipFully(total - SHB_MIN_LENGTH, "pcapng Section Header Block options");
        readTrailer(start, BLOCK_TYPE_SHB, total);
        interfaces.clear();
        sections++;
    }

    /** Section 4.2: LinkType, Reserved, SnapLen, options. */
    private void readInterface(long start, ByteBuffer b) throws CaptureFormatException {
        int linkType = Short.toUnsignedInt(b.getShort(0));
        long snap = Integer.toUnsignedLong(b.getInt(4));
        int[] tsresol = {6};
        long[] tsoffset = {0};
        String[] name = {null};
        forEachOption(b, 8, start, (code, at, length) -> {
            if (code == IF_TSRESOL && length >= 1) {
                tsresol[0] = b.get(at) & 0xFF;
            } else if (code == IF_TSOFFSET && length >= 8) {
                tsoffset[0] = b.getLong(at);
            } else if (code == IF_NAME) {
                name[0] = string(b, at, length);
            }
        });
        int snapLength = snap > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) snap;
        interfaces.add(new Interface(linkType, snapLength, tsresol[0], tsoffset[0], name[0]));
    }

    /** Section 4.3: Interface ID, Timestamp (upper, lower), Captured and Original Length, data, options. */
    private CapturedFrame readEnhancedPacket(long start, ByteBuffer b) throws CaptureFormatException {
        long interfaceId = Integer.toUnsignedLong(b.getInt(0));
        long units = (Integer.toUnsignedLong(b.getInt(4)) << 32) | Integer.toUnsignedLong(b.getInt(8));
        long capLen = Integer.toUnsignedLong(b.getInt(12));
        long origLen = Integer.toUnsignedLong(b.getInt(16));
        Interface itf = interfaceFor(start, interfaceId);
        if (capLen > b.limit() - 20) {
            throw new CaptureFormatException(start, "corrupt pcapng Enhanced Packet Block: captured length "
                    + capLen + " exceeds the block");
        }
        checkLengths(start, capLen, origLen);
        byte[] data = Arrays.copyOfRange(b.array(), 20, 20 + (int) capLen);
        FrameDirection[] direction = {FrameDirection.UNKNOWN};
        String[] comment = {null};
        forEachOption(b, 20 + pad4((int) capLen), start, (code, at, length) -> {
            if (code == OPT_COMMENT && comment[0] == null) {
                comment[0] = string(b, at, length);
            } else if (code == EPB_FLAGS && length >= 4) {
                // Bits 0-1: 00 = not available, 01 = inbound, 10 = outbound.
                direction[0] = switch (b.getInt(at) & 3) {
                    case 1 -> FrameDirection.INBOUND;
                    case 2 -> FrameDirection.OUTBOUND;
                    default -> FrameDirection.UNKNOWN;
                };
            }
        });
        return new CapturedFrame(toNanos(start, itf, units), (int) origLen, data, (int) interfaceId, itf.linkType(),
                direction[0], comment[0]);
    }

    /** Section 4.4: Original Packet Length, data; interface 0, no timestamp. */
    private CapturedFrame readSimplePacket(long start, ByteBuffer b) throws CaptureFormatException {
        Interface itf = interfaceFor(start, 0);
        long origLen = Integer.toUnsignedLong(b.getInt(0));
        long capLen = itf.snapLength() == 0 ? origLen : Math.min(origLen, itf.snapLength());
        if (capLen > b.limit() - 4) {
            throw new CaptureFormatException(start, "corrupt pcapng Simple Packet Block: packet length "
                    + capLen + " exceeds the block");
        }
        checkLengths(start, capLen, origLen);
        byte[] data = Arrays.copyOfRange(b.array(), 4, 4 + (int) capLen);
        return new CapturedFrame(CapturedFrame.NO_TIMESTAMP, (int) origLen, data, 0, itf.linkType(),
                FrameDirection.UNKNOWN, null);
    }

    private Interface interfaceFor(long start, long id) throws CaptureFormatException {
        if (id >= interfaces.size()) {
            throw new CaptureFormatException(start, "corrupt pcapng packet block: interface " + id
                    + " was not described (the section has " + interfaces.size() + ")");
        }
        return interfaces.get((int) id);
    }

    private static void checkLengths(long start, long capLen, long origLen) throws CaptureFormatException {
        if (capLen > origLen) {
            throw new CaptureFormatException(start, "corrupt pcapng packet block: captured length " + capLen
                    + " exceeds the original length " + origLen);
        }
        if (origLen > Integer.MAX_VALUE) {
            throw new CaptureFormatException(start, "corrupt pcapng packet block: original length " + origLen);
        }
    }

    /**
     * Timestamp units to nanoseconds since 1970 (section 4.2, if_tsresol): with the top bit clear
     * a unit is 10^-n seconds, with it set 2^-n seconds; if_tsoffset adds whole seconds.
     */
    private static long toNanos(long start, Interface itf, long units) throws CaptureFormatException {
        int exponent = itf.tsresol() & 0x7F;
        BigInteger nanos = new BigInteger(Long.toUnsignedString(units));
        if ((itf.tsresol() & 0x80) == 0) {
            nanos = exponent <= 9 ? nanos.multiply(BigInteger.TEN.pow(9 - exponent))
                    : nanos.divide(BigInteger.TEN.pow(exponent - 9));
        } else {
            nanos = nanos.multiply(BigInteger.valueOf(1_000_000_000L)).shiftRight(exponent);
        }
        nanos = nanos.add(BigInteger.valueOf(itf.tsoffsetSeconds()).multiply(BigInteger.valueOf(1_000_000_000L)));
        if (nanos.bitLength() >= 64) {
            throw new CaptureFormatException(start, "pcapng timestamp out of range (after the year 2262)");
        }
        return nanos.longValueExact();
    }

    /** Reads the body of a block after its 8-byte head, checks the trailing length. */
    private ByteBuffer body(long start, int type, long total, int minLength) throws IOException {
        checkLength(start, type, total, minLength);
        byte[] body = new byte[(int) total - 12];
        in.readFully(body, 0, body.length, blockName(type));
        readTrailer(start, type, total);
        return ByteBuffer.wrap(body).order(byteOrder);
    }

    private void skipBlock(long start, int type, long total) throws IOException {
        checkLength(start, type, total, OTHER_MIN_LENGTH);
        in.skipFully(total - 12, blockName(type));
        readTrailer(start, type, total);
    }

    private void checkLength(long start, int type, long total, int minLength) throws CaptureFormatException {
        if (total < minLength || total > MAX_BLOCK_LENGTH || total % 4 != 0) {
            throw new CaptureFormatException(start, "corrupt " + blockName(type) + ": block total length "
                    + total + " (must be a multiple of 4 from " + minLength + " to " + MAX_BLOCK_LENGTH + ")");
        }
    }

    /** Section 3.1: the Block Total Length is repeated at the end of every block. */
    private void readTrailer(long start, int type, long total) throws IOException {
        byte[] t = new byte[4];
        in.readFully(t, 0, 4, blockName(type) + " trailer");
        long again = Integer.toUnsignedLong(ByteBuffer.wrap(t).order(byteOrder).getInt());
        if (again != total) {
            throw new CaptureFormatException(start, "corrupt " + blockName(type) + ": block total length "
                    + total + " at the start but " + again + " at the end");
        }
    }

    @FunctionalInterface
    private interface OptionHandler {
        void option(int code, int valueOffset, int length);
    }

    /** Section 3.5: options are (code, length, value padded to 32 bits) until opt_endofopt or the end. */
    private static void forEachOption(ByteBuffer b, int from, long start, OptionHandler handler)
            throws CaptureFormatException {
        int p = from;
        while (p + 4 <= b.limit()) {
            int code = Short.toUnsignedInt(b.getShort(p));
            int length = Short.toUnsignedInt(b.getShort(p + 2));
            if (code == OPT_ENDOFOPT) {
                return;
            }
            if (p + 4 + length > b.limit()) {
                throw new CaptureFormatException(start, "corrupt pcapng option " + code + ": length " + length
                        + " overruns its block");
            }
            handler.option(code, p + 4, length);
            p += 4 + pad4(length);
        }
    }

    private static String string(ByteBuffer b, int at, int length) {
        return new String(b.array(), at, length, StandardCharsets.UTF_8);
    }

    private static String blockName(int type) {
        return switch (type) {
            case BLOCK_TYPE_SHB -> "pcapng Section Header Block";
            case BLOCK_TYPE_IDB -> "pcapng Interface Description Block";
            case BLOCK_TYPE_EPB -> "pcapng Enhanced Packet Block";
            case BLOCK_TYPE_SPB -> "pcapng Simple Packet Block";
            default -> String.format("pcapng block of type 0x%08x", type);
        };
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
