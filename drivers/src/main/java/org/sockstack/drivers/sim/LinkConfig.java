package org.sockstack.drivers.sim;

import org.sockstack.drivers.fault.GilbertElliott;
import org.sockstack.drivers.fault.Impairments;

import java.time.Duration;
import java.util.Objects;

/**
 * How one direction of a simulated link behaves. A link has one per direction, so asymmetric
 * paths (a fast downlink and a slow, lossy uplink) are two different configs.
 *
 * <ul>
 *   <li>{@code rateBitsPerSecond}: the transmitter's bit rate; each frame takes
 *       {@code (length + overheadBytes) * 8 / rate} seconds to serialize, one after another
 *       (0 = infinitely fast, no queue);</li>
 *   <li>{@code queueLimitBytes}: the FIFO in front of the transmitter; a frame that does not fit
 *       is tail-dropped and counted ({@code drop.queue});</li>
 *   <li>{@code overheadBytes}: per-frame bytes that take wire time but are not in the buffer
 *       (24 for preamble, start delimiter, FCS and inter-frame gap of real Ethernet; default 0);</li>
 *   <li>{@code mtu}: frames whose Ethernet payload exceeds it are dropped ({@code drop.oversize};
 *       0 = no limit);</li>
 *   <li>{@code impairments}: the propagation delay ({@link Impairments#delayNanos()}), jitter,
 *       loss, burst loss, duplication, reordering and corruption.</li>
 * </ul>
 */
public record LinkConfig(long rateBitsPerSecond, int queueLimitBytes, int overheadBytes, int mtu,
                         Impairments impairments) {
    /** The default transmit queue: 256 KiB, a typical NIC ring plus qdisc. */
    public static final int DEFAULT_QUEUE_LIMIT_BYTES = 256 * 1024;

    /** An ideal cable: no rate limit, no delay, no impairment. */
    public static final LinkConfig IDEAL = builder().build();

    public LinkConfig {
        Objects.requireNonNull(impairments);
        if (rateBitsPerSecond < 0 || queueLimitBytes <= 0 || overheadBytes < 0 || mtu < 0) {
            throw new IllegalArgumentException("bad link config: rate " + rateBitsPerSecond + " queue "
                    + queueLimitBytes + " overhead " + overheadBytes + " mtu " + mtu);
        }
    }

    public long propagationDelayNanos() {
        return impairments.delayNanos();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link LinkConfig}; everything starts ideal. */
    public static final class Builder {
        private long rate;
        private int queueLimit = DEFAULT_QUEUE_LIMIT_BYTES;
        private int overhead;
        private int mtu;
        private Impairments.Builder impairments = Impairments.builder();

        private Builder() {
        }

        /** Bit rate in bits per second (0 = unlimited). */
        public Builder rate(long bitsPerSecond) {
            this.rate = bitsPerSecond;
            return this;
        }

        public Builder queueLimit(int bytes) {
            this.queueLimit = bytes;
            return this;
        }

        public Builder overhead(int bytes) {
            this.overhead = bytes;
            return this;
        }

        public Builder mtu(int mtu) {
            this.mtu = mtu;
            return this;
        }

        public Builder propagationDelay(Duration delay) {
            impairments.delay(delay);
            return this;
        }

        public Builder jitter(Duration jitter) {
            impairments.jitter(jitter);
            return this;
        }

        public Builder loss(double probability) {
            impairments.loss(probability);
            return this;
        }

        public Builder burstLoss(GilbertElliott model) {
            impairments.burstLoss(model);
            return this;
        }

        public Builder duplicate(double probability) {
            impairments.duplicate(probability);
            return this;
        }

        public Builder reorder(double probability, Duration extraDelay) {
            impairments.reorder(probability, extraDelay);
            return this;
        }

        public Builder corrupt(double probability) {
            impairments.corrupt(probability);
            return this;
        }

        /** Replaces every impairment (delay included) with {@code all}. */
        public Builder impairments(Impairments all) {
            impairments = all.toBuilder();
            return this;
        }

        public LinkConfig build() {
            return new LinkConfig(rate, queueLimit, overhead, mtu, impairments.build());
        }
    }
}
