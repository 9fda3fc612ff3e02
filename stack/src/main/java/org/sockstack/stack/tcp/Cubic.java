package org.sockstack.stack.tcp;

/**
 * CUBIC congestion control (RFC 9438), the default. After a congestion event the window grows
 * along a cubic function of the time since that event, centred on the window where the loss
 * happened ({@code W_max}):
 * <pre>
 *   W_cubic(t) = C * (t - K)^3 + W_max                      (RFC 9438 section 4.2, figure 1)
 *   K = cubic_root((W_max - cwnd_epoch) / C)                 (figure 2)
 * </pre>
 * with C = 0.4 and the multiplicative decrease factor beta_cubic = 0.7. Windows here are in
 * segments (doubles); {@link #cwnd()} reports octets. Also: the Reno-friendly region (section
 * 4.3, {@code W_est}), fast convergence (section 4.7), slow start as RFC 5681 below ssthresh
 * (HyStart is not implemented), and timeouts (section 4.8). Loss detection (fast retransmit,
 * NewReno or RFC 6675 recovery) is the connection's; this class only sets the windows.
 */
public final class Cubic implements CongestionControl {
    /** RFC 9438 section 5: C = 0.4. */
    static final double C = 0.4;
    /** RFC 9438 section 4.6: beta_cubic = 0.7. */
    static final double BETA = 0.7;
    /** RFC 9438 section 4.3: alpha_cubic = 3 * (1 - beta) / (1 + beta). */
    static final double ALPHA = 3 * (1 - BETA) / (1 + BETA);
    private static final double NANOS = 1e9;

    private int smss;
    /** cwnd in segments. */
    private double cwnd;
    private double ssthresh = Double.MAX_VALUE;
    /** W_max: the window (segments) just before the last reduction. */
    private double wMax;
    /** Start of the current congestion-avoidance epoch (nanoseconds), or -1 when none. */
    private long epochStart = -1;
    private double k;
    /** The window the cubic curve is centred on for this epoch (W_max, or cwnd when above it). */
    private double origin;
    /** W_est: the window standard Reno would have (section 4.3). */
    private double wEst;
    private long rtt = 100_000_000L;   // until the first sample

    @Override
    public String name() {
        return "cubic";
    }

    @Override
    public void init(int smss, int initialWindowSegments, long now) {
        this.smss = smss;
        // RFC 6928 section 2 initial window, as NewReno.
        int iw = initialWindowSegments == 10 ? Math.min(10 * smss, Math.max(2 * smss, 14600))
                : initialWindowSegments * smss;
        this.cwnd = (double) iw / smss;
    }

    @Override
    public int cwnd() {
        return toOctets(cwnd);
    }

    @Override
    public int ssthresh() {
        return ssthresh == Double.MAX_VALUE ? Integer.MAX_VALUE : toOctets(ssthresh);
    }

    private int toOctets(double segments) {
        double o = segments * smss;
        return o >= Integer.MAX_VALUE / 2 ? Integer.MAX_VALUE / 2 : (int) o;
    }

    @Override
    public void onRttSample(long rtt, long now) {
        this.rtt = rtt;
    }

    @Override
    public void onAck(int ackedBytes, int flightSize, long now) {
        double acked = (double) ackedBytes / smss;
        if (cwnd < ssthresh) {
            // RFC 9438 section 4.10 / RFC 5681 3.1: slow start, cwnd += min(N, SMSS).
            cwnd += Math.min(acked, 1.0);
            return;
        }
        if (epochStart < 0) {
            startEpoch(now);
        }
        double t = (now - epochStart) / NANOS;
        // Section 4.3: the Reno-friendly estimate; alpha becomes 1 once W_est reaches W_max.
        double alpha = wEst >= wMax ? 1.0 : ALPHA;
        wEst += alpha * acked / cwnd;
        double cubicNow = wCubic(t);
        if (cubicNow < wEst) {
            cwnd = wEst;   // Reno-friendly region
            return;
        }
        // Section 4.4 / 4.5: aim for W_cubic one RTT ahead, clamped to [cwnd, 1.5 cwnd].
        double target = wCubic(t + rtt / NANOS);
        target = Math.max(cwnd, Math.min(target, 1.5 * cwnd));
        cwnd += (target - cwnd) / cwnd * acked;
    }

    /** RFC 9438 figure 1. */
    double wCubic(double t) {
        double d = t - k;
        return C * d * d * d + origin;
    }

    /** A congestion-avoidance epoch starts (section 4.2): K from W_max and the current window. */
    private void startEpoch(long now) {
        epochStart = now;
        if (cwnd < wMax) {
            k = Math.cbrt((wMax - cwnd) / C);
            origin = wMax;
        } else {
            k = 0;
            origin = cwnd;
        }
        wEst = cwnd;
    }

    /** Section 4.6 (multiplicative decrease) and 4.7 (fast convergence). */
    private void reduce(int flightSize) {
        double flight = (double) flightSize / smss;
        wMax = cwnd < wMax ? cwnd * (1 + BETA) / 2 : cwnd;
        ssthresh = Math.max(Math.min(flight, cwnd) * BETA, 2.0);
        epochStart = -1;
    }

    @Override
    public void onEnterRecovery(int flightSize, long now) {
        reduce(flightSize);
        cwnd = ssthresh + 3;   // RFC 5681 3.2 step 3 inflation, for NewReno-style recovery
    }

    @Override
    public void onEnterSackRecovery(int flightSize, long now) {
        reduce(flightSize);
        cwnd = ssthresh;
    }

    @Override
    public void onDupAckInRecovery(long now) {
        cwnd += 1;
    }

    @Override
    public void onPartialAck(int ackedBytes, long now) {
        // RFC 6582 3.2 step 5, as NewReno.
        double acked = (double) ackedBytes / smss;
        cwnd = Math.max(cwnd - acked, 1.0);
        if (acked >= 1.0) {
            cwnd += 1;
        }
    }

    @Override
    public void onExitRecovery(int flightSize, long now) {
        cwnd = Math.min(ssthresh, Math.max((double) flightSize / smss, 1.0) + 1);
        epochStart = -1;
    }

    @Override
    public void onRetransmissionTimeout(int flightSize, long now) {
        // Section 4.8: Reno's reaction (cwnd = 1 segment) with ssthresh from beta_cubic; the next
        // epoch starts with K = 0 at the window it begins with.
        reduce(flightSize);
        wMax = 0;
        cwnd = 1;
    }

    double wMax() {
        return wMax;
    }

    double k() {
        return k;
    }
}
