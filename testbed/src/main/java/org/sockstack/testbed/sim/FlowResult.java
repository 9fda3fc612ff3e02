package org.sockstack.testbed.sim;

import java.util.Locale;

/**
 * What one flow achieved.
 *
 * @param id               1..flows
 * @param sender           sender host name
 * @param path             {@code 192.0.2.1.32768 > 192.0.2.2.5001}, as tcpdump writes it
 * @param congestionControl the algorithm the sender's connection used
 * @param bytesReceived    octets the receiving application read
 * @param startNanos       when the sender connected (virtual time)
 * @param completionNanos  when the last byte was read, or -1 if the flow did not finish
 * @param endNanos         completion, or the end of the run for unfinished flows
 * @param retransmissions  segments the sender retransmitted
 * @param intact           every byte read was the byte sent
 * @param error            the first socket error, or null
 */
public record FlowResult(int id, String sender, String path, String congestionControl, long bytesReceived,
                         long startNanos, long completionNanos, long endNanos, long retransmissions, boolean intact,
                         String error) {

    public boolean completed() {
        return completionNanos >= 0;
    }

    /** Seconds from connect to the last byte (or to the end of the run). */
    public double seconds() {
        return (endNanos - startNanos) / 1e9;
    }

    /** Application bytes per second over {@link #seconds()}, in bits per second. */
    public double goodputBitsPerSecond() {
        double s = seconds();
        return s <= 0 ? 0 : bytesReceived * 8 / s;
    }

    /** The flow's status word: complete, running (duration mode), or the error. */
    public String status() {
        if (error != null) {
            return "error (" + error + ")";
        }
        String s = completed() ? "complete" : "running";
        return intact ? s : s + ", DATA CORRUPTED";
    }

    String tableRow() {
        return String.format(Locale.ROOT, "%-4d %-35s %-8s %12d %9.3f %14s %7d  %s", id, path, congestionControl,
                bytesReceived, seconds(), Units.formatRate(goodputBitsPerSecond()), retransmissions, status());
    }

    static String tableHeader() {
        return String.format(Locale.ROOT, "%-4s %-35s %-8s %12s %9s %14s %7s  %s", "flow", "path", "cc", "bytes",
                "time_s", "goodput", "retrans", "status");
    }
}
