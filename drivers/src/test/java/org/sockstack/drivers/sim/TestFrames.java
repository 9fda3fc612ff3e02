package org.sockstack.drivers.sim;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import org.sockstack.stack.wire.MacAddress;

import java.nio.ByteBuffer;

/**
 * Test frames whose content is a function of a sequence number: Ethernet header (EtherType
 * 0x88B5, IEEE local experimental), the number at offset 14 and again in the last 4 octets, and
 * filler in between. A frame with one flipped bit can therefore still be identified.
 *
 * <p>Frames are built and compared as byte arrays and copied into buffers in one operation:
 * paranoid leak detection records a stack trace on every access to a pooled buffer.
 */
final class TestFrames {
    static final int LOCAL_EXPERIMENTAL = 0x88B5;
    static final int MIN_LENGTH = 22;

    private TestFrames() {
    }

    static byte[] bytes(MacAddress dst, MacAddress src, int seq, int length) {
        if (length < MIN_LENGTH) {
            throw new IllegalArgumentException("test frames have at least " + MIN_LENGTH + " octets");
        }
        ByteBuffer b = ByteBuffer.allocate(length);
        b.put(dst.octets()).put(src.octets()).putShort((short) LOCAL_EXPERIMENTAL).putInt(seq);
        // The filler depends on every bit of seq, so a flipped bit in one copy of seq stands out.
        int fold = seq ^ (seq >>> 8) ^ (seq >>> 16) ^ (seq >>> 24);
        for (int i = b.position(); i < length - 4; i++) {
            b.put((byte) (fold * 31 + i));
        }
        b.putInt(seq);
        return b.array();
    }

    /** A pooled frame of {@code length} octets from {@code src} to {@code dst} carrying {@code seq}. */
    static ByteBuf frame(ByteBufAllocator alloc, MacAddress dst, MacAddress src, int seq, int length) {
        byte[] bytes = bytes(dst, src, seq, length);
        return alloc.buffer(length).writeBytes(bytes);
    }

    static byte[] toArray(ByteBuf frame) {
        byte[] out = new byte[frame.readableBytes()];
        frame.getBytes(frame.readerIndex(), out);
        return out;
    }

    static int seqAtStart(byte[] frame) {
        return ByteBuffer.wrap(frame).getInt(14);
    }

    static int seqAtEnd(byte[] frame) {
        return ByteBuffer.wrap(frame).getInt(frame.length - 4);
    }

    /** Bits that differ between {@code frame} and the intact frame of {@code seq}. */
    static int bitsDifferent(byte[] frame, int seq, MacAddress dst, MacAddress src) {
        byte[] intact = bytes(dst, src, seq, frame.length);
        int bits = 0;
        for (int i = 0; i < frame.length; i++) {
            bits += Integer.bitCount((frame[i] ^ intact[i]) & 0xFF);
        }
        return bits;
    }

    static String hex(byte[] frame) {
        return ByteBufUtil.hexDump(frame);
    }
}
