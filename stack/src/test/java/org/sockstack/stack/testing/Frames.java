package org.sockstack.stack.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.sockstack.stack.wire.EtherType;
import org.sockstack.stack.wire.EthernetFrame;
import org.sockstack.stack.wire.EthernetRepr;
import org.sockstack.stack.wire.Icmpv4Packet;
import org.sockstack.stack.wire.InternetChecksum;
import org.sockstack.stack.wire.IpProtocol;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.Ipv4Packet;
import org.sockstack.stack.wire.Ipv4Repr;
import org.sockstack.stack.wire.MacAddress;
import org.sockstack.stack.wire.UdpPacket;
import org.sockstack.stack.wire.UdpRepr;

import java.util.ArrayList;
import java.util.List;

/** Builders of crafted frames for conformance tests (unpooled: nothing to release). */
public final class Frames {
    private Frames() {
    }

    /** An Ethernet frame carrying {@code ip} with {@code payload}. */
    public static ByteBuf ipv4(MacAddress src, MacAddress dst, Ipv4Repr ip, byte[] payload) {
        int length = EthernetFrame.HEADER_LENGTH + ip.bufferLength() + payload.length;
        ByteBuf f = Unpooled.buffer(Math.max(60, length));
        new EthernetRepr(src, dst, EtherType.IPV4).emit(f, 0);
        ip.emit(f, EthernetFrame.HEADER_LENGTH);
        f.setBytes(EthernetFrame.HEADER_LENGTH + ip.bufferLength(), payload);
        f.writerIndex(Math.max(60, length));
        return f;
    }

    /** A simple IPv4 datagram from the harness peer to the stack. */
    public static ByteBuf fromPeer(int protocol, byte[] payload) {
        Ipv4Repr ip = new Ipv4Repr(StackHarness.PEER_IP, StackHarness.STACK_IP, protocol, payload.length, 64);
        return ipv4(StackHarness.PEER_MAC, StackHarness.STACK_MAC, ip, payload);
    }

    /** An ICMP echo message (type 8 request or 0 reply) with a valid checksum. */
    public static byte[] icmpEcho(int type, int identifier, int sequence, byte[] data) {
        ByteBuf b = Unpooled.buffer(Icmpv4Packet.HEADER_LENGTH + data.length);
        b.writeByte(type).writeByte(0).writeShort(0).writeShort(identifier).writeShort(sequence).writeBytes(data);
        b.setShort(2, InternetChecksum.compute(b, 0, b.readableBytes()));
        return bytes(b);
    }

    /** A UDP datagram with a valid checksum for {@code src} -> {@code dst}. */
    public static byte[] udp(Ipv4Address src, Ipv4Address dst, int srcPort, int dstPort, byte[] data) {
        ByteBuf b = Unpooled.buffer(UdpPacket.HEADER_LENGTH + data.length);
        b.writerIndex(UdpPacket.HEADER_LENGTH + data.length);
        b.setBytes(UdpPacket.HEADER_LENGTH, data);
        new UdpRepr(srcPort, dstPort, data.length).emit(b, 0, src, dst);
        return bytes(b);
    }

    /** Splits {@code payload} into IPv4 fragments of at most {@code chunk} data octets. */
    public static List<ByteBuf> fragments(int protocol, int identification, byte[] payload, int chunk) {
        List<ByteBuf> out = new ArrayList<>();
        for (int off = 0; off < payload.length; off += chunk) {
            int len = Math.min(chunk, payload.length - off);
            boolean more = off + len < payload.length;
            byte[] part = java.util.Arrays.copyOfRange(payload, off, off + len);
            Ipv4Repr ip = new Ipv4Repr(StackHarness.PEER_IP, StackHarness.STACK_IP, protocol, len, 64, 0, 0,
                    identification, false, more, off, null);
            out.add(ipv4(StackHarness.PEER_MAC, StackHarness.STACK_MAC, ip, part));
        }
        return out;
    }

    public static byte[] bytes(ByteBuf b) {
        byte[] out = new byte[b.readableBytes()];
        b.getBytes(b.readerIndex(), out);
        return out;
    }

    public static byte[] pattern(int length) {
        byte[] d = new byte[length];
        for (int i = 0; i < length; i++) {
            d[i] = (byte) (i * 31 + 7);
        }
        return d;
    }

    /** The IPv4 view of a frame the stack sent (checked), or fails. */
    public static Ipv4Packet ipv4Of(ByteBuf frame) {
        EthernetFrame eth = new EthernetFrame().wrap(frame);
        if (!eth.check().ok() || eth.etherType() != EtherType.IPV4) {
            throw new AssertionError("not an IPv4 frame");
        }
        Ipv4Packet p = new Ipv4Packet().wrap(frame, eth.payloadOffset(), eth.payloadLength());
        if (!p.check().ok() || !p.verifyChecksum()) {
            throw new AssertionError("the stack sent a bad IPv4 header");
        }
        return p;
    }

    public static boolean isIcmp(ByteBuf frame, int type) {
        Ipv4Packet p = ipv4Of(frame);
        return p.protocol() == IpProtocol.ICMP && p.buffer().getUnsignedByte(p.payloadOffset()) == type;
    }
}
