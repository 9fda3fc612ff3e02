package org.sockstack.stack.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.sockstack.stack.Stack;
import org.sockstack.stack.StackConfig;
import org.sockstack.stack.device.ChannelDevice;
import org.sockstack.stack.device.Device;
import org.sockstack.stack.device.DeviceCapabilities;
import org.sockstack.stack.device.FrameSink;
import org.sockstack.stack.loop.EventLoop;
import org.sockstack.stack.loop.ManualClock;
import org.sockstack.stack.wire.EtherType;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.MacAddress;

import java.util.function.BooleanSupplier;

/**
 * Two stacks joined by a {@link ChannelDevice#pair}, each on its own event loop, sharing one
 * manual clock. {@link #runUntil} drives both loops and advances virtual time to the next timer
 * whenever both are idle. Optionally every {@code n}-th IPv4 frame is dropped on transmit.
 */
final class TwoStacks implements AutoCloseable {
    static final Ipv4Address A_IP = Ipv4Address.parse("192.0.2.1");
    static final Ipv4Address B_IP = Ipv4Address.parse("192.0.2.2");

    final ManualClock clock = new ManualClock();
    final EventLoop loopA = new EventLoop("a", clock);
    final EventLoop loopB = new EventLoop("b", clock);
    final Stack a;
    final Stack b;
    private final ChannelDevice devA;
    private final ChannelDevice devB;
    final LossyDevice lossA;
    final LossyDevice lossB;

    TwoStacks(TcpConfig config, int dropEvery) {
        a = new Stack(loopA, StackConfig.defaults("a").withSeed(1), config);
        b = new Stack(loopB, StackConfig.defaults("b").withSeed(2), config);
        devA = new ChannelDevice("a0", MacAddress.parse("02:00:00:00:00:0a"), 1500);
        devB = new ChannelDevice("b0", MacAddress.parse("02:00:00:00:00:0b"), 1500);
        ChannelDevice.pair(devA, devB);
        lossA = new LossyDevice(devA, dropEvery);
        lossB = new LossyDevice(devB, dropEvery);
        a.addIpv4Address(a.addInterface(lossA), A_IP, 24);
        b.addIpv4Address(b.addInterface(lossB), B_IP, 24);
        runIdle();
    }

    long now() {
        return clock.nanos();
    }

    void runIdle() {
        int n;
        do {
            n = loopA.runUntilIdle() + loopB.runUntilIdle();
        } while (n > 0);
    }

    /**
     * Runs both stacks, calling {@code step} (the applications) between rounds, until it returns
     * true; advances time when nothing is left to do now. Fails after {@code maxSeconds} of virtual time.
     */
    void runUntil(BooleanSupplier step, long maxSeconds) {
        long limit = clock.nanos() + maxSeconds * 1_000_000_000L;
        while (true) {
            runIdle();
            if (step.getAsBoolean()) {
                return;
            }
            runIdle();
            if (step.getAsBoolean()) {
                return;
            }
            long next = Math.min(loopA.nextDeadline(clock.nanos()), loopB.nextDeadline(clock.nanos()));
            if (next == Long.MAX_VALUE || next > limit) {
                throw new AssertionError("stuck at " + clock + ": " + a.tcp().connections(now()) + " / "
                        + b.tcp().connections(now()));
            }
            clock.advanceTo(Math.max(next, clock.nanos()));
        }
    }

    @Override
    public void close() {
        devA.close();
        devB.close();
    }

    /** A decorator that drops every n-th IPv4 frame it is asked to transmit (0: none). */
    static final class LossyDevice implements Device {
        private final ChannelDevice inner;
        private final int every;
        private long count;
        long dropped;

        LossyDevice(ChannelDevice inner, int every) {
            this.inner = inner;
            this.every = every;
        }

        @Override
        public boolean transmit(ByteBuf frame) {
            boolean ip = frame.getUnsignedShort(frame.readerIndex() + 12) == EtherType.IPV4;
            if (ip && every > 0 && ++count % every == 0) {
                dropped++;
                frame.release();
                return true;
            }
            return inner.transmit(frame);
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public MacAddress macAddress() {
            return inner.macAddress();
        }

        @Override
        public int mtu() {
            return inner.mtu();
        }

        @Override
        public DeviceCapabilities capabilities() {
            return inner.capabilities();
        }

        @Override
        public ByteBufAllocator allocator() {
            return inner.allocator();
        }

        @Override
        public int receive(int maxFrames, FrameSink sink) {
            return inner.receive(maxFrames, sink);
        }

        @Override
        public void setReadyListener(Runnable listener) {
            inner.setReadyListener(listener);
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
