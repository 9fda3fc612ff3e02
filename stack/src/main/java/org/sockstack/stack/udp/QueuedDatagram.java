package org.sockstack.stack.udp;

import io.netty.buffer.ByteBuf;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.wire.IpAddress;

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
        this.sourceHi = IpAddress.hiBits(s);
        this.sourceLo = IpAddress.loBits(s);
        this.sourcePort = d.source().port();
        this.destinationHi = IpAddress.hiBits(t);
        this.destinationLo = IpAddress.loBits(t);
        this.destinationPort = d.destination().port();
        this.interfaceIndex = d.interfaceIndex();
        this.data = d.data();
        return this;
    }

    UdpDatagram toDatagram() {
        return new UdpDatagram(new Endpoint(IpAddress.fromBits(version, sourceHi, sourceLo), sourcePort),
                new Endpoint(IpAddress.fromBits(version, destinationHi, destinationLo), destinationPort),
                interfaceIndex, data);
    }
}
