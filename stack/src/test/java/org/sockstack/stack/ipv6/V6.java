package org.sockstack.stack.ipv6;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.sockstack.stack.iface.Ipv6InterfaceAddress;
import org.sockstack.stack.ndp.NdpConfig;
import org.sockstack.stack.testing.Frames;
import org.sockstack.stack.testing.StackHarness;
import org.sockstack.stack.wire.EtherType;
import org.sockstack.stack.wire.EthernetFrame;
import org.sockstack.stack.wire.EthernetRepr;
import org.sockstack.stack.wire.Icmpv6Packet;
import org.sockstack.stack.wire.Icmpv6Repr;
import org.sockstack.stack.wire.InternetChecksum;
import org.sockstack.stack.wire.IpProtocol;
import org.sockstack.stack.wire.Ipv6Address;
import org.sockstack.stack.wire.Ipv6Packet;
import org.sockstack.stack.wire.Ipv6Repr;
import org.sockstack.stack.wire.MacAddress;
import org.sockstack.stack.wire.UdpPacket;
import org.sockstack.stack.wire.UdpRepr;

import java.util.ArrayList;
import java.util.List;

import static org.sockstack.stack.testing.StackHarness.PEER_MAC;
import static org.sockstack.stack.testing.StackHarness.STACK_MAC;

/** IPv6 test fixtures: a harness with IPv6 addresses, and builders of crafted frames (unpooled). */
public final class V6 {
    public static final Ipv6Address PEER_LL = Ipv6Address.parse("fe80::1");
    public static final Ipv6Address PEER = Ipv6Address.parse("2001:db8::1");
    public static final Ipv6Address STACK = Ipv6Address.parse("2001:db8::2");
    /** fe80:: + the modified EUI-64 of 02:00:00:00:00:02. */
    public static final Ipv6Address STACK_LL = Ipv6Address.parse("fe80::ff:fe00:2");
    public static final Ipv6Address ROUTER_LL = Ipv6Address.parse("fe80::fe");
    public static final MacAddress ROUTER_MAC = MacAddress.parse("02:00:00:00:00:fe");

    private V6() {
    }

    /** A harness with IPv6 enabled (no router solicitations), 2001:db8::2/64, DAD done, the peer known. */
    public static StackHarness harness() {
        return harness(NdpConfig.DEFAULT.withRouterSolicitations(false));
    }

    public static StackHarness harness(NdpConfig config) {
        StackHarness h = new StackHarness();
        h.stack.setNdpConfig(config);
        h.stack.enableIpv6(h.iface);
        h.stack.addIpv6Address(h.iface, STACK, 64);
        h.advance(3_000);
        StackHarness.releaseAll(h.sent());
        long now = h.clock.nanos();
        h.stack.ndp(h.iface).cache().onUnsolicited(PEER, PEER_MAC.bits(), true, now);
        h.stack.ndp(h.iface).cache().onUnsolicited(PEER_LL, PEER_MAC.bits(), true, now);
        return h;
    }

    public static Ipv6InterfaceAddress address(StackHarness h, Ipv6Address a) {
        return h.iface.findIpv6(a);
    }

    /** An Ethernet frame with an IPv6 header and {@code payload} (extension headers included). */
    public static ByteBuf frame(MacAddress srcMac, MacAddress dstMac, Ipv6Address src, Ipv6Address dst, int nextHeader,
                                int hopLimit, byte[] payload) {
        int length = EthernetFrame.HEADER_LENGTH + Ipv6Packet.HEADER_LENGTH + payload.length;
        ByteBuf f = Unpooled.buffer(Math.max(60, length));
        new EthernetRepr(srcMac, dstMac, EtherType.IPV6).emit(f, 0);
        new Ipv6Repr(src, dst, nextHeader, payload.length, hopLimit).emit(f, EthernetFrame.HEADER_LENGTH);
        f.setBytes(EthernetFrame.HEADER_LENGTH + Ipv6Packet.HEADER_LENGTH, payload);
        f.writerIndex(Math.max(60, length));
        return f;
    }

    /** A packet from the peer's global address to ours. */
    public static ByteBuf fromPeer(int nextHeader, byte[] payload) {
        return frame(PEER_MAC, STACK_MAC, PEER, STACK, nextHeader, 64, payload);
    }

    /** The link-layer address for an IPv6 destination (multicast mapping or our MAC). */
    public static MacAddress macFor(Ipv6Address dst) {
        return dst.isMulticast() ? MacAddress.ofIpv6Multicast(dst) : STACK_MAC;
    }

    /** An ICMPv6 message with a valid checksum. */
    public static byte[] icmpv6(Ipv6Address src, Ipv6Address dst, int type, int code, int rest, byte[] body) {
        ByteBuf b = Unpooled.buffer(Icmpv6Packet.HEADER_LENGTH + body.length);
        b.writeByte(type).writeByte(code).writeShort(0).writeInt(rest).writeBytes(body);
        int pseudo = InternetChecksum.pseudoHeaderIpv6(src, dst, IpProtocol.ICMPV6, b.readableBytes());
        b.setShort(2, InternetChecksum.finish(InternetChecksum.add(b, 0, b.readableBytes(), pseudo)));
        return Frames.bytes(b);
    }

    public static byte[] echoRequest(Ipv6Address src, Ipv6Address dst, int id, int seq, byte[] data) {
        return icmpv6(src, dst, Icmpv6Packet.TYPE_ECHO_REQUEST, 0, (id << 16) | seq, data);
    }

    /** Any ICMPv6 record (NDP, MLD, echo) emitted with its checksum. */
    public static byte[] message(Icmpv6Repr repr, Ipv6Address src, Ipv6Address dst) {
        ByteBuf b = Unpooled.buffer(repr.bufferLength());
        b.writerIndex(repr.bufferLength());
        repr.emit(b, 0, src, dst);
        return Frames.bytes(b);
    }

    public static byte[] udp(Ipv6Address src, Ipv6Address dst, int srcPort, int dstPort, byte[] data) {
        ByteBuf b = Unpooled.buffer(UdpPacket.HEADER_LENGTH + data.length);
        b.writerIndex(UdpPacket.HEADER_LENGTH + data.length);
        b.setBytes(UdpPacket.HEADER_LENGTH, data);
        new UdpRepr(srcPort, dstPort, data.length).emit(b, 0, src, dst);
        return Frames.bytes(b);
    }

    /** A Hop-by-Hop or Destination Options header holding {@code options}, padded with PadN to 8n octets. */
    public static byte[] optionsHeader(int nextHeader, int... optionOctets) {
        byte[] options = new byte[optionOctets.length];
        for (int i = 0; i < options.length; i++) {
            options[i] = (byte) optionOctets[i];
        }
        int length = (2 + options.length + 7) / 8 * 8;
        byte[] h = new byte[length];
        h[0] = (byte) nextHeader;
        h[1] = (byte) (length / 8 - 1);
        System.arraycopy(options, 0, h, 2, options.length);
        int pad = length - 2 - options.length;
        if (pad == 1) {
            h[length - 1] = 0; // Pad1
        } else if (pad > 1) {
            h[2 + options.length] = 1; // PadN
            h[3 + options.length] = (byte) (pad - 2);
        }
        return h;
    }

    /**
     * The frames that are not MLD reports (IPv6 with a Hop-by-Hop header first, which only MLD
     * sends): tests of other protocols ignore the listener reports of the groups they join.
     * MLD frames are released.
     */
    public static List<ByteBuf> withoutMld(List<ByteBuf> frames) {
        List<ByteBuf> out = new ArrayList<>();
        for (ByteBuf f : frames) {
            EthernetFrame eth = new EthernetFrame().wrap(f);
            if (eth.check().ok() && eth.etherType() == EtherType.IPV6
                    && f.getUnsignedByte(EthernetFrame.HEADER_LENGTH + 6) == IpProtocol.HOP_BY_HOP) {
                f.release();
            } else {
                out.add(f);
            }
        }
        return out;
    }

    public static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** A Fragment header (RFC 8200 4.5). */
    public static byte[] fragmentHeader(int nextHeader, int offset, boolean more, int id) {
        return new byte[] {(byte) nextHeader, 0, (byte) (offset >>> 8), (byte) ((offset & 0xF8) | (more ? 1 : 0)),
            (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id};
    }

    /** Splits {@code payload} (an upper-layer message) into fragments of {@code chunk} octets. */
    public static List<ByteBuf> fragments(int nextHeader, int id, byte[] payload, int chunk) {
        List<ByteBuf> out = new ArrayList<>();
        for (int off = 0; off < payload.length; off += chunk) {
            int len = Math.min(chunk, payload.length - off);
            boolean more = off + len < payload.length;
            byte[] part = java.util.Arrays.copyOfRange(payload, off, off + len);
            out.add(fromPeer(IpProtocol.IPV6_FRAGMENT, concat(fragmentHeader(nextHeader, off, more, id), part)));
        }
        return out;
    }

    /** The IPv6 view of a frame the stack sent, or fails. */
    public static Ipv6Packet ipv6Of(ByteBuf frame) {
        EthernetFrame eth = new EthernetFrame().wrap(frame);
        if (!eth.check().ok() || eth.etherType() != EtherType.IPV6) {
            throw new AssertionError("not an IPv6 frame");
        }
        Ipv6Packet p = new Ipv6Packet().wrap(frame, eth.payloadOffset(), eth.payloadLength());
        if (!p.check().ok()) {
            throw new AssertionError("the stack sent a bad IPv6 header");
        }
        return p;
    }

    /** The ICMPv6 message of a frame the stack sent (checksum verified), or fails. */
    public static Icmpv6Packet icmpv6Of(ByteBuf frame) {
        Ipv6Packet ip = ipv6Of(frame);
        if (ip.nextHeader() != IpProtocol.ICMPV6) {
            throw new AssertionError("not ICMPv6 but next header " + ip.nextHeader());
        }
        Icmpv6Packet p = new Icmpv6Packet().wrap(frame, ip.payloadOffset(), ip.payloadLength());
        if (!p.check().ok() || !p.verifyChecksum(src(ip), dst(ip))) {
            throw new AssertionError("the stack sent a bad ICMPv6 message");
        }
        return p;
    }

    public static Ipv6Address src(Ipv6Packet p) {
        return new Ipv6Address(p.srcAddrHi(), p.srcAddrLo());
    }

    public static Ipv6Address dst(Ipv6Packet p) {
        return new Ipv6Address(p.dstAddrHi(), p.dstAddrLo());
    }

    /** The destination MAC of a frame. */
    public static long dstMac(ByteBuf frame) {
        return new EthernetFrame().wrap(frame).dstAddr();
    }

    /** The frames in {@code sent} that carry ICMPv6 of {@code type}. */
    public static List<ByteBuf> ofType(List<ByteBuf> sent, int type) {
        List<ByteBuf> out = new ArrayList<>();
        for (ByteBuf f : sent) {
            Ipv6Packet ip = ipv6Of(f);
            if (ip.nextHeader() == IpProtocol.ICMPV6 && f.getUnsignedByte(ip.payloadOffset()) == type) {
                out.add(f);
            }
        }
        return out;
    }
}
