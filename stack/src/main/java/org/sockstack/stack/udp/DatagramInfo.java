package org.sockstack.stack.udp;

import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.wire.IpAddress;

/**
 * Where a datagram read with {@link UdpSocket#receive(io.netty.buffer.ByteBuf, DatagramInfo)} came
 * from (recvfrom's address), in primitives: the caller keeps one instance and the socket refills
 * it, so reading a datagram allocates nothing. {@link #source()} makes an {@link Endpoint} value.
 */
public final class DatagramInfo {
    int version;
    long sourceHi;
    long sourceLo;
    int sourcePort;
    long destinationHi;
    long destinationLo;
    int interfaceIndex;
    int length;

    /** 4 or 6. */
    public int version() {
        return version;
    }

    /** The IPv4 source address (version 4 only). */
    public int sourceIpv4() {
        return (int) sourceLo;
    }

    /** The upper 64 bits of the IPv6 source address (version 6 only). */
    public long sourceHi() {
        return sourceHi;
    }

    /** The lower 64 bits of the IPv6 source address (version 6 only). */
    public long sourceLo() {
        return sourceLo;
    }

    public int sourcePort() {
        return sourcePort;
    }

    /**
     * The IPv4 address the datagram was sent to (version 4 only): one of ours, a broadcast address
     * or a multicast group, which is what IN_PKTINFO reports (RFC 3542 section 6 for IPv6).
     */
    public int destinationIpv4() {
        return (int) destinationLo;
    }

    /** The upper 64 bits of the IPv6 destination address (version 6 only). */
    public long destinationHi() {
        return destinationHi;
    }

    /** The lower 64 bits of the IPv6 destination address (version 6 only). */
    public long destinationLo() {
        return destinationLo;
    }

    /** The interface it arrived on. */
    public int interfaceIndex() {
        return interfaceIndex;
    }

    /** The datagram's length (what was copied may be less: the rest was discarded). */
    public int length() {
        return length;
    }

    /** The source as a value (allocates). */
    public Endpoint source() {
        return new Endpoint(IpAddress.fromBits(version, sourceHi, sourceLo), sourcePort);
    }

    void fill(QueuedDatagram q) {
        version = q.version;
        sourceHi = q.sourceHi;
        sourceLo = q.sourceLo;
        sourcePort = q.sourcePort;
        destinationHi = q.destinationHi;
        destinationLo = q.destinationLo;
        interfaceIndex = q.interfaceIndex;
        length = q.data.readableBytes();
    }
}
