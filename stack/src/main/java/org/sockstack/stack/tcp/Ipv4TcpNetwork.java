package org.sockstack.stack.tcp;

import io.netty.buffer.ByteBuf;
import org.sockstack.stack.iface.NetworkInterface;
import org.sockstack.stack.ipv4.Ipv4;
import org.sockstack.stack.ipv4.Ipv4ErrorListener;
import org.sockstack.stack.ipv4.Ipv4Path;
import org.sockstack.stack.ipv4.Ipv4ProtocolHandler;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.wire.IpAddress;
import org.sockstack.stack.wire.IpProtocol;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.Ipv4Packet;
import org.sockstack.stack.wire.TcpRepr;
import org.sockstack.stack.wire.TcpSegment;
import org.sockstack.stack.wire.WireError;

import java.util.List;

/**
 * TCP over IPv4: receives protocol 6 from {@link Ipv4}, validates and hands segments to
 * {@link Tcp}; sends segments with DF set (RFC 1191 path MTU discovery: TCP never needs IP
 * fragmentation). ICMPv4 errors quoting a TCP segment come back through {@link #onError}.
 */
public final class Ipv4TcpNetwork implements TcpNetwork, Ipv4ProtocolHandler, Ipv4ErrorListener {

    /** The IPv4 route of a connection. */
    record Path(Ipv4Path route, Ipv4Address local, Ipv4Address remote) implements TcpPath {
        @Override
        public int mtu() {
            return route.mtu();
        }

        @Override
        public NetworkInterface iface() {
            return route.iface();
        }
    }

    private final Ipv4 ipv4;
    private final List<NetworkInterface> interfaces;
    private final Tcp tcp;
    private final TcpSegment view = new TcpSegment();
    /** Reused per received segment (event loop only): no allocation on the receive path. */
    private final TcpRepr repr = TcpRepr.scratch();
    private final ConnKey key = new ConnKey();

    public Ipv4TcpNetwork(Ipv4 ipv4, List<NetworkInterface> interfaces, Tcp tcp) {
        this.ipv4 = ipv4;
        this.interfaces = interfaces;
        this.tcp = tcp;
    }

    @Override
    public int version() {
        return 4;
    }

    @Override
    public int ipHeaderLength() {
        return Ipv4Packet.MIN_HEADER_LENGTH;
    }

    @Override
    public boolean isLocalAddress(IpAddress address) {
        if (!(address instanceof Ipv4Address a)) {
            return false;
        }
        for (NetworkInterface i : interfaces) {
            if (i.hasIpv4(a.bits())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public TcpPath route(IpAddress local, IpAddress remote) {
        if (!(remote instanceof Ipv4Address r) || !(local instanceof Ipv4Address l)) {
            return null;
        }
        // RFC 1122 4.2.3.10: TCP connects only to unicast addresses.
        if (r.isUnspecified() || r.isBroadcast() || r.isMulticast()) {
            return null;
        }
        Ipv4Path p = ipv4.path(r.bits(), l.bits(), null);
        if (p == null || p.src() == 0 || p.dstMac() >= 0) {
            return null;   // no route, no source, or a broadcast/multicast link address
        }
        return new Path(p, new Ipv4Address(p.src()), r);
    }

    @Override
    public ByteBuf allocate(TcpPath path, int tcpLength) {
        return ipv4.allocate(((Path) path).route().iface(), tcpLength);
    }

    @Override
    public int segmentOffset() {
        return Ipv4.PAYLOAD_OFFSET;
    }

    @Override
    public int pseudoHeaderSum(TcpPath path, int tcpLength) {
        Path p = (Path) path;
        return TcpSegment.pseudoHeaderIpv4(p.local().bits(), p.remote().bits(), tcpLength);
    }

    @Override
    public SocketError send(TcpPath path, ByteBuf frame, int ttl, int tos, long now) {
        Path p = (Path) path;
        return ipv4.send(p.route(), frame, IpProtocol.TCP, ttl >= 0 ? ttl : tcp.config().ttl(), tos, true, now);
    }

    /**
     * RFC 1122 4.2.3.9 / RFC 5927: an ICMP error quoting one of our segments. The quote holds at
     * least the first 8 octets of the TCP header: the ports and the sequence number.
     */
    @Override
    public void onError(SocketError error, int mtu, int src, int dst, ByteBuf quote, int transportOffset,
                        int transportLength, boolean isPermanent, long now) {
        int srcPort = quote.getUnsignedShort(transportOffset);
        int dstPort = quote.getUnsignedShort(transportOffset + 2);
        int seq = quote.getInt(transportOffset + 4);
        tcp.errorArrives(new Ipv4Address(src), srcPort, new Ipv4Address(dst), dstPort, seq, error, mtu, isPermanent,
                now);
    }

    /** IPv4 input: only unicast datagrams carry TCP (RFC 1122 4.2.3.10); checksum; parse; demux. */
    @Override
    public void receive(NetworkInterface iface, Ipv4Packet packet, Cast cast, long now) {
        if (cast != Cast.UNICAST) {
            tcp.dropUnparsed("not_unicast", now);
            return;
        }
        TcpSegment seg = view.wrap(packet.buffer(), packet.payloadOffset(), packet.payloadLength());
        boolean verify = !iface.rxChecksumUnnecessary();   // offload: the device vouches for it
        int pseudo = verify ? TcpSegment.pseudoHeaderIpv4(packet.srcAddr(), packet.dstAddr(), seg.length()) : 0;
        WireError e = TcpRepr.parseInto(seg, verify, pseudo, repr);
        if (!e.ok()) {
            tcp.dropUnparsed(e.reason(), now);
            return;
        }
        key.setIpv4(packet.dstAddr(), repr.dstPort(), packet.srcAddr(), repr.srcPort());
        tcp.segmentArrives(this, key, repr, packet.buffer(), seg.payloadOffset(), now);
    }
}
