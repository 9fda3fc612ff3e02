package org.sockstack.stack.ipv4;

import org.sockstack.stack.iface.NetworkInterface;
import org.sockstack.stack.wire.Ipv4Packet;

/** How IPv4 asks ICMP to report a problem with a received datagram (ICMP implements it). */
public interface Ipv4ErrorSink {
    Ipv4ErrorSink NONE = new Ipv4ErrorSink() { };

    /** RFC 1122 3.2.2.1: Destination Unreachable, code 2 (protocol unreachable). */
    default void protocolUnreachable(NetworkInterface iface, Ipv4Packet packet, long now) {
    }

    /** RFC 792: Parameter Problem with {@code pointer} at the offending octet. */
    default void parameterProblem(NetworkInterface iface, Ipv4Packet packet, int pointer, long now) {
    }

    /**
     * RFC 792 / RFC 1122 3.2.1.4: Time Exceeded, code 1, when reassembly timed out; only if the
     * first fragment had arrived: {@code firstHeader} is its header, {@code firstData} its data.
     */
    default void reassemblyTimedOut(byte[] firstHeader, io.netty.buffer.ByteBuf firstData, long now) {
    }
}
