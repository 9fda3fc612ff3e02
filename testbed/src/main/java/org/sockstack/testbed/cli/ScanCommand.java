package org.sockstack.testbed.cli;

import org.sockstack.testbed.apps.PortScan;
import org.sockstack.testbed.host.StackHost;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code sockstack scan HOST}: a TCP connect scan ({@link PortScan}) over the host stack or the user-space stack. */
@Command(name = "scan", mixinStandardHelpOptions = true,
        description = {"TCP connect scan: non-blocking connects and select, a bounded number at a time.",
                "Over the host's stack by default; over the user-space stack with --tap IFNAME --addr ADDR/LEN."})
public final class ScanCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "HOST", description = "IPv4 or IPv6 address to scan")
    String host;

    @Option(names = "--ports", defaultValue = "1-1024", paramLabel = "LIST",
            description = "ports and ranges, e.g. 22,80,8000-8100 (default ${DEFAULT-VALUE})")
    String ports;

    @Option(names = "--concurrency", defaultValue = "32", paramLabel = "N",
            description = "connects in progress at once, 1..64 (default ${DEFAULT-VALUE})")
    int concurrency;

    @Option(names = "--timeout", defaultValue = "1s", paramLabel = "TIME", converter = SimCommand.TimeConverter.class,
            description = "how long a connect may take before the port counts as filtered (default ${DEFAULT-VALUE})")
    Duration timeout;

    @ArgGroup(exclusive = false, multiplicity = "0..1", heading = "User-space stack on a device:%n")
    StackOptions stack;

    @Override
    public Integer call() throws Exception {
        List<Integer> list = parsePorts(ports);
        if (!host.matches("[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:.]*")) {
            throw new IllegalArgumentException("HOST must be an IPv4 or IPv6 address: " + host);
        }
        InetAddress address = InetAddress.getByName(host);
        PrintStream out = System.out;
        StackHost[] opened = new StackHost[1];
        try {
            Map<Integer, PortScan.State> r = PortScan.scan(PerfCommand.process(stack, opened, out), address, list,
                    concurrency, timeout);
            PortScan.print(r, host, out);
            return 0;
        } finally {
            if (opened[0] != null) {
                opened[0].close();
            }
        }
    }

    /** "22,80,8000-8100": the ports, in the order given. */
    static List<Integer> parsePorts(String text) {
        List<Integer> list = new ArrayList<>();
        for (String part : text.split(",")) {
            String[] range = part.trim().split("-", -1);
            try {
                int from = Integer.parseInt(range[0]);
                int to = range.length == 2 ? Integer.parseInt(range[1]) : from;
                if (range.length > 2 || from < 1 || to > 65_535 || from > to) {
                    throw new NumberFormatException();
                }
                for (int p = from; p <= to; p++) {
                    list.add(p);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad port or range '" + part + "' (ports are 1..65535)");
            }
        }
        return list;
    }
}
