package org.sockstack.testbed.services;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocalThread;
import org.sockstack.drivers.posix.FdPollWaiter;
import org.sockstack.drivers.tap.TapDevice;
import org.sockstack.stack.Stack;
import org.sockstack.stack.StackConfig;
import org.sockstack.stack.icmp.IcmpEchoSocket;
import org.sockstack.stack.iface.NetworkInterface;
import org.sockstack.stack.loop.EventLoop;
import org.sockstack.stack.loop.Clock;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.tcp.TcpSocket;
import org.sockstack.stack.tcp.TcpState;
import org.sockstack.stack.udp.UdpDatagram;
import org.sockstack.stack.udp.UdpSocket;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.MacAddress;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Warms the JIT compiler up before a stack goes live ({@code sockstack serve --warm-up}).
 *
 * <p>A fresh JVM runs the stack's code in the interpreter until HotSpot has seen it often enough
 * to compile it, and the compilations themselves take CPU time. A stack that serves the moment it
 * starts therefore answers its first few thousand connections slowly: on the two-core benchmark
 * machine the first thousand TCP connect-echo-close exchanges run at a third of the later rate.
 * This class runs a fixed workload (two to three seconds) before the device opens, through the same code
 * the live stack runs: a second, private pair of stacks in this JVM, timed by the JVM's clock, with
 * the very services of {@code serve} (TCP echo, discard and chargen, UDP echo) on one side and a
 * client on the other doing what real clients do: connect, exchange one octet and close,
 * request-response on one connection, bulk transfer both ways, UDP echo and ping. The pair is
 * closed afterwards; nothing of it reaches the real device, and the live stack's state (counters,
 * random generator, tables) is untouched. What remains is compiled code.
 *
 * <p>The two stacks are joined by the TAP driver itself over a socket pair
 * ({@link TapDevice#socketPair}), with the transmit thread when serve will have one. HotSpot
 * compiles a call site for the classes it has seen there: warmed up over an in-memory link, the
 * code that calls the device was compiled for that link's class, and the first live frames
 * through a TAP device threw it away (class-check traps on the device calls, then recompilation
 * of the TCP paths that inline them, on the CPU the first clients needed).
 */
public final class JitWarmUp {
    private static final Ipv4Address SERVER = Ipv4Address.parse("192.0.2.200");
    private static final Ipv4Address CLIENT = Ipv4Address.parse("192.0.2.201");
    private static final int ECHO = 7;
    private static final int DISCARD = 9;
    private static final int CHARGEN = 19;
    private static final int CONNECTIONS_PER_ROUND = 200;
    private static final int TRANSACTIONS_PER_ROUND = 500;
    private static final int BULK_BYTES = 256 * 1024;
    private static final int DATAGRAMS_PER_ROUND = 200;
    private static final int PINGS_PER_ROUND = 50;
    /**
     * Rounds run: 100 take two to three seconds on a fresh JVM and open 20,200 client connections,
     * within the 28,232 ephemeral ports that stay taken while their TIME_WAITs (2*MSL, real time)
     * last.
     */
    public static final int ROUNDS = 100;

    /**
     * What the warm-up did.
     *
     * @param rounds       complete rounds of the workload
     * @param connections  TCP connect-echo-close exchanges
     * @param transactions one-octet request-response exchanges
     * @param bulkBytes    octets carried by the bulk transfers (both directions)
     * @param datagrams    UDP datagrams echoed
     * @param pings        ICMP echo replies received
     * @param frames       frames written by the two devices
     * @param framesLost   frames the socket pair did not take (its send buffer was full; TCP
     *                     recovered them as it would a NIC's drops)
     * @param elapsed      wall time spent
     */
    public record Result(int rounds, int connections, int transactions, long bulkBytes, int datagrams, int pings,
                         long frames, long framesLost, Duration elapsed) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d rounds in %.1f s: %d connections, %d transactions, "
                            + "%d KiB bulk, %d datagrams, %d pings; %d frames, %d lost", rounds,
                    elapsed.toMillis() / 1000.0, connections, transactions, bulkBytes / 1024, datagrams, pings,
                    frames, framesLost);
        }
    }

    /**
     * The JVM's clock, as the live stack's: warmed up on a manual clock the compiled timer and
     * clock paths were specialised for the wrong class, and the live rate came out lower than with
     * no warm-up at all (measured: about 11,000 against 18,000 connections per second).
     */
    private final Clock clock = Clock.system();
    private final TapDevice clientDevice;
    private final TapDevice serverDevice;
    private final EventLoop clientLoop;
    private final EventLoop serverLoop;
    private final Stack client;
    private final Stack server;
    private int rounds;
    private int connections;
    private int transactions;
    private long bulkBytes;
    private int datagrams;
    private int pings;

    private JitWarmUp(boolean transmitThread) {
        TapDevice.Pair pair = TapDevice.socketPair("warm0", MacAddress.parse("02:00:00:00:77:01"),
                "warm1", MacAddress.parse("02:00:00:00:77:02"), 1500, PooledByteBufAllocator.DEFAULT);
        clientDevice = pair.a();
        serverDevice = pair.b();
        try {
            if (transmitThread) {
                clientDevice.startTransmitThread();
                serverDevice.startTransmitThread();
            }
            // The loops are driven from this thread (drive()), so the waiters never sleep; they
            // are the live loop's kind all the same, as the calls into them are compiled for it.
            clientLoop = new EventLoop("warm-up-client", clock, new FdPollWaiter(clientDevice.fd()));
            serverLoop = new EventLoop("warm-up-server", clock, new FdPollWaiter(serverDevice.fd()));
        } catch (RuntimeException e) {
            clientDevice.close();
            serverDevice.close();
            throw e;
        }
        client = new Stack(clientLoop, StackConfig.defaults("warm-up-client").withSeed(1));
        server = new Stack(serverLoop, StackConfig.defaults("warm-up-server").withSeed(2));
        NetworkInterface c = client.addInterface(clientDevice);
        NetworkInterface s = server.addInterface(serverDevice);
        client.addIpv4Address(c, CLIENT, 24);
        server.addIpv4Address(s, SERVER, 24);
    }

    /**
     * Runs {@code rounds} rounds of the workload (at most {@link #ROUNDS}) on a
     * Netty {@link FastThreadLocalThread} as the live event loop is, so buffer recycling takes the
     * same paths. Blocks until done.
     *
     * @param transmitThread whether the devices write through the TAP driver's transmit thread,
     *                       as the live device will or will not
     * @throws IllegalStateException if an exchange fails (a stack defect, not a load condition),
     *                               or the socket pair cannot be made
     */
    public static Result run(int rounds, boolean transmitThread) {
        if (rounds < 1 || rounds > ROUNDS) {
            throw new IllegalArgumentException("rounds: 1 to " + ROUNDS);
        }
        FutureTask<Result> warmUp = new FutureTask<>(() -> new JitWarmUp(transmitThread).runRounds(rounds));
        new FastThreadLocalThread(warmUp, "jit-warm-up").start();
        try {
            return warmUp.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the warm-up", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("JIT warm-up failed", e.getCause());
        }
    }

    private Result runRounds(int count) {
        long start = System.nanoTime();
        UdpServices udp = UdpServices.start(server, List.of("echo"), ZonedDateTime::now, false);
        TcpServices tcp = TcpServices.start(server, List.of("echo", "discard", "chargen"), false);
        try {
            while (rounds < count) {
                round();
            }
        } finally {
            tcp.close();
            udp.close();
            drive();
            clientLoop.close();
            serverLoop.close();
            clientDevice.close();
            serverDevice.close();
        }
        return new Result(rounds, connections, transactions, bulkBytes, datagrams, pings,
                clientDevice.txFrames() + serverDevice.txFrames(),
                clientDevice.txErrors() + serverDevice.txErrors() + clientDevice.txRingDrops()
                        + serverDevice.txRingDrops(),
                Duration.ofNanos(System.nanoTime() - start));
    }

    private void round() {
        connectEchoClose();
        requestResponse();
        bulkToServer();
        bulkFromServer();
        udpEcho();
        ping();
        // Every exchange had the client close first (or reset): the services close passively and
        // keep nothing. A server connection left over here is a state-machine defect.
        expect(server.tcp().connectionCount() == 0,
                server.tcp().connectionCount() + " server connections left after the clients closed");
        drive();
        rounds++;
    }

    /** Connect, one octet each way, close: the client closes first, as most clients do. */
    private void connectEchoClose() {
        byte[] one = {'x'};
        byte[] back = new byte[1];
        for (int i = 0; i < CONNECTIONS_PER_ROUND; i++) {
            TcpSocket s = connect(ECHO);
            s.send(one, 0, 1, now());
            drive();
            expect(s.receive(back, 0, 1, now()) == 1, "echo of a connection");
            s.close(now());
            drive();
            connections++;
        }
    }

    private void requestResponse() {
        TcpSocket s = connect(ECHO);
        s.setNoDelay(true);
        byte[] one = {'r'};
        byte[] back = new byte[1];
        for (int i = 0; i < TRANSACTIONS_PER_ROUND; i++) {
            s.send(one, 0, 1, now());
            drive();
            expect(s.receive(back, 0, 1, now()) == 1, "echo of a transaction");
            transactions++;
        }
        s.close(now());
        drive();
    }

    /** To discard: writes until the count is sent, half-closes, waits for the server's close. */
    private void bulkToServer() {
        TcpSocket s = connect(DISCARD);
        byte[] chunk = new byte[16 * 1024];
        int sent = 0;
        while (sent < BULK_BYTES) {
            int n = s.send(chunk, 0, Math.min(chunk.length, BULK_BYTES - sent), now());
            expect(n >= 0, "send to discard");
            sent += n;
            drive();
        }
        s.shutdownSend(now());
        drive();
        expect(s.receive(new byte[1], 0, 1, now()) == 0, "discard closes after the end of the stream");
        s.close(now());
        drive();
        bulkBytes += sent;
    }

    /** From chargen: reads the count, then resets the connection as a client that has enough does. */
    private void bulkFromServer() {
        TcpSocket s = connect(CHARGEN);
        byte[] buf = new byte[16 * 1024];
        int got = 0;
        for (int idle = 0; got < BULK_BYTES && idle < 100; ) {
            int n = s.receive(buf, 0, buf.length, now());
            if (n > 0) {
                got += n;
                idle = 0;
            } else {
                idle++;
            }
            drive();
        }
        expect(got >= BULK_BYTES, "chargen data");
        s.abort(now());
        drive();
        bulkBytes += got;
    }

    private void udpEcho() {
        UdpSocket s = client.udp().open();
        Endpoint echo = new Endpoint(SERVER, ECHO);
        ByteBuf out = PooledByteBufAllocator.DEFAULT.heapBuffer(18).writeZero(18);
        try {
            for (int i = 0; i < DATAGRAMS_PER_ROUND; i++) {
                s.sendTo(out, echo, now());
                drive();
                UdpDatagram d = s.receive();
                if (d != null) {
                    d.data().release();
                    datagrams++;
                }
            }
        } finally {
            out.release();
            s.close();
        }
    }

    private void ping() {
        IcmpEchoSocket s = client.icmpv4().openEcho();
        ByteBuf data = PooledByteBufAllocator.DEFAULT.heapBuffer(56).writeZero(56);
        try {
            for (int i = 0; i < PINGS_PER_ROUND; i++) {
                s.send(SERVER.bits(), i, data, 64, now());
                drive();
                if (s.receive() != null) {
                    pings++;
                }
            }
        } finally {
            data.release();
            s.close();
        }
    }

    private TcpSocket connect(int port) {
        TcpSocket s = client.tcp().open();
        SocketError e = s.connect(new Endpoint(SERVER, port), now());
        expect(e == SocketError.OK || e == SocketError.IN_PROGRESS, "connect: " + e);
        drive();
        expect(s.state() == TcpState.ESTABLISHED, "connection to port " + port + " is " + s.state());
        return s;
    }

    /**
     * Runs both stacks until neither has work and no frame waits in a transmit thread (timers run
     * on the JVM's clock). A frame written is in the peer's socket at once.
     */
    private void drive() {
        int busy;
        do {
            busy = clientLoop.runUntilIdle() + serverLoop.runUntilIdle();
            if (!clientDevice.transmitIdle() || !serverDevice.transmitIdle()) {
                Thread.onSpinWait();
                busy++;
            }
        } while (busy > 0);
    }

    private long now() {
        return clock.nanos();
    }

    private static void expect(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("JIT warm-up: " + what);
        }
    }
}
