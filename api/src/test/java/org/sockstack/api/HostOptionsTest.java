package org.sockstack.api;

/** Options, control codes and multipoint over the host provider (loopback). */
class HostOptionsTest extends OptionsBehaviour {
    @Override
    Worlds.World newWorld() {
        return Worlds.host();
    }

    /**
     * The host's JDK sockets have no QoS: a flow spec is refused as by a Windows provider without
     * XP1_QOS_SUPPORTED, whatever it asks for (WSAConnect: "cannot be satisfied", WSAEOPNOTSUPP).
     */
    @org.junit.jupiter.api.Test
    void wsaConnectRefusesQosWithoutQosSupport() {
        long l = listener();
        for (org.sockstack.spi.provider.Qos q : java.util.List.of(qos(1000, 1000, 2000, 2), qos(1000, 1000, -1, 99))) {
            long c = WinsockBehaviour.socketOk(a, org.sockstack.spi.wsa.Wsa.AF_INET, org.sockstack.spi.wsa.Wsa.SOCK_STREAM,
                    org.sockstack.spi.wsa.Wsa.IPPROTO_TCP);
            org.junit.jupiter.api.Assertions.assertEquals(org.sockstack.spi.wsa.Wsa.SOCKET_ERROR,
                    a.WSAConnect(c, WinsockBehaviour.sin(world.addrB(), WinsockBehaviour.port(b, l)), null, null, q, null));
            org.junit.jupiter.api.Assertions.assertEquals(org.sockstack.spi.wsa.WsaError.WSAEOPNOTSUPP, a.WSAGetLastError());
        }
    }
}
