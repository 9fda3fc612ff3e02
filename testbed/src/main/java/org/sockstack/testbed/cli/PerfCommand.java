package org.sockstack.testbed.cli;

import org.sockstack.api.Winsock;
import org.sockstack.testbed.apps.Perf;
import org.sockstack.testbed.apps.Processes;
import org.sockstack.testbed.apps.StackPair;
import org.sockstack.testbed.host.StackHost;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code sockstack perf server | client HOST}: the {@link Perf} throughput tool. It runs over the
 * host's TCP/IP stack by default (the host provider), over the user-space stack on a TAP device
 * with the options of {@code serve} ({@code --tap IFNAME --addr ADDR/LEN ...}), or, for the
 * client, {@code --sim}: both ends on two user-space stacks in this process.
 */
@Command(name = "perf", mixinStandardHelpOptions = true,
        description = {"Measure throughput like ttcp/iperf: a client sends for --bytes or --time, the server counts.",
                "Over the host's stack by default; over the user-space stack with --tap IFNAME --addr ADDR/LEN "
                        + "(as for serve); 'perf client --sim' runs both ends on two user-space stacks in this process."},
        subcommands = {PerfCommand.Server.class, PerfCommand.Client.class})
public final class PerfCommand {

    /** What both sides share: the protocol, the port and where the stack comes from. */
    static final class Common {
        @Option(names = {"-u", "--udp"}, description = "UDP instead of TCP")
        boolean udp;

        @Option(names = {"-p", "--port"}, defaultValue = "5001", description = "port (default ${DEFAULT-VALUE})")
        int port;

        @ArgGroup(exclusive = false, multiplicity = "0..1", heading = "User-space stack on a device:%n")
        StackOptions stack;

        Winsock process(StackHost[] opened, PrintStream out) throws InterruptedException {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("bad --port " + port);
            }
            return PerfCommand.process(stack, opened, out);
        }
    }

    /**
     * The ws2_32 process a command runs in: over the user-space stack on the device the options
     * name (opened and started, left in {@code opened[0]} for the caller to close), or over the
     * host stack when there are none.
     */
    static Winsock process(StackOptions stack, StackHost[] opened, PrintStream out) throws InterruptedException {
        if (stack == null) {
            return Processes.host();
        }
        StackHost host = stack.open("sockstack", out);
        opened[0] = host;
        host.start();
        if (stack.ipv6()) {
            StackOptions.awaitAddresses(host);
        }
        return Processes.stack(host.stack());
    }

    @Command(name = "server", mixinStandardHelpOptions = true,
            description = "Count what clients send and report each transfer; runs until interrupted (or --once).")
    static final class Server implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Common common;

        @Option(names = "--once", description = "exit after the first transfer")
        boolean once;

        @Override
        public Integer call() throws Exception {
            PrintStream out = System.out;
            StackHost[] opened = new StackHost[1];
            try {
                Winsock ws = common.process(opened, out);
                InetAddress any = InetAddress.getByName("0.0.0.0"); // the server takes IPv4 clients
                CountDownLatch stop = new CountDownLatch(1);
                for (String signal : new String[] {"INT", "TERM"}) {
                    sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> stop.countDown());
                }
                try (Perf.Server server = Perf.Server.start(ws, common.udp, any, common.port, out)) {
                    if (once) {
                        while (server.reports().poll(100, TimeUnit.MILLISECONDS) == null && stop.getCount() > 0) {
                            // wait for one transfer or a signal
                        }
                    } else {
                        stop.await();
                    }
                }
                return 0;
            } finally {
                if (opened[0] != null) {
                    opened[0].close();
                }
            }
        }
    }

    @Command(name = "client", mixinStandardHelpOptions = true,
            description = "Send to a perf server and report Mbit/s (TCP over the stack: retransmissions and RTT too).")
    static final class Client implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Common common;

        @Parameters(index = "0", arity = "0..1", paramLabel = "HOST",
                description = "the server's IPv4 or IPv6 address (not with --sim)")
        String host;

        @Option(names = {"-n", "--bytes"}, paramLabel = "SIZE", converter = SimCommand.SizeConverter.class,
                description = "octets to send, e.g. 10M or 64KiB (default: 10M unless --time)")
        Long bytes;

        @Option(names = {"-t", "--time"}, paramLabel = "TIME", converter = SimCommand.TimeConverter.class,
                description = "send for this long instead, e.g. 10s")
        Duration time;

        @Option(names = {"-l", "--length"}, paramLabel = "SIZE", converter = SimCommand.SizeConverter.class,
                description = "octets per send (default 128KiB for TCP, 1470 for UDP)")
        Long length;

        @Option(names = {"-b", "--rate"}, paramLabel = "RATE", converter = SimCommand.RateConverter.class,
                defaultValue = "10M", description = "UDP sending rate in bit/s, 0 for no limit (default ${DEFAULT-VALUE})")
        long rate;

        @Option(names = "--sim", description = "run the server and the client on two user-space stacks in this "
                + "process, joined by an in-memory link (" + StackPair.ADDRESS_A + " -> " + StackPair.ADDRESS_B + ")")
        boolean sim;

        @Override
        public Integer call() throws Exception {
            if (bytes != null && time != null) {
                throw new IllegalArgumentException("--bytes and --time contradict each other");
            }
            long len = length != null ? length : common.udp ? Perf.UDP_LENGTH : Perf.TCP_LENGTH;
            if (len > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("bad --length " + len);
            }
            Perf.Options o = new Perf.Options(common.udp, time != null ? 0 : bytes != null ? bytes : 10_000_000L,
                    time, (int) len, rate);
            PrintStream out = System.out;
            if (sim) {
                if (host != null || common.stack != null) {
                    throw new IllegalArgumentException("--sim picks both ends itself: no HOST, --tap or --iface");
                }
                return runSim(o, out);
            }
            if (host == null) {
                throw new IllegalArgumentException("say which HOST to send to (or --sim)");
            }
            InetAddress server = address(host);
            StackHost[] opened = new StackHost[1];
            try {
                Perf.Report r = Perf.client(common.process(opened, out), new InetSocketAddress(server, common.port), o, out);
                return r.peerBytes() < 0 || r.peerBytes() == r.bytes() || common.udp ? 0 : 1;
            } finally {
                if (opened[0] != null) {
                    opened[0].close();
                }
            }
        }

        private int runSim(Perf.Options o, PrintStream out) throws InterruptedException {
            out.println("perf: two user-space stacks in this process, " + StackPair.ADDRESS_A + " -> "
                    + StackPair.ADDRESS_B + " over an in-memory link");
            try (StackPair pair = new StackPair();
                 Perf.Server server = Perf.Server.start(pair.processB(), o.udp(), address("0.0.0.0"), common.port, out)) {
                Perf.Report r = Perf.client(pair.processA(),
                        new InetSocketAddress(address(StackPair.ADDRESS_B), server.port()), o, out);
                server.reports().poll(10, TimeUnit.SECONDS); // its report is printed as it finishes
                return o.udp() || r.peerBytes() == r.bytes() ? 0 : 1;
            }
        }

        private static InetAddress address(String text) {
            if (!text.matches("[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:.]*")) {
                throw new IllegalArgumentException("HOST must be an IPv4 or IPv6 address: " + text);
            }
            try {
                return InetAddress.getByName(text);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("HOST must be an IPv4 or IPv6 address: " + text);
            }
        }
    }
}
