package org.sockstack.testbed.cli;

import org.sockstack.stack.StackConfig;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.testbed.host.TapHost;
import org.sockstack.testbed.lab.Lab;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code sockstack serve}: puts the stack on a TAP device and runs until SIGINT/SIGTERM, then
 * prints its counters.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the stack on a TAP device until interrupted; prints 'ready' once it answers.")
public final class ServeCommand implements Callable<Integer> {

    @Option(names = "--tap", required = true, paramLabel = "IFNAME", description = "TAP device to open or create")
    String tap;

    @Option(names = "--netns", paramLabel = "NS", description = "move the TAP device into this existing namespace")
    String netns;

    @Option(names = "--addr", required = true, paramLabel = "ADDR/LEN", description = "IPv4 address, e.g. 192.0.2.2/24")
    String addr;

    @Option(names = "--mtu", defaultValue = "1500", description = "link MTU (default ${DEFAULT-VALUE})")
    int mtu;

    @Option(names = "--trace", description = "print the event trace (drops with reasons, state changes)")
    boolean trace;

    @Option(names = "--seed", description = "seed of the stack's random generator (default: from the clock)")
    Long seed;

    @Override
    public Integer call() throws Exception {
        Cidr cidr = Cidr.parse(addr);
        StackConfig config = StackConfig.defaults("sockstack");
        if (seed != null) {
            config = config.withSeed(seed);
        }
        PrintStream out = System.out;
        try (TapHost host = TapHost.open(tap, TapHost.macFor(tap), mtu, config)) {
            if (netns != null) {
                Lab.run(Duration.ofSeconds(10), "ip", "link", "set", "dev", tap, "netns", netns).orThrow();
                Lab.run(Duration.ofSeconds(10), "ip", "-n", netns, "link", "set", "dev", tap, "up").orThrow();
            }
            if (trace) {
                host.stack().trace().setListener(e -> out.println("trace " + e));
                host.stack().trace().enable(true);
            }
            host.stack().addIpv4Address(host.iface(), cidr.address(), cidr.prefixLength());
            CountDownLatch stop = new CountDownLatch(1);
            Thread hook = new Thread(stop::countDown, "sockstack-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            host.start();
            out.println("sockstack ready on " + tap + (netns != null ? " in netns " + netns : "") + ": "
                    + cidr + " mac " + host.iface().macAddress());
            out.flush();
            stop.await();
            out.println("sockstack stopping; counters:");
            out.print(host.call(() -> host.stack().counters().format(true)));
            out.flush();
        }
        return 0;
    }

    /** An address with a prefix length, e.g. 192.0.2.2/24. */
    record Cidr(Ipv4Address address, int prefixLength) {
        static Cidr parse(String text) {
            int slash = text.indexOf('/');
            Ipv4Address a = Ipv4Address.tryParse(slash < 0 ? text : text.substring(0, slash));
            if (a == null) {
                throw new IllegalArgumentException("not an IPv4 address: " + text);
            }
            int len = 32;
            if (slash >= 0) {
                try {
                    len = Integer.parseInt(text.substring(slash + 1));
                } catch (NumberFormatException e) {
                    len = -1;
                }
                if (len < 0 || len > 32) {
                    throw new IllegalArgumentException("bad prefix length in " + text);
                }
            }
            return new Cidr(a, len);
        }

        @Override
        public String toString() {
            return address + "/" + prefixLength;
        }
    }

}
