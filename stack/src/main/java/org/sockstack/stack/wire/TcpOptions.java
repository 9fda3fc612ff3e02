package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;

import java.util.List;

/**
 * The meaning of the TCP options this stack speaks (RFC 9293 section 3.2, RFC 7323, RFC 2018).
 * Unknown options are skipped when parsing and never emitted; options sent on segments where they
 * mean nothing (an MSS without SYN, SACK blocks on a SYN) are dropped by {@link #parse}.
 *
 * <p>Emission uses the layout Linux uses, so a segment written from the same values is byte for
 * byte what the kernel sends (a SYN reads {@code mss 1460,sackOK,TS val .. ecr ..,nop,wscale 7}):
 * <pre>
 *   MSS                      02 04 mss(2)
 *   SACK-permitted + TS      04 02 08 0a TSval(4) TSecr(4)
 *   TS alone                 01 01 08 0a TSval(4) TSecr(4)
 *   SACK-permitted alone     01 01 04 02
 *   Window scale             01 03 03 shift
 *   SACK blocks              01 01 05 (2+8n) (left(4) right(4)) * n
 * </pre>
 * Every item is a multiple of 4 octets, so the options need no further padding to reach the
 * 32-bit boundary the data offset requires (RFC 9293 section 3.1).
 *
 * @param mss           Maximum Segment Size (kind 2), or -1 if absent
 * @param windowScale   Window Scale shift count (kind 3), or -1 if absent; values above
 *                      {@link #MAX_WINDOW_SCALE} are treated as 14 (RFC 7323 section 2.3)
 * @param sackPermitted SACK-permitted (kind 4)
 * @param timestamps    Timestamps (kind 8), or null if absent
 * @param sackBlocks    SACK blocks (kind 5), empty if absent; at most 4
 */
public record TcpOptions(int mss, int windowScale, boolean sackPermitted, Timestamps timestamps,
                         List<SackBlock> sackBlocks) {

    /** RFC 7323 section 2.3: the shift count is limited to 14 (a window of at most 2^30). */
    public static final int MAX_WINDOW_SCALE = 14;

    public static final TcpOptions NONE = new TcpOptions(-1, -1, false, null, List.of());

    /** The Timestamps option (RFC 7323 section 3.2): TSval and TSecr, 32-bit clock values. */
    public record Timestamps(int tsVal, int tsEcr) {
    }

    /**
     * One SACK block (RFC 2018 section 3): the received octets from {@code leftEdge} up to but
     * not including {@code rightEdge}.
     */
    public record SackBlock(int leftEdge, int rightEdge) {
    }

    public TcpOptions {
        if (mss < -1 || mss > 0xFFFF) {
            throw new IllegalArgumentException("mss " + mss);
        }
        if (windowScale < -1 || windowScale > 0xFF) {
            throw new IllegalArgumentException("window scale " + windowScale);
        }
        // RFC 7323 section 2.3: "If a Window Scale option is received with a shift.cnt value larger
        // than 14, the TCP SHOULD log the error but MUST use 14 instead of the specified value."
        windowScale = Math.min(windowScale, MAX_WINDOW_SCALE);
        sackBlocks = List.copyOf(sackBlocks);
        if (sackBlocks.size() > TcpSegment.MAX_SACK_BLOCKS) {
            throw new IllegalArgumentException("at most 4 SACK blocks");
        }
        if (length(mss, windowScale, sackPermitted, timestamps, sackBlocks.size()) > TcpSegment.MAX_OPTIONS_LENGTH) {
            throw new IllegalArgumentException("options exceed 40 octets");
        }
    }

    /** Options of a SYN as Linux sends them: MSS, SACK-permitted, timestamps, window scale. */
    public static TcpOptions syn(int mss, int windowScale, boolean sackPermitted, Timestamps timestamps) {
        return new TcpOptions(mss, windowScale, sackPermitted, timestamps, List.of());
    }

    /** Options of a non-SYN segment: timestamps and SACK blocks. */
    public static TcpOptions data(Timestamps timestamps, List<SackBlock> sackBlocks) {
        return new TcpOptions(-1, -1, false, timestamps, sackBlocks);
    }

    /**
     * Reads the options of a checked segment, keeping each only on the segments where it has a
     * meaning, as Linux does: MSS (RFC 9293 section 3.7.1), Window Scale (RFC 7323 section 2.2:
     * "ignored" without SYN) and SACK-permitted (RFC 2018 section 2) only on a SYN; SACK blocks
     * (RFC 2018 section 3: "over an established TCP connection") only without SYN. The view still
     * shows everything that was sent. This also keeps the result within 40 octets when emitted.
     */
    static TcpOptions parse(TcpSegment seg) {
        if (seg.headerLength() == TcpSegment.HEADER_LENGTH) {
            return NONE;
        }
        Timestamps ts = seg.hasTimestamps() ? new Timestamps(seg.tsVal(), seg.tsEcr()) : null;
        if (seg.syn()) {
            return new TcpOptions(seg.mss(), seg.windowScale(), seg.sackPermitted(), ts, List.of());
        }
        int n = seg.sackBlockCount();
        SackBlock[] blocks = new SackBlock[n];
        for (int i = 0; i < n; i++) {
            blocks[i] = new SackBlock(seg.sackLeftEdge(i), seg.sackRightEdge(i));
        }
        return new TcpOptions(-1, -1, false, ts, List.of(blocks));
    }

    public boolean hasTimestamps() {
        return timestamps != null;
    }

    /** Octets {@link #emit} writes: always a multiple of 4. */
    public int bufferLength() {
        return length(mss, windowScale, sackPermitted, timestamps, sackBlocks.size());
    }

    private static int length(int mss, int windowScale, boolean sackPermitted, Timestamps ts, int sackBlocks) {
        int n = 0;
        if (mss >= 0) {
            n += 4;
        }
        if (ts != null) {
            n += 12;                   // SACK-permitted rides in the two padding octets
        } else if (sackPermitted) {
            n += 4;
        }
        if (windowScale >= 0) {
            n += 4;
        }
        if (sackBlocks > 0) {
            n += 4 + sackBlocks * TcpSegment.SACK_BLOCK_LENGTH;
        }
        return n;
    }

    /** Writes the options at absolute {@code offset} in the Linux layout described above. */
    public void emit(ByteBuf buf, int offset) {
        int i = offset;
        if (mss >= 0) {
            buf.setByte(i, TcpSegment.OPT_MSS);
            buf.setByte(i + 1, TcpSegment.OPT_MSS_LENGTH);
            buf.setShort(i + 2, mss);
            i += 4;
        }
        if (timestamps != null) {
            // The two octets before the 10-octet option align TSval: SACK-permitted or two NOPs.
            if (sackPermitted) {
                buf.setByte(i, TcpSegment.OPT_SACK_PERMITTED);
                buf.setByte(i + 1, TcpSegment.OPT_SACK_PERMITTED_LENGTH);
            } else {
                nops(buf, i, 2);
            }
            buf.setByte(i + 2, TcpSegment.OPT_TIMESTAMPS);
            buf.setByte(i + 3, TcpSegment.OPT_TIMESTAMPS_LENGTH);
            buf.setInt(i + 4, timestamps.tsVal());
            buf.setInt(i + 8, timestamps.tsEcr());
            i += 12;
        } else if (sackPermitted) {
            i = nops(buf, i, 2);
            buf.setByte(i, TcpSegment.OPT_SACK_PERMITTED);
            buf.setByte(i + 1, TcpSegment.OPT_SACK_PERMITTED_LENGTH);
            i += 2;
        }
        if (windowScale >= 0) {
            i = nops(buf, i, 1);
            buf.setByte(i, TcpSegment.OPT_WINDOW_SCALE);
            buf.setByte(i + 1, TcpSegment.OPT_WINDOW_SCALE_LENGTH);
            buf.setByte(i + 2, windowScale);
            i += 3;
        }
        if (!sackBlocks.isEmpty()) {
            i = nops(buf, i, 2);
            buf.setByte(i, TcpSegment.OPT_SACK);
            buf.setByte(i + 1, 2 + sackBlocks.size() * TcpSegment.SACK_BLOCK_LENGTH);
            i += 2;
            for (SackBlock b : sackBlocks) {
                buf.setInt(i, b.leftEdge());
                buf.setInt(i + 4, b.rightEdge());
                i += TcpSegment.SACK_BLOCK_LENGTH;
            }
        }
    }

    /** Writes {@code count} No-Operation octets (alignment padding); returns the next index. */
    private static int nops(ByteBuf buf, int i, int count) {
        for (int k = 0; k < count; k++) {
            buf.setByte(i + k, TcpSegment.OPT_NOP);
        }
        return i + count;
    }
}
