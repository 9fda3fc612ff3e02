package org.sockstack.drivers.capture;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import org.sockstack.stack.device.Device;
import org.sockstack.stack.device.DeviceCapabilities;
import org.sockstack.stack.device.FrameSink;
import org.sockstack.stack.loop.Clock;
import org.sockstack.stack.loop.Pollable;
import org.sockstack.stack.wire.MacAddress;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A device whose received frames come from a capture file: replays recorded traffic into a
 * stack. Frames are delivered in file order; frames of other link types than Ethernet are
 * skipped and counted. What the stack transmits is counted and released.
 *
 * <p>Pacing: unpaced, every frame is available at once. Paced, frame {@code i} becomes
 * available at {@code start + (t_i - t_0)} on the injected {@link Clock}, where {@code start} is
 * the clock when the device was made and {@code t} are the file's timestamps (a frame stamped
 * earlier than its predecessor, or with no timestamp, follows it at once). {@link #nextDeadline}
 * tells an event loop when the next frame is due.
 *
 * <p>A file that turns out truncated or corrupt ends the replay: the frames before the damage
 * are delivered, {@link #failure()} holds the error, nothing is thrown into the loop.
 */
public final class ReplayDevice implements Device, Pollable {
    private final String name;
    private final MacAddress mac;
    private final int mtu;
    private final CaptureReader reader;
    private final Clock clock;
    private final boolean paced;
    private final ByteBufAllocator allocator;
    private final long start;
    private long firstTimestamp = CapturedFrame.NO_TIMESTAMP;
    private CapturedFrame pending;
    private long pendingDue;
    private long lastDue;
    private boolean finished;
    private long delivered;
    private long skipped;
    private long transmitted;
    private volatile IOException failure;
    private volatile Runnable readyListener = () -> { };

    public ReplayDevice(String name, MacAddress mac, int mtu, CaptureReader reader, Clock clock, boolean paced,
                        ByteBufAllocator allocator) {
        this.name = Objects.requireNonNull(name);
        this.mac = Objects.requireNonNull(mac);
        this.mtu = mtu;
        this.reader = Objects.requireNonNull(reader);
        this.clock = Objects.requireNonNull(clock);
        this.paced = paced;
        this.allocator = Objects.requireNonNull(allocator);
        this.start = clock.nanos();
        this.lastDue = start;
    }

    /** Replays {@code file} (pcap or pcapng) with the pooled allocator. */
    public static ReplayDevice open(Path file, String name, MacAddress mac, int mtu, Clock clock, boolean paced)
            throws IOException {
        return new ReplayDevice(name, mac, mtu, CaptureReader.open(file), clock, paced, PooledByteBufAllocator.DEFAULT);
    }

    @Override
    public int receive(int maxFrames, FrameSink sink) {
        int n = 0;
        while (n < maxFrames && peek()) {
            if (paced && pendingDue - clock.nanos() > 0) {
                break;
            }
            byte[] data = pending.data();
            pending = null;
            ByteBuf frame = allocator.buffer(data.length, data.length);
            frame.writeBytes(data);
            delivered++;
            n++;
            sink.accept(frame);
        }
        return n;
    }

    /** Reads ahead one Ethernet frame into {@code pending}; false once the file is done. */
    private boolean peek() {
        while (pending == null && !finished) {
            CapturedFrame f;
            try {
                f = reader.next();
            } catch (IOException e) {
                failure = e;
                f = null;
            }
            if (f == null) {
                finish();
            } else if (f.linkType() != CaptureOptions.LINKTYPE_ETHERNET) {
                skipped++;
            } else {
                pending = f;
                pendingDue = dueTime(f);
            }
        }
        return pending != null;
    }

    /** When a frame becomes available: its offset from the first frame, never before its predecessor. */
    private long dueTime(CapturedFrame f) {
        long due = lastDue;
        if (f.hasTimestamp()) {
            if (firstTimestamp == CapturedFrame.NO_TIMESTAMP) {
                firstTimestamp = f.timestampNanos();
            }
            due = Math.max(due, start + (f.timestampNanos() - firstTimestamp));
        }
        lastDue = due;
        return due;
    }

    private void finish() {
        finished = true;
        try {
            reader.close();
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            }
        }
    }

    /** The clock instant the next frame is due ({@code now}-independent), or Long.MAX_VALUE at the end. */
    public long nextFrameDue() {
        if (!peek()) {
            return Long.MAX_VALUE;
        }
        return paced ? pendingDue : clock.nanos();
    }

    /** Signals the ready listener when a frame is due; the stack's own poll then receives it. */
    @Override
    public boolean poll(long now) {
        if (peek() && (!paced || pendingDue - now <= 0)) {
            readyListener.run();
        }
        return false;
    }

    @Override
    public long nextDeadline(long now) {
        return nextFrameDue();
    }

    /** True when every frame has been delivered (or the file failed). */
    public boolean isFinished() {
        return !peek();
    }

    public long framesDelivered() {
        return delivered;
    }

    /** Frames of a link type other than Ethernet, not delivered. */
    public long framesSkipped() {
        return skipped;
    }

    public long framesTransmitted() {
        return transmitted;
    }

    /** Why the replay ended early, or null. */
    public IOException failure() {
        return failure;
    }

    /** Counts and releases the frame: a replay has no wire to send to. */
    @Override
    public boolean transmit(ByteBuf frame) {
        transmitted++;
        frame.release();
        return true;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public MacAddress macAddress() {
        return mac;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public DeviceCapabilities capabilities() {
        return DeviceCapabilities.NONE;
    }

    @Override
    public ByteBufAllocator allocator() {
        return allocator;
    }

    @Override
    public void setReadyListener(Runnable listener) {
        this.readyListener = Objects.requireNonNull(listener);
    }

    @Override
    public void close() {
        pending = null;
        if (!finished) {
            finish();
        }
    }

    @Override
    public String toString() {
        return "ReplayDevice[" + name + " " + reader.format() + "]";
    }
}
