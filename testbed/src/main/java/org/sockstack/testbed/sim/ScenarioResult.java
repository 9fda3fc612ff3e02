package org.sockstack.testbed.sim;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The outcome of a scenario: one {@link FlowResult} per flow, the virtual time it took, and the
 * files written.
 */
public record ScenarioResult(Scenario scenario, List<FlowResult> flows, long endNanos, List<Path> files) {

    public ScenarioResult {
        flows = List.copyOf(flows);
        files = List.copyOf(files);
    }

    /** True if every flow finished (byte mode) or ran without error (duration mode), all bytes intact. */
    public boolean ok() {
        for (FlowResult f : flows) {
            boolean finished = scenario.bytes() == 0 || f.completed();
            if (!finished || !f.intact() || f.error() != null) {
                return false;
            }
        }
        return true;
    }

    /**
     * The summary, as printed and written to {@code summary.txt}: the scenario, a table with one
     * row per flow (goodput, retransmissions, completion time), and the totals. Only virtual
     * time appears, so the same seed gives the same text.
     */
    public String summary() {
        Scenario s = scenario;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "scenario: %s, %d sender(s), %d flow(s), %s, seed %d%n",
                s.topology().name().toLowerCase(Locale.ROOT), s.senders(), s.flows(),
                s.bytes() > 0 ? s.bytes() + " bytes each" : "for " + Units.formatTime(s.duration()), s.seed()));
        sb.append(String.format(Locale.ROOT, "bottleneck: %s, %s one-way, queue %d octets, loss %s, reorder %s,"
                        + " duplicate %s, corrupt %s, jitter %s%n", Units.formatRate(s.rate()), Units.formatTime(s.delay()),
                s.queueBytes(), Units.formatProbability(s.loss()), Units.formatProbability(s.reorder()),
                Units.formatProbability(s.duplicate()), Units.formatProbability(s.corrupt()),
                Units.formatTime(s.jitter())));
        sb.append(String.format(Locale.ROOT, "virtual time: %.3f s%n", endNanos / 1e9));
        sb.append(FlowResult.tableHeader()).append('\n');
        long bytes = 0;
        long retrans = 0;
        for (FlowResult f : flows) {
            sb.append(f.tableRow()).append('\n');
            bytes += f.bytesReceived();
            retrans += f.retransmissions();
        }
        double seconds = endNanos / 1e9;
        sb.append(String.format(Locale.ROOT, "total: %d bytes, %s aggregate goodput, %d retransmissions%n", bytes,
                Units.formatRate(seconds > 0 ? bytes * 8 / seconds : 0), retrans));
        return sb.toString().replace("\r\n", "\n");
    }
}
