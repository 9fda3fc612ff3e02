package org.sockstack.spi;

import org.junit.jupiter.api.Test;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One script, two worlds: the same sequence of calls over the host provider and over the stack
 * provider must produce the same transcript of results and errors (addresses are written by role,
 * so only behaviour is compared).
 */
class DifferentialUdpTest {

    static List<String> transcript(TestNetworks.Env env) {
        List<String> t = new ArrayList<>();
        Function<Integer, String> err = WsaError::name;
        Net a = Net.udp(env.a());
        Net b = Net.udp(env.b());
        t.add("recv unbound: " + err.apply(b.recvFrom(8, 0).error()));
        t.add("send unconnected: " + err.apply(a.send("x".getBytes())));
        t.add("bind a: " + err.apply(a.bind(env.addrA(), 0)));
        t.add("bind b: " + err.apply(b.bind(env.addrB(), 0)));
        t.add("rebind a: " + err.apply(a.bind(env.addrA(), 0)));
        Net c = Net.udp(env.a());
        t.add("bind in use: " + err.apply(c.bind(env.addrA(), a.port())));
        t.add("bind foreign: " + err.apply(c.bind(TestNetworks.ip("198.51.100.1"), 0)));
        t.add("oversized: " + err.apply(a.sendTo(new byte[65468], env.addrB(), b.port())));
        t.add("largest: " + err.apply(a.sendTo(new byte[1472], env.addrB(), b.port())));
        Net.Received big = UdpScenarios.recvWithin(b, 2000);
        t.add("received largest: " + err.apply(big.error()) + " " + big.bytes() + " from a: "
                + big.from().getAddress().equals(env.addrA()));
        b.ioctlIn(Wsa.FIONBIO, 1);
        t.add("nonblocking empty: " + err.apply(b.recvFrom(8, 0).error()));
        t.add("connect: " + err.apply(a.connect(env.addrB(), b.port())));
        t.add("send: " + err.apply(a.send("hello world".getBytes())));
        b.ioctlIn(Wsa.FIONBIO, 0);
        Net.Received small = UdpScenarios.recvWithin(b, 5);
        t.add("short buffer: " + err.apply(small.error()) + " " + small.bytes() + " '" + small.text() + "'");
        b.close();
        t.add("send to closed port: " + err.apply(a.send("ping".getBytes())));
        a.setInt(Wsa.SOL_SOCKET, Wsa.SO_RCVTIMEO, UdpScenarios.WAIT_MS);
        t.add("recv after unreachable: " + err.apply(a.recv(8).error()));
        t.add("so_error after: " + a.getInt(Wsa.SOL_SOCKET, Wsa.SO_ERROR));
        org.sockstack.spi.wsa.IntRef e = new org.sockstack.spi.wsa.IntRef();
        env.b().provider(b.handle, e);
        t.add("closed handle: " + err.apply(e.value));
        return t;
    }

    @Test
    void hostAndStackGiveTheSameTranscript() {
        List<String> host;
        List<String> stack;
        try (TestNetworks.Env env = TestNetworks.host()) {
            host = transcript(env);
        }
        try (TestNetworks.Env env = TestNetworks.stacks()) {
            stack = transcript(env);
        }
        assertEquals(host, stack);
        assertEquals("oversized: WSAEMSGSIZE", host.get(7));
        assertEquals("short buffer: WSAEMSGSIZE 5 'hello'", host.get(13));
        assertEquals("recv after unreachable: WSAECONNRESET", host.get(15));
    }
}
