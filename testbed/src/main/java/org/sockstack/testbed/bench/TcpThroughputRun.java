package org.sockstack.testbed.bench;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocalThread;
import org.sockstack.stack.Stack;
import org.sockstack.stack.StackConfig;
import org.sockstack.stack.loop.EventLoop;
import org.sockstack.stack.loop.ManualClock;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.tcp.TcpConfig;
import org.sockstack.stack.tcp.TcpSocket;
import org.sockstack.stack.tcp.TcpState;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.MacAddress;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * What the protocol itself costs: one bulk TCP flow between two stacks in one JVM, joined by a
 * {@link HandOffDevice} pair (a frame handed from one stack's transmit to the other's receive queue,
 * no copy, no lock, no system call), both driven by this one thread. So the figure is "per core" for both
 * ends together: the sender's segmentation, checksums and copies and the receiver's parsing,
 * reassembly-free in-order delivery and ACKs.
 *
 * <p>The clock is a {@link ManualClock} set before each round to the CPU time this thread has used,
 * so RTT estimates, delayed ACKs and timers see real durations, and the figures are per core even
 * on a loaded machine (where wall time would also count other processes' turns on the CPU). Both
 * CPU-time and wall-time rates are printed.
 *
 * <pre>
 *   java -XX:+UseParallelGC -cp testbed/target/sockstack.jar \
 *        org.sockstack.testbed.bench.TcpThroughputRun [seconds=5] [mtu=1500] [bufferKiB=1024]
 * </pre>
 * Prints Gbit/s of payload, ns per data segment and, per segment, the octets the driving thread
 * allocated (DESIGN rule 5: should be ~0 in steady state).
 */
public final class TcpThroughputRun {
    private static final Ipv4Address CLIENT_IP = Ipv4Address.parse("198.51.100.1");
    private static final Ipv4Address SERVER_IP = Ipv4Address.parse("198.51.100.2");
    private static final int PORT = 5201;

    private TcpThroughputRun() {
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
        int mtu = args.length > 1 ? Integer.parseInt(args[1]) : 1500;
        int buffer = (args.length > 2 ? Integer.parseInt(args[2]) : 1024) * 1024;
        // Warm-up (JIT), then the measured run, on a Netty FastThreadLocalThread: Netty 4.2 recycles
        // its ByteBuf objects only on such threads, elsewhere every frame allocates its wrapper.
        Thread t = new FastThreadLocalThread(() -> {
            run(Math.min(2, seconds / 2), mtu, buffer, false);
            run(seconds, mtu, buffer, true);
        }, "bench");
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Frames come from Netty's pooled allocator, off-heap (as NetworkInterface.newFrame asks). */
    static void run(double seconds, int mtu, int buffer, boolean print) {
        ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
        ManualClock clock = new ManualClock(cpuNanos());
        EventLoop la = new EventLoop("sender", clock);
        EventLoop lb = new EventLoop("receiver", clock);
        HandOffDevice da = new HandOffDevice("c0", MacAddress.parse("02:00:00:00:00:c1"), mtu, alloc);
        HandOffDevice db = new HandOffDevice("s0", MacAddress.parse("02:00:00:00:00:5e"), mtu, alloc);
        HandOffDevice.pair(da, db);
        TcpConfig cfg = TcpConfig.DEFAULT.withBuffers(buffer, buffer);
        Stack a = new Stack(la, StackConfig.defaults("sender").withSeed(1), cfg);
        Stack b = new Stack(lb, StackConfig.defaults("receiver").withSeed(2), cfg);
        a.addIpv4Address(a.addInterface(da), CLIENT_IP, 24);
        b.addIpv4Address(b.addInterface(db), SERVER_IP, 24);

        TcpSocket listener = b.tcp().open();
        check(listener.bind(new Endpoint(Ipv4Address.ANY, PORT)));
        check(listener.listen(1));
        TcpSocket tx = a.tcp().open();
        SocketError e = tx.connect(new Endpoint(SERVER_IP, PORT), clock.nanos());
        if (e != SocketError.IN_PROGRESS && e != SocketError.OK) {
            throw new IllegalStateException("connect: " + e);
        }
        TcpSocket rx = null;
        for (int i = 0; i < 1000 && (rx == null || tx.state() != TcpState.ESTABLISHED); i++) {
            round(la, lb, clock);
            if (rx == null) {
                rx = listener.accept();
            }
        }
        if (rx == null) {
            throw new IllegalStateException("no connection: " + tx.state());
        }

        byte[] out = new byte[256 * 1024];
        byte[] in = new byte[256 * 1024];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) (i * 7 + 3);
        }
        long segsBefore = a.counters().get("tcp.segs_out");
        long allocBefore = allocatedBytes();
        long start = System.nanoTime();
        long cpuStart = cpuNanos();
        long deadline = cpuStart + (long) (seconds * 1e9);
        long received = 0;
        long rounds = 0;
        while (true) {
            long now = clock.nanos();
            while (tx.send(out, 0, out.length, now) > 0) {
                // fill the send buffer
            }
            round(la, lb, clock);
            int k;
            while ((k = rx.receive(in, 0, in.length, clock.nanos())) > 0) {
                received += k;
            }
            if ((++rounds & 15) == 0 && cpuNanos() >= deadline) {
                break;
            }
        }
        long wall = System.nanoTime() - start;
        long elapsed = cpuNanos() - cpuStart;
        long allocated = allocatedBytes() - allocBefore;
        long segs = a.counters().get("tcp.segs_out") - segsBefore;
        long dataSegs = Math.max(1, received / Math.max(1, mtu - 52));
        if (print) {
            System.out.printf(Locale.ROOT, "mtu %d, buffers %d KiB: %.1f MiB in %.2f s CPU = %.2f Gbit/s payload "
                            + "per core (one thread, both stacks; %.2f s wall = %.2f Gbit/s)%n", mtu, buffer / 1024,
                    received / 1048576.0, elapsed / 1e9, received * 8.0 / elapsed, wall / 1e9, received * 8.0 / wall);
            System.out.printf(Locale.ROOT, "  %.0f ns per data segment (%d payload octets each), sender segs_out %d, "
                            + "receiver segs_out (ACKs) %d, retransmits %d%n",
                    elapsed / (double) dataSegs, mtu - 52, segs, b.counters().get("tcp.segs_out"),
                    a.counters().get("tcp.retrans_segs"));
            System.out.printf(Locale.ROOT, "  allocated by the driving thread: %.1f octets per data segment%n",
                    allocated / (double) dataSegs);
            System.out.printf(Locale.ROOT, "  rounds %d (%.0f ns each)%n", rounds, elapsed / (double) rounds);
            if (Boolean.getBoolean("bench.counters")) {
                System.out.println(a.counters().format(true));
                System.out.println(b.counters().format(true));
            }
        }
        tx.abort(clock.nanos());
        rx.abort(clock.nanos());
        round(la, lb, clock);
        da.close();
        db.close();
    }

    /** Sets the clock to this thread's CPU time and runs both loops until neither has work. */
    private static void round(EventLoop a, EventLoop b, ManualClock clock) {
        clock.advanceTo(Math.max(clock.nanos(), cpuNanos()));
        int busy;
        do {
            busy = a.runUntilIdle() + b.runUntilIdle();
        } while (busy > 0);
    }

    private static long cpuNanos() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    private static void check(SocketError e) {
        if (e != SocketError.OK) {
            throw new IllegalStateException(e.toString());
        }
    }
}
