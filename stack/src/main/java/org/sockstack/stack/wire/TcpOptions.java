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
 * <p>A value object with two uses. Built with the constructor (or {@link #syn}, {@link #data}) it is
 * an ordinary immutable value, as tests and traces use it. Built with {@link #scratch()} it is a
 * reusable builder owned by one event loop: the stack refills one such instance per segment
 * ({@link #clear}, {@link #setTimestamps}, {@link #addSackBlock}, {@link #parseInto}) so that the
 * send and receive paths allocate nothing per packet (DESIGN rule 5). A scratch instance is only
 * valid until its owner refills it: never keep one past the call that handed it to you. The hot
 * path reads the primitive accessors ({@link #tsVal()}, {@link #sackLeftEdge(int)} ...); the
 * {@link #timestamps()} and {@link #sackBlocks()} views allocate.
 *
 * <p>Fields: {@code mss} Maximum Segment Size (kind 2), or -1 if absent; {@code windowScale} Window
 * Scale shift count (kind 3), or -1 if absent, values above {@link #MAX_WINDOW_SCALE} are treated as
 * 14 (RFC 7323 section 2.3); {@code sackPermitted} SACK-permitted (kind 4); Timestamps (kind 8)
 * TSval and TSecr, or absent; SACK blocks (kind 5), at most 4.
 */
public final class TcpOptions {

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

    private final boolean mutable;
    private int mss = -1;
    private int windowScale = -1;
    private boolean sackPermitted;
    private boolean hasTimestamps;
    private int tsVal;
    private int tsEcr;
    private int sackBlockCount;
    /** Left and right edge of each SACK block: {@code [l0, r0, l1, r1, ...]}. */
    private final int[] sackEdges = new int[2 * TcpSegment.MAX_SACK_BLOCKS];

    /** An immutable value; {@code timestamps} null and {@code sackBlocks} empty when absent. */
    public TcpOptions(int mss, int windowScale, boolean sackPermitted, Timestamps timestamps,
                      List<SackBlock> sackBlocks) {
        this.mutable = false;
        if (mss < -1 || mss > 0xFFFF) {
            throw new IllegalArgumentException("mss " + mss);
        }
        if (windowScale < -1 || windowScale > 0xFF) {
            throw new IllegalArgumentException("window scale " + windowScale);
        }
        if (sackBlocks.size() > TcpSegment.MAX_SACK_BLOCKS) {
            throw new IllegalArgumentException("at most 4 SACK blocks");
        }
        if (length(mss, windowScale, sackPermitted, timestamps != null, sackBlocks.size())
                > TcpSegment.MAX_OPTIONS_LENGTH) {
            throw new IllegalArgumentException("options exceed 40 octets");
        }
        this.mss = mss;
        // RFC 7323 section 2.3: "If a Window Scale option is received with a shift.cnt value larger
        // than 14, the TCP SHOULD log the error but MUST use 14 instead of the specified value."
        this.windowScale = Math.min(windowScale, MAX_WINDOW_SCALE);
        this.sackPermitted = sackPermitted;
        if (timestamps != null) {
            this.hasTimestamps = true;
            this.tsVal = timestamps.tsVal();
            this.tsEcr = timestamps.tsEcr();
        }
        for (SackBlock b : sackBlocks) {
            sackEdges[2 * sackBlockCount] = b.leftEdge();
            sackEdges[2 * sackBlockCount + 1] = b.rightEdge();
            sackBlockCount++;
        }
    }

    private TcpOptions(boolean mutable) {
        this.mutable = mutable;
    }

    /** A reusable, initially empty instance for one event loop (see the class comment). */
    public static TcpOptions scratch() {
        return new TcpOptions(true);
    }

    /** Options of a SYN as Linux sends them: MSS, SACK-permitted, timestamps, window scale. */
    public static TcpOptions syn(int mss, int windowScale, boolean sackPermitted, Timestamps timestamps) {
        return new TcpOptions(mss, windowScale, sackPermitted, timestamps, List.of());
    }

    /** Options of a non-SYN segment: timestamps and SACK blocks. */
    public static TcpOptions data(Timestamps timestamps, List<SackBlock> sackBlocks) {
        return new TcpOptions(-1, -1, false, timestamps, sackBlocks);
    }

    // ------------------------------------------------------------------ reuse (scratch only)

    /** Empties a scratch instance (no options); returns it. */
    public TcpOptions clear() {
        checkMutable();
        mss = -1;
        windowScale = -1;
        sackPermitted = false;
        hasTimestamps = false;
        tsVal = 0;
        tsEcr = 0;
        sackBlockCount = 0;
        return this;
    }

    /** Adds the Timestamps option (RFC 7323 section 3.2) to a scratch instance; returns it. */
    public TcpOptions setTimestamps(int tsVal, int tsEcr) {
        checkMutable();
        this.hasTimestamps = true;
        this.tsVal = tsVal;
        this.tsEcr = tsEcr;
        return this;
    }

    /** Appends one SACK block (RFC 2018 section 3) to a scratch instance; returns it. */
    public TcpOptions addSackBlock(int leftEdge, int rightEdge) {
        checkMutable();
        if (sackBlockCount == TcpSegment.MAX_SACK_BLOCKS
                || length(mss, windowScale, sackPermitted, hasTimestamps, sackBlockCount + 1)
                > TcpSegment.MAX_OPTIONS_LENGTH) {
            throw new IllegalArgumentException("too many SACK blocks");
        }
        sackEdges[2 * sackBlockCount] = leftEdge;
        sackEdges[2 * sackBlockCount + 1] = rightEdge;
        sackBlockCount++;
        return this;
    }

    private void checkMutable() {
        if (!mutable) {
            throw new IllegalStateException("not a scratch TcpOptions");
        }
    }

    // ------------------------------------------------------------------ parse

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
        TcpOptions o = new TcpOptions(false);
        o.read(seg);
        return o;
    }

    /** {@link #parse} into a scratch instance, allocating nothing; returns {@code into}. */
    static TcpOptions parseInto(TcpSegment seg, TcpOptions into) {
        into.clear();
        if (seg.headerLength() != TcpSegment.HEADER_LENGTH) {
            into.read(seg);
        }
        return into;
    }

    private void read(TcpSegment seg) {
        if (seg.hasTimestamps()) {
            hasTimestamps = true;
            tsVal = seg.tsVal();
            tsEcr = seg.tsEcr();
        }
        if (seg.syn()) {
            mss = seg.mss();
            windowScale = Math.min(seg.windowScale(), MAX_WINDOW_SCALE);
            sackPermitted = seg.sackPermitted();
            return;
        }
        int n = seg.sackBlockCount();
        for (int i = 0; i < n; i++) {
            sackEdges[2 * i] = seg.sackLeftEdge(i);
            sackEdges[2 * i + 1] = seg.sackRightEdge(i);
        }
        sackBlockCount = n;
    }

    // ------------------------------------------------------------------ accessors

    public int mss() {
        return mss;
    }

    public int windowScale() {
        return windowScale;
    }

    public boolean sackPermitted() {
        return sackPermitted;
    }

    public boolean hasTimestamps() {
        return hasTimestamps;
    }

    /** TSval (RFC 7323 section 3.2); only meaningful when {@link #hasTimestamps()}. */
    public int tsVal() {
        return tsVal;
    }

    /** TSecr (RFC 7323 section 3.2); only meaningful when {@link #hasTimestamps()}. */
    public int tsEcr() {
        return tsEcr;
    }

    /** The Timestamps option as a value, or null if absent (allocates; not for the hot path). */
    public Timestamps timestamps() {
        return hasTimestamps ? new Timestamps(tsVal, tsEcr) : null;
    }

    /** Number of SACK blocks, 0 to 4. */
    public int sackBlockCount() {
        return sackBlockCount;
    }

    public int sackLeftEdge(int i) {
        checkBlock(i);
        return sackEdges[2 * i];
    }

    public int sackRightEdge(int i) {
        checkBlock(i);
        return sackEdges[2 * i + 1];
    }

    private void checkBlock(int i) {
        if (i < 0 || i >= sackBlockCount) {
            throw new IndexOutOfBoundsException("SACK block " + i + " of " + sackBlockCount);
        }
    }

    /** The SACK blocks as values, empty if absent (allocates; not for the hot path). */
    public List<SackBlock> sackBlocks() {
        SackBlock[] out = new SackBlock[sackBlockCount];
        for (int i = 0; i < sackBlockCount; i++) {
            out[i] = new SackBlock(sackEdges[2 * i], sackEdges[2 * i + 1]);
        }
        return List.of(out);
    }

    /** Octets {@link #emit} writes: always a multiple of 4. */
    public int bufferLength() {
        return length(mss, windowScale, sackPermitted, hasTimestamps, sackBlockCount);
    }

    private static int length(int mss, int windowScale, boolean sackPermitted, boolean ts, int sackBlocks) {
        int n = 0;
        if (mss >= 0) {
            n += 4;
        }
        if (ts) {
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
        if (hasTimestamps) {
            // The two octets before the 10-octet option align TSval: SACK-permitted or two NOPs.
            if (sackPermitted) {
                buf.setByte(i, TcpSegment.OPT_SACK_PERMITTED);
                buf.setByte(i + 1, TcpSegment.OPT_SACK_PERMITTED_LENGTH);
            } else {
                nops(buf, i, 2);
            }
            buf.setByte(i + 2, TcpSegment.OPT_TIMESTAMPS);
            buf.setByte(i + 3, TcpSegment.OPT_TIMESTAMPS_LENGTH);
            buf.setInt(i + 4, tsVal);
            buf.setInt(i + 8, tsEcr);
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
        if (sackBlockCount > 0) {
            i = nops(buf, i, 2);
            buf.setByte(i, TcpSegment.OPT_SACK);
            buf.setByte(i + 1, 2 + sackBlockCount * TcpSegment.SACK_BLOCK_LENGTH);
            i += 2;
            for (int k = 0; k < sackBlockCount; k++) {
                buf.setInt(i, sackEdges[2 * k]);
                buf.setInt(i + 4, sackEdges[2 * k + 1]);
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

    /** Equal when they carry the same options (scratch or not). */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TcpOptions t)) {
            return false;
        }
        if (mss != t.mss || windowScale != t.windowScale || sackPermitted != t.sackPermitted
                || hasTimestamps != t.hasTimestamps || sackBlockCount != t.sackBlockCount) {
            return false;
        }
        if (hasTimestamps && (tsVal != t.tsVal || tsEcr != t.tsEcr)) {
            return false;
        }
        return java.util.Arrays.equals(sackEdges, 0, 2 * sackBlockCount, t.sackEdges, 0, 2 * sackBlockCount);
    }

    @Override
    public int hashCode() {
        int h = mss * 31 + windowScale;
        h = h * 31 + (sackPermitted ? 1 : 0);
        h = h * 31 + (hasTimestamps ? tsVal * 17 + tsEcr : 0);
        for (int i = 0; i < 2 * sackBlockCount; i++) {
            h = h * 31 + sackEdges[i];
        }
        return h;
    }

    @Override
    public String toString() {
        return "TcpOptions[mss=" + mss + ", windowScale=" + windowScale + ", sackPermitted=" + sackPermitted
                + ", timestamps=" + timestamps() + ", sackBlocks=" + sackBlocks() + "]";
    }
}
