package org.sockstack.drivers.sim;

import org.junit.jupiter.api.Test;
import org.sockstack.stack.loop.EventLoop;
import org.sockstack.stack.loop.Pollable;
import org.sockstack.stack.loop.Timer;
import org.sockstack.stack.wire.MacAddress;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The simulator in miniature: two event loops on one virtual clock, a client sending 1000
 * frames (one per millisecond, from a timer) to an echo server over a link that loses 10% of the
 * frames each way. Everything observed (times and bytes) must be identical on a second run.
 */
class SimEchoDemoTest {
    static final MacAddress CLIENT = MacAddress.parse("02:00:00:00:00:c1");
    static final MacAddress SERVER = MacAddress.parse("02:00:00:00:00:5e");
    static final int FRAMES = 1000;

    /** Echoes every received frame back to its sender (swapping the addresses in place). */
    static final class Echo implements Pollable {
        final SimPort port;
        int echoed;

        Echo(SimPort port) {
            this.port = port;
        }

        @Override
        public boolean poll(long now) {
            int n = port.receive(64, frame -> {
                int at = frame.readerIndex();
                long dst = MacAddress.read(frame, at);
                long src = MacAddress.read(frame, at + 6);
                MacAddress.write(frame, at, src);
                MacAddress.write(frame, at + 6, dst);
                port.transmit(frame);
                echoed++;
            });
            return n > 0;
        }
    }

    /** Sends one frame per millisecond from a timer and logs every echo with its arrival time. */
    static final class Client implements Pollable {
        final SimPort port;
        final List<String> log = new ArrayList<>();
        final MessageDigest digest;
        int sent;

        Client(SimPort port, EventLoop loop) throws NoSuchAlgorithmException {
            this.port = port;
            this.digest = MessageDigest.getInstance("SHA-256");
            Timer[] timer = new Timer[1];
            timer[0] = loop.timers().newTimer("send", now -> {
                port.transmit(TestFrames.frame(port.allocator(), SERVER, CLIENT, sent, 60 + sent % 1400));
                sent++;
                if (sent < FRAMES) {
                    timer[0].scheduleAfter(now, 1_000_000);
                }
            });
            timer[0].schedule(loop.clock().nanos());
        }

        @Override
        public boolean poll(long now) {
            int n = port.receive(64, frame -> {
                byte[] bytes = new byte[frame.readableBytes()];
                frame.getBytes(frame.readerIndex(), bytes);
                frame.release();
                digest.update(bytes);
                int seq = java.nio.ByteBuffer.wrap(bytes).getInt(14);
                log.add(now + " " + seq + " " + HexFormat.of().formatHex(bytes, 0, 20));
            });
            return n > 0;
        }
    }

    record Outcome(List<String> log, String digest, long echoed, String counters) {
    }

    static Outcome run(long seed) throws Exception {
        LinkConfig lossy = LinkConfig.builder()
                .rate(10_000_000)
                .propagationDelay(Duration.ofMillis(3))
                .jitter(Duration.ofMillis(2))
                .loss(0.10)
                .build();
        try (SimNetwork net = new SimNetwork(seed)) {
            SimPort c = net.port("client", CLIENT, 1500);
            SimPort s = net.port("server", SERVER, 1500);
            net.link(c, s, lossy);
            EventLoop clientLoop = new EventLoop("client", net.clock());
            EventLoop serverLoop = new EventLoop("server", net.clock());
            Client client = new Client(c, clientLoop);
            Echo echo = new Echo(s);
            clientLoop.register(client);
            serverLoop.register(echo);
            net.register(clientLoop);
            net.register(serverLoop);
            long start = net.now();
            boolean done = net.runUntil(() -> client.sent == FRAMES && net.inFlight() == 0, Duration.ofSeconds(10));
            assertTrue(done);
            assertTrue(net.now() - start < 1_100_000_000L, "all done shortly after the last frame");
            String digest = HexFormat.of().formatHex(client.digest.digest());
            return new Outcome(client.log, digest, echo.echoed, net.counters().format(true));
        }
    }

    @Test
    void echoRunIsByteIdenticalOnRepeat() throws Exception {
        Outcome first = run(2024);
        Outcome second = run(2024);
        assertEquals(first.log(), second.log());
        assertEquals(first.digest(), second.digest());
        assertEquals(first.counters(), second.counters());
        // 10% loss each way: about 900 reach the server and 810 come back.
        assertTrue(Math.abs(first.echoed() - 900) < 5 * Math.sqrt(1000 * 0.09), "echoed " + first.echoed());
        int back = first.log().size();
        assertTrue(Math.abs(back - 810) < 5 * Math.sqrt(1000 * 0.81 * 0.19), "came back " + back);
        Outcome other = run(2025);
        assertNotEquals(first.log(), other.log());
    }
}
