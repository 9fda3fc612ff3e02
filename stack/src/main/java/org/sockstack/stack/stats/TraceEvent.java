package org.sockstack.stack.stats;

/**
 * One line of a stack's event trace: a drop and its reason, a state change, a timer firing.
 *
 * @param time    the stack's clock when it happened (nanoseconds)
 * @param kind    what sort of event
 * @param layer   the protocol or component, e.g. {@code tcp}, {@code arp}, {@code tap0}
 * @param message human-readable detail
 */
public record TraceEvent(long time, Kind kind, String layer, String message) {

    public enum Kind {
        /** Input discarded; the message names the reason (the same as the drop counter's). */
        DROP,
        /** A protocol state machine changed state. */
        STATE,
        /** A protocol timer fired. */
        TIMER,
        /** A frame or packet passed through (used by packet tracing). */
        PACKET,
        /** Anything else worth telling. */
        INFO
    }

    @Override
    public String toString() {
        return String.format("%d.%06d %-6s %-6s %s", time / 1_000_000_000L, (time / 1000) % 1_000_000,
                kind, layer, message);
    }
}
