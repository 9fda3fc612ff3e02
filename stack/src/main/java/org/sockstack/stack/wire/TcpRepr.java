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
 * @param srcPort       source port
 * @param dstPort       destination port
 * @param seqNumber     SEG.SEQ
 * @param ackNumber     SEG.ACK (sent as is; meaningful only with ACK set)
 * @param flags         the control bits CWR..FIN ({@link TcpSegment#SYN} | {@link TcpSegment#ACK} ...)
 * @param window        SEG.WND as carried in the header (not scaled)
 * @param urgentPointer SEG.UP
 * @param options       the options, {@link TcpOptions#NONE} for none
 * @param payloadLength octets of data after the header
 */
public record TcpRepr(int srcPort, int dstPort, int seqNumber, int ackNumber, int flags, int window,
                      int urgentPointer, TcpOptions options, int payloadLength) {

    public TcpRepr {
        checkRange("source port", srcPort, 0xFFFF);
        checkRange("destination port", dstPort, 0xFFFF);
        checkRange("flags", flags, 0xFF);
        checkRange("window", window, 0xFFFF);
        checkRange("urgent pointer", urgentPointer, 0xFFFF);
        if (payloadLength < 0) {
            throw new IllegalArgumentException("payload length " + payloadLength);
        }
        if (options == null) {
            options = TcpOptions.NONE;
        }
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
}
