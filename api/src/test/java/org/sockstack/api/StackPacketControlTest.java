package org.sockstack.api;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;
import org.sockstack.spi.wsa.SockAddr;
import org.sockstack.stack.Stack;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.Ipv6Address;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.spi.wsa.Wsa.*;
import static org.sockstack.spi.wsa.WsaError.*;

/**
 * Packet information and per-packet IP options over the two user-space stacks (192.0.2.1 and
 * 192.0.2.2 on one link, interface index 1 each): the datagram's own destination, the source
 * choice of WSASendMsg, and the IP headers of the frames A sends, seen by a transmit tap.
 */
class StackPacketControlTest extends PacketControlBehaviour {
    static final InetAddress BROADCAST = Worlds.ip("192.0.2.255");

    @Override
    Worlds.World newWorld() {
        return Worlds.stacks();
    }

    @Override
    int expectedIfIndex() {
        return 1;
    }

    /** The IPv4 headers (20 octets each, after the Ethernet header) of what A's stack transmits. */
    List<byte[]> tapA() {
        List<byte[]> frames = new CopyOnWriteArrayList<>();
        Stack st = world.stacks()[0];
        st.loop().submit(() -> {
            st.interfaceAt(0).setTransmitTap((ByteBuf f) -> {
                if (f.readableBytes() >= 34 && f.getUnsignedShort(f.readerIndex() + 12) == 0x0800) {
                    byte[] h = new byte[20];
                    f.getBytes(f.readerIndex() + 14, h);
                    frames.add(h);
                }
            });
            return null;
        }).join();
        return frames;
    }

    /** A socket bound to 0.0.0.0 tells a unicast datagram from a broadcast one by the record. */
    @Test
    void wildcardSocketSeesEachDatagramsOwnDestination() {
        long r = udp(b, AF_INET);
        assertEquals(0, b.bind(r, SockAddr.inet(Worlds.ip("0.0.0.0"), 0)));
        setInt(b, r, IPPROTO_IP, IP_PKTINFO, 1);
        int p = port(b, r);
        long s = udp(a, AF_INET);
        setInt(a, s, SOL_SOCKET, SO_BROADCAST, 1);
        assertEquals(0, sendMsg(a, s, "unicast", SockAddr.inet(world.addrB(), p), null));
        MsWsock.WsaMsg m = recvMsg(b, r, 64);   // (first: the unicast one waits for ARP, RFC 826)
        assertEquals("unicast", text(m));
        assertRecord(m, world.addrB(), 1);
        assertEquals(0, sendMsg(a, s, "broadcast", SockAddr.inet(BROADCAST, p), null));
        m = recvMsg(b, r, 64);
        assertEquals("broadcast", text(m));
        assertRecord(m, BROADCAST, 1);
    }

    /** IN_PKTINFO picks another of the stack's addresses as the source; an address not ours fails. */
    @Test
    void sendMsgChoosesTheSourceAddress() {
        Stack st = world.stacks()[0];
        st.loop().submit(() -> st.addIpv4Address(st.interfaceAt(0), Ipv4Address.parse("192.0.2.11"), 24)).join();
        long r = receiverOnB();
        SockAddr to = SockAddr.inet(world.addrB(), port(b, r));
        long s = udp(a, AF_INET);
        assertEquals(0, sendMsg(a, s, "eleven", to, inPktinfo(Worlds.ip("192.0.2.11"), 1)));
        MsWsock.WsaMsg m = recvMsg(b, r, 64);
        assertEquals("eleven", text(m));
        assertEquals(Worlds.ip("192.0.2.11"), m.name.value.toInet().getAddress());
        assertEquals(0, sendMsg(a, s, "usual", to, inPktinfo(Worlds.ip("0.0.0.0"), 0)));
        m = recvMsg(b, r, 64);
        assertEquals(world.addrA(), m.name.value.toInet().getAddress(), "0.0.0.0: the route's choice");

        assertEquals(WSAEADDRNOTAVAIL, sendMsg(a, s, "x", to, inPktinfo(Worlds.ip("192.0.2.99"), 0)));
        assertEquals(WSAEADDRNOTAVAIL, sendMsg(a, s, "x", to, inPktinfo(Worlds.ip("0.0.0.0"), 9)),
                "no interface 9");
        long bound = udp(a, AF_INET);
        assertEquals(0, a.bind(bound, SockAddr.inet(world.addrA(), 0)));
        assertEquals(WSAEADDRNOTAVAIL, sendMsg(a, bound, "x", to, inPktinfo(Worlds.ip("192.0.2.11"), 0)),
                "a socket bound to one address does not send from another");
    }

    /** IP_TTL and IP_TOS go on every segment of the connection, the SYN first. */
    @Test
    void tcpSegmentsCarryTheSocketsTtlAndTos() {
        List<byte[]> sent = tapA();
        long l = b.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, b.bind(l, SockAddr.inet(world.addrB(), 0)));
        assertEquals(0, b.listen(l, 1));
        long c = a.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
        setInt(a, c, IPPROTO_IP, IP_TTL, 7);
        setInt(a, c, IPPROTO_IP, IP_TOS, 0xB8);   // DSCP EF (RFC 3246)
        assertEquals(7, WinsockBehaviour.getInt(a, c, IPPROTO_IP, IP_TTL));
        assertEquals(0, a.connect(c, SockAddr.inet(world.addrB(), port(b, l))), () -> "connect " + a.WSAGetLastError());
        assertEquals(4, a.send(c, ascii("data"), 4, 0));
        long acc = b.accept(l, null);
        assertNotEquals(INVALID_SOCKET, acc);
        byte[] got = new byte[4];
        assertEquals(4, b.recv(acc, got, 4, 0));
        List<byte[]> tcp = sent.stream().filter(h -> h[9] == 6).toList();
        assertTrue(tcp.size() >= 3, () -> "SYN, ACK and data expected, saw " + tcp.size());
        for (byte[] h : tcp) {
            assertEquals(7, h[8] & 0xFF, "TTL");
            assertEquals(0xB8, h[1] & 0xFF, "TOS");
        }
        setInt(a, c, IPPROTO_IP, IP_TTL, 200);
        sent.clear();
        assertEquals(4, a.send(c, ascii("more"), 4, 0));
        assertEquals(4, b.recv(acc, got, 4, 0));
        assertTrue(sent.stream().filter(h -> h[9] == 6).allMatch(h -> (h[8] & 0xFF) == 200), "new TTL from now on");
    }

    /** IP_DONTFRAGMENT: DF on the datagram; one larger than the MTU (1500) is refused, not fragmented. */
    @Test
    void dontFragmentSetsDfAndRefusesDatagramsLargerThanTheMtu() {
        List<byte[]> sent = tapA();
        long r = receiverOnB();
        SockAddr to = SockAddr.inet(world.addrB(), port(b, r));
        long s = udp(a, AF_INET);
        byte[] big = new byte[2000];
        setInt(a, s, IPPROTO_IP, IP_DONTFRAGMENT, 1);
        assertEquals(SOCKET_ERROR, a.sendto(s, big, big.length, 0, to));
        assertEquals(WSAEMSGSIZE, a.WSAGetLastError());
        byte[] fits = new byte[1472];   // 20 + 8 + 1472 = 1500
        assertEquals(fits.length, a.sendto(s, fits, fits.length, 0, to), () -> "sendto " + a.WSAGetLastError());
        assertEquals(1472, recvMsgLength(r));
        byte[] h = sent.stream().filter(x -> x[9] == 17).reduce((x, y) -> y).orElseThrow();
        assertEquals(0x40, h[6] & 0x40, "DF (RFC 791 section 3.1)");

        setInt(a, s, IPPROTO_IP, IP_DONTFRAGMENT, 0);
        sent.clear();
        assertEquals(big.length, a.sendto(s, big, big.length, 0, to), () -> "sendto " + a.WSAGetLastError());
        assertEquals(2000, recvMsgLength(r));
        List<byte[]> udp = sent.stream().filter(x -> x[9] == 17).toList();
        assertEquals(2, udp.size(), "fragmented in two");
        assertFalse(udp.stream().anyMatch(x -> (x[6] & 0x40) != 0));
    }

    private int recvMsgLength(long r) {
        return recvMsg(b, r, 64).lpBuffers[0].limit();
    }

    /** IPV6_PKTINFO: an IN6_PKTINFO record with the datagram's own destination and interface. */
    @Test
    void ipv6RecordCarriesTheDestinationAndInterface() throws Exception {
        Stack sa = world.stacks()[0];
        Stack sb = world.stacks()[1];
        sa.loop().submit(() -> sa.addIpv6Address(sa.interfaceAt(0), Ipv6Address.parse("2001:db8::1"), 64)).join();
        sb.loop().submit(() -> sb.addIpv6Address(sb.interfaceAt(0), Ipv6Address.parse("2001:db8::2"), 64)).join();
        long r = udp(b, AF_INET6);
        assertEquals(0, b.bind(r, SockAddr.inet(Worlds.ip("::"), 0)));
        setInt(b, r, IPPROTO_IPV6, IPV6_PKTINFO, 1);
        long s = udp(a, AF_INET6);
        SockAddr to = SockAddr.inet(Worlds.ip("2001:db8::2"), port(b, r));
        int e = WSAEWOULDBLOCK;
        long until = System.currentTimeMillis() + WAIT_MS;
        while (e != 0 && System.currentTimeMillis() < until) {
            e = sendMsg(a, s, "six", to, in6Pktinfo(Worlds.ip("2001:db8::1"), 1));   // waits out DAD
            if (e != 0) {
                Thread.sleep(100);
            }
        }
        assertEquals(0, e);
        setInt(b, r, SOL_SOCKET, SO_RCVTIMEO, WAIT_MS);
        MsWsock.WsaMsg m = recvMsg(b, r, 64);
        assertEquals("six", text(m));
        assertEquals(Worlds.ip("2001:db8::1"), m.name.value.toInet().getAddress());
        assertEquals(IN6_PKTINFO_SPACE, m.controlLength);
        assertEquals(36L, m.control.getLong(0));
        assertEquals(IPPROTO_IPV6, m.control.getInt(8));
        assertEquals(IPV6_PKTINFO, m.control.getInt(12));
        assertEquals(Worlds.ip("2001:db8::2"), pktinfoAddress(m, true));
        assertEquals(1, m.control.getInt(32));
        assertEquals(WSAEINVAL, sendMsg(a, s, "x", to, inPktinfo(world.addrA(), 0)), "IN_PKTINFO on AF_INET6");
    }
}
