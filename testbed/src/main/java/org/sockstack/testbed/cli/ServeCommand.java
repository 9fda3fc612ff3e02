package org.sockstack.testbed.cli;

import org.sockstack.testbed.apps.ApiHttpServer;
import org.sockstack.testbed.apps.Processes;
import org.sockstack.testbed.control.ControlPaths;
import org.sockstack.testbed.control.ControlServer;
import org.sockstack.testbed.host.StackHost;
import org.sockstack.testbed.services.HttpServer;
import org.sockstack.testbed.services.JitWarmUp;
import org.sockstack.testbed.services.TcpServices;
import org.sockstack.testbed.services.UdpServices;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.net.InetAddress;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code sockstack serve}: puts the stack on a device with its services and runs until
 * SIGINT/SIGTERM, then prints its counters and exits 0.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the stack on a TAP device (or an interface through pcap) until interrupted; "
                + "prints a line containing 'ready' once it answers.")
public final class ServeCommand implements Callable<Integer> {

    @Mixin
    StackOptions stackOptions;

    @Option(names = "--services", split = ",", paramLabel = "LIST",
            defaultValue = "echo,discard,daytime,chargen,http",
            description = "services to run: echo (7, TCP and UDP), discard (9, TCP and UDP), daytime (13, UDP), "
                    + "chargen (19, TCP and UDP), http (80, TCP); 'none' for none (default: ${DEFAULT-VALUE})")
    List<String> services;

    @Option(names = "--name", paramLabel = "NAME",
            description = "instance name for the control socket that 'sockstack ss', 'stats' and 'trace' ask "
                    + "(default: the device name)")
    String name;

    @Option(names = "--no-control", description = "do not open the control socket")
    boolean noControl;

    @Option(names = "--warm-up",
            description = "before opening the device, run the services against a private client stack over the "
                    + "TAP driver on a socket pair (2-3 seconds: 20,000 connections, request-response, bulk both "
                    + "ways, UDP, ping) so the JIT has compiled the protocol and driver code when the first real "
                    + "client comes")
    boolean warmUp;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        List<String> names = services.equals(List.of("none")) ? List.of() : services;
        if (warmUp) {
            warmUp(out, stackOptions.txThread);
        }
        try (StackHost host = stackOptions.open("sockstack", out)) {
            UdpServices udp = host.call(() -> UdpServices.start(host.stack(), names, ZonedDateTime::now,
                    stackOptions.ipv6()));
            // echo, discard and chargen sit on the stack's own sockets; http is a Winsock program (below).
            List<String> stackNative = names.stream().filter(n -> !n.equals("http")).toList();
            TcpServices tcp = host.call(() -> TcpServices.start(host.stack(), stackNative, stackOptions.ipv6()));
            CountDownLatch stop = new CountDownLatch(1);
            // SIGINT/SIGTERM end the run normally (counters printed, exit 0) rather than killing the JVM.
            for (String signal : new String[] {"INT", "TERM"}) {
                sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> stop.countDown());
            }
            host.start();
            ApiHttpServer http = names.contains("http") ? startHttp(host, stackOptions.ipv6()) : null;
            ControlServer control = noControl ? null : startControl(host, out);
            out.println("sockstack ready on " + stackOptions.interfaceName()
                    + (stackOptions.netns != null ? " in netns " + stackOptions.netns : "") + ": "
                    + stackOptions.addr + (stackOptions.addr6 != null ? " " + stackOptions.addr6 : "")
                    + (stackOptions.ipv6() ? " ipv6" : "") + " mac " + host.iface().macAddress() + ", services " + names);
            out.flush();
            try {
                stop.await();
            } finally {
                if (control != null) {
                    control.close(); // removes the socket file
                }
            }
            if (http != null) {
                http.close();
            }
            host.run(() -> {
                udp.close();
                tcp.close();
            });
            out.println("sockstack stopping; counters:");
            out.print(host.call(() -> host.stack().counters().format(true)));
            printTapCounters(host, out);
            out.flush();
        }
        return 0;
    }

    /** The JIT warm-up; a failure is reported and serving goes on (the warm-up only saves time). */
    private static void warmUp(PrintStream out, boolean transmitThread) {
        try {
            out.println("sockstack warm-up: " + JitWarmUp.run(JitWarmUp.ROUNDS, transmitThread));
        } catch (RuntimeException e) {
            out.println("sockstack warm-up stopped early (" + e.getMessage() + "); serving anyway");
        }
        out.flush();
    }

    /** The TAP driver's own counts (the stack counts frames, not how the driver wrote them). */
    private static void printTapCounters(StackHost host, PrintStream out) {
        var tap = host.tap();
        if (tap == null) {
            return;
        }
        String p = "tap." + tap.name() + ".";
        out.printf("%-48s %d%n", p + "tx.written_by_tx_thread", tap.txByThread());
        out.printf("%-48s %d%n", p + "tx.ring_drops", tap.txRingDrops());
        out.printf("%-48s %d%n", p + "tx.errors", tap.txErrors());
        if (tap.offload()) {
            out.printf("%-48s %d%n", p + "tx.super_frames", tap.txSuperFrames());
            out.printf("%-48s %d%n", p + "rx.super_frames", tap.rxSuperFrames());
        }
    }

    /**
     * The control socket ({@link ControlServer}): {@code NAME.sock} in the runtime directory,
     * answered on the stack's loop; trace events switched on through it print here.
     */
    private ControlServer startControl(StackHost host, PrintStream out) throws java.io.IOException {
        String instance = ControlPaths.checkName(name != null ? name : stackOptions.interfaceName());
        java.nio.file.Path path = ControlPaths.serverDirectory().resolve(instance + ".sock");
        ControlServer control = ControlServer.start(path, host.stack(), host::call, e -> out.println("trace " + e));
        out.println("sockstack control socket " + path + " (sockstack ss --name " + instance + ")");
        return control;
    }

    /**
     * The HTTP service (port 80 on 0.0.0.0 and, with IPv6, on ::): {@link ApiHttpServer}, a Winsock
     * program in a ws2_32 process over this stack, its status page read from the stack's loop.
     */
    private ApiHttpServer startHttp(StackHost host, boolean ipv6) throws java.net.UnknownHostException {
        List<InetAddress> any = ipv6 ? List.of(InetAddress.getByName("0.0.0.0"), InetAddress.getByName("::"))
                : List.of(InetAddress.getByName("0.0.0.0"));
        return ApiHttpServer.start(Processes.stack(host.stack()), any, 80,
                () -> host.call(() -> HttpServer.statusPage(host.stack(), host.loop().clock().nanos())));
    }
}
