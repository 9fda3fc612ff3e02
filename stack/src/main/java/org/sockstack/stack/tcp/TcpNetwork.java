package org.sockstack.stack.tcp;

import io.netty.buffer.ByteBuf;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.wire.IpAddress;

/**
 * How TCP talks to one network layer (IPv4 now, IPv6 later): TCP itself never names an address
 * family. A network resolves paths, builds frames with room for a segment, supplies the checksum
 * pseudo-header (RFC 9293 3.1) and sends. It also feeds received segments to
 * {@link Tcp#segmentArrives}.
 */
public interface TcpNetwork {

    /** 4 or 6: the address family this network carries. */
    int version();

    /** Octets of IP header in front of each segment (20 for IPv4 without options, 40 for IPv6). */
    int ipHeaderLength();

    /** True if {@code address} is one of this host's addresses (for bind). */
    boolean isLocalAddress(IpAddress address);

    /**
     * The path to {@code remote} from {@code local} (the unspecified address lets the network
     * choose the source), or null if there is no route.
     */
    TcpPath route(IpAddress local, IpAddress remote);

    /**
     * A frame with room for a TCP segment of {@code tcpLength} octets at {@link #segmentOffset()};
     * the caller writes the segment and hands the frame to {@link #send}.
     */
    ByteBuf allocate(TcpPath path, int tcpLength);

    /** Where the segment starts in a frame from {@link #allocate}. */
    int segmentOffset();

    /** The pseudo-header checksum sum for a segment of {@code tcpLength} octets on {@code path}. */
    int pseudoHeaderSum(TcpPath path, int tcpLength);

    /** Sends the frame (ownership passes to the network) with the stack's default TTL and TOS 0. */
    default SocketError send(TcpPath path, ByteBuf frame, long now) {
        return send(path, frame, -1, 0, now);
    }

    /**
     * Sends the frame (ownership passes to the network) with the connection's IP header fields:
     * {@code ttl} is the IPv4 Time to Live or IPv6 Hop Limit (-1: the stack's default), {@code tos}
     * the IPv4 Type of Service or IPv6 Traffic Class octet (RFC 2474 DS field and RFC 3168 ECN).
     */
    SocketError send(TcpPath path, ByteBuf frame, int ttl, int tos, long now);

    /**
     * Sends a super-frame of more than one MSS that the device cuts into segments of
     * {@code segmentSize} data octets (TCP segmentation offload; only when
     * {@link TcpPath#segmentationOffload()}). The interface carries the segment size for the
     * duration of the call, so IP lets the datagram exceed the MTU.
     */
    default SocketError sendSegmented(TcpPath path, ByteBuf frame, int segmentSize, int ttl, int tos, long now) {
        org.sockstack.stack.iface.NetworkInterface iface = path.iface();
        iface.setTxSegmentSize(segmentSize);
        try {
            return send(path, frame, ttl, tos, now);
        } finally {
            iface.setTxSegmentSize(0);
        }
    }
}
