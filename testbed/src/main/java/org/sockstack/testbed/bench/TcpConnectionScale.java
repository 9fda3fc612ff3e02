package org.sockstack.testbed.bench;

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

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How much heap an idle established TCP connection costs: a client stack opens N connections to a
 * server stack (two stacks in one JVM joined by an in-memory link, on a manual clock), then the
 * heap is measured after GC with all of them open and idle, and compared with the heap before.
 * Both ends live in this JVM, so the figure per connection covers two endpoints; half of it is the
 * cost of one socket.
 *
 * <p>The client connects from one address without binding: the stack picks ephemeral ports with
 * RFC 6056 Algorithm 3, which reuses a local port towards different server endpoints (the 4-tuple
 * stays unique), so the client connects to several listening ports, {@value #PER_SERVER_PORT} each,
 * on one server stack. The set-up phase is a connection storm against that stack: the accept rate
 * printed is connections per second of CPU time spent in the server stack alone (its event loop
 * and accept calls), and per second of wall time for both ends.
 *
 * <p>Run: {@code java -Xmx2g -XX:+UseParallelGC -cp testbed/target/sockstack.jar
 * org.sockstack.testbed.bench.TcpConnectionScale [N]} (default 10000).
 */
public final class TcpConnectionScale {
    /** Connections per listening port: within the 28 232 ports of the default ephemeral range. */
    private static final int PER_SERVER_PORT = 25_000;
    private static long serverCpu;

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        ManualClock clock = new ManualClock();
        EventLoop loopA = new EventLoop("client", clock);
        EventLoop loopB = new EventLoop("server", clock);
        ChannelDevice devA = new ChannelDevice("c0", MacAddress.parse("02:00:00:00:00:0a"), 1500, 1 << 20,
                io.netty.buffer.PooledByteBufAllocator.DEFAULT);
        ChannelDevice devB = new ChannelDevice("s0", MacAddress.parse("02:00:00:00:00:0b"), 1500, 1 << 20,
                io.netty.buffer.PooledByteBufAllocator.DEFAULT);
        ChannelDevice.pair(devA, devB);
        Stack client = new Stack(loopA, StackConfig.defaults("client").withSeed(1));
        Stack server = new Stack(loopB, StackConfig.defaults("server").withSeed(2));
        NetworkInterface ca = client.addInterface(devA);
        NetworkInterface sb = server.addInterface(devB);
        client.addIpv4Address(ca, Ipv4Address.parse("198.51.100.10"), 24);
        Ipv4Address serverIp = Ipv4Address.parse("198.51.100.2");
        server.addIpv4Address(sb, serverIp, 24);
        int serverPorts = (n + PER_SERVER_PORT - 1) / PER_SERVER_PORT;
        List<TcpSocket> listeners = new ArrayList<>();
        for (int i = 0; i < serverPorts; i++) {
            TcpSocket listener = server.tcp().open();
            check(listener.bind(new Endpoint(Ipv4Address.ANY, 5001 + i)));
            check(listener.listen(PER_SERVER_PORT + 1024));
            listeners.add(listener);
        }
        drive(loopA, loopB, clock, 3_000);

        long before = usedHeapAfterGc();
        serverCpu = 0;
        long start = System.nanoTime();
        List<TcpSocket> clients = new ArrayList<>(n);
        List<TcpSocket> accepted = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            TcpSocket s = client.tcp().open();
            SocketError e = s.connect(new Endpoint(serverIp, 5001 + i % serverPorts), clock.nanos());
            if (e != SocketError.IN_PROGRESS && e != SocketError.OK) {
                throw new IllegalStateException("connect " + i + ": " + e);
            }
            clients.add(s);
            if (i % 256 == 255) {
                drive(loopA, loopB, clock, 1);
                acceptAll(listeners, accepted);
            }
        }
        // SYNs queued while ARP resolved the server beyond the per-neighbour bound are retransmitted
        // after the initial RTO: drive virtual time until every connection is up (at most 10 s).
        long established = 0;
        for (int step = 0; step < 100 && (established < n || accepted.size() < n); step++) {
            drive(loopA, loopB, clock, 100);
            acceptAll(listeners, accepted);
            established = clients.stream().filter(s -> s.state() == TcpState.ESTABLISHED).count();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double serverSeconds = serverCpu / 1e9;
        // Let delayed ACKs and timers settle: the connections are now idle.
        drive(loopA, loopB, clock, 1_000);
        long after = usedHeapAfterGc();
        if (Boolean.getBoolean("bench.histogram")) {
            printHistogram();
        }
        System.out.printf(Locale.ROOT, "connections: %d established (client side), %d accepted%n", established,
                accepted.size());
        System.out.printf(Locale.ROOT, "set-up: %.2f s wall for %d connections (%.0f connections/s, both ends "
                + "in one JVM, including SYN, SYN-ACK, ACK processing)%n", seconds, n, n / seconds);
        System.out.printf(Locale.ROOT, "accept rate: %.0f connections/s per core of the listening stack "
                + "(%.2f s CPU in the server's loop and accept calls, %d listening ports)%n",
                accepted.size() / serverSeconds, serverSeconds, serverPorts);
        System.out.printf(Locale.ROOT, "heap: %.1f MiB before, %.1f MiB after; %.0f bytes per connection "
                        + "(both endpoints), %.0f bytes per endpoint%n", before / 1048576.0, after / 1048576.0,
                (after - before) / (double) n, (after - before) / (2.0 * n));
        System.out.println("(idle: empty send and receive buffers; the figure includes the socket, the "
                + "connection, its timers and table entries)");
        devA.close();
        devB.close();
        if (established < n || accepted.size() < n) {
            System.exit(1);
        }
    }

    private static void acceptAll(List<TcpSocket> listeners, List<TcpSocket> accepted) {
        long t0 = cpuNanos();
        for (TcpSocket listener : listeners) {
            TcpSocket s;
            while ((s = listener.accept()) != null) {
                accepted.add(s);
            }
        }
        serverCpu += cpuNanos() - t0;
    }

    private static long cpuNanos() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    /** Runs both loops until idle, advancing virtual time in 1 ms steps {@code millis} times. */
    private static void drive(EventLoop a, EventLoop b, ManualClock clock, int millis) {
        for (int i = 0; i < millis; i++) {
            int busy;
            do {
                busy = a.runUntilIdle();
                long t0 = cpuNanos();
                busy += b.runUntilIdle();
                serverCpu += cpuNanos() - t0;
            } while (busy > 0);
            clock.advance(1_000_000);
        }
    }

    private static void check(SocketError e) {
        if (e != SocketError.OK) {
            throw new IllegalStateException(e.toString());
        }
    }

    /** -Dbench.histogram=true: the live-object histogram at the idle point (jcmd GC.class_histogram). */
    private static void printHistogram() {
        try {
            Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java")
                    .replaceAll("java$", "jcmd"), Long.toString(ProcessHandle.current().pid()), "GC.class_histogram")
                    .redirectErrorStream(true).start();
            p.getInputStream().transferTo(System.out);
            p.waitFor();
        } catch (java.io.IOException e) {
            System.out.println("no histogram: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
