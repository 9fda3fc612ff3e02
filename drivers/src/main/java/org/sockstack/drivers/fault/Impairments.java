package org.sockstack.drivers.fault;

import java.time.Duration;

/**
 * What can go wrong with a frame on its way: the fates shared by the simulated links
 * ({@code org.sockstack.drivers.sim}) and by {@link FaultInjectingDevice}. Immutable; build one
 * with {@link #builder()}.
 *
 * <ul>
 *   <li>loss: each frame is dropped with {@code lossProbability}, or by the
 *       {@link GilbertElliott} chain when {@code burstLoss} is set (then it replaces the former);</li>
 *   <li>corruption: with {@code corruptProbability} one random bit of the frame is flipped;</li>
 *   <li>duplication: with {@code duplicateProbability} the frame arrives twice;</li>
 *   <li>delay: every frame is held {@code delayNanos} plus a uniform jitter in
 *       {@code [0, jitterNanos]}; jitter never reorders frames (a frame never overtakes an
 *       earlier one)...</li>
 *   <li>... unless reordering is asked for: with {@code reorderProbability} a frame is held back
 *       by an extra {@code reorderDelayNanos}, letting the frames behind it overtake it.</li>
 * </ul>
 */
public record Impairments(
        double lossProbability,
        GilbertElliott burstLoss,
        double corruptProbability,
        double duplicateProbability,
        long delayNanos,
        long jitterNanos,
        double reorderProbability,
        long reorderDelayNanos) {

    /** A perfect path: nothing lost, nothing delayed. */
    public static final Impairments NONE = new Impairments(0, null, 0, 0, 0, 0, 0, 0);

    public Impairments {
        checkProbability("lossProbability", lossProbability);
        checkProbability("corruptProbability", corruptProbability);
        checkProbability("duplicateProbability", duplicateProbability);
        checkProbability("reorderProbability", reorderProbability);
        if (delayNanos < 0 || jitterNanos < 0 || reorderDelayNanos < 0) {
            throw new IllegalArgumentException("delays must not be negative");
        }
        if (reorderProbability > 0 && reorderDelayNanos == 0) {
            throw new IllegalArgumentException("reordering needs a reorder delay greater than zero");
        }
    }

    static void checkProbability(String name, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1]: " + p);
        }
    }

    /** True when no frame is ever lost, changed, copied or delayed. */
    public boolean isNone() {
        return lossProbability == 0 && burstLoss == null && corruptProbability == 0
                && duplicateProbability == 0 && delayNanos == 0 && jitterNanos == 0 && reorderProbability == 0;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.loss = lossProbability;
        b.burstLoss = burstLoss;
        b.corrupt = corruptProbability;
        b.duplicate = duplicateProbability;
        b.delay = delayNanos;
        b.jitter = jitterNanos;
        b.reorder = reorderProbability;
        b.reorderDelay = reorderDelayNanos;
        return b;
    }

    /** Builds {@link Impairments}; every setting starts at "no impairment". */
    public static final class Builder {
        private double loss;
        private GilbertElliott burstLoss;
        private double corrupt;
        private double duplicate;
        private long delay;
        private long jitter;
        private double reorder;
        private long reorderDelay;

        private Builder() {
        }

        public Builder loss(double probability) {
            this.loss = probability;
            return this;
        }

        /** Burst loss; replaces the independent loss probability. */
        public Builder burstLoss(GilbertElliott model) {
            this.burstLoss = model;
            return this;
        }

        public Builder corrupt(double probability) {
            this.corrupt = probability;
            return this;
        }

        public Builder duplicate(double probability) {
            this.duplicate = probability;
            return this;
        }

        public Builder delay(Duration delay) {
            this.delay = delay.toNanos();
            return this;
        }

        public Builder jitter(Duration jitter) {
            this.jitter = jitter.toNanos();
            return this;
        }

        /** Holds a share {@code probability} of the frames back by an extra {@code extraDelay}. */
        public Builder reorder(double probability, Duration extraDelay) {
            this.reorder = probability;
            this.reorderDelay = extraDelay.toNanos();
            return this;
        }

        public Impairments build() {
            return new Impairments(loss, burstLoss, corrupt, duplicate, delay, jitter, reorder, reorderDelay);
        }
    }
}
