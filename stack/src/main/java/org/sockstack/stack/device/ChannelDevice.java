package org.sockstack.stack.device;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import org.sockstack.stack.wire.MacAddress;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory device for tests: a bounded inbound queue that a test (or a peer) fills with
 * {@link #inject}, and an outbound queue the test drains with {@link #takeSent()}.
 * {@link #pair} joins two of them back to back like a crossover cable, and {@link #loopback}
 * makes a device that receives what it sends.
 */
public final class ChannelDevice implements Device {
    /** Frames held in either direction before further ones are dropped. */
    public static final int DEFAULT_QUEUE_LIMIT = 4096;

    private final String name;
    private final MacAddress mac;
    private final int mtu;
    private final int queueLimit;
    private final ByteBufAllocator allocator;
    private final Queue<ByteBuf> inbound = new ConcurrentLinkedQueue<>();
    /** Frames in {@link #inbound}: ConcurrentLinkedQueue.size() walks the whole queue. */
    private final AtomicInteger inboundCount = new AtomicInteger();
    private final Queue<ByteBuf> outbound = new ArrayDeque<>();
    private volatile Runnable readyListener = () -> { };
    private volatile ChannelDevice peer;
    private volatile boolean loopback;
    private volatile boolean closed;
    private long drops;

    public ChannelDevice(String name, MacAddress mac, int mtu) {
        this(name, mac, mtu, DEFAULT_QUEUE_LIMIT, PooledByteBufAllocator.DEFAULT);
    }

    public ChannelDevice(String name, MacAddress mac, int mtu, int queueLimit, ByteBufAllocator allocator) {
        this.name = Objects.requireNonNull(name);
        this.mac = Objects.requireNonNull(mac);
        this.mtu = mtu;
        this.queueLimit = queueLimit;
        this.allocator = allocator;
    }

    /** Two devices wired to each other: what one transmits the other receives. */
    public static ChannelDevice[] pair(ChannelDevice a, ChannelDevice b) {
        a.peer = b;
        b.peer = a;
        return new ChannelDevice[] {a, b};
    }

    /** A device that receives every frame it transmits. */
    public static ChannelDevice loopback(String name, MacAddress mac, int mtu) {
        ChannelDevice d = new ChannelDevice(name, mac, mtu);
        d.loopback = true;
        return d;
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

    /** Offers a frame as if it had arrived from the wire; takes ownership. */
    public boolean inject(ByteBuf frame) {
        if (closed || inboundCount.get() >= queueLimit) {
            frame.release();
            return false;
        }
        inboundCount.incrementAndGet();
        inbound.add(frame);
        readyListener.run();
        return true;
    }

    @Override
    public int receive(int maxFrames, FrameSink sink) {
        int n = 0;
        ByteBuf frame;
        while (n < maxFrames && (frame = inbound.poll()) != null) {
            inboundCount.decrementAndGet();
            sink.accept(frame);
            n++;
        }
        return n;
    }

    @Override
    public boolean transmit(ByteBuf frame) {
        if (closed) {
            frame.release();
            return false;
        }
        ChannelDevice p = loopback ? this : peer;
        if (p != null) {
            return p.inject(frame);
        }
        if (outbound.size() >= queueLimit) {
            drops++;
            frame.release();
            return false;
        }
        outbound.add(frame);
        return true;
    }

    /** The oldest frame transmitted and not yet taken (unpaired devices only); caller releases it. */
    public ByteBuf takeSent() {
        return outbound.poll();
    }

    public int sentCount() {
        return outbound.size();
    }

    public int pendingReceive() {
        return inboundCount.get();
    }

    public long transmitDrops() {
        return drops;
    }

    @Override
    public void setReadyListener(Runnable listener) {
        this.readyListener = Objects.requireNonNull(listener);
    }

    @Override
    public void close() {
        closed = true;
        ByteBuf b;
        while ((b = inbound.poll()) != null) {
            inboundCount.decrementAndGet();
            b.release();
        }
        while ((b = outbound.poll()) != null) {
            b.release();
        }
    }

    @Override
    public String toString() {
        return "ChannelDevice[" + name + " " + mac + "]";
    }
}
