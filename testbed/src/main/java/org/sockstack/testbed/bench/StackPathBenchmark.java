package org.sockstack.testbed.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.sockstack.stack.Stack;
import org.sockstack.stack.StackConfig;
import org.sockstack.stack.loop.EventLoop;
import org.sockstack.stack.loop.ManualClock;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.tcp.TcpConfig;
import org.sockstack.stack.tcp.TcpSocket;
import org.sockstack.stack.tcp.TcpState;
import org.sockstack.stack.udp.DatagramInfo;
import org.sockstack.stack.udp.UdpSocket;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.MacAddress;

import java.util.concurrent.TimeUnit;

/**
 * The stack's per-packet cost and allocation on an established TCP connection, both ends in this
 * JVM joined by a {@link HandOffDevice} pair (no device cost). One operation:
 * <ol>
 *   <li>the sender's application queues one MSS (1448 octets with timestamps) with {@code send};</li>
 *   <li>the sender's stack builds and emits the segment (send path: options, header, checksum);</li>
 *   <li>the receiver's stack parses it, finds the connection, queues the data and, every second
 *       segment (RFC 9293 3.8.6.3 / RFC 1122 4.2.3.2), emits the ACK;</li>
 *   <li>the sender's stack takes the ACK (SND.UNA, RTT from TSecr, cwnd);</li>
 *   <li>the receiver's application reads the data.</li>
 * </ol>
 * The clock advances 10 microseconds per operation, so delayed-ACK and RTO timers behave.
 * Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is the octets allocated per operation,
 * which must stay ~0 (DESIGN rule 5). The benchmark threads are Netty FastThreadLocalThreads
 * ({@link FastThreadLocalExecutor}), as an event loop's should be: Netty 4.2 recycles its ByteBuf
 * objects only there (elsewhere each frame costs a ~100-octet wrapper, Netty's allocation).
 *
 * <pre>
 *   java -cp testbed/target/sockstack.jar org.openjdk.jmh.Main StackPathBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsPrepend = {"-Dio.netty.leakDetection.level=disabled", "-XX:+UseParallelGC",
        "-Djmh.executor=CUSTOM", "-Djmh.executor.class=org.sockstack.testbed.bench.FastThreadLocalExecutor"})
public class StackPathBenchmark {
    private static final int MSS_DATA = 1448;

    private ManualClock clock;
    private EventLoop senderLoop;
    private EventLoop receiverLoop;
    private HandOffDevice senderDevice;
    private HandOffDevice receiverDevice;
    private TcpSocket tx;
    private TcpSocket rx;
    private UdpSocket udpTx;
    private UdpSocket udpRx;
    private Endpoint udpDst;
    private final ByteBuf datagram = Unpooled.wrappedBuffer(new byte[512]);
    private final ByteBuf udpIn = Unpooled.buffer(2048);
    private final DatagramInfo udpInfo = new DatagramInfo();
    private final byte[] out = new byte[MSS_DATA];
    private final byte[] in = new byte[64 * 1024];

    @Setup(Level.Trial)
    public void setUp() {
        clock = new ManualClock();
        senderLoop = new EventLoop("sender", clock);
        receiverLoop = new EventLoop("receiver", clock);
        PooledByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
        senderDevice = new HandOffDevice("c0", MacAddress.parse("02:00:00:00:00:c1"), 1500, alloc);
        receiverDevice = new HandOffDevice("s0", MacAddress.parse("02:00:00:00:00:5e"), 1500, alloc);
        HandOffDevice.pair(senderDevice, receiverDevice);
        Stack a = new Stack(senderLoop, StackConfig.defaults("sender").withSeed(1), TcpConfig.DEFAULT);
        Stack b = new Stack(receiverLoop, StackConfig.defaults("receiver").withSeed(2), TcpConfig.DEFAULT);
        a.addIpv4Address(a.addInterface(senderDevice), Ipv4Address.parse("198.51.100.1"), 24);
        Ipv4Address server = Ipv4Address.parse("198.51.100.2");
        b.addIpv4Address(b.addInterface(receiverDevice), server, 24);
        TcpSocket listener = b.tcp().open();
        check(listener.bind(new Endpoint(Ipv4Address.ANY, 5201)));
        check(listener.listen(1));
        tx = a.tcp().open();
        tx.setNoDelay(true);
        tx.connect(new Endpoint(server, 5201), clock.nanos());
        for (int i = 0; i < 100 && (rx == null || tx.state() != TcpState.ESTABLISHED); i++) {
            runBoth();
            clock.advance(1_000_000);
            if (rx == null) {
                rx = listener.accept();
            }
        }
        if (rx == null || tx.state() != TcpState.ESTABLISHED) {
            throw new IllegalStateException("not established: " + tx.state());
        }
        udpTx = a.udp().open();
        check(udpTx.bind(new Endpoint(Ipv4Address.ANY, 0)));
        udpRx = b.udp().open();
        check(udpRx.bind(new Endpoint(Ipv4Address.ANY, 5353)));
        udpDst = new Endpoint(server, 5353);
    }

    /**
     * One 512-octet UDP datagram: {@code sendTo} on one stack (send path), through the other's
     * receive path into a bound socket's queue, and read by its application with the
     * allocation-free {@link UdpSocket#receive(ByteBuf, DatagramInfo)}.
     */
    @Benchmark
    public int udpDatagram() {
        long now = clock.nanos();
        check(udpTx.sendTo(datagram, udpDst, now));
        runBoth();
        udpIn.clear();
        return udpRx.receive(udpIn, udpInfo);
    }

    /** One MSS through both stacks, the ACK back (every other operation) and the read. */
    @Benchmark
    public int segmentAndAck() {
        clock.advance(10_000);
        long now = clock.nanos();
        tx.send(out, 0, out.length, now);
        runBoth();
        int n = rx.receive(in, 0, in.length, now);
        runBoth();
        return n;
    }

    private void runBoth() {
        int busy;
        do {
            busy = senderLoop.runUntilIdle() + receiverLoop.runUntilIdle();
        } while (busy > 0);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        udpTx.close();
        udpRx.close();
        tx.abort(clock.nanos());
        rx.abort(clock.nanos());
        runBoth();
        senderDevice.close();
        receiverDevice.close();
    }

    private static void check(SocketError e) {
        if (e != SocketError.OK) {
            throw new IllegalStateException(e.toString());
        }
    }
}
