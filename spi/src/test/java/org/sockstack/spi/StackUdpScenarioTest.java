package org.sockstack.spi;

import org.junit.jupiter.api.Test;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The UDP scenarios over two user-space stacks joined by a channel-device pair. */
class StackUdpScenarioTest extends UdpScenarios {
    @Override
    TestNetworks.Env newEnv() {
        return TestNetworks.stacks();
    }

    /**
     * Every IPv6 and raw entry is served (scenarios in DifferentialIpv6Test and RawSocketTest);
     * a raw socket needs a protocol (the catalog refuses 0: the raw entries do not match it).
     */
    @Test
    void ipv6AndRawSocketsOpen() {
        IntRef e = new IntRef();
        long[] opened = {
            env.a().socket(Wsa.AF_INET6, Wsa.SOCK_DGRAM, 0, null, 0, 0, e),
            env.a().socket(Wsa.AF_INET, Wsa.SOCK_RAW, Wsa.IPPROTO_ICMP, null, 0, 0, e),
            env.a().socket(Wsa.AF_INET6, Wsa.SOCK_RAW, Wsa.IPPROTO_ICMPV6, null, 0, 0, e),
        };
        for (long h : opened) {
            assertNotEquals(Wsa.INVALID_SOCKET, h, WsaError.name(e.value));
            assertEquals(0, new Net(env.a(), h).close());
        }
        assertEquals(Wsa.INVALID_SOCKET, env.a().socket(Wsa.AF_INET, Wsa.SOCK_RAW, 0, null, 0, 0, e));
        assertEquals(WsaError.WSAEPROTONOSUPPORT, e.value);
    }
}
