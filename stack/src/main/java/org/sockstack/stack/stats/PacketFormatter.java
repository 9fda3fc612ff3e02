package org.sockstack.stack.stats;

import io.netty.buffer.ByteBuf;
import org.sockstack.stack.wire.ArpPacket;
import org.sockstack.stack.wire.ArpRepr;
import org.sockstack.stack.wire.EtherType;
import org.sockstack.stack.wire.EthernetFrame;
import org.sockstack.stack.wire.Icmpv4Packet;
import org.sockstack.stack.wire.Icmpv6Packet;
import org.sockstack.stack.wire.IpProtocol;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.Ipv4Packet;
import org.sockstack.stack.wire.Ipv6Address;
import org.sockstack.stack.wire.Ipv6Packet;
import org.sockstack.stack.wire.Parsed;
import org.sockstack.stack.wire.TcpSegment;
import org.sockstack.stack.wire.UdpPacket;

/**
 * One line per frame, in the spirit of tcpdump's default output, for the packet trace:
 * {@code IP 192.0.2.1 > 192.0.2.2: ICMP echo request, id 7, seq 1, length 64}. Malformed frames
 * are described, never thrown on.
 */
public final class PacketFormatter {
    private PacketFormatter() {
    }

    /** Describes the Ethernet frame in {@code frame}'s readable bytes. */
    public static String describe(ByteBuf frame) {
        EthernetFrame eth = new EthernetFrame().wrap(frame);
        if (!eth.check().ok()) {
            return "malformed Ethernet frame, length " + frame.readableBytes();
        }
        int off = eth.payloadOffset();
        int len = eth.payloadLength();
        return switch (eth.etherType()) {
            case EtherType.ARP -> arp(frame, off, len);
            case EtherType.IPV4 -> ipv4(frame, off, len);
            case EtherType.IPV6 -> ipv6(frame, off, len);
            default -> "ethertype " + EtherType.name(eth.etherType()) + ", length " + frame.readableBytes();
        };
    }

    private static String arp(ByteBuf b, int off, int len) {
        Parsed<ArpRepr> p = ArpRepr.parse(new ArpPacket().wrap(b, off, len));
        if (!p.ok()) {
            return "ARP [" + p.error().reason() + "]";
        }
        ArpRepr a = p.value();
        if (a.isRequest()) {
            return a.isProbe() ? "ARP probe who-has " + a.targetProtocolAddr()
                    : a.isGratuitous() ? "ARP announcement " + a.senderProtocolAddr()
                    : "ARP who-has " + a.targetProtocolAddr() + " tell " + a.senderProtocolAddr();
        }
        return "ARP reply " + a.senderProtocolAddr() + " is-at " + a.senderHardwareAddr();
    }

    private static String ipv4(ByteBuf b, int off, int len) {
        Ipv4Packet ip = new Ipv4Packet().wrap(b, off, len);
        if (!ip.check().ok()) {
            return "IP [" + ip.check().reason() + "]";
        }
        StringBuilder sb = new StringBuilder(96);
        String src = new Ipv4Address(ip.srcAddr()).toString();
        String dst = new Ipv4Address(ip.dstAddr()).toString();
        sb.append("IP ");
        if (ip.isFragment() && ip.fragmentOffset() != 0) {
            return sb.append(src).append(" > ").append(dst).append(": ").append(IpProtocol.name(ip.protocol()))
                    .append(" fragment id ").append(ip.identification()).append(", offset ").append(ip.fragmentOffset())
                    .append(", length ").append(ip.payloadLength()).append(ip.moreFragments() ? ", more" : "")
                    .toString();
        }
        transport(sb, ip.protocol(), src, dst, b, ip.payloadOffset(), ip.payloadLength());
        if (ip.moreFragments()) {
            sb.append(" (first fragment, id ").append(ip.identification()).append(')');
        }
        return sb.append(", ttl ").append(ip.ttl()).toString();
    }

    private static String ipv6(ByteBuf b, int off, int len) {
        Ipv6Packet ip = new Ipv6Packet().wrap(b, off, len);
        if (!ip.check().ok()) {
            return "IP6 [" + ip.check().reason() + "]";
        }
        StringBuilder sb = new StringBuilder(96).append("IP6 ");
        String src = new Ipv6Address(ip.srcAddrHi(), ip.srcAddrLo()).toString();
        String dst = new Ipv6Address(ip.dstAddrHi(), ip.dstAddrLo()).toString();
        int next = ip.nextHeader();
        int at = ip.payloadOffset();
        int remaining = ip.payloadLength();
        if (next == IpProtocol.HOP_BY_HOP && remaining >= 8) {
            // Skip the hop-by-hop header (MLD reports carry one with Router Alert).
            int hbh = (b.getUnsignedByte(at + 1) + 1) * 8;
            if (hbh <= remaining) {
                next = b.getUnsignedByte(at);
                at += hbh;
                remaining -= hbh;
                sb.append("[hop-by-hop] ");
            }
        }
        if (next == IpProtocol.ICMPV6) {
            sb.append(src).append(" > ").append(dst).append(": ");
            icmpv6(sb, b, at, remaining);
        } else {
            transport(sb, next, src, dst, b, at, remaining);
        }
        return sb.append(", hlim ").append(ip.hopLimit()).toString();
    }

    private static void transport(StringBuilder sb, int protocol, String src, String dst, ByteBuf b, int off, int len) {
        switch (protocol) {
            case IpProtocol.TCP -> {
                TcpSegment t = new TcpSegment().wrap(b, off, len);
                if (t.check().ok()) {
                    sb.append(src).append('.').append(t.srcPort()).append(" > ").append(dst).append('.')
                            .append(t.dstPort()).append(": ");
                    String s = t.toString();
                    int colon = s.indexOf(": ");
                    sb.append(colon >= 0 ? s.substring(colon + 2) : s);
                } else {
                    sb.append(src).append(" > ").append(dst).append(": TCP [malformed]");
                }
            }
            case IpProtocol.UDP -> {
                UdpPacket u = new UdpPacket().wrap(b, off, len);
                if (u.check().ok()) {
                    sb.append(src).append('.').append(u.srcPort()).append(" > ").append(dst).append('.')
                            .append(u.dstPort()).append(": UDP, length ").append(u.payloadLength());
                } else {
                    sb.append(src).append(" > ").append(dst).append(": UDP [malformed]");
                }
            }
            case IpProtocol.ICMP -> {
                sb.append(src).append(" > ").append(dst).append(": ");
                icmp(sb, b, off, len);
            }
            default -> sb.append(src).append(" > ").append(dst).append(": ").append(IpProtocol.name(protocol))
                    .append(", length ").append(len);
        }
    }

    private static void icmpv6(StringBuilder sb, ByteBuf b, int off, int len) {
        Icmpv6Packet p = new Icmpv6Packet().wrap(b, off, len);
        if (!p.check().ok()) {
            sb.append("ICMP6 [").append(p.check().reason()).append(']');
            return;
        }
        sb.append("ICMP6 ");
        switch (p.msgType()) {
            case Icmpv6Packet.TYPE_ECHO_REQUEST, Icmpv6Packet.TYPE_ECHO_REPLY -> sb.append("echo ")
                    .append(p.msgType() == Icmpv6Packet.TYPE_ECHO_REQUEST ? "request" : "reply").append(", id ")
                    .append(p.identifier()).append(", seq ").append(p.sequenceNumber());
            case Icmpv6Packet.TYPE_NEIGHBOR_SOLICITATION -> sb.append("neighbor solicitation, who has ")
                    .append(new Ipv6Address(p.targetAddrHi(), p.targetAddrLo()));
            case Icmpv6Packet.TYPE_NEIGHBOR_ADVERTISEMENT -> sb.append("neighbor advertisement, tgt is ")
                    .append(new Ipv6Address(p.targetAddrHi(), p.targetAddrLo()));
            case Icmpv6Packet.TYPE_ROUTER_SOLICITATION -> sb.append("router solicitation");
            case Icmpv6Packet.TYPE_ROUTER_ADVERTISEMENT -> sb.append("router advertisement");
            case Icmpv6Packet.TYPE_REDIRECT -> sb.append("redirect");
            case Icmpv6Packet.TYPE_MLDV2_REPORT -> sb.append("multicast listener report v2");
            case Icmpv6Packet.TYPE_MLD_QUERY -> sb.append("multicast listener query");
            case Icmpv6Packet.TYPE_MLD_REPORT -> sb.append("multicast listener report");
            case Icmpv6Packet.TYPE_MLD_DONE -> sb.append("multicast listener done");
            case Icmpv6Packet.TYPE_DESTINATION_UNREACHABLE -> sb.append("destination unreachable, code ").append(p.code());
            case Icmpv6Packet.TYPE_PACKET_TOO_BIG -> sb.append("packet too big");
            case Icmpv6Packet.TYPE_TIME_EXCEEDED -> sb.append("time exceeded, code ").append(p.code());
            case Icmpv6Packet.TYPE_PARAMETER_PROBLEM -> sb.append("parameter problem, code ").append(p.code());
            default -> sb.append("type ").append(p.msgType());
        }
        sb.append(", length ").append(len);
    }

    private static void icmp(StringBuilder sb, ByteBuf b, int off, int len) {
        Icmpv4Packet p = new Icmpv4Packet().wrap(b, off, len);
        if (!p.check().ok()) {
            sb.append("ICMP [malformed]");
            return;
        }
        switch (p.msgType()) {
            case Icmpv4Packet.TYPE_ECHO_REQUEST, Icmpv4Packet.TYPE_ECHO_REPLY -> sb.append("ICMP echo ")
                    .append(p.msgType() == Icmpv4Packet.TYPE_ECHO_REQUEST ? "request" : "reply").append(", id ")
                    .append(p.identifier()).append(", seq ").append(p.sequenceNumber()).append(", length ").append(len);
            case Icmpv4Packet.TYPE_DESTINATION_UNREACHABLE -> sb.append("ICMP unreachable, code ").append(p.code());
            case Icmpv4Packet.TYPE_TIME_EXCEEDED -> sb.append("ICMP time exceeded, code ").append(p.code());
            case Icmpv4Packet.TYPE_PARAMETER_PROBLEM -> sb.append("ICMP parameter problem, pointer ").append(p.pointer());
            default -> sb.append("ICMP type ").append(p.msgType()).append(", code ").append(p.code());
        }
    }
}
