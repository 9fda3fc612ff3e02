package org.sockstack.drivers.fault;

import org.sockstack.stack.stats.Counter;
import org.sockstack.stack.stats.Counters;

/**
 * What happened to the frames of one direction of a link or a fault-injecting device, one
 * {@link Counter} per fate, registered in a {@link Counters} under a prefix:
 * {@code <prefix>.delivered}, {@code <prefix>.drop.loss}, {@code <prefix>.drop.queue},
 * {@code <prefix>.drop.oversize}, {@code <prefix>.duplicated}, {@code <prefix>.reordered},
 * {@code <prefix>.corrupted}. A duplicated frame counts once as duplicated and twice as delivered.
 */
public final class FateCounters {
    private final String prefix;
    private final Counter offered;
    private final Counter delivered;
    private final Counter droppedLoss;
    private final Counter droppedQueue;
    private final Counter oversize;
    private final Counter duplicated;
    private final Counter reordered;
    private final Counter corrupted;

    public FateCounters(Counters counters, String prefix) {
        this.prefix = prefix;
        this.offered = counters.counter(prefix + ".offered");
        this.delivered = counters.counter(prefix + ".delivered");
        this.droppedLoss = counters.drop(prefix, "loss");
        this.droppedQueue = counters.drop(prefix, "queue");
        this.oversize = counters.drop(prefix, "oversize");
        this.duplicated = counters.counter(prefix + ".duplicated");
        this.reordered = counters.counter(prefix + ".reordered");
        this.corrupted = counters.counter(prefix + ".corrupted");
    }

    public String prefix() {
        return prefix;
    }

    /** Frames that entered (before any fate). */
    public long offered() {
        return offered.get();
    }

    /** Frames (duplicates included) that reached the far side. */
    public long delivered() {
        return delivered.get();
    }

    /** Frames lost at random (independent or burst loss). */
    public long droppedLoss() {
        return droppedLoss.get();
    }

    /** Frames tail-dropped because a queue (or the hold of delayed frames) was full. */
    public long droppedQueue() {
        return droppedQueue.get();
    }

    /** Frames dropped because they exceeded the MTU. */
    public long oversize() {
        return oversize.get();
    }

    public long duplicated() {
        return duplicated.get();
    }

    public long reordered() {
        return reordered.get();
    }

    public long corrupted() {
        return corrupted.get();
    }

    // The counting methods are public for the simulator package; protocol code never calls them.

    public void countOffered() {
        offered.increment();
    }

    public void countDelivered() {
        delivered.increment();
    }

    public void countLoss() {
        droppedLoss.increment();
    }

    public void countQueueDrop() {
        droppedQueue.increment();
    }

    public void countOversize() {
        oversize.increment();
    }

    public void countDuplicated() {
        duplicated.increment();
    }

    public void countReordered() {
        reordered.increment();
    }

    public void countCorrupted() {
        corrupted.increment();
    }

    @Override
    public String toString() {
        return prefix + "[offered=" + offered() + " delivered=" + delivered() + " loss=" + droppedLoss()
                + " queue=" + droppedQueue() + " oversize=" + oversize() + " duplicated=" + duplicated()
                + " reordered=" + reordered() + " corrupted=" + corrupted() + "]";
    }
}
