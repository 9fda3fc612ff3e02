package org.sockstack.testbed.bench;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
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
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.MacAddress;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * (Used by {@link TcpSimGoodput} and by the simulation tests, TcpSimulationTest.)
 * One bulk TCP transfer between two stacks over a {@link SimNetwork} link, on virtual time: the
 * client (192.0.2.1) sends {@code size} octets of a deterministic pattern and closes; the server
 * (192.0.2.2) reads to end of stream. Both sides hash what they sent / received with SHA-256.
 * The applications are {@link Pollable}s on their stack's event loop, so they run between
 * protocol events, never inside them.
 */
final class SimTcpTransferRun {
    static final Ipv4Address CLIENT_IP = Ipv4Address.parse("192.0.2.1");
    static final Ipv4Address SERVER_IP = Ipv4Address.parse("192.0.2.2");
    private static final int PORT = 5001;
    private static final int PATTERN = 1 << 20;

    /** What a run produced; everything in it must be identical for the same seed. */
    record Result(long sent, long received, String sentSha256, String receivedSha256, long virtualNanos,
                  long retransmits, long clientSegsOut, String clientCounters) {
        double goodputMbps() {
            return received * 8.0 / (virtualNanos / 1e9) / 1e6;
        }

        boolean intact() {
            return sent == received && sentSha256.equals(receivedSha256);
        }
    }

    private SimTcpTransferRun() {
    }

    /**
     * Runs one transfer. With {@code tracked} the frames come from the pooled allocator under
     * Netty's leak detector (paranoid in the build, which records a stack trace on every buffer
     * access and so costs about a second per MiB); otherwise from an unpooled heap allocator
     * without the detector, whose live-memory metric must be back to zero at the end (a leak
     * check that fails without saying where).
     */
    static Result run(long seed, LinkConfig link, TcpConfig config, long size, int socketBuffer, Duration limit,
                      boolean tracked) {
        UnpooledByteBufAllocator plain = new UnpooledByteBufAllocator(false, true);
        ByteBufAllocator alloc = tracked ? PooledByteBufAllocator.DEFAULT : plain;
        Result result;
        try (SimNetwork net = new SimNetwork(seed, new ManualClock(), alloc, SimNetwork.DEFAULT_MAX_IN_FLIGHT)) {
            result = transfer(net, seed, link, config, size, socketBuffer, limit);
        }
        if (!tracked && plain.metric().usedHeapMemory() != 0) {
            throw new AssertionError("leaked " + plain.metric().usedHeapMemory() + " octets of frames");
        }
        return result;
    }

    private static Result transfer(SimNetwork net, long seed, LinkConfig link, TcpConfig config, long size,
                                   int socketBuffer, Duration limit) {
        {
            SimPort pa = net.port("client", MacAddress.parse("02:00:00:00:00:c1"), 1500);
            SimPort pb = net.port("server", MacAddress.parse("02:00:00:00:00:5e"), 1500);
            net.link(pa, pb, link);
            EventLoop la = new EventLoop("client", net.clock());
            EventLoop lb = new EventLoop("server", net.clock());
            Stack a = new Stack(la, StackConfig.defaults("client").withSeed(seed * 31 + 1), config);
            Stack b = new Stack(lb, StackConfig.defaults("server").withSeed(seed * 31 + 2), config);
            a.addIpv4Address(a.addInterface(pa), CLIENT_IP, 24);
            b.addIpv4Address(b.addInterface(pb), SERVER_IP, 24);
            net.register(la);
            net.register(lb);

            Server server = new Server(b, socketBuffer);
            lb.register(server);
            Client client = new Client(a, size, socketBuffer, seed, net.now());
            la.register(client);
            long start = net.now();
            boolean done = net.runUntil(() -> server.eof || client.failed != null || server.failed != null, limit);
            if (!done || client.failed != null || server.failed != null) {
                throw new AssertionError("transfer did not finish within " + limit + ": sent " + client.offset
                        + " received " + server.received + " errors " + client.failed + "/" + server.failed + " "
                        + a.tcp().connections(net.now()) + " / " + b.tcp().connections(net.now()));
            }
            long elapsed = net.now() - start;
            return new Result(client.offset, server.received, hex(client.digest), hex(server.digest), elapsed,
                    a.counters().get("tcp.retrans_segs"), a.counters().get("tcp.segs_out"),
                    a.counters().format(true));
        }
    }

    private static String hex(MessageDigest d) {
        return HexFormat.of().formatHex(d.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends the pattern: a 1 MiB random block, XORed with the block number so it never repeats. */
    static final class Client implements Pollable {
        final TcpSocket socket;
        final MessageDigest digest = sha256();
        private final byte[] pattern = new byte[PATTERN];
        private final byte[] chunk = new byte[64 * 1024];
        private final long size;
        long offset;
        SocketError failed;
        private boolean closed;

        Client(Stack stack, long size, int buffer, long seed, long now) {
            this.size = size;
            new SplittableRandom(seed).nextBytes(pattern);
            socket = stack.tcp().open();
            socket.setSendBufferSize(buffer);
            socket.setReceiveBufferSize(buffer);
            SocketError e = socket.connect(new Endpoint(SERVER_IP, PORT), now);
            if (e != SocketError.IN_PROGRESS) {
                throw new IllegalStateException("connect: " + e);
            }
        }

        @Override
        public boolean poll(long now) {
            TcpState st = socket.state();
            if (st == TcpState.SYN_SENT || closed) {
                if (st == TcpState.CLOSED && failed == null) {
                    SocketError e = socket.error();
                    if (e != SocketError.OK) {
                        failed = e;
                    }
                }
                return false;
            }
            if (st == TcpState.CLOSED) {
                failed = socket.error();
                return false;
            }
            boolean work = false;
            while (offset < size) {
                int at = (int) (offset % PATTERN);
                int room = socket.writableBytes();
                if (room == 0) {
                    break;
                }
                int n = (int) Math.min(Math.min(Math.min(chunk.length, PATTERN - at), size - offset), room);
                byte mark = (byte) (offset / PATTERN);
                for (int i = 0; i < n; i++) {
                    chunk[i] = (byte) (pattern[at + i] ^ mark);
                }
                int k = socket.send(chunk, 0, n, now);
                if (k <= 0) {
                    break;
                }
                digest.update(chunk, 0, k);
                offset += k;
                work = true;
            }
            if (offset == size && !closed) {
                socket.close(now);
                closed = true;
                work = true;
            }
            return work;
        }
    }

    /** Accepts one connection and reads it to the end, hashing what arrives. */
    static final class Server implements Pollable {
        private final TcpSocket listener;
        private TcpSocket conn;
        final MessageDigest digest = sha256();
        private final byte[] buf = new byte[64 * 1024];
        long received;
        boolean eof;
        SocketError failed;

        Server(Stack stack, int buffer) {
            listener = stack.tcp().open();
            listener.setReceiveBufferSize(buffer);
            listener.setSendBufferSize(buffer);
            listener.bind(new Endpoint(Ipv4Address.ANY, PORT));
            listener.listen(8);
        }

        @Override
        public boolean poll(long now) {
            if (conn == null) {
                conn = listener.accept();
                if (conn == null) {
                    return false;
                }
            }
            boolean work = false;
            while (!eof) {
                int k = conn.receive(buf, 0, buf.length, now);
                if (k > 0) {
                    digest.update(buf, 0, k);
                    received += k;
                    work = true;
                } else if (k == 0) {
                    eof = true;
                    conn.close(now);
                    listener.close(now);
                    work = true;
                } else {
                    if (conn.lastError() != SocketError.WOULD_BLOCK) {
                        failed = conn.lastError();
                    }
                    break;
                }
            }
            return work;
        }
    }
}
