package org.sockstack.spi.namespace.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.sockstack.stack.Stack;
import org.sockstack.stack.StackConfig;
import org.sockstack.stack.device.ChannelDevice;
import org.sockstack.stack.loop.EventLoop;
import org.sockstack.stack.loop.ManualClock;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.socket.SocketEvents;
import org.sockstack.stack.tcp.TcpSocket;
import org.sockstack.stack.udp.UdpDatagram;
import org.sockstack.stack.udp.UdpSocket;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.MacAddress;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Two stacks on a channel pair sharing a manual clock: the client (192.0.2.2) runs the resolver,
 * the server (192.0.2.1) answers on UDP and TCP port 53 with whatever {@link #udpAnswers} /
 * {@link #tcpAnswers} say. Queries are recorded as they arrived.
 */
final class FakeDnsServer implements AutoCloseable {
    static final Ipv4Address SERVER_IP = Ipv4Address.parse("192.0.2.1");
    static final Ipv4Address CLIENT_IP = Ipv4Address.parse("192.0.2.2");
    static final Endpoint SERVER = new Endpoint(SERVER_IP, 53);

    final ManualClock clock = new ManualClock(1_000_000_000L);
    final EventLoop clientLoop = new EventLoop("client", clock);
    final EventLoop serverLoop = new EventLoop("server", clock);
    final Stack client;
    final Stack server;
    private final ChannelDevice devC = new ChannelDevice("c0", MacAddress.parse("02:00:00:00:00:0c"), 1500);
    private final ChannelDevice devS = new ChannelDevice("s0", MacAddress.parse("02:00:00:00:00:05"), 1500);
    private final UdpSocket udp;
    private final TcpSocket listener;
    private final List<TcpSocket> accepted = new ArrayList<>();

    /** Raw queries received over UDP, with their source port; and over TCP. */
    final List<DnsMessage> udpQueries = new ArrayList<>();
    final List<Integer> udpSourcePorts = new ArrayList<>();
    final List<DnsMessage> tcpQueries = new ArrayList<>();
    /** Query in, datagrams out (none: stay silent). */
    Function<DnsMessage, List<byte[]>> udpAnswers = q -> List.of();
    Function<DnsMessage, byte[]> tcpAnswers = q -> null;

    /**
     * A reverse zone for {@link #udpAnswers}: a PTR question for a name of {@code zone} gets its
     * PTR record (TTL {@code ttl}); any other name NXDOMAIN with the zone's SOA (MINIMUM
     * {@code ttl}, RFC 2308 section 3), so the negative answer may be cached.
     */
    static Function<DnsMessage, List<byte[]>> ptrZone(java.util.Map<String, String> zone, long ttl) {
        return q -> {
            String target = zone.get(DnsMessage.key(q.question().name()));
            int flags = DnsMessage.FLAG_QR | DnsMessage.FLAG_AA | DnsMessage.FLAG_RD | DnsMessage.FLAG_RA;
            if (target != null && q.question().type() == DnsMessage.TYPE_PTR) {
                return List.of(new DnsMessage(q.id(), flags, q.question(),
                        List.of(DnsMessage.ResourceRecord.ptr(q.question().name(), ttl, target)), List.of()).encode());
            }
            return List.of(new DnsMessage(q.id(), flags | DnsMessage.RCODE_NXDOMAIN, q.question(), List.of(),
                    List.of(DnsMessage.ResourceRecord.soa("in-addr.arpa", ttl, ttl))).encode());
        };
    }

    FakeDnsServer() {
        client = new Stack(clientLoop, StackConfig.defaults("client").withSeed(11));
        server = new Stack(serverLoop, StackConfig.defaults("server").withSeed(12));
        ChannelDevice.pair(devC, devS);
        client.addIpv4Address(client.addInterface(devC), CLIENT_IP, 24);
        server.addIpv4Address(server.addInterface(devS), SERVER_IP, 24);
        udp = server.udp().open();
        if (udp.bind(SERVER) != SocketError.OK) {
            throw new AssertionError("bind 53");
        }
        udp.setListener(e -> serveUdp());
        listener = server.tcp().open();
        if (listener.bind(SERVER) != SocketError.OK || listener.listen(4) != SocketError.OK) {
            throw new AssertionError("listen 53");
        }
        listener.setListener(e -> acceptTcp());
        runIdle();
    }

    private void serveUdp() {
        UdpDatagram d;
        while ((d = udp.receive()) != null) {
            ByteBuf data = d.data();
            byte[] b = new byte[data.readableBytes()];
            data.getBytes(data.readerIndex(), b);
            data.release();
            DnsMessage q = DnsMessage.parse(b, b.length).value();
            udpQueries.add(q);
            udpSourcePorts.add(d.source().port());
            for (byte[] out : udpAnswers.apply(q)) {
                udp.sendTo(Unpooled.wrappedBuffer(out), d.source(), clock.nanos());
            }
        }
    }

    private void acceptTcp() {
        TcpSocket s;
        while ((s = listener.accept()) != null) {
            TcpSocket conn = s;
            accepted.add(conn);
            ByteArrayOutputStream in = new ByteArrayOutputStream();
            conn.setListener(e -> serveTcp(conn, in));
            serveTcp(conn, in);
        }
    }

    private void serveTcp(TcpSocket conn, ByteArrayOutputStream in) {
        byte[] buf = new byte[2048];
        int n;
        while ((n = conn.receive(buf, 0, buf.length, clock.nanos())) > 0) {
            in.write(buf, 0, n);
        }
        byte[] all = in.toByteArray();
        if (all.length >= 2 && all.length >= 2 + (((all[0] & 0xFF) << 8) | (all[1] & 0xFF))) {
            in.reset();
            DnsMessage q = DnsMessage.parse(java.util.Arrays.copyOfRange(all, 2, all.length), all.length - 2).value();
            tcpQueries.add(q);
            byte[] answer = tcpAnswers.apply(q);
            if (answer != null) {
                byte[] framed = new byte[answer.length + 2];
                framed[0] = (byte) (answer.length >>> 8);
                framed[1] = (byte) answer.length;
                System.arraycopy(answer, 0, framed, 2, answer.length);
                conn.send(framed, 0, framed.length, clock.nanos());
            }
        }
        if ((conn.readiness() & SocketEvents.CLOSED) != 0 || n == 0) {
            conn.close(clock.nanos());
        }
    }

    void runIdle() {
        int n;
        do {
            n = clientLoop.runUntilIdle() + serverLoop.runUntilIdle();
        } while (n > 0);
    }

    /** Runs both stacks, advancing time to the next timer when idle, until {@code done}; at most {@code maxSeconds}. */
    void runUntil(BooleanSupplier done, long maxSeconds) {
        long limit = clock.nanos() + maxSeconds * 1_000_000_000L;
        while (true) {
            runIdle();
            if (done.getAsBoolean()) {
                return;
            }
            long next = Math.min(clientLoop.nextDeadline(clock.nanos()), serverLoop.nextDeadline(clock.nanos()));
            if (next == Long.MAX_VALUE || next > limit) {
                throw new AssertionError("stuck at " + clock);
            }
            clock.advanceTo(Math.max(next, clock.nanos()));
        }
    }

    /**
     * For a caller blocked on another thread: drives both loops (virtual time advancing to each
     * timer) until {@code done}, waiting up to 10 s of real time for that thread's submissions.
     */
    /**
     * Runs both stacks until {@code done}, moving virtual time on to the next timer only while
     * {@code caller} (the application thread doing the lookup) is parked waiting for the network.
     * While it is still running towards its query, time stands still: otherwise a slow machine
     * would let virtual time race through periodic timers and expire caches and time-outs before
     * the query was even sent.
     */
    void driveUntil(BooleanSupplier done, Thread caller) {
        long realLimit = System.nanoTime() + 10_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > realLimit) {
                throw new AssertionError("the caller never finished");
            }
            runIdle();
            Thread.State st = caller.getState();
            boolean parked = st == Thread.State.WAITING || st == Thread.State.TIMED_WAITING;
            long next = Math.min(clientLoop.nextDeadline(clock.nanos()), serverLoop.nextDeadline(clock.nanos()));
            if (parked && next != Long.MAX_VALUE) {
                clock.advanceTo(Math.max(next, clock.nanos()));
            } else {
                Thread.yield();
            }
        }
    }

    @Override
    public void close() {
        udp.close();
        listener.abort(clock.nanos());
        for (TcpSocket s : accepted) {
            s.abort(clock.nanos());
        }
        runIdle();
        devC.close();
        devS.close();
    }
}
