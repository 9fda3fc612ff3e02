package org.sockstack.testbed.cli;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.sockstack.stack.icmp.IcmpEchoSocket;
import org.sockstack.stack.wire.Ipv4Address;
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

    @Parameters(index = "0", paramLabel = "HOST", description = "IPv4 address to ping")
    String host;

    @Option(names = "-c", defaultValue = "4", description = "stop after this many requests (default ${DEFAULT-VALUE})")
    int count;

    @Option(names = "-s", defaultValue = "56", description = "data octets per request (default ${DEFAULT-VALUE})")
    int size;

    @Option(names = "-i", defaultValue = "1.0", description = "seconds between requests (default ${DEFAULT-VALUE})")
    double interval;

    @Option(names = "-W", defaultValue = "2", description = "seconds to wait for the last reply (default ${DEFAULT-VALUE})")
    double timeout;

    @Option(names = "-t", defaultValue = "64", description = "TTL (default ${DEFAULT-VALUE})")
    int ttl;

    @Override
    public Integer call() throws Exception {
        Ipv4Address dst = Ipv4Address.tryParse(host);
        if (dst == null) {
            throw new IllegalArgumentException("not an IPv4 address: " + host);
        }
        if (count < 1 || size < 0 || size > 65_507 || interval < 0.0 || ttl < 1 || ttl > 255) {
            throw new IllegalArgumentException("bad -c, -s, -i or -t value");
        }
        PrintStream out = System.out;
        try (StackHost stackHost = stackOptions.open("ping", out)) {
            LinkedBlockingQueue<IcmpEchoSocket.Reply> replies = new LinkedBlockingQueue<>();
            stackHost.start();
            IcmpEchoSocket socket = stackHost.call(() -> {
                IcmpEchoSocket s = stackHost.stack().icmpv4().openEcho();
                s.setListener(ev -> {
                    IcmpEchoSocket.Reply r;
                    while ((r = s.receive()) != null) {
                        replies.add(r);
                    }
                });
                return s;
            });
            out.printf(Locale.ROOT, "PING %s %d(%d) bytes of data.%n", dst, size, size + 28);
            long[] sentAt = new long[count];
            int received = 0;
            double min = Double.MAX_VALUE;
            double max = 0;
            double sum = 0;
            long start = System.nanoTime();
            for (int seq = 1; seq <= count; seq++) {
                byte[] data = new byte[size];
                for (int i = 0; i < size; i++) {
                    data[i] = (byte) i;
                }
                ByteBuf payload = Unpooled.wrappedBuffer(data);
                int s = seq;
                sentAt[seq - 1] = System.nanoTime();
                boolean ok = stackHost.call(() -> socket.send(dst.bits(), s, payload, ttl, stackHost.loop().clock().nanos()));
                if (!ok) {
                    throw new IllegalStateException("no route to " + dst);
                }
                long waitUntil = System.nanoTime() + (long) ((seq == count ? timeout : interval) * 1e9);
                IcmpEchoSocket.Reply r;
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
                            r.dataLength() + 8, new Ipv4Address(r.from()), r.sequence(), r.ttl(), ms);
                    if (seq == count && received == count) {
                        break;
                    }
                }
            }
            long elapsed = (System.nanoTime() - start) / 1_000_000;
            out.printf(Locale.ROOT, "%n--- %s ping statistics ---%n", dst);
            out.printf(Locale.ROOT, "%d packets transmitted, %d received, %d%% packet loss, time %dms%n",
                    count, received, (count - received) * 100 / count, elapsed);
            if (received > 0) {
                out.printf(Locale.ROOT, "rtt min/avg/max = %.3f/%.3f/%.3f ms%n", min, sum / received, max);
            }
            stackHost.run(socket::close);
            return received > 0 ? 0 : 1;
        }
    }
}
