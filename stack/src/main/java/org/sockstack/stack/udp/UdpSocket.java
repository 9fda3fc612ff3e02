package org.sockstack.stack.udp;

import io.netty.buffer.ByteBuf;
import org.sockstack.stack.iface.NetworkInterface;
import org.sockstack.stack.ipv4.Ipv4Path;
import org.sockstack.stack.mcast.FilterMode;
import org.sockstack.stack.mcast.SourceFilter;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.socket.SocketEvents;
import org.sockstack.stack.socket.SocketListener;
import org.sockstack.stack.wire.IpAddress;
import org.sockstack.stack.wire.Ipv4Address;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Objects;

/**
 * The stack's UDP socket (RFC 768). All methods run on the event loop thread; the SPI marshals
 * calls from application threads. Readiness is reported through a {@link SocketListener}.
 *
 * <p>The receive queue is bounded in bytes ({@link #setReceiveBufferSize}); datagrams that do not
 * fit are dropped and counted, as a kernel does.
 */
public final class UdpSocket {
    /** Default receive buffer (bytes of queued payload). */
    public static final int DEFAULT_RECEIVE_BUFFER = 256 * 1024;

    final Udp udp;
    Endpoint local;
    Endpoint remote;
    boolean bound;
    boolean closed;
    boolean broadcast;
    boolean reuseAddress;
    /**
     * Dual-stack (IPV6_V6ONLY off, RFC 3493 section 5.3): bound to the IPv6 wildcard, the socket
     * also receives IPv4 datagrams and may send to IPv4 destinations.
     */
    boolean dualStack;
    int ttl = -1;
    int tos;
    int multicastTtl = 1;
    boolean multicastLoop = true;
    int multicastInterface = -1;
    boolean dontFragment;
    /**
     * The IPv4 path of the last datagram sent and what it was computed from: a socket that keeps
     * sending to one peer reuses it instead of building a path object per datagram.
     */
    Ipv4Path lastPath;
    int lastPathDst;
    int lastPathSrc;
    NetworkInterface lastPathVia;
    int lastPathVersion;
    long lastPathUntil;
    private int receiveBufferSize = DEFAULT_RECEIVE_BUFFER;
    private int queuedBytes;
    /**
     * What the queue is charged against the receive buffer: payload plus a fixed overhead per
     * datagram (as a kernel charges an skb's truesize), so even empty datagrams fill it.
     */
    private int chargedBytes;
    static final int PER_DATAGRAM_OVERHEAD = 256;
    private long receiveDrops;
    private final ArrayDeque<QueuedDatagram> queue = new ArrayDeque<>();
    /** Queue entries to reuse (DESIGN rule 5): at most as many as were ever queued at once. */
    private final ArrayDeque<QueuedDatagram> spare = new ArrayDeque<>();
    private SocketError pendingError = SocketError.OK;
    private SocketListener listener = SocketListener.NONE;

    UdpSocket(Udp udp) {
        this.udp = udp;
        this.local = Endpoint.ANY_IPV4;
    }

    /** Binds to {@code endpoint}; port 0 picks an ephemeral port (RFC 6056). */
    public SocketError bind(Endpoint endpoint) {
        if (closed) {
            return SocketError.CLOSED;
        }
        if (bound) {
            return SocketError.INVALID_ARGUMENT;
        }
        return udp.bind(this, endpoint);
    }

    /**
     * Fixes the peer: datagrams go there by default and only datagrams from it are received
     * (RFC 768 leaves this to the implementation; BSD sockets define it).
     */
    public SocketError connect(Endpoint peer) {
        if (closed) {
            return SocketError.CLOSED;
        }
        if (peer == null || peer.address().isUnspecified()) {
            // Connecting to the unspecified address dissolves the association.
            remote = null;
            return SocketError.OK;
        }
        if (bound && local.address().version() != peer.address().version() && !dualToIpv4(peer)) {
            return SocketError.ADDRESS_FAMILY_NOT_SUPPORTED;
        }
        if (!bound) {
            SocketError e = udp.bind(this, peer.address() instanceof Ipv4Address && !dualStack ? Endpoint.ANY_IPV4
                    : new Endpoint(org.sockstack.stack.wire.Ipv6Address.UNSPECIFIED, 0));
            if (e != SocketError.OK) {
                return e;
            }
        }
        remote = peer;
        return SocketError.OK;
    }

    /** Sends to the connected peer. The data is copied; the caller keeps {@code data}. */
    public SocketError send(ByteBuf data, long now) {
        if (remote == null) {
            return SocketError.NOT_CONNECTED;
        }
        return sendTo(data, remote, now);
    }

    /** Sends one datagram to {@code dst}. The data is copied; the caller keeps {@code data}. */
    public SocketError sendTo(ByteBuf data, Endpoint dst, long now) {
        if (closed) {
            return SocketError.CLOSED;
        }
        Objects.requireNonNull(dst);
        return udp.send(this, data, dst, now);
    }

    /**
     * Sends one datagram to {@code dst} from {@code source} (one of this host's addresses; null or
     * unspecified: the usual choice) out of interface {@code ifindex} (-1: the route's), as an
     * IN_PKTINFO / IN6_PKTINFO control record asks (RFC 3542 section 6.1). The data is copied.
     */
    public SocketError sendFrom(ByteBuf data, Endpoint dst, IpAddress source, int ifindex, long now) {
        if (closed) {
            return SocketError.CLOSED;
        }
        Objects.requireNonNull(dst);
        return udp.send(this, data, dst, source, ifindex, now);
    }

    /** The oldest queued datagram, or null (WOULD_BLOCK). The caller releases its data. */
    public UdpDatagram receive() {
        QueuedDatagram q = dequeue();
        if (q == null) {
            return null;
        }
        UdpDatagram d = q.toDatagram();
        recycle(q);
        return d;
    }

    /**
     * recvfrom without allocating: copies the oldest datagram into {@code dst} (as much as it has
     * room for; the rest is discarded, as recvfrom truncates) and fills {@code info} with its
     * source. Returns the datagram's length, or -1 if none is queued (WOULD_BLOCK).
     */
    public int receive(ByteBuf dst, DatagramInfo info) {
        QueuedDatagram q = dequeue();
        if (q == null) {
            return -1;
        }
        info.fill(q);
        ByteBuf data = q.data;
        dst.writeBytes(data, data.readerIndex(), Math.min(data.readableBytes(), dst.writableBytes()));
        data.release();
        recycle(q);
        return info.length();
    }

    private QueuedDatagram dequeue() {
        QueuedDatagram q = queue.pollFirst();
        if (q != null) {
            queuedBytes -= q.data.readableBytes();
            chargedBytes -= q.data.readableBytes() + PER_DATAGRAM_OVERHEAD;
        }
        return q;
    }

    private void recycle(QueuedDatagram q) {
        q.data = null;
        spare.addLast(q);
    }

    /** The oldest queued datagram without removing it (MSG_PEEK), or null. */
    public UdpDatagram peek() {
        QueuedDatagram q = queue.peekFirst();
        return q == null ? null : q.toDatagram();
    }

    /** Octets of the next datagram (FIONREAD on a datagram socket), or 0. */
    public int nextDatagramSize() {
        QueuedDatagram q = queue.peekFirst();
        return q == null ? 0 : q.data.readableBytes();
    }

    public int queuedBytes() {
        return queuedBytes;
    }

    public int queuedDatagrams() {
        return queue.size();
    }

    /** Datagrams dropped because the receive buffer was full. */
    public long receiveDrops() {
        return receiveDrops;
    }

    /** Takes the pending error (SO_ERROR semantics: reading clears it). */
    public SocketError takeError() {
        SocketError e = pendingError;
        pendingError = SocketError.OK;
        return e;
    }

    public void close() {
        if (!closed) {
            closed = true;
            udp.unbind(this);
            QueuedDatagram q;
            while ((q = queue.pollFirst()) != null) {
                q.data.release();
            }
            spare.clear();
            queuedBytes = 0;
            chargedBytes = 0;
        }
    }

    // ---- options ----

    public void setListener(SocketListener listener) {
        this.listener = Objects.requireNonNull(listener);
    }

    public void setBroadcast(boolean on) {
        broadcast = on;
    }

    public boolean broadcast() {
        return broadcast;
    }

    /** Makes the socket dual-stack (or IPv6-only again); only before it is bound (INVALID_ARGUMENT after). */
    public SocketError setDualStack(boolean on) {
        if (bound || closed) {
            return SocketError.INVALID_ARGUMENT;
        }
        dualStack = on;
        return SocketError.OK;
    }

    public boolean dualStack() {
        return dualStack;
    }

    /** A dual-stack socket bound to the IPv6 wildcard: it also serves {@code peer}'s IPv4. */
    boolean dualToIpv4(Endpoint peer) {
        return dualStack && local.address() instanceof org.sockstack.stack.wire.Ipv6Address a && a.isUnspecified()
                && peer.address() instanceof Ipv4Address;
    }

    public void setReuseAddress(boolean on) {
        reuseAddress = on;
    }

    public boolean reuseAddress() {
        return reuseAddress;
    }

    /** Unicast TTL; -1 for the stack default. */
    public void setTtl(int ttl) {
        if (ttl < -1 || ttl > 255) {
            throw new IllegalArgumentException("TTL out of range: " + ttl);
        }
        this.ttl = ttl;
    }

    public int ttl() {
        return ttl;
    }

    public void setTos(int tos) {
        this.tos = tos & 0xFF;
    }

    public int tos() {
        return tos;
    }

    public void setDontFragment(boolean on) {
        dontFragment = on;
    }

    public boolean dontFragment() {
        return dontFragment;
    }

    public void setMulticastTtl(int ttl) {
        if (ttl < 0 || ttl > 255) {
            throw new IllegalArgumentException("multicast TTL out of range: " + ttl);
        }
        multicastTtl = ttl;
    }

    public int multicastTtl() {
        return multicastTtl;
    }

    public void setMulticastLoop(boolean on) {
        multicastLoop = on;
    }

    public boolean multicastLoop() {
        return multicastLoop;
    }

    /** The interface multicast is sent from (by index), or -1 for the route's choice. */
    public void setMulticastInterface(int index) {
        multicastInterface = index;
    }

    public int multicastInterface() {
        return multicastInterface;
    }

    public void setReceiveBufferSize(int bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("buffer size must be positive");
        }
        receiveBufferSize = bytes;
    }

    public int receiveBufferSize() {
        return receiveBufferSize;
    }

    /** Joins {@code group} on interface {@code ifindex} (-1: the route's interface). */
    public SocketError joinGroup(IpAddress group, int ifindex) {
        return udp.joinGroup(this, group, ifindex);
    }

    public SocketError leaveGroup(IpAddress group, int ifindex) {
        return udp.leaveGroup(this, group, ifindex);
    }

    /**
     * Sets the source filter for {@code group} on interface {@code ifindex} (-1: the route's):
     * only datagrams from {@code sources} (INCLUDE) or from any source but them (EXCLUDE) are
     * received (RFC 3376 section 2, RFC 3678 setsourcefilter). INCLUDE with no source leaves the
     * group; any other filter joins it if needed. IP_ADD_SOURCE_MEMBERSHIP and IP_BLOCK_SOURCE
     * are read-modify-write on {@link #sourceFilter}.
     */
    public SocketError setSourceFilter(IpAddress group, int ifindex, FilterMode mode,
                                       Collection<? extends IpAddress> sources) {
        if (closed) {
            return SocketError.CLOSED;
        }
        return udp.setSourceFilter(this, group, ifindex, mode, sources);
    }

    /** The source filter for a joined group (EXCLUDE {} after joinGroup), or null if not joined. */
    public SourceFilter<? extends IpAddress> sourceFilter(IpAddress group, int ifindex) {
        return udp.sourceFilter(this, group, ifindex);
    }

    public Endpoint localEndpoint() {
        return local;
    }

    /** The connected peer, or null. */
    public Endpoint remoteEndpoint() {
        return remote;
    }

    public boolean isBound() {
        return bound;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Readiness right now: READABLE if a datagram waits, WRITABLE always (UDP never blocks). */
    public int readiness() {
        int r = SocketEvents.WRITABLE;
        if (!queue.isEmpty()) {
            r |= SocketEvents.READABLE;
        }
        if (pendingError != SocketError.OK) {
            r |= SocketEvents.ERROR;
        }
        return r;
    }

    // ---- called by Udp ----

    /** Queues a received datagram (takes ownership); false if the buffer was full. */
    boolean enqueue(UdpDatagram d) {
        if (!hasRoomFor(d.data())) {
            return false;
        }
        return add(nextEntry().set(d));
    }

    /** {@link #enqueue(UdpDatagram)} for IPv4 without building the value (no allocation). */
    boolean enqueueIpv4(int source, int sourcePort, int destination, int destinationPort, int interfaceIndex,
                        ByteBuf data) {
        if (!hasRoomFor(data)) {
            return false;
        }
        return add(nextEntry().setIpv4(source, sourcePort, destination, destinationPort, interfaceIndex, data));
    }

    /** The receive buffer bound; releases {@code data} and counts the drop if it is full. */
    private boolean hasRoomFor(ByteBuf data) {
        int charge = data.readableBytes() + PER_DATAGRAM_OVERHEAD;
        if (chargedBytes + charge > receiveBufferSize && !queue.isEmpty()) {
            receiveDrops++;
            data.release();
            return false;
        }
        return true;
    }

    private QueuedDatagram nextEntry() {
        QueuedDatagram q = spare.pollFirst();
        return q != null ? q : new QueuedDatagram();
    }

    private boolean add(QueuedDatagram q) {
        int size = q.data.readableBytes();
        int charge = size + PER_DATAGRAM_OVERHEAD;
        boolean wasEmpty = queue.isEmpty();
        queue.addLast(q);
        queuedBytes += size;
        chargedBytes += charge;
        if (wasEmpty) {
            listener.onEvents(SocketEvents.READABLE);
        }
        return true;
    }

    void reportError(SocketError e) {
        pendingError = e;
        listener.onEvents(SocketEvents.ERROR);
    }

    @Override
    public String toString() {
        return "UDP " + local + (remote != null ? " -> " + remote : "") + (closed ? " closed" : "");
    }
}
