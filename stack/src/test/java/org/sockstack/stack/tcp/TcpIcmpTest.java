package org.sockstack.stack.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.tcp.TcpTestHost.Sent;
import org.sockstack.stack.wire.EtherType;
import org.sockstack.stack.wire.EthernetFrame;
import org.sockstack.stack.wire.EthernetRepr;
import org.sockstack.stack.wire.Icmpv4Packet;
import org.sockstack.stack.wire.InternetChecksum;
import org.sockstack.stack.wire.IpProtocol;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.Ipv4Packet;
import org.sockstack.stack.wire.Ipv4Repr;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.stack.tcp.Established.bytes;
import static org.sockstack.stack.tcp.TcpTestHost.ISS;
import static org.sockstack.stack.tcp.TcpTestHost.PEER_IP;
import static org.sockstack.stack.tcp.TcpTestHost.PEER_MAC;
import static org.sockstack.stack.tcp.TcpTestHost.STACK_IP;
import static org.sockstack.stack.tcp.TcpTestHost.STACK_MAC;

/** ICMP errors reaching TCP: path MTU (RFC 1191), hard and soft errors (RFC 1122 4.2.3.9), RFC 5927 checks. */
class TcpIcmpTest {
    private static final Ipv4Address ROUTER = Ipv4Address.parse("192.0.2.254");
    private final TcpTestHost h = new TcpTestHost();

    @AfterEach
    void tearDown() {
        h.close();
    }

    /**
     * Injects an ICMP error from {@code from} quoting the IPv4 header and the first 8 octets of a
     * TCP segment we sent ({@code srcPort -> dstPort}, sequence {@code seq}).
     */
    private void icmp(Ipv4Address from, int type, int code, int nextHopMtu, int srcPort, int dstPort, int seq) {
        int quoteLength = Ipv4Packet.MIN_HEADER_LENGTH + 8;
        int icmpLength = Icmpv4Packet.HEADER_LENGTH + quoteLength;
        int at = EthernetFrame.HEADER_LENGTH + Ipv4Packet.MIN_HEADER_LENGTH;
        ByteBuf f = Unpooled.wrappedBuffer(new byte[at + icmpLength]);
        new EthernetRepr(PEER_MAC, STACK_MAC, EtherType.IPV4).emit(f, 0);
        Ipv4Repr.emitHeader(f, EthernetFrame.HEADER_LENGTH, from.bits(), STACK_IP.bits(), IpProtocol.ICMP, icmpLength,
                64, 0, 0, false, false, 0);
        f.setByte(at, type);
        f.setByte(at + 1, code);
        f.setShort(at + 6, nextHopMtu);
        int q = at + Icmpv4Packet.HEADER_LENGTH;
        Ipv4Repr.emitHeader(f, q, STACK_IP.bits(), PEER_IP.bits(), IpProtocol.TCP, 1480, 64, 0, 0, true, false, 0);
        f.setShort(q + 20, srcPort);
        f.setShort(q + 22, dstPort);
        f.setInt(q + 24, seq);
        f.setShort(at + 2, InternetChecksum.compute(f, at, icmpLength));
        h.device.inject(f);
        h.run();
    }

    private void fragNeeded(int mtu, int seq) {
        icmp(ROUTER, Icmpv4Packet.TYPE_DESTINATION_UNREACHABLE, Icmpv4Packet.CODE_FRAGMENTATION_NEEDED, mtu,
                Established.PORT, Established.PEER_PORT, seq);
    }

    /** RFC 1191 section 6.1 / RFC 8201: "fragmentation needed" lowers the MSS and the data is resent smaller. */
    @Test
    void rfc1191_6_1_fragmentationNeededLowersMssAndRetransmits() {
        Established e = new Established(h);
        e.socket.setNoDelay(true);
        e.socket.send(bytes(3 * 1460, 1), 0, 3 * 1460, h.now());
        List<Sent> big = h.sent();
        assertEquals(3, big.size());
        fragNeeded(1000, ISS + 1);
        List<Sent> small = h.sent();
        assertEquals(ISS + 1, small.get(0).seq(), "resent from SND.UNA");
        int total = 0;
        for (Sent s : small) {
            assertTrue(s.data().length <= 960, "fits a 1000-octet path: " + s);
            total += s.data().length;
        }
        assertEquals(3 * 1460, total, "everything in flight was resent");
        assertEquals(960, e.socket.info(h.now()).sendMss());
        assertEquals(1000, h.stack.ipv4().pathMtu(PEER_IP.bits(), h.now()));
        assertEquals(1, h.counter("tcp.pmtu_updates"));
        assertEquals(0, h.counter("tcp.timeouts"), "no congestion response");
    }

    /** RFC 5927 section 4.1: an error quoting a sequence number outside SND.UNA..SND.NXT is ignored. */
    @Test
    void rfc5927_4_1_quotedSequenceNumberMustBeInFlight() {
        Established e = new Established(h);
        e.socket.send(bytes(1000, 1), 0, 1000, h.now());
        h.sent();
        fragNeeded(600, ISS + 100_000);
        fragNeeded(600, ISS);   // already acknowledged (the SYN)
        assertEquals(2, h.counter("tcp.drop.icmp_out_of_window"));
        assertEquals(1460, e.socket.info(h.now()).sendMss());
        assertTrue(h.sent().isEmpty());
    }

    /** Nothing to tell: an error for a connection we do not have is counted and dropped. */
    @Test
    void errorForUnknownConnectionIsDropped() {
        fragNeeded(1000, 1);
        assertEquals(1, h.counter("tcp.drop.icmp_no_connection"));
    }

    /** RFC 1122 4.2.3.9: port unreachable (a hard error) while in SYN_SENT aborts with CONNECTION_REFUSED. */
    @Test
    void rfc1122_4_2_3_9_hardErrorInSynSentRefuses() {
        TcpSocket s = h.tcp.open();
        assertEquals(SocketError.IN_PROGRESS, s.connect(TcpTestHost.peer(80), h.now()));
        Sent syn = h.one();
        icmp(PEER_IP, Icmpv4Packet.TYPE_DESTINATION_UNREACHABLE, Icmpv4Packet.CODE_PORT_UNREACHABLE, 0,
                syn.h().srcPort(), 80, syn.seq());
        assertEquals(TcpState.CLOSED, s.state());
        assertEquals(SocketError.CONNECTION_REFUSED, s.error());
    }

    /** RFC 1122 4.2.3.9: a soft error never aborts; it is what a later timeout reports. */
    @Test
    void rfc1122_4_2_3_9_softErrorReportedOnTimeout() {
        TcpSocket s = h.tcp.open();
        s.connect(TcpTestHost.peer(80), h.now());
        Sent syn = h.one();
        icmp(ROUTER, Icmpv4Packet.TYPE_DESTINATION_UNREACHABLE, Icmpv4Packet.CODE_HOST_UNREACHABLE, 0,
                syn.h().srcPort(), 80, syn.seq());
        assertEquals(TcpState.SYN_SENT, s.state(), "soft: the attempt goes on");
        h.advance(200_000);
        assertEquals(TcpState.CLOSED, s.state());
        assertEquals(SocketError.HOST_UNREACHABLE, s.error(), "the soft error explains the timeout");
    }

    /** RFC 5927 section 5.2: in a synchronized state a "hard" error is treated as soft. */
    @Test
    void rfc5927_5_2_hardErrorWhenEstablishedIsSoft() {
        Established e = new Established(h);
        e.socket.send(bytes(100, 1), 0, 100, h.now());
        h.sent();
        icmp(PEER_IP, Icmpv4Packet.TYPE_DESTINATION_UNREACHABLE, Icmpv4Packet.CODE_PORT_UNREACHABLE, 0,
                Established.PORT, Established.PEER_PORT, ISS + 1);
        assertEquals(TcpState.ESTABLISHED, e.socket.state());
        assertEquals(SocketError.OK, e.socket.error());
    }
}
