package org.sockstack.testbed.host;

import org.sockstack.drivers.posix.FdPollWaiter;
import org.sockstack.drivers.tap.TapDevice;
import org.sockstack.stack.Stack;
import org.sockstack.stack.StackConfig;
import org.sockstack.stack.iface.NetworkInterface;
import org.sockstack.stack.loop.Clock;
import org.sockstack.stack.loop.EventLoop;
import org.sockstack.stack.wire.MacAddress;

import java.util.concurrent.TimeUnit;

/**
 * A stack on a TAP device, running on its own event loop thread that sleeps in {@code ppoll} on the
 * TAP descriptor. What {@code sockstack serve} and the lab tests use.
 */
public final class TapHost implements AutoCloseable {
    private final TapDevice tap;
    private final EventLoop loop;
    private final Stack stack;
    private final NetworkInterface iface;

    private TapHost(TapDevice tap, EventLoop loop, Stack stack, NetworkInterface iface) {
        this.tap = tap;
        this.loop = loop;
        this.stack = stack;
        this.iface = iface;
    }

    /**
     * Opens (or creates) TAP device {@code ifname} and builds a stack on it; the loop is not
     * started yet, so the caller can configure it first (on this thread).
     */
    public static TapHost open(String ifname, MacAddress mac, int mtu, StackConfig config) {
        TapDevice tap = TapDevice.open(ifname, mac, mtu);
        FdPollWaiter waiter = new FdPollWaiter(tap.fd());
        EventLoop loop = new EventLoop(config.name(), Clock.system(), waiter);
        Stack stack = new Stack(loop, config);
        NetworkInterface iface = stack.addInterface(tap);
        return new TapHost(tap, loop, stack, iface);
    }

    /** A locally administered MAC derived from a name, stable across runs. */
    public static MacAddress macFor(String name) {
        long h = name.hashCode() & 0xFFFF_FFFFL;
        return new MacAddress(0x02_5C_00_00_00_00L | h);
    }

    public void start() {
        loop.start();
    }

    public TapDevice tap() {
        return tap;
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

    /** Runs {@code task} on the loop and waits for it. */
    public <T> T call(java.util.function.Supplier<T> task) {
        try {
            return loop.submit(task).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("event loop call failed", e);
        }
    }

    @Override
    public void close() {
        loop.close();
        tap.close();
    }
}
