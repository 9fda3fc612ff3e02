package org.sockstack.spi;

import org.junit.jupiter.api.Test;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Wsa;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The UDP scenarios over the host stack (loopback). */
class HostUdpScenarioTest extends UdpScenarios {
    @Override
    TestNetworks.Env newEnv() {
        return TestNetworks.host();
    }

    /** The host provider serves UDP/IPv6 too (the stack provider does not yet: see its test). */
    @Test
    void udpOverIpv6Loopback() {
        IntRef e = new IntRef();
        long h1 = env.a().socket(Wsa.AF_INET6, Wsa.SOCK_DGRAM, 0, null, 0, 0, e);
        long h2 = env.a().socket(Wsa.AF_INET6, Wsa.SOCK_DGRAM, 0, null, 0, 0, e);
        Net a = new Net(env.a(), h1);
        Net b = new Net(env.a(), h2);
        InetAddress lo = TestNetworks.ip("::1");
        assertEquals(0, a.bind(lo, 0));
        assertEquals(0, b.bind(lo, 0));
        assertEquals(0, a.sendTo(bytes("six"), lo, b.port()));
        Net.Received r = recvWithin(b, 10);
        assertEquals("six", r.text());
        assertEquals(a.port(), r.from().getPort());
        // A sockaddr_in (16 bytes) is shorter than the entry's iMinSockAddr (28): WSAEFAULT.
        assertEquals(org.sockstack.spi.wsa.WsaError.WSAEFAULT, a.sendTo(bytes("x"), env.addrB(), 9));
    }
}
