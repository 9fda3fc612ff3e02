package org.sockstack.testbed.viz;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.sockstack.drivers.capture.CaptureReader;
import org.sockstack.drivers.capture.CapturedFrame;
import org.sockstack.drivers.capture.CaptureOptions;
import org.sockstack.drivers.capture.FrameDirection;
import org.sockstack.stack.stats.PacketFormatter;
import org.sockstack.stack.wire.EtherType;
import org.sockstack.stack.wire.EthernetFrame;
import org.sockstack.stack.wire.IpProtocol;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.Ipv4Packet;
import org.sockstack.stack.wire.Ipv6Address;
import org.sockstack.stack.wire.Ipv6Packet;
import org.sockstack.stack.wire.TcpSegment;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns a capture into a {@link LadderDiagram} of its first TCP connection: the connection of
 * the first SYN (or, without one, of the first TCP segment), its first {@code maxPackets}
 * segments in both directions. The client (the SYN's sender) is on the left.
 *
 * <p>Where the times come from: a capture sees each packet once, at the host it was taken on.
 * A packet that host sent left at its timestamp; one it received arrived at its timestamp. The
 * other end of each arrow is estimated with a constant one-way delay of half the handshake RTT
 * as seen by the capturing host (SYN to SYN-ACK on the client, SYN-ACK to ACK on the server),
 * which is exact on an idle path and an approximation once queues build. The capturing host
 * is known from pcapng's direction flags, or else guessed from the handshake's gaps.
 *
 * <p>Frames that are not Ethernet, not IPv4/IPv6, not TCP or malformed are skipped.
 */
public final class TcpLadder {
    /** tcpdump's flag letters, in its order. */
    private static final int[] FLAG_BITS = {TcpSegment.FIN, TcpSegment.SYN, TcpSegment.RST, TcpSegment.PSH,
            TcpSegment.ACK, TcpSegment.URG, TcpSegment.ECE, TcpSegment.CWR};
    private static final String FLAG_LETTERS = "FSRP.UEW";

    private TcpLadder() {
    }

    /** One TCP segment of the capture, the fields the ladder needs. */
    record Segment(long time, String src, int srcPort, String dst, int dstPort, int flags, long seq, long ack,
                   int window, int length, FrameDirection direction, String tcpdump, byte[] frame) {
        boolean has(int flag) {
            return (flags & flag) != 0;
        }

        /** Sequence space used: the payload plus one for SYN and for FIN (RFC 9293 3.4). */
        long seqLength() {
            return length + (has(TcpSegment.SYN) ? 1 : 0) + (has(TcpSegment.FIN) ? 1 : 0);
        }

        boolean sameConnection(Segment first) {
            return src.equals(first.src) && srcPort == first.srcPort && dst.equals(first.dst) && dstPort == first.dstPort
                    || src.equals(first.dst) && srcPort == first.dstPort && dst.equals(first.src) && dstPort == first.srcPort;
        }
    }

    /** One packet's trip: when it left, when it arrived (or that it never did). */
    private record Trip(Segment segment, boolean leftToRight, long depart, long arrive, boolean lost) {
    }

    /** Reads {@code file} (pcap or pcapng) and draws its first connection, arrival times estimated. */
    public static LadderDiagram fromCapture(Path file, int maxPackets) throws IOException {
        return fromSegments(read(file), maxPackets, file.getFileName().toString());
    }

    /**
     * Draws the first connection from two captures of it, one taken at the client and one at the
     * server: every time is measured (departure in the sender's capture, arrival in the other),
     * so queueing and serialization show as steeper arrows, and a packet sent but never received
     * is drawn as lost. Frames are matched by their bytes.
     */
    public static LadderDiagram fromCaptures(Path clientSide, Path serverSide, int maxPackets) throws IOException {
        List<Segment> atClient = read(clientSide);
        List<Segment> atServer = read(serverSide);
        List<Segment> conn = firstConnection(atClient, Integer.MAX_VALUE);
        if (conn.isEmpty()) {
            return new LadderDiagram("?", "?", List.of(), "no TCP connection in " + clientSide.getFileName());
        }
        Segment first = conn.get(0);
        List<Trip> trips = new ArrayList<>();
        addTrips(trips, conn, sameConnection(atServer, first), first, true);
        addTrips(trips, sameConnection(atServer, first), conn, first, false);
        String note = "times measured in " + clientSide.getFileName() + " (left) and " + serverSide.getFileName()
                + " (right)";
        return draw(trips, first, maxPackets, note);
    }

    /** Trips of the packets the client ({@code fromClient}) or the server sent, arrivals matched by bytes. */
    private static void addTrips(List<Trip> trips, List<Segment> senderSide, List<Segment> receiverSide, Segment first,
                                 boolean fromClient) {
        Map<ByteBuffer, ArrayDeque<Long>> arrivals = new HashMap<>();
        for (Segment s : receiverSide) {
            if (isFromClient(s, first) == fromClient) {
                arrivals.computeIfAbsent(ByteBuffer.wrap(s.frame), k -> new ArrayDeque<>()).add(s.time);
            }
        }
        for (Segment s : senderSide) {
            if (isFromClient(s, first) != fromClient) {
                continue;
            }
            ArrayDeque<Long> times = arrivals.get(ByteBuffer.wrap(s.frame));
            Long arrive = times == null ? null : times.poll();
            boolean lost = arrive == null || arrive < s.time;
            trips.add(new Trip(s, fromClient, s.time, lost ? s.time : arrive, lost));
        }
    }

    private static List<Segment> sameConnection(List<Segment> all, Segment first) {
        List<Segment> out = new ArrayList<>();
        for (Segment s : all) {
            if (s.sameConnection(first)) {
                out.add(s);
            }
        }
        return out;
    }

    private static boolean isFromClient(Segment s, Segment first) {
        return s.src.equals(first.src) && s.srcPort == first.srcPort;
    }

    static List<Segment> read(Path file) throws IOException {
        List<Segment> segments = new ArrayList<>();
        try (CaptureReader reader = CaptureReader.open(file)) {
            CapturedFrame f;
            while ((f = reader.next()) != null) {
                Segment s = parse(f);
                if (s != null) {
                    segments.add(s);
                }
            }
        }
        return segments;
    }

    // ------------------------------------------------------------------ parsing

    /** The TCP segment in {@code f}, or null if it holds none (or is malformed). */
    static Segment parse(CapturedFrame f) {
        if (f.linkType() != CaptureOptions.LINKTYPE_ETHERNET || !f.hasTimestamp()) {
            return null;
        }
        ByteBuf buf = Unpooled.wrappedBuffer(f.data());
        EthernetFrame eth = new EthernetFrame().wrap(buf);
        if (!eth.check().ok()) {
            return null;
        }
        String src;
        String dst;
        int off;
        int len;
        if (eth.etherType() == EtherType.IPV4) {
            Ipv4Packet ip = new Ipv4Packet().wrap(buf, eth.payloadOffset(), eth.payloadLength());
            if (!ip.check().ok() || ip.protocol() != IpProtocol.TCP || ip.isFragment() && ip.fragmentOffset() != 0) {
                return null;
            }
            src = new Ipv4Address(ip.srcAddr()).toString();
            dst = new Ipv4Address(ip.dstAddr()).toString();
            off = ip.payloadOffset();
            len = ip.payloadLength();
        } else if (eth.etherType() == EtherType.IPV6) {
            Ipv6Packet ip = new Ipv6Packet().wrap(buf, eth.payloadOffset(), eth.payloadLength());
            if (!ip.check().ok() || ip.nextHeader() != IpProtocol.TCP) {
                return null;
            }
            src = new Ipv6Address(ip.srcAddrHi(), ip.srcAddrLo()).toString();
            dst = new Ipv6Address(ip.dstAddrHi(), ip.dstAddrLo()).toString();
            off = ip.payloadOffset();
            len = ip.payloadLength();
        } else {
            return null;
        }
        TcpSegment t = new TcpSegment().wrap(buf, off, len);
        if (!t.check().ok()) {
            return null;
        }
        return new Segment(f.timestampNanos(), src, t.srcPort(), dst, t.dstPort(), t.flags(),
                Integer.toUnsignedLong(t.seqNumber()), Integer.toUnsignedLong(t.ackNumber()), t.window(),
                t.payloadLength(), f.direction(), PacketFormatter.describe(buf), f.data());
    }

    // ------------------------------------------------------------------ building the diagram

    static LadderDiagram fromSegments(List<Segment> all, int maxPackets, String source) {
        List<Segment> conn = firstConnection(all, maxPackets);
        if (conn.isEmpty()) {
            return new LadderDiagram("?", "?", List.of(), "no TCP connection in " + source);
        }
        Segment first = conn.get(0);
        boolean capturedAtClient = capturedAtClient(conn, first);
        long oneWay = oneWayDelay(conn, capturedAtClient);
        List<Trip> trips = new ArrayList<>();
        for (Segment s : conn) {
            boolean leftToRight = isFromClient(s, first);
            boolean sentByCapturingHost = leftToRight == capturedAtClient;
            long depart = sentByCapturingHost ? s.time : s.time - oneWay;
            long arrive = sentByCapturingHost ? s.time + oneWay : s.time;
            trips.add(new Trip(s, leftToRight, depart, arrive, false));
        }
        String at = capturedAtClient ? "the client (left)" : "the server (right)";
        String note = String.format(Locale.ROOT, "%s: captured at %s; the other end of each arrow assumes a one-way"
                + " delay of %.3f ms (half the handshake RTT)", source, at, oneWay / 1e6);
        return draw(trips, first, maxPackets, note);
    }

    /**
     * The diagram of the first {@code max} trips by departure. Packets leaving at the same instant
     * are drawn 1 ns apart (invisible in the labels) so that each gets its own row.
     */
    private static LadderDiagram draw(List<Trip> trips, Segment first, int max, String note) {
        List<Trip> sorted = new ArrayList<>(trips);
        sorted.sort(Comparator.comparingLong(Trip::depart));
        SequenceNumbers numbers = new SequenceNumbers();
        Set<Long> used = new HashSet<>();
        List<LadderDiagram.Arrow> arrows = new ArrayList<>();
        for (Trip t : sorted.subList(0, Math.min(max, sorted.size()))) {
            Segment s = t.segment();
            boolean retransmission = numbers.isRetransmission(s, t.leftToRight());
            String label = label(s, numbers, t.leftToRight()) + (retransmission ? " (retransmission)" : "")
                    + (t.lost() ? " (lost)" : "");
            long depart = unique(used, t.depart());
            long arrive = unique(used, Math.max(t.arrive(), depart + 1));
            arrows.add(new LadderDiagram.Arrow(t.leftToRight(), depart, arrive, label, s.tcpdump,
                    retransmission, t.lost()));
        }
        return new LadderDiagram(first.src + "." + first.srcPort, first.dst + "." + first.dstPort, arrows, note);
    }

    private static long unique(Set<Long> used, long t) {
        while (!used.add(t)) {
            t++;
        }
        return t;
    }

    /** The segments of the first connection: the first SYN's (else the first segment's), at most {@code max}. */
    private static List<Segment> firstConnection(List<Segment> all, int max) {
        Segment first = null;
        for (Segment s : all) {
            if (s.has(TcpSegment.SYN) && !s.has(TcpSegment.ACK)) {
                first = s;
                break;
            }
        }
        if (first == null && !all.isEmpty()) {
            first = all.get(0);
        }
        List<Segment> conn = new ArrayList<>();
        boolean started = false;
        for (Segment s : all) {
            started |= s == first;
            if (started && s.sameConnection(first) && conn.size() < max) {
                conn.add(s);
            }
        }
        return conn;
    }

    /** pcapng direction flags tell; otherwise the longer handshake gap is where the capture waited an RTT. */
    private static boolean capturedAtClient(List<Segment> conn, Segment first) {
        if (first.direction() == FrameDirection.OUTBOUND || first.direction() == FrameDirection.INBOUND) {
            return first.direction() == FrameDirection.OUTBOUND;
        }
        long[] gaps = handshakeGaps(conn);
        return gaps == null || gaps[0] >= gaps[1];
    }

    /** {SYN to SYN-ACK, SYN-ACK to the next client segment}, or null without a handshake. */
    private static long[] handshakeGaps(List<Segment> conn) {
        if (conn.size() < 3 || !conn.get(0).has(TcpSegment.SYN) || !conn.get(1).has(TcpSegment.SYN)
                || !conn.get(1).has(TcpSegment.ACK)) {
            return null;
        }
        return new long[] {conn.get(1).time - conn.get(0).time, conn.get(2).time - conn.get(1).time};
    }

    private static long oneWayDelay(List<Segment> conn, boolean capturedAtClient) {
        long[] gaps = handshakeGaps(conn);
        if (gaps == null) {
            return 0;
        }
        return Math.max(0, (capturedAtClient ? gaps[0] : gaps[1]) / 2);
    }

    /** What the segment is, in one word: SYN, SYN-ACK, RST, FIN, data, ACK. */
    static String kind(Segment s) {
        if (s.has(TcpSegment.RST)) {
            return "RST";
        }
        if (s.has(TcpSegment.SYN)) {
            return s.has(TcpSegment.ACK) ? "SYN-ACK" : "SYN";
        }
        if (s.has(TcpSegment.FIN)) {
            return s.length > 0 ? "data+FIN" : "FIN";
        }
        return s.length > 0 ? "data" : "ACK";
    }

    /** {@code SYN-ACK [S.] seq 0, ack 1, win 65535}: relative sequence numbers, like tcpdump's default. */
    private static String label(Segment s, SequenceNumbers n, boolean fromClient) {
        StringBuilder sb = new StringBuilder(kind(s)).append(" [");
        for (int i = 0; i < FLAG_BITS.length; i++) {
            if (s.has(FLAG_BITS[i])) {
                sb.append(FLAG_LETTERS.charAt(i));
            }
        }
        sb.append(']');
        long seq = n.relativeSeq(s, fromClient);
        if (s.length > 0) {
            sb.append(" seq ").append(seq).append(':').append(seq + s.length);
        } else if (s.has(TcpSegment.SYN) || s.has(TcpSegment.FIN) || s.has(TcpSegment.RST)) {
            sb.append(" seq ").append(seq);
        }
        if (s.has(TcpSegment.ACK)) {
            sb.append(sb.indexOf(" seq ") > 0 ? "," : "").append(" ack ").append(n.relativeAck(s, fromClient));
        }
        sb.append(", win ").append(s.window);
        if (s.length > 0) {
            sb.append(", len ").append(s.length);
        }
        return sb.toString();
    }

    /** Each side's initial sequence number (its first seq seen) and the highest sequence number it sent. */
    private static final class SequenceNumbers {
        private final long[] isn = {-1, -1};
        private final long[] highest = {-1, -1};

        private static int side(boolean fromClient) {
            return fromClient ? 0 : 1;
        }

        private long isnOf(int side, Segment s) {
            if (isn[side] < 0) {
                isn[side] = s.seq;
            }
            return isn[side];
        }

        long relativeSeq(Segment s, boolean fromClient) {
            return (s.seq - isnOf(side(fromClient), s)) & 0xFFFF_FFFFL;
        }

        /** Relative to the peer's ISN; raw if the peer has not been seen yet. */
        long relativeAck(Segment s, boolean fromClient) {
            long peer = isn[side(!fromClient)];
            return peer < 0 ? s.ack : (s.ack - peer) & 0xFFFF_FFFFL;
        }

        /** True if the segment carries sequence space its sender already sent. */
        boolean isRetransmission(Segment s, boolean fromClient) {
            int side = side(fromClient);
            long start = relativeSeq(s, fromClient);
            long end = start + s.seqLength();
            boolean again = s.seqLength() > 0 && end <= highest[side];
            highest[side] = Math.max(highest[side], end);
            return again;
        }
    }
}
