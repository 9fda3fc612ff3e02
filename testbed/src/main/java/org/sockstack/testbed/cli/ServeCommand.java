package org.sockstack.testbed.cli;

import org.sockstack.testbed.host.StackHost;
import org.sockstack.testbed.services.TcpServices;
import org.sockstack.testbed.services.UdpServices;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
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

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        List<String> names = services.equals(List.of("none")) ? List.of() : services;
        try (StackHost host = stackOptions.open("sockstack", out)) {
            UdpServices udp = host.call(() -> UdpServices.start(host.stack(), names, ZonedDateTime::now,
                    stackOptions.ipv6()));
            TcpServices tcp = host.call(() -> TcpServices.start(host.stack(), names, stackOptions.ipv6()));
            CountDownLatch stop = new CountDownLatch(1);
            // SIGINT/SIGTERM end the run normally (counters printed, exit 0) rather than killing the JVM.
            for (String signal : new String[] {"INT", "TERM"}) {
                sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> stop.countDown());
            }
            host.start();
            out.println("sockstack ready on " + stackOptions.interfaceName()
                    + (stackOptions.netns != null ? " in netns " + stackOptions.netns : "") + ": "
                    + stackOptions.addr + (stackOptions.addr6 != null ? " " + stackOptions.addr6 : "")
                    + (stackOptions.ipv6() ? " ipv6" : "") + " mac " + host.iface().macAddress() + ", services " + names);
            out.flush();
            stop.await();
            host.run(() -> {
                udp.close();
                tcp.close();
            });
            out.println("sockstack stopping; counters:");
            out.print(host.call(() -> host.stack().counters().format(true)));
            out.flush();
        }
        return 0;
    }
}
