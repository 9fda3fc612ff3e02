package org.sockstack.stack.raw;

import io.netty.buffer.ByteBuf;
import org.sockstack.stack.ipv4.Ipv4;
import org.sockstack.stack.ipv4.Ipv4Path;
import org.sockstack.stack.ipv6.Ipv6;
import org.sockstack.stack.ipv6.Ipv6Path;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.socket.SocketEvents;
import org.sockstack.stack.socket.SocketListener;
import org.sockstack.stack.wire.EtherType;
import org.sockstack.stack.wire.EthernetFrame;
import org.sockstack.stack.wire.InternetChecksum;
import org.sockstack.stack.wire.IpAddress;
import org.sockstack.stack.wire.IpProtocol;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.Ipv4Packet;
import org.sockstack.stack.wire.Ipv6Address;
import org.sockstack.stack.wire.Ipv6Packet;

import java.util.ArrayDeque;

/**
 * A raw IP socket (Winsock "TCP/IP Raw Sockets", RFC 3542 section 3 for IPv6): one IP protocol
 * number, datagrams in and out without a transport layer in between.
 *
 * <p>Output. The stack builds the IP header around the application's data ({@link #sendTo}),
 * with the socket's TTL / hop limit. With {@link #setHeaderIncluded} (IP_HDRINCL; implied for
 * protocol 255, IPPROTO_RAW) an IPv4 application writes the header itself and the stack fills
 * Total Length, a zero Identification, a zero source and the Header Checksum, as Windows and
 * Linux do. Over IPv6 the stack computes the upper-layer checksum at {@link #checksumOffset()}
 * (IPV6_CHECKSUM, RFC 3542 section 3.1), always at offset 2 for ICMPv6.
 *
 * <p>Input. See {@link RawSockets}; the receive queue is bounded by the receive buffer size in
 * octets, and what does not fit is dropped and counted ({@link #receiveDrops()}).
 *
 * <p>Loop thread only, as every stack socket.
 */
public final class RawSocket {
    /** The default receive buffer: 64 KiB of queued datagrams. */
    public static final int DEFAULT_RECEIVE_BUFFER = 64 * 1024;
    /** IPPROTO_RAW: IANA-reserved 255, by BSD convention "the application writes the IP header". */
    public static final int IPPROTO_RAW = 255;

    private final RawSockets raw;
    private final int version;
    private final int protocol;
    private final ArrayDeque<RawDatagram> queue = new ArrayDeque<>();
    private IpAddress local;
    private IpAddress remote;
    private boolean headerIncluded;
    private int ttl = -1;
    private int tos;
    private int multicastTtl = 1;
    private int checksumOffset;
    private int receiveBuffer = DEFAULT_RECEIVE_BUFFER;
    private int queuedBytes;
    private long drops;
    private boolean closed;
    private SocketListener listener = SocketListener.NONE;

    RawSocket(RawSockets raw, int version, int protocol) {
        this.raw = raw;
        this.version = version;
        this.protocol = protocol;
        this.headerIncluded = version == 4 && protocol == IPPROTO_RAW;
        this.checksumOffset = version == 6 && protocol == IpProtocol.ICMPV6 ? 2 : -1;
    }

    /** 4 or 6. */
    public int version() {
        return version;
    }

    /** The IP protocol number (IPv6: Next Header) this socket sends and receives. */
    public int protocol() {
        return protocol;
    }

    // ------------------------------------------------------------------ set-up

    /** Restricts input to datagrams addressed to {@code address} (unspecified: any). */
    public SocketError bind(IpAddress address) {
        if (closed) {
            return SocketError.CLOSED;
        }
        if (address.version() != version) {
            return SocketError.ADDRESS_FAMILY_NOT_SUPPORTED;
        }
        if (!address.isUnspecified() && !isLocal(address)) {
            return SocketError.ADDRESS_NOT_AVAILABLE;
        }
        local = address.isUnspecified() ? null : address;
        return SocketError.OK;
    }

    private boolean isLocal(IpAddress a) {
        if (a instanceof Ipv4Address v4) {
            return raw.ipv4().isLocalAddress(v4.bits());
        }
        return raw.ipv6().isLocal((Ipv6Address) a);
    }

    /** Fixes the peer (input only from it, {@link #send} goes to it); null dissolves it. */
    public SocketError connect(IpAddress peer) {
        if (closed) {
            return SocketError.CLOSED;
        }
        if (peer != null && peer.version() != version) {
            return SocketError.ADDRESS_FAMILY_NOT_SUPPORTED;
        }
        remote = peer == null || peer.isUnspecified() ? null : peer;
        return SocketError.OK;
    }

    /** The bound address, or null (any). */
    public IpAddress localAddress() {
        return local;
    }

    /** The connected peer, or null. */
    public IpAddress remoteAddress() {
        return remote;
    }

    boolean matches(IpAddress src, IpAddress dst) {
        return (local == null || local.equals(dst)) && (remote == null || remote.equals(src));
    }

    // ------------------------------------------------------------------ output

    /** Sends to the connected peer. */
    public SocketError send(ByteBuf data, long now) {
        if (remote == null) {
            return SocketError.NOT_CONNECTED;
        }
        return sendTo(data, remote, now);
    }

    /** Sends one datagram to {@code dst}; the caller keeps {@code data}. */
    public SocketError sendTo(ByteBuf data, IpAddress dst, long now) {
        if (closed) {
            return SocketError.CLOSED;
        }
        if (dst.version() != version) {
            return SocketError.ADDRESS_FAMILY_NOT_SUPPORTED;
        }
        SocketError e = version == 4 ? sendIpv4(data, (Ipv4Address) dst, now) : sendIpv6(data, (Ipv6Address) dst, now);
        if (e == SocketError.OK) {
            raw.txDatagrams.increment();
        }
        return e;
    }

    private SocketError sendIpv4(ByteBuf data, Ipv4Address dst, long now) {
        Ipv4 ipv4 = raw.ipv4();
        int length = data.readableBytes();
        Ipv4Path path = ipv4.path(dst.bits(), local == null ? 0 : ((Ipv4Address) local).bits(), null);
        if (path == null) {
            return SocketError.NO_ROUTE;
        }
        if (headerIncluded) {
            return sendHeaderIncluded(ipv4, path, data, length, now);
        }
        if (Ipv4Packet.MIN_HEADER_LENGTH + length > Ipv4Packet.MAX_TOTAL_LENGTH) {
            return SocketError.MESSAGE_TOO_BIG;
        }
        ByteBuf frame = ipv4.allocate(path.iface(), length);
        frame.setBytes(Ipv4.PAYLOAD_OFFSET, data, data.readerIndex(), length);
        int hops = dst.isMulticast() ? multicastTtl : (ttl >= 0 ? ttl : Ipv4.DEFAULT_TTL);
        return ipv4.send(path, frame, protocol, hops, tos, false, now);
    }

    /**
     * IP_HDRINCL: the data is a whole IPv4 datagram. Its header must be well formed (version 4,
     * IHL at least 5 and within the data); it is never fragmented here (as Linux: EMSGSIZE).
     */
    private SocketError sendHeaderIncluded(Ipv4 ipv4, Ipv4Path path, ByteBuf data, int length, long now) {
        int at = data.readerIndex();
        if (length < Ipv4Packet.MIN_HEADER_LENGTH || (data.getUnsignedByte(at) >>> 4) != Ipv4Packet.VERSION) {
            return SocketError.INVALID_ARGUMENT;
        }
        int headerLength = (data.getUnsignedByte(at) & 0x0F) * 4;
        if (headerLength < Ipv4Packet.MIN_HEADER_LENGTH || headerLength > length) {
            return SocketError.INVALID_ARGUMENT;
        }
        if (length > path.mtu()) {
            return SocketError.MESSAGE_TOO_BIG;
        }
        ByteBuf frame = path.iface().newFrame(EtherType.IPV4, length);
        frame.setBytes(EthernetFrame.HEADER_LENGTH, data, at, length);
        return ipv4.sendHeaderIncluded(path, frame, now);
    }

    private SocketError sendIpv6(ByteBuf data, Ipv6Address dst, long now) {
        Ipv6 ipv6 = raw.ipv6();
        int length = data.readableBytes();
        if (length > 0xFFFF) {
            return SocketError.MESSAGE_TOO_BIG;
        }
        if (checksumOffset >= 0 && checksumOffset + 2 > length) {
            return SocketError.INVALID_ARGUMENT;
        }
        Ipv6Path path = ipv6.path(dst, (Ipv6Address) local, null);
        if (path == null) {
            return SocketError.NO_ROUTE;
        }
        ByteBuf frame = ipv6.allocate(path.iface(), length);
        frame.setBytes(Ipv6.PAYLOAD_OFFSET, data, data.readerIndex(), length);
        if (checksumOffset >= 0) {
            // RFC 3542 section 3.1: the kernel computes the checksum over the pseudo-header
            // (RFC 8200 section 8.1) and the data, with the checksum field taken as zero.
            int field = Ipv6.PAYLOAD_OFFSET + checksumOffset;
            frame.setShort(field, 0);
            int pseudo = InternetChecksum.pseudoHeaderIpv6(path.src(), dst, protocol, length);
            frame.setShort(field, InternetChecksum.finish(InternetChecksum.add(frame, Ipv6.PAYLOAD_OFFSET, length,
                    pseudo)));
        }
        int hops = dst.isMulticast() ? multicastTtl : (ttl >= 0 ? ttl : ipv6.hopLimit(path));
        return ipv6.send(path, frame, protocol, hops, tos, now);
    }

    // ------------------------------------------------------------------ input

    void enqueue(IpAddress src, ByteBuf buf, int offset, int length, long now) {
        if (queuedBytes + length > receiveBuffer) {
            drops++;
            raw.drop(now);
            return;
        }
        byte[] copy = new byte[length];
        buf.getBytes(offset, copy);
        queue.add(new RawDatagram(src, copy));
        queuedBytes += length;
        raw.rxDelivered.increment();
        listener.onEvents(SocketEvents.READABLE);
    }

    /** The next datagram, or null. */
    public RawDatagram receive() {
        RawDatagram d = queue.poll();
        if (d != null) {
            queuedBytes -= d.data().length;
        }
        return d;
    }

    /** The next datagram, left in the queue; or null. */
    public RawDatagram peek() {
        return queue.peek();
    }

    public int queuedBytes() {
        return queuedBytes;
    }

    public int queuedDatagrams() {
        return queue.size();
    }

    /** Datagrams dropped because the receive buffer was full. */
    public long receiveDrops() {
        return drops;
    }

    /** {@link SocketEvents} bits: READABLE while datagrams wait, WRITABLE while open. */
    public int readiness() {
        if (closed) {
            return 0;
        }
        return (queue.isEmpty() ? 0 : SocketEvents.READABLE) | SocketEvents.WRITABLE;
    }

    public void setListener(SocketListener listener) {
        this.listener = listener == null ? SocketListener.NONE : listener;
    }

    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.clear();
        queuedBytes = 0;
        raw.closed(this);
    }

    public boolean isClosed() {
        return closed;
    }

    // ------------------------------------------------------------------ options

    /** IP_HDRINCL (IPv4 only): the application writes the IPv4 header. */
    public SocketError setHeaderIncluded(boolean on) {
        if (version != 4) {
            return SocketError.NOT_SUPPORTED;
        }
        headerIncluded = on;
        return SocketError.OK;
    }

    public boolean headerIncluded() {
        return headerIncluded;
    }

    /** IP_TTL / IPV6_UNICAST_HOPS; -1 restores the default. */
    public void setTtl(int ttl) {
        this.ttl = ttl;
    }

    /** The TTL / hop limit set, or -1 for the default. */
    public int ttl() {
        return ttl;
    }

    /** IP_MULTICAST_TTL / IPV6_MULTICAST_HOPS (default 1, RFC 1112 / RFC 3493 5.2). */
    public void setMulticastTtl(int ttl) {
        this.multicastTtl = ttl;
    }

    public int multicastTtl() {
        return multicastTtl;
    }

    /** IP_TOS / IPV6_TCLASS. */
    public void setTos(int tos) {
        this.tos = tos & 0xFF;
    }

    public int tos() {
        return tos;
    }

    /**
     * IPV6_CHECKSUM (RFC 3542 section 3.1): the offset of the checksum the stack computes on
     * output and verifies on input, or -1 for none. An even offset; ICMPv6 keeps 2.
     */
    public SocketError setChecksumOffset(int offset) {
        if (version != 6) {
            return SocketError.NOT_SUPPORTED;
        }
        if (protocol == IpProtocol.ICMPV6 || offset < -1 || (offset > 0 && (offset & 1) != 0)) {
            return SocketError.INVALID_ARGUMENT;
        }
        checksumOffset = offset;
        return SocketError.OK;
    }

    public int checksumOffset() {
        return checksumOffset;
    }

    public void setReceiveBufferSize(int bytes) {
        this.receiveBuffer = Math.max(1, bytes);
    }

    public int receiveBufferSize() {
        return receiveBuffer;
    }

    @Override
    public String toString() {
        return "RawSocket[IPv" + version + " proto " + protocol + "]";
    }
}
