package org.sockstack.stack.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.sockstack.stack.Stack;
import org.sockstack.stack.StackConfig;
import org.sockstack.stack.device.ChannelDevice;
import org.sockstack.stack.iface.NetworkInterface;
import org.sockstack.stack.loop.EventLoop;
import org.sockstack.stack.loop.ManualClock;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.wire.ArpPacket;
import org.sockstack.stack.wire.ArpRepr;
import org.sockstack.stack.wire.EtherType;
import org.sockstack.stack.wire.EthernetFrame;
import org.sockstack.stack.wire.EthernetRepr;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.Ipv4Packet;
import org.sockstack.stack.wire.Ipv4Repr;
import org.sockstack.stack.wire.MacAddress;
import org.sockstack.stack.wire.TcpOptions;
import org.sockstack.stack.wire.TcpRepr;
import org.sockstack.stack.wire.TcpSegment;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stack on a manual clock with one in-memory interface, for crafted-segment tests: the test
 * plays the peer (192.0.2.1), injecting segments built with {@link TcpRepr} and reading back what
 * the stack sent. The peer's MAC is pre-loaded into the ARP cache; ARP frames are skipped.
 */
final class TcpTestHost implements AutoCloseable {
    static final MacAddress STACK_MAC = MacAddress.parse("02:00:00:00:00:02");
    static final MacAddress PEER_MAC = MacAddress.parse("02:00:00:00:00:01");
    static final Ipv4Address STACK_IP = Ipv4Address.parse("192.0.2.2");
    static final Ipv4Address PEER_IP = Ipv4Address.parse("192.0.2.1");
    static final int ISS = 1_000;

    /** A segment the stack sent: header and data. */
    record Sent(TcpRepr h, byte[] data) {
        int seq() {
            return h.seqNumber();
        }

        int ack() {
            return h.ackNumber();
        }

        boolean is(int flags) {
            return h.flags() == flags;
        }

        @Override
        public String toString() {
            return h.toString();
        }
    }

    final ManualClock clock = new ManualClock();
    final EventLoop loop = new EventLoop("tcp-test", clock);
    final Stack stack;
    final ChannelDevice device;
    final NetworkInterface iface;
    final Tcp tcp;
    private final List<ByteBuf> captured = new ArrayList<>();

    TcpTestHost() {
        this(TcpConfig.DEFAULT);
    }

    TcpTestHost(TcpConfig config) {
        this(config, d -> d);
    }

    /** With the in-memory device wrapped (e.g. to advertise offloads); the wrapper must pass frames through. */
    TcpTestHost(TcpConfig config, java.util.function.UnaryOperator<org.sockstack.stack.device.Device> wrap) {
        stack = new Stack(loop, StackConfig.defaults("tcp-test").withSeed(7), config);
        device = new ChannelDevice("eth0", STACK_MAC, 1500);
        iface = stack.addInterface(wrap.apply(device));
        stack.addIpv4Address(iface, STACK_IP, 24);
        run();
        advance(5_000);
        stack.arp(iface).cache().onUnsolicited(PEER_IP, PEER_MAC.bits(), true, now());
        drainFrames();
        tcp = stack.tcp();
        tcp.setIsnGenerator((l, lp, r, rp, now) -> ISS);
    }

    long now() {
        return clock.nanos();
    }

    /** Runs the loop; answers the stack's ARP requests for the peer (as the peer would) and keeps the rest. */
    void run() {
        while (true) {
            loop.runUntilIdle();
            boolean answered = false;
            ByteBuf f;
            while ((f = device.takeSent()) != null) {
                EthernetFrame eth = new EthernetFrame().wrap(f);
                if (eth.check().ok() && eth.etherType() == EtherType.ARP) {
                    var arp = ArpRepr.parse(new ArpPacket().wrap(f, eth.payloadOffset(), eth.payloadLength()));
                    f.release();
                    if (arp.ok() && arp.value().isRequest() && arp.value().targetProtocolAddr().equals(PEER_IP)) {
                        ArpRepr reply = ArpRepr.reply(PEER_MAC, PEER_IP, STACK_MAC, STACK_IP);
                        ByteBuf r = Unpooled.wrappedBuffer(new byte[60]);
                        new EthernetRepr(PEER_MAC, STACK_MAC, EtherType.ARP).emit(r, 0);
                        reply.emit(r, EthernetFrame.HEADER_LENGTH);
                        device.inject(r);
                        answered = true;
                    }
                } else {
                    captured.add(f);
                }
            }
            if (!answered) {
                return;
            }
        }
    }

    /** Moves virtual time forward by {@code millis}, firing everything due on the way. */
    void advance(long millis) {
        advanceNanos(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    void advanceNanos(long nanos) {
        long target = clock.nanos() + nanos;
        while (true) {
            run();
            long next = loop.nextDeadline(clock.nanos());
            if (next > target) {
                clock.advanceTo(target);
                run();
                return;
            }
            clock.advanceTo(Math.max(next, clock.nanos()));
        }
    }

    /** Injects a segment from the peer, {@code data} as its payload (or null). */
    void inject(TcpRepr h, byte[] data) {
        device.inject(frame(h, data, PEER_IP, STACK_IP));
        run();
    }

    void inject(int srcPort, int dstPort, int seq, int ack, int flags, int window, TcpOptions opts, byte[] data) {
        inject(new TcpRepr(srcPort, dstPort, seq, ack, flags, window, 0, opts, data == null ? 0 : data.length), data);
    }

    static ByteBuf frame(TcpRepr h, byte[] data, Ipv4Address src, Ipv4Address dst) {
        int tcpLength = h.tcpLength();
        int len = EthernetFrame.HEADER_LENGTH + Ipv4Packet.MIN_HEADER_LENGTH + tcpLength;
        ByteBuf f = Unpooled.wrappedBuffer(new byte[len]);
        new EthernetRepr(PEER_MAC, STACK_MAC, EtherType.IPV4).emit(f, 0);
        Ipv4Repr.emitHeader(f, EthernetFrame.HEADER_LENGTH, src.bits(), dst.bits(), TcpSegment.PROTOCOL_NUMBER,
                tcpLength, 64, 0, 0, true, false, 0);
        int at = EthernetFrame.HEADER_LENGTH + Ipv4Packet.MIN_HEADER_LENGTH;
        if (data != null) {
            f.setBytes(at + h.headerLength(), data);
        }
        h.emit(f, at, TcpSegment.pseudoHeaderIpv4(src.bits(), dst.bits(), tcpLength));
        return f;
    }

    /** Every TCP segment sent since the last call (other frames are dropped), checksums verified. */
    List<Sent> sent() {
        List<Sent> out = new ArrayList<>();
        run();
        for (ByteBuf f : captured) {
            try {
                Sent s = parse(f);
                if (s != null) {
                    out.add(s);
                }
            } finally {
                f.release();
            }
        }
        captured.clear();
        return out;
    }

    static Sent parse(ByteBuf f) {
        EthernetFrame eth = new EthernetFrame().wrap(f);
        assertTrue(eth.check().ok());
        if (eth.etherType() != EtherType.IPV4) {
            return null;
        }
        Ipv4Packet ip = new Ipv4Packet().wrap(f, eth.payloadOffset(), eth.payloadLength());
        assertTrue(ip.check().ok());
        assertEquals(TcpSegment.PROTOCOL_NUMBER, ip.protocol());
        assertTrue(ip.dontFragment(), "TCP segments go out with DF");
        TcpSegment seg = new TcpSegment().wrap(f, ip.payloadOffset(), ip.payloadLength());
        var parsed = TcpRepr.parse(seg, TcpSegment.pseudoHeaderIpv4(ip.srcAddr(), ip.dstAddr(), seg.length()));
        assertTrue(parsed.ok(), () -> "bad segment: " + parsed);
        byte[] data = new byte[seg.payloadLength()];
        f.getBytes(seg.payloadOffset(), data);
        return new Sent(parsed.value(), data);
    }

    /** Exactly one segment was sent; returns it. */
    Sent one() {
        List<Sent> s = sent();
        assertEquals(1, s.size(), () -> "expected one segment, got " + s);
        return s.get(0);
    }

    void drainFrames() {
        ByteBuf f;
        while ((f = device.takeSent()) != null) {
            f.release();
        }
        captured.forEach(ByteBuf::release);
        captured.clear();
    }

    long counter(String name) {
        return stack.counters().get(name);
    }

    static Endpoint peer(int port) {
        return new Endpoint(PEER_IP, port);
    }

    static Endpoint local(int port) {
        return new Endpoint(STACK_IP, port);
    }

    @Override
    public void close() {
        drainFrames();
        device.close();
    }
}
