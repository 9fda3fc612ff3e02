package org.sockstack.api;

import org.junit.jupiter.api.Test;
import org.sockstack.spi.wsa.SockAddr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.sockstack.spi.wsa.Wsa.*;
import static org.sockstack.spi.wsa.WsaError.*;

/**
 * Packet information over the host provider (loopback). The JDK tells neither a datagram's own
 * destination nor its interface: the record carries the bound address and interface 0, and a
 * socket bound to the wildcard gets none; a source other than the bound address cannot be chosen.
 */
class HostPacketControlTest extends PacketControlBehaviour {
    @Override
    Worlds.World newWorld() {
        return Worlds.host();
    }

    @Override
    int expectedIfIndex() {
        return 0;
    }

    @Test
    void wildcardBoundSocketGetsNoRecord() {
        long r = udp(b, AF_INET);
        assertEquals(0, b.bind(r, SockAddr.inet(Worlds.ip("0.0.0.0"), 0)));
        setInt(b, r, IPPROTO_IP, IP_PKTINFO, 1);
        long s = udp(a, AF_INET);
        assertEquals(0, sendMsg(a, s, "any", SockAddr.inet(world.addrB(), port(b, r)), null));
        MsWsock.WsaMsg m = recvMsg(b, r, 64);
        assertEquals("any", text(m));
        assertEquals(0, m.controlLength);
    }

    @Test
    void anotherSourceIsNotSupported() {
        long s = udp(a, AF_INET);
        assertEquals(0, a.bind(s, SockAddr.inet(world.addrA(), 0)));
        assertEquals(WSAEOPNOTSUPP, sendMsg(a, s, "x", SockAddr.inet(world.addrB(), 9),
                inPktinfo(Worlds.ip("127.0.0.2"), 0)));
        assertEquals(WSAEOPNOTSUPP, sendMsg(a, s, "x", SockAddr.inet(world.addrB(), 9),
                inPktinfo(world.addrA(), 1)), "an interface cannot be chosen either");
    }

    /** IPV6_PKTINFO on an AF_INET6 socket bound to ::1: an IN6_PKTINFO record (40 octets). */
    @Test
    void ipv6RecordCarriesTheBoundAddress() {
        long r = udp(b, AF_INET6);
        assertEquals(0, b.bind(r, SockAddr.inet(Worlds.ip("::1"), 0)));
        setInt(b, r, IPPROTO_IPV6, IPV6_PKTINFO, 1);
        long s = udp(a, AF_INET6);
        assertEquals(0, sendMsg(a, s, "six", SockAddr.inet(Worlds.ip("::1"), port(b, r)), null));
        MsWsock.WsaMsg m = recvMsg(b, r, 64);
        assertEquals("six", text(m));
        assertEquals(IN6_PKTINFO_SPACE, m.controlLength);
        assertEquals(36L, m.control.getLong(0));
        assertEquals(IPPROTO_IPV6, m.control.getInt(8));
        assertEquals(IPV6_PKTINFO, m.control.getInt(12));
        assertEquals(Worlds.ip("::1"), pktinfoAddress(m, true));
        assertEquals(0, m.control.getInt(32));
    }
}
