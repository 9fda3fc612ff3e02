package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;

/**
 * A view over a TCP segment (RFC 9293 section 3.1): header, options and payload.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        Sequence Number                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Acknowledgment Number                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Data |       |C|E|U|A|P|R|S|F|                               |
 * | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 * |       |       |R|E|G|K|H|T|N|N|                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Checksum            |         Urgent Pointer        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           [Options]                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               :
 * :                             Data                              :
 * :                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Options (RFC 9293 section 3.2) are either a single kind octet (End of Option List, No-Operation)
 * or kind, length (counting kind and length), value. This view understands MSS (RFC 9293 3.2),
 * Window Scale and Timestamps (RFC 7323), SACK-permitted and SACK (RFC 2018) and skips every other
 * kind by its length. {@link #check()} walks the options once; afterwards the option accessors
 * ({@link #mss()}, {@link #windowScale()}, {@link #tsVal()}, {@link #sackLeftEdge(int)}, ...)
 * re-walk at most 40 octets and allocate nothing, so the receive path can read them directly.
 *
 * <p>Sequence and acknowledgment numbers are returned as {@code int}: they live in a 2^32 sequence
 * space (RFC 9293 section 3.4) and must be compared with modular arithmetic, never with {@code <}.
 *
 * <p>A flyweight: {@link #wrap} re-targets it, so one instance serves every segment.
 * After {@link #check()} returns {@link WireError#OK} no accessor can read out of bounds.
 */
public final class TcpSegment {
    /** The fixed header: data offset 5 (RFC 9293 section 3.1). */
    public static final int HEADER_LENGTH = 20;
    /** Data offset 15: at most 40 octets of options. */
    public static final int MAX_HEADER_LENGTH = 60;
    public static final int MAX_OPTIONS_LENGTH = MAX_HEADER_LENGTH - HEADER_LENGTH;
    /** The IP protocol / IPv6 next-header number of TCP (IANA), used in the pseudo-header. */
    public static final int PROTOCOL_NUMBER = IpProtocol.TCP;

    // Control bits, octet 13 of the header (RFC 9293 section 3.1; CWR and ECE from RFC 3168).
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;

    // Option kinds (RFC 9293 section 3.2, RFC 7323, RFC 2018) and their fixed lengths.
    public static final int OPT_EOL = 0;
    public static final int OPT_NOP = 1;
    public static final int OPT_MSS = 2;
    public static final int OPT_WINDOW_SCALE = 3;
    public static final int OPT_SACK_PERMITTED = 4;
    public static final int OPT_SACK = 5;
    public static final int OPT_TIMESTAMPS = 8;
    public static final int OPT_MSS_LENGTH = 4;
    public static final int OPT_WINDOW_SCALE_LENGTH = 3;
    public static final int OPT_SACK_PERMITTED_LENGTH = 2;
    public static final int OPT_TIMESTAMPS_LENGTH = 10;
    /** A SACK option is 2 octets plus 8 per block (RFC 2018 section 3). */
    public static final int SACK_BLOCK_LENGTH = 8;
    /** 40 option octets hold at most 4 SACK blocks (RFC 2018 section 3). */
    public static final int MAX_SACK_BLOCKS = 4;

    private static final String FLAG_LETTERS = "FSRP.UEW";
    private static final int[] FLAG_BITS = {FIN, SYN, RST, PSH, ACK, URG, ECE, CWR};

    private ByteBuf buf;
    private int start;
    private int length;

    public TcpSegment wrap(ByteBuf buf) {
        return wrap(buf, buf.readerIndex(), buf.readableBytes());
    }

    /**
     * Targets the segment at absolute {@code offset}; {@code length} is the TCP length (header plus
     * data) as the IP layer reports it.
     */
    public TcpSegment wrap(ByteBuf buf, int offset, int length) {
        this.buf = buf;
        this.start = offset;
        this.length = length;
        return this;
    }

    /**
     * Validates lengths and the option list; afterwards every accessor is safe.
     *
     * @return {@link WireError#TRUNCATED} below 20 octets, {@link WireError#BAD_LENGTH} for a data
     *     offset below 5 or past the end of the buffer, {@link WireError#BAD_OPTION} for a malformed option
     */
    public WireError check() {
        if (length < HEADER_LENGTH) {
            return WireError.TRUNCATED;
        }
        int headerLength = headerLength();
        if (headerLength < HEADER_LENGTH || headerLength > length) {
            return WireError.BAD_LENGTH;
        }
        return checkOptions(start + HEADER_LENGTH, start + headerLength);
    }

    /**
     * Walks the option list between {@code from} and {@code end} (RFC 9293 section 3.2): every option
     * but EOL and NOP needs a length octet of at least 2 that keeps it inside the header, and the
     * options this view reads need their defined length.
     */
    private WireError checkOptions(int from, int end) {
        int i = from;
        while (i < end) {
            int kind = buf.getUnsignedByte(i);
            if (kind == OPT_EOL) {
                return WireError.OK;   // the rest of the header is padding
            }
            if (kind == OPT_NOP) {
                i++;
                continue;
            }
            if (i + 1 >= end) {
                return WireError.BAD_OPTION;   // no room for the length octet
            }
            int len = buf.getUnsignedByte(i + 1);
            if (len < 2 || i + len > end || !lengthFits(kind, len)) {
                return WireError.BAD_OPTION;
            }
            i += len;
        }
        return WireError.OK;
    }

    /** True if an option of {@code kind} may have length {@code len}; unknown kinds may have any. */
    private static boolean lengthFits(int kind, int len) {
        return switch (kind) {
            case OPT_MSS -> len == OPT_MSS_LENGTH;
            case OPT_WINDOW_SCALE -> len == OPT_WINDOW_SCALE_LENGTH;
            case OPT_SACK_PERMITTED -> len == OPT_SACK_PERMITTED_LENGTH;
            case OPT_TIMESTAMPS -> len == OPT_TIMESTAMPS_LENGTH;
            case OPT_SACK -> len > 2 && (len - 2) % SACK_BLOCK_LENGTH == 0
                    && (len - 2) / SACK_BLOCK_LENGTH <= MAX_SACK_BLOCKS;
            default -> true;
        };
    }

    /**
     * The absolute index of the first option of {@code kind}, or -1. Only valid after a successful
     * {@link #check()}, which guarantees every length octet on the way is sane.
     */
    public int findOption(int kind) {
        int i = start + HEADER_LENGTH;
        int end = start + headerLength();
        while (i < end) {
            int k = buf.getUnsignedByte(i);
            if (k == OPT_EOL) {
                return -1;
            }
            if (k == kind) {
                return i;
            }
            i += k == OPT_NOP ? 1 : buf.getUnsignedByte(i + 1);
        }
        return -1;
    }

    public int srcPort() {
        return buf.getUnsignedShort(start);
    }

    public int dstPort() {
        return buf.getUnsignedShort(start + 2);
    }

    /** SEG.SEQ: the sequence number of the first data octet (or of the SYN). */
    public int seqNumber() {
        return buf.getInt(start + 4);
    }

    /** SEG.ACK: the next sequence number the sender expects; meaningful only with ACK set. */
    public int ackNumber() {
        return buf.getInt(start + 8);
    }

    /** The header length in 32-bit words. */
    public int dataOffset() {
        return buf.getUnsignedByte(start + 12) >>> 4;
    }

    /** The header length in octets (data offset times 4). */
    public int headerLength() {
        return dataOffset() * 4;
    }

    /**
     * The four reserved bits between data offset and CWR; RFC 9293 section 3.1 says to send zero and
     * ignore them on receipt, but they stay readable for tracing and for future use (AccECN's AE bit).
     */
    public int reserved() {
        return buf.getUnsignedByte(start + 12) & 0x0F;
    }

    /** The eight control bits CWR..FIN as one octet; test with {@link #SYN}, {@link #ACK}, ... */
    public int flags() {
        return buf.getUnsignedByte(start + 13);
    }

    public boolean fin() {
        return (flags() & FIN) != 0;
    }

    public boolean syn() {
        return (flags() & SYN) != 0;
    }

    public boolean rst() {
        return (flags() & RST) != 0;
    }

    public boolean psh() {
        return (flags() & PSH) != 0;
    }

    public boolean ack() {
        return (flags() & ACK) != 0;
    }

    public boolean urg() {
        return (flags() & URG) != 0;
    }

    public boolean ece() {
        return (flags() & ECE) != 0;
    }

    public boolean cwr() {
        return (flags() & CWR) != 0;
    }

    /** SEG.WND as sent: not yet shifted by any window scale. */
    public int window() {
        return buf.getUnsignedShort(start + 14);
    }

    public int checksum() {
        return buf.getUnsignedShort(start + 16);
    }

    /** SEG.UP: offset from SEG.SEQ of the octet after urgent data; meaningful only with URG set. */
    public int urgentPointer() {
        return buf.getUnsignedShort(start + 18);
    }

    /** The Maximum Segment Size option (kind 2), or -1 if absent. */
    public int mss() {
        int at = findOption(OPT_MSS);
        return at < 0 ? -1 : buf.getUnsignedShort(at + 2);
    }

    /**
     * The Window Scale shift count (kind 3) as sent, or -1 if absent. Values above 14 are returned
     * unchanged here; {@link TcpOptions} treats them as 14 (RFC 7323 section 2.3).
     */
    public int windowScale() {
        int at = findOption(OPT_WINDOW_SCALE);
        return at < 0 ? -1 : buf.getUnsignedByte(at + 2);
    }

    /** True if the SACK-permitted option (kind 4) is present. */
    public boolean sackPermitted() {
        return findOption(OPT_SACK_PERMITTED) >= 0;
    }

    /** True if the Timestamps option (kind 8) is present. */
    public boolean hasTimestamps() {
        return findOption(OPT_TIMESTAMPS) >= 0;
    }

    /** TSval of the Timestamps option; only meaningful if {@link #hasTimestamps()}, else 0. */
    public int tsVal() {
        int at = findOption(OPT_TIMESTAMPS);
        return at < 0 ? 0 : buf.getInt(at + 2);
    }

    /** TSecr of the Timestamps option; only meaningful if {@link #hasTimestamps()}, else 0. */
    public int tsEcr() {
        int at = findOption(OPT_TIMESTAMPS);
        return at < 0 ? 0 : buf.getInt(at + 6);
    }

    /** The number of blocks in the SACK option (kind 5), 0 if absent. */
    public int sackBlockCount() {
        int at = findOption(OPT_SACK);
        return at < 0 ? 0 : (buf.getUnsignedByte(at + 1) - 2) / SACK_BLOCK_LENGTH;
    }

    /** Left edge of SACK block {@code i} (0-based, below {@link #sackBlockCount()}). */
    public int sackLeftEdge(int i) {
        return buf.getInt(sackBlockAt(i));
    }

    /** Right edge (the sequence number after the block) of SACK block {@code i}. */
    public int sackRightEdge(int i) {
        return buf.getInt(sackBlockAt(i) + 4);
    }

    private int sackBlockAt(int i) {
        if (i < 0 || i >= sackBlockCount()) {
            throw new IndexOutOfBoundsException("SACK block " + i);
        }
        return findOption(OPT_SACK) + 2 + i * SACK_BLOCK_LENGTH;
    }

    /** Absolute index of the first data octet. */
    public int payloadOffset() {
        return start + headerLength();
    }

    public int payloadLength() {
        return length - headerLength();
    }

    /** SEG.LEN (RFC 9293 section 3.4): data octets plus one for SYN and one for FIN. */
    public int segLen() {
        return payloadLength() + (syn() ? 1 : 0) + (fin() ? 1 : 0);
    }

    /**
     * True if the checksum verifies over the whole segment and the pseudo-header sum (RFC 9293
     * section 3.1), e.g. {@code pseudoHeaderIpv4(src, dst, length())}. Allocation-free.
     */
    public boolean verifyChecksum(int pseudoHeaderSum) {
        return InternetChecksum.verifies(buf, start, length, pseudoHeaderSum);
    }

    /** The IPv4 pseudo-header sum for a TCP segment of {@code tcpLength} octets (RFC 9293 3.1). */
    public static int pseudoHeaderIpv4(int src, int dst, int tcpLength) {
        return InternetChecksum.pseudoHeaderIpv4(src, dst, PROTOCOL_NUMBER, tcpLength);
    }

    /** The IPv6 pseudo-header sum for a TCP segment of {@code tcpLength} octets (RFC 8200 8.1). */
    public static int pseudoHeaderIpv6(long srcHi, long srcLo, long dstHi, long dstLo, int tcpLength) {
        return InternetChecksum.pseudoHeaderIpv6(srcHi, srcLo, dstHi, dstLo, PROTOCOL_NUMBER, tcpLength);
    }

    public static int pseudoHeaderIpv6(Ipv6Address src, Ipv6Address dst, int tcpLength) {
        return InternetChecksum.pseudoHeaderIpv6(src, dst, PROTOCOL_NUMBER, tcpLength);
    }

    public ByteBuf buffer() {
        return buf;
    }

    public int offset() {
        return start;
    }

    /** The TCP length: header plus data. */
    public int length() {
        return length;
    }

    /** The segment in tcpdump style (see {@link TcpRepr#toString()}); checks it first. */
    @Override
    public String toString() {
        WireError e = check();
        if (!e.ok()) {
            return "TCP [" + e.reason() + "]";
        }
        StringBuilder sb = new StringBuilder(96);
        describe(sb, srcPort(), dstPort(), flags(), seqNumber(), ackNumber(), window(), urgentPointer(),
                payloadLength(), buf, start + HEADER_LENGTH, start + headerLength());
        return sb.toString();
    }

    /**
     * Appends a tcpdump-style line, e.g. {@code "TCP 5000 > 80: Flags [S.], seq 1, ack 2, win 512,
     * options [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0"}. The options between
     * {@code optFrom} and {@code optEnd} must already be checked.
     */
    static void describe(StringBuilder sb, int srcPort, int dstPort, int flags, int seq, int ack, int window,
                         int urgentPointer, int payloadLength, ByteBuf opts, int optFrom, int optEnd) {
        sb.append("TCP ").append(srcPort).append(" > ").append(dstPort).append(": Flags [");
        appendFlags(sb, flags);
        sb.append(']');
        // Like tcpdump: the sequence number when the segment occupies sequence space or resets.
        if (payloadLength > 0 || (flags & (SYN | FIN | RST)) != 0) {
            sb.append(", seq ").append(Integer.toUnsignedString(seq));
            if (payloadLength > 0) {
                sb.append(':').append(Integer.toUnsignedString(seq + payloadLength));
            }
        }
        if ((flags & ACK) != 0) {
            sb.append(", ack ").append(Integer.toUnsignedString(ack));
        }
        sb.append(", win ").append(window);
        if ((flags & URG) != 0) {
            sb.append(", urg ").append(urgentPointer);
        }
        if (optEnd > optFrom) {
            sb.append(", options [");
            appendOptions(sb, opts, optFrom, optEnd);
            sb.append(']');
        }
        sb.append(", length ").append(payloadLength);
    }

    /** tcpdump's flag letters in its order: F S R P . U E W, or "none". */
    private static void appendFlags(StringBuilder sb, int flags) {
        if (flags == 0) {
            sb.append("none");
            return;
        }
        for (int i = 0; i < FLAG_BITS.length; i++) {
            if ((flags & FLAG_BITS[i]) != 0) {
                sb.append(FLAG_LETTERS.charAt(i));
            }
        }
    }

    private static void appendOptions(StringBuilder sb, ByteBuf b, int from, int end) {
        int i = from;
        boolean first = true;
        while (i < end) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            int kind = b.getUnsignedByte(i);
            if (kind == OPT_EOL) {
                sb.append("eol");
                return;
            }
            if (kind == OPT_NOP) {
                sb.append("nop");
                i++;
                continue;
            }
            int len = b.getUnsignedByte(i + 1);
            switch (kind) {
                case OPT_MSS -> sb.append("mss ").append(b.getUnsignedShort(i + 2));
                case OPT_WINDOW_SCALE -> sb.append("wscale ").append(b.getUnsignedByte(i + 2));
                case OPT_SACK_PERMITTED -> sb.append("sackOK");
                case OPT_TIMESTAMPS -> sb.append("TS val ").append(b.getUnsignedInt(i + 2))
                        .append(" ecr ").append(b.getUnsignedInt(i + 6));
                case OPT_SACK -> {
                    int n = (len - 2) / SACK_BLOCK_LENGTH;
                    sb.append("sack ").append(n).append(' ');
                    for (int k = 0; k < n; k++) {
                        int at = i + 2 + k * SACK_BLOCK_LENGTH;
                        sb.append('{').append(b.getUnsignedInt(at)).append(':')
                                .append(b.getUnsignedInt(at + 4)).append('}');
                    }
                }
                default -> sb.append("opt-").append(kind).append(':').append(len);
            }
            i += len;
        }
    }
}
