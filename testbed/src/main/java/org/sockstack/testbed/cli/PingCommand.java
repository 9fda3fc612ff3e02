package org.sockstack.testbed.cli;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.sockstack.stack.icmp.IcmpEchoSocket;
import org.sockstack.stack.icmpv6.Icmpv6EchoSocket;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.Ipv6Address;
import org.sockstack.testbed.host.StackHost;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** {@code sockstack ping}: ICMP echo from the stack, printed like iputils ping. */
@Command(name = "ping", mixinStandardHelpOptions = true,
        description = "Send ICMP echo requests from the stack and print the replies like ping does.")
public final class PingCommand implements java.util.concurrent.Callable<Integer> {

    @Mixin
    StackOptions stackOptions;

    @Parameters(index = "0", paramLabel = "HOST", description = "IPv4 or IPv6 address to ping (link-local with %%IFNAME)")
    String host;

    @Option(names = "-c", defaultValue = "4", description = "stop after this many requests (default ${DEFAULT-VALUE})")
    int count;

    @Option(names = "-s", defaultValue = "56", description = "data octets per request (default ${DEFAULT-VALUE})")
    int size;

    @Option(names = "-i", defaultValue = "1.0", description = "seconds between requests (default ${DEFAULT-VALUE})")
    double interval;

    @Option(names = "-W", defaultValue = "2", description = "seconds to wait for the last reply (default ${DEFAULT-VALUE})")
    double timeout;

    @Option(names = "-t", defaultValue = "64", description = "TTL / hop limit (default ${DEFAULT-VALUE})")
    int ttl;

    /** A reply, whichever the family. */
    private record Reply(String from, int sequence, int ttl, long received, int dataLength) { }

    /** Sends one request; false if there is no route (or no usable source address yet). */
    @FunctionalInterface
    private interface Sender {
        boolean send(int sequence, ByteBuf payload, long now);
    }

    @Override
    public Integer call() throws Exception {
        Ipv4Address dst4 = Ipv4Address.tryParse(host);
        int percent = host.indexOf('%');
        Ipv6Address dst6 = dst4 != null ? null : Ipv6Address.tryParse(percent < 0 ? host : host.substring(0, percent));
        String zone = percent < 0 ? null : host.substring(percent + 1);
        if (dst4 == null && dst6 == null) {
            throw new IllegalArgumentException("not an IPv4 or IPv6 address: " + host);
        }
        if (dst6 != null && !stackOptions.ipv6()) {
            throw new IllegalArgumentException("an IPv6 destination needs IPv6 (drop --no-ipv6)");
        }
        if (zone != null && !zone.equals(stackOptions.interfaceName())) {
            throw new IllegalArgumentException("unknown zone (interface) " + zone);
        }
        int maxSize = dst4 != null ? 65_507 : 65_527;
        if (count < 1 || size < 0 || size > maxSize || interval < 0.0 || ttl < 1 || ttl > 255) {
            throw new IllegalArgumentException("bad -c, -s, -i or -t value");
        }
        PrintStream out = System.out;
        try (StackHost stackHost = stackOptions.open("ping", out)) {
            LinkedBlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
            stackHost.start();
            if (dst6 != null) {
                StackOptions.awaitAddresses(stackHost);
            }
            Sender sender;
            Runnable close;
            if (dst4 != null) {
                IcmpEchoSocket socket = stackHost.call(() -> {
                    IcmpEchoSocket so = stackHost.stack().icmpv4().openEcho();
                    so.setListener(ev -> {
                        IcmpEchoSocket.Reply r;
                        while ((r = so.receive()) != null) {
                            replies.add(new Reply(new Ipv4Address(r.from()).toString(), r.sequence(), r.ttl(),
                                    r.received(), r.dataLength()));
                        }
                    });
                    return so;
                });
                sender = (seq, payload, now) -> socket.send(dst4.bits(), seq, payload, ttl, now);
                close = socket::close;
            } else {
                Icmpv6EchoSocket socket = stackHost.call(() -> {
                    Icmpv6EchoSocket so = stackHost.stack().icmpv6().openEcho();
                    so.setListener(ev -> {
                        Icmpv6EchoSocket.Reply r;
                        while ((r = so.receive()) != null) {
                            replies.add(new Reply(r.from().toString(), r.sequence(), r.hopLimit(), r.received(),
                                    r.data().length));
                        }
                    });
                    return so;
                });
                // The zone of a link-local address is our one interface (RFC 4007 section 11).
                sender = (seq, payload, now) -> socket.send(dst6, dst6.isLinkLocal() ? stackHost.iface() : null, seq,
                        payload, ttl, now);
                close = socket::close;
            }
            int header = dst4 != null ? 28 : 48;
            out.printf(Locale.ROOT, "PING %s %d(%d) bytes of data.%n", host, size, size + header);
            long[] sentAt = new long[count];
            int received = 0;
            double min = Double.MAX_VALUE;
            double max = 0;
            double sum = 0;
            long start = System.nanoTime();
            // An IPv6 source address is usable only after DAD (RFC 4862 5.4): wait up to 5 s for one.
            long readyBy = System.nanoTime() + (dst6 != null ? 5_000_000_000L : 0);
            for (int seq = 1; seq <= count; seq++) {
                byte[] data = new byte[size];
                for (int i = 0; i < size; i++) {
                    data[i] = (byte) i;
                }
                int s = seq;
                sentAt[seq - 1] = System.nanoTime();
                boolean ok;
                while (!(ok = stackHost.call(() -> sender.send(s, Unpooled.wrappedBuffer(data),
                        stackHost.loop().clock().nanos())))
                        && seq == 1 && System.nanoTime() < readyBy) {
                    Thread.sleep(50);
                    sentAt[0] = System.nanoTime();
                }
                if (!ok) {
                    throw new IllegalStateException("no route to " + host);
                }
                long waitUntil = System.nanoTime() + (long) ((seq == count ? timeout : interval) * 1e9);
                Reply r;
                while ((r = replies.poll(Math.max(0, waitUntil - System.nanoTime()), TimeUnit.NANOSECONDS)) != null) {
                    if (r.sequence() < 1 || r.sequence() > count) {
                        continue;
                    }
                    double ms = (r.received() - sentAt[r.sequence() - 1]) / 1e6;
                    received++;
                    min = Math.min(min, ms);
                    max = Math.max(max, ms);
                    sum += ms;
                    out.printf(Locale.ROOT, "%d bytes from %s: icmp_seq=%d ttl=%d time=%.3f ms%n",
                            r.dataLength() + 8, r.from(), r.sequence(), r.ttl(), ms);
                    if (seq == count && received == count) {
                        break;
                    }
                }
            }
            long elapsed = (System.nanoTime() - start) / 1_000_000;
            out.printf(Locale.ROOT, "%n--- %s ping statistics ---%n", host);
            out.printf(Locale.ROOT, "%d packets transmitted, %d received, %d%% packet loss, time %dms%n",
                    count, received, (count - received) * 100 / count, elapsed);
            if (received > 0) {
                out.printf(Locale.ROOT, "rtt min/avg/max = %.3f/%.3f/%.3f ms%n", min, sum / received, max);
            }
            stackHost.run(close);
            return received > 0 ? 0 : 1;
        }
    }
}
