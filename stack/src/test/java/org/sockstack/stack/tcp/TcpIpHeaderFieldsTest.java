package org.sockstack.stack.tcp;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.tcp.TcpTestHost.Sent;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.TcpOptions;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.sockstack.stack.wire.TcpSegment.ACK;
import static org.sockstack.stack.wire.TcpSegment.SYN;

/**
 * The IPv4 header fields of a connection's segments (RFC 791 section 3.1): Time to Live and Type
 * of Service come from the socket ({@link TcpSocket#setTtl}, {@link TcpSocket#setTos}), else the
 * stack's default TTL and TOS 0; an accepted connection inherits the listening socket's.
 */
class TcpIpHeaderFieldsTest {
    static final int PORT = 80;
    static final int PEER_PORT = 40_000;

    private final TcpTestHost h = new TcpTestHost();
    /** The IPv4 headers (20 octets) of the frames sent, in order. */
    private final List<byte[]> headers = new ArrayList<>();

    @BeforeEach
    void tap() {
        h.iface.setTransmitTap((ByteBuf f) -> {
            if (f.getUnsignedShort(f.readerIndex() + 12) == 0x0800) {
                byte[] ip = new byte[20];
                f.getBytes(f.readerIndex() + 14, ip);
                headers.add(ip);
            }
        });
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    private byte[] lastHeader() {
        return headers.get(headers.size() - 1);
    }

    private static int ttl(byte[] ip) {
        return ip[8] & 0xFF;
    }

    private static int tos(byte[] ip) {
        return ip[1] & 0xFF;
    }

    @Test
    void defaultsAreTheStacksTtlAndTosZero() {
        TcpSocket c = h.tcp.open();
        assertEquals(-1, c.ttl());
        assertEquals(SocketError.IN_PROGRESS, c.connect(TcpTestHost.peer(PORT), h.now()));
        assertEquals(SYN, h.one().h().flags());
        assertEquals(TcpConfig.DEFAULT.ttl(), ttl(lastHeader()));
        assertEquals(0, tos(lastHeader()));
    }

    @Test
    void activeOpenSegmentsCarryTheSocketsTtlAndTos() {
        TcpSocket c = h.tcp.open();
        c.setTtl(3);
        c.setTos(0xB8);
        assertEquals(SocketError.IN_PROGRESS, c.connect(TcpTestHost.peer(PORT), h.now()));
        Sent syn = h.one();
        assertEquals(SYN, syn.h().flags());
        assertEquals(3, ttl(lastHeader()));
        assertEquals(0xB8, tos(lastHeader()));

        c.setTtl(250);   // changed on an open connection: the next segment carries it
        h.inject(PORT, c.localEndpoint().port(), 5_000, syn.seq() + 1, SYN | ACK, 64240,
                TcpOptions.syn(1460, -1, false, null), null);
        assertEquals(ACK, h.one().h().flags());
        assertEquals(250, ttl(lastHeader()));
        assertEquals(0xB8, tos(lastHeader()));
    }

    @Test
    void acceptedConnectionsInheritTheListenersFields() {
        TcpSocket server = h.tcp.open();
        server.setTtl(17);
        server.setTos(0x28);
        assertEquals(SocketError.OK, server.bind(new Endpoint(Ipv4Address.ANY, PORT)));
        assertEquals(SocketError.OK, server.listen(8));
        h.inject(PEER_PORT, PORT, 5_000, 0, SYN, 64240, TcpOptions.syn(1460, -1, false, null), null);
        assertEquals(SYN | ACK, h.one().h().flags());
        assertEquals(17, ttl(lastHeader()));
        assertEquals(0x28, tos(lastHeader()));
    }

    @Test
    void outOfRangeValuesAreBounded() {
        TcpSocket c = h.tcp.open();
        c.setTtl(-5);
        assertEquals(-1, c.ttl(), "negative: the default");
        c.setTos(0x1FF);
        assertEquals(0xFF, c.tos(), "one octet");
    }
}
