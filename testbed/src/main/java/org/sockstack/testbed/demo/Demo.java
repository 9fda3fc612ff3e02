package org.sockstack.testbed.demo;

import org.sockstack.stack.Stack;
import org.sockstack.stack.StackConfig;
import org.sockstack.stack.device.ChannelDevice;
import org.sockstack.stack.iface.NetworkInterface;
import org.sockstack.stack.loop.EventLoop;
import org.sockstack.stack.loop.ManualClock;
import org.sockstack.stack.neighbor.NeighborEntry;
import org.sockstack.stack.wire.EtherType;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.MacAddress;
import org.sockstack.testbed.host.StackHost;
import org.sockstack.testbed.lab.Lab;
import org.sockstack.testbed.lab.ProcResult;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The demo: the stack on a TAP device in a private namespace, exercised by the Linux kernel's own
 * tools, with a transcript of what ran. Without the privilege for TAP devices it runs two stacks on
 * an in-memory link instead, and says so. Every step reports ok or FAILED; any failure makes the
 * demo fail.
 */
public final class Demo {
    static final Ipv4Address KERNEL = Ipv4Address.parse("192.0.2.1");
    static final Ipv4Address STACK = Ipv4Address.parse("192.0.2.2");

    private final PrintStream out;
    private int failures;

    public Demo(PrintStream out) {
        this.out = out;
    }

    /** Runs the demo; true if every step passed. */
    public boolean run(boolean forceSimulated) {
        String reason = Lab.unavailableReason();
        if (forceSimulated || reason != null) {
            out.println("== Sockstack demo on the simulated network"
                    + (reason != null ? " (" + reason + ")" : " (--simulated)"));
            runSimulated();
        } else {
            out.println("== Sockstack demo against the Linux kernel over a TAP device");
            runLab();
        }
        out.println(failures == 0 ? "== demo passed" : "== demo FAILED: " + failures + " step(s) failed");
        return failures == 0;
    }

    private void runLab() {
        String ifname = Lab.uniqueInterfaceName("ssdemo");
        try (StackHost host = StackHost.onTap(ifname, StackHost.macFor(ifname), 1500, StackConfig.defaults("demo"));
             Lab lab = Lab.create()) {
            out.println("-- namespace " + lab.namespace() + ", TAP " + ifname + ": kernel " + KERNEL + "/24, stack "
                    + STACK + "/24 (" + host.iface().macAddress() + ")");
            lab.adoptInterface(ifname, KERNEL + "/24");
            host.stack().addIpv4Address(host.iface(), STACK, 24);
            host.start();

            ProcResult arping = lab.exec(Duration.ofSeconds(15), "arping", "-c", "3", "-w", "10", "-I", ifname,
                    STACK.toString());
            step("kernel resolves the stack with ARP: arping -c 3 " + STACK,
                    arping.output().contains("Received 3 response") || arping.output().matches("(?s).*Received [1-9].*"),
                    arping.output());
            ProcResult neigh = lab.ip("neigh", "show", STACK.toString());
            step("kernel neighbour table maps " + STACK + " to the stack's MAC",
                    neigh.output().contains(host.iface().macAddress().toString()), neigh.output());
            out.println("-- stack counters:");
            out.print(indent(host.call(() -> host.stack().counters().format(true))));
        } catch (RuntimeException e) {
            step("lab setup", false, e.getMessage());
        }
    }

    private void runSimulated() {
        ManualClock clock = new ManualClock();
        EventLoop loopA = new EventLoop("a", clock);
        EventLoop loopB = new EventLoop("b", clock);
        ChannelDevice devA = new ChannelDevice("sim0", MacAddress.parse("02:00:00:00:00:01"), 1500);
        ChannelDevice devB = new ChannelDevice("sim1", MacAddress.parse("02:00:00:00:00:02"), 1500);
        ChannelDevice.pair(devA, devB);
        Stack a = new Stack(loopA, StackConfig.defaults("a").withSeed(1));
        Stack b = new Stack(loopB, StackConfig.defaults("b").withSeed(2));
        NetworkInterface ifA = a.addInterface(devA);
        NetworkInterface ifB = b.addInterface(devB);
        a.addIpv4Address(ifA, KERNEL, 24);
        b.addIpv4Address(ifB, STACK, 24);
        out.println("-- stack a " + KERNEL + " (" + ifA.macAddress() + ") <-> stack b " + STACK + " (" + ifB.macAddress() + ")");
        a.arp(ifA).cache().send(STACK, ifA.newFrame(EtherType.IPV4, 20), clock.nanos());
        for (int i = 0; i < 10; i++) {
            loopA.runUntilIdle();
            loopB.runUntilIdle();
            clock.advance(10, TimeUnit.MILLISECONDS);
        }
        NeighborEntry<Ipv4Address> entry = a.arp(ifA).cache().entry(STACK);
        step("stack a resolves stack b with ARP",
                entry != null && entry.mac() == ifB.mac(), String.valueOf(entry));
        out.println("-- stack a counters:");
        out.print(indent(a.counters().format(true)));
        devA.close();
        devB.close();
    }

    private void step(String what, boolean ok, String detail) {
        out.println((ok ? "[ ok ] " : "[FAIL] ") + what);
        if (!ok) {
            failures++;
            out.print(indent(detail == null ? "" : detail));
        }
    }

    private static String indent(String text) {
        StringBuilder sb = new StringBuilder();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                sb.append("       ").append(line).append('\n');
            }
        }
        return sb.toString();
    }
}
