package org.sockstack.drivers.fault;

import io.netty.buffer.ByteBuf;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Draws the fates of {@link Impairments} for one direction, frame by frame, from one seeded
 * {@link RandomGenerator}. The draws happen in a fixed order (loss, corruption, duplication,
 * reordering, jitter) and only when the matching impairment is configured, so the same seed and
 * the same frames always give the same fates.
 *
 * <p>It also remembers the latest in-order release time, so that jitter never lets a frame
 * overtake an earlier one; only frames picked for reordering escape that rule.
 *
 * <p>Not thread-safe: one direction, one owner.
 */
public final class Impairer {
    private final Impairments config;
    private final RandomGenerator random;
    /** Gilbert-Elliott state: true while the chain is in the Bad state. */
    private boolean bad;
    /** Release time of the latest frame that was not reordered. */
    private long lastInOrder = Long.MIN_VALUE;

    public Impairer(Impairments config, RandomGenerator random) {
        this.config = Objects.requireNonNull(config);
        this.random = Objects.requireNonNull(random);
    }

    public Impairments config() {
        return config;
    }

    /** Decides whether the next frame is lost (advancing the burst-loss chain if there is one). */
    public boolean lose() {
        GilbertElliott ge = config.burstLoss();
        if (ge != null) {
            bad = bad ? !chance(ge.r()) : chance(ge.p());
            return chance(bad ? ge.lossBad() : ge.lossGood());
        }
        return chance(config.lossProbability());
    }

    public boolean corrupt() {
        return chance(config.corruptProbability());
    }

    public boolean duplicate() {
        return chance(config.duplicateProbability());
    }

    public boolean reorder() {
        return chance(config.reorderProbability());
    }

    /**
     * When a frame that is ready at {@code readyAt} comes out of the far end: after the delay and
     * a jitter draw; never before an earlier in-order frame unless {@code reordered}, in which
     * case it is held back by the reorder delay instead.
     */
    public long releaseTime(long readyAt, boolean reordered) {
        long t = readyAt + config.delayNanos();
        if (config.jitterNanos() > 0) {
            t += random.nextLong(config.jitterNanos() + 1);
        }
        if (reordered) {
            return t + config.reorderDelayNanos();
        }
        t = Math.max(t, lastInOrder);
        lastInOrder = t;
        return t;
    }

    /**
     * A copy of {@code frame} with one random bit of its readable bytes flipped; {@code frame} is
     * released. The copy protects senders that still share the original's memory. An empty frame
     * is returned unchanged.
     */
    public ByteBuf flipRandomBit(ByteBuf frame) {
        int length = frame.readableBytes();
        if (length == 0) {
            return frame;
        }
        ByteBuf copy = frame.alloc().buffer(length);
        copy.writeBytes(frame, frame.readerIndex(), length);
        frame.release();
        int bit = random.nextInt(length * 8);
        int index = copy.readerIndex() + (bit >>> 3);
        copy.setByte(index, copy.getByte(index) ^ (1 << (bit & 7)));
        return copy;
    }

    /** A private copy of {@code frame} (the receiver may change it in place); the original is kept. */
    public static ByteBuf copyOf(ByteBuf frame) {
        int length = frame.readableBytes();
        ByteBuf copy = frame.alloc().buffer(length);
        copy.writeBytes(frame, frame.readerIndex(), length);
        return copy;
    }

    private boolean chance(double probability) {
        if (probability <= 0) {
            return false;
        }
        if (probability >= 1) {
            return true;
        }
        return random.nextDouble() < probability;
    }
}
