package org.sockstack.testbed.control;

import org.sockstack.stack.Stack;
import org.sockstack.stack.stats.TraceEvent;
import org.sockstack.stack.tcp.TcpInfo;

import java.util.List;
import java.util.Map;

/**
 * The text views of a running stack, as {@code ss}, {@code netstat -s} and a trace ring would show
 * them. Every method reads protocol state, so it runs on the stack's event loop (DESIGN rule 4).
 */
public final class StackReport {
    private StackReport() {
    }

    /**
     * The TCP connection table like {@code ss -t}: state, receive and send queues, local and peer
     * endpoints; with {@code internals} each connection has a second line like {@code ss -ti}
     * (congestion control, rto, srtt/rttvar, cwnd, ssthresh, bytes in flight, retransmissions,
     * SACKed bytes and out-of-order blocks, buffers), the stack's own {@link TcpInfo} view.
     */
    public static String connections(Stack stack, long now, boolean internals) {
        return connections(stack.tcp().connections(now), internals);
    }

    static String connections(List<TcpInfo> infos, boolean internals) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-12s %7s %7s %-28s %s%n", "State", "Recv-Q", "Send-Q", "Local Address:Port",
                "Peer Address:Port"));
        for (TcpInfo info : infos) {
            sb.append(String.format("%-12s %7d %7d %-28s %s%n", info.state(), info.receiveBuffered(),
                    info.sendBuffered(), info.local(), info.remote()));
            if (internals) {
                String full = info.toString();
                sb.append(full.substring(full.indexOf('\n') + 1)).append('\n');
            }
        }
        return sb.toString();
    }

    /**
     * The stack's non-zero counters like {@code netstat -s}, then the drops grouped by layer with
     * their reasons (every drop counter is {@code LAYER.drop.REASON}, DESIGN rule 6).
     */
    public static String counters(Stack stack) {
        Map<String, Long> all = stack.counters().snapshot(true);
        StringBuilder sb = new StringBuilder();
        all.forEach((name, v) -> sb.append(String.format("%-48s %d%n", name, v)));
        sb.append("drops: ").append(stack.counters().totalDrops()).append(" in all\n");
        all.forEach((name, v) -> {
            int at = name.indexOf(".drop.");
            if (at > 0) {
                sb.append(String.format("  %-10s %-40s %d%n", name.substring(0, at),
                        name.substring(at + ".drop.".length()), v));
            }
        });
        return sb.toString();
    }

    /** The recent events of the trace ring, oldest first (empty while the trace is off). */
    public static String recentTrace(Stack stack) {
        StringBuilder sb = new StringBuilder();
        sb.append("trace ").append(stack.trace().enabled() ? "on" : "off").append('\n');
        for (TraceEvent e : stack.trace().recent()) {
            sb.append(e).append('\n');
        }
        return sb.toString();
    }
}
