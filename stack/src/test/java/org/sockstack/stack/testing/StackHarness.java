package org.sockstack.stack.testing;

import io.netty.buffer.ByteBuf;
import org.sockstack.stack.Stack;
import org.sockstack.stack.StackConfig;
import org.sockstack.stack.device.ChannelDevice;
import org.sockstack.stack.iface.NetworkInterface;
import org.sockstack.stack.loop.EventLoop;
import org.sockstack.stack.loop.ManualClock;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.MacAddress;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A stack on a manual clock with one in-memory interface: tests inject frames, advance virtual
 * time and inspect what the stack sent. Frames returned by {@link #sent()} are the caller's to
 * release ({@link #close()} releases any left).
 */
public final class StackHarness implements AutoCloseable {
    public static final MacAddress STACK_MAC = MacAddress.parse("02:00:00:00:00:02");
    public static final MacAddress PEER_MAC = MacAddress.parse("02:00:00:00:00:01");
    public static final Ipv4Address STACK_IP = Ipv4Address.parse("192.0.2.2");
    public static final Ipv4Address PEER_IP = Ipv4Address.parse("192.0.2.1");

    public final ManualClock clock = new ManualClock();
    public final EventLoop loop = new EventLoop("harness", clock);
    public final Stack stack;
    public final ChannelDevice device;
    public final NetworkInterface iface;
    private final List<ByteBuf> taken = new ArrayList<>();

    public StackHarness() {
        this(StackConfig.defaults("harness").withSeed(42));
    }

    public StackHarness(StackConfig config) {
        stack = new Stack(loop, config);
        device = new ChannelDevice("eth0", STACK_MAC, 1500);
        iface = stack.addInterface(device);
    }

    /** Adds 192.0.2.2/24 and discards the announcements that follow. */
    public StackHarness withAddress() {
        stack.addIpv4Address(iface, STACK_IP, 24);
        run();
        advance(5_000);
        releaseAll(sent());
        return this;
    }

    /** Teaches the stack the peer's MAC as an ARP request from the peer would. */
    public StackHarness withPeerKnown() {
        stack.arp(iface).cache().onUnsolicited(PEER_IP, PEER_MAC.bits(), true, clock.nanos());
        return this;
    }

    public void inject(ByteBuf frame) {
        device.inject(frame);
        run();
    }

    public void run() {
        loop.runUntilIdle();
    }

    /** Moves virtual time forward by {@code millis}, running everything due on the way. */
    public void advance(long millis) {
        long target = clock.nanos() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (int guard = 0; guard < 10_000_000; guard++) {
            run();
            long next = loop.nextDeadline(clock.nanos());
            if (next > target) {
                clock.advanceTo(target);
                run();
                return;
            }
            clock.advanceTo(Math.max(next, clock.nanos()));
        }
        throw new IllegalStateException("virtual time did not advance");
    }

    /** Every frame sent since the last call, oldest first. */
    public List<ByteBuf> sent() {
        List<ByteBuf> out = new ArrayList<>();
        ByteBuf f;
        while ((f = device.takeSent()) != null) {
            out.add(f);
        }
        return out;
    }

    public static void releaseAll(List<ByteBuf> frames) {
        frames.forEach(ByteBuf::release);
    }

    @Override
    public void close() {
        stack.close();
        releaseAll(sent());
        releaseAll(taken);
        device.close();
    }
}
