package org.sockstack.testbed.lab;

import org.sockstack.testbed.cli.SockstackCli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code sockstack perf} and {@code sockstack scan} over the stack on a TAP device, with the Linux
 * kernel as the peer: the CLI processes run inside the lab namespace, the stack at 192.0.2.2 and
 * the kernel at 192.0.2.1 (as in {@link CliLabTest}).
 */
class PerfLabTest {

    private static String labTap(Lab lab, String base) {
        String tap = Lab.uniqueInterfaceName(base);
        lab.exec(Duration.ofSeconds(10), "ip", "tuntap", "add", "dev", tap, "mode", "tap").orThrow();
        lab.ip("addr", "add", "192.0.2.1/24", "dev", tap).orThrow();
        lab.ip("link", "set", "dev", tap, "up").orThrow();
        return tap;
    }

    private static String[] cli(String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                SockstackCli.class.getName()));
        cmd.addAll(List.of(args));
        return cmd.toArray(String[]::new);
    }

    /** Waits (at most 20 s) until something listens on TCP {@code port} in the namespace. */
    private static void awaitListener(Lab lab, int port) {
        lab.exec(Duration.ofSeconds(25), "sh", "-c", "for i in $(seq 400); do ss -ltn | grep -q ':" + port
                + " ' && exit 0; sleep 0.05; done; exit 1").orThrow();
    }

    @LabTest
    void stackPerfClientToAKernelSinkCountsEveryByte() {
        try (Lab lab = Lab.create()) {
            String tap = labTap(lab, "ssperf");
            Process sink = lab.spawn("sh", "-c", "timeout 60 socat -u TCP4-LISTEN:5001,reuseaddr - | wc -c");
            awaitListener(lab, 5001);
            ProcResult r = lab.exec(Duration.ofSeconds(90), cli("perf", "client", "192.0.2.1", "--tap", tap, "--addr",
                    "192.0.2.2/24", "--no-ipv6", "--bytes", "5000000"));
            assertTrue(r.ok(), r.output());
            assertTrue(r.output().contains("[TCP sender  ] 5000000 bytes in "), r.output());
            assertTrue(r.output().contains("receiver count unknown (not a perf server)"), r.output());
            assertTrue(r.output().matches("(?s).*tcp_info: retrans \\d+, srtt \\d+\\.\\d+ ms.*"), r.output());
            assertTrue(Lab.outputOf(sink, Duration.ofSeconds(20)).trim().equals("5000000"), "wc -c counted it all");
        }
    }

    @LabTest
    void stackPerfClientToAHostProviderPerfServerInTheNamespace() {
        try (Lab lab = Lab.create()) {
            String tap = labTap(lab, "ssperf");
            // The server is the same program over the host provider: the kernel's TCP in the namespace.
            Process server = lab.spawn(cli("perf", "server", "--once"));
            awaitListener(lab, 5001);
            ProcResult r = lab.exec(Duration.ofSeconds(90), cli("perf", "client", "192.0.2.1", "--tap", tap, "--addr",
                    "192.0.2.2/24", "--no-ipv6", "--time", "1s"));
            assertTrue(r.ok(), r.output());
            String served = Lab.outputOf(server, Duration.ofSeconds(20));
            java.util.regex.Matcher sent = java.util.regex.Pattern.compile("\\[TCP sender  \\] (\\d+) bytes in ")
                    .matcher(r.output());
            assertTrue(sent.find(), r.output());
            assertTrue(r.output().contains("receiver got " + sent.group(1) + " bytes\n"), r.output());
            assertTrue(served.contains("[TCP receiver] " + sent.group(1) + " bytes in "), served);
        }
    }

    @LabTest
    void stackScansTheKernel() {
        try (Lab lab = Lab.create()) {
            String tap = labTap(lab, "ssscan");
            lab.spawn("socat", "-u", "TCP4-LISTEN:5002,reuseaddr,fork", "OPEN:/dev/null");
            awaitListener(lab, 5002);
            ProcResult r = lab.exec(Duration.ofSeconds(90), cli("scan", "192.0.2.1", "--tap", tap, "--addr",
                    "192.0.2.2/24", "--no-ipv6", "--ports", "5000-5003", "--timeout", "2s"));
            assertTrue(r.ok(), r.output());
            assertTrue(r.output().contains("5002/tcp  open\nnot shown: 3 closed, 0 filtered\n"), r.output());
        }
    }
}
