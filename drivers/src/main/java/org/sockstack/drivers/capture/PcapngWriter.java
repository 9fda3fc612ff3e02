package org.sockstack.drivers.capture;

import io.netty.buffer.ByteBuf;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Writes pcapng files (draft-ietf-opsawg-pcapng): one Section Header Block, one Interface
 * Description Block for the single interface, then one Enhanced Packet Block per frame.
 *
 * <pre>
 * Every block (section 3.1):
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                          Block Type                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Block Total Length                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * /                          Block Body  (padded to 32 bits)      /
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Block Total Length                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Section Header Block body (4.1): Byte-Order Magic 0x1A2B3C4D, Major 1, Minor 0,
 *   Section Length (64 bits, -1 = not given), options (shb_userappl).
 * Interface Description Block body (4.2): LinkType (16), Reserved (16), SnapLen (32),
 *   options (if_name, if_tsresol).
 * Enhanced Packet Block body (4.3): Interface ID, Timestamp (Upper 32), Timestamp (Lower 32),
 *   Captured Packet Length, Original Packet Length, Packet Data (padded), options
 *   (opt_comment, epb_flags).
 * Option (3.5): Code (16), Length (16), Value (padded to 32 bits); the list ends with opt_endofopt.
 * </pre>
 * Timestamps count units of {@code if_tsresol} since 1970: 10^-6 s by default, 10^-9 s when the
 * option says 9.
 */
public final class PcapngWriter implements CaptureWriter {
    static final int BLOCK_TYPE_IDB = 0x00000001;
    static final int BLOCK_TYPE_SPB = 0x00000003;
    static final int BLOCK_TYPE_EPB = 0x00000006;
    static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    static final int OPT_ENDOFOPT = 0;
    static final int OPT_COMMENT = 1;
    static final int SHB_USERAPPL = 4;
    static final int IF_NAME = 2;
    static final int IF_TSRESOL = 9;
    static final int IF_TSOFFSET = 14;
    static final int EPB_FLAGS = 2;
    /** Enhanced Packet Block fixed part: type, length, five 32-bit fields. */
    static final int EPB_HEADER_LENGTH = 28;
    private static final byte[] PADDING = new byte[4];

    private final OutputStream out;
    private final CaptureOptions options;
    private ByteBuffer scratch;
    private long frames;
    private boolean closed;

    /** Writes the Section Header and Interface Description Blocks at once. */
    public PcapngWriter(OutputStream out, CaptureOptions options) throws IOException {
        this.out = Objects.requireNonNull(out);
        this.options = Objects.requireNonNull(options);
        this.scratch = ByteBuffer.allocate(256).order(options.byteOrder());
        writeSectionHeader();
        writeInterfaceDescription();
    }

    @Override
    public CaptureFormat format() {
        return CaptureFormat.PCAPNG;
    }

    @Override
    public CaptureOptions options() {
        return options;
    }

    private void writeSectionHeader() throws IOException {
        ByteBuffer b = scratchFor(64);
        b.putInt(PcapngReader.BLOCK_TYPE_SHB).putInt(0); // length patched below
        b.putInt(BYTE_ORDER_MAGIC).putShort((short) 1).putShort((short) 0).putLong(-1L);
        putOption(b, SHB_USERAPPL, "Sockstack".getBytes(StandardCharsets.UTF_8));
        b.putShort((short) OPT_ENDOFOPT).putShort((short) 0);
        finishBlock(b);
    }

    private void writeInterfaceDescription() throws IOException {
        byte[] name = options.interfaceName().getBytes(StandardCharsets.UTF_8);
        if (name.length > 0xFFFF - 3) {
            throw new IllegalArgumentException("interface name too long: " + name.length + " bytes");
        }
        ByteBuffer b = scratchFor(48 + name.length);
        b.putInt(BLOCK_TYPE_IDB).putInt(0);
        b.putShort((short) options.linkType()).putShort((short) 0).putInt(options.snapLength());
        putOption(b, IF_NAME, name);
        // if_tsresol: a power of ten when the top bit is clear; 6 = microseconds, 9 = nanoseconds.
        putOption(b, IF_TSRESOL, new byte[] {(byte) (options.precision() == TimestampPrecision.NANOSECONDS ? 9 : 6)});
        b.putShort((short) OPT_ENDOFOPT).putShort((short) 0);
        finishBlock(b);
    }

    /** Writes the trailing length, patches the leading one, and sends the block out. */
    private void finishBlock(ByteBuffer b) throws IOException {
        int total = b.position() + 4;
        b.putInt(total);
        b.putInt(4, total);
        out.write(b.array(), 0, total);
    }

    @Override
    public void write(long timestampNanos, ByteBuf frame, FrameDirection direction, String comment) throws IOException {
        if (closed) {
            throw new IOException("pcapng writer is closed");
        }
        if (timestampNanos < 0) {
            throw new IllegalArgumentException("timestamp before 1970: " + timestampNanos);
        }
        byte[] commentBytes = comment == null ? null : comment.getBytes(StandardCharsets.UTF_8);
        if (commentBytes != null && commentBytes.length > 0xFFFF - 3) {
            throw new IllegalArgumentException("comment longer than an option can hold: " + commentBytes.length);
        }
        int origLen = frame.readableBytes();
        int capLen = Math.min(origLen, options.snapLength());
        int optionsLength = optionsLength(commentBytes, direction);
        int total = EPB_HEADER_LENGTH + pad4(capLen) + optionsLength + 4;
        long units = timestampNanos / options.precision().nanosPerUnit();

        ByteBuffer b = scratchFor(EPB_HEADER_LENGTH + optionsLength + 4);
        b.putInt(BLOCK_TYPE_EPB).putInt(total)
                .putInt(0) // interface ID: our only IDB
                .putInt((int) (units >>> 32)).putInt((int) units)
                .putInt(capLen).putInt(origLen);
        out.write(b.array(), 0, EPB_HEADER_LENGTH);
        frame.getBytes(frame.readerIndex(), out, capLen);
        out.write(PADDING, 0, pad4(capLen) - capLen);

        b.clear();
        if (optionsLength > 0) {
            if (commentBytes != null) {
                putOption(b, OPT_COMMENT, commentBytes);
            }
            if (direction != FrameDirection.UNKNOWN) {
                b.putShort((short) EPB_FLAGS).putShort((short) 4).putInt(direction == FrameDirection.INBOUND ? 1 : 2);
            }
            b.putShort((short) OPT_ENDOFOPT).putShort((short) 0);
        }
        b.putInt(total);
        out.write(b.array(), 0, b.position());
        frames++;
    }

    /** Bytes the options take, 0 when there are none (then no opt_endofopt either). */
    private static int optionsLength(byte[] comment, FrameDirection direction) {
        int n = 0;
        if (comment != null) {
            n += 4 + pad4(comment.length);
        }
        if (direction != FrameDirection.UNKNOWN) {
            n += 8;
        }
        return n == 0 ? 0 : n + 4;
    }

    private ByteBuffer scratchFor(int length) {
        if (scratch.capacity() < length) {
            scratch = ByteBuffer.allocate(Integer.highestOneBit(length) << 1).order(options.byteOrder());
        }
        return scratch.clear();
    }

    private static void putOption(ByteBuffer b, int code, byte[] value) {
        b.putShort((short) code).putShort((short) value.length).put(value);
        b.put(PADDING, 0, pad4(value.length) - value.length);
    }

    static int pad4(int length) {
        return (length + 3) & ~3;
    }

    @Override
    public long framesWritten() {
        return frames;
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            out.close();
        }
    }
}
