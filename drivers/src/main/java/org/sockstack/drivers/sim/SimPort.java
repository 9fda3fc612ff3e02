package org.sockstack.drivers.sim;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.sockstack.stack.device.Device;
import org.sockstack.stack.device.DeviceCapabilities;
import org.sockstack.stack.device.FrameSink;
import org.sockstack.stack.stats.Counter;
import org.sockstack.stack.wire.MacAddress;

import java.util.ArrayDeque;
import java.util.Objects;

/**
 * A network card of the simulated network: a {@link Device} whose transmitted frames enter the
 * attached link and whose received frames are those the {@link SimNetwork} delivered. Made by
 * {@link SimNetwork#port}; attached to one link (to another port or to a {@link SimSwitch}).
 *
 * <p>Like a NIC in promiscuous mode, it does not filter by destination address: a switch that
 * floods unknown unicast hands the frame to the stack, which drops it. The receive queue is
 * bounded; arrivals beyond it are dropped ({@code sim.port.<name>.drop.rx_queue}).
 *
 * <p>Threading: the simulation is single-threaded; {@link SimNetwork} runs the event loops that
 * call {@link #receive} and {@link #transmit} on its own thread.
 */
public final class SimPort implements Device {
    /** Frames held for the stack before arrivals are dropped. */
    public static final int DEFAULT_RX_QUEUE_LIMIT = 1024;

    private final SimNetwork network;
    private final String name;
    private final MacAddress mac;
    private final int mtu;
    private final int rxQueueLimit;
    private final ArrayDeque<ByteBuf> inbound = new ArrayDeque<>();
    private final Counter rxFrames;
    private final Counter txFrames;
    private final Counter rxQueueDrops;
    private final Counter txDownDrops;
    final FrameArrival ingress = this::arrive;

    private SimLink.Direction egress;
    private Runnable readyListener = () -> { };
    private boolean closed;

    SimPort(SimNetwork network, String name, MacAddress mac, int mtu, int rxQueueLimit) {
        this.network = network;
        this.name = Objects.requireNonNull(name);
        this.mac = Objects.requireNonNull(mac);
        this.mtu = mtu;
        this.rxQueueLimit = rxQueueLimit;
        String prefix = "sim.port." + name;
        this.rxFrames = network.counters().counter(prefix + ".rx.frames");
        this.txFrames = network.counters().counter(prefix + ".tx.frames");
        this.rxQueueDrops = network.counters().drop(prefix, "rx_queue");
        this.txDownDrops = network.counters().drop(prefix, "tx_not_connected");
    }

    void attach(SimLink.Direction direction) {
        if (egress != null) {
            throw new IllegalStateException("port " + name + " is already connected");
        }
        egress = direction;
    }

    public boolean isConnected() {
        return egress != null;
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
        return network.allocator();
    }

    private void arrive(long now, ByteBuf frame) {
        if (closed || inbound.size() >= rxQueueLimit) {
            rxQueueDrops.increment();
            frame.release();
            return;
        }
        inbound.add(frame);
        readyListener.run();
    }

    @Override
    public int receive(int maxFrames, FrameSink sink) {
        int n = 0;
        ByteBuf frame;
        while (n < maxFrames && (frame = inbound.poll()) != null) {
            rxFrames.increment();
            sink.accept(frame);
            n++;
        }
        return n;
    }

    @Override
    public boolean transmit(ByteBuf frame) {
        if (closed || egress == null) {
            txDownDrops.increment();
            frame.release();
            return false;
        }
        txFrames.increment();
        return egress.carry(frame);
    }

    /** Frames delivered and not yet received. */
    public int pendingReceive() {
        return inbound.size();
    }

    @Override
    public void setReadyListener(Runnable listener) {
        this.readyListener = Objects.requireNonNull(listener);
    }

    @Override
    public void close() {
        closed = true;
        ByteBuf frame;
        while ((frame = inbound.poll()) != null) {
            frame.release();
        }
    }

    @Override
    public String toString() {
        return "SimPort[" + name + " " + mac + "]";
    }
}
