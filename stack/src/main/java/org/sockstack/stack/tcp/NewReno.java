package org.sockstack.stack.tcp;

/**
 * NewReno congestion control: slow start and congestion avoidance of RFC 5681 section 3.1 and the
 * window adjustments of fast retransmit / fast recovery (RFC 5681 3.2 as modified by RFC 6582).
 * The initial window is RFC 6928's (10 segments by default, from {@link TcpConfig#initialWindow()}).
 */
public final class NewReno implements CongestionControl {
    private int smss;
    private int cwnd;
    private int ssthresh = Integer.MAX_VALUE;
    /** Octets acknowledged since cwnd last grew in congestion avoidance (RFC 5681 3.1, byte counting). */
    private int bytesAcked;

    @Override
    public String name() {
        return "newreno";
    }

    @Override
    public void init(int smss, int initialWindowSegments, long now) {
        this.smss = smss;
        // RFC 6928 section 2: IW = min(10*MSS, max(2*MSS, 14600)) for the default of 10.
        int iw = initialWindowSegments == 10 ? Math.min(10 * smss, Math.max(2 * smss, 14600))
                : initialWindowSegments * smss;
        this.cwnd = iw;
    }

    @Override
    public int cwnd() {
        return cwnd;
    }

    @Override
    public int ssthresh() {
        return ssthresh;
    }

    @Override
    public void onAck(int ackedBytes, int flightSize, long now) {
        if (cwnd < ssthresh) {
            // RFC 5681 3.1 equation 2: cwnd += min(N, SMSS) per ACK in slow start.
            cwnd = addCapped(cwnd, Math.min(ackedBytes, smss));
            return;
        }
        // RFC 5681 3.1 equation 3 with byte counting: one SMSS per cwnd of acknowledged data.
        bytesAcked += ackedBytes;
        if (bytesAcked >= cwnd) {
            bytesAcked -= cwnd;
            cwnd = addCapped(cwnd, smss);
        }
    }

    @Override
    public void onEnterRecovery(int flightSize, long now) {
        // RFC 5681 3.2 step 2 (equation 4) and step 3: ssthresh = max(FlightSize/2, 2*SMSS),
        // cwnd = ssthresh + 3*SMSS for the three segments that left the network.
        ssthresh = Math.max(flightSize / 2, 2 * smss);
        cwnd = ssthresh + 3 * smss;
        bytesAcked = 0;
    }

    @Override
    public void onEnterSackRecovery(int flightSize, long now) {
        // RFC 6675 section 5 step 4.2: ssthresh = cwnd = FlightSize / 2 (RFC 5681 equation 4 bound).
        ssthresh = Math.max(flightSize / 2, 2 * smss);
        cwnd = ssthresh;
        bytesAcked = 0;
    }

    @Override
    public void onDupAckInRecovery(long now) {
        cwnd = addCapped(cwnd, smss);
    }

    @Override
    public void onPartialAck(int ackedBytes, long now) {
        // RFC 6582 3.2 step 5: deflate by the newly acked data, add back SMSS if that was >= SMSS.
        cwnd = Math.max(cwnd - ackedBytes, smss);
        if (ackedBytes >= smss) {
            cwnd = addCapped(cwnd, smss);
        }
    }

    @Override
    public void onExitRecovery(int flightSize, long now) {
        // RFC 6582 3.2 step 4, option (1): cwnd = min(ssthresh, max(FlightSize, SMSS) + SMSS).
        cwnd = Math.min(ssthresh, Math.max(flightSize, smss) + smss);
        bytesAcked = 0;
    }

    @Override
    public void onRetransmissionTimeout(int flightSize, long now) {
        // RFC 5681 3.1 equation 4 and "LW": cwnd = 1 full-sized segment after a timeout.
        ssthresh = Math.max(flightSize / 2, 2 * smss);
        cwnd = smss;
        bytesAcked = 0;
    }

    private static int addCapped(int a, int b) {
        long s = (long) a + b;
        return s > Integer.MAX_VALUE / 2 ? Integer.MAX_VALUE / 2 : (int) s;
    }
}
