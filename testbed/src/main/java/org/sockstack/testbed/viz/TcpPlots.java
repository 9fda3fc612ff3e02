package org.sockstack.testbed.viz;

/**
 * The two standard pictures of a TCP sender, from a {@code sockstack sim} CSV.
 *
 * <ul>
 *   <li>{@link #cwnd}: the congestion window (blue) and the slow-start threshold (red, dashed)
 *       in octets over time, with the bytes in flight (grey) below the window. A reader sees slow
 *       start as the steep start of the blue line, congestion avoidance as its slow linear
 *       climb, and each loss as a drop of cwnd with ssthresh stepping down to about half the
 *       flight. ssthresh is not drawn while it is still infinite (before the first loss).</li>
 *   <li>{@link #rtt}: the smoothed RTT (srtt, blue) and its variation (rttvar, orange, dashed)
 *       in milliseconds: the path's base delay plus whatever the bottleneck queue adds as cwnd
 *       grows (the queueing delay "bufferbloat" is made of).</li>
 * </ul>
 */
public final class TcpPlots {
    private TcpPlots() {
    }

    public static String cwnd(TimeSeriesTable t, String title) {
        double[] time = t.column("time_s");
        return new LinePlot(title, "time (s)", "octets")
                .add(new LinePlot.Series("cwnd", "#1f5fbf", false, time, t.column("cwnd")))
                .add(new LinePlot.Series("ssthresh", "#d62728", true, time, t.column("ssthresh")))
                .add(new LinePlot.Series("bytes in flight", "#9a9a9a", false, time, t.column("bytes_in_flight")))
                .toSvg();
    }

    public static String rtt(TimeSeriesTable t, String title) {
        double[] time = t.column("time_s");
        double[] srtt = t.column("srtt_ms");
        double[] rttvar = t.column("rttvar_ms");
        // Before the first RTT sample the stack reports 0: that is "no estimate yet", not a zero RTT.
        for (int i = 0; i < srtt.length; i++) {
            if (srtt[i] == 0) {
                srtt[i] = Double.NaN;
                rttvar[i] = Double.NaN;
            }
        }
        return new LinePlot(title, "time (s)", "milliseconds")
                .add(new LinePlot.Series("srtt", "#1f5fbf", false, time, srtt))
                .add(new LinePlot.Series("rttvar", "#ff7f0e", true, time, rttvar))
                .toSvg();
    }
}
