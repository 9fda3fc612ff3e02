package org.sockstack.drivers.fault;

import io.netty.buffer.ByteBuf;
import org.sockstack.stack.device.Device;
import org.sockstack.stack.device.ForwardingDevice;
import org.sockstack.stack.device.FrameSink;
import org.sockstack.stack.loop.Clock;
import org.sockstack.stack.wire.ArpPacket;
import org.sockstack.stack.wire.EtherType;
import org.sockstack.stack.wire.EthernetFrame;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.Ipv6Address;
import org.sockstack.stack.wire.MacAddress;
import org.sockstack.stack.wire.WireError;

import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A decorator that reports every frame passing through a {@link Device} as one line of text, in
 * the spirit of {@code tcpdump -e}:
 *
 * <pre>
 * 1000.000000000 eth0 TX 42 02:00:00:00:00:01 &gt; ff:ff:ff:ff:ff:ff ARP request 192.0.2.1 &gt; 192.0.2.2
 * 1000.002000000 eth0 RX 98 02:00:00:00:00:02 &gt; 02:00:00:00:00:01 IPv4 192.0.2.2 &gt; 192.0.2.1 proto 1
 * </pre>
 *
 * (time from the optional clock, device, direction, frame length, source and destination MAC,
 * EtherType, VLAN id when tagged, and the network addresses for ARP, IPv4 and IPv6). A frame that
 * does not parse is reported as {@code malformed (<reason>)}; tracing never throws on bad input
 * and never changes, keeps or releases a frame: ownership passes straight through.
 */
public final class TracingDevice extends ForwardingDevice {
    private final Consumer<String> out;
    private final Clock clock;
    private final EthernetFrame ethernet = new EthernetFrame();
    private final ArpPacket arp = new ArpPacket();
    private final FrameSink tracingSink = new FrameSink() {
        @Override
        public void accept(ByteBuf frame) {
            traceReceived(frame, 0);
        }

        @Override
        public void accept(ByteBuf frame, int rxFlags) {
            traceReceived(frame, rxFlags);
        }
    };
    private FrameSink downstream;

    /** Traces {@code inner} to {@code out}; {@code clock} may be null (lines then carry no time). */
    public TracingDevice(Device inner, Consumer<String> out, Clock clock) {
        super(inner);
        this.out = Objects.requireNonNull(out);
        this.clock = clock;
    }

    public TracingDevice(Device inner, Consumer<String> out) {
        this(inner, out, null);
    }

    @Override
    public int receive(int maxFrames, FrameSink sink) {
        downstream = sink;
        try {
            return inner.receive(maxFrames, tracingSink);
        } finally {
            downstream = null;
        }
    }

    private void traceReceived(ByteBuf frame, int rxFlags) {
        out.accept(describe("RX", frame));
        downstream.accept(frame, rxFlags);
    }

    @Override
    public boolean transmit(ByteBuf frame) {
        out.accept(describe("TX", frame));
        return inner.transmit(frame);
    }

    @Override
    public boolean transmit(ByteBuf frame, int segmentSize) {
        out.accept(describe("TX", frame));
        return inner.transmit(frame, segmentSize);
    }

    @Override
    public void flush() {
        inner.flush();
    }

    @Override
    public void setReadyListener(Runnable listener) {
        inner.setReadyListener(listener);
    }

    @Override
    public void close() {
        inner.close();
    }

    /** The trace line for one frame travelling in {@code direction} ("RX" or "TX"). */
    String describe(String direction, ByteBuf frame) {
        StringBuilder sb = new StringBuilder(96);
        if (clock != null) {
            long t = clock.nanos();
            sb.append(String.format(Locale.ROOT, "%d.%09d ", Math.floorDiv(t, 1_000_000_000L),
                    Math.floorMod(t, 1_000_000_000L)));
        }
        sb.append(inner.name()).append(' ').append(direction).append(' ').append(frame.readableBytes());
        ethernet.wrap(frame);
        WireError error = ethernet.check();
        if (error == WireError.TRUNCATED) {
            return sb.append(" malformed (").append(error.reason()).append(')').toString();
        }
        sb.append(' ').append(new MacAddress(ethernet.srcAddr()))
                .append(" > ").append(new MacAddress(ethernet.dstAddr()));
        if (!error.ok()) {
            return sb.append(" malformed (").append(error.reason()).append(')').toString();
        }
        sb.append(' ').append(EtherType.name(ethernet.etherType()));
        if (ethernet.vlanId() >= 0) {
            sb.append(" vlan ").append(ethernet.vlanId());
        }
        describeNetworkLayer(sb, frame);
        return sb.toString();
    }

    private void describeNetworkLayer(StringBuilder sb, ByteBuf frame) {
        int at = ethernet.payloadOffset();
        int length = ethernet.payloadLength();
        switch (ethernet.etherType()) {
            case EtherType.ARP -> {
                WireError e = arp.wrap(frame, at, length).check();
                if (!e.ok()) {
                    sb.append(" malformed (").append(e.reason()).append(')');
                    return;
                }
                sb.append(arp.operation() == ArpPacket.OP_REQUEST ? " request " : " reply ")
                        .append(new Ipv4Address(arp.senderProtocolAddr())).append(" > ")
                        .append(new Ipv4Address(arp.targetProtocolAddr()));
            }
            // RFC 791 section 3.1: source at octet 12, destination at 16, protocol at 9.
            case EtherType.IPV4 -> {
                if (length < 20 || (frame.getUnsignedByte(at) >>> 4) != 4) {
                    sb.append(" malformed (truncated or bad version)");
                    return;
                }
                sb.append(' ').append(new Ipv4Address(frame.getInt(at + 12))).append(" > ")
                        .append(new Ipv4Address(frame.getInt(at + 16)))
                        .append(" proto ").append(frame.getUnsignedByte(at + 9));
            }
            // RFC 8200 section 3: next header at octet 6, source at 8, destination at 24.
            case EtherType.IPV6 -> {
                if (length < 40 || (frame.getUnsignedByte(at) >>> 4) != 6) {
                    sb.append(" malformed (truncated or bad version)");
                    return;
                }
                sb.append(' ').append(Ipv6Address.read(frame, at + 8)).append(" > ")
                        .append(Ipv6Address.read(frame, at + 24))
                        .append(" next ").append(frame.getUnsignedByte(at + 6));
            }
            default -> {
                // Other EtherTypes: the link-layer part says all we know.
            }
        }
    }

    @Override
    public String toString() {
        return "TracingDevice[" + inner + "]";
    }
}
