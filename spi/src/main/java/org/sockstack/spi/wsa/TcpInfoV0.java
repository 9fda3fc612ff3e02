package org.sockstack.spi.wsa;

/**
 * TCP_INFO_v0 (mstcpip.h): what {@link Wsa#SIO_TCP_INFO} answers for version 0. Little-endian,
 * laid out as the x64 compiler lays out the C structure (natural alignment: the BOOLEAN at 16 is
 * followed by 3 octets of padding, the UCHAR at 84 by 3, so the structure is 88 octets, a
 * multiple of its 8-octet alignment):
 *
 * <pre>
 *   0 TCPSTATE State            4 ULONG Mss               8 ULONG64 ConnectionTimeMs
 *  16 BOOLEAN TimestampsEnabled                          20 ULONG RttUs
 *  24 ULONG MinRttUs           28 ULONG BytesInFlight    32 ULONG Cwnd
 *  36 ULONG SndWnd             40 ULONG RcvWnd           44 ULONG RcvBuf
 *  48 ULONG64 BytesOut         56 ULONG64 BytesIn
 *  64 ULONG BytesReordered     68 ULONG BytesRetrans     72 ULONG FastRetrans
 *  76 ULONG DupAcksIn          80 ULONG TimeoutEpisodes  84 UCHAR SynRetrans
 * </pre>
 *
 * State is the TCPSTATE enumeration: CLOSED 0, LISTEN 1, SYN_SENT 2, SYN_RCVD 3, ESTABLISHED 4,
 * FIN_WAIT_1 5, FIN_WAIT_2 6, CLOSE_WAIT 7, CLOSING 8, LAST_ACK 9, TIME_WAIT 10 (RFC 9293's
 * order).
 */
public record TcpInfoV0(int state, int mss, long connectionTimeMs, boolean timestampsEnabled, int rttUs,
                        int minRttUs, int bytesInFlight, int cwnd, int sndWnd, int rcvWnd, int rcvBuf, long bytesOut,
                        long bytesIn, int bytesReordered, int bytesRetrans, int fastRetrans, int dupAcksIn,
                        int timeoutEpisodes, int synRetrans) {
    /** sizeof(TCP_INFO_v0) on x64. */
    public static final int LENGTH = 88;
    public static final int TCPSTATE_CLOSED = 0;
    public static final int TCPSTATE_ESTABLISHED = 4;
    public static final int TCPSTATE_TIME_WAIT = 10;

    /**
     * The request checks every provider makes: the input is a DWORD version, 0 (the only one
     * offered: TCP_INFO_v1 adds sender-limited statistics nobody here keeps); the output holds a
     * TCP_INFO_v0. Returns 0 or WSAEINVAL (no or short input, another version) / WSAEFAULT
     * (output too small).
     */
    public static int checkRequest(byte[] in, byte[] out) {
        if (in == null || in.length < 4) {
            return WsaError.WSAEINVAL;
        }
        int version = (in[0] & 0xFF) | (in[1] & 0xFF) << 8 | (in[2] & 0xFF) << 16 | (in[3] & 0xFF) << 24;
        if (version != 0) {
            return WsaError.WSAEINVAL;
        }
        if (out == null || out.length < LENGTH) {
            return WsaError.WSAEFAULT;
        }
        return 0;
    }

    /** Writes the structure into {@code out[0..88)} (padding zeroed). */
    public void encode(byte[] out) {
        java.util.Arrays.fill(out, 0, LENGTH, (byte) 0);
        put(out, 0, state, 4);
        put(out, 4, mss, 4);
        put(out, 8, connectionTimeMs, 8);
        out[16] = (byte) (timestampsEnabled ? 1 : 0);
        put(out, 20, rttUs, 4);
        put(out, 24, minRttUs, 4);
        put(out, 28, bytesInFlight, 4);
        put(out, 32, cwnd, 4);
        put(out, 36, sndWnd, 4);
        put(out, 40, rcvWnd, 4);
        put(out, 44, rcvBuf, 4);
        put(out, 48, bytesOut, 8);
        put(out, 56, bytesIn, 8);
        put(out, 64, bytesReordered, 4);
        put(out, 68, bytesRetrans, 4);
        put(out, 72, fastRetrans, 4);
        put(out, 76, dupAcksIn, 4);
        put(out, 80, timeoutEpisodes, 4);
        out[84] = (byte) Math.min(synRetrans, 0xFF);
    }

    /** Reads what {@link Wsa#SIO_TCP_INFO} returned (at least {@link #LENGTH} octets). */
    public static TcpInfoV0 decode(byte[] b) {
        if (b.length < LENGTH) {
            throw new IllegalArgumentException("a TCP_INFO_v0 has " + LENGTH + " octets, not " + b.length);
        }
        return new TcpInfoV0(i32(b, 0), i32(b, 4), get(b, 8, 8), b[16] != 0, i32(b, 20), i32(b, 24), i32(b, 28),
                i32(b, 32), i32(b, 36), i32(b, 40), i32(b, 44), get(b, 48, 8), get(b, 56, 8), i32(b, 64),
                i32(b, 68), i32(b, 72), i32(b, 76), i32(b, 80), b[84] & 0xFF);
    }

    /** A ULONG from a count that may exceed it: saturated, as a 32-bit counter cannot say more. */
    public static int ulong(long v) {
        return (int) Math.min(Math.max(v, 0), 0xFFFF_FFFFL);
    }

    /** Writes the {@code n} low octets of {@code v} at {@code off}, least significant first (Windows' byte order). */
    public static void put(byte[] b, int off, long v, int n) {
        for (int i = 0; i < n; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }

    /** Reads {@code n} octets at {@code off}, least significant first, as an unsigned value. */
    public static long get(byte[] b, int off, int n) {
        long v = 0;
        for (int i = 0; i < n; i++) {
            v |= (b[off + i] & 0xFFL) << (8 * i);
        }
        return v;
    }

    private static int i32(byte[] b, int off) {
        return (int) get(b, off, 4);
    }
}
