package org.sockstack.testbed.sim;

/** The shapes of network a scenario can build. */
public enum Topology {
    /**
     * Two hosts on one cable: {@code a} (192.0.2.1) sends to {@code b} (192.0.2.2). The cable is
     * the bottleneck: it has the scenario's rate, delay and impairments.
     */
    PAIR,
    /**
     * The dumbbell: senders {@code s1..sN} (192.0.2.1..N) on fast access links to a switch, and
     * one receiver {@code r} (192.0.2.100) behind the switch on the bottleneck link, where the
     * flows compete for the rate and share the switch's queue.
     */
    DUMBBELL
}
