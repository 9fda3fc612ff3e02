package org.sockstack.spi;

import org.junit.jupiter.api.Test;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The UDP scenarios over two user-space stacks joined by a channel-device pair. */
class StackUdpScenarioTest extends UdpScenarios {
    @Override
    TestNetworks.Env newEnv() {
        return TestNetworks.stacks();
    }

    /** The stack has no IPv6 yet: its IPv6 entries exist, sockets for them are refused. */
    @Test
    void ipv6SocketsAreRefusedUntilTheStackHasIpv6() {
        IntRef e = new IntRef();
        assertEquals(Wsa.INVALID_SOCKET, env.a().socket(Wsa.AF_INET6, Wsa.SOCK_DGRAM, 0, null, 0, 0, e));
        assertEquals(WsaError.WSAEAFNOSUPPORT, e.value);
        assertEquals(Wsa.INVALID_SOCKET, env.a().socket(Wsa.AF_INET, Wsa.SOCK_RAW, Wsa.IPPROTO_ICMP, null, 0, 0, e));
        assertEquals(WsaError.WSAESOCKTNOSUPPORT, e.value);
    }
}
