package org.sockstack.stack.tcp;

import org.junit.jupiter.api.Test;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.wire.Ipv4Address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.stack.tcp.TwoStacks.B_IP;

/** Receive-buffer auto-tuning (Linux-style dynamic right-sizing) between two stacks. */
class TcpAutotuneTest {

    private static TcpInfo bulk(TcpConfig config, boolean setRcvBuf, long total) {
        try (TwoStacks n = new TwoStacks(config, 0)) {
            TcpSocket server = n.b.tcp().open();
            if (setRcvBuf) {
                server.setReceiveBufferSize(64 * 1024);
            }
            server.bind(new Endpoint(Ipv4Address.ANY, 5001));
            server.listen(4);
            TcpSocket client = n.a.tcp().open();
            client.setSendBufferSize(4 << 20);
            assertEquals(SocketError.IN_PROGRESS, client.connect(new Endpoint(B_IP, 5001), n.now()));
            TcpSocket[] conn = new TcpSocket[1];
            n.runUntil(() -> (conn[0] = conn[0] != null ? conn[0] : server.accept()) != null
                    && client.state() == TcpState.ESTABLISHED, 10);
            byte[] chunk = new byte[64 * 1024];
            byte[] buf = new byte[256 * 1024];
            long[] got = {0};
            long[] sent = {0};
            n.runUntil(() -> {
                while (sent[0] < total) {
                    int k = client.send(chunk, 0, (int) Math.min(chunk.length, total - sent[0]), n.now());
                    if (k <= 0) {
                        break;
                    }
                    sent[0] += k;
                }
                int k;
                while ((k = conn[0].receive(buf, 0, buf.length, n.now())) > 0) {
                    got[0] += k;
                }
                return got[0] == total;
            }, 120);
            return conn[0].info(n.now());
        }
    }

    /** The application keeps up, so the buffer (and the window) grows beyond its 256 KiB default. */
    @Test
    void receiveBufferGrowsWhenApplicationDrainsFast() {
        TcpInfo info = bulk(TcpConfig.DEFAULT, false, 2L << 20);
        assertTrue(info.receiveBufferSize() > TcpConfig.DEFAULT.receiveBuffer(), info.toString());
        assertTrue(info.receiveBufferSize() <= TcpConfig.DEFAULT.maxBuffer());
        assertTrue(info.rcvSpace() > 0);
        assertEquals(9, info.rcvWscale(), "scale offered for the 16 MiB maximum (RFC 7323 2.2)");
    }

    /** SO_RCVBUF set by the application turns auto-tuning off (as Linux). */
    @Test
    void explicitReceiveBufferIsNotTuned() {
        TcpInfo info = bulk(TcpConfig.DEFAULT, true, 256L << 10);
        assertEquals(64 * 1024, info.receiveBufferSize());
        assertEquals(1, info.rcvWscale(), "scale for the 64 KiB the application chose");
    }

    @Test
    void configurationTurnsItOff() {
        TcpInfo info = bulk(TcpConfig.DEFAULT.withReceiveAutotuning(false), false, 1L << 20);
        assertEquals(TcpConfig.DEFAULT.receiveBuffer(), info.receiveBufferSize());
    }
}
