package org.sockstack.testbed.services;

import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.Stack;
import org.sockstack.stack.StackConfig;
import org.sockstack.stack.device.ChannelDevice;
import org.sockstack.stack.iface.NetworkInterface;
import org.sockstack.stack.loop.EventLoop;
import org.sockstack.stack.loop.ManualClock;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.tcp.TcpSocket;
import org.sockstack.stack.tcp.TcpState;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.MacAddress;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The echo (RFC 862) and discard (RFC 863) services of {@code serve} against a client stack on
 * an in-memory link: echo returns every octet in order, also when the client stops reading and
 * the echo has to stop with it (the send buffer full, then our receive window closed), and closes
 * once the client has; many echo sessions share one scratch array and keep nothing; discard
 * closes after the end of the stream.
 */
class StreamSessionsTest {
    private static final Ipv4Address SERVER = Ipv4Address.parse("192.0.2.10");
    private static final Ipv4Address CLIENT = Ipv4Address.parse("192.0.2.11");
    private final ManualClock clock = new ManualClock();
    private final EventLoop clientLoop = new EventLoop("client", clock);
    private final EventLoop serverLoop = new EventLoop("server", clock);
    private final Stack client = new Stack(clientLoop, StackConfig.defaults("client").withSeed(1));
    private final Stack server = new Stack(serverLoop, StackConfig.defaults("server").withSeed(2));
    private final TcpServices services;

    StreamSessionsTest() {
        ChannelDevice c = new ChannelDevice("c0", MacAddress.parse("02:00:00:00:99:01"), 1500, 4096,
                PooledByteBufAllocator.DEFAULT);
        ChannelDevice s = new ChannelDevice("s0", MacAddress.parse("02:00:00:00:99:02"), 1500, 4096,
                PooledByteBufAllocator.DEFAULT);
        ChannelDevice.pair(c, s);
        NetworkInterface ci = client.addInterface(c);
        NetworkInterface si = server.addInterface(s);
        client.addIpv4Address(ci, CLIENT, 24);
        server.addIpv4Address(si, SERVER, 24);
        services = TcpServices.start(server, List.of("echo", "discard"), false);
    }

    @AfterEach
    void close() {
        services.close();
        drive();
        clientLoop.close();
        serverLoop.close();
    }

    @Test
    void echoReturnsEveryOctetAlsoWhenTheClientStopsReading() {
        TcpSocket s = connect(7);
        s.setReceiveBufferSize(16 * 1024);
        byte[] data = new byte[3 << 20];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + (i >> 9));
        }
        // Send without reading until the client can send no more: our receive buffer and the
        // echo's send buffer fill, the echo stops reading, and its receive window closes on us.
        int sent = 0;
        for (int stuck = 0; stuck < 3 && sent < data.length; ) {
            int n = s.send(data, sent, data.length - sent, now());
            sent += Math.max(n, 0);
            stuck = n > 0 ? 0 : stuck + 1;
            drive();
        }
        assertTrue(sent < data.length, "the client is held back while it does not read (sent " + sent + ")");

        ByteArrayOutputStream echoed = new ByteArrayOutputStream();
        byte[] buf = new byte[16 * 1024];
        for (int idle = 0; echoed.size() < data.length; ) {
            int before = echoed.size() + sent;
            if (sent < data.length) {
                int n = s.send(data, sent, data.length - sent, now());
                sent += Math.max(n, 0);
                if (sent == data.length) {
                    s.shutdownSend(now());
                }
            }
            drive();
            int n;
            while ((n = s.receive(buf, 0, buf.length, now())) > 0) {
                echoed.write(buf, 0, n);
            }
            idle = echoed.size() + sent == before ? idle + 1 : 0;
            assertTrue(idle < 200, "the exchange stalled: sent " + sent + ", echoed " + echoed.size()
                    + ", client " + s.state() + " sendable " + s.writableBytes());
        }
        assertArrayEquals(data, echoed.toByteArray());
        drive();
        assertEquals(0, s.receive(buf, 0, buf.length, now()), "the echo closes after our end of stream");
        s.close(now());
        drive();
        assertEquals(0, server.tcp().connectionCount());
    }

    @Test
    void manyShortConnectionsEachGetTheirEcho() {
        byte[] back = new byte[2];
        for (int i = 0; i < 50; i++) {
            TcpSocket s = connect(7);
            byte[] request = {(byte) i, (byte) ~i};
            assertEquals(2, s.send(request, 0, 2, now()));
            drive();
            assertEquals(2, s.receive(back, 0, 2, now()));
            assertArrayEquals(request, back);
            s.close(now());
            drive();
        }
        assertEquals(0, server.tcp().connectionCount(), "the echo closed every connection after its client");
    }

    @Test
    void discardClosesAfterTheEndOfTheStream() {
        TcpSocket s = connect(9);
        byte[] chunk = new byte[8192];
        int sent = 0;
        while (sent < 200_000) {
            int n = s.send(chunk, 0, chunk.length, now());
            sent += Math.max(n, 0);
            drive();
        }
        s.shutdownSend(now());
        drive();
        assertEquals(0, s.receive(new byte[1], 0, 1, now()), "nothing comes back, then the end of stream");
        s.close(now());
        drive();
        assertEquals(0, server.tcp().connectionCount());
    }

    private TcpSocket connect(int port) {
        TcpSocket s = client.tcp().open();
        SocketError e = s.connect(new Endpoint(SERVER, port), now());
        assertTrue(e == SocketError.OK || e == SocketError.IN_PROGRESS, "connect: " + e);
        drive();
        assertEquals(TcpState.ESTABLISHED, s.state());
        return s;
    }

    /**
     * Runs both stacks until neither has work, then lets 10 ms of virtual time pass (timers such
     * as the delayed ACK and the persist timer fire as they would) and runs them again.
     */
    private void drive() {
        settle();
        clock.advance(10, TimeUnit.MILLISECONDS);
        settle();
    }

    private void settle() {
        int busy;
        do {
            busy = clientLoop.runUntilIdle() + serverLoop.runUntilIdle();
        } while (busy > 0);
    }

    private long now() {
        return clock.nanos();
    }
}
