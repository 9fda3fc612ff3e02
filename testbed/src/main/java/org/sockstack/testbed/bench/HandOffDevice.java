package org.sockstack.testbed.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.sockstack.stack.device.Device;
import org.sockstack.stack.device.DeviceCapabilities;
import org.sockstack.stack.device.FrameSink;
import org.sockstack.stack.wire.MacAddress;

import java.util.ArrayDeque;

/**
 * A device with no cost of its own, for benchmarks where one thread drives both stacks: what one
 * of a {@link #pair} transmits is appended to the other's receive queue (an {@link ArrayDeque}:
 * no lock, no allocation per frame once it has grown). Not thread-safe; unbounded.
 */
final class HandOffDevice implements Device {
    private final String name;
    private final MacAddress mac;
    private final int mtu;
    private final ByteBufAllocator allocator;
    private final ArrayDeque<ByteBuf> inbound = new ArrayDeque<>(1024);
    private HandOffDevice peer;

    HandOffDevice(String name, MacAddress mac, int mtu, ByteBufAllocator allocator) {
        this.name = name;
        this.mac = mac;
        this.mtu = mtu;
        this.allocator = allocator;
    }

    static void pair(HandOffDevice a, HandOffDevice b) {
        a.peer = b;
        b.peer = a;
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
    public int receive(int maxFrames, FrameSink sink) {
        int n = 0;
        ByteBuf frame;
        while (n < maxFrames && (frame = inbound.poll()) != null) {
            sink.accept(frame);
            n++;
        }
        return n;
    }

    @Override
    public boolean transmit(ByteBuf frame) {
        if (peer == null) {
            frame.release();
            return false;
        }
        peer.inbound.add(frame);
        return true;
    }

    @Override
    public void setReadyListener(Runnable listener) {
        // Polled by the benchmark's own loop: no wake-ups needed.
    }

    @Override
    public void close() {
        ByteBuf b;
        while ((b = inbound.poll()) != null) {
            b.release();
        }
    }
}
