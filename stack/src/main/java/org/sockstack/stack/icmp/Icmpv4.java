package org.sockstack.stack.icmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.sockstack.stack.iface.NetworkInterface;
import org.sockstack.stack.ipv4.Ipv4;
import org.sockstack.stack.ipv4.Ipv4ErrorListener;
import org.sockstack.stack.ipv4.Ipv4ErrorSink;
import org.sockstack.stack.ipv4.Ipv4Path;
import org.sockstack.stack.ipv4.Ipv4ProtocolHandler;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.stats.Counter;
import org.sockstack.stack.stats.Counters;
import org.sockstack.stack.stats.EventTrace;
import org.sockstack.stack.wire.Icmpv4Packet;
import org.sockstack.stack.wire.InternetChecksum;
import org.sockstack.stack.wire.IpProtocol;
import org.sockstack.stack.wire.Ipv4Packet;
import org.sockstack.stack.wire.WireError;

import java.util.HashMap;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * ICMP for IPv4 (RFC 792, RFC 1122 section 3.2.2): answers Echo Requests, sends the error
 * messages IPv4 and the transports ask for, and passes received errors to the transport whose
 * datagram they quote.
 *
 * <p>Errors are never sent about (RFC 1122 3.2.2): an ICMP error message, a datagram to a
 * broadcast or multicast address, a fragment other than the first, or a datagram whose source
 * does not name a single host. They are rate-limited with a token bucket (RFC 1812 4.3.2.8).
 */
public final class Icmpv4 implements Ipv4ProtocolHandler, Ipv4ErrorSink {
    /** RFC 1812 4.3.2.3: an error quotes as much of the datagram as fits in 576 octets. */
    static final int MAX_ERROR_DATAGRAM = 576;
    private static final String LAYER = "icmp";

    private final Ipv4 ipv4;
    private final RandomGenerator random;
    private final EventTrace trace;
    private final TokenBucket errorLimiter;
    private final Icmpv4Packet view = new Icmpv4Packet();
    private final Ipv4ErrorListener[] transports = new Ipv4ErrorListener[256];
    private final Map<Integer, IcmpEchoSocket> echoSockets = new HashMap<>();

    private final Counter rxMessages;
    private final Counter rxEchoRequests;
    private final Counter rxEchoReplies;
    private final Counter rxErrors;
    private final Counter txEchoReplies;
    private final Counter txEchoRequests;
    private final Counter txErrors;
    private final Counter[] dropMalformed;
    private final Counter dropBroadcastEcho;
    private final Counter dropBadQuote;
    private final Counter dropUnhandledType;
    private final Counter errorsSuppressed;
    private final Counter errorsRateLimited;
    private final Counter dropNoEchoSocket;

    public Icmpv4(Ipv4 ipv4, RandomGenerator random, Counters counters, EventTrace trace) {
        this.ipv4 = ipv4;
        this.random = random;
        this.trace = trace;
        this.errorLimiter = new TokenBucket(1000, 50);
        rxMessages = counters.counter("icmp.rx.messages");
        rxEchoRequests = counters.counter("icmp.rx.echo_requests");
        rxEchoReplies = counters.counter("icmp.rx.echo_replies");
        rxErrors = counters.counter("icmp.rx.errors");
        txEchoReplies = counters.counter("icmp.tx.echo_replies");
        txEchoRequests = counters.counter("icmp.tx.echo_requests");
        txErrors = counters.counter("icmp.tx.errors");
        dropMalformed = new Counter[WireError.values().length];
        for (WireError e : WireError.values()) {
            dropMalformed[e.ordinal()] = counters.drop(LAYER, e.reason());
        }
        dropBroadcastEcho = counters.drop(LAYER, "broadcast_echo_ignored");
        dropBadQuote = counters.drop(LAYER, "bad_quoted_datagram");
        dropUnhandledType = counters.drop(LAYER, "unhandled_type");
        errorsSuppressed = counters.counter("icmp.errors_not_sent");
        errorsRateLimited = counters.counter("icmp.errors_rate_limited");
        dropNoEchoSocket = counters.drop(LAYER, "no_echo_socket");
    }

    /** Registers the transport told about ICMP errors for protocol number {@code protocol}. */
    public void registerTransport(int protocol, Ipv4ErrorListener listener) {
        transports[protocol] = listener;
    }

    // ------------------------------------------------------------------ input

    @Override
    public void receive(NetworkInterface iface, Ipv4Packet ip, Cast cast, long now) {
        rxMessages.increment();
        Icmpv4Packet p = view.wrap(ip.buffer(), ip.payloadOffset(), ip.payloadLength());
        WireError e = p.check();
        if (!e.ok()) {
            drop(dropMalformed[e.ordinal()], e.reason(), now);
            return;
        }
        if (!p.verifyChecksum()) {
            drop(dropMalformed[WireError.BAD_CHECKSUM.ordinal()], "bad_checksum", now);
            return;
        }
        switch (p.msgType()) {
            case Icmpv4Packet.TYPE_ECHO_REQUEST -> echoRequest(ip, p, cast, now);
            case Icmpv4Packet.TYPE_ECHO_REPLY -> echoReply(ip, p, now);
            case Icmpv4Packet.TYPE_DESTINATION_UNREACHABLE, Icmpv4Packet.TYPE_TIME_EXCEEDED,
                 Icmpv4Packet.TYPE_PARAMETER_PROBLEM -> error(p, now);
            default -> drop(dropUnhandledType, "unhandled_type", now);
        }
    }

    /**
     * RFC 792 / RFC 1122 3.2.2.6: the reply carries the request's data back, from the address the
     * request was sent to. Requests to broadcast or multicast addresses are ignored (allowed by
     * RFC 1122 3.2.2.6; Linux's default), which keeps us out of smurf amplification.
     */
    private void echoRequest(Ipv4Packet ip, Icmpv4Packet p, Cast cast, long now) {
        rxEchoRequests.increment();
        if (cast != Cast.UNICAST) {
            drop(dropBroadcastEcho, "broadcast_echo_ignored", now);
            return;
        }
        Ipv4Path path = ipv4.path(ip.srcAddr(), ip.dstAddr(), null);
        if (path == null) {
            return;
        }
        int length = p.length();
        ByteBuf frame = ipv4.allocate(path.iface(), length);
        frame.setBytes(Ipv4.PAYLOAD_OFFSET, p.buffer(), p.offset(), length);
        frame.setByte(Ipv4.PAYLOAD_OFFSET, Icmpv4Packet.TYPE_ECHO_REPLY);
        frame.setByte(Ipv4.PAYLOAD_OFFSET + 1, 0);
        setChecksum(frame, Ipv4.PAYLOAD_OFFSET, length);
        // The reply keeps the DSCP but not the ECN bits: ICMP is not ECN-capable (RFC 3168 section 5).
        if (ipv4.send(path, frame, IpProtocol.ICMP, Ipv4.DEFAULT_TTL, ip.tos() & 0xFC, false, now) == SocketError.OK) {
            txEchoReplies.increment();
        }
    }

    private void echoReply(Ipv4Packet ip, Icmpv4Packet p, long now) {
        rxEchoReplies.increment();
        IcmpEchoSocket s = echoSockets.get(p.identifier());
        if (s == null) {
            drop(dropNoEchoSocket, "no_echo_socket", now);
            return;
        }
        byte[] data = new byte[p.dataLength()];
        p.buffer().getBytes(p.dataOffset(), data);
        s.deliver(new IcmpEchoSocket.Reply(ip.srcAddr(), p.sequenceNumber(), ip.ttl(), data.length, now, data));
    }

    /** An error message: find the transport from the quoted header and tell it. */
    private void error(Icmpv4Packet p, long now) {
        rxErrors.increment();
        ByteBuf b = p.buffer();
        int q = p.dataOffset();
        int available = p.dataLength();
        if (available < Ipv4Packet.MIN_HEADER_LENGTH + 8 || (b.getUnsignedByte(q) >>> 4) != 4) {
            drop(dropBadQuote, "bad_quoted_datagram", now);
            return;
        }
        int headerLength = (b.getUnsignedByte(q) & 0x0F) * 4;
        if (headerLength < Ipv4Packet.MIN_HEADER_LENGTH || available < headerLength + 8) {
            drop(dropBadQuote, "bad_quoted_datagram", now);
            return;
        }
        int protocol = b.getUnsignedByte(q + 9);
        int src = b.getInt(q + 12);
        int dst = b.getInt(q + 16);
        if (!ipv4.isLocalAddress(src)) {
            // RFC 5927 section 4: an error must quote a datagram we sent; anything else is
            // forged or misdirected and must not change our state (e.g. the path MTU).
            drop(dropBadQuote, "bad_quoted_datagram", now);
            return;
        }
        int type = p.msgType();
        int code = p.code();
        int mtu = 0;
        SocketError meaning;
        boolean permanent = false;
        if (type == Icmpv4Packet.TYPE_DESTINATION_UNREACHABLE) {
            switch (code) {
                case Icmpv4Packet.CODE_PORT_UNREACHABLE, Icmpv4Packet.CODE_PROTOCOL_UNREACHABLE -> {
                    // RFC 1122 4.2.3.9: protocol and port unreachable are hard errors.
                    meaning = SocketError.CONNECTION_REFUSED;
                    permanent = true;
                }
                case Icmpv4Packet.CODE_FRAGMENTATION_NEEDED -> {
                    meaning = SocketError.MESSAGE_TOO_BIG;
                    mtu = learnPathMtu(dst, p.nextHopMtu(), b.getUnsignedShort(q + 2), now);
                }
                case Icmpv4Packet.CODE_NET_UNREACHABLE, Icmpv4Packet.CODE_DESTINATION_NETWORK_UNKNOWN ->
                        meaning = SocketError.NO_ROUTE;
                default -> meaning = SocketError.HOST_UNREACHABLE;
            }
        } else if (type == Icmpv4Packet.TYPE_TIME_EXCEEDED) {
            meaning = SocketError.HOST_UNREACHABLE;
        } else {
            meaning = SocketError.INVALID_ARGUMENT;
        }
        Ipv4ErrorListener t = transports[protocol];
        if (t != null) {
            t.onError(meaning, mtu, src, dst, b, q + headerLength, available - headerLength, permanent, now);
        }
    }

    /**
     * RFC 1191 section 4: the Next-Hop MTU of a "fragmentation needed" message lowers the path MTU.
     * An old router sends 0 there; RFC 1191 section 5 then suggests guessing from the plateau
     * table below the quoted datagram's total length.
     */
    private int learnPathMtu(int dst, int nextHopMtu, int quotedTotalLength, long now) {
        int mtu = nextHopMtu != 0 ? nextHopMtu : plateauBelow(quotedTotalLength);
        return ipv4.updatePathMtu(dst, mtu, now);
    }

    /** RFC 1191 section 7 plateau table. */
    static int plateauBelow(int length) {
        int[] plateaus = {65535, 32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296, 68};
        for (int p : plateaus) {
            if (p < length) {
                return p;
            }
        }
        return 68;
    }

    // ------------------------------------------------------------------ errors we send

    @Override
    public void protocolUnreachable(NetworkInterface iface, Ipv4Packet packet, long now) {
        sendError(packet, Icmpv4Packet.TYPE_DESTINATION_UNREACHABLE, Icmpv4Packet.CODE_PROTOCOL_UNREACHABLE, 0, now);
    }

    /** RFC 1122 4.1.3.1: a datagram to a port with no listener gets Port Unreachable. */
    public void portUnreachable(NetworkInterface iface, Ipv4Packet packet, long now) {
        sendError(packet, Icmpv4Packet.TYPE_DESTINATION_UNREACHABLE, Icmpv4Packet.CODE_PORT_UNREACHABLE, 0, now);
    }

    @Override
    public void parameterProblem(NetworkInterface iface, Ipv4Packet packet, int pointer, long now) {
        sendError(packet, Icmpv4Packet.TYPE_PARAMETER_PROBLEM, Icmpv4Packet.CODE_POINTER_INDICATES_ERROR,
                (pointer & 0xFF) << 24, now);
    }

    @Override
    public void reassemblyTimedOut(byte[] firstHeader, ByteBuf firstData, long now) {
        int quoteData = Math.min(8, firstData.readableBytes());
        ByteBuf rebuilt = Unpooled.buffer(firstHeader.length + quoteData);
        rebuilt.writeBytes(firstHeader);
        rebuilt.writeBytes(firstData, firstData.readerIndex(), quoteData);
        try {
            Ipv4Packet p = new Ipv4Packet().wrap(rebuilt, 0, rebuilt.readableBytes());
            // The first fragment's header claims its own total length; quote what we have.
            rebuilt.setShort(2, rebuilt.readableBytes());
            if (p.check().ok()) {
                sendError(p, Icmpv4Packet.TYPE_TIME_EXCEEDED, Icmpv4Packet.CODE_FRAGMENT_REASSEMBLY_TIME_EXCEEDED, 0,
                        now);
            }
        } finally {
            rebuilt.release();
        }
    }

    /**
     * Sends an ICMP error about {@code offending} unless RFC 1122 3.2.2 forbids it or the rate
     * limit is exhausted. {@code restOfHeader} is the 32-bit field after the checksum.
     */
    public void sendError(Ipv4Packet offending, int type, int code, int restOfHeader, long now) {
        if (!errorAllowed(offending)) {
            errorsSuppressed.increment();
            return;
        }
        if (!errorLimiter.tryTake(now)) {
            errorsRateLimited.increment();
            return;
        }
        int src = offending.srcAddr();
        Ipv4Path path = ipv4.path(src, 0, null);
        if (path == null) {
            return;
        }
        int quote = Math.min(offending.headerLength() + offending.payloadLength(),
                MAX_ERROR_DATAGRAM - Ipv4Packet.MIN_HEADER_LENGTH - Icmpv4Packet.HEADER_LENGTH);
        int length = Icmpv4Packet.HEADER_LENGTH + quote;
        ByteBuf frame = ipv4.allocate(path.iface(), length);
        int at = Ipv4.PAYLOAD_OFFSET;
        frame.setByte(at, type);
        frame.setByte(at + 1, code);
        frame.setShort(at + 2, 0);
        frame.setInt(at + 4, restOfHeader);
        frame.setBytes(at + Icmpv4Packet.HEADER_LENGTH, offending.buffer(), offending.offset(), quote);
        setChecksum(frame, at, length);
        if (ipv4.send(path, frame, IpProtocol.ICMP, Ipv4.DEFAULT_TTL, 0, false, now) == SocketError.OK) {
            txErrors.increment();
        }
    }

    /** RFC 1122 3.2.2: when an error must not be sent. */
    private boolean errorAllowed(Ipv4Packet p) {
        int src = p.srcAddr();
        if (src == 0 || src == -1 || Ipv4.isMulticast(src) || (src >>> 24) == 127 || (src >>> 28) == 0xF) {
            return false; // the source does not define a single host
        }
        int dst = p.dstAddr();
        if (dst == -1 || Ipv4.isMulticast(dst) || ipv4.isBroadcastForUs(dst)) {
            return false;
        }
        if (p.fragmentOffset() != 0) {
            return false; // only the first fragment may be reported on
        }
        if (p.protocol() == IpProtocol.ICMP && p.payloadLength() >= 1) {
            int type = p.buffer().getUnsignedByte(p.payloadOffset());
            // Never an error about an error (queries such as echo may be reported on).
            return !(Icmpv4Packet.isError(type) || !isKnownQuery(type));
        }
        return true;
    }

    private static boolean isKnownQuery(int type) {
        return type == Icmpv4Packet.TYPE_ECHO_REQUEST || type == Icmpv4Packet.TYPE_ECHO_REPLY
                || type == 13 || type == 14 || type == 17 || type == 18;
    }

    // ------------------------------------------------------------------ echo sockets

    /** Opens an echo socket with a free random identifier. */
    public IcmpEchoSocket openEcho() {
        for (int tries = 0; tries < 65_536; tries++) {
            int id = random.nextInt(0x10000);
            if (!echoSockets.containsKey(id)) {
                IcmpEchoSocket s = new IcmpEchoSocket(this, id);
                echoSockets.put(id, s);
                return s;
            }
        }
        throw new IllegalStateException("no free ICMP identifier");
    }

    void closeEcho(IcmpEchoSocket s) {
        echoSockets.remove(s.identifier(), s);
    }

    boolean sendEcho(int dst, int identifier, int sequence, ByteBuf data, int ttl, long now) {
        Ipv4Path path = ipv4.path(dst, 0, null);
        if (path == null) {
            return false;
        }
        int length = Icmpv4Packet.HEADER_LENGTH + data.readableBytes();
        ByteBuf frame = ipv4.allocate(path.iface(), length);
        int at = Ipv4.PAYLOAD_OFFSET;
        frame.setByte(at, Icmpv4Packet.TYPE_ECHO_REQUEST);
        frame.setByte(at + 1, 0);
        frame.setShort(at + 2, 0);
        frame.setShort(at + 4, identifier);
        frame.setShort(at + 6, sequence);
        frame.setBytes(at + Icmpv4Packet.HEADER_LENGTH, data, data.readerIndex(), data.readableBytes());
        setChecksum(frame, at, length);
        boolean ok = ipv4.send(path, frame, IpProtocol.ICMP, ttl, 0, false, now) == SocketError.OK;
        if (ok) {
            txEchoRequests.increment();
        }
        return ok;
    }

    private static void setChecksum(ByteBuf frame, int at, int length) {
        frame.setShort(at + 2, 0);
        frame.setShort(at + 2, InternetChecksum.compute(frame, at, length));
    }

    private void drop(Counter c, String reason, long now) {
        c.increment();
        if (trace.enabled()) {
            trace.drop(now, LAYER, reason);
        }
    }
}
