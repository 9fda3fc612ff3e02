package org.sockstack.stack.ipv6;

import io.netty.buffer.ByteBuf;
import org.sockstack.stack.iface.NetworkInterface;
import org.sockstack.stack.wire.Ipv6Packet;

/** How IPv6 asks ICMPv6 to report a problem with a received packet (ICMPv6 implements it). */
public interface Ipv6ErrorSink {
    Ipv6ErrorSink NONE = new Ipv6ErrorSink() { };

    /**
     * RFC 4443 section 3.4: Parameter Problem with {@code code} and {@code pointer} (the offset of
     * the offending octet from the start of the IPv6 header). {@code linkMulticast}: the frame was
     * sent to a link-layer multicast or broadcast address (RFC 4443 2.4 (e.3)).
     */
    default void parameterProblem(NetworkInterface iface, Ipv6Packet packet, int code, int pointer,
                                  boolean linkMulticast, long now) {
    }

    /**
     * RFC 8200 section 4.5: Time Exceeded, code 1, when reassembly timed out and the first
     * fragment had arrived: {@code firstHeader} is its unfragmentable part, {@code firstData} its data.
     */
    default void reassemblyTimedOut(byte[] firstHeader, ByteBuf firstData, long now) {
    }
}
