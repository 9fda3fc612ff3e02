package org.sockstack.drivers.tap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import org.sockstack.drivers.posix.LibC;
import org.sockstack.drivers.posix.NativeBuffer;
import org.sockstack.stack.device.Device;
import org.sockstack.stack.device.DeviceCapabilities;
import org.sockstack.stack.device.FrameOffload;
import org.sockstack.stack.device.FrameSink;
import org.sockstack.stack.wire.MacAddress;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A Linux TAP device (Documentation/networking/tuntap.rst) opened through {@code /dev/net/tun}
 * with {@code IFF_TAP | IFF_NO_PI}: each read returns one Ethernet frame, each write sends one.
 *
 * <p>The descriptor is non-blocking. The event loop sleeps in {@code ppoll} on {@link #fd()}
 * (see {@link org.sockstack.drivers.posix.FdPollWaiter}) and, once woken, {@link #receive} reads
 * frames until the device is empty or the batch budget is spent. Frames are read into one native
 * buffer owned by the device and copied into pooled buffers, so a read allocates no garbage.
 *
 * <p>Opening a name that does not exist creates the device (needs CAP_NET_ADMIN); the device
 * is not persistent and disappears when closed. Opening an existing name attaches to it.
 *
 * <p><b>Offload mode</b> (opt-in, {@link #open(String, MacAddress, int, ByteBufAllocator, boolean)}):
 * the device is opened with {@code IFF_VNET_HDR} (tuntap.rst; {@code include/uapi/linux/if_tun.h}),
 * {@code TUNSETVNETHDRSZ} sets a 12-octet {@code struct virtio_net_hdr_v1} in front of every
 * frame read or written ({@link VirtioNetHeader}), and {@code TUNSETOFFLOAD} with
 * {@code TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6} tells the kernel that we take frames whose L4
 * checksum is not filled in and TCP super-frames of up to 64 KiB (the kernel's tun driver turns
 * these into netdev features: NETIF_F_HW_CSUM, NETIF_F_TSO, NETIF_F_TSO6; TSO is refused without
 * CSUM). In return we may write such frames too: one write then carries up to 64 KiB of TCP data
 * and the kernel segments it ({@code virtio_net_hdr_to_skb}, then GSO). Received frames go to
 * the stack with {@link FrameOffload} flags; the vnet header never reaches the stack or a
 * capture, so captures hold normal Ethernet frames (super-frames and partial checksums
 * included, as tcpdump on a TSO-capable NIC shows them).
 */
public final class TapDevice implements Device {
    /** {@code _IOW('T', 202, int)}. */
    static final long TUNSETIFF = 0x400454caL;
    static final short IFF_TAP = 0x0002;
    static final short IFF_NO_PI = 0x1000;
    /** Frames carry a virtio-net header (if_tun.h). */
    static final short IFF_VNET_HDR = 0x4000;
    /** {@code _IOW('T', 208, unsigned int)}: the argument is the flag word itself. */
    static final long TUNSETOFFLOAD = 0x400454d0L;
    /** {@code _IOW('T', 216, int)}: the argument points to the header size. */
    static final long TUNSETVNETHDRSZ = 0x400454d8L;
    /** {@code _IOW('T', 220, int)}: the argument points to 1 for little-endian vnet headers. */
    static final long TUNSETVNETLE = 0x400454dcL;
    static final int TUN_F_CSUM = 0x01;
    static final int TUN_F_TSO4 = 0x02;
    static final int TUN_F_TSO6 = 0x04;
    private static final int IFNAMSIZ = 16;
    private static final int IFREQ_SIZE = 40;
    /**
     * The largest frame: Ethernet header with an 802.1Q tag (18) plus the largest IP packet, an
     * IPv6 header (40) with a 65,535-octet payload (a TSO super-frame may be that large).
     */
    private static final int MAX_FRAME = 18 + 40 + 65_535;
    /** The vnet header size used in offload mode. */
    static final int VNET_HDR_LEN = VirtioNetHeader.LENGTH_V1;
    /**
     * Transmit-thread mode: frames of one batch the loop writes itself while the thread sleeps.
     * Waking it costs more than a few writes, so only a batch longer than this wakes it.
     */
    private static final int INLINE_WRITES_WHILE_ASLEEP = 8;
    /**
     * Transmit-thread mode: octets read and written in one batch from which it counts as bulk.
     * Below this, and while input is not arriving faster than the loop reads it, every frame is
     * written by the loop: the exchange is request-response (a connection set up, a byte echoed,
     * a ping), the peer waits for each frame, and a hand-over would add a thread wake-up to its
     * wait. A connect-echo-close client lets one batch run over many connections (each of our
     * writes wakes the client, whose next frame is there by the next read), so the count of
     * frames alone would hand such replies over; it did for one frame in nine, and the connection
     * rate was 10 to 25% lower than with no thread at all.
     */
    private static final int BULK_BATCH_OCTETS = 16 * 1024;
    private static final DeviceCapabilities OFFLOAD_CAPABILITIES = new DeviceCapabilities(false, false, 64, true);

    private final LibC libc = LibC.get();
    private final String name;
    private final int fd;
    private final MacAddress mac;
    private final int mtu;
    private final ByteBufAllocator allocator;
    /** 0, or {@link #VNET_HDR_LEN} in offload mode: octets of vnet header before each frame. */
    private final int vnetHdrLen;
    private final NativeBuffer rxBuffer;
    private final NativeBuffer txBuffer;
    /** Offload mode: the received header, read through {@link #rxView}; the transmit header. */
    private final VirtioNetHeader rxHeader = new VirtioNetHeader();
    private final VirtioNetHeader txHeader = new VirtioNetHeader();
    private final ByteBuf rxView;
    /** Offload mode: two struct iovec (header, frame) for writev, and the header they point to. */
    private final NativeBuffer iov = new NativeBuffer(32);
    private final NativeBuffer txHeaderBuffer = new NativeBuffer(VNET_HDR_LEN);
    private final ByteBuf txHeaderView;
    private final long[] rxDrops = new long[VirtioNetHeader.Error.values().length];
    /** Writes frames on its own thread, or null: the loop writes every frame itself. */
    private TransmitThread transmitThread;
    /** Frames the loop has written itself since the last flush (transmit-thread mode). */
    private int writtenSinceFlush;
    /** Octets read and written since the last flush (transmit-thread mode). */
    private int batchOctets;
    /** The last receive call read its whole budget: input comes faster than the loop takes it. */
    private boolean inputSaturated;
    /** The last batch read frames and then found the device empty (see {@link #receive}). */
    private boolean skipNextReceive;
    private volatile boolean closed;
    private long rxFrames;
    private long rxSuperFrames;
    private long txFrames;
    private long txSuperFrames;
    private long txErrors;
    private long txOversize;

    private TapDevice(String name, int fd, MacAddress mac, int mtu, ByteBufAllocator allocator, boolean offload) {
        this.name = name;
        this.fd = fd;
        this.mac = mac;
        this.mtu = mtu;
        this.allocator = allocator;
        this.vnetHdrLen = offload ? VNET_HDR_LEN : 0;
        this.rxBuffer = new NativeBuffer(MAX_FRAME + vnetHdrLen);
        this.txBuffer = new NativeBuffer(MAX_FRAME + vnetHdrLen);
        this.rxView = Unpooled.wrappedBuffer(rxBuffer.buffer().duplicate().clear());
        this.txHeaderView = Unpooled.wrappedBuffer(txHeaderBuffer.buffer().duplicate().clear());
        ByteBuffer v = iov.buffer().order(ByteOrder.nativeOrder());
        v.putLong(0, txHeaderBuffer.address());
        v.putLong(8, VNET_HDR_LEN);
    }

    /**
     * Opens (creating if needed) the TAP device {@code name}. The stack's own MAC address is
     * {@code mac}: the TAP device's kernel-side address is the peer's, not ours.
     *
     * @throws TapException with a readable reason when the device cannot be opened
     */
    public static TapDevice open(String name, MacAddress mac, int mtu) {
        return open(name, mac, mtu, PooledByteBufAllocator.DEFAULT);
    }

    public static TapDevice open(String name, MacAddress mac, int mtu, ByteBufAllocator allocator) {
        return open(name, mac, mtu, allocator, false);
    }

    /**
     * Opens the TAP device, in offload mode if {@code offload} (see the class comment): virtio-net
     * headers, checksum offload and TCP segmentation offload (TSO) both ways.
     *
     * @throws TapException when the device cannot be opened or the kernel refuses the offloads
     */
    public static TapDevice open(String name, MacAddress mac, int mtu, ByteBufAllocator allocator, boolean offload) {
        Objects.requireNonNull(name);
        byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
        if (nameBytes.length == 0 || nameBytes.length >= IFNAMSIZ) {
            throw new TapException("TAP device name must be 1-15 characters: '" + name + "'", LibC.EINVAL);
        }
        if (!Files.exists(Path.of("/dev/net/tun"))) {
            throw new TapException("/dev/net/tun does not exist: load the tun module (modprobe tun) or run on Linux",
                    LibC.ENOENT);
        }
        LibC libc = LibC.get();
        int fd = libc.open("/dev/net/tun", LibC.O_RDWR | LibC.O_NONBLOCK | LibC.O_CLOEXEC);
        if (fd < 0) {
            int err = LibC.errno();
            throw new TapException("cannot open /dev/net/tun: " + LibC.describe(err)
                    + (err == LibC.EACCES || err == LibC.EPERM ? "; run as root or grant CAP_NET_ADMIN" : ""), err);
        }
        Pointer ifr = Memory.allocateDirect(LibC.runtime(), IFREQ_SIZE, true);
        ifr.put(0, nameBytes, 0, nameBytes.length);
        ifr.putShort(IFNAMSIZ, (short) (IFF_TAP | IFF_NO_PI | (offload ? IFF_VNET_HDR : 0)));
        if (libc.ioctl(fd, TUNSETIFF, ifr) < 0) {
            int err = LibC.errno();
            libc.close(fd);
            throw new TapException("cannot attach TAP device '" + name + "': " + LibC.describe(err) + hint(err), err);
        }
        if (offload) {
            enableOffloads(libc, fd, name);
        }
        return new TapDevice(name, fd, mac, mtu, allocator, offload);
    }

    /**
     * Two devices joined by a socket pair in place of a TAP device, for running the driver where
     * no TAP device can be had or none is wanted: the JIT warm-up of {@code sockstack serve}, and
     * tests without root. A Unix {@code SOCK_SEQPACKET} socket keeps each write one message, as a
     * TAP descriptor keeps each write one frame, so everything above the descriptor (non-blocking
     * reads until EAGAIN, {@code ppoll}, the transmit thread) runs as it does on a TAP device; a
     * frame written on one device is read on the other. Plain mode only: there is no kernel behind
     * the socket to take vnet headers.
     *
     * @throws TapException if the socket pair cannot be made
     */
    public static Pair socketPair(String nameA, MacAddress macA, String nameB, MacAddress macB, int mtu,
                                  ByteBufAllocator allocator) {
        LibC libc = LibC.get();
        int[] sv = new int[2];
        if (libc.socketpair(LibC.AF_UNIX, LibC.SOCK_SEQPACKET | LibC.SOCK_NONBLOCK | LibC.SOCK_CLOEXEC, 0, sv) < 0) {
            int err = LibC.errno();
            throw new TapException("socketpair failed: " + LibC.describe(err), err);
        }
        return new Pair(new TapDevice(nameA, sv[0], macA, mtu, allocator, false),
                new TapDevice(nameB, sv[1], macB, mtu, allocator, false));
    }

    /** The two ends of {@link #socketPair}. */
    public record Pair(TapDevice a, TapDevice b) {
    }

    /**
     * The vnet header size (12: virtio_net_hdr_v1 with num_buffers), little-endian fields, and
     * TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6. Closes {@code fd} and throws if the kernel refuses.
     */
    private static void enableOffloads(LibC libc, int fd, String name) {
        Pointer arg = Memory.allocateDirect(LibC.runtime(), 4, true);
        arg.putInt(0, VNET_HDR_LEN);
        if (libc.ioctl(fd, TUNSETVNETHDRSZ, arg) < 0) {
            failOffload(libc, fd, name, "TUNSETVNETHDRSZ");
        }
        arg.putInt(0, 1);
        if (libc.ioctl(fd, TUNSETVNETLE, arg) < 0 && ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            // Without TUNSETVNETLE the header is in the host's order, which is fine on x86/arm64.
            failOffload(libc, fd, name, "TUNSETVNETLE");
        }
        if (libc.ioctl(fd, TUNSETOFFLOAD, (long) (TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6)) < 0) {
            failOffload(libc, fd, name, "TUNSETOFFLOAD");
        }
    }

    private static void failOffload(LibC libc, int fd, String name, String call) {
        int err = LibC.errno();
        libc.close(fd);
        throw new TapException("cannot enable offloads on TAP device '" + name + "': " + call + ": "
                + LibC.describe(err), err);
    }

    private static String hint(int err) {
        return switch (err) {
            case LibC.EPERM, LibC.EACCES -> "; creating a TAP device needs root or CAP_NET_ADMIN";
            case LibC.EBUSY -> "; the device is in use by another process";
            case LibC.EINVAL -> "; a device of that name exists and is not a TAP device";
            default -> "";
        };
    }

    /** The file descriptor, for {@code poll(2)}. */
    public int fd() {
        return fd;
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
        return vnetHdrLen > 0 ? OFFLOAD_CAPABILITIES : DeviceCapabilities.NONE;
    }

    /** True if opened in offload mode (virtio-net header, checksum offload, TSO). */
    public boolean offload() {
        return vnetHdrLen > 0;
    }

    @Override
    public ByteBufAllocator allocator() {
        return allocator;
    }

    @Override
    public int receive(int maxFrames, FrameSink sink) {
        if (skipNextReceive) {
            // The last batch ended on EAGAIN and the loop is back at once (it always runs another
            // pass after a busy one): another read would almost surely fail too. The loop goes
            // to ppoll instead, which reports frames that came in meanwhile. One system call
            // fewer per wake-up, which is what a request-response exchange pays for.
            skipNextReceive = false;
            return 0;
        }
        int n = 0;
        int reads = 0;   // the budget counts dropped frames too, so a flood of bad ones cannot hold the loop
        boolean drained = false;
        ByteBuffer rx = rxBuffer.buffer();
        while (reads < maxFrames && !closed) {
            reads++;
            long got = libc.read(fd, rxBuffer.address(), rxBuffer.capacity());
            if (got <= 0) {
                // EAGAIN: drained. Other errors (the device vanished) also end the batch; the
                // event loop keeps running and the next poll reports the same condition.
                skipNextReceive = reads > 1;
                drained = true;
                break;
            }
            int rxFlags = FrameOffload.NONE;
            if (vnetHdrLen > 0) {
                VirtioNetHeader.Error e = rxHeader.decode(rxView, 0, vnetHdrLen, (int) got);
                if (e != VirtioNetHeader.Error.OK) {
                    rxDrops[e.ordinal()]++;
                    continue;
                }
                rxFlags = rxHeader.rxFlags();
                if ((rxFlags & FrameOffload.RX_SEGMENTED) != 0) {
                    rxSuperFrames++;
                }
            }
            int len = (int) got - vnetHdrLen;
            batchOctets += len;
            ByteBuf frame = allocator.directBuffer(len, len);
            rx.limit((int) got).position(vnetHdrLen);
            frame.writeBytes(rx);
            rxFrames++;
            n++;
            if (rxFlags == FrameOffload.NONE) {
                sink.accept(frame);
            } else {
                sink.accept(frame, rxFlags);
            }
        }
        inputSaturated = !drained;   // the whole budget read and more may be waiting: a flood or bulk
        return n;
    }

    @Override
    public boolean transmit(ByteBuf frame) {
        return transmit(frame, 0);
    }

    @Override
    public boolean transmit(ByteBuf frame, int segmentSize) {
        if (closed) {
            frame.release();
            return false;
        }
        TransmitThread t = transmitThread;
        if (t == null) {
            return write(frame, segmentSize);
        }
        batchOctets += frame.readableBytes();
        // Request-response traffic is written here, whatever its batch length (see
        // BULK_BATCH_OCTETS). In bulk or under a flood, short batches are still written here:
        // handing them over would cost a thread wake-up each. Long ones go to the thread once it
        // is awake; the first frame of each batch is still written here when nothing is queued,
        // so no reply waits for it. Frames queued for the thread keep their order: while any is
        // pending, the next one queues too.
        boolean bulk = inputSaturated || batchOctets >= BULK_BATCH_OCTETS;
        int inlineLimit = !bulk ? Integer.MAX_VALUE : t.awake() ? 1 : INLINE_WRITES_WHILE_ASLEEP;
        if (writtenSinceFlush < inlineLimit && t.idle()) {
            writtenSinceFlush++;
            return write(frame, segmentSize);
        }
        return t.submit(frame, segmentSize);
    }

    @Override
    public void flush() {
        writtenSinceFlush = 0;
        batchOctets = 0;
        TransmitThread t = transmitThread;
        if (t != null) {
            t.wake();
        }
    }

    /**
     * Moves frame writes to a thread of their own (see {@link TransmitThread}): the loop then
     * spends its time on the protocols while the kernel takes in the frames. Call before the
     * loop starts. Worth it when the stack sends much more than one frame per wake-up (bulk
     * sends); it costs a second busy thread.
     */
    public void startTransmitThread() {
        if (transmitThread == null && !closed) {
            transmitThread = new TransmitThread("tx-" + name, 4096, this::write);
        }
    }

    /** Writes one frame and releases it; true if the kernel took it whole. */
    private boolean write(ByteBuf frame, int segmentSize) {
        try {
            return vnetHdrLen == 0 ? writePlain(frame) : writeWithVnetHeader(frame, segmentSize);
        } finally {
            frame.release();
        }
    }

    private boolean writeWithVnetHeader(ByteBuf frame, int segmentSize) {
        int len = frame.readableBytes();
        if (len > MAX_FRAME || !txHeader.describeTransmit(frame, segmentSize, mtu)) {
            txOversize++;
            return false;
        }
        txHeader.encode(txHeaderView, 0, vnetHdrLen);
        long wrote;
        if (frame.hasMemoryAddress()) {
            // One writev: the header from our buffer, the frame in place (no copy).
            ByteBuffer v = iov.buffer();
            v.putLong(16, frame.memoryAddress() + frame.readerIndex());
            v.putLong(24, len);
            wrote = libc.writev(fd, iov.address(), 2);
        } else {
            ByteBuffer tx = txBuffer.buffer();
            tx.clear();
            txHeaderView.getBytes(0, tx.limit(vnetHdrLen));
            tx.limit(vnetHdrLen + len).position(vnetHdrLen);
            frame.getBytes(frame.readerIndex(), tx);
            wrote = libc.write(fd, txBuffer.address(), vnetHdrLen + len);
        }
        if (wrote != vnetHdrLen + len) {
            txErrors++;
            return false;
        }
        txFrames++;
        if (txHeader.gsoType() != VirtioNetHeader.GSO_NONE) {
            txSuperFrames++;
        }
        return true;
    }

    private boolean writePlain(ByteBuf frame) {
        int len = frame.readableBytes();
        if (len > MAX_FRAME) {
            txErrors++;
            return false;
        }
        long address;
        if (frame.hasMemoryAddress()) {
            address = frame.memoryAddress() + frame.readerIndex();
        } else {
            ByteBuffer tx = txBuffer.buffer();
            tx.clear();
            frame.getBytes(frame.readerIndex(), tx.limit(len));
            address = txBuffer.address();
        }
        long wrote = libc.write(fd, address, len);
        if (wrote != len) {
            // A TAP write never blocks for long; EAGAIN/ENOBUFS mean the kernel queue is full,
            // and a full queue drops, as a NIC would.
            txErrors++;
            return false;
        }
        txFrames++;
        return true;
    }

    @Override
    public void setReadyListener(Runnable listener) {
        // Input readiness is signalled through the descriptor: the loop's FdPollWaiter watches fd().
    }

    public long rxFrames() {
        return rxFrames;
    }

    public long txFrames() {
        return txFrames;
    }

    public long txErrors() {
        return txErrors;
    }

    /** Frames the transmit thread wrote (0 without that thread); the loop wrote the rest. */
    public long txByThread() {
        TransmitThread t = transmitThread;
        return t == null ? 0 : t.written();
    }

    /** True unless the transmit thread holds frames not yet written. */
    public boolean transmitIdle() {
        TransmitThread t = transmitThread;
        return t == null || t.idle();
    }

    /** Frames dropped because the transmit thread's ring was full (0 without that thread). */
    public long txRingDrops() {
        TransmitThread t = transmitThread;
        return t == null ? 0 : t.dropped();
    }

    /** Offload mode: TCP super-frames received (GSO from the kernel). */
    public long rxSuperFrames() {
        return rxSuperFrames;
    }

    /** Offload mode: TCP super-frames written for the kernel to segment. */
    public long txSuperFrames() {
        return txSuperFrames;
    }

    /** Frames not sent because they exceed the MTU and cannot be segmented. */
    public long txOversize() {
        return txOversize;
    }

    /** Offload mode: frames dropped because their vnet header was bad, for one reason. */
    public long rxDrops(VirtioNetHeader.Error reason) {
        return rxDrops[reason.ordinal()];
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            if (transmitThread != null) {
                transmitThread.stop();
            }
            libc.close(fd);
        }
    }

    @Override
    public String toString() {
        return "TapDevice[" + name + " fd=" + fd + " " + mac + "]";
    }
}
