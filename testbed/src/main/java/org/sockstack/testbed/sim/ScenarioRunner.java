package org.sockstack.testbed.sim;

import org.sockstack.drivers.sim.SimNetwork;
import org.sockstack.drivers.sim.SimSwitch;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.tcp.TcpConfig;
import org.sockstack.stack.tcp.TcpInfo;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.testbed.viz.LadderDiagram;
import org.sockstack.testbed.viz.TcpLadder;
import org.sockstack.testbed.viz.TcpPlots;
import org.sockstack.testbed.viz.TimeSeriesTable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a {@link Scenario} on the simulated network and writes its results to a directory:
 * <ul>
 *   <li>{@code <host>.pcapng}: a capture of the first sender ({@code a} or {@code s1}) and of the
 *       receiver ({@code b} or {@code r}: every frame that crossed the bottleneck);</li>
 *   <li>{@code flow-N.csv}: the sender's cwnd, ssthresh, srtt, rttvar, rto, bytes acked,
 *       retransmissions and bytes in flight, every {@code sampleInterval} of virtual time;</li>
 *   <li>{@code flow-N-cwnd.svg} and {@code flow-N-rtt.svg}: those series drawn;</li>
 *   <li>{@code ladder.svg}: the first packets of flow 1 as a sequence diagram, times measured
 *       in both captures (a lost packet ends in a cross);</li>
 *   <li>{@code summary.txt}: {@link ScenarioResult#summary()}.</li>
 * </ul>
 *
 * <p>The run: every host's event loop and every link run on one virtual clock on the calling
 * thread. The runner advances the simulation to the next instant it cares about (a sample, a
 * flow's start, the end) and lets the network jump from event to event in between; sampling
 * therefore happens at exact multiples of the interval. In byte mode it stops once every flow
 * has delivered its bytes (after a short drain so the FIN exchange is in the captures).
 */
public final class ScenarioRunner {
    static final Ipv4Address RECEIVER_DUMBBELL = Ipv4Address.parse("192.0.2.100");

    private final Scenario scenario;
    private final Path outDir;
    private final List<SimHost> senders = new ArrayList<>();
    private final List<Flow> flows = new ArrayList<>();
    private final List<FlowSeries> series = new ArrayList<>();
    private SimHost receiver;
    /** The clock when the scenario began (ManualClock does not start at 0); every time written is relative to it. */
    private long base;

    private ScenarioRunner(Scenario scenario, Path outDir) {
        this.scenario = scenario;
        this.outDir = outDir;
    }

    /** Runs {@code scenario}, writing into {@code outDir} (created if needed). */
    public static ScenarioResult run(Scenario scenario, Path outDir) throws IOException {
        Files.createDirectories(outDir);
        return new ScenarioRunner(scenario, outDir).run();
    }

    private ScenarioResult run() throws IOException {
        long end;
        try (SimNetwork net = new SimNetwork(scenario.seed())) {
            base = net.now();
            buildTopology(net);
            createFlows();
            end = simulate(net);
            List<FlowResult> results = results(end);
            for (SimHost h : captured()) {
                h.stopCapture();
            }
            return writeFiles(results, end);
        }
    }

    // ------------------------------------------------------------------ topology

    private void buildTopology(SimNetwork net) {
        if (scenario.topology() == Topology.PAIR) {
            SimHost a = host(net, "a", 1, Ipv4Address.parse("192.0.2.1"), 0, true);
            receiver = host(net, "b", 2, Ipv4Address.parse("192.0.2.2"), -1, true);
            senders.add(a);
            net.link(a.port(), receiver.port(), scenario.bottleneckForward(), scenario.bottleneckReverse());
            return;
        }
        SimSwitch sw = net.newSwitch("sw");
        for (int i = 0; i < scenario.senders(); i++) {
            Ipv4Address addr = new Ipv4Address(Ipv4Address.parse("192.0.2.1").bits() + i);
            SimHost s = host(net, "s" + (i + 1), i + 1, addr, i, i == 0);
            sw.connect(s.port(), scenario.access());
            senders.add(s);
        }
        receiver = host(net, "r", 200, RECEIVER_DUMBBELL, -1, true);
        // The link's forward direction is host to switch: the ACKs; the data leave the switch.
        sw.connect(receiver.port(), scenario.bottleneckReverse(), scenario.bottleneckForward());
    }

    /** A host; {@code senderIndex} picks its congestion control (-1: the receiver, stack default). */
    private SimHost host(SimNetwork net, String name, int number, Ipv4Address addr, int senderIndex, boolean capture) {
        TcpConfig tcp = TcpConfig.DEFAULT;
        String cc = senderIndex < 0 ? null : scenario.congestionControlOf(senderIndex);
        if (cc != null) {
            tcp = CongestionControls.configure(tcp, cc);
        }
        Path file = capture ? outDir.resolve(name + ".pcapng") : null;
        return SimHost.create(net, name, number, addr, tcp, scenario.seed(), file, scenario.snapLength());
    }

    private List<SimHost> captured() {
        List<SimHost> hosts = new ArrayList<>();
        for (SimHost h : senders) {
            if (h.captureFile() != null) {
                hosts.add(h);
            }
        }
        hosts.add(receiver);
        return hosts;
    }

    private void createFlows() {
        long stagger = scenario.stagger().toNanos();
        for (int i = 0; i < scenario.flows(); i++) {
            SimHost sender = senders.get(i % senders.size());
            Flow f = new Flow(i + 1, sender, receiver, base + i * stagger, scenario.bytes());
            f.listen();
            flows.add(f);
            series.add(new FlowSeries());
        }
    }

    // ------------------------------------------------------------------ running

    /** Runs to the end of the scenario; returns the virtual time the last flow finished (or the limit). */
    private long simulate(SimNetwork net) {
        long limit = base + scenario.duration().toNanos();
        long interval = scenario.sampleInterval().toNanos();
        long nextSample = base;
        while (true) {
            long now = net.now();
            startDueFlows(now);
            if (now >= nextSample) {
                sampleAll(now);
                nextSample += interval;
            }
            if (finished() || now >= limit) {
                break;
            }
            long stepEnd = Math.min(Math.min(nextSample, nextStart()), limit);
            net.runUntil(this::finished, Duration.ofNanos(stepEnd - now));
        }
        long end = net.now();
        sampleAll(end); // the last row: the state when the run ended
        if (finished()) {
            net.run(drainTime());
        }
        return end;
    }

    private void startDueFlows(long now) {
        for (Flow f : flows) {
            if (!f.started() && f.startNanos() <= now) {
                f.start(now);
            }
        }
    }

    private long nextStart() {
        long next = Long.MAX_VALUE;
        for (Flow f : flows) {
            if (!f.started()) {
                next = Math.min(next, f.startNanos());
            }
        }
        return next;
    }

    /** Byte mode: every flow delivered everything (or failed). Duration mode: never. */
    private boolean finished() {
        if (scenario.bytes() == 0) {
            return false;
        }
        for (Flow f : flows) {
            if (!f.completed() && !f.failed()) {
                return false;
            }
        }
        return true;
    }

    /** Enough for the FIN exchange: a few round trips of propagation, plus the delayed ACK. */
    private Duration drainTime() {
        return scenario.delay().plus(scenario.accessDelay()).multipliedBy(4).plusMillis(100);
    }

    /** One CSV row per started flow; a finished flow gets one last row, then no more. */
    private void sampleAll(long now) {
        for (int i = 0; i < flows.size(); i++) {
            Flow f = flows.get(i);
            TcpInfo info = f.senderInfo(now);
            FlowSeries s = series.get(i);
            if (info != null && !s.closed()) {
                s.sample(now - base, info, f.bytesAcked(info));
                if (f.completed() || f.failed()) {
                    s.close();
                }
            }
        }
    }

    // ------------------------------------------------------------------ results and files

    private List<FlowResult> results(long end) {
        List<FlowResult> out = new ArrayList<>();
        for (Flow f : flows) {
            TcpInfo info = f.senderInfo(end);
            Endpoint local = f.senderEndpoint();
            Endpoint remote = f.receiverEndpoint();
            String path = (local == null ? f.sender().address() + ".?" : local.address() + "." + local.port())
                    + " > " + remote.address() + "." + remote.port();
            long finish = f.completed() ? f.completedAt() : end;
            out.add(new FlowResult(f.id(), f.sender().name(), path, info == null ? "-" : info.congestionControl(),
                    f.received(), f.startNanos() - base, f.completed() ? f.completedAt() - base : -1, finish - base,
                    info == null ? 0 : info.retransmissions(), f.intact(), f.error()));
        }
        return out;
    }

    private ScenarioResult writeFiles(List<FlowResult> results, long end) throws IOException {
        List<Path> files = new ArrayList<>();
        for (SimHost h : captured()) {
            files.add(h.captureFile());
        }
        for (int i = 0; i < flows.size(); i++) {
            String base = "flow-" + (i + 1);
            String csv = series.get(i).text();
            files.add(write(base + ".csv", csv));
            TimeSeriesTable table = TimeSeriesTable.parse(csv);
            String who = "flow " + (i + 1) + " (" + results.get(i).path() + ", " + results.get(i).congestionControl() + ")";
            files.add(write(base + "-cwnd.svg", TcpPlots.cwnd(table, "Congestion window, " + who)));
            files.add(write(base + "-rtt.svg", TcpPlots.rtt(table, "Smoothed RTT, " + who)));
        }
        SimHost first = senders.get(0);
        LadderDiagram ladder = TcpLadder.fromCaptures(first.captureFile(), receiver.captureFile(),
                scenario.ladderPackets());
        files.add(write("ladder.svg", ladder.toSvg()));
        ScenarioResult result = new ScenarioResult(scenario, results, end - base, files);
        files.add(write("summary.txt", result.summary()));
        return new ScenarioResult(scenario, results, end - base, files);
    }

    private Path write(String name, String text) throws IOException {
        Path p = outDir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }
}
