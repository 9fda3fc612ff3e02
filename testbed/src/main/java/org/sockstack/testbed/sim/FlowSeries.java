package org.sockstack.testbed.sim;

import org.sockstack.stack.tcp.TcpInfo;

import java.util.Locale;

/**
 * The time series of one flow, one CSV row per sample of the sender's {@link TcpInfo}:
 * <pre>
 * time_s,cwnd,ssthresh,srtt_ms,rttvar_ms,rto_ms,bytes_acked,retransmissions,bytes_in_flight
 * 0.010000,14600,,20.512,10.256,220.000,14600,0,14600
 * </pre>
 * {@code cwnd}, {@code ssthresh} and the byte columns are octets; {@code ssthresh} is empty while
 * it is still "infinite" (before the first loss). Numbers use a dot and fixed decimals whatever
 * the locale, so the same run gives the same bytes.
 */
final class FlowSeries {
    static final String HEADER = "time_s,cwnd,ssthresh,srtt_ms,rttvar_ms,rto_ms,bytes_acked,retransmissions,bytes_in_flight";

    private final StringBuilder csv = new StringBuilder(HEADER).append('\n');
    private int rows;
    private long lastTime = -1;
    private boolean closed;

    /** Adds the row for {@code info} at {@code now} nanoseconds since the scenario began (once per instant). */
    void sample(long now, TcpInfo info, long bytesAcked) {
        if (now == lastTime) {
            return;
        }
        lastTime = now;
        rows++;
        csv.append(String.format(Locale.ROOT, "%.6f,%d,%s,%.3f,%.3f,%.3f,%d,%d,%d\n", now / 1e9, info.cwnd(),
                info.ssthresh() == Integer.MAX_VALUE ? "" : Integer.toString(info.ssthresh()),
                info.srtt() / 1e6, info.rttvar() / 1e6, info.rto() / 1e6, bytesAcked, info.retransmissions(),
                info.bytesInFlight()));
    }

    /** No more rows: the flow has finished. */
    void close() {
        closed = true;
    }

    boolean closed() {
        return closed;
    }

    int rows() {
        return rows;
    }

    String text() {
        return csv.toString();
    }
}
