package org.sockstack.stack.icmpv6;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.sockstack.stack.icmp.TokenBucket;
import org.sockstack.stack.iface.NetworkInterface;
import org.sockstack.stack.ipv6.Ipv6;
import org.sockstack.stack.ipv6.Ipv6ErrorListener;
import org.sockstack.stack.ipv6.Ipv6ErrorSink;
import org.sockstack.stack.ipv6.Ipv6Path;
import org.sockstack.stack.ipv6.Ipv6ProtocolHandler;
import org.sockstack.stack.ipv6.Ipv6ProtocolHandler.Cast;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.stats.Counter;
import org.sockstack.stack.stats.Counters;
import org.sockstack.stack.stats.EventTrace;
import org.sockstack.stack.wire.Icmpv6Packet;
import org.sockstack.stack.wire.InternetChecksum;
import org.sockstack.stack.wire.IpProtocol;
import org.sockstack.stack.wire.Ipv6Address;
import org.sockstack.stack.wire.Ipv6FragmentHeader;
import org.sockstack.stack.wire.Ipv6OptionIterator;
import org.sockstack.stack.wire.Ipv6Packet;
import org.sockstack.stack.wire.WireError;

import java.util.HashMap;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * ICMPv6 (RFC 4443): answers Echo Requests, sends the error messages IPv6 and the transports ask
 * for, passes received errors to the transport whose packet they quote (Packet Too Big also
 * lowers the path MTU, RFC 8201), and hands Neighbor Discovery and MLD messages to their
 * protocols.
 *
 * <p>Errors are never sent (RFC 4443 section 2.4 (e)) about: an ICMPv6 error or a Redirect; a
 * packet sent to an IPv6 multicast address or as a link-layer multicast/broadcast (except Packet
 * Too Big and a Parameter Problem code 2 for an option whose action bits are 10); a packet whose
 * source does not identify a single node. They are rate-limited with a token bucket (2.4 (f)).
 */
public final class Icmpv6 implements Ipv6ProtocolHandler, Ipv6ErrorSink {
    /** RFC 4443 2.4 (c): an error carries as much of the packet as fits in the minimum MTU. */
    static final int MAX_ERROR_PACKET = Ipv6Packet.MIN_MTU;
    private static final String LAYER = "icmpv6";

    private final Ipv6 ipv6;
    private final RandomGenerator random;
    private final EventTrace trace;
    private final TokenBucket errorLimiter;
    private final Icmpv6Packet view = new Icmpv6Packet();
    private final Ipv6ErrorListener[] transports = new Ipv6ErrorListener[256];
    private final Icmpv6MessageHandler[] messageHandlers = new Icmpv6MessageHandler[256];
    private final Map<Integer, Icmpv6EchoSocket> echoSockets = new HashMap<>();

    private final Counter rxMessages;
    private final Counter rxEchoRequests;
    private final Counter rxEchoReplies;
    private final Counter rxErrors;
    private final Counter rxPacketTooBig;
    private final Counter txEchoReplies;
    private final Counter txEchoRequests;
    private final Counter txErrors;
    private final Counter[] dropMalformed;
    private final Counter dropBadQuote;
    private final Counter dropUnknownInformational;
    private final Counter dropUnhandledType;
    private final Counter dropNoEchoSocket;
    private final Counter errorsSuppressed;
    private final Counter errorsRateLimited;

    public Icmpv6(Ipv6 ipv6, RandomGenerator random, Counters counters, EventTrace trace) {
        this.ipv6 = ipv6;
        this.random = random;
        this.trace = trace;
        // Linux's default: about one error per millisecond per peer; a burst of 50 here.
        this.errorLimiter = new TokenBucket(1000, 50);
        rxMessages = counters.counter("icmpv6.rx.messages");
        rxEchoRequests = counters.counter("icmpv6.rx.echo_requests");
        rxEchoReplies = counters.counter("icmpv6.rx.echo_replies");
        rxErrors = counters.counter("icmpv6.rx.errors");
        rxPacketTooBig = counters.counter("icmpv6.rx.packet_too_big");
        txEchoReplies = counters.counter("icmpv6.tx.echo_replies");
        txEchoRequests = counters.counter("icmpv6.tx.echo_requests");
        txErrors = counters.counter("icmpv6.tx.errors");
        dropMalformed = new Counter[WireError.values().length];
        for (WireError e : WireError.values()) {
            dropMalformed[e.ordinal()] = counters.drop(LAYER, e.reason());
        }
        dropBadQuote = counters.drop(LAYER, "bad_quoted_packet");
        dropUnknownInformational = counters.drop(LAYER, "unknown_informational");
        dropUnhandledType = counters.drop(LAYER, "unhandled_type");
        dropNoEchoSocket = counters.drop(LAYER, "no_echo_socket");
        errorsSuppressed = counters.counter("icmpv6.errors_not_sent");
        errorsRateLimited = counters.counter("icmpv6.errors_rate_limited");
    }

    /** Registers the transport told about errors quoting its packets (by Next Header value). */
    public void registerTransport(int protocol, Ipv6ErrorListener listener) {
        transports[protocol] = listener;
    }

    /** Registers the handler of an ICMPv6 message type carried for another protocol (NDP, MLD). */
    public void registerMessageHandler(int type, Icmpv6MessageHandler handler) {
        messageHandlers[type] = handler;
    }

    // ------------------------------------------------------------------ input

    @Override
    public void receive(NetworkInterface iface, Ipv6Packet ip, int offset, int length, Cast cast, long now) {
        rxMessages.increment();
        Icmpv6Packet p = view.wrap(ip.buffer(), offset, length);
        if (length < Icmpv6Packet.HEADER_LENGTH) {
            drop(dropMalformed[WireError.TRUNCATED.ordinal()], "truncated", now);
            return;
        }
        // RFC 4443 section 2.3: the checksum covers the pseudo-header and the message.
        if (!InternetChecksum.verifies(ip.buffer(), offset, length, InternetChecksum.pseudoHeaderIpv6(
                ip.srcAddrHi(), ip.srcAddrLo(), ip.dstAddrHi(), ip.dstAddrLo(), IpProtocol.ICMPV6, length))) {
            drop(dropMalformed[WireError.BAD_CHECKSUM.ordinal()], "bad_checksum", now);
            return;
        }
        int type = p.msgType();
        Icmpv6MessageHandler handler = messageHandlers[type];
        if (handler != null) {
            // NDP and MLD validate their messages themselves (and count under their own names).
            handler.receive(iface, ip, p, cast, now);
            return;
        }
        WireError e = p.check();
        if (!e.ok()) {
            drop(dropMalformed[e.ordinal()], e.reason(), now);
            return;
        }
        switch (type) {
            case Icmpv6Packet.TYPE_ECHO_REQUEST -> echoRequest(iface, ip, p, cast, now);
            case Icmpv6Packet.TYPE_ECHO_REPLY -> echoReply(ip, p, now);
            default -> {
                if (Icmpv6Packet.isError(type)) {
                    error(p, now);
                } else if (type >= Icmpv6Packet.TYPE_MLD_QUERY && type <= Icmpv6Packet.TYPE_REDIRECT
                        || type == Icmpv6Packet.TYPE_MLDV2_REPORT) {
                    drop(dropUnhandledType, "unhandled_type", now);
                } else {
                    // RFC 4443 2.4 (b): an unknown informational message is silently discarded.
                    drop(dropUnknownInformational, "unknown_informational", now);
                }
            }
        }
    }

    /**
     * RFC 4443 section 4.2: the reply carries the request's identifier, sequence number and data;
     * its source is the request's destination when that was one of our unicast addresses, else
     * (a multicast request, which SHOULD be answered) an address chosen by RFC 6724.
     */
    private void echoRequest(NetworkInterface iface, Ipv6Packet ip, Icmpv6Packet p, Cast cast, long now) {
        rxEchoRequests.increment();
        if (p.code() != 0) {
            drop(dropMalformed[WireError.BAD_FIELD.ordinal()], "bad_field", now);
            return;
        }
        Ipv6Address requester = new Ipv6Address(ip.srcAddrHi(), ip.srcAddrLo());
        if (requester.isUnspecified()) {
            drop(dropMalformed[WireError.BAD_FIELD.ordinal()], "bad_field", now);
            return;
        }
        Ipv6Address src = cast == Cast.UNICAST ? new Ipv6Address(ip.dstAddrHi(), ip.dstAddrLo()) : null;
        Ipv6Path path = ipv6.path(requester, src, iface);
        if (path == null) {
            return;
        }
        int length = p.length();
        ByteBuf frame = ipv6.allocate(path.iface(), length);
        int at = Ipv6.PAYLOAD_OFFSET;
        frame.setBytes(at, p.buffer(), p.offset(), length);
        frame.setByte(at, Icmpv6Packet.TYPE_ECHO_REPLY);
        setChecksum(frame, at, length, path);
        if (ipv6.send(path, frame, IpProtocol.ICMPV6, ipv6.hopLimit(path), ip.trafficClass(), now) == SocketError.OK) {
            txEchoReplies.increment();
        }
    }

    private void echoReply(Ipv6Packet ip, Icmpv6Packet p, long now) {
        rxEchoReplies.increment();
        Icmpv6EchoSocket s = echoSockets.get(p.identifier());
        if (s == null) {
            drop(dropNoEchoSocket, "no_echo_socket", now);
            return;
        }
        byte[] data = new byte[p.dataLength()];
        p.buffer().getBytes(p.dataOffset(), data);
        s.deliver(new Icmpv6EchoSocket.Reply(new Ipv6Address(ip.srcAddrHi(), ip.srcAddrLo()), p.sequenceNumber(),
                ip.hopLimit(), now, data));
    }

    /** An error message: find the transport from the quoted packet and tell it (RFC 4443 2.4 (a)). */
    private void error(Icmpv6Packet p, long now) {
        rxErrors.increment();
        ByteBuf b = p.buffer();
        int q = p.dataOffset();
        int end = q + p.dataLength();
        if (p.dataLength() < Ipv6Packet.HEADER_LENGTH || (b.getUnsignedByte(q) >>> 4) != 6) {
            drop(dropBadQuote, "bad_quoted_packet", now);
            return;
        }
        Ipv6Address src = Ipv6Address.read(b, q + 8);
        Ipv6Address dst = Ipv6Address.read(b, q + 24);
        if (!ipv6.isLocal(src)) {
            // It quotes a packet we did not send: forged or misdirected (RFC 5927 section 4.1).
            drop(dropBadQuote, "bad_quoted_packet", now);
            return;
        }
        int mtu = 0;
        if (p.msgType() == Icmpv6Packet.TYPE_PACKET_TOO_BIG) {
            rxPacketTooBig.increment();
            mtu = ipv6.updatePathMtu(dst, p.mtu(), now);
        }
        long upper = findUpperLayer(b, b.getUnsignedByte(q + 6), q + Ipv6Packet.HEADER_LENGTH, end);
        if (upper < 0) {
            return; // the path MTU was learned; no transport header to match a socket with
        }
        int protocol = (int) (upper >>> 32);
        int at = (int) upper;
        if (end - at < 8) {
            return;
        }
        SocketError meaning = SocketError.HOST_UNREACHABLE;
        boolean permanent = false;
        switch (p.msgType()) {
            case Icmpv6Packet.TYPE_DESTINATION_UNREACHABLE -> {
                switch (p.code()) {
                    case Icmpv6Packet.CODE_PORT_UNREACHABLE -> {
                        meaning = SocketError.CONNECTION_REFUSED;
                        permanent = true;
                    }
                    case Icmpv6Packet.CODE_NO_ROUTE, Icmpv6Packet.CODE_REJECT_ROUTE -> meaning = SocketError.NO_ROUTE;
                    case Icmpv6Packet.CODE_ADMINISTRATIVELY_PROHIBITED,
                         Icmpv6Packet.CODE_SOURCE_ADDRESS_FAILED_POLICY -> meaning = SocketError.ACCESS_DENIED;
                    default -> meaning = SocketError.HOST_UNREACHABLE;
                }
            }
            case Icmpv6Packet.TYPE_PACKET_TOO_BIG -> meaning = SocketError.MESSAGE_TOO_BIG;
            case Icmpv6Packet.TYPE_PARAMETER_PROBLEM -> meaning = SocketError.INVALID_ARGUMENT;
            default -> meaning = SocketError.HOST_UNREACHABLE;
        }
        Ipv6ErrorListener t = transports[protocol];
        if (t != null) {
            t.onError(meaning, mtu, src, dst, b, at, end - at, permanent, now);
        }
    }

    /**
     * Walks a (possibly quoted) extension header chain. Returns {@code nextHeader << 32 | offset}
     * of the upper-layer header, or -1 if the chain leaves {@code end} or is too long.
     */
    static long findUpperLayer(ByteBuf b, int nh, int at, int end) {
        for (int n = 0; n <= Ipv6.MAX_EXTENSION_HEADERS; n++) {
            switch (nh) {
                case IpProtocol.HOP_BY_HOP, IpProtocol.IPV6_DEST_OPTIONS, IpProtocol.IPV6_ROUTING -> {
                    if (at + 2 > end) {
                        return -1;
                    }
                    int next = b.getUnsignedByte(at);
                    at += (b.getUnsignedByte(at + 1) + 1) * 8;
                    nh = next;
                }
                case IpProtocol.IPV6_FRAGMENT -> {
                    if (at + Ipv6FragmentHeader.LENGTH > end) {
                        return -1;
                    }
                    if ((b.getUnsignedShort(at + 2) & 0xFFF8) != 0) {
                        return -1; // not the first fragment: no upper-layer header in it
                    }
                    nh = b.getUnsignedByte(at);
                    at += Ipv6FragmentHeader.LENGTH;
                }
                case IpProtocol.IPV6_NO_NEXT_HEADER -> {
                    return -1;
                }
                default -> {
                    return at < end ? ((long) nh << 32) | at : -1;
                }
            }
        }
        return -1;
    }

    // ------------------------------------------------------------------ errors we send

    /** RFC 4443 section 3.1: a packet to a port with no listener gets Port Unreachable (code 4). */
    public void portUnreachable(NetworkInterface iface, Ipv6Packet packet, long now) {
        sendError(iface, packet, Icmpv6Packet.TYPE_DESTINATION_UNREACHABLE, Icmpv6Packet.CODE_PORT_UNREACHABLE, 0,
                false, now);
    }

    @Override
    public void parameterProblem(NetworkInterface iface, Ipv6Packet packet, int code, int pointer,
                                 boolean linkMulticast, long now) {
        sendError(iface, packet, Icmpv6Packet.TYPE_PARAMETER_PROBLEM, code, pointer, linkMulticast, now);
    }

    @Override
    public void reassemblyTimedOut(byte[] firstHeader, ByteBuf firstData, long now) {
        int quoteData = Math.min(firstData.readableBytes(), MAX_ERROR_PACKET - firstHeader.length);
        ByteBuf rebuilt = Unpooled.buffer(firstHeader.length + Math.max(0, quoteData));
        rebuilt.writeBytes(firstHeader);
        if (quoteData > 0) {
            rebuilt.writeBytes(firstData, firstData.readerIndex(), quoteData);
        }
        rebuilt.setShort(4, rebuilt.readableBytes() - Ipv6Packet.HEADER_LENGTH);
        Ipv6Packet p = new Ipv6Packet().wrap(rebuilt, 0, rebuilt.readableBytes());
        if (p.check().ok()) {
            sendError(null, p, Icmpv6Packet.TYPE_TIME_EXCEEDED, Icmpv6Packet.CODE_FRAGMENT_REASSEMBLY_TIME_EXCEEDED, 0,
                    false, now);
        }
    }

    /**
     * Sends an ICMPv6 error about {@code offending} unless RFC 4443 2.4 (e) forbids it or the rate
     * limit (2.4 (f)) is exhausted. {@code parameter} is the 32-bit field after the checksum
     * (pointer, MTU, or 0). {@code iface} is where the packet arrived (null: any).
     */
    public void sendError(NetworkInterface iface, Ipv6Packet offending, int type, int code, int parameter,
                          boolean linkMulticast, long now) {
        if (!errorAllowed(offending, type, code, parameter, linkMulticast)) {
            errorsSuppressed.increment();
            return;
        }
        if (!errorLimiter.tryTake(now)) {
            errorsRateLimited.increment();
            return;
        }
        Ipv6Address to = new Ipv6Address(offending.srcAddrHi(), offending.srcAddrLo());
        Ipv6Address offendingDst = new Ipv6Address(offending.dstAddrHi(), offending.dstAddrLo());
        // RFC 4443 2.2 (a)/(b): reply from the address the packet was sent to if it is ours.
        Ipv6Address src = ipv6.isLocal(offendingDst) ? offendingDst : null;
        Ipv6Path path = ipv6.path(to, src, iface);
        if (path == null) {
            return;
        }
        int quote = Math.min(Ipv6Packet.HEADER_LENGTH + offending.payloadLength(),
                MAX_ERROR_PACKET - Ipv6Packet.HEADER_LENGTH - Icmpv6Packet.HEADER_LENGTH);
        int length = Icmpv6Packet.HEADER_LENGTH + quote;
        ByteBuf frame = ipv6.allocate(path.iface(), length);
        int at = Ipv6.PAYLOAD_OFFSET;
        frame.setByte(at, type);
        frame.setByte(at + 1, code);
        frame.setShort(at + 2, 0);
        frame.setInt(at + 4, parameter);
        frame.setBytes(at + Icmpv6Packet.HEADER_LENGTH, offending.buffer(), offending.offset(), quote);
        setChecksum(frame, at, length, path);
        if (ipv6.send(path, frame, IpProtocol.ICMPV6, ipv6.hopLimit(path), 0, now) == SocketError.OK) {
            txErrors.increment();
        }
    }

    /** RFC 4443 section 2.4 (e): when an error must not be sent. */
    private boolean errorAllowed(Ipv6Packet p, int type, int code, int parameter, boolean linkMulticast) {
        long srcHi = p.srcAddrHi();
        // (e.6) the source does not uniquely identify a single node: unspecified or multicast.
        if ((srcHi == 0 && p.srcAddrLo() == 0) || (srcHi >>> 56) == 0xFF) {
            return false;
        }
        // (e.2), (e.3), (e.4): multicast destinations and link-layer multicast/broadcast, except
        // Packet Too Big and Parameter Problem code 2 for an option whose type starts with bits 10.
        boolean multicast = (p.dstAddrHi() >>> 56) == 0xFF || linkMulticast;
        if (multicast && !(type == Icmpv6Packet.TYPE_PACKET_TOO_BIG || (type == Icmpv6Packet.TYPE_PARAMETER_PROBLEM
                && code == Icmpv6Packet.CODE_UNRECOGNIZED_IPV6_OPTION && optionActionIs10(p, parameter)))) {
            return false;
        }
        // (e.1) never about an ICMPv6 error message or a Redirect.
        long upper = findUpperLayer(p.buffer(), p.nextHeader(), p.payloadOffset(),
                p.payloadOffset() + p.payloadLength());
        if (upper >= 0 && (int) (upper >>> 32) == IpProtocol.ICMPV6) {
            int msgType = p.buffer().getUnsignedByte((int) upper);
            return !Icmpv6Packet.isError(msgType) && msgType != Icmpv6Packet.TYPE_REDIRECT;
        }
        return true;
    }

    private static boolean optionActionIs10(Ipv6Packet p, int pointer) {
        int index = p.offset() + pointer;
        return pointer >= 0 && pointer < Ipv6Packet.HEADER_LENGTH + p.payloadLength()
                && Ipv6OptionIterator.action(p.buffer().getUnsignedByte(index))
                == Ipv6OptionIterator.ACTION_DISCARD_SEND_ICMP;
    }

    // ------------------------------------------------------------------ echo sockets

    /** Opens an echo socket with a free random identifier. */
    public Icmpv6EchoSocket openEcho() {
        for (int tries = 0; tries < 65_536; tries++) {
            int id = random.nextInt(0x10000);
            if (!echoSockets.containsKey(id)) {
                Icmpv6EchoSocket s = new Icmpv6EchoSocket(this, id);
                echoSockets.put(id, s);
                return s;
            }
        }
        throw new IllegalStateException("no free ICMPv6 identifier");
    }

    void closeEcho(Icmpv6EchoSocket s) {
        echoSockets.remove(s.identifier(), s);
    }

    boolean sendEcho(Ipv6Address dst, NetworkInterface via, int identifier, int sequence, ByteBuf data, int hopLimit,
                     long now) {
        Ipv6Path path = ipv6.path(dst, null, via);
        if (path == null) {
            return false;
        }
        int length = Icmpv6Packet.HEADER_LENGTH + data.readableBytes();
        ByteBuf frame = ipv6.allocate(path.iface(), length);
        int at = Ipv6.PAYLOAD_OFFSET;
        frame.setByte(at, Icmpv6Packet.TYPE_ECHO_REQUEST);
        frame.setByte(at + 1, 0);
        frame.setShort(at + 2, 0);
        frame.setShort(at + 4, identifier);
        frame.setShort(at + 6, sequence);
        frame.setBytes(at + Icmpv6Packet.HEADER_LENGTH, data, data.readerIndex(), data.readableBytes());
        setChecksum(frame, at, length, path);
        int hops = hopLimit > 0 ? hopLimit : ipv6.hopLimit(path);
        boolean ok = ipv6.send(path, frame, IpProtocol.ICMPV6, hops, 0, now) == SocketError.OK;
        if (ok) {
            txEchoRequests.increment();
        }
        return ok;
    }

    /** Writes the ICMPv6 checksum over the pseudo-header of {@code path} (RFC 4443 section 2.3). */
    public static void setChecksum(ByteBuf frame, int at, int length, Ipv6Path path) {
        frame.setShort(at + 2, 0);
        int pseudo = InternetChecksum.pseudoHeaderIpv6(path.src(), path.dst(), IpProtocol.ICMPV6, length);
        frame.setShort(at + 2, InternetChecksum.finish(InternetChecksum.add(frame, at, length, pseudo)));
    }

    private void drop(Counter c, String reason, long now) {
        c.increment();
        if (trace.enabled()) {
            trace.drop(now, LAYER, reason);
        }
    }
}
