package org.sockstack.testbed.host;

import org.sockstack.drivers.capture.CaptureDevice;
import org.sockstack.drivers.capture.CaptureOptions;
import org.sockstack.drivers.capture.CaptureWriter;
import org.sockstack.drivers.fault.FaultInjectingDevice;
import org.sockstack.drivers.fault.Impairments;
import org.sockstack.drivers.pcap.PcapDevice;
import org.sockstack.drivers.posix.FdPollWaiter;
import org.sockstack.drivers.tap.TapDevice;
import org.sockstack.stack.Stack;
import org.sockstack.stack.StackConfig;
import org.sockstack.stack.device.Device;
import org.sockstack.stack.iface.NetworkInterface;
import org.sockstack.stack.loop.Clock;
import org.sockstack.stack.loop.EventLoop;
import org.sockstack.stack.loop.ParkingWaiter;
import org.sockstack.stack.loop.Waiter;
import org.sockstack.stack.wire.MacAddress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A stack on a real device with its own event loop thread: on a TAP device (the loop sleeps in
 * {@code ppoll} on the TAP descriptor) or on a live interface through pcap (the capture thread
 * wakes the loop). Optionally every frame is recorded to a pcap/pcapng file. What
 * {@code sockstack serve}, the demo and the lab tests use.
 */
public final class StackHost implements AutoCloseable {
    private final Device device;
    /** The driver under any capture or fault-injection wrapper. */
    private final Device driver;
    private final EventLoop loop;
    private final Stack stack;
    private final NetworkInterface iface;

    private StackHost(Device device, Device driver, EventLoop loop, Stack stack, NetworkInterface iface) {
        this.device = device;
        this.driver = driver;
        this.loop = loop;
        this.stack = stack;
        this.iface = iface;
    }

    /**
     * Opens (or creates) TAP device {@code ifname} and builds a stack on it; the loop is not
     * started yet, so the caller can configure it first (on this thread).
     *
     * @param capture a .pcap/.pcapng file to record every frame to, or null
     */
    public static StackHost onTap(String ifname, MacAddress mac, int mtu, StackConfig config, Path capture) {
        return onTap(ifname, mac, mtu, config, capture, Impairments.NONE);
    }

    /**
     * As above, with the drivers' fault injection between the TAP device and the stack: the
     * impairments apply to frames in both directions (this kernel has no netem qdisc).
     */
    public static StackHost onTap(String ifname, MacAddress mac, int mtu, StackConfig config, Path capture,
                                  Impairments impairments) {
        return onTap(ifname, mac, mtu, config, capture, impairments, false);
    }

    /**
     * As above; with {@code offload} the TAP device uses virtio-net headers with checksum offload
     * and TSO/GSO both ways (see {@link TapDevice}). Fault injection holds frames without their
     * offload flags, so it cannot be combined with offloads.
     */
    public static StackHost onTap(String ifname, MacAddress mac, int mtu, StackConfig config, Path capture,
                                  Impairments impairments, boolean offload) {
        if (offload && !impairments.isNone()) {
            throw new IllegalArgumentException("offloads cannot be combined with impairments");
        }
        TapDevice tap = TapDevice.open(ifname, mac, mtu, io.netty.buffer.PooledByteBufAllocator.DEFAULT, offload);
        try {
            return build(tap, new FdPollWaiter(tap.fd()), config, capture, impairments);
        } catch (RuntimeException e) {
            tap.close();
            throw e;
        }
    }

    public static StackHost onTap(String ifname, MacAddress mac, int mtu, StackConfig config) {
        return onTap(ifname, mac, mtu, config, null);
    }

    /** Builds a stack on an existing interface through live pcap. */
    public static StackHost onPcap(String ifname, MacAddress mac, int mtu, StackConfig config, Path capture) {
        PcapDevice pcap = PcapDevice.open(ifname, mac, mtu);
        try {
            return build(pcap, new ParkingWaiter(), config, capture, Impairments.NONE);
        } catch (RuntimeException e) {
            pcap.close();
            throw e;
        }
    }

    private static StackHost build(Device raw, Waiter waiter, StackConfig config, Path capture,
                                   Impairments impairments) {
        Clock clock = Clock.system();
        Device device = raw;
        FaultInjectingDevice faults = null;
        if (!impairments.isNone()) {
            faults = FaultInjectingDevice.builder(raw, clock).both(impairments).seed(config.seed()).build();
            device = faults;
        }
        if (capture != null) {
            try {
                CaptureWriter writer = CaptureWriter.open(capture, CaptureOptions.defaults().withInterfaceName(raw.name()));
                device = CaptureDevice.startingNow(raw, writer, clock);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write capture " + capture + ": " + e.getMessage(), e);
            }
        }
        EventLoop loop = new EventLoop(config.name(), clock, waiter);
        if (faults != null) {
            loop.register(faults); // held frames fall due on the loop's timers
        }
        Stack stack = new Stack(loop, config);
        NetworkInterface iface = stack.addInterface(device);
        return new StackHost(device, raw, loop, stack, iface);
    }

    /** A locally administered MAC derived from a name, stable across runs. */
    public static MacAddress macFor(String name) {
        long h = name.hashCode() & 0xFFFF_FFFFL;
        return new MacAddress(0x02_5C_00_00_00_00L | h);
    }

    public void start() {
        loop.start();
    }

    public Device device() {
        return device;
    }

    /** The TAP device underneath, or null on pcap. */
    public TapDevice tap() {
        return driver instanceof TapDevice t ? t : null;
    }

    public EventLoop loop() {
        return loop;
    }

    public Stack stack() {
        return stack;
    }

    public NetworkInterface iface() {
        return iface;
    }

    /**
     * Runs {@code task} on the loop and waits for its result. Before {@link #start()} the caller
     * owns the stack, and the task runs directly.
     */
    public <T> T call(Supplier<T> task) {
        if (!loop.isStarted()) {
            return task.get();
        }
        try {
            return loop.submit(task).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("event loop call failed: " + e.getMessage(), e);
        }
    }

    /** Runs {@code task} on the loop and waits for it. */
    public void run(Runnable task) {
        call(() -> {
            task.run();
            return null;
        });
    }

    /** Writes buffered capture data to the file (no-op without a capture). */
    public void flushCapture() {
        if (device instanceof CaptureDevice c) {
            run(c::flushCapture);
        }
    }

    @Override
    public void close() {
        loop.close();
        device.close();
    }
}
