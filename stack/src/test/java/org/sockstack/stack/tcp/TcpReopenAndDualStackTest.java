package org.sockstack.stack.tcp;

import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.udp.UdpDatagram;
import org.sockstack.stack.udp.UdpSocket;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.Ipv6Address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.sockstack.stack.tcp.TwoStacks.A_IP;
import static org.sockstack.stack.tcp.TwoStacks.B_IP;

/**
 * A socket whose active open failed may open again (RFC 9293 3.10.7.3: the refused connection
 * returns to CLOSED), and dual-stack sockets (RFC 3493 3.7): an IPv6 wildcard socket with
 * {@code setDualStack(true)} also serves IPv4, in TCP listeners and UDP demultiplexing.
 */
class TcpReopenAndDualStackTest {
    private static final Endpoint ANY6 = new Endpoint(Ipv6Address.UNSPECIFIED, 2000);

    @Test
    void rfc9293_3_10_7_3_aRefusedOpenMayOpenAgainFromTheSameBinding() {
        try (TwoStacks n = new TwoStacks(TcpConfig.DEFAULT, 0)) {
            TcpSocket x = n.a.tcp().open();
            assertEquals(SocketError.OK, x.bind(new Endpoint(A_IP, 1000)));
            assertEquals(SocketError.IN_PROGRESS, x.connect(new Endpoint(B_IP, 2000), n.now()));
            n.runUntil(() -> x.state() == TcpState.CLOSED, 10);
            assertEquals(SocketError.CONNECTION_REFUSED, x.error());
            TcpSocket y = n.b.tcp().open();
            assertEquals(SocketError.OK, y.bind(new Endpoint(B_IP, 2000)));
            assertEquals(SocketError.OK, y.listen(4));
            assertEquals(SocketError.IN_PROGRESS, x.connect(new Endpoint(B_IP, 2000), n.now()));
            n.runUntil(() -> x.state() == TcpState.ESTABLISHED, 10);
            assertEquals(1000, x.localEndpoint().port(), "the binding survived");
            assertEquals(SocketError.ALREADY_CONNECTED, x.connect(new Endpoint(B_IP, 2000), n.now()));
            x.abort(n.now());
        }
    }

    @Test
    void anEstablishedConnectionThatEndedCannotOpenAgain() {
        try (TwoStacks n = new TwoStacks(TcpConfig.DEFAULT, 0)) {
            TcpSocket y = n.b.tcp().open();
            assertEquals(SocketError.OK, y.bind(new Endpoint(B_IP, 2000)));
            assertEquals(SocketError.OK, y.listen(4));
            TcpSocket x = n.a.tcp().open();
            assertEquals(SocketError.IN_PROGRESS, x.connect(new Endpoint(B_IP, 2000), n.now()));
            n.runUntil(() -> x.state() == TcpState.ESTABLISHED, 10);
            TcpSocket s = y.accept();
            assertNotNull(s);
            s.abort(n.now());
            n.runUntil(() -> x.state() == TcpState.CLOSED, 10);
            assertEquals(SocketError.ALREADY_CONNECTED, x.connect(new Endpoint(B_IP, 2000), n.now()));
        }
    }

    @Test
    void aDualListenerOnTheIpv6WildcardAcceptsIpv4() {
        try (TwoStacks n = new TwoStacks(TcpConfig.DEFAULT, 0)) {
            TcpSocket y = n.b.tcp().open();
            assertEquals(SocketError.OK, y.setDualStack(true));
            assertEquals(SocketError.OK, y.bind(ANY6));
            assertEquals(SocketError.INVALID_ARGUMENT, y.setDualStack(false), "fixed once bound");
            assertEquals(SocketError.OK, y.listen(4));
            TcpSocket v4 = n.b.tcp().open();
            assertEquals(SocketError.ADDRESS_IN_USE, v4.bind(new Endpoint(Ipv4Address.ANY, 2000)),
                    "the dual wildcard holds the IPv4 port too");
            TcpSocket x = n.a.tcp().open();
            assertEquals(SocketError.IN_PROGRESS, x.connect(new Endpoint(B_IP, 2000), n.now()));
            n.runUntil(() -> x.state() == TcpState.ESTABLISHED, 10);
            TcpSocket s = y.accept();
            assertNotNull(s);
            assertEquals(A_IP, s.remoteEndpoint().address());
            assertEquals(new Endpoint(B_IP, 2000), s.localEndpoint());
        }
    }

    @Test
    void anIpv6OnlyListenerRefusesIpv4() {
        try (TwoStacks n = new TwoStacks(TcpConfig.DEFAULT, 0)) {
            TcpSocket y = n.b.tcp().open();
            assertEquals(SocketError.OK, y.bind(ANY6));
            assertEquals(SocketError.OK, y.listen(4));
            TcpSocket v4 = n.b.tcp().open();
            assertEquals(SocketError.OK, v4.bind(new Endpoint(Ipv4Address.ANY, 2001)), "separate port spaces");
            TcpSocket x = n.a.tcp().open();
            assertEquals(SocketError.IN_PROGRESS, x.connect(new Endpoint(B_IP, 2000), n.now()));
            n.runUntil(() -> x.state() == TcpState.CLOSED, 10);
            assertEquals(SocketError.CONNECTION_REFUSED, x.error());
            assertNull(y.accept());
        }
    }

    @Test
    void aDualUdpSocketReceivesIpv4AndAnswers() {
        try (TwoStacks n = new TwoStacks(TcpConfig.DEFAULT, 0)) {
            UdpSocket u = n.b.udp().open();
            assertEquals(SocketError.OK, u.setDualStack(true));
            assertEquals(SocketError.OK, u.bind(ANY6));
            assertEquals(SocketError.INVALID_ARGUMENT, u.setDualStack(false));
            UdpSocket v6only = n.b.udp().open();
            assertEquals(SocketError.OK, v6only.bind(new Endpoint(Ipv6Address.UNSPECIFIED, 2002)));
            UdpSocket c = n.a.udp().open();
            assertEquals(SocketError.OK, c.bind(new Endpoint(A_IP, 1000)));
            assertEquals(SocketError.OK, c.sendTo(Unpooled.wrappedBuffer(new byte[] {1, 2}), new Endpoint(B_IP, 2000), n.now()));
            assertEquals(SocketError.OK, c.sendTo(Unpooled.wrappedBuffer(new byte[] {3}), new Endpoint(B_IP, 2002), n.now()));
            n.runIdle();
            UdpDatagram d = u.receive();
            assertNotNull(d, "the dual socket got the IPv4 datagram");
            assertEquals(new Endpoint(A_IP, 1000), d.source());
            d.data().release();
            assertNull(v6only.receive(), "an IPv6-only socket does not");
            assertEquals(SocketError.OK, u.sendTo(Unpooled.wrappedBuffer(new byte[] {4}), d.source(), n.now()));
            n.runIdle();
            UdpDatagram back = c.receive();
            assertNotNull(back);
            assertEquals(new Endpoint(B_IP, 2000), back.source());
            back.data().release();
        }
    }
}
