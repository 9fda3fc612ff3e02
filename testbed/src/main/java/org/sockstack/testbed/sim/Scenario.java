package org.sockstack.testbed.sim;

import org.sockstack.drivers.sim.LinkConfig;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One experiment on the simulated network: the topology, the bottleneck link, the flows and how
 * long to run. Everything that could vary is here, including the seed, so a scenario run twice
 * writes the same bytes.
 *
 * <p>The impairments (loss, reordering, duplication, corruption, jitter) apply to the data
 * direction of the bottleneck (towards the receiver); the ACK direction has the same rate and
 * delay but no impairments, like a netem qdisc on the sender's side of the bottleneck.
 *
 * @param topology           pair or dumbbell
 * @param senders            sender hosts (1 for the pair)
 * @param flows              TCP connections; flow i starts on sender {@code i mod senders}
 * @param rate               bottleneck rate, bits per second
 * @param delay              bottleneck one-way propagation delay
 * @param queueBytes         bottleneck transmit queue (tail drop)
 * @param accessRate         rate of the senders' access links (dumbbell)
 * @param accessDelay        one-way delay of the access links (dumbbell)
 * @param loss               probability a data-direction frame is lost
 * @param reorder            probability a data-direction frame is held back by {@code reorderDelay}
 * @param reorderDelay       how long a reordered frame is held back
 * @param duplicate          probability a data-direction frame arrives twice
 * @param corrupt            probability one bit of a data-direction frame is flipped
 * @param jitter             uniform extra delay in [0, jitter] (never reorders by itself)
 * @param congestionControls algorithm per sender, cycled ({@link CongestionControls}); empty = the stack's default
 * @param seed               seed of the network and of the stacks
 * @param duration           virtual time to run; with {@code bytes} > 0, the limit
 * @param bytes              octets each flow sends before closing (0 = send until {@code duration})
 * @param sampleInterval     virtual time between two rows of the per-flow CSV
 * @param stagger            flow i starts at {@code i * stagger}
 * @param snapLength         octets of each frame kept in the captures
 * @param ladderPackets      frames drawn in the ladder diagram
 */
public record Scenario(Topology topology, int senders, int flows, long rate, Duration delay, int queueBytes,
                       long accessRate, Duration accessDelay, double loss, double reorder, Duration reorderDelay,
                       double duplicate, double corrupt, Duration jitter, List<String> congestionControls,
                       long seed, Duration duration, long bytes, Duration sampleInterval, Duration stagger,
                       int snapLength, int ladderPackets) {

    public static final int MAX_SENDERS = 64;
    public static final int MAX_FLOWS = 256;

    public Scenario {
        Objects.requireNonNull(topology, "topology");
        congestionControls = List.copyOf(congestionControls);
        require(senders >= 1 && senders <= MAX_SENDERS, "senders must be 1.." + MAX_SENDERS + ": " + senders);
        require(topology == Topology.DUMBBELL || senders == 1, "the pair topology has one sender; use --topology dumbbell");
        require(flows >= 1 && flows <= MAX_FLOWS, "flows must be 1.." + MAX_FLOWS + ": " + flows);
        require(rate > 0 && accessRate > 0, "rates must be positive");
        require(queueBytes >= 1500, "the queue must hold at least one full frame (1500 octets): " + queueBytes);
        require(reorder == 0 || reorderDelay.toNanos() > 0, "reordering needs a reorder delay above 0");
        require(duration.toNanos() > 0, "duration must be positive");
        require(bytes >= 0, "bytes must not be negative");
        require(sampleInterval.toNanos() >= 100_000, "the sample interval must be at least 100us");
        require(snapLength >= 64 && snapLength <= 262_144, "snap length must be 64..262144: " + snapLength);
        require(ladderPackets >= 1 && ladderPackets <= 500, "ladder packets must be 1..500: " + ladderPackets);
        for (String cc : congestionControls) {
            require(CongestionControls.isKnown(cc), "unknown congestion control '" + cc + "' (known: "
                    + String.join(", ", CongestionControls.NAMES) + ")");
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** A scenario with the defaults: two hosts, 10 Mbit/s, 10 ms, one flow of 1 MB, seed 1. */
    public static Builder builder() {
        return new Builder();
    }

    /** The algorithm of sender {@code index}, or null for the stack's default. */
    public String congestionControlOf(int senderIndex) {
        return congestionControls.isEmpty() ? null : congestionControls.get(senderIndex % congestionControls.size());
    }

    /** The bottleneck in the data direction: rate, queue, delay and every impairment. */
    public LinkConfig bottleneckForward() {
        LinkConfig.Builder b = LinkConfig.builder().rate(rate).queueLimit(queueBytes).propagationDelay(delay)
                .jitter(jitter).loss(loss).duplicate(duplicate).corrupt(corrupt);
        if (reorder > 0) {
            b.reorder(reorder, reorderDelay);
        }
        return b.build();
    }

    /** The bottleneck in the ACK direction: the same rate, queue and delay, no impairment. */
    public LinkConfig bottleneckReverse() {
        return LinkConfig.builder().rate(rate).queueLimit(queueBytes).propagationDelay(delay).build();
    }

    /** A sender's access link to the switch (dumbbell). */
    public LinkConfig access() {
        return LinkConfig.builder().rate(accessRate).propagationDelay(accessDelay).build();
    }

    /** Builds a {@link Scenario}; unset values keep the defaults. */
    public static final class Builder {
        private Topology topology = Topology.PAIR;
        private int senders = 1;
        private int flows = 1;
        private long rate = 10_000_000L;
        private Duration delay = Duration.ofMillis(10);
        private int queueBytes = LinkConfig.DEFAULT_QUEUE_LIMIT_BYTES;
        private long accessRate = 1_000_000_000L;
        private Duration accessDelay = Duration.ofMillis(1);
        private double loss;
        private double reorder;
        private Duration reorderDelay = Duration.ofMillis(5);
        private double duplicate;
        private double corrupt;
        private Duration jitter = Duration.ZERO;
        private List<String> congestionControls = List.of();
        private long seed = 1;
        private Duration duration = Duration.ofSeconds(60);
        private long bytes = 1_000_000L;
        private Duration sampleInterval = Duration.ofMillis(10);
        private Duration stagger = Duration.ZERO;
        private int snapLength = 262_144;
        private int ladderPackets = 20;

        private Builder() {
        }

        public Builder topology(Topology t) {
            topology = t;
            return this;
        }

        public Builder senders(int n) {
            senders = n;
            return this;
        }

        public Builder flows(int n) {
            flows = n;
            return this;
        }

        public Builder rate(long bitsPerSecond) {
            rate = bitsPerSecond;
            return this;
        }

        public Builder delay(Duration d) {
            delay = d;
            return this;
        }

        public Builder queueBytes(int b) {
            queueBytes = b;
            return this;
        }

        public Builder accessRate(long bitsPerSecond) {
            accessRate = bitsPerSecond;
            return this;
        }

        public Builder accessDelay(Duration d) {
            accessDelay = d;
            return this;
        }

        public Builder loss(double p) {
            loss = p;
            return this;
        }

        public Builder reorder(double p, Duration extraDelay) {
            reorder = p;
            reorderDelay = extraDelay;
            return this;
        }

        public Builder duplicate(double p) {
            duplicate = p;
            return this;
        }

        public Builder corrupt(double p) {
            corrupt = p;
            return this;
        }

        public Builder jitter(Duration d) {
            jitter = d;
            return this;
        }

        public Builder congestionControls(List<String> names) {
            congestionControls = names;
            return this;
        }

        public Builder seed(long s) {
            seed = s;
            return this;
        }

        public Builder duration(Duration d) {
            duration = d;
            return this;
        }

        public Builder bytes(long b) {
            bytes = b;
            return this;
        }

        public Builder sampleInterval(Duration d) {
            sampleInterval = d;
            return this;
        }

        public Builder stagger(Duration d) {
            stagger = d;
            return this;
        }

        public Builder snapLength(int n) {
            snapLength = n;
            return this;
        }

        public Builder ladderPackets(int n) {
            ladderPackets = n;
            return this;
        }

        public Scenario build() {
            return new Scenario(topology, senders, flows, rate, delay, queueBytes, accessRate, accessDelay, loss,
                    reorder, reorderDelay, duplicate, corrupt, jitter, congestionControls, seed, duration, bytes,
                    sampleInterval, stagger, snapLength, ladderPackets);
        }
    }
}
