package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * The meaning of a TCP header (RFC 9293 section 3.1): ports, sequence and acknowledgment numbers,
 * control bits, window, urgent pointer and the options of {@link TcpOptions}. The data itself stays
 * in the buffer ({@link TcpSegment#payloadOffset()}); the record only knows its length.
 *
 * <p>Sequence numbers are {@code int}s in a 2^32 space: compare them modulo 2^32 (RFC 9293 3.4).
 * The reserved bits are not kept: RFC 9293 section 3.1 says to send them as zero.
 *
 * <p>Like {@link TcpOptions}, a value with two uses: the constructor makes an ordinary value (tests,
 * traces, {@link #parse}); {@link #scratch()} makes a reusable instance that one event loop refills
 * per segment ({@link #set}, {@link #parseInto}) so the hot path allocates nothing. A scratch
 * instance is valid only until its owner refills it.
 *
 * <p>Fields: {@code srcPort}, {@code dstPort}; {@code seqNumber} SEG.SEQ; {@code ackNumber} SEG.ACK
 * (sent as is; meaningful only with ACK set); {@code flags} the control bits CWR..FIN
 * ({@link TcpSegment#SYN} | {@link TcpSegment#ACK} ...); {@code window} SEG.WND as carried in the
 * header (not scaled); {@code urgentPointer} SEG.UP; {@code options} ({@link TcpOptions#NONE} for
 * none); {@code payloadLength} octets of data after the header.
 */
public final class TcpRepr {
    private final boolean mutable;
    /** The options a scratch instance parses into (null for values). */
    private final TcpOptions ownOptions;
    private int srcPort;
    private int dstPort;
    private int seqNumber;
    private int ackNumber;
    private int flags;
    private int window;
    private int urgentPointer;
    private TcpOptions options;
    private int payloadLength;

    public TcpRepr(int srcPort, int dstPort, int seqNumber, int ackNumber, int flags, int window,
                   int urgentPointer, TcpOptions options, int payloadLength) {
        this.mutable = false;
        this.ownOptions = null;
        assign(srcPort, dstPort, seqNumber, ackNumber, flags, window, urgentPointer, options, payloadLength);
    }

    private TcpRepr() {
        this.mutable = true;
        this.ownOptions = TcpOptions.scratch();
        this.options = TcpOptions.NONE;
    }

    /** A reusable instance for one event loop (see the class comment). */
    public static TcpRepr scratch() {
        return new TcpRepr();
    }

    /** Refills a scratch instance (same checks as the constructor); returns it. */
    public TcpRepr set(int srcPort, int dstPort, int seqNumber, int ackNumber, int flags, int window,
                       int urgentPointer, TcpOptions options, int payloadLength) {
        if (!mutable) {
            throw new IllegalStateException("not a scratch TcpRepr");
        }
        assign(srcPort, dstPort, seqNumber, ackNumber, flags, window, urgentPointer, options, payloadLength);
        return this;
    }

    private void assign(int srcPort, int dstPort, int seqNumber, int ackNumber, int flags, int window,
                        int urgentPointer, TcpOptions options, int payloadLength) {
        checkRange("source port", srcPort, 0xFFFF);
        checkRange("destination port", dstPort, 0xFFFF);
        checkRange("flags", flags, 0xFF);
        checkRange("window", window, 0xFFFF);
        checkRange("urgent pointer", urgentPointer, 0xFFFF);
        if (payloadLength < 0) {
            throw new IllegalArgumentException("payload length " + payloadLength);
        }
        this.srcPort = srcPort;
        this.dstPort = dstPort;
        this.seqNumber = seqNumber;
        this.ackNumber = ackNumber;
        this.flags = flags;
        this.window = window;
        this.urgentPointer = urgentPointer;
        this.options = options == null ? TcpOptions.NONE : options;
        this.payloadLength = payloadLength;
    }

    private static void checkRange(String what, int value, int max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(what + " " + value);
        }
    }

    /**
     * Parses a segment whose checksum the caller has verified or the NIC has validated (receive
     * checksum offload). Prefer {@link #parse(TcpSegment, int)}.
     */
    public static Parsed<TcpRepr> parseWithoutChecksum(TcpSegment seg) {
        WireError e = seg.check();
        if (!e.ok()) {
            return Parsed.fail(e);
        }
        return Parsed.ok(new TcpRepr(seg.srcPort(), seg.dstPort(), seg.seqNumber(), seg.ackNumber(), seg.flags(),
                seg.window(), seg.urgentPointer(), TcpOptions.parse(seg), seg.payloadLength()));
    }

    /**
     * Checks the segment, verifies its checksum against {@code pseudoHeaderSum} (from
     * {@link TcpSegment#pseudoHeaderIpv4} or {@link TcpSegment#pseudoHeaderIpv6} with the TCP
     * length {@link TcpSegment#length()}) and reads its meaning. A failure allocates nothing.
     */
    public static Parsed<TcpRepr> parse(TcpSegment seg, int pseudoHeaderSum) {
        WireError e = seg.check();
        if (!e.ok()) {
            return Parsed.fail(e);
        }
        if (!seg.verifyChecksum(pseudoHeaderSum)) {
            return Parsed.fail(WireError.BAD_CHECKSUM);
        }
        return parseWithoutChecksum(seg);
    }

    /**
     * {@link #parse} into the scratch instance {@code into} (its own options), allocating nothing:
     * returns {@link WireError#OK} with {@code into} filled, or the error. {@code verifyChecksum}
     * false skips the checksum (validated by the NIC).
     */
    public static WireError parseInto(TcpSegment seg, boolean verifyChecksum, int pseudoHeaderSum, TcpRepr into) {
        WireError e = seg.check();
        if (!e.ok()) {
            return e;
        }
        if (verifyChecksum && !seg.verifyChecksum(pseudoHeaderSum)) {
            return WireError.BAD_CHECKSUM;
        }
        into.set(seg.srcPort(), seg.dstPort(), seg.seqNumber(), seg.ackNumber(), seg.flags(), seg.window(),
                seg.urgentPointer(), TcpOptions.parseInto(seg, into.ownOptions), seg.payloadLength());
        return WireError.OK;
    }

    public int srcPort() {
        return srcPort;
    }

    public int dstPort() {
        return dstPort;
    }

    public int seqNumber() {
        return seqNumber;
    }

    public int ackNumber() {
        return ackNumber;
    }

    public int flags() {
        return flags;
    }

    public int window() {
        return window;
    }

    public int urgentPointer() {
        return urgentPointer;
    }

    public TcpOptions options() {
        return options;
    }

    public int payloadLength() {
        return payloadLength;
    }

    public boolean fin() {
        return (flags & TcpSegment.FIN) != 0;
    }

    public boolean syn() {
        return (flags & TcpSegment.SYN) != 0;
    }

    public boolean rst() {
        return (flags & TcpSegment.RST) != 0;
    }

    public boolean psh() {
        return (flags & TcpSegment.PSH) != 0;
    }

    public boolean ack() {
        return (flags & TcpSegment.ACK) != 0;
    }

    public boolean urg() {
        return (flags & TcpSegment.URG) != 0;
    }

    public boolean ece() {
        return (flags & TcpSegment.ECE) != 0;
    }

    public boolean cwr() {
        return (flags & TcpSegment.CWR) != 0;
    }

    /** SEG.LEN (RFC 9293 section 3.4): data octets plus one for SYN and one for FIN. */
    public int segLen() {
        return payloadLength + (syn() ? 1 : 0) + (fin() ? 1 : 0);
    }

    /** The header length in octets: 20 plus the options (a multiple of 4). */
    public int headerLength() {
        return TcpSegment.HEADER_LENGTH + options.bufferLength();
    }

    /** Octets {@link #emit} writes: the header; the data follows at offset + bufferLength(). */
    public int bufferLength() {
        return headerLength();
    }

    /** The TCP length for the pseudo-header: header plus data. */
    public int tcpLength() {
        return headerLength() + payloadLength;
    }

    /**
     * Writes the header at absolute {@code offset} and fills in the checksum, computed over the
     * header, the {@link #payloadLength} data octets the caller has already placed at
     * {@code offset + bufferLength()}, and {@code pseudoHeaderSum} (built with {@link #tcpLength()}).
     */
    public void emit(ByteBuf buf, int offset, int pseudoHeaderSum) {
        emitHeader(buf, offset);
        int sum = InternetChecksum.add(buf, offset, tcpLength(), pseudoHeaderSum);
        buf.setShort(offset + 16, InternetChecksum.finish(sum));
    }

    /** Writes the header with a zero checksum (for checksum offload or a later computation). */
    public void emitHeader(ByteBuf buf, int offset) {
        int headerLength = headerLength();
        buf.setShort(offset, srcPort);
        buf.setShort(offset + 2, dstPort);
        buf.setInt(offset + 4, seqNumber);
        buf.setInt(offset + 8, ackNumber);
        buf.setByte(offset + 12, (headerLength / 4) << 4);   // data offset; reserved bits zero
        buf.setByte(offset + 13, flags);
        buf.setShort(offset + 14, window);
        buf.setShort(offset + 16, 0);
        buf.setShort(offset + 18, urgentPointer);
        options.emit(buf, offset + TcpSegment.HEADER_LENGTH);
    }

    /**
     * A tcpdump-style line for traces, e.g. {@code "TCP 52568 > 5000: Flags [S], seq 1530347987,
     * win 64240, options [mss 1460,sackOK,TS val 756169550 ecr 0,nop,wscale 10], length 0"}. The
     * options are shown as {@link #emit} lays them out, NOP padding included.
     */
    @Override
    public String toString() {
        // A wrapped array: plain heap memory, nothing to release.
        ByteBuf opts = Unpooled.wrappedBuffer(new byte[TcpSegment.MAX_OPTIONS_LENGTH]);
        options.emit(opts, 0);
        StringBuilder sb = new StringBuilder(96);
        TcpSegment.describe(sb, srcPort, dstPort, flags, seqNumber, ackNumber, window, urgentPointer,
                payloadLength, opts, 0, options.bufferLength());
        return sb.toString();
    }

    /** Equal when every field and the options are equal (scratch or not). */
    @Override
    public boolean equals(Object o) {
        return o instanceof TcpRepr t && srcPort == t.srcPort && dstPort == t.dstPort && seqNumber == t.seqNumber
                && ackNumber == t.ackNumber && flags == t.flags && window == t.window
                && urgentPointer == t.urgentPointer && payloadLength == t.payloadLength && options.equals(t.options);
    }

    @Override
    public int hashCode() {
        int h = srcPort * 31 + dstPort;
        h = h * 31 + seqNumber;
        h = h * 31 + ackNumber;
        h = h * 31 + flags;
        h = h * 31 + window;
        h = h * 31 + urgentPointer;
        h = h * 31 + payloadLength;
        return h * 31 + options.hashCode();
    }
}
