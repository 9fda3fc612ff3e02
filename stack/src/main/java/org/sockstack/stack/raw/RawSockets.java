package org.sockstack.stack.raw;

import org.sockstack.stack.iface.NetworkInterface;
import org.sockstack.stack.ipv4.Ipv4;
import org.sockstack.stack.ipv4.Ipv4ProtocolHandler;
import org.sockstack.stack.ipv6.Ipv6;
import org.sockstack.stack.ipv6.Ipv6ProtocolHandler;
import org.sockstack.stack.stats.Counter;
import org.sockstack.stack.stats.Counters;
import org.sockstack.stack.stats.EventTrace;
import org.sockstack.stack.wire.InternetChecksum;
import org.sockstack.stack.wire.IpAddress;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.Ipv4Packet;
import org.sockstack.stack.wire.Ipv6Address;
import org.sockstack.stack.wire.Ipv6Packet;

import java.util.ArrayList;
import java.util.List;

/**
 * Raw IP sockets: the registry of open {@link RawSocket}s and their input path. IPv4 and IPv6
 * hand every datagram delivered to this host to {@link #deliverIpv4} / {@link #deliverIpv6}
 * before its protocol handler, and each raw socket that matches gets a copy:
 *
 * <ul>
 *   <li>its protocol equals the datagram's Protocol / Next Header;</li>
 *   <li>if bound, its local address equals the destination; if connected, its peer equals the
 *       source (BSD {@code rip_input}, RFC 3542 section 3).</li>
 * </ul>
 * These are the conditions Winsock's "TCP/IP Raw Sockets" lists; like Windows, a raw socket
 * may therefore see "unexpected" datagrams (every ICMP message, not only its echo replies).
 *
 * <p>A raw socket therefore sees ICMP echo replies, and any protocol the stack does not handle
 * itself (then no Protocol Unreachable / Parameter Problem is sent). Everything runs on the loop
 * thread (DESIGN rule 4).
 */
public final class RawSockets {
    private static final String LAYER = "raw";

    private final Ipv4 ipv4;
    private final Ipv6 ipv6;
    private final EventTrace trace;
    private final List<RawSocket> sockets = new ArrayList<>();
    final Counter rxDelivered;
    final Counter txDatagrams;
    final Counter dropQueueFull;
    final Counter dropBadChecksum;

    public RawSockets(Ipv4 ipv4, Ipv6 ipv6, Counters counters, EventTrace trace) {
        this.ipv4 = ipv4;
        this.ipv6 = ipv6;
        this.trace = trace;
        rxDelivered = counters.counter("raw.rx.delivered");
        txDatagrams = counters.counter("raw.tx.datagrams");
        dropQueueFull = counters.drop(LAYER, "receive_buffer_full");
        dropBadChecksum = counters.drop(LAYER, "bad_checksum");
        ipv4.setRawListener(this::deliverIpv4);
        ipv6.setRawListener(this::deliverIpv6);
    }

    /** A raw IPv4 socket for protocol 1..255 (255, IPPROTO_RAW, always includes the header). */
    public RawSocket openIpv4(int protocol) {
        return open(4, protocol);
    }

    /** A raw IPv6 socket for Next Header 1..255 (58, ICMPv6, has its checksum computed). */
    public RawSocket openIpv6(int protocol) {
        return open(6, protocol);
    }

    private RawSocket open(int version, int protocol) {
        if (protocol < 1 || protocol > 255) {
            throw new IllegalArgumentException("raw protocol out of range: " + protocol);
        }
        RawSocket s = new RawSocket(this, version, protocol);
        sockets.add(s);
        return s;
    }

    void closed(RawSocket s) {
        sockets.remove(s);
    }

    /** The open raw sockets. */
    public List<RawSocket> sockets() {
        return List.copyOf(sockets);
    }

    Ipv4 ipv4() {
        return ipv4;
    }

    Ipv6 ipv6() {
        return ipv6;
    }

    void drop(long now) {
        dropQueueFull.increment();
        if (trace.enabled()) {
            trace.drop(now, LAYER, "receive_buffer_full");
        }
    }

    /** IPv4 input: the datagram from its IP header on (Winsock's raw IPv4 sockets receive the header). */
    boolean deliverIpv4(NetworkInterface iface, Ipv4Packet p, Ipv4ProtocolHandler.Cast cast, long now) {
        if (sockets.isEmpty()) {
            return false;
        }
        IpAddress src = null;
        IpAddress dst = null;
        boolean taken = false;
        for (int i = 0; i < sockets.size(); i++) {
            RawSocket s = sockets.get(i);
            if (s.version() != 4 || s.protocol() != p.protocol()) {
                continue;
            }
            if (src == null) {
                src = new Ipv4Address(p.srcAddr());
                dst = new Ipv4Address(p.dstAddr());
            }
            if (s.matches(src, dst)) {
                // The IP header's Total Length covers exactly the datagram (checked by Ipv4Packet).
                s.enqueue(src, p.buffer(), p.offset(), p.totalLength(), now);
                taken = true;
            }
        }
        return taken;
    }

    /** IPv6 input: the upper-layer data only (RFC 3542 section 3). */
    boolean deliverIpv6(NetworkInterface iface, Ipv6Packet ip, int nextHeader, int offset, int length,
                        Ipv6ProtocolHandler.Cast cast, long now) {
        if (sockets.isEmpty()) {
            return false;
        }
        IpAddress src = null;
        IpAddress dst = null;
        boolean taken = false;
        for (int i = 0; i < sockets.size(); i++) {
            RawSocket s = sockets.get(i);
            if (s.version() != 6 || s.protocol() != nextHeader) {
                continue;
            }
            if (src == null) {
                src = new Ipv6Address(ip.srcAddrHi(), ip.srcAddrLo());
                dst = new Ipv6Address(ip.dstAddrHi(), ip.dstAddrLo());
            }
            if (s.matches(src, dst)) {
                int at = s.checksumOffset();
                if (at >= 0 && !iface.rxChecksumUnnecessary()
                        && !checksumVerifies(ip, nextHeader, offset, length, at)) {
                    // RFC 3542 section 3.1: with IPV6_CHECKSUM the kernel verifies received
                    // packets and discards those in error (unless the device vouched for the
                    // checksum: with offload it may not even be filled in yet).
                    dropBadChecksum.increment();
                    continue;
                }
                s.enqueue(src, ip.buffer(), offset, length, now);
                taken = true;
            }
        }
        return taken;
    }

    private static boolean checksumVerifies(Ipv6Packet ip, int nextHeader, int offset, int length, int at) {
        if (at + 2 > length) {
            return false;
        }
        int pseudo = InternetChecksum.pseudoHeaderIpv6(ip.srcAddrHi(), ip.srcAddrLo(), ip.dstAddrHi(),
                ip.dstAddrLo(), nextHeader, length);
        return InternetChecksum.verifies(ip.buffer(), offset, length, pseudo);
    }
}
