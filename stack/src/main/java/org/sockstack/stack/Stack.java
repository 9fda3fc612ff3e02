package org.sockstack.stack;

import io.netty.buffer.ByteBuf;
import org.sockstack.stack.arp.Arp;
import org.sockstack.stack.device.Device;
import org.sockstack.stack.device.FrameOffload;
import org.sockstack.stack.device.FrameSink;
import org.sockstack.stack.iface.Ipv4InterfaceAddress;
import org.sockstack.stack.icmp.Icmpv4;
import org.sockstack.stack.igmp.Igmp;
import org.sockstack.stack.iface.NetworkInterface;
import org.sockstack.stack.ipv4.Ipv4;
import org.sockstack.stack.iface.Ipv6InterfaceAddress;
import org.sockstack.stack.icmpv6.Icmpv6;
import org.sockstack.stack.ipv6.Ipv6;
import org.sockstack.stack.mld.Mld;
import org.sockstack.stack.ndp.Ndp;
import org.sockstack.stack.ndp.NdpConfig;
import org.sockstack.stack.wire.Icmpv6Packet;
import org.sockstack.stack.wire.Ipv6Address;
import org.sockstack.stack.udp.Udp;
import org.sockstack.stack.wire.IpProtocol;
import org.sockstack.stack.loop.EventLoop;
import org.sockstack.stack.loop.Pollable;
import org.sockstack.stack.stats.Counter;
import org.sockstack.stack.stats.Counters;
import org.sockstack.stack.stats.EventTrace;
import org.sockstack.stack.tcp.Ipv4TcpNetwork;
import org.sockstack.stack.tcp.Ipv6TcpNetwork;
import org.sockstack.stack.tcp.Tcp;
import org.sockstack.stack.tcp.TcpConfig;
import org.sockstack.stack.wire.EtherType;
import org.sockstack.stack.wire.EthernetFrame;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.WireError;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * One TCP/IP stack instance: its interfaces and protocols, driven by one {@link EventLoop}
 * (DESIGN rule 4). Everything here runs on the loop thread; other threads submit work through
 * {@link EventLoop#execute}.
 *
 * <p>Receive path, once per poll: each device hands up to {@code receiveBudget} frames to
 * {@link #receiveFrame}, which validates the Ethernet header, applies the interface's address
 * filter and dispatches by EtherType. Handlers borrow the frame for the duration of the call: the
 * stack releases it afterwards, so a handler that keeps data retains or copies it.
 */
public final class Stack implements Pollable {
    private final java.util.List<Runnable> addressListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final StackConfig config;
    private final EventLoop loop;
    private final Counters counters = new Counters();
    private final EventTrace trace = new EventTrace();
    private final RandomGenerator random;
    private final List<NetworkInterface> interfaces = new ArrayList<>();
    private final List<Arp> arp = new ArrayList<>();
    private final EthernetFrame ethernet = new EthernetFrame();
    private final Ipv4 ipv4;
    private final Icmpv4 icmpv4;
    private final Udp udp;
    private final Tcp tcp;
    private final Igmp igmp;
    // IPv6 (RFC 8200), ICMPv6 (RFC 4443) and Neighbor Discovery (RFC 4861) per enabled interface.
    private final Ipv6 ipv6;
    private final Icmpv6 icmpv6;
    private final Mld mld;
    private final org.sockstack.stack.raw.RawSockets raw;
    private final java.util.Map<NetworkInterface, Ndp> ndp = new java.util.HashMap<>();
    private NdpConfig ndpConfig = NdpConfig.DEFAULT;

    private final Counter rxFrames;
    private final Counter dropNotForUs;
    private final Counter dropUnknownType;
    private final Counter dropVlan;
    private final Counter[] dropMalformed;

    // The frame sink is one object reused for every frame (no lambda per poll): it reads the
    // interface and time set just before each device is polled.
    private final FrameSink sink = new FrameSink() {
        @Override
        public void accept(ByteBuf frame) {
            dispatchFrame(frame, FrameOffload.NONE);
        }

        @Override
        public void accept(ByteBuf frame, int rxFlags) {
            dispatchFrame(frame, rxFlags);
        }
    };
    private NetworkInterface polling;
    private long pollingNow;
    private boolean packetTrace;

    public Stack(EventLoop loop, StackConfig config) {
        this(loop, config, TcpConfig.DEFAULT);
    }

    public Stack(EventLoop loop, StackConfig config, TcpConfig tcpConfig) {
        this.loop = loop;
        this.config = config;
        this.random = new SplittableRandom(config.seed());
        rxFrames = counters.counter("link.rx.frames");
        dropNotForUs = counters.drop("link", "not_for_us");
        dropUnknownType = counters.drop("link", "unknown_ethertype");
        dropVlan = counters.drop("link", "vlan_mismatch");
        dropMalformed = new Counter[WireError.values().length];
        for (WireError e : WireError.values()) {
            dropMalformed[e.ordinal()] = counters.drop("link", e.reason());
        }
        ipv4 = new Ipv4(interfaces, arp::get, loop.timers(), io.netty.buffer.PooledByteBufAllocator.DEFAULT,
                random, counters, trace);
        icmpv4 = new Icmpv4(ipv4, random, counters, trace);
        ipv4.register(IpProtocol.ICMP, icmpv4);
        ipv4.setErrorSink(icmpv4);
        udp = new Udp(ipv4, this::interfaceAt, io.netty.buffer.PooledByteBufAllocator.DEFAULT, random, counters, trace);
        ipv4.register(IpProtocol.UDP, udp);
        icmpv4.registerTransport(IpProtocol.UDP, udp);
        udp.setPortUnreachableSender(icmpv4::portUnreachable);
        tcp = new Tcp(tcpConfig, loop.timers(), random, counters, trace);
        Ipv4TcpNetwork tcpOverIpv4 = new Ipv4TcpNetwork(ipv4, interfaces, tcp);
        tcp.addNetwork(tcpOverIpv4);
        ipv4.register(IpProtocol.TCP, tcpOverIpv4);
        icmpv4.registerTransport(IpProtocol.TCP, tcpOverIpv4);
        igmp = new Igmp(ipv4, loop.timers(), random, counters, trace);
        ipv4.register(IpProtocol.IGMP, igmp);
        ipv4.setGroupListener(igmp);
        udp.setSocketFilterListener(igmp);
        ipv6 = new Ipv6(interfaces, ndp::get, loop.timers(), io.netty.buffer.PooledByteBufAllocator.DEFAULT, random,
                counters, trace);
        icmpv6 = new Icmpv6(ipv6, random, counters, trace);
        ipv6.register(IpProtocol.ICMPV6, icmpv6);
        ipv6.setErrorSink(icmpv6);
        for (int type = Icmpv6Packet.TYPE_ROUTER_SOLICITATION; type <= Icmpv6Packet.TYPE_REDIRECT; type++) {
            icmpv6.registerMessageHandler(type, (iface, ip, msg, cast, now) -> {
                Ndp n = ndp.get(iface);
                if (n != null) {
                    n.receive(ip, msg, cast, now);
                }
            });
        }
        // MLD (RFC 3810): told of every IPv6 group joined (solicited-node groups included) and
        // of the sockets' source filters; answers queries.
        mld = new Mld(ipv6, loop.timers(), random, counters, trace);
        for (int type : new int[] {Icmpv6Packet.TYPE_MLD_QUERY, Icmpv6Packet.TYPE_MLD_REPORT,
                Icmpv6Packet.TYPE_MLD_DONE, Icmpv6Packet.TYPE_MLDV2_REPORT}) {
            icmpv6.registerMessageHandler(type, mld);
        }
        ipv6.setGroupListener(mld);
        udp.setIpv6SocketFilterListener(mld);
        udp.attachIpv6(ipv6, icmpv6::portUnreachable);
        ipv6.register(IpProtocol.UDP, udp.ipv6Handler());
        // TCP over IPv6 (RFC 8200 section 8): the same TCP, a second network.
        Ipv6TcpNetwork tcpOverIpv6 = new Ipv6TcpNetwork(ipv6, tcp);
        tcp.addNetwork(tcpOverIpv6);
        ipv6.register(IpProtocol.TCP, tcpOverIpv6);
        icmpv6.registerTransport(IpProtocol.TCP, tcpOverIpv6);
        icmpv6.registerTransport(IpProtocol.UDP, udp.ipv6ErrorListener());
        // Raw sockets: a copy of every datagram delivered to this host, by protocol number.
        raw = new org.sockstack.stack.raw.RawSockets(ipv4, ipv6, counters, trace);
        loop.register(this);
    }

    public Icmpv4 icmpv4() {
        return icmpv4;
    }

    public Udp udp() {
        return udp;
    }

    /** IGMP: group membership reports and the per-interface membership state. */
    public Igmp igmp() {
        return igmp;
    }

    /** The interface with index {@code i}, or null. */
    public NetworkInterface interfaceAt(int i) {
        return i >= 0 && i < interfaces.size() ? interfaces.get(i) : null;
    }

    /** The IPv4 layer: routes, protocol registration, output. */
    public Ipv4 ipv4() {
        return ipv4;
    }

    /** TCP: sockets ({@link Tcp#open()}), connections, counters. */
    public Tcp tcp() {
        return tcp;
    }

    public EventLoop loop() {
        return loop;
    }

    public StackConfig config() {
        return config;
    }

    public Counters counters() {
        return counters;
    }

    public EventTrace trace() {
        return trace;
    }

    public RandomGenerator random() {
        return random;
    }

    public List<NetworkInterface> interfaces() {
        return interfaces;
    }

    /** Attaches a device as a new interface. Loop thread (or before the loop starts). */
    public NetworkInterface addInterface(Device device) {
        assert loop.inEventLoop();
        NetworkInterface iface = new NetworkInterface(interfaces.size(), device, counters);
        interfaces.add(iface);
        if (packetTrace) {
            iface.setTransmitTap(frame -> tracePacket(iface, "out", frame));
        }
        arp.add(new Arp(iface, loop.timers(), config.arp(), random, counters, trace));
        // RFC 1112 section 7.2: every host joins the all-hosts group 224.0.0.1 on each interface.
        iface.joinIpv4Group(0xE000_0001);
        device.setReadyListener(loop.waiter()::wakeup);
        return iface;
    }

    /**
     * Assigns an IPv4 address to an interface. It is announced with gratuitous ARP (RFC 5227 2.3)
     * and, if the stack is configured to probe, used only after probing found no conflict.
     */
    public Ipv4InterfaceAddress addIpv4Address(NetworkInterface iface, Ipv4Address address, int prefixLength) {
        assert loop.inEventLoop();
        Ipv4InterfaceAddress a = new Ipv4InterfaceAddress(address, prefixLength);
        iface.addIpv4(a);
        ipv4.addOnLinkRoute(iface, a);
        arp(iface).start(a, config.probeIpv4(), loop.clock().nanos());
        addressesChanged();
        return a;
    }

    /**
     * Runs {@code listener} (on the loop thread) after every address this stack's
     * {@link #addIpv4Address} / {@link #addIpv6Address} assigns: Winsock's SIO_ADDRESS_LIST_CHANGE.
     */
    public void addAddressListener(Runnable listener) {
        assert loop.inEventLoop();
        addressListeners.add(listener);
    }

    private void addressesChanged() {
        for (Runnable r : addressListeners) {
            r.run();
        }
    }

    /**
     * Switches the packet trace: one tcpdump-like line per frame received or sent goes to the
     * event trace (which must be enabled too) as a PACKET event.
     */
    public void setPacketTrace(boolean on) {
        assert loop.inEventLoop();
        packetTrace = on;
        for (NetworkInterface iface : interfaces) {
            iface.setTransmitTap(on ? frame -> tracePacket(iface, "out", frame) : null);
        }
    }

    private void tracePacket(NetworkInterface iface, String direction, ByteBuf frame) {
        if (trace.enabled()) {
            trace.record(loop.clock().nanos(), org.sockstack.stack.stats.TraceEvent.Kind.PACKET, iface.name(),
                    direction + " " + org.sockstack.stack.stats.PacketFormatter.describe(frame));
        }
    }

    public Ipv6 ipv6() {
        return ipv6;
    }

    public Icmpv6 icmpv6() {
        return icmpv6;
    }

    /** Raw IPv4 and IPv6 sockets. */
    public org.sockstack.stack.raw.RawSockets raw() {
        return raw;
    }

    /** MLD: listener reports and the per-interface IPv6 membership state. */
    public Mld mld() {
        return mld;
    }

    /** Neighbor Discovery on an interface, or null if IPv6 is not enabled there. */
    public Ndp ndp(NetworkInterface iface) {
        return ndp.get(iface);
    }

    /** Settings used by interfaces on which IPv6 is enabled from now on. */
    public void setNdpConfig(NdpConfig config) {
        this.ndpConfig = java.util.Objects.requireNonNull(config);
    }

    /**
     * Enables IPv6 on an interface (idempotent): joins all-nodes, forms the link-local address
     * and runs DAD on it, and solicits routers (RFC 4862 section 5.3, RFC 4861 6.3.7).
     */
    public Ndp enableIpv6(NetworkInterface iface) {
        assert loop.inEventLoop();
        Ndp n = ndp.get(iface);
        if (n == null) {
            n = new Ndp(iface, ipv6, loop.timers(), config.arp(), ndpConfig, random, counters, trace);
            ndp.put(iface, n);
            n.start(loop.clock().nanos());
        }
        return n;
    }

    /**
     * Assigns a static IPv6 address (enabling IPv6 on the interface if needed). It is TENTATIVE
     * until Duplicate Address Detection passes (RFC 4862 5.4), about one second.
     */
    public Ipv6InterfaceAddress addIpv6Address(NetworkInterface iface, Ipv6Address address, int prefixLength) {
        assert loop.inEventLoop();
        Ndp n = enableIpv6(iface);
        Ipv6InterfaceAddress a = n.addStaticAddress(address, prefixLength, loop.clock().nanos());
        ipv6.addOnLinkRoute(iface, address, prefixLength);
        addressesChanged();
        return a;
    }

    /** The ARP instance of an interface. */
    public Arp arp(NetworkInterface iface) {
        return arp.get(iface.index());
    }

    @Override
    public boolean poll(long now) {
        boolean busy = false;
        pollingNow = now;
        for (int i = 0; i < interfaces.size(); i++) {
            NetworkInterface iface = interfaces.get(i);
            polling = iface;
            int n = iface.device().receive(config.receiveBudget(), sink);
            if (n > 0) {
                busy = true;
            }
        }
        tcp.flushDeferredAcks(now);
        for (int i = 0; i < interfaces.size(); i++) {
            interfaces.get(i).device().flush();
        }
        return busy;
    }

    private void dispatchFrame(ByteBuf frame, int rxFlags) {
        try {
            receiveFrame(polling, frame, rxFlags, pollingNow);
        } finally {
            frame.release();
        }
    }

    /**
     * Handles one received frame that carries offload flags ({@link FrameOffload}): e.g. a TCP
     * super-frame from a TAP device with a virtio-net header whose checksum was never filled in.
     * The flags hold for this frame only. The frame is borrowed.
     */
    public void receiveFrame(NetworkInterface iface, ByteBuf frame, int rxFlags, long now) {
        iface.setRxFlags(rxFlags);
        try {
            receiveFrame(iface, frame, now);
        } finally {
            iface.setRxFlags(FrameOffload.NONE);
        }
    }

    /** Handles one received frame on {@code iface}; the frame is borrowed. */
    public void receiveFrame(NetworkInterface iface, ByteBuf frame, long now) {
        rxFrames.increment();
        if (packetTrace) {
            tracePacket(iface, "in ", frame);
        }
        EthernetFrame eth = ethernet.wrap(frame);
        WireError e = eth.check();
        if (!e.ok()) {
            drop(dropMalformed[e.ordinal()], "link", e.reason(), now);
            return;
        }
        int vlan = eth.vlanId();
        if (vlan > 0) {
            // The interface is not configured for VLANs: a tagged frame belongs to another LAN.
            drop(dropVlan, "link", "vlan_mismatch", now);
            return;
        }
        if (!iface.accepts(eth.dstAddr())) {
            drop(dropNotForUs, "link", "not_for_us", now);
            return;
        }
        int offset = eth.payloadOffset();
        int length = eth.payloadLength();
        switch (eth.etherType()) {
            case EtherType.ARP -> arp(iface).receive(frame, offset, length, eth.dstAddr() == iface.mac(), now);
            case EtherType.IPV4 -> ipv4.receive(iface, frame, offset, length, (eth.dstAddr() & 0x0100_0000_0000L) != 0,
                    now);
            case EtherType.IPV6 -> ipv6.receive(iface, frame, offset, length, (eth.dstAddr() & 0x0100_0000_0000L) != 0,
                    now);
            default -> drop(dropUnknownType, "link", "unknown_ethertype", now);
        }
    }

    private void drop(Counter counter, String layer, String reason, long now) {
        counter.increment();
        if (trace.enabled()) {
            trace.drop(now, layer, reason);
        }
    }

    /**
     * Releases what the stack holds for packets in flight: frames queued for address resolution
     * and fragments under reassembly. Loop thread; the devices are closed by their owner.
     */
    public void close() {
        assert loop.inEventLoop();
        for (Arp a : arp) {
            a.cache().clear();
        }
        for (Ndp n : ndp.values()) {
            n.cache().clear();
        }
        ipv4.reassembler().clear();
        ipv6.reassembler().clear();
        loop.unregister(this);
    }

    @Override
    public String toString() {
        return "Stack[" + config.name() + "]";
    }
}
