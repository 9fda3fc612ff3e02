package org.sockstack.drivers.capture;

import io.netty.buffer.ByteBuf;
import org.sockstack.stack.device.Device;
import org.sockstack.stack.device.ForwardingDevice;
import org.sockstack.stack.device.FrameSink;
import org.sockstack.stack.loop.Clock;

import java.io.IOException;
import java.time.Instant;
import java.util.Objects;

/**
 * A decorator that records every frame a {@link Device} receives and transmits to a
 * {@link CaptureWriter}, like {@code tcpdump -w} on the interface. Received frames are written
 * as INBOUND, transmitted ones as OUTBOUND (pcapng keeps the direction in {@code epb_flags}).
 *
 * <p>Time: the stack's {@link Clock} is monotonic and may be virtual, while capture files hold
 * wall-clock time. A frame's timestamp is {@code wallBase + (clock.nanos() - clockBase)}, where
 * {@code clockBase} is the clock when the decorator was made. With a fixed {@code wallBase} a
 * simulation on virtual time writes the same file on every run.
 *
 * <p>Buffers: frames pass through unchanged, in both directions; the writer copies their bytes
 * and never releases or retains them. A received frame is written before the sink gets it (the
 * sink owns it from then on); a transmitted one before the inner device takes it.
 *
 * <p>Errors: a failing write never reaches the event loop. It is counted, the capture stops (the
 * writer is closed) and {@link #failure()} tells why; frames keep flowing.
 */
public final class CaptureDevice extends ForwardingDevice {
    private final CaptureWriter writer;
    private final Clock clock;
    private final long clockBase;
    private final long wallBaseNanos;
    private final CapturingSink capturingSink = new CapturingSink();
    private boolean capturing = true;
    private long framesCaptured;
    private long captureErrors;
    private volatile Exception failure;

    /**
     * @param inner         the device whose frames are recorded (closed with this one)
     * @param writer        where frames go (closed with this one, or when a write fails)
     * @param clock         the stack's clock
     * @param wallBaseNanos the wall-clock time, in nanoseconds since 1970, that the clock's
     *                      current reading stands for
     */
    public CaptureDevice(Device inner, CaptureWriter writer, Clock clock, long wallBaseNanos) {
        super(inner);
        this.writer = Objects.requireNonNull(writer);
        this.clock = Objects.requireNonNull(clock);
        this.clockBase = clock.nanos();
        this.wallBaseNanos = wallBaseNanos;
    }

    /** A capture whose timestamps start at the current wall-clock time. */
    public static CaptureDevice startingNow(Device inner, CaptureWriter writer, Clock clock) {
        Instant now = Instant.now();
        return new CaptureDevice(inner, writer, clock, now.getEpochSecond() * 1_000_000_000L + now.getNano());
    }

    /** The wall-clock time (nanoseconds since 1970) that the clock reading {@code clockNanos} stands for. */
    public long wallTime(long clockNanos) {
        return wallBaseNanos + (clockNanos - clockBase);
    }

    @Override
    public int receive(int maxFrames, FrameSink sink) {
        if (!capturing) {
            return inner.receive(maxFrames, sink);
        }
        capturingSink.downstream = sink;
        try {
            return inner.receive(maxFrames, capturingSink);
        } finally {
            capturingSink.downstream = null;
        }
    }

    @Override
    public boolean transmit(ByteBuf frame) {
        record(frame, FrameDirection.OUTBOUND);
        return inner.transmit(frame);
    }

    /** A TSO super-frame is recorded as the stack built it (as tcpdump shows it on a TSO NIC). */
    @Override
    public boolean transmit(ByteBuf frame, int segmentSize) {
        record(frame, FrameDirection.OUTBOUND);
        return inner.transmit(frame, segmentSize);
    }

    private void record(ByteBuf frame, FrameDirection direction) {
        if (!capturing) {
            return;
        }
        try {
            writer.write(wallTime(clock.nanos()), frame, direction, null);
            framesCaptured++;
        } catch (IOException | RuntimeException e) {
            captureErrors++;
            stop(e);
        }
    }

    /** Passes received frames on after writing them; one instance, reused for every batch. */
    private final class CapturingSink implements FrameSink {
        FrameSink downstream;

        @Override
        public void accept(ByteBuf frame) {
            record(frame, FrameDirection.INBOUND);
            downstream.accept(frame);
        }

        @Override
        public void accept(ByteBuf frame, int rxFlags) {
            record(frame, FrameDirection.INBOUND);
            downstream.accept(frame, rxFlags);
        }
    }

    /** Stops capturing and closes the writer; frames keep flowing. Event loop thread only. */
    public void stopCapture() {
        stop(null);
    }

    private void stop(Exception cause) {
        if (!capturing) {
            return;
        }
        capturing = false;
        if (cause != null) {
            failure = cause;
        }
        try {
            writer.close();
        } catch (IOException e) {
            captureErrors++;
            if (failure == null) {
                failure = e;
            }
        }
    }

    /** Pushes buffered capture data to the file (the writer buffers; the file may lag otherwise). */
    public void flushCapture() {
        if (!capturing) {
            return;
        }
        try {
            writer.flush();
        } catch (IOException e) {
            captureErrors++;
            stop(e);
        }
    }

    public boolean isCapturing() {
        return capturing;
    }

    public long framesCaptured() {
        return framesCaptured;
    }

    /** Writes (and closes) that failed; the first one stopped the capture. */
    public long captureErrors() {
        return captureErrors;
    }

    /** Why the capture stopped, or null while it runs or after a clean stop. */
    public Exception failure() {
        return failure;
    }

    @Override
    public void flush() {
        inner.flush();
    }

    @Override
    public void setReadyListener(Runnable listener) {
        inner.setReadyListener(listener);
    }

    /** Closes the inner device, then the capture file. */
    @Override
    public void close() {
        try {
            inner.close();
        } finally {
            stop(null);
        }
    }

    @Override
    public String toString() {
        return "CaptureDevice[" + inner + " -> " + writer.format() + "]";
    }
}
