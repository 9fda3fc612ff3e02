package org.sockstack.testbed.bench;

import io.netty.buffer.UnpooledByteBufAllocator;
import org.sockstack.drivers.sim.LinkConfig;
import org.sockstack.drivers.sim.SimNetwork;
import org.sockstack.drivers.sim.SimPort;
import org.sockstack.stack.Stack;
import org.sockstack.stack.StackConfig;
import org.sockstack.stack.loop.EventLoop;
import org.sockstack.stack.loop.ManualClock;
import org.sockstack.stack.loop.Pollable;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.tcp.TcpConfig;
import org.sockstack.stack.tcp.TcpSocket;
import org.sockstack.stack.tcp.TcpState;
import org.sockstack.stack.wire.MacAddress;
import org.sockstack.testbed.services.TcpServices;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

/**
 * (Used by the simulation tests.) An echo round trip between two stacks over a {@link SimNetwork}
 * link on virtual time: the client (192.0.2.1) writes {@code size} random octets to the echo
 * service of {@code sockstack serve} (port 7 on 192.0.2.2) while it reads the echo back, then
 * half-closes; the run ends when the whole echo has arrived and the server's FIN with it. Unlike
 * the one-way transfer, both directions carry data at once, so every segment both sends data and
 * acknowledges the other direction.
 */
public final class SimTcpEchoRun {
    /** What a run produced. */
    public record Result(long sent, long echoed, boolean intact, long virtualNanos, long retransmits,
                         long timeouts, String clientCounters, String serverCounters) {
    }

    private SimTcpEchoRun() {
    }

    public static Result run(long seed, LinkConfig link, TcpConfig config, int size, Duration limit) {
        UnpooledByteBufAllocator plain = new UnpooledByteBufAllocator(false, true);
        Result result;
        try (SimNetwork net = new SimNetwork(seed, new ManualClock(), plain, SimNetwork.DEFAULT_MAX_IN_FLIGHT)) {
            SimPort pa = net.port("client", MacAddress.parse("02:00:00:00:00:c1"), 1500);
            SimPort pb = net.port("server", MacAddress.parse("02:00:00:00:00:5e"), 1500);
            net.link(pa, pb, link);
            EventLoop la = new EventLoop("client", net.clock());
            EventLoop lb = new EventLoop("server", net.clock());
            Stack a = new Stack(la, StackConfig.defaults("client").withSeed(seed * 31 + 1), config);
            Stack b = new Stack(lb, StackConfig.defaults("server").withSeed(seed * 31 + 2), config);
            a.addIpv4Address(a.addInterface(pa), SimTcpTransferRun.CLIENT_IP, 24);
            b.addIpv4Address(b.addInterface(pb), SimTcpTransferRun.SERVER_IP, 24);
            net.register(la);
            net.register(lb);
            TcpServices services = TcpServices.start(b, List.of("echo"), false);
            EchoClient client = new EchoClient(a, size, seed, net.now());
            la.register(client);
            long start = net.now();
            boolean done = net.runUntil(() -> client.eof || client.failed != null, limit);
            if (!done || client.failed != null) {
                throw new AssertionError("echo did not finish within " + limit + ": sent " + client.sent
                        + " echoed " + client.received + " error " + client.failed + "\nclient "
                        + a.tcp().connections(net.now()) + "\nserver " + b.tcp().connections(net.now())
                        + "\nclient counters " + a.counters().format(true) + "\nserver counters "
                        + b.counters().format(true));
            }
            result = new Result(client.sent, client.received, client.intact, net.now() - start,
                    a.counters().get("tcp.retrans_segs") + b.counters().get("tcp.retrans_segs"),
                    a.counters().get("tcp.timeouts") + b.counters().get("tcp.timeouts"),
                    a.counters().format(true), b.counters().format(true));
            services.close();
            a.close();
            b.close();
        }
        if (plain.metric().usedHeapMemory() != 0) {
            throw new AssertionError("leaked " + plain.metric().usedHeapMemory() + " octets of frames");
        }
        return result;
    }

    /** Writes the data, reads the echo and compares it octet by octet with what was written. */
    static final class EchoClient implements Pollable {
        private final TcpSocket socket;
        private final byte[] data;
        private final byte[] buf = new byte[64 * 1024];
        long sent;
        long received;
        boolean intact = true;
        boolean eof;
        SocketError failed;
        private boolean shut;

        EchoClient(Stack stack, int size, long seed, long now) {
            data = new byte[size];
            new SplittableRandom(seed).nextBytes(data);
            socket = stack.tcp().open();
            SocketError e = socket.connect(new Endpoint(SimTcpTransferRun.SERVER_IP, 7), now);
            if (e != SocketError.IN_PROGRESS) {
                throw new IllegalStateException("connect: " + e);
            }
        }

        @Override
        public boolean poll(long now) {
            TcpState st = socket.state();
            if (st == TcpState.SYN_SENT || eof || failed != null) {
                return false;
            }
            if (st == TcpState.CLOSED && socket.error() != SocketError.OK) {
                failed = socket.error();
                return false;
            }
            return write(now) | read(now);
        }

        private boolean write(long now) {
            boolean work = false;
            while (sent < data.length) {
                int k = socket.send(data, (int) sent, (int) Math.min(buf.length, data.length - sent), now);
                if (k <= 0) {
                    break;
                }
                sent += k;
                work = true;
            }
            if (sent == data.length && !shut) {
                socket.shutdownSend(now);
                shut = true;
                work = true;
            }
            return work;
        }

        private boolean read(long now) {
            boolean work = false;
            while (true) {
                int k = socket.receive(buf, 0, buf.length, now);
                if (k > 0) {
                    for (int i = 0; i < k; i++) {
                        intact &= received + i < data.length && buf[i] == data[(int) (received + i)];
                    }
                    received += k;
                    work = true;
                } else if (k == 0) {
                    eof = true;
                    socket.close(now);
                    return true;
                } else {
                    if (socket.lastError() != SocketError.WOULD_BLOCK) {
                        failed = socket.lastError();
                    }
                    return work;
                }
            }
        }
    }
}
