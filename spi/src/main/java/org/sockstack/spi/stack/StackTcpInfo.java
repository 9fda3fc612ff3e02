package org.sockstack.spi.stack;

import org.sockstack.stack.tcp.TcpInfo;

import static org.sockstack.spi.wsa.TcpInfoV0.get;
import static org.sockstack.spi.wsa.TcpInfoV0.put;

/**
 * The stack provider's own WSAIoctl {@link #SIO_TCP_INFO}: a connection's TCP state as the stack
 * sees it (a few fields of {@code ss -ti}, like Windows' SIO_TCP_INFO but in this layout). The
 * host provider answers the code with WSAEINVAL. The output buffer holds {@link #LENGTH} octets,
 * little-endian as Windows structures are:
 *
 * <pre>
 *   0  u32 state (RFC 9293 3.3.2 order: CLOSED=0, LISTEN, SYN-SENT, SYN-RECEIVED, ESTABLISHED, ...)
 *   4  u32 send MSS           8  u32 cwnd             12 u32 ssthresh (0xFFFFFFFF: none yet)
 *  16  u32 srtt (us)         20  u32 rttvar (us)      24 u32 rto (us)
 *  28  u32 bytes in flight   32  u64 segments retransmitted
 *  40  u32 SND.WND           44  u32 RCV.WND
 * </pre>
 */
public record StackTcpInfo(int state, int sendMss, int cwnd, int ssthresh, long srttMicros, long rttvarMicros,
                           long rtoMicros, int bytesInFlight, long retransmissions, int sndWnd, int rcvWnd) {

    /** IOC_OUT | IOC_VENDOR | 0x5354 ("ST"): a vendor code of this provider. */
    public static final int SIO_TCP_INFO = 0x40000000 | 0x18000000 | 0x5354;
    public static final int LENGTH = 48;

    static StackTcpInfo of(TcpInfo i) {
        return new StackTcpInfo(i.state().ordinal(), i.sendMss(), i.cwnd(), i.ssthresh(), i.srtt() / 1000,
                i.rttvar() / 1000, i.rto() / 1000, i.bytesInFlight(), i.retransmissions(), i.sndWnd(), i.rcvWnd());
    }

    /** Writes the layout above into {@code out} (at least {@link #LENGTH} octets). */
    void encode(byte[] out) {
        int[] words = {state, sendMss, cwnd, ssthresh, (int) srttMicros, (int) rttvarMicros, (int) rtoMicros,
                bytesInFlight};
        for (int i = 0; i < words.length; i++) {
            put(out, 4 * i, words[i], 4);
        }
        put(out, 32, retransmissions, 8);
        put(out, 40, sndWnd, 4);
        put(out, 44, rcvWnd, 4);
    }

    /** Reads what {@link #SIO_TCP_INFO} returned. */
    public static StackTcpInfo decode(byte[] out) {
        if (out.length < LENGTH) {
            throw new IllegalArgumentException("a TCP info buffer has " + LENGTH + " octets, not " + out.length);
        }
        return new StackTcpInfo((int) get(out, 0, 4), (int) get(out, 4, 4), (int) get(out, 8, 4),
                (int) get(out, 12, 4), get(out, 16, 4), get(out, 20, 4), get(out, 24, 4), (int) get(out, 28, 4),
                get(out, 32, 8), (int) get(out, 40, 4), (int) get(out, 44, 4));
    }
}
