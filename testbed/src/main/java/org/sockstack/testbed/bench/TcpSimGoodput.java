package org.sockstack.testbed.bench;

import org.sockstack.drivers.sim.LinkConfig;
import org.sockstack.stack.tcp.TcpConfig;

import java.time.Duration;
import java.util.List;

/**
 * End-to-end TCP goodput over the simulated network, on virtual time: a table of loss rate x
 * socket buffer x congestion control for a 100 Mbit/s link with 10 ms one-way delay (20 ms RTT,
 * so the bandwidth-delay product is 250 KB) and a 256 KiB bottleneck queue. Each cell is one
 * seeded transfer; the figures are virtual (deterministic), not wall-clock, so they measure the
 * protocol, not the machine. A benchmark: it prints, it never fails.
 *
 * <pre>java -cp ... org.sockstack.testbed.bench.TcpSimGoodput [MiB per transfer, default 16]</pre>
 */
public final class TcpSimGoodput {
    private TcpSimGoodput() {
    }

    public static void main(String[] args) {
        long mib = args.length > 0 ? Long.parseLong(args[0]) : 16;
        long size = mib << 20;
        double[] losses = {0, 0.001, 0.01, 0.05, 0.10};
        int[] buffers = {64 << 10, 256 << 10, 1 << 20, 4 << 20};
        List<String> algorithms = List.of("cubic", "newreno");
        System.out.printf("TCP goodput (Mbit/s, virtual time), %d MiB per transfer, 100 Mbit/s, RTT 20 ms%n", mib);
        System.out.printf("%-8s %-8s", "loss", "cc");
        for (int b : buffers) {
            System.out.printf(" %10s", (b >> 10) + " KiB");
        }
        System.out.println();
        long wallStart = System.nanoTime();
        for (double loss : losses) {
            for (String cc : algorithms) {
                System.out.printf("%-8s %-8s", String.format("%.1f%%", loss * 100), cc);
                for (int b : buffers) {
                    LinkConfig link = LinkConfig.builder().rate(100_000_000L).propagationDelay(Duration.ofMillis(10))
                            .loss(loss).build();
                    TcpConfig config = TcpConfig.DEFAULT.withCongestionControl(cc);
                    SimTcpTransferRun.Result r = SimTcpTransferRun.run(1, link, config, size, b,
                            Duration.ofHours(2), false);
                    System.out.printf(" %10.1f", r.intact() ? r.goodputMbps() : Double.NaN);
                }
                System.out.println();
            }
        }
        System.out.printf("(wall time %.1f s)%n", (System.nanoTime() - wallStart) / 1e9);
    }
}
