package org.sockstack.testbed.demo;

import io.netty.buffer.Unpooled;
import org.sockstack.drivers.sim.LinkConfig;
import org.sockstack.drivers.sim.SimNetwork;
import org.sockstack.drivers.sim.SimPort;
import org.sockstack.stack.Stack;
import org.sockstack.stack.StackConfig;
import org.sockstack.stack.icmp.IcmpEchoSocket;
import org.sockstack.stack.iface.NetworkInterface;
import org.sockstack.stack.loop.EventLoop;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.stats.TraceEvent;
import org.sockstack.stack.tcp.TcpState;
import org.sockstack.stack.udp.UdpDatagram;
import org.sockstack.stack.udp.UdpSocket;
import org.sockstack.stack.iface.Ipv6InterfaceAddress;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.Ipv6Address;
import org.sockstack.stack.wire.MacAddress;
import org.sockstack.testbed.apps.Perf;
import org.sockstack.testbed.apps.Processes;
import org.sockstack.testbed.apps.StackPair;
import org.sockstack.testbed.control.StackReport;
import org.sockstack.testbed.host.StackHost;
import org.sockstack.testbed.lab.Lab;
import org.sockstack.testbed.lab.ProcResult;
import org.sockstack.testbed.services.HttpContent;
import org.sockstack.testbed.services.TcpServices;
import org.sockstack.testbed.services.UdpServices;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The demo: the stack on a TAP device in a private namespace, exercised by the Linux kernel's own
 * tools, with a transcript: what ran and what it printed, a packet trace of the first exchanges,
 * and the stack's counters; a capture file for Wireshark is left behind. Without the privilege for
 * TAP devices it runs two stacks on the simulated network instead, and says so. Every step reports
 * ok or FAIL; any failure makes the demo fail.
 */
public final class Demo {
    static final Ipv4Address KERNEL = Ipv4Address.parse("192.0.2.1");
    static final Ipv4Address STACK = Ipv4Address.parse("192.0.2.2");
    static final Ipv6Address KERNEL6 = Ipv6Address.parse("2001:db8::1");
    static final Ipv6Address STACK6 = Ipv6Address.parse("2001:db8::2");
    static final long DOWNLOAD = 50_000_000L;
    /** What the stack's perf client sends to the kernel (lab) or to the other stack (simulated). */
    static final long PERF_BYTES = 20_000_000L;
    static final long SIM_PERF_BYTES = 2_000_000L;
    private static final int TRACE_LINES = 16;

    private final PrintStream out;
    private final Path capture;
    private final List<String> packetTrace = Collections.synchronizedList(new ArrayList<>());
    private int failures;

    public Demo(PrintStream out, Path capture) {
        this.out = out;
        this.capture = capture;
    }

    /** Runs the demo; true if every step passed. */
    public boolean run(boolean forceSimulated) {
        String reason = Lab.unavailableReason();
        if (forceSimulated || reason != null) {
            out.println("== Sockstack demo on the simulated network"
                    + (reason != null ? " (" + reason + ")" : " (--simulated)"));
            runSimulated();
        } else {
            out.println("== Sockstack demo: the stack on a TAP device, the Linux kernel as its peer");
            runLab();
        }
        out.println(failures == 0 ? "== demo passed" : "== demo FAILED: " + failures + " step(s) failed");
        return failures == 0;
    }

    // ------------------------------------------------------------------ the lab

    private void runLab() {
        String ifname = Lab.uniqueInterfaceName("ssdemo");
        try (StackHost host = StackHost.onTap(ifname, StackHost.macFor(ifname), 1500,
                StackConfig.defaults("demo").withSeed(1), capture);
             Lab lab = Lab.create()) {
            out.println("-- lab: namespace " + lab.namespace() + ", TAP " + ifname + "; kernel " + KERNEL
                    + "/24 " + KERNEL6 + "/64, stack " + STACK + "/24 " + STACK6 + "/64 (" + host.iface().macAddress() + ")");
            lab.adoptInterface(ifname, KERNEL + "/24", KERNEL6 + "/64");
            Ipv6InterfaceAddress[] v6 = new Ipv6InterfaceAddress[1];
            host.run(() -> {
                traceFirstPackets(host.stack());
                host.stack().addIpv4Address(host.iface(), STACK, 24);
                host.stack().enableIpv6(host.iface());
                v6[0] = host.stack().addIpv6Address(host.iface(), STACK6, 64);
                UdpServices.start(host.stack(), List.of("echo", "discard", "daytime", "chargen"), ZonedDateTime::now);
                TcpServices.start(host.stack(), List.of("echo", "discard", "chargen", "http"));
            });
            host.start();

            ProcResult ping = kernel(lab, "ping", "-c", "3", "-i", "0.2", "-W", "2", STACK.toString());
            step("kernel pings the stack", ping.output().contains(" 0% packet loss"), ping);
            ProcResult big = kernel(lab, "ping", "-c", "2", "-i", "0.2", "-W", "2", "-s", "8000", STACK.toString());
            step("8000-byte pings, fragmented both ways", big.output().contains(" 0% packet loss"), big);
            ProcResult arping = kernel(lab, "arping", "-c", "2", "-w", "5", "-I", ifname, STACK.toString());
            step("arping resolves the stack", arping.output().contains("Received 2 response"), arping);
            ProcResult echo = kernel(lab, "sh", "-c", "echo hello-from-linux | socat -t 2 -T 2 - UDP4:" + STACK + ":7");
            step("UDP echo (port 7) answers", echo.output().contains("hello-from-linux"), echo);
            ProcResult refused = kernel(lab, "/usr/bin/python3", "-c", "import socket\n"
                    + "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2)\n"
                    + "s.connect(('" + STACK + "', 4444)); s.send(b'x')\n"
                    + "try:\n    s.recv(1); print('answered')\n"
                    + "except ConnectionRefusedError:\n    print('connection refused (ICMP port unreachable)')\n"
                    + "except socket.timeout:\n    print('timeout')\n");
            step("a closed UDP port is refused", refused.output().contains("refused"), refused);
            stackPingsKernel(host);
            awaitIpv6(host, v6[0]);
            ProcResult ping6 = kernel(lab, "ping", "-6", "-c", "3", "-i", "0.2", "-W", "2", STACK6.toString());
            step("kernel pings the stack over IPv6 (after duplicate address detection)",
                    ping6.output().contains(" 0% packet loss"), ping6);
            ProcResult curl = kernel(lab, "sh", "-c", "curl -sS -m 60 -o /dev/null -w "
                    + "'%{http_code} %{size_download} bytes, %{speed_download} bytes/s\\n' http://" + STACK + "/bytes/" + DOWNLOAD);
            step("curl downloads " + DOWNLOAD / 1_000_000 + " MB from the stack's HTTP server over TCP",
                    curl.output().startsWith("200 " + DOWNLOAD), curl);
            ProcResult sha = kernel(lab, "sh", "-c", "curl -sS -m 60 http://" + STACK + "/bytes/1000000 | sha256sum");
            step("and the content is byte-exact (SHA-256 of /bytes/1000000)",
                    sha.output().startsWith(expectedSha256(1_000_000)), sha);
            ProcResult upload = kernel(lab, "sh", "-c", "head -c 100000000 /dev/zero | timeout 60 nc -N " + STACK
                    + " 9 && echo 'uploaded 100 MB into discard (port 9)'");
            step("the kernel uploads 100 MB into TCP discard", upload.output().contains("uploaded"), upload);
            stackPerfToKernel(lab, host);

            printTrace();
            host.flushCapture();
            out.println("-- stack counters (like netstat -s):");
            out.print(indent(host.call(() -> host.stack().counters().format(true))));
            out.println("-- capture written to " + capture.toAbsolutePath() + " (open it in Wireshark)");
        } catch (RuntimeException e) {
            step("lab setup", false, e.getMessage());
        }
    }

    /** Waits (at most 5 s) until duplicate address detection has finished for the address. */
    private void awaitIpv6(StackHost host, Ipv6InterfaceAddress a) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline
                && host.call(a::state) == Ipv6InterfaceAddress.State.TENTATIVE) {
            try {
                TimeUnit.MILLISECONDS.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static String expectedSha256(long n) {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            byte[] chunk = new byte[1 << 16];
            HttpContent.fill(chunk, 0, chunk.length, 0);
            for (long left = n; left > 0; left -= chunk.length) {
                sha.update(chunk, 0, (int) Math.min(left, chunk.length));
            }
            return java.util.HexFormat.of().formatHex(sha.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private ProcResult kernel(Lab lab, String... command) {
        out.println("$ " + String.join(" ", command).replace("\n", "; "));
        ProcResult r = lab.exec(Duration.ofSeconds(90), command);
        out.print(indent(tail(r.output(), 4)));
        return r;
    }

    private void stackPingsKernel(StackHost host) {
        out.println("$ sockstack ping -c 3 " + KERNEL + "   (from the stack to the kernel)");
        LinkedBlockingQueue<IcmpEchoSocket.Reply> replies = new LinkedBlockingQueue<>();
        IcmpEchoSocket s = host.call(() -> {
            IcmpEchoSocket socket = host.stack().icmpv4().openEcho();
            socket.setListener(e -> {
                IcmpEchoSocket.Reply r;
                while ((r = socket.receive()) != null) {
                    replies.add(r);
                }
            });
            return socket;
        });
        int received = 0;
        try {
            for (int seq = 1; seq <= 3; seq++) {
                int sq = seq;
                long sent = System.nanoTime();
                host.call(() -> s.send(KERNEL.bits(), sq, Unpooled.wrappedBuffer(new byte[56]), 64, host.loop().clock().nanos()));
                IcmpEchoSocket.Reply r = replies.poll(2, TimeUnit.SECONDS);
                if (r != null) {
                    received++;
                    out.printf("       64 bytes from %s: icmp_seq=%d ttl=%d time=%.3f ms%n", KERNEL, r.sequence(), r.ttl(),
                            (r.received() - sent) / 1e6);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            host.run(s::close);
        }
        step("the stack pings the kernel", received == 3, received + " of 3 replies");
    }

    // ------------------------------------------------------------------ simulated

    private void runSimulated() {
        try (SimNetwork net = new SimNetwork(1)) {
            EventLoop loopA = new EventLoop("a", net.clock());
            EventLoop loopB = new EventLoop("b", net.clock());
            net.register(loopA);
            net.register(loopB);
            SimPort portA = net.port("sim0", MacAddress.parse("02:00:00:00:00:01"), 1500);
            SimPort portB = net.port("sim1", MacAddress.parse("02:00:00:00:00:02"), 1500);
            net.link(portA, portB, LinkConfig.builder().rate(100_000_000L).propagationDelay(Duration.ofMillis(1)).build());
            Stack a = new Stack(loopA, StackConfig.defaults("a").withSeed(1));
            Stack b = new Stack(loopB, StackConfig.defaults("b").withSeed(2));
            NetworkInterface ifA = a.addInterface(portA);
            NetworkInterface ifB = b.addInterface(portB);
            traceFirstPackets(a);
            a.addIpv4Address(ifA, KERNEL, 24);
            b.addIpv4Address(ifB, STACK, 24);
            UdpServices.start(b, List.of("echo"), ZonedDateTime::now);
            out.println("-- simulated link 100 Mbit/s, 1 ms delay: stack a " + KERNEL + " <-> stack b " + STACK);

            IcmpEchoSocket ping = a.icmpv4().openEcho();
            int replies = 0;
            for (int seq = 1; seq <= 3; seq++) {
                ping.send(STACK.bits(), seq, Unpooled.wrappedBuffer(new byte[56]), 64, net.now());
                long sent = net.now();
                net.runUntil(() -> ping.queued() > 0, Duration.ofSeconds(2));
                IcmpEchoSocket.Reply r = ping.receive();
                if (r != null) {
                    replies++;
                    out.printf("       64 bytes from %s: icmp_seq=%d time=%.3f ms (virtual)%n", STACK, r.sequence(),
                            (r.received() - sent) / 1e6);
                }
            }
            step("stack a pings stack b", replies == 3, replies + " of 3 replies");

            UdpSocket udp = a.udp().open();
            udp.sendTo(Unpooled.wrappedBuffer("hello-over-sim".getBytes(StandardCharsets.US_ASCII)),
                    new Endpoint(STACK, 7), net.now());
            net.runUntil(() -> udp.queuedDatagrams() > 0, Duration.ofSeconds(2));
            UdpDatagram d = udp.receive();
            String text = d == null ? "" : d.data().toString(StandardCharsets.US_ASCII);
            if (d != null) {
                d.data().release();
            }
            step("UDP echo from stack b", text.equals("hello-over-sim"), "got '" + text + "'");
            udp.close();
            ping.close();
            printTrace();
            out.println("-- stack a counters:");
            out.print(indent(a.counters().format(true)));
        }
        perfBetweenStacks();
    }

    /**
     * The perf tool (a Winsock program) on two real-time stacks joined in memory: the Winsock
     * API cannot block on the simulator's virtual time, so this pair is not the simulated link.
     */
    private void perfBetweenStacks() {
        out.println("$ sockstack perf client --sim --bytes " + SIM_PERF_BYTES
                + "   (a Winsock program on two real-time stacks joined in memory)");
        java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
        PrintStream perfOut = new PrintStream(text, true, StandardCharsets.UTF_8);
        long received = -1;
        Perf.Report r = null;
        String view = null;
        try (StackPair pair = new StackPair();
             Perf.Server server = Perf.Server.start(pair.processB(), false, StackPair.address("0.0.0.0"), Perf.DEFAULT_PORT,
                     perfOut)) {
            ConnectionSampler sampler = new ConnectionSampler(pair.a(), q -> onLoop(pair.a(), q));
            try {
                r = Perf.client(pair.processA(), new java.net.InetSocketAddress(StackPair.address(StackPair.ADDRESS_B),
                        server.port()), Perf.Options.tcpBytes(SIM_PERF_BYTES), perfOut);
            } finally {
                view = sampler.stop();
            }
            Perf.Report got = server.reports().poll(10, TimeUnit.SECONDS);
            received = got == null ? -1 : got.bytes();
        } catch (RuntimeException | InterruptedException e) {
            perfOut.println(e.getMessage());
        }
        out.print(indent(text.toString(StandardCharsets.UTF_8)));
        printConnectionView(view);
        step("perf: stack a sends " + SIM_PERF_BYTES / 1_000_000 + " MB over TCP to stack b's perf server, "
                + "every byte counted", r != null && r.bytes() == SIM_PERF_BYTES && received == SIM_PERF_BYTES,
                text.toString(StandardCharsets.UTF_8));
    }

    /**
     * The stack's perf client (a Winsock program over the stack provider) sends to a kernel-side
     * sink, socat into wc -c, which counts what the kernel's TCP delivered.
     */
    private void stackPerfToKernel(Lab lab, StackHost host) {
        out.println("$ socat -u TCP4-LISTEN:" + Perf.DEFAULT_PORT + " - | wc -c   (the kernel's sink)");
        Process sink = lab.spawn("sh", "-c", "timeout 60 socat -u TCP4-LISTEN:" + Perf.DEFAULT_PORT
                + ",reuseaddr - | wc -c");
        lab.exec(Duration.ofSeconds(10), "sh", "-c", "for i in $(seq 100); do ss -ltn | grep -q ':"
                + Perf.DEFAULT_PORT + " ' && exit 0; sleep 0.05; done; exit 1");
        out.println("$ sockstack perf client " + KERNEL + " --tap ... --bytes " + PERF_BYTES + "   (from the stack)");
        java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
        PrintStream perfOut = new PrintStream(text, true, StandardCharsets.UTF_8);
        Perf.Report r = null;
        ConnectionSampler sampler = new ConnectionSampler(host.stack(), host::call);
        try {
            r = Perf.client(Processes.stack(host.stack()), new java.net.InetSocketAddress(StackPair.address(KERNEL.toString()),
                    Perf.DEFAULT_PORT), Perf.Options.tcpBytes(PERF_BYTES), perfOut);
        } catch (RuntimeException e) {
            perfOut.println(e.getMessage());
        }
        String view = sampler.stop();
        String counted = Lab.outputOf(sink, Duration.ofSeconds(20)).trim();
        perfOut.println("kernel side: wc -c counted " + counted + " bytes");
        out.print(indent(text.toString(StandardCharsets.UTF_8)));
        printConnectionView(view);
        step("perf: the stack sends " + PERF_BYTES / 1_000_000 + " MB over TCP to the kernel, every byte counted",
                r != null && r.bytes() == PERF_BYTES && counted.equals(Long.toString(PERF_BYTES)),
                text.toString(StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------------ transcript helpers

    /**
     * Takes the sending stack's connection table, as {@code sockstack ss -i} shows it, while a
     * transfer runs: polled every 10 ms from a virtual thread until a connection has data in
     * flight (each poll runs on the stack's loop).
     */
    private static final class ConnectionSampler {
        private final Thread thread;
        private volatile boolean stopped;
        private volatile String view;

        ConnectionSampler(Stack stack, Function<Supplier<String>, String> onLoop) {
            thread = Thread.ofVirtual().start(() -> {
                while (!stopped && view == null) {
                    try {
                        view = onLoop.apply(() -> {
                            long now = stack.loop().clock().nanos();
                            boolean sending = stack.tcp().connections(now).stream()
                                    .anyMatch(i -> i.state() == TcpState.ESTABLISHED && i.bytesInFlight() > 0);
                            return sending ? StackReport.connections(stack, now, true) : null;
                        });
                        TimeUnit.MILLISECONDS.sleep(10);
                    } catch (InterruptedException | RuntimeException e) {
                        return;
                    }
                }
            });
        }

        /** Stops sampling; the view taken, or null if the transfer never showed data in flight. */
        String stop() {
            stopped = true;
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return view;
        }
    }

    private static String onLoop(Stack stack, Supplier<String> query) {
        try {
            return stack.loop().submit(query).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private void printConnectionView(String view) {
        out.println("-- the sender's TCP connections during the transfer ($ sockstack ss -i):");
        out.print(indent(view == null ? "(no connection had data in flight when sampled)" : view));
    }

    private void traceFirstPackets(Stack stack) {
        stack.trace().setListener(e -> {
            if (e.kind() == TraceEvent.Kind.PACKET || e.kind() == TraceEvent.Kind.DROP) {
                if (packetTrace.size() < TRACE_LINES) {
                    packetTrace.add(e.kind() == TraceEvent.Kind.DROP
                            ? "       ^ dropped by " + e.layer() + ": " + e.message()
                            : e.layer() + " " + e.message());
                }
            }
        });
        stack.trace().enable(true);
        stack.setPacketTrace(true);
    }

    private void printTrace() {
        out.println("-- packet trace, first " + packetTrace.size() + " frames seen by the stack:");
        synchronized (packetTrace) {
            for (String line : packetTrace) {
                out.println("       " + line);
            }
        }
    }

    private void step(String what, boolean ok, ProcResult r) {
        step(what, ok, r.output());
    }

    private void step(String what, boolean ok, String detail) {
        out.println((ok ? "[ ok ] " : "[FAIL] ") + what);
        if (!ok) {
            failures++;
            out.print(indent(detail == null ? "" : detail));
        }
    }

    private static String tail(String text, int lines) {
        List<String> all = text.lines().filter(l -> !l.isBlank()).toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
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
