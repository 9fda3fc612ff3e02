package org.sockstack.stack.tcp;

import org.sockstack.stack.wire.IpAddress;

/**
 * Where a connection's segments go, as its {@link TcpNetwork} resolved it: the source address to
 * use, the destination, and the path MTU. Each network implements it with whatever it needs to
 * send (IPv4 keeps its {@code Ipv4Path}).
 */
public interface TcpPath {
    IpAddress local();

    IpAddress remote();

    /** The MTU towards {@link #remote()} (octets of IP datagram). */
    int mtu();

    /**
     * The network interface this path leaves through, or null (tests). TCP asks it whether the
     * device takes super-frames (TCP segmentation offload).
     */
    default org.sockstack.stack.iface.NetworkInterface iface() {
        return null;
    }

    /** True if segments on this path may be super-frames that the device cuts (TSO). */
    default boolean segmentationOffload() {
        org.sockstack.stack.iface.NetworkInterface i = iface();
        return i != null && i.tcpSegmentationOffload();
    }
}
