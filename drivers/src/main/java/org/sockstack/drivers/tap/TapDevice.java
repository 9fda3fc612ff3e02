package org.sockstack.drivers.tap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import org.sockstack.drivers.posix.LibC;
import org.sockstack.drivers.posix.NativeBuffer;
import org.sockstack.stack.device.Device;
import org.sockstack.stack.device.DeviceCapabilities;
import org.sockstack.stack.device.FrameSink;
import org.sockstack.stack.wire.MacAddress;

import java.nio.ByteBuffer;
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
 */
public final class TapDevice implements Device {
    /** {@code _IOW('T', 202, int)}. */
    static final long TUNSETIFF = 0x400454caL;
    static final short IFF_TAP = 0x0002;
    static final short IFF_NO_PI = 0x1000;
    private static final int IFNAMSIZ = 16;
    private static final int IFREQ_SIZE = 40;
    /** Largest frame read: a 64 KiB IP packet plus Ethernet and VLAN headers. */
    private static final int MAX_FRAME = 65_535 + 18;

    private final LibC libc = LibC.get();
    private final String name;
    private final int fd;
    private final MacAddress mac;
    private final int mtu;
    private final ByteBufAllocator allocator;
    private final NativeBuffer rxBuffer = new NativeBuffer(MAX_FRAME);
    private final NativeBuffer txBuffer = new NativeBuffer(MAX_FRAME);
    private volatile boolean closed;
    private long rxFrames;
    private long txFrames;
    private long txErrors;

    private TapDevice(String name, int fd, MacAddress mac, int mtu, ByteBufAllocator allocator) {
        this.name = name;
        this.fd = fd;
        this.mac = mac;
        this.mtu = mtu;
        this.allocator = allocator;
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
        ifr.putShort(IFNAMSIZ, (short) (IFF_TAP | IFF_NO_PI));
        if (libc.ioctl(fd, TUNSETIFF, ifr) < 0) {
            int err = LibC.errno();
            libc.close(fd);
            throw new TapException("cannot attach TAP device '" + name + "': " + LibC.describe(err) + hint(err), err);
        }
        return new TapDevice(name, fd, mac, mtu, allocator);
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
        return DeviceCapabilities.NONE;
    }

    @Override
    public ByteBufAllocator allocator() {
        return allocator;
    }

    @Override
    public int receive(int maxFrames, FrameSink sink) {
        int n = 0;
        ByteBuffer rx = rxBuffer.buffer();
        while (n < maxFrames && !closed) {
            long got = libc.read(fd, rxBuffer.address(), MAX_FRAME);
            if (got <= 0) {
                // EAGAIN: drained. Other errors (the device vanished) also end the batch; the
                // event loop keeps running and the next poll reports the same condition.
                break;
            }
            int len = (int) got;
            ByteBuf frame = allocator.directBuffer(len, len);
            rx.limit(len).position(0);
            frame.writeBytes(rx);
            rxFrames++;
            n++;
            sink.accept(frame);
        }
        return n;
    }

    @Override
    public boolean transmit(ByteBuf frame) {
        try {
            if (closed) {
                return false;
            }
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
        } finally {
            frame.release();
        }
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

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            libc.close(fd);
        }
    }

    @Override
    public String toString() {
        return "TapDevice[" + name + " fd=" + fd + " " + mac + "]";
    }
}
