package org.sockstack.stack.tcp;

/**
 * A congestion-control algorithm (RFC 5681 and its successors), one implementation per file
 * (DESIGN rule 9): {@link Cubic} (the default) and {@link NewReno}. The connection detects loss
 * (duplicate ACKs, partial ACKs, timeouts: RFC 5681/6582 without SACK, RFC 6675 with it) and
 * tells the algorithm through these events; the algorithm owns {@code cwnd} and {@code ssthresh},
 * in octets. {@link #named} maps a configuration name to a factory.
 */
public interface CongestionControl {

    /** Creates the algorithm for a new connection. */
    @FunctionalInterface
    interface Factory {
        CongestionControl create();
    }

    /** The factory for {@code "cubic"} or {@code "newreno"} (case-insensitive); null for an unknown name. */
    static Factory named(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "cubic" -> Cubic::new;
            case "newreno", "reno" -> NewReno::new;
            default -> null;
        };
    }

    /** A short name for {@code ss -ti}-style output, e.g. {@code "newreno"}. */
    String name();

    /** Called once when the connection is established, with the sender MSS (SMSS). */
    void init(int smss, int initialWindowSegments, long now);

    int cwnd();

    int ssthresh();

    /** New data was cumulatively acknowledged outside loss recovery (slow start / avoidance). */
    void onAck(int ackedBytes, int flightSize, long now);

    /** The third duplicate ACK: loss recovery begins (RFC 5681 3.2 steps 2-3, RFC 6582 3.2 step 3). */
    void onEnterRecovery(int flightSize, long now);

    /**
     * SACK-based loss recovery begins (RFC 6675 section 5 step 4.2): the multiplicative decrease,
     * {@code cwnd = ssthresh}, without the Reno inflation (the sender counts the pipe instead).
     */
    void onEnterSackRecovery(int flightSize, long now);

    /** A new RTT measurement (nanoseconds); algorithms that need the RTT (CUBIC) keep it. */
    default void onRttSample(long rtt, long now) {
    }

    /** A further duplicate ACK during recovery (RFC 5681 3.2 step 4: inflate). */
    void onDupAckInRecovery(long now);

    /** A partial ACK during recovery (RFC 6582 3.2 step 5: deflate by the amount acked). */
    void onPartialAck(int ackedBytes, long now);

    /** A full ACK ended recovery (RFC 6582 3.2 step 4). */
    void onExitRecovery(int flightSize, long now);

    /** The retransmission timer expired (RFC 5681 3.1 equation 4: loss window). */
    void onRetransmissionTimeout(int flightSize, long now);
}
