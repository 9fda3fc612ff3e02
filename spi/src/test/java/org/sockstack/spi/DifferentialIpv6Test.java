package org.sockstack.spi;

import org.junit.jupiter.api.Test;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * AF_INET6 over both base providers: the same script over the host (::1) and over two stacks
 * (2001:db8::1 and ::2) must give the same transcript: UDP and TCP echo, addresses, IPV6_V6ONLY
 * (on by default, as on Windows; dual-stack refused) and the IPPROTO_IPV6 option round-trips.
 */
class DifferentialIpv6Test {
    /** ::ffff:192.0.2.9 kept an IPv6 address (InetAddress.getByName would make it an Inet4Address). */
    static final InetAddress MAPPED = mapped();

    private static InetAddress mapped() {
        byte[] b = new byte[16];
        b[10] = (byte) 0xFF;
        b[11] = (byte) 0xFF;
        b[12] = (byte) 192;
        b[14] = 2;
        b[15] = 9;
        try {
            return java.net.Inet6Address.getByAddress(null, b, -1);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static Net socket(Ws2Process p, int af, int type) {
        IntRef e = new IntRef();
        long h = p.socket(af, type, 0, null, 0, Wsa.WSA_FLAG_OVERLAPPED, e);
        assertNotEquals(Wsa.INVALID_SOCKET, h, WsaError.name(e.value));
        return new Net(p, h);
    }

    static InetSocketAddress peer(Net n) {
        Ref<SockAddr> r = new Ref<>();
        IntRef e = new IntRef();
        if (n.provider().getPeerName(n.handle, r, e) != 0) {
            return null;
        }
        return r.value.toInet();
    }

    static String err(int code) {
        return WsaError.name(code);
    }

    static List<String> udpTranscript(Ipv6Networks.Env6 env) {
        List<String> t = new ArrayList<>();
        Net a = socket(env.a(), Wsa.AF_INET6, Wsa.SOCK_DGRAM);
        Net b = socket(env.b(), Wsa.AF_INET6, Wsa.SOCK_DGRAM);
        t.add("v6only default: " + a.getInt(Wsa.IPPROTO_IPV6, Wsa.IPV6_V6ONLY));
        t.add("v6only off: " + err(a.setInt(Wsa.IPPROTO_IPV6, Wsa.IPV6_V6ONLY, 0)));
        t.add("v6only on: " + err(a.setInt(Wsa.IPPROTO_IPV6, Wsa.IPV6_V6ONLY, 1)));
        t.add("unicast hops default: " + a.getInt(Wsa.IPPROTO_IPV6, Wsa.IPV6_UNICAST_HOPS));
        t.add("unicast hops set: " + err(a.setInt(Wsa.IPPROTO_IPV6, Wsa.IPV6_UNICAST_HOPS, 7)) + " "
                + a.getInt(Wsa.IPPROTO_IPV6, Wsa.IPV6_UNICAST_HOPS));
        t.add("unicast hops 256: " + err(a.setInt(Wsa.IPPROTO_IPV6, Wsa.IPV6_UNICAST_HOPS, 256)));
        t.add("multicast hops default: " + a.getInt(Wsa.IPPROTO_IPV6, Wsa.IPV6_MULTICAST_HOPS));
        t.add("multicast hops set: " + err(a.setInt(Wsa.IPPROTO_IPV6, Wsa.IPV6_MULTICAST_HOPS, 5)) + " "
                + a.getInt(Wsa.IPPROTO_IPV6, Wsa.IPV6_MULTICAST_HOPS));
        t.add("multicast loop default: " + a.getInt(Wsa.IPPROTO_IPV6, Wsa.IPV6_MULTICAST_LOOP));
        t.add("multicast loop off: " + err(a.setInt(Wsa.IPPROTO_IPV6, Wsa.IPV6_MULTICAST_LOOP, 0)) + " "
                + a.getInt(Wsa.IPPROTO_IPV6, Wsa.IPV6_MULTICAST_LOOP));
        t.add("unknown ipv6 option: " + err(-a.getInt(Wsa.IPPROTO_IPV6, 99)));
        t.add("bind v4-mapped: " + err(a.bind(MAPPED, 0)));
        t.add("bind a: " + err(a.bind(env.addrA(), 0)));
        t.add("bind b: " + err(b.bind(env.addrB(), 0)));
        t.add("sockname a: " + a.local().getAddress().equals(env.addrA()) + " port " + (a.port() != 0));
        t.add("sendto v4-mapped: " + err(a.sendTo("x".getBytes(), MAPPED, 9)));
        t.add("sendto b: " + err(a.sendTo("hello6".getBytes(), env.addrB(), b.port())));
        Net.Received r = UdpScenarios.recvWithin(b, 64);
        t.add("b got: " + err(r.error()) + " '" + r.text() + "' from a: " + r.from().getAddress().equals(env.addrA())
                + " port " + (r.from().getPort() == a.port()));
        t.add("echo: " + err(b.sendTo("olleh6".getBytes(), r.from().getAddress(), r.from().getPort())));
        Net.Received back = UdpScenarios.recvWithin(a, 64);
        t.add("a got: " + err(back.error()) + " '" + back.text() + "' from b: "
                + back.from().getAddress().equals(env.addrB()));
        t.add("AF_INET address on AF_INET6: " + err(a.sendTo("x".getBytes(), env.addr4B(), 9)));
        t.add("connect: " + err(a.connect(env.addrB(), b.port())) + " peer b: "
                + peer(a).getAddress().equals(env.addrB()));
        Net v4 = socket(env.a(), Wsa.AF_INET, Wsa.SOCK_DGRAM);
        t.add("ipv6 option on AF_INET: " + err(v4.setInt(Wsa.IPPROTO_IPV6, Wsa.IPV6_UNICAST_HOPS, 3)) + " "
                + err(-v4.getInt(Wsa.IPPROTO_IPV6, Wsa.IPV6_V6ONLY)));
        a.close();
        b.close();
        v4.close();
        return t;
    }

    static List<String> tcpTranscript(Ipv6Networks.Env6 env) {
        List<String> t = new ArrayList<>();
        Net l = socket(env.b(), Wsa.AF_INET6, Wsa.SOCK_STREAM);
        t.add("listener v6only: " + l.getInt(Wsa.IPPROTO_IPV6, Wsa.IPV6_V6ONLY));
        t.add("bind: " + err(l.bind(env.addrB(), 0)));
        IntRef e = new IntRef();
        t.add("listen: " + err(Net.result(l.provider().listen(l.handle, 5, e), e)));
        Net c = socket(env.a(), Wsa.AF_INET6, Wsa.SOCK_STREAM);
        t.add("hops default: " + c.getInt(Wsa.IPPROTO_IPV6, Wsa.IPV6_UNICAST_HOPS));
        t.add("hops set: " + err(c.setInt(Wsa.IPPROTO_IPV6, Wsa.IPV6_UNICAST_HOPS, 9)) + " "
                + c.getInt(Wsa.IPPROTO_IPV6, Wsa.IPV6_UNICAST_HOPS));
        t.add("multicast hops on TCP: " + err(c.setInt(Wsa.IPPROTO_IPV6, Wsa.IPV6_MULTICAST_HOPS, 9)));
        Net m = socket(env.a(), Wsa.AF_INET6, Wsa.SOCK_STREAM);
        t.add("connect v4-mapped: " + err(m.connect(MAPPED, l.port())));
        t.add("connect: " + err(c.connect(env.addrB(), l.port())));
        Net s = TcpScenarios.accept(l);
        t.add("send: " + TcpScenarios.send(c, "hello over six".getBytes()));
        t.add("received: " + new String(TcpScenarios.readFully(s, 14)));
        t.add("reply: " + TcpScenarios.send(s, "ack".getBytes()));
        t.add("received: " + new String(TcpScenarios.readFully(c, 3)));
        InetSocketAddress cp = peer(c);
        InetSocketAddress sp = peer(s);
        t.add("client's peer: " + cp.getAddress().equals(env.addrB()) + " " + (cp.getPort() == l.port()));
        t.add("server's peer: " + sp.getAddress().equals(env.addrA()) + " " + (sp.getPort() == c.port()));
        t.add("server's name: " + s.local().getAddress().equals(env.addrB()) + " " + (s.port() == l.port()));
        c.close();
        s.close();
        l.close();
        m.close();
        return t;
    }

    @Test
    void udpOverIpv6GivesTheSameTranscript() {
        List<String> host;
        List<String> stack;
        try (Ipv6Networks.Env6 env = Ipv6Networks.host()) {
            host = udpTranscript(env);
        }
        try (Ipv6Networks.Env6 env = Ipv6Networks.stacks()) {
            stack = udpTranscript(env);
        }
        assertEquals(host, stack);
        assertEquals("v6only default: 1", host.get(0));
        assertEquals("v6only off: OK", host.get(1));
        assertEquals("unicast hops set: OK 7", host.get(4));
        assertTrue(host.contains("bind v4-mapped: WSAEADDRNOTAVAIL"), host.toString());
        assertTrue(host.contains("sendto v4-mapped: WSAENETUNREACH"), host.toString());
        assertTrue(host.contains("AF_INET address on AF_INET6: WSAEFAULT"), host.toString());
        assertTrue(stack.contains("b got: OK 'hello6' from a: true port true"), stack.toString());
        assertTrue(stack.contains("a got: OK 'olleh6' from b: true"), stack.toString());
    }

    @Test
    void tcpOverIpv6GivesTheSameTranscript() {
        List<String> host;
        List<String> stack;
        try (Ipv6Networks.Env6 env = Ipv6Networks.host()) {
            host = tcpTranscript(env);
        }
        try (Ipv6Networks.Env6 env = Ipv6Networks.stacks()) {
            stack = tcpTranscript(env);
        }
        assertEquals(host, stack);
        assertTrue(host.contains("connect v4-mapped: WSAENETUNREACH"), host.toString());
        assertTrue(stack.contains("received: hello over six"), stack.toString());
        assertTrue(stack.contains("server's peer: true true"), stack.toString());
    }

    /**
     * Stack only (the host's loopback has no link-local address): a link-local destination's
     * scope id picks the interface, and a link-local source comes back with the receiving
     * interface's scope id (StackBackend.scopeId: interface 0 is scope 1), so replying to the
     * sockaddr as received works.
     */
    @Test
    void stackUdpOverLinkLocalCarriesTheScopeId() throws Exception {
        try (Ipv6Networks.Env6 env = Ipv6Networks.stacks()) {
            // EUI-64 (RFC 4291 appendix A) of 02:00:00:00:6a:01 and 02:00:00:00:6b:02.
            InetAddress llA = java.net.Inet6Address.getByAddress(null,
                    TestNetworks.ip("fe80::ff:fe00:6a01").getAddress(), 1);
            InetAddress llB = java.net.Inet6Address.getByAddress(null,
                    TestNetworks.ip("fe80::ff:fe00:6b02").getAddress(), 1);
            Net a = socket(env.a(), Wsa.AF_INET6, Wsa.SOCK_DGRAM);
            Net b = socket(env.b(), Wsa.AF_INET6, Wsa.SOCK_DGRAM);
            assertEquals(0, b.bind(TestNetworks.ip("::"), 0));
            InetAddress noSuchZone = java.net.Inet6Address.getByAddress(null, llB.getAddress(), 9);
            assertEquals(WsaError.WSAEADDRNOTAVAIL, a.sendTo("x".getBytes(), noSuchZone, b.port()));
            assertEquals(0, a.sendTo("link".getBytes(), llB, b.port()));
            Net.Received r = UdpScenarios.recvWithin(b, 16);
            assertEquals(0, r.error(), WsaError.name(r.error()));
            assertEquals("link", r.text());
            assertEquals(llA, r.from().getAddress());
            assertEquals(1, ((java.net.Inet6Address) r.from().getAddress()).getScopeId());
            assertEquals(0, b.sendTo("back".getBytes(), r.from().getAddress(), r.from().getPort()));
            Net.Received back = UdpScenarios.recvWithin(a, 16);
            assertEquals("back", back.text());
            assertEquals(1, ((java.net.Inet6Address) back.from().getAddress()).getScopeId());
        }
    }
}
