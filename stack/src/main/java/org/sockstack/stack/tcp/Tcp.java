package org.sockstack.stack.tcp;

import io.netty.buffer.ByteBuf;
import org.sockstack.stack.loop.TimerWheel;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.stats.Counter;
import org.sockstack.stack.stats.Counters;
import org.sockstack.stack.stats.EventTrace;
import org.sockstack.stack.stats.TraceEvent;
import org.sockstack.stack.wire.InternetChecksum;
import org.sockstack.stack.wire.IpAddress;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.Ipv6Address;
import org.sockstack.stack.wire.TcpOptions;
import org.sockstack.stack.wire.TcpRepr;
import org.sockstack.stack.wire.TcpSegment;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * TCP for one stack (RFC 9293): the connection table (demultiplexing by 4-tuple, listeners by
 * local address and port), port allocation (RFC 6056), ISNs (RFC 6528), the challenge-ACK budget
 * (RFC 5961 section 7), counters and the segments sent without a connection (RST to a closed port,
 * RFC 9293 3.10.7.1). The per-connection protocol lives in {@link TcpConnection}; applications use
 * {@link TcpSocket}s from {@link #open()}. Event loop thread only (DESIGN rule 4).
 */
public final class Tcp {
    static final String LAYER = "tcp";
    private static final long ONE_SECOND = 1_000_000_000L;

    private final TcpConfig config;
    private final TimerWheel timers;
    private final RandomGenerator random;
    private final Counters counters;
    private final EventTrace trace;
    private IsnGenerator isnGenerator;
    private final TcpNetwork[] networks = new TcpNetwork[7];
    private final Map<ConnKey, TcpConnection> connections = new HashMap<>();
    /**
     * Every socket holding a port, by port: bound ones and the connections accepted on a
     * listener's port (a set, so that closing one of 100 000 children is O(1)).
     */
    private final Map<Integer, Set<TcpSocket>> ports = new HashMap<>();
    /** The LISTEN sockets by port, so a SYN finds its listener without walking the children. */
    private final Map<Integer, List<TcpSocket>> listening = new HashMap<>();
    private final Map<String, Counter> dropCounters = new HashMap<>();

    /** RFC 6056 section 3.3.3: secret_key of F (drawn on first use) and next_ephemeral. */
    private long[] portSecret;
    private int nextEphemeral;

    private long challengeWindowStart = Long.MIN_VALUE;
    private int challengeAcksInWindow;

    final Counter activeOpens;
    final Counter passiveOpens;
    final Counter attemptFails;
    final Counter estabResets;
    final Counter segsIn;
    final Counter segsOut;
    final Counter retransSegs;
    final Counter outRsts;
    final Counter challengeAcks;
    final Counter delayedAcks;
    final Counter listenOverflows;
    final Counter zeroWindowProbes;
    final Counter timeouts;
    final Counter fastRetransmits;
    final Counter sackRecoveries;
    final Counter icmpErrors;
    final Counter urgentReceived;
    final Counter rcvbufGrown;
    final Counter keepaliveProbes;
    final Counter keepaliveTimeouts;
    final Counter syncookiesSent;
    final Counter syncookiesOk;
    final Counter syncookiesFailed;
    /** SO_CONDITIONAL_ACCEPT: SYNs held for the application, their retransmissions, the refused ones. */
    final Counter heldSyns;
    final Counter heldSynRetransmits;
    final Counter heldSynRejects;
    final SynCookies synCookies;
    /** The TSval offset of SYN,ACKs sent with cookies (and of the connections they become). */
    final int cookieTsOffset;
    final Counter pmtuUpdates;
    final Counter dsacksReceived;
    final Counter dsacksSent;
    final Counter spuriousRecoveries;
    /**
     * The header and options of the segment being sent, refilled per segment by whichever
     * connection sends (event loop only; never kept past {@link #transmit}): DESIGN rule 5.
     */
    final TcpRepr txHeader = TcpRepr.scratch();
    final TcpOptions txOptions = TcpOptions.scratch();

    public Tcp(TcpConfig config, TimerWheel timers, RandomGenerator random, Counters counters, EventTrace trace) {
        this.config = config;
        this.timers = timers;
        this.random = random;
        this.counters = counters;
        this.trace = trace;
        this.isnGenerator = new Rfc6528IsnGenerator(random);
        activeOpens = counters.counter("tcp.active_opens");
        passiveOpens = counters.counter("tcp.passive_opens");
        attemptFails = counters.counter("tcp.attempt_fails");
        estabResets = counters.counter("tcp.estab_resets");
        segsIn = counters.counter("tcp.segs_in");
        segsOut = counters.counter("tcp.segs_out");
        retransSegs = counters.counter("tcp.retrans_segs");
        outRsts = counters.counter("tcp.out_rsts");
        challengeAcks = counters.counter("tcp.challenge_acks");
        delayedAcks = counters.counter("tcp.delayed_acks");
        listenOverflows = counters.counter("tcp.listen_overflows");
        zeroWindowProbes = counters.counter("tcp.zero_window_probes");
        timeouts = counters.counter("tcp.timeouts");
        fastRetransmits = counters.counter("tcp.fast_retransmits");
        sackRecoveries = counters.counter("tcp.sack_recoveries");
        icmpErrors = counters.counter("tcp.icmp_errors");
        urgentReceived = counters.counter("tcp.urgent_received");
        rcvbufGrown = counters.counter("tcp.rcvbuf_autotuned");
        keepaliveProbes = counters.counter("tcp.keepalive_probes");
        keepaliveTimeouts = counters.counter("tcp.keepalive_timeouts");
        syncookiesSent = counters.counter("tcp.syncookies_sent");
        syncookiesOk = counters.counter("tcp.syncookies_ok");
        syncookiesFailed = counters.counter("tcp.syncookies_failed");
        heldSyns = counters.counter("tcp.held_syns");
        heldSynRetransmits = counters.counter("tcp.held_syn_retransmits");
        heldSynRejects = counters.counter("tcp.held_syn_rejects");
        synCookies = new SynCookies(random);
        cookieTsOffset = random.nextInt();
        pmtuUpdates = counters.counter("tcp.pmtu_updates");
        dsacksReceived = counters.counter("tcp.dsacks_received");
        dsacksSent = counters.counter("tcp.dsacks_sent");
        spuriousRecoveries = counters.counter("tcp.spurious_recoveries");
    }

    /**
     * Connections with a window update waiting for the end of the batch (see
     * {@link TcpConnection#afterRead}); a connection may appear twice, its second turn finds
     * nothing to send. Emptied by {@link #flushDeferredAcks} once per loop iteration.
     */
    private final ArrayDeque<TcpConnection> deferredAcks = new ArrayDeque<>();

    void deferAck(TcpConnection c) {
        deferredAcks.add(c);
    }

    /**
     * Sends the window updates deferred during this batch that no data segment carried. The
     * stack calls it after receiving and before flushing its devices, once per iteration.
     */
    public void flushDeferredAcks(long now) {
        TcpConnection c;
        while ((c = deferredAcks.poll()) != null) {
            c.sendDeferredAck(now);
        }
    }

    /** Makes {@code network} carry TCP for its address family. */
    public void addNetwork(TcpNetwork network) {
        networks[network.version()] = network;
    }

    /** Replaces the ISN generator (tests fix ISNs with it). */
    public void setIsnGenerator(IsnGenerator generator) {
        this.isnGenerator = generator;
    }

    /** A new, unbound socket. */
    public TcpSocket open() {
        return new TcpSocket(this);
    }

    public TcpConfig config() {
        return config;
    }

    public Counters counters() {
        return counters;
    }

    /** Every connection's {@code ss -ti}-style view. */
    public List<TcpInfo> connections(long now) {
        List<TcpInfo> out = new ArrayList<>(connections.size());
        for (TcpConnection c : connections.values()) {
            out.add(c.info(now));
        }
        return out;
    }

    /** Number of connections in the table (any state but LISTEN and CLOSED). */
    public int connectionCount() {
        return connections.size();
    }

    /** Number of sockets holding a port binding. */
    public int boundSocketCount() {
        int n = 0;
        for (Set<TcpSocket> l : ports.values()) {
            n += l.size();
        }
        return n;
    }

    TimerWheel timers() {
        return timers;
    }

    RandomGenerator random() {
        return random;
    }

    EventTrace trace() {
        return trace;
    }

    TcpNetwork network(int version) {
        return version >= 0 && version < networks.length ? networks[version] : null;
    }

    int isn(ConnKey key, long now) {
        return isnGenerator.isn(key.localAddress(), key.localPort(), key.remoteAddress(), key.remotePort(), now);
    }

    // ------------------------------------------------------------------ input

    /** A segment that failed validation below TCP's state machine (checksum, length, options, cast). */
    void dropUnparsed(String reason, long now) {
        drop(reason, now);
    }

    /**
     * RFC 9293 3.10.7: a segment arrived for us. {@code seg} is validated (checksum and lengths);
     * its data is in {@code buf} at {@code dataOffset} (borrowed for the call). {@code key} names
     * it (local = destination, remote = source); the caller's probe key and scratch {@code seg}
     * are only borrowed for the call.
     */
    void segmentArrives(TcpNetwork net, ConnKey key, TcpRepr seg, ByteBuf buf, int dataOffset, long now) {
        segsIn.increment();
        TcpConnection c = connections.get(key);
        int isnFloor = 0;
        boolean hasFloor = false;
        if (c != null) {
            if (!c.segmentArrives(seg, buf, dataOffset, now)) {
                return;
            }
            // RFC 9293 3.10.7.4 / RFC 6191: an acceptable new SYN ends TIME_WAIT; the new ISN
            // starts above everything the old incarnation sent.
            isnFloor = c.sndMax() + 65_537;
            hasFloor = true;
            c.destroy(null, now);
        }
        // No connection: a SYN for a listener or a reset. These paths may allocate.
        IpAddress src = key.remoteAddress();
        IpAddress dst = key.localAddress();
        TcpSocket listener = findListener(dst, seg.dstPort());
        if (listener != null) {
            listener.listener().segmentArrives(net, src, dst, seg, buf, dataOffset, hasFloor, isnFloor, now);
            return;
        }
        closedArrives(net, src, dst, seg, now);
    }

    /**
     * An ICMP error about a segment we sent from {@code local:localPort} to {@code remote:remotePort}
     * with sequence number {@code seq} (RFC 1122 4.2.3.9, RFC 5927); {@code mtu} is the path MTU now
     * in force for "fragmentation needed" (RFC 1191), else 0.
     */
    public void errorArrives(IpAddress local, int localPort, IpAddress remote, int remotePort, int seq,
                             SocketError error, int mtu, boolean permanent, long now) {
        icmpErrors.increment();
        TcpConnection c = connections.get(new ConnKey(local, localPort, remote, remotePort));
        if (c == null) {
            drop("icmp_no_connection", now);
            return;
        }
        c.errorArrives(seq, error, mtu, permanent, now);
    }

    /** RFC 9293 3.10.7.1: no TCB. A RST is discarded; anything else is answered with a RST. */
    private void closedArrives(TcpNetwork net, IpAddress src, IpAddress dst, TcpRepr seg, long now) {
        drop("no_socket", now);
        if (seg.rst()) {
            return;
        }
        if (seg.ack()) {
            // <SEQ=SEG.ACK><CTL=RST>
            sendReset(net, dst, seg.dstPort(), src, seg.srcPort(), seg.ackNumber(), 0, false, now);
        } else {
            // <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>
            sendReset(net, dst, seg.dstPort(), src, seg.srcPort(), 0, seg.seqNumber() + seg.segLen(), true, now);
        }
    }

    /** Sends a RST outside any connection. */
    void sendReset(TcpNetwork net, IpAddress local, int localPort, IpAddress remote, int remotePort, int seq, int ack,
                   boolean withAck, long now) {
        TcpPath path = net.route(local, remote);
        if (path == null) {
            return;
        }
        int flags = TcpSegment.RST | (withAck ? TcpSegment.ACK : 0);
        transmit(net, path, new TcpRepr(localPort, remotePort, seq, withAck ? ack : 0, flags, 0, 0, TcpOptions.NONE, 0),
                null, 0, now);
        outRsts.increment();
    }

    /**
     * Writes {@code header} and {@code header.payloadLength()} octets from {@code data} (at ring
     * offset {@code dataOffset}) into a new frame and sends it.
     */
    void transmit(TcpNetwork net, TcpPath path, TcpRepr header, ByteRing data, int dataOffset, long now) {
        transmit(net, path, header, data, dataOffset, 0, -1, 0, now);
    }

    /**
     * Builds and sends one segment. With {@code segmentSize > 0} and more data than that, the
     * segment is a super-frame for TCP segmentation offload: the device cuts it into segments
     * of {@code segmentSize} data octets, each with a copy of this header (sequence numbers
     * advanced, FIN/PSH on the last only). Its checksum is left to the device: the field holds the
     * folded, not complemented, pseudo-header sum of the whole segment, which is what Linux
     * expects of a CHECKSUM_PARTIAL TSO packet (virtio_net_hdr NEEDS_CSUM, virtio spec 5.1.6.2).
     * {@code ttl} and {@code tos} are the connection's IP header fields ({@link TcpNetwork#send}).
     */
    void transmit(TcpNetwork net, TcpPath path, TcpRepr header, ByteRing data, int dataOffset, int segmentSize,
                  int ttl, int tos, long now) {
        int tcpLength = header.tcpLength();
        ByteBuf frame = net.allocate(path, tcpLength);
        int at = net.segmentOffset();
        if (header.payloadLength() > 0) {
            data.copyTo(dataOffset, frame, at + header.headerLength(), header.payloadLength());
        }
        boolean superFrame = segmentSize > 0 && header.payloadLength() > segmentSize;
        if (superFrame) {
            header.emitHeader(frame, at);
            int pseudo = net.pseudoHeaderSum(path, tcpLength);
            frame.setShort(at + 16, ~InternetChecksum.finish(pseudo));
            segsOut.increment();
            net.sendSegmented(path, frame, segmentSize, ttl, tos, now);
            return;
        }
        header.emit(frame, at, net.pseudoHeaderSum(path, tcpLength));
        segsOut.increment();
        net.send(path, frame, ttl, tos, now);
    }

    // ------------------------------------------------------------------ tables

    void register(TcpConnection c) {
        connections.put(c.key(), c);
    }

    void unregister(TcpConnection c) {
        connections.remove(c.key(), c);
    }

    boolean hasConnection(ConnKey key) {
        return connections.containsKey(key);
    }

    /** A LISTEN socket for {@code addr:port}: one bound to the address itself before a wildcard one. */
    private TcpSocket findListener(IpAddress addr, int port) {
        List<TcpSocket> list = listening.get(port);
        if (list == null) {
            return null;
        }
        TcpSocket wildcard = null;
        TcpSocket dual = null;
        for (TcpSocket s : list) {
            if (s.listener() != null && addr.version() == 4 && isDualWildcard(s)) {
                dual = s;   // RFC 3493 3.7: an IPv6 wildcard listener also takes IPv4 connections
                continue;
            }
            if (s.listener() == null || s.localAddress().version() != addr.version()) {
                continue;
            }
            if (s.localAddress().equals(addr)) {
                return s;
            }
            if (s.localAddress().isUnspecified()) {
                wildcard = s;
            }
        }
        return wildcard != null ? wildcard : dual;
    }

    /** A dual-stack socket bound to the IPv6 wildcard (::): it covers the IPv4 addresses too. */
    private static boolean isDualWildcard(TcpSocket s) {
        return s.dualStack() && s.localAddress().version() == 6 && s.localAddress().isUnspecified();
    }

    /**
     * Binds {@code s} to {@code local}; port 0 picks an ephemeral port. Conflicts (EADDRINUSE)
     * follow Linux: another socket on the port whose address overlaps, unless both set
     * SO_REUSEADDR and the other is not listening.
     */
    SocketError bind(TcpSocket s, Endpoint local) {
        IpAddress addr = local.address();
        if (!addr.isUnspecified()) {
            TcpNetwork net = network(addr.version());
            if (net == null) {
                return SocketError.ADDRESS_FAMILY_NOT_SUPPORTED;
            }
            if (!net.isLocalAddress(addr)) {
                return SocketError.ADDRESS_NOT_AVAILABLE;
            }
        }
        int port = local.port();
        if (port == 0) {
            port = ephemeralPort(addr, null);
            if (port == 0) {
                return SocketError.ADDRESS_IN_USE;
            }
        } else if (conflicts(s, addr, port)) {
            return SocketError.ADDRESS_IN_USE;
        }
        s.setBinding(new Endpoint(addr, port));
        ports.computeIfAbsent(port, p -> new LinkedHashSet<>(2)).add(s);
        return SocketError.OK;
    }

    /** A bound socket entered LISTEN. */
    void startListening(TcpSocket s) {
        listening.computeIfAbsent(s.binding().port(), p -> new ArrayList<>(1)).add(s);
    }

    /** Registers a socket created for a passive open under its listener's port. */
    void bindChild(TcpSocket child, Endpoint local) {
        child.setBinding(local);
        ports.computeIfAbsent(local.port(), p -> new LinkedHashSet<>(2)).add(child);
    }

    void unbind(TcpSocket s) {
        Endpoint b = s.binding();
        if (b == null) {
            return;
        }
        Set<TcpSocket> set = ports.get(b.port());
        if (set != null) {
            set.remove(s);
            if (set.isEmpty()) {
                ports.remove(b.port());
            }
        }
        List<TcpSocket> l = listening.get(b.port());
        if (l != null && l.remove(s) && l.isEmpty()) {
            listening.remove(b.port());
        }
        s.setBinding(null);
    }

    private boolean conflicts(TcpSocket s, IpAddress addr, int port) {
        Set<TcpSocket> list = ports.get(port);
        if (list == null) {
            return false;
        }
        for (TcpSocket other : list) {
            if (other == s || !overlaps(other.localAddress(), other.dualStack(), addr, s.dualStack())) {
                continue;
            }
            if (s.reuseAddress() && other.reuseAddress() && other.listener() == null) {
                continue;
            }
            return true;
        }
        return false;
    }

    private static boolean overlaps(IpAddress a, IpAddress b) {
        return a.version() == b.version() && (a.isUnspecified() || b.isUnspecified() || a.equals(b));
    }

    /** As {@link #overlaps(IpAddress, IpAddress)}, where a dual-stack IPv6 wildcard also covers every IPv4 address. */
    private static boolean overlaps(IpAddress a, boolean aDual, IpAddress b, boolean bDual) {
        return overlaps(a, b)
                || aDual && a.version() == 6 && a.isUnspecified() && b.version() == 4
                || bDual && b.version() == 6 && b.isUnspecified() && a.version() == 4;
    }

    /**
     * An ephemeral port (RFC 6056 section 2.1: from {@link TcpConfig#ephemeralLow()} to
     * {@link TcpConfig#ephemeralHigh()}).
     *
     * <p>For a connect ({@code remote} given): RFC 6056 section 3.3.3, Algorithm 3 "simple hash-based
     * port selection". Each (local address, remote address, remote port) gets its own starting
     * point {@code offset = F(local_IP, remote_IP, remote_port, secret_key)}, and one counter
     * {@code next_ephemeral} moves on at every attempt. A port may be shared with connections to
     * other peers as long as the 4-tuple is unique (section 2.2), so one local address can hold
     * the whole range towards each peer, and successive connections to the same peer take
     * successive ports (the search is short until that peer's range is full).
     *
     * <p>For a bind (no remote yet, the port must be unused): section 3.3.1, Algorithm 1 "simple port
     * randomization", a random start and a linear search.
     *
     * @return the port, or 0 when the range is exhausted
     */
    int ephemeralPort(IpAddress local, Endpoint remote) {
        int low = config.ephemeralLow();
        int count = config.ephemeralHigh() - low + 1;
        if (remote == null) {
            int offset = random.nextInt(count);
            for (int i = 0; i < count; i++) {
                int port = low + (offset + i) % count;
                if (portUsable(port, local, null)) {
                    return port;
                }
            }
            return 0;
        }
        int offset = portOffset(local, remote);
        for (int i = 0; i < count; i++) {
            int port = low + (int) (((offset & 0xFFFF_FFFFL) + (nextEphemeral & 0xFFFF_FFFFL)) % count);
            nextEphemeral++;
            if (portUsable(port, local, remote)) {
                return port;
            }
        }
        return 0;
    }

    /**
     * RFC 6056 section 3.3.3: {@code F(local_IP, remote_IP, remote_port, secret_key)}, here
     * SipHash-2-4 keyed with a secret drawn from the stack's seeded generator on first use (as for
     * ISNs, RFC 6528), so an off-path attacker cannot guess the ports of a new connection.
     */
    private int portOffset(IpAddress local, Endpoint remote) {
        if (portSecret == null) {
            portSecret = new long[] {random.nextLong(), random.nextLong()};
            nextEphemeral = random.nextInt();
        }
        IpAddress r = remote.address();
        long port = remote.port();
        long f;
        if (local instanceof Ipv4Address l && r instanceof Ipv4Address r4) {
            f = Rfc6528IsnGenerator.sipHash24(portSecret[0], portSecret[1],
                    (long) l.bits() << 32 | (r4.bits() & 0xFFFF_FFFFL), port);
        } else if (local instanceof Ipv6Address l && r instanceof Ipv6Address r6) {
            f = Rfc6528IsnGenerator.sipHash24(portSecret[0], portSecret[1], l.hi(), l.lo(), r6.hi(), r6.lo(), port);
        } else {
            f = Rfc6528IsnGenerator.sipHash24(portSecret[0], portSecret[1], r.hashCode(), port);
        }
        return (int) f;
    }

    private boolean portUsable(int port, IpAddress local, Endpoint remote) {
        Set<TcpSocket> list = ports.get(port);
        if (list == null) {
            return true;
        }
        if (remote == null) {
            return false;
        }
        for (TcpSocket s : list) {
            TcpConnection c = s.connection();
            if (c == null || s.listener() != null) {
                if (overlaps(s.localAddress(), s.dualStack(), local, false)) {
                    return false;
                }
                continue;
            }
            if (c.remote().equals(remote) && overlaps(c.local().address(), local)) {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ RFC 5961 section 7

    /**
     * RFC 5961 section 7: at most {@link TcpConfig#challengeAckLimit()} challenge ACKs per second
     * for the whole stack; the rest are suppressed (and counted).
     */
    boolean allowChallengeAck(long now) {
        if (now - challengeWindowStart >= ONE_SECOND || challengeWindowStart == Long.MIN_VALUE) {
            challengeWindowStart = now;
            challengeAcksInWindow = 0;
        }
        if (challengeAcksInWindow >= config.challengeAckLimit()) {
            drop("challenge_ack_limited", now);
            return false;
        }
        challengeAcksInWindow++;
        challengeAcks.increment();
        return true;
    }

    // ------------------------------------------------------------------ observability

    /** Counts a dropped segment under {@code tcp.drop.<reason>} and traces it. */
    void drop(String reason, long now) {
        dropCounters.computeIfAbsent(reason, r -> counters.drop(LAYER, r)).increment();
        if (trace.enabled()) {
            trace.drop(now, LAYER, reason);
        }
    }

    void traceEvent(long now, TraceEvent.Kind kind, String message) {
        if (trace.enabled()) {
            trace.record(now, kind, LAYER, message);
        }
    }
}
