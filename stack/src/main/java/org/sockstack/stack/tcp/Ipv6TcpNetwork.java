package org.sockstack.stack.tcp;

import io.netty.buffer.ByteBuf;
import org.sockstack.stack.iface.NetworkInterface;
import org.sockstack.stack.ipv6.Ipv6;
import org.sockstack.stack.ipv6.Ipv6ErrorListener;
import org.sockstack.stack.ipv6.Ipv6Path;
import org.sockstack.stack.ipv6.Ipv6ProtocolHandler;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.wire.IpAddress;
import org.sockstack.stack.wire.IpProtocol;
import org.sockstack.stack.wire.Ipv6Address;
import org.sockstack.stack.wire.Ipv6Packet;
import org.sockstack.stack.wire.TcpRepr;
import org.sockstack.stack.wire.TcpSegment;
import org.sockstack.stack.wire.WireError;

/**
 * TCP over IPv6 (RFC 9293 with RFC 8200 section 8): receives Next Header 6 from {@link Ipv6},
 * validates and hands segments to {@link Tcp}; the checksum covers the IPv6 pseudo-header
 * (RFC 8200 8.1). The IP header is 40 octets, so the MSS we announce is the path MTU minus 60
 * (RFC 9293 3.7.1, RFC 8200 8.3).
 *
 * <p>Path MTU (RFC 8201): ICMPv6 lowers the path MTU cache when a Packet Too Big arrives; a
 * connection resolved its path before, so each send checks the cache and, when the path MTU
 * dropped below the connection's, the segment goes out fragmented at the source (IPv6 lets the
 * source fragment) until TCP itself lowers its segment size.
 */
public final class Ipv6TcpNetwork implements TcpNetwork, Ipv6ProtocolHandler, Ipv6ErrorListener {

    /** The IPv6 route of a connection. */
    record Path(Ipv6Path route, Ipv6Address local, Ipv6Address remote) implements TcpPath {
        @Override
        public int mtu() {
            return route.mtu();
        }

        @Override
        public NetworkInterface iface() {
            return route.iface();
        }
    }

    private final Ipv6 ipv6;
    private final Tcp tcp;
    private final TcpSegment view = new TcpSegment();
    /** Reused per received segment (event loop only): no allocation on the receive path. */
    private final TcpRepr repr = TcpRepr.scratch();
    private final ConnKey key = new ConnKey();

    public Ipv6TcpNetwork(Ipv6 ipv6, Tcp tcp) {
        this.ipv6 = ipv6;
        this.tcp = tcp;
    }

    @Override
    public int version() {
        return 6;
    }

    @Override
    public int ipHeaderLength() {
        return Ipv6Packet.HEADER_LENGTH;
    }

    @Override
    public boolean isLocalAddress(IpAddress address) {
        return address instanceof Ipv6Address a && ipv6.isLocal(a);
    }

    @Override
    public TcpPath route(IpAddress local, IpAddress remote) {
        if (!(remote instanceof Ipv6Address r) || !(local instanceof Ipv6Address l)) {
            return null;
        }
        // RFC 9293 3.9.1 (and RFC 1122 4.2.3.10): TCP connects only to unicast addresses.
        if (r.isUnspecified() || r.isMulticast() || r.isLoopback()) {
            return null;
        }
        Ipv6Path p = ipv6.path(r, l.isUnspecified() ? null : l, null);
        if (p == null || p.dstMac() >= 0) {
            return null;
        }
        return new Path(p, p.src(), r);
    }

    @Override
    public ByteBuf allocate(TcpPath path, int tcpLength) {
        return ipv6.allocate(((Path) path).route().iface(), tcpLength);
    }

    @Override
    public int segmentOffset() {
        return Ipv6.PAYLOAD_OFFSET;
    }

    /** RFC 8200 8.1: source, destination, upper-layer length and Next Header 6. */
    @Override
    public int pseudoHeaderSum(TcpPath path, int tcpLength) {
        Path p = (Path) path;
        return TcpSegment.pseudoHeaderIpv6(p.local(), p.remote(), tcpLength);
    }

    @Override
    public SocketError send(TcpPath path, ByteBuf frame, int ttl, int tos, long now) {
        Path p = (Path) path;
        Ipv6Path route = p.route();
        // RFC 8201 section 4: a Packet Too Big lowered the path MTU since the path was resolved.
        int pmtu = ipv6.pathMtu(p.remote(), now);
        if (pmtu < route.mtu()) {
            route = new Ipv6Path(route.iface(), route.src(), route.dst(), route.nextHop(), route.dstMac(), pmtu);
        }
        return ipv6.send(route, frame, IpProtocol.TCP, ttl >= 0 ? ttl : ipv6.hopLimit(route), tos, now);
    }

    /** IPv6 input: only unicast packets carry TCP; checksum with the pseudo-header; parse; demux. */
    @Override
    public void receive(NetworkInterface iface, Ipv6Packet ip, int offset, int length, Cast cast, long now) {
        if (cast != Cast.UNICAST) {
            tcp.dropUnparsed("not_unicast", now);
            return;
        }
        TcpSegment seg = view.wrap(ip.buffer(), offset, length);
        boolean verify = !iface.rxChecksumUnnecessary();   // offload: the device vouches for it
        int pseudo = verify ? TcpSegment.pseudoHeaderIpv6(ip.srcAddrHi(), ip.srcAddrLo(), ip.dstAddrHi(),
                ip.dstAddrLo(), length) : 0;
        WireError e = TcpRepr.parseInto(seg, verify, pseudo, repr);
        if (!e.ok()) {
            tcp.dropUnparsed(e.reason(), now);
            return;
        }
        key.setIpv6(ip.dstAddrHi(), ip.dstAddrLo(), repr.dstPort(), ip.srcAddrHi(), ip.srcAddrLo(), repr.srcPort());
        tcp.segmentArrives(this, key, repr, ip.buffer(), seg.payloadOffset(), now);
    }

    /**
     * ICMPv6 errors quoting one of our segments (RFC 4443 section 3; Packet Too Big lowers the
     * connection's MSS, RFC 8201 section 4): the same handling as over IPv4.
     */
    @Override
    public void onError(SocketError error, int mtu, Ipv6Address src, Ipv6Address dst, ByteBuf quote, int transportOffset,
                        int transportLength, boolean isPermanent, long now) {
        if (transportLength < 8) {
            return;
        }
        int srcPort = quote.getUnsignedShort(transportOffset);
        int dstPort = quote.getUnsignedShort(transportOffset + 2);
        int seq = quote.getInt(transportOffset + 4);
        tcp.errorArrives(src, srcPort, dst, dstPort, seq, error, mtu, isPermanent, now);
    }
}
