package org.sockstack.stack.iface;

import io.netty.buffer.ByteBuf;
import org.sockstack.stack.device.Device;
import org.sockstack.stack.stats.Counter;
import org.sockstack.stack.stats.Counters;
import org.sockstack.stack.wire.EthernetRepr;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.Ipv6Address;
import org.sockstack.stack.wire.MacAddress;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One interface of a stack: a {@link Device} plus what the stack configured on it (addresses,
 * joined link-layer multicast groups). Event loop thread only.
 */
public final class NetworkInterface {
    private final int index;
    private final Device device;
    private final long mac;
    private final List<Ipv4InterfaceAddress> ipv4 = new ArrayList<>();
    /** Link-layer multicast addresses accepted, with a reference count per address. */
    private final Map<Long, Integer> multicastFilter = new HashMap<>();
    /** IPv4 groups joined on this interface (RFC 1112 section 7.2), with reference counts. */
    private final Map<Integer, Integer> ipv4Groups = new HashMap<>();
    private final List<Ipv6InterfaceAddress> ipv6 = new ArrayList<>();
    /** IPv6 groups joined on this interface (RFC 4291 2.7.1, RFC 4861 7.2.1), with reference counts. */
    private final Map<Ipv6Address, Integer> ipv6Groups = new HashMap<>();
    private final Counter txFrames;
    private final Counter txDropped;
    private int mtu;
    private java.util.function.Consumer<ByteBuf> transmitTap;
    /** {@link org.sockstack.stack.device.FrameOffload} flags of the frame being received now. */
    private int rxFlags;
    /** The TSO segment size of the frame being sent now (0: an ordinary frame). */
    private int txSegmentSize;

    public NetworkInterface(int index, Device device, Counters counters) {
        this.index = index;
        this.device = Objects.requireNonNull(device);
        this.mac = device.macAddress().bits();
        this.mtu = device.mtu();
        this.txFrames = counters.counter("link." + device.name() + ".tx.frames");
        this.txDropped = counters.drop("link", "tx_queue_full");
    }

    public int index() {
        return index;
    }

    public String name() {
        return device.name();
    }

    public Device device() {
        return device;
    }

    public long mac() {
        return mac;
    }

    public MacAddress macAddress() {
        return device.macAddress();
    }

    /** The largest IP packet this link carries. */
    public int mtu() {
        return mtu;
    }

    public void setMtu(int mtu) {
        if (mtu < 68 || mtu > device.mtu()) {
            throw new IllegalArgumentException("MTU must be between 68 and the device's " + device.mtu());
        }
        this.mtu = mtu;
    }

    // ---- per-frame offload state (set and cleared around one frame on the loop thread) ----

    /** Offload flags ({@link org.sockstack.stack.device.FrameOffload}) of the frame in hand. */
    public int rxFlags() {
        return rxFlags;
    }

    /** Set by the stack while it handles one received frame, reset to 0 afterwards. */
    public void setRxFlags(int flags) {
        this.rxFlags = flags;
    }

    /** True if the frame in hand needs no TCP/UDP checksum verification (device capability or frame flag). */
    public boolean rxChecksumUnnecessary() {
        return device.capabilities().rxChecksumVerified()
                || org.sockstack.stack.device.FrameOffload.checksumUnnecessary(rxFlags);
    }

    /** True if TCP may hand this interface super-frames for segmentation offload (TSO). */
    public boolean tcpSegmentationOffload() {
        return device.capabilities().tcpSegmentationOffload();
    }

    /** The TSO segment size of the frame being sent now; 0 for ordinary frames. */
    public int txSegmentSize() {
        return txSegmentSize;
    }

    /**
     * Set by TCP around sending one super-frame: IP then lets the datagram exceed the MTU and
     * {@link #transmit} asks the device to segment it. Reset to 0 afterwards.
     */
    public void setTxSegmentSize(int segmentSize) {
        this.txSegmentSize = segmentSize;
    }

    // ---- IPv4 addresses ----

    public List<Ipv4InterfaceAddress> ipv4Addresses() {
        return ipv4;
    }

    public void addIpv4(Ipv4InterfaceAddress address) {
        ipv4.add(address);
    }

    public boolean removeIpv4(Ipv4Address address) {
        return ipv4.removeIf(a -> a.address().equals(address));
    }

    /** The entry for {@code addr} on this interface in any state (tentative, assigned, conflict), or null. */
    public Ipv4InterfaceAddress findIpv4(int addr) {
        for (int i = 0; i < ipv4.size(); i++) {
            Ipv4InterfaceAddress a = ipv4.get(i);
            if (a.bits() == addr) {
                return a;
            }
        }
        return null;
    }

    /** True if {@code addr} is one of our usable unicast addresses here. */
    public boolean hasIpv4(int addr) {
        Ipv4InterfaceAddress a = findIpv4(addr);
        return a != null && a.usable();
    }

    /** True if {@code addr} is the directed broadcast address of one of our subnets. */
    public boolean isIpv4SubnetBroadcast(int addr) {
        for (int i = 0; i < ipv4.size(); i++) {
            if (ipv4.get(i).broadcast() == addr) {
                return true;
            }
        }
        return false;
    }

    /** The first usable address, preferring one on the same subnet as {@code dst} (source selection). */
    public Ipv4InterfaceAddress preferredIpv4Source(int dst) {
        Ipv4InterfaceAddress fallback = null;
        for (int i = 0; i < ipv4.size(); i++) {
            Ipv4InterfaceAddress a = ipv4.get(i);
            if (!a.usable()) {
                continue;
            }
            if (a.onLink(dst)) {
                return a;
            }
            if (fallback == null) {
                fallback = a;
            }
        }
        return fallback;
    }

    // ---- IPv4 multicast ----

    /** Joins an IPv4 group here: the link-layer filter accepts its MAC (RFC 1112 6.4). */
    public void joinIpv4Group(int group) {
        if (ipv4Groups.merge(group, 1, Integer::sum) == 1) {
            joinLinkMulticast(MacAddress.ofIpv4Multicast(group).bits());
        }
    }

    public void leaveIpv4Group(int group) {
        Integer n = ipv4Groups.get(group);
        if (n == null) {
            return;
        }
        if (n > 1) {
            ipv4Groups.put(group, n - 1);
        } else {
            ipv4Groups.remove(group);
            leaveLinkMulticast(MacAddress.ofIpv4Multicast(group).bits());
        }
    }

    public boolean acceptsIpv4Multicast(int group) {
        return ipv4Groups.containsKey(group);
    }

    public java.util.Set<Integer> ipv4Groups() {
        return java.util.Collections.unmodifiableSet(ipv4Groups.keySet());
    }

    // ---- IPv6 addresses ----

    public List<Ipv6InterfaceAddress> ipv6Addresses() {
        return ipv6;
    }

    public void addIpv6(Ipv6InterfaceAddress address) {
        ipv6.add(address);
    }

    public boolean removeIpv6(Ipv6Address address) {
        return ipv6.removeIf(a -> a.address().equals(address));
    }

    /** The entry for {@code addr} on this interface (in any state), or null. */
    public Ipv6InterfaceAddress findIpv6(Ipv6Address addr) {
        for (int i = 0; i < ipv6.size(); i++) {
            Ipv6InterfaceAddress a = ipv6.get(i);
            if (a.address().equals(addr)) {
                return a;
            }
        }
        return null;
    }

    /** True if {@code addr} is one of our usable (preferred or deprecated) unicast addresses here. */
    public boolean hasIpv6(Ipv6Address addr) {
        Ipv6InterfaceAddress a = findIpv6(addr);
        return a != null && a.usable();
    }

    // ---- IPv6 multicast ----

    /** Joins an IPv6 group here: the link-layer filter accepts its MAC (RFC 2464 section 7). */
    public void joinIpv6Group(Ipv6Address group) {
        if (ipv6Groups.merge(group, 1, Integer::sum) == 1) {
            joinLinkMulticast(MacAddress.ofIpv6Multicast(group).bits());
        }
    }

    public void leaveIpv6Group(Ipv6Address group) {
        Integer n = ipv6Groups.get(group);
        if (n == null) {
            return;
        }
        if (n > 1) {
            ipv6Groups.put(group, n - 1);
        } else {
            ipv6Groups.remove(group);
            leaveLinkMulticast(MacAddress.ofIpv6Multicast(group).bits());
        }
    }

    public boolean acceptsIpv6Multicast(Ipv6Address group) {
        return ipv6Groups.containsKey(group);
    }

    public java.util.Set<Ipv6Address> ipv6Groups() {
        return java.util.Collections.unmodifiableSet(ipv6Groups.keySet());
    }

    // ---- link-layer filter ----

    /** Accepts frames for {@code groupMac} (reference counted). */
    public void joinLinkMulticast(long groupMac) {
        multicastFilter.merge(groupMac, 1, Integer::sum);
    }

    public void leaveLinkMulticast(long groupMac) {
        multicastFilter.computeIfPresent(groupMac, (k, n) -> n > 1 ? n - 1 : null);
    }

    /** The receive filter: our unicast address, broadcast, or a joined multicast group. */
    public boolean accepts(long dstMac) {
        if (dstMac == mac || dstMac == MacAddress.BROADCAST.bits()) {
            return true;
        }
        return (dstMac & 0x0100_0000_0000L) != 0 && multicastFilter.containsKey(dstMac);
    }

    // ---- transmit ----

    /**
     * A new frame buffer for an Ethernet payload of {@code payloadLength} octets, with the
     * Ethernet header written except the destination (filled by {@link #transmit}). The payload
     * starts at index {@link org.sockstack.stack.wire.EthernetFrame#HEADER_LENGTH}; the writer
     * index is set to the end of the frame.
     */
    public ByteBuf newFrame(int etherType, int payloadLength) {
        int length = org.sockstack.stack.wire.EthernetFrame.HEADER_LENGTH + payloadLength;
        ByteBuf frame = device.allocator().directBuffer(length, length);
        EthernetRepr.emit(frame, 0, 0, mac, etherType);
        frame.writerIndex(length);
        return frame;
    }

    /** Sees every frame just before it is transmitted (the packet trace); null for none. */
    public void setTransmitTap(java.util.function.Consumer<ByteBuf> tap) {
        this.transmitTap = tap;
    }

    /** Writes {@code dstMac} into the frame's header and hands it to the device (takes ownership). */
    public void transmit(ByteBuf frame, long dstMac) {
        MacAddress.write(frame, frame.readerIndex(), dstMac);
        if (transmitTap != null) {
            transmitTap.accept(frame);
        }
        if (txSegmentSize > 0 ? device.transmit(frame, txSegmentSize) : device.transmit(frame)) {
            txFrames.increment();
        } else {
            txDropped.increment();
        }
    }

    @Override
    public String toString() {
        return name() + " " + macAddress() + " mtu " + mtu + " " + ipv4;
    }
}
