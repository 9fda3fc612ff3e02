package org.sockstack.drivers.pcap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import org.sockstack.stack.device.Device;
import org.sockstack.stack.device.DeviceCapabilities;
import org.sockstack.stack.device.FrameSink;
import org.sockstack.stack.wire.MacAddress;

import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A live Ethernet interface driven through libpcap (pcap4j): the stack shares an existing NIC
 * (a veth end, a bridge port, a real card) with the host, receiving every frame on it in
 * promiscuous mode and sending with {@code pcap_sendpacket}.
 *
 * <p><b>How frames reach the event loop: one reader thread.</b> pcap4j 1.8.2 does not expose
 * {@code pcap_get_selectable_fd}, nor the {@code pcap_t} pointer one would need to call it, so
 * the capture cannot join the loop's {@code ppoll} the way {@link org.sockstack.drivers.tap.TapDevice}
 * does; and its non-blocking reads would need polling, which means spinning or latency. So the
 * device owns one platform thread that blocks in {@code pcap_loop}. For each frame it copies the
 * bytes into a pooled buffer from {@link #allocator()}, offers it to a bounded queue (a full queue
 * drops the frame and counts it in {@link #rxQueueDrops()}, as a NIC ring would) and calls the
 * listener given to {@link #setReadyListener} so the loop wakes. {@link #receive} only drains
 * the queue. The capture runs in immediate mode: libpcap hands each frame over as it arrives.
 * Sending happens on the event loop thread; on Linux {@code pcap_sendpacket} is a plain
 * {@code send(2)} on the packet socket and does not interfere with the reader.
 *
 * <p><b>Our own frames.</b> On Linux a capture sees the frames the host sends too. The device asks
 * libpcap for inbound frames only ({@code pcap_setdirection(PCAP_D_IN)}); where that is not
 * supported it drops captured frames whose source address is the stack's MAC instead
 * ({@link #filtersBySourceMac()}), counted in {@link #rxOwnFramesIgnored()}.
 *
 * <p>The interface is looked up in the network namespace of the thread calling {@link #open};
 * see {@link org.sockstack.drivers.posix.Netns} to open one in a lab namespace. Opening needs root
 * or CAP_NET_RAW + CAP_NET_ADMIN, and libpcap ({@code libpcap0.8} on Debian).
 */
public final class PcapDevice implements Device {
    /** Bytes captured per frame: a whole 64 KiB frame, so nothing is truncated. */
    public static final int SNAPLEN = 65_535;
    /** Frames held between the reader thread and the event loop before further ones are dropped. */
    public static final int DEFAULT_QUEUE_LIMIT = 1024;
    /** Upper bound on how long closing waits for the reader when breakloop cannot wake it. */
    static final int READ_TIMEOUT_MILLIS = 500;
    private static final int IFNAMSIZ = 16;
    /** Source MAC address: octets 6-11 of the Ethernet header (IEEE 802.3 clause 3.2). */
    private static final int SOURCE_OFFSET = 6;

    private final String name;
    private final MacAddress mac;
    private final int mtu;
    private final ByteBufAllocator allocator;
    private final CaptureHandle handle;
    private final BlockingQueue<ByteBuf> inbound;
    private final boolean filterBySourceMac;
    private final byte[] macBytes;
    /** Transmit staging: pcap4j sends from a byte array; reused, touched by the loop thread only. */
    private final byte[] txBuffer = new byte[SNAPLEN];
    private Thread reader;
    private final AtomicLong rxFrames = new AtomicLong();
    private final AtomicLong rxQueueDrops = new AtomicLong();
    private final AtomicLong rxOwnFramesIgnored = new AtomicLong();
    private volatile Runnable readyListener = () -> { };
    private volatile boolean closed;
    private volatile PcapException failure;
    private long txFrames;
    private long txErrors;

    PcapDevice(String name, MacAddress mac, int mtu, CaptureHandle handle, int queueLimit,
               ByteBufAllocator allocator) {
        this.name = Objects.requireNonNull(name);
        this.mac = Objects.requireNonNull(mac);
        this.mtu = mtu;
        this.handle = Objects.requireNonNull(handle);
        this.allocator = Objects.requireNonNull(allocator);
        this.inbound = new ArrayBlockingQueue<>(queueLimit);
        this.macBytes = mac.octets();
        this.filterBySourceMac = !handle.captureInboundOnly();
    }

    /** Starts the reader thread; called once, by the factory (or a test) right after construction. */
    synchronized PcapDevice start() {
        if (reader != null || closed) {
            throw new IllegalStateException("already started or closed");
        }
        reader = Thread.ofPlatform().name("pcap-rx-" + name).daemon().start(this::readLoop);
        return this;
    }

    /**
     * Opens a live capture on {@code ifname} with no filter. The stack's own address is
     * {@code mac}; it need not be the interface's (promiscuous mode receives frames to it).
     *
     * @throws PcapException with a readable reason when the interface cannot be opened
     */
    public static PcapDevice open(String ifname, MacAddress mac, int mtu) {
        return open(ifname, mac, mtu, null, DEFAULT_QUEUE_LIMIT, PooledByteBufAllocator.DEFAULT);
    }

    /**
     * Opens a live capture on {@code ifname}.
     *
     * @param bpfFilter  a capture filter in tcpdump syntax (e.g. {@code "arp or ip"}), or null
     * @param queueLimit frames buffered between the reader thread and the event loop
     * @throws PcapException with a readable reason when the interface cannot be opened
     */
    public static PcapDevice open(String ifname, MacAddress mac, int mtu, String bpfFilter, int queueLimit,
                                  ByteBufAllocator allocator) {
        Objects.requireNonNull(ifname);
        if (!validInterfaceName(ifname)) {
            throw PcapException.badName(ifname);
        }
        CaptureHandle handle = Pcap4jCaptureHandle.open(ifname, SNAPLEN, READ_TIMEOUT_MILLIS, bpfFilter);
        try {
            return new PcapDevice(ifname, mac, mtu, handle, queueLimit, allocator).start();
        } catch (RuntimeException | Error e) {
            handle.close();
            throw e;
        }
    }

    /** Linux interface names: 1 to IFNAMSIZ-1 bytes, no '/', no whitespace (net/core/dev.c). */
    static boolean validInterfaceName(String ifname) {
        if (ifname.isEmpty() || ifname.length() >= IFNAMSIZ) {
            return false;
        }
        for (int i = 0; i < ifname.length(); i++) {
            char c = ifname.charAt(i);
            if (c == '/' || c == ':' || Character.isWhitespace(c) || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    // ---- reader thread ----

    private void readLoop() {
        try {
            handle.loop(this::onFrame);
        } catch (PcapException e) {
            if (!closed) {
                failure = e;
            }
        }
    }

    /** Called on the reader thread for each captured frame; {@code data} is pcap4j's copy. */
    void onFrame(byte[] data) {
        if (closed) {
            return;
        }
        if (filterBySourceMac && sentByUs(data)) {
            rxOwnFramesIgnored.incrementAndGet();
            return;
        }
        if (inbound.remainingCapacity() == 0) {
            rxQueueDrops.incrementAndGet();
            return;
        }
        ByteBuf frame = allocator.directBuffer(data.length, data.length);
        frame.writeBytes(data);
        if (!inbound.offer(frame)) {
            frame.release();
            rxQueueDrops.incrementAndGet();
            return;
        }
        rxFrames.incrementAndGet();
        if (closed) {
            // close() may have drained the queue just before our offer: do not leave a buffer behind.
            releaseQueued();
            return;
        }
        readyListener.run();
    }

    private boolean sentByUs(byte[] data) {
        if (data.length < SOURCE_OFFSET + macBytes.length) {
            return false;
        }
        for (int i = 0; i < macBytes.length; i++) {
            if (data[SOURCE_OFFSET + i] != macBytes[i]) {
                return false;
            }
        }
        return true;
    }

    // ---- event loop thread ----

    @Override
    public int receive(int maxFrames, FrameSink sink) {
        int n = 0;
        ByteBuf frame;
        while (n < maxFrames && (frame = inbound.poll()) != null) {
            n++;
            sink.accept(frame);
        }
        return n;
    }

    @Override
    public boolean transmit(ByteBuf frame) {
        try {
            int len = frame.readableBytes();
            if (closed || len > txBuffer.length) {
                txErrors++;
                return false;
            }
            frame.getBytes(frame.readerIndex(), txBuffer, 0, len);
            handle.send(txBuffer, len);
            txFrames++;
            return true;
        } catch (PcapException e) {
            // The kernel refused the frame (queue full, interface gone): dropped, as a NIC would.
            txErrors++;
            return false;
        } finally {
            frame.release();
        }
    }

    @Override
    public void setReadyListener(Runnable listener) {
        this.readyListener = Objects.requireNonNull(listener);
        if (!inbound.isEmpty()) {
            listener.run();
        }
    }

    // ---- any thread ----

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

    /** True when libpcap cannot filter by direction and our own frames are dropped by source MAC. */
    public boolean filtersBySourceMac() {
        return filterBySourceMac;
    }

    /** Frames captured and queued for the stack. */
    public long rxFrames() {
        return rxFrames.get();
    }

    /** Frames dropped because the event loop did not keep up (the queue was full). */
    public long rxQueueDrops() {
        return rxQueueDrops.get();
    }

    /** Frames dropped because they carried our source MAC (only without direction filtering). */
    public long rxOwnFramesIgnored() {
        return rxOwnFramesIgnored.get();
    }

    public long txFrames() {
        return txFrames;
    }

    public long txErrors() {
        return txErrors;
    }

    /** Why the capture stopped on its own (interface removed, ...), or null while it runs. */
    public PcapException failure() {
        return failure;
    }

    /** Stops the reader thread, closes the capture and releases the frames still queued. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        handle.breakLoop();
        if (reader != null && Thread.currentThread() != reader) {
            try {
                reader.join(4L * READ_TIMEOUT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        handle.close();
        releaseQueued();
    }

    private void releaseQueued() {
        ByteBuf frame;
        while ((frame = inbound.poll()) != null) {
            frame.release();
        }
    }

    @Override
    public String toString() {
        return "PcapDevice[" + name + " " + mac + "]";
    }
}
