package org.sockstack.api;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.SockAddr;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.api.WinsockBehaviour.sin;
import static org.sockstack.api.WinsockBehaviour.socketOk;
import static org.sockstack.spi.wsa.Wsa.AF_INET;
import static org.sockstack.spi.wsa.Wsa.AF_INET6;
import static org.sockstack.spi.wsa.Wsa.IPPROTO_UDP;
import static org.sockstack.spi.wsa.Wsa.SIO_ROUTING_INTERFACE_QUERY;
import static org.sockstack.spi.wsa.Wsa.SOCKET_ERROR;
import static org.sockstack.spi.wsa.Wsa.SOCK_DGRAM;
import static org.sockstack.spi.wsa.WsaError.WSAEFAULT;
import static org.sockstack.spi.wsa.WsaError.WSAENETUNREACH;

/**
 * SIO_ROUTING_INTERFACE_QUERY for IPv6 destinations on the user-space stacks (A: 2001:db8::1/64
 * and a link-local address, no router): the stack's next-hop determination (RFC 4861 section
 * 5.2) and RFC 6724 source selection answer.
 */
class StackRoutingInterface6Test extends TwoProcessBehaviour {
    DualStackWorlds.DualWorld dual;

    @Override
    Worlds.World newWorld() {
        dual = DualStackWorlds.stacks();
        return dual;
    }

    @BeforeEach
    void start() {
        startBoth();
    }

    /** The sockaddr the query answers for {@code dst}, or null with the error in WSAGetLastError. */
    InetSocketAddress query(long s, InetAddress dst) {
        byte[] out = new byte[28];
        IntRef n = new IntRef();
        if (a.WSAIoctl(s, SIO_ROUTING_INTERFACE_QUERY, sin(dst, 443).bytes(), out, n, null, null) != 0) {
            return null;
        }
        assertEquals(28, n.value, "a sockaddr_in6");
        return SockAddr.of(out, n.value).toInet();
    }

    @Test
    void anOnLinkGlobalDestinationGetsTheGlobalSource() {
        long s = socketOk(a, AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
        InetSocketAddress src = query(s, dual.addr6B());
        assertEquals(dual.addr6A(), src.getAddress(), () -> "error " + a.WSAGetLastError());
        assertEquals(0, src.getPort());
    }

    @Test
    void aLinkLocalDestinationGetsALinkLocalSourceInItsZone() throws Exception {
        long s = socketOk(a, AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
        byte[] peer = Worlds.ip("fe80::2").getAddress();
        InetSocketAddress src = query(s, Inet6Address.getByAddress(null, peer, 1));
        assertTrue(src != null, () -> "error " + a.WSAGetLastError());
        assertTrue(src.getAddress().isLinkLocalAddress(), "RFC 6724 rule 2: the matching scope " + src);
        assertEquals(1, ((Inet6Address) src.getAddress()).getScopeId(), "the interface the zone names");

        assertEquals(null, query(s, Inet6Address.getByAddress(null, peer, 9)), "no interface 9");
        assertEquals(WSAENETUNREACH, a.WSAGetLastError());
    }

    @Test
    void anOffLinkDestinationWithoutARouterIsUnreachable() {
        long s = socketOk(a, AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
        assertEquals(null, query(s, Worlds.ip("2001:db8:1::1")));
        assertEquals(WSAENETUNREACH, a.WSAGetLastError());
        assertEquals(SOCKET_ERROR, a.WSAIoctl(s, SIO_ROUTING_INTERFACE_QUERY, sin(dual.addr6B(), 1).bytes(),
                new byte[27], new IntRef(), null, null));
        assertEquals(WSAEFAULT, a.WSAGetLastError(), "no room for a sockaddr_in6");
    }

    @Test
    void ipv4StillAnswers() {
        long s = socketOk(a, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        byte[] out = new byte[16];
        IntRef n = new IntRef();
        assertEquals(0, a.WSAIoctl(s, SIO_ROUTING_INTERFACE_QUERY, sin(world.addrB(), 80).bytes(), out, n, null, null));
        assertEquals(world.addrA(), SockAddr.of(out, n.value).toInet().getAddress());
    }
}
