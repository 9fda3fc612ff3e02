package org.sockstack.drivers.sim;

import io.netty.buffer.ByteBuf;
import org.sockstack.drivers.fault.FateCounters;
import org.sockstack.drivers.fault.Impairer;
import org.sockstack.stack.wire.EtherType;
import org.sockstack.stack.wire.EthernetFrame;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The standard {@link LinkModel}: a transmitter with a bit rate and a byte-bounded FIFO queue,
 * then a wire with propagation delay and the {@link org.sockstack.drivers.fault.Impairments}.
 *
 * <p>The life of a frame, in order:
 * <ol>
 *   <li>MTU: a frame whose Ethernet payload exceeds the MTU is dropped ({@code drop.oversize});</li>
 *   <li>queue: if the bytes still waiting for the transmitter plus this frame exceed the limit,
 *       it is tail-dropped ({@code drop.queue});</li>
 *   <li>serialization: it starts when the transmitter is free and takes
 *       {@code ceil((length + overhead) * 8 * 10^9 / rate)} ns;</li>
 *   <li>on the wire (it used the transmitter time even if it dies now): lost, corrupted
 *       (one bit flipped), duplicated, reordered;</li>
 *   <li>arrival: end of serialization + propagation delay + jitter (never overtaking an earlier
 *       frame), or later by the reorder delay for a reordered frame.</li>
 * </ol>
 *
 * <p>The queue is bookkeeping only: frames go to the {@link LinkModel.Delivery} at once with
 * their arrival time, and the model remembers when each queued frame leaves the transmitter.
 */
public final class ImpairedLinkModel implements LinkModel {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final LinkConfig config;
    private final Impairer impairer;
    private final FateCounters fates;

    /** When the transmitter finishes the last frame admitted. */
    private long busyUntil = Long.MIN_VALUE;
    /** Frames admitted but not yet fully serialized: a ring of (end time, size). */
    private long[] queueEnds = new long[64];
    private int[] queueSizes = new int[64];
    private int queueHead;
    private int queueCount;
    private int queuedBytes;

    public ImpairedLinkModel(LinkConfig config, RandomGenerator random, FateCounters fates) {
        this.config = Objects.requireNonNull(config);
        this.impairer = new Impairer(config.impairments(), random);
        this.fates = Objects.requireNonNull(fates);
    }

    public LinkConfig config() {
        return config;
    }

    @Override
    public FateCounters fates() {
        return fates;
    }

    @Override
    public boolean send(long now, ByteBuf frame, Delivery out) {
        fates.countOffered();
        if (config.mtu() > 0 && ethernetPayloadLength(frame) > config.mtu()) {
            fates.countOversize();
            frame.release();
            return false;
        }
        long serialized = now;
        if (config.rateBitsPerSecond() > 0) {
            serialized = enqueue(now, frame.readableBytes());
            if (serialized == Long.MIN_VALUE) {
                fates.countQueueDrop();
                frame.release();
                return false;
            }
        }
        onTheWire(serialized, frame, out);
        return true;
    }

    /** The wire's fates for a frame whose last bit left the transmitter at {@code serialized}. */
    private void onTheWire(long serialized, ByteBuf frame, Delivery out) {
        if (impairer.lose()) {
            fates.countLoss();
            frame.release();
            return;
        }
        if (impairer.corrupt()) {
            fates.countCorrupted();
            frame = impairer.flipRandomBit(frame);
        }
        ByteBuf duplicate = null;
        if (impairer.duplicate()) {
            fates.countDuplicated();
            duplicate = Impairer.copyOf(frame);
        }
        boolean reordered = impairer.reorder();
        if (reordered) {
            fates.countReordered();
        }
        long arrival = impairer.releaseTime(serialized, reordered);
        out.deliverAt(arrival, frame);
        if (duplicate != null) {
            out.deliverAt(arrival, duplicate);
        }
    }

    /**
     * Admits {@code length} bytes to the transmit queue at {@code now}.
     *
     * @return when the frame's last bit is sent, or {@link Long#MIN_VALUE} if the queue is full
     */
    private long enqueue(long now, int length) {
        drainSent(now);
        int accounted = Math.max(length, 1);
        if ((long) queuedBytes + accounted > config.queueLimitBytes()) {
            return Long.MIN_VALUE;
        }
        long start = Math.max(now, busyUntil);
        long end = start + serializationNanos(length + config.overheadBytes());
        busyUntil = end;
        push(end, accounted);
        return end;
    }

    /** Wire time of {@code bytes} at the configured rate, rounded up to whole nanoseconds. */
    long serializationNanos(int bytes) {
        return Math.ceilDiv(bytes * 8L * NANOS_PER_SECOND, config.rateBitsPerSecond());
    }

    @Override
    public int queuedBytes(long now) {
        drainSent(now);
        return queuedBytes;
    }

    /** Forgets the frames whose serialization has ended by {@code now}. */
    private void drainSent(long now) {
        while (queueCount > 0 && queueEnds[queueHead] <= now) {
            queuedBytes -= queueSizes[queueHead];
            queueHead = (queueHead + 1) & (queueEnds.length - 1);
            queueCount--;
        }
    }

    private void push(long end, int size) {
        if (queueCount == queueEnds.length) {
            grow();
        }
        int tail = (queueHead + queueCount) & (queueEnds.length - 1);
        queueEnds[tail] = end;
        queueSizes[tail] = size;
        queueCount++;
        queuedBytes += size;
    }

    private void grow() {
        int n = queueEnds.length;
        long[] ends = new long[n * 2];
        int[] sizes = new int[n * 2];
        for (int i = 0; i < queueCount; i++) {
            ends[i] = queueEnds[(queueHead + i) & (n - 1)];
            sizes[i] = queueSizes[(queueHead + i) & (n - 1)];
        }
        queueEnds = ends;
        queueSizes = sizes;
        queueHead = 0;
    }

    /** The Ethernet payload length (after one 802.1Q/802.1ad tag if present); whole length if shorter than a header. */
    private static int ethernetPayloadLength(ByteBuf frame) {
        int length = frame.readableBytes();
        if (length < EthernetFrame.HEADER_LENGTH) {
            return length;
        }
        int type = frame.getUnsignedShort(frame.readerIndex() + 12);
        boolean tagged = type == EtherType.VLAN || type == EtherType.QINQ;
        return length - EthernetFrame.HEADER_LENGTH - (tagged ? EthernetFrame.VLAN_TAG_LENGTH : 0);
    }

    @Override
    public String toString() {
        return "ImpairedLinkModel[" + config + "]";
    }
}
