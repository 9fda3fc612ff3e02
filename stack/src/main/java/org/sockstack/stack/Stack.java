package org.sockstack.stack;

import io.netty.buffer.ByteBuf;
import org.sockstack.stack.arp.Arp;
import org.sockstack.stack.device.Device;
import org.sockstack.stack.device.FrameSink;
import org.sockstack.stack.iface.Ipv4InterfaceAddress;
import org.sockstack.stack.icmp.Icmpv4;
import org.sockstack.stack.iface.NetworkInterface;
import org.sockstack.stack.ipv4.Ipv4;
import org.sockstack.stack.udp.Udp;
import org.sockstack.stack.wire.IpProtocol;
import org.sockstack.stack.loop.EventLoop;
import org.sockstack.stack.loop.Pollable;
import org.sockstack.stack.stats.Counter;
import org.sockstack.stack.stats.Counters;
import org.sockstack.stack.stats.EventTrace;
import org.sockstack.stack.tcp.Ipv4TcpNetwork;
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

    private final Counter rxFrames;
    private final Counter dropNotForUs;
    private final Counter dropUnknownType;
    private final Counter[] dropMalformed;

    // The frame sink is one object reused for every frame (no lambda per poll): it reads the
    // interface and time set just before each device is polled.
    private final FrameSink sink = this::dispatchFrame;
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
        loop.register(this);
    }

    public Icmpv4 icmpv4() {
        return icmpv4;
    }

    public Udp udp() {
        return udp;
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
        return a;
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
        for (int i = 0; i < interfaces.size(); i++) {
            interfaces.get(i).device().flush();
        }
        return busy;
    }

    private void dispatchFrame(ByteBuf frame) {
        try {
            receiveFrame(polling, frame, pollingNow);
        } finally {
            frame.release();
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
        if (!iface.accepts(eth.dstAddr())) {
            drop(dropNotForUs, "link", "not_for_us", now);
            return;
        }
        int offset = eth.payloadOffset();
        int length = eth.payloadLength();
        switch (eth.etherType()) {
            case EtherType.ARP -> arp(iface).receive(frame, offset, length, now);
            case EtherType.IPV4 -> ipv4.receive(iface, frame, offset, length, now);
            default -> drop(dropUnknownType, "link", "unknown_ethertype", now);
        }
    }

    private void drop(Counter counter, String layer, String reason, long now) {
        counter.increment();
        if (trace.enabled()) {
            trace.drop(now, layer, reason);
        }
    }

    @Override
    public String toString() {
        return "Stack[" + config.name() + "]";
    }
}
