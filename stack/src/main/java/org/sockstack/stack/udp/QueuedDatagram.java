package org.sockstack.stack.udp;

import io.netty.buffer.ByteBuf;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.wire.IpAddress;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.Ipv6Address;

/**
 * A datagram waiting in a {@link UdpSocket}'s receive queue: its addresses as primitives (an IPv4
 * address in the low word) and its own copy of the data. Entries are recycled by the socket, so
 * queueing a unicast datagram allocates nothing; {@link #toDatagram()} makes the
 * {@link UdpDatagram} value the allocating API returns.
 */
final class QueuedDatagram {
    int version;
    long sourceHi;
    long sourceLo;
    int sourcePort;
    long destinationHi;
    long destinationLo;
    int destinationPort;
    int interfaceIndex;
    ByteBuf data;

    QueuedDatagram setIpv4(int source, int sourcePort, int destination, int destinationPort, int interfaceIndex,
                           ByteBuf data) {
        this.version = 4;
        this.sourceHi = 0;
        this.sourceLo = source & 0xFFFF_FFFFL;
        this.sourcePort = sourcePort;
        this.destinationHi = 0;
        this.destinationLo = destination & 0xFFFF_FFFFL;
        this.destinationPort = destinationPort;
        this.interfaceIndex = interfaceIndex;
        this.data = data;
        return this;
    }

    QueuedDatagram set(UdpDatagram d) {
        IpAddress s = d.source().address();
        IpAddress t = d.destination().address();
        this.version = s.version();
        this.sourceHi = hi(s);
        this.sourceLo = lo(s);
        this.sourcePort = d.source().port();
        this.destinationHi = hi(t);
        this.destinationLo = lo(t);
        this.destinationPort = d.destination().port();
        this.interfaceIndex = d.interfaceIndex();
        this.data = d.data();
        return this;
    }

    UdpDatagram toDatagram() {
        return new UdpDatagram(new Endpoint(address(sourceHi, sourceLo), sourcePort),
                new Endpoint(address(destinationHi, destinationLo), destinationPort), interfaceIndex, data);
    }

    private IpAddress address(long hi, long lo) {
        return version == 4 ? new Ipv4Address((int) lo) : new Ipv6Address(hi, lo);
    }

    private static long hi(IpAddress a) {
        return a instanceof Ipv6Address v6 ? v6.hi() : 0;
    }

    private static long lo(IpAddress a) {
        return a instanceof Ipv6Address v6 ? v6.lo() : ((Ipv4Address) a).bits() & 0xFFFF_FFFFL;
    }
}
