package org.sockstack.spi.namespace.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.sockstack.spi.namespace.dns.DnsMessage.Question;
import org.sockstack.spi.namespace.dns.DnsMessage.ResourceRecord;
import org.sockstack.spi.namespace.dns.DnsResult.Status;
import org.sockstack.stack.Stack;
import org.sockstack.stack.loop.Timer;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.socket.SocketEvents;
import org.sockstack.stack.tcp.TcpSocket;
import org.sockstack.stack.udp.UdpDatagram;
import org.sockstack.stack.udp.UdpSocket;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.Ipv6Address;
import org.sockstack.stack.wire.Parsed;
import org.sockstack.stack.wire.WireError;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;

/**
 * A stub resolver (RFC 1035 section 7) over the user-space stack. Everything but
 * {@link #lookup} runs on the stack's event loop: each question goes in a UDP datagram from a
 * fresh socket (a random ephemeral port, RFC 6056) with a random ID, both from the stack's
 * generator (RFC 5452 section 9.2); the loop's timer wheel retries it after
 * {@link Config#timeoutNanos} up to {@link Config#attempts} times.
 *
 * <p>A response is accepted only from the server, with our ID and our question (RFC 5452
 * section 4); malformed or mismatched ones are dropped and counted, the wait goes on. A truncated
 * one (TC) is asked again over TCP with the 2-octet length prefix (RFC 1035 section 4.2.2,
 * RFC 7766). CNAME chains are followed (RFC 1034 section 3.6.2) inside the answer and, where the
 * server stopped short, by asking for the target, at most {@link Config#maxCnameDepth} links.
 * Results go to a {@link DnsCache} for their TTL; negative ones for the SOA minimum (RFC 2308
 * section 5).
 *
 * <p>Reverse lookups ask for PTR (RFC 1035 section 3.3.12) at the name {@link ReverseName} builds
 * (RFC 1035 section 3.5, RFC 3596 section 2.5); CNAMEs on the way (RFC 2317 classless
 * delegation) are followed like any other.
 */
public final class DnsResolver {
    public static final int PORT = 53;

    /**
     * @param server        where queries go (port 53 normally)
     * @param timeoutNanos  how long one attempt waits
     * @param attempts      tries over UDP (the first and the retries)
     * @param maxCnameDepth CNAME links followed before giving up
     * @param cacheCapacity cache entries
     * @param maxTtlSeconds longest any answer is cached
     * @param tcpFallback   ask again over TCP when an answer is truncated
     */
    public record Config(Endpoint server, long timeoutNanos, int attempts, int maxCnameDepth, int cacheCapacity,
                         long maxTtlSeconds, boolean tcpFallback) {
        public Config {
            Objects.requireNonNull(server);
            if (timeoutNanos <= 0 || attempts < 1 || maxCnameDepth < 0) {
                throw new IllegalArgumentException("bad resolver configuration");
            }
        }

        /** 2 s per attempt, 3 attempts, 8 CNAME links, 512 entries, at most a day, TCP fallback on. */
        public static Config defaults(Endpoint server) {
            return new Config(server, 2_000_000_000L, 3, 8, 512, 86_400, true);
        }

        public Config withTimeout(long nanos, int tries) {
            return new Config(server, nanos, tries, maxCnameDepth, cacheCapacity, maxTtlSeconds, tcpFallback);
        }

        public Config withTcpFallback(boolean on) {
            return new Config(server, timeoutNanos, attempts, maxCnameDepth, cacheCapacity, maxTtlSeconds, on);
        }

        /** The longest a lookup can take: every attempt of every link of a chain, plus TCP. */
        public long worstCaseNanos() {
            return timeoutNanos * (attempts + 1L) * (maxCnameDepth + 1L);
        }
    }

    private final Stack stack;
    private final Config config;
    private final DnsCache cache;

    // Counters (written on the loop, read anywhere).
    private final AtomicLong queriesSent = new AtomicLong();
    private final AtomicLong tcpQueries = new AtomicLong();
    private final AtomicLong cacheHits = new AtomicLong();
    private final AtomicLong retransmits = new AtomicLong();
    private final AtomicLong droppedMalformed = new AtomicLong();
    /** {@link #droppedMalformed} by the parser's reason. */
    private final AtomicLongArray malformedBy = new AtomicLongArray(WireError.values().length);
    private final AtomicLong droppedMismatched = new AtomicLong();

    public DnsResolver(Stack stack, Config config) {
        this.stack = Objects.requireNonNull(stack);
        this.config = config;
        this.cache = new DnsCache(config.cacheCapacity, config.maxTtlSeconds);
    }

    public Config config() {
        return config;
    }

    /** From any thread: resolves on the loop; the future completes there (never exceptionally for bad answers). */
    public CompletableFuture<DnsResult> lookup(String name, int type) {
        CompletableFuture<DnsResult> f = new CompletableFuture<>();
        stack.loop().execute(() -> resolve(name, type, f::complete));
        return f;
    }

    /**
     * Loop thread: resolves {@code name} for {@code type} (A, AAAA, or PTR for a reverse name of
     * {@link ReverseName}) and calls {@code done} once.
     */
    public void resolve(String name, int type, Consumer<DnsResult> done) {
        if (!DnsMessage.validName(name) || (type != DnsMessage.TYPE_A && type != DnsMessage.TYPE_AAAA
                && type != DnsMessage.TYPE_PTR)) {
            done.accept(DnsResult.failure(Status.BAD_NAME, name));
            return;
        }
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        new Query(n, type, done).start();
    }

    /** Loop thread: drops every cached answer (LUP_FLUSHCACHE). */
    public void flushCache() {
        cache.clear();
    }

    /** From any thread but the loop's: {@link #flushCache} on the loop, waiting for it. */
    public void flushCacheAndWait() {
        stack.loop().submit(() -> {
            cache.clear();
            return null;
        }).join();
    }

    /** True on the running loop's own thread, where waiting for a lookup would never end. */
    public boolean onLoopThread() {
        return stack.loop().isStarted() && stack.loop().inEventLoop();
    }

    public long queriesSent() {
        return queriesSent.get();
    }

    public long tcpQueries() {
        return tcpQueries.get();
    }

    public long cacheHits() {
        return cacheHits.get();
    }

    public long retransmits() {
        return retransmits.get();
    }

    public long droppedMalformed() {
        return droppedMalformed.get();
    }

    /** Responses dropped because they did not parse with {@code reason} (a bad pointer, an RDATA overrun, ...). */
    public long droppedMalformed(WireError reason) {
        return malformedBy.get(reason.ordinal());
    }

    private void countMalformed(WireError reason) {
        droppedMalformed.incrementAndGet();
        malformedBy.incrementAndGet(reason.ordinal());
    }

    public long droppedMismatched() {
        return droppedMismatched.get();
    }

    private long now() {
        return stack.loop().clock().nanos();
    }

    /**
     * One lookup: the original name, the chain followed so far, and the transaction for the
     * name currently asked.
     */
    private final class Query {
        final String original;
        final int type;
        final Consumer<DnsResult> done;
        final List<String> aliases = new ArrayList<>();
        long minTtl = Long.MAX_VALUE;
        String current;
        int links;
        boolean finished;

        // The transaction in flight.
        Question question;
        int id;
        int attempt;
        byte[] wire;
        UdpSocket udp;
        TcpSocket tcp;
        byte[] tcpBuffer;
        int tcpFilled;
        boolean tcpSent;
        final Timer timer;

        Query(String name, int type, Consumer<DnsResult> done) {
            this.original = name;
            this.current = name;
            this.type = type;
            this.done = done;
            this.timer = stack.loop().timers().newTimer("dns.retry", this::onTimeout);
        }

        void start() {
            DnsResult cached = cache.get(original, type, now());
            if (cached != null) {
                cacheHits.incrementAndGet();
                finished = true;
                done.accept(cached);
                return;
            }
            ask(current);
        }

        /** A new transaction for {@code name}: fresh ID and port. */
        void ask(String name) {
            closeTransport();
            question = new Question(name, type, DnsMessage.CLASS_IN);
            id = stack.random().nextInt(0x10000);
            wire = DnsMessage.query(id, name, type).encode();
            attempt = 0;
            udp = stack.udp().open();
            boolean v4 = config.server.address() instanceof Ipv4Address;
            SocketError e = udp.bind(new Endpoint(v4 ? Ipv4Address.ANY : Ipv6Address.UNSPECIFIED, 0));
            if (e == SocketError.OK) {
                e = udp.connect(config.server);
            }
            if (e != SocketError.OK) {
                finish(DnsResult.failure(Status.SERVER_FAILURE, original), false, 0);
                return;
            }
            UdpSocket mine = udp;
            udp.setListener(events -> {
                if ((events & SocketEvents.READABLE) != 0 && mine == udp) {
                    drainUdp();
                }
            });
            sendUdp();
        }

        void sendUdp() {
            attempt++;
            queriesSent.incrementAndGet();
            long now = now();
            udp.send(Unpooled.wrappedBuffer(wire), now); // a failed send is retried by the timer
            timer.schedule(now + config.timeoutNanos);
        }

        void onTimeout(long now) {
            if (finished) {
                return;
            }
            if (tcp == null && attempt < config.attempts) {
                retransmits.incrementAndGet();
                sendUdp();
                return;
            }
            finish(DnsResult.failure(Status.TIMEOUT, original), false, 0);
        }

        void drainUdp() {
            UdpDatagram d;
            while (!finished && udp != null && tcp == null && (d = udp.receive()) != null) {
                byte[] b;
                try {
                    if (!d.source().equals(config.server)) {
                        droppedMismatched.incrementAndGet();
                        continue;
                    }
                    ByteBuf data = d.data();
                    b = new byte[data.readableBytes()];
                    data.getBytes(data.readerIndex(), b);
                } finally {
                    d.data().release();
                }
                onResponse(b, b.length, false);
            }
        }

        /** RFC 1035 section 7.3 and RFC 5452 section 4: is this the answer to our question? */
        void onResponse(byte[] b, int length, boolean overTcp) {
            Parsed<DnsMessage> p = DnsMessage.parse(b, length);
            if (!p.ok()) {
                countMalformed(p.error());
                return;
            }
            DnsMessage m = p.value();
            if (!m.isResponse() || m.id() != id || m.opcode() != 0 || !question.matches(m.question())) {
                droppedMismatched.incrementAndGet();
                return;
            }
            if (m.truncated() && !overTcp && config.tcpFallback) {
                startTcp();
                return;
            }
            answer(m);
        }

        /** Follows the CNAME chain from the asked name through the answer section. */
        void answer(DnsMessage m) {
            int rcode = m.rcode();
            if (rcode != DnsMessage.RCODE_NOERROR && rcode != DnsMessage.RCODE_NXDOMAIN) {
                finish(DnsResult.failure(Status.SERVER_FAILURE, original), false, 0);
                return;
            }
            String name = current;
            while (true) {
                List<byte[]> found = new ArrayList<>();
                List<String> pointers = new ArrayList<>();
                String next = null;
                for (ResourceRecord r : m.answers()) {
                    if (r.rrClass() != DnsMessage.CLASS_IN || !r.name().equalsIgnoreCase(name)) {
                        continue;
                    }
                    if (r.type() == type && type == DnsMessage.TYPE_PTR) {
                        pointers.add(r.target()); // RFC 1035 section 3.3.12
                        minTtl = Math.min(minTtl, r.ttl());
                    } else if (r.type() == type) {
                        found.add(r.address());
                        minTtl = Math.min(minTtl, r.ttl());
                    } else if (r.type() == DnsMessage.TYPE_CNAME && next == null) {
                        next = r.target();
                        minTtl = Math.min(minTtl, r.ttl());
                    }
                }
                if (!found.isEmpty() || !pointers.isEmpty()) {
                    finish(new DnsResult(Status.OK, name, aliases, found, pointers), true, minTtl);
                    return;
                }
                if (next == null) {
                    break;
                }
                if (++links > config.maxCnameDepth) {
                    finish(DnsResult.failure(Status.SERVER_FAILURE, original), false, 0);
                    return;
                }
                aliases.add(name);
                name = next;
            }
            if (!name.equalsIgnoreCase(current) && rcode == DnsMessage.RCODE_NOERROR && m.authorities().isEmpty()) {
                // The server stopped at a CNAME (RFC 1034 section 5.3.3 step 3): ask for the target.
                current = name;
                ask(name);
                return;
            }
            // A negative answer (RFC 2308 section 2): cached for min(SOA TTL, SOA MINIMUM), and
            // not at all without an SOA (section 5).
            long negativeTtl = 0;
            for (ResourceRecord r : m.authorities()) {
                if (r.type() == DnsMessage.TYPE_SOA) {
                    negativeTtl = Math.min(r.ttl(), r.soaMinimum());
                }
            }
            Status s = rcode == DnsMessage.RCODE_NXDOMAIN ? Status.NXDOMAIN : Status.NODATA;
            finish(new DnsResult(s, name, aliases, List.of()), true, Math.min(negativeTtl, minTtl));
        }

        // ---------------------------------------------------------- TCP (RFC 1035 section 4.2.2)

        void startTcp() {
            closeTransport();
            tcpQueries.incrementAndGet();
            queriesSent.incrementAndGet();
            tcp = stack.tcp().open();
            tcpBuffer = new byte[2];
            tcpFilled = 0;
            tcpSent = false;
            TcpSocket mine = tcp;
            tcp.setListener(events -> {
                if (mine == tcp && !finished) {
                    onTcpEvents(events);
                }
            });
            long now = now();
            SocketError e = tcp.connect(config.server, now);
            if (e != SocketError.OK && e != SocketError.WOULD_BLOCK && e != SocketError.IN_PROGRESS) {
                finish(DnsResult.failure(Status.SERVER_FAILURE, original), false, 0);
                return;
            }
            timer.schedule(now + config.timeoutNanos);
        }

        void onTcpEvents(int events) {
            long now = now();
            if ((events & (SocketEvents.ERROR | SocketEvents.CLOSED)) != 0 && tcp.error() != SocketError.OK) {
                finish(DnsResult.failure(Status.SERVER_FAILURE, original), false, 0);
                return;
            }
            if (!tcpSent && (events & (SocketEvents.CONNECTED | SocketEvents.WRITABLE)) != 0) {
                byte[] framed = new byte[2 + wire.length];
                framed[0] = (byte) (wire.length >>> 8);
                framed[1] = (byte) wire.length;
                System.arraycopy(wire, 0, framed, 2, wire.length);
                if (tcp.send(framed, 0, framed.length, now) == framed.length) {
                    tcpSent = true;
                }
            }
            if ((events & (SocketEvents.READABLE | SocketEvents.CLOSED)) != 0) {
                readTcp(now);
            }
        }

        /** The length prefix first, then exactly that many octets. */
        void readTcp(long now) {
            while (!finished && tcp != null) {
                int n = tcp.receive(tcpBuffer, tcpFilled, tcpBuffer.length - tcpFilled, now);
                if (n == 0) {
                    finish(DnsResult.failure(Status.SERVER_FAILURE, original), false, 0); // closed early
                    return;
                }
                if (n < 0) {
                    return; // WOULD_BLOCK: wait for more
                }
                tcpFilled += n;
                if (tcpFilled < tcpBuffer.length) {
                    continue;
                }
                if (tcpBuffer.length == 2) {
                    int len = ((tcpBuffer[0] & 0xFF) << 8) | (tcpBuffer[1] & 0xFF);
                    if (len < DnsMessage.HEADER_LENGTH) {
                        countMalformed(WireError.TRUNCATED);
                        finish(DnsResult.failure(Status.SERVER_FAILURE, original), false, 0);
                        return;
                    }
                    tcpBuffer = new byte[len];
                    tcpFilled = 0;
                    continue;
                }
                byte[] msg = tcpBuffer;
                tcpBuffer = new byte[2];
                tcpFilled = 0;
                onResponse(msg, msg.length, true); // a mismatch is dropped; the next message may be ours
            }
        }

        // ---------------------------------------------------------- the end

        void finish(DnsResult result, boolean cacheIt, long ttl) {
            if (finished) {
                return;
            }
            finished = true;
            timer.cancel();
            if (cacheIt) {
                cache.put(original, type, result, ttl == Long.MAX_VALUE ? 0 : ttl, now());
            }
            // The socket may be mid-delivery (this runs in its listener): close it afterwards.
            UdpSocket u = udp;
            TcpSocket t = tcp;
            udp = null;
            tcp = null;
            stack.loop().execute(() -> close(u, t));
            done.accept(result);
        }

        void closeTransport() {
            UdpSocket u = udp;
            TcpSocket t = tcp;
            udp = null;
            tcp = null;
            if (u != null || t != null) {
                stack.loop().execute(() -> close(u, t));
            }
        }

        void close(UdpSocket u, TcpSocket t) {
            if (u != null) {
                u.close();
            }
            if (t != null) {
                t.close(now());
            }
        }
    }
}
