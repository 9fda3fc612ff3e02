package org.sockstack.testbed.cli;

import org.sockstack.testbed.sim.Scenario;
import org.sockstack.testbed.sim.ScenarioResult;
import org.sockstack.testbed.sim.ScenarioRunner;
import org.sockstack.testbed.sim.Topology;
import org.sockstack.testbed.sim.Units;
import org.sockstack.testbed.viz.TcpLadder;
import org.sockstack.testbed.viz.TcpPlots;
import org.sockstack.testbed.viz.TimeSeriesTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code sockstack sim}: a TCP experiment on the simulated network (see {@link ScenarioRunner}
 * for the files it writes), and {@code sim ladder} / {@code sim plot} to draw pictures from any
 * capture or CSV.
 */
@Command(name = "sim", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a TCP experiment on the simulated network (virtual time, seeded: the same options "
                + "give the same files).",
                "Writes to the output directory: a pcapng of the first sender and of the receiver, flow-N.csv "
                        + "(cwnd, ssthresh, srtt, ... every --sample), flow-N-cwnd.svg, flow-N-rtt.svg, "
                        + "ladder.svg and summary.txt.",
                "Sizes: 1500, 64k, 1M, 64KiB. Rates: 10M, 1G (bit/s). Times: 10ms, 1s, 250us. "
                        + "Probabilities: 0.01 or 1%."},
        subcommands = {SimCommand.Ladder.class, SimCommand.Plot.class})
public final class SimCommand implements Callable<Integer> {

    @Option(names = "--topology", defaultValue = "pair", paramLabel = "pair|dumbbell",
            converter = TopologyConverter.class,
            description = "pair: host a sends to host b over one link; dumbbell: N senders, a switch and a "
                    + "bottleneck link to one receiver (default ${DEFAULT-VALUE})")
    Topology topology;

    @Option(names = "--senders", defaultValue = "2", paramLabel = "N",
            description = "sender hosts of the dumbbell (default ${DEFAULT-VALUE})")
    int senders;

    @Option(names = "--flows", paramLabel = "N",
            description = "TCP connections (default: one per sender); flow i runs on sender i mod N")
    Integer flows;

    @Option(names = "--rate", defaultValue = "10M", paramLabel = "RATE", converter = RateConverter.class,
            description = "bottleneck rate in bit/s (default ${DEFAULT-VALUE})")
    long rate;

    @Option(names = "--delay", defaultValue = "10ms", paramLabel = "TIME", converter = TimeConverter.class,
            description = "bottleneck one-way delay (default ${DEFAULT-VALUE})")
    Duration delay;

    @Option(names = "--queue", defaultValue = "256KiB", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "bottleneck queue, tail drop (default ${DEFAULT-VALUE})")
    long queue;

    @Option(names = "--access-rate", defaultValue = "1G", paramLabel = "RATE", converter = RateConverter.class,
            description = "dumbbell senders' access links (default ${DEFAULT-VALUE})")
    long accessRate;

    @Option(names = "--access-delay", defaultValue = "1ms", paramLabel = "TIME", converter = TimeConverter.class,
            description = "dumbbell access links' one-way delay (default ${DEFAULT-VALUE})")
    Duration accessDelay;

    @Option(names = "--loss", defaultValue = "0", paramLabel = "P", converter = ProbabilityConverter.class,
            description = "data frames lost on the bottleneck (default ${DEFAULT-VALUE})")
    double loss;

    @Option(names = "--reorder", defaultValue = "0", paramLabel = "P", converter = ProbabilityConverter.class,
            description = "data frames held back by --reorder-delay (default ${DEFAULT-VALUE})")
    double reorder;

    @Option(names = "--reorder-delay", defaultValue = "5ms", paramLabel = "TIME", converter = TimeConverter.class,
            description = "how long a reordered frame is held back (default ${DEFAULT-VALUE})")
    Duration reorderDelay;

    @Option(names = "--duplicate", defaultValue = "0", paramLabel = "P", converter = ProbabilityConverter.class,
            description = "data frames delivered twice (default ${DEFAULT-VALUE})")
    double duplicate;

    @Option(names = "--corrupt", defaultValue = "0", paramLabel = "P", converter = ProbabilityConverter.class,
            description = "data frames with one bit flipped (default ${DEFAULT-VALUE})")
    double corrupt;

    @Option(names = "--jitter", defaultValue = "0ms", paramLabel = "TIME", converter = TimeConverter.class,
            description = "extra delay, uniform in [0, TIME], without reordering (default ${DEFAULT-VALUE})")
    Duration jitter;

    @Option(names = "--cc", split = ",", paramLabel = "NAME",
            description = "congestion control per sender, cycled: e.g. --cc newreno (default: the stack's)")
    List<String> congestionControls = List.of();

    @Option(names = "--seed", defaultValue = "1", description = "seed of the network and the stacks (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--bytes", defaultValue = "1M", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "octets each flow sends, then closes; 0 sends until --duration (default ${DEFAULT-VALUE})")
    long bytes;

    @Option(names = "--duration", defaultValue = "60s", paramLabel = "TIME", converter = TimeConverter.class,
            description = "virtual time to run; the limit when --bytes is set (default ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = "--sample", defaultValue = "10ms", paramLabel = "TIME", converter = TimeConverter.class,
            description = "virtual time between CSV rows (default ${DEFAULT-VALUE})")
    Duration sample;

    @Option(names = "--stagger", defaultValue = "0ms", paramLabel = "TIME", converter = TimeConverter.class,
            description = "flow i starts at i*TIME (default ${DEFAULT-VALUE})")
    Duration stagger;

    @Option(names = "--snaplen", defaultValue = "262144", paramLabel = "N",
            description = "octets of each frame kept in the captures (default ${DEFAULT-VALUE})")
    int snapLength;

    @Option(names = "--ladder-packets", defaultValue = "20", paramLabel = "N",
            description = "packets drawn in ladder.svg (default ${DEFAULT-VALUE})")
    int ladderPackets;

    @Option(names = {"-o", "--output"}, defaultValue = "sim-out", paramLabel = "DIR",
            description = "where the files go (default ${DEFAULT-VALUE})")
    Path output;

    @Override
    public Integer call() throws IOException {
        if (queue > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("queue too large: " + queue);
        }
        Scenario scenario = Scenario.builder().topology(topology).senders(topology == Topology.PAIR ? 1 : senders)
                .flows(flows != null ? flows : topology == Topology.PAIR ? 1 : senders).rate(rate).delay(delay)
                .queueBytes((int) queue).accessRate(accessRate).accessDelay(accessDelay).loss(loss)
                .reorder(reorder, reorderDelay).duplicate(duplicate).corrupt(corrupt).jitter(jitter)
                .congestionControls(congestionControls).seed(seed).bytes(bytes).duration(duration)
                .sampleInterval(sample).stagger(stagger).snapLength(snapLength).ladderPackets(ladderPackets).build();
        long wallStart = System.nanoTime();
        ScenarioResult result = ScenarioRunner.run(scenario, output);
        System.out.print(result.summary());
        System.out.printf(Locale.ROOT, "(%.2f s of wall-clock time)%n", (System.nanoTime() - wallStart) / 1e9);
        System.out.println("files in " + output + ":");
        for (Path p : result.files()) {
            System.out.println("  " + p.getFileName());
        }
        return result.ok() ? 0 : 1;
    }

    /** {@code sockstack sim ladder FILE}: the sequence diagram of a capture's first TCP connection. */
    @Command(name = "ladder", mixinStandardHelpOptions = true,
            description = "Draw the first packets of the first TCP connection in a pcap/pcapng file as an SVG "
                    + "sequence (ladder) diagram.")
    static final class Ladder implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE", description = "a .pcap or .pcapng capture (Ethernet)")
        Path capture;

        @Option(names = {"-o", "--output"}, paramLabel = "SVG", description = "the picture (default: FILE.svg)")
        Path svg;

        @Option(names = {"-n", "--packets"}, defaultValue = "20", paramLabel = "N",
                description = "packets to draw (default ${DEFAULT-VALUE})")
        int packets;

        @Override
        public Integer call() throws IOException {
            if (packets < 1 || packets > 500) {
                throw new IllegalArgumentException("--packets must be 1..500: " + packets);
            }
            if (!Files.isRegularFile(capture)) {
                throw new IllegalArgumentException("no such file: " + capture);
            }
            Path out = svg != null ? svg : Path.of(capture + ".svg");
            Files.writeString(out, TcpLadder.fromCapture(capture, packets).toSvg(), StandardCharsets.UTF_8);
            System.out.println("wrote " + out);
            return 0;
        }
    }

    /** {@code sockstack sim plot FILE.csv}: the cwnd and RTT pictures of a flow's CSV. */
    @Command(name = "plot", mixinStandardHelpOptions = true,
            description = "Draw cwnd/ssthresh and srtt over time from a flow CSV written by 'sockstack sim'.")
    static final class Plot implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "CSV", description = "a flow-N.csv")
        Path csv;

        @Option(names = {"-o", "--output"}, paramLabel = "PREFIX",
                description = "writes PREFIX-cwnd.svg and PREFIX-rtt.svg (default: the CSV's name without .csv)")
        String prefix;

        @Override
        public Integer call() throws IOException {
            if (!Files.isRegularFile(csv)) {
                throw new IllegalArgumentException("no such file: " + csv);
            }
            TimeSeriesTable table = TimeSeriesTable.read(csv);
            String base = prefix != null ? prefix : csv.toString().replaceFirst("\\.csv$", "");
            String name = csv.getFileName().toString();
            Path cwnd = Path.of(base + "-cwnd.svg");
            Path rtt = Path.of(base + "-rtt.svg");
            Files.writeString(cwnd, TcpPlots.cwnd(table, "Congestion window, " + name), StandardCharsets.UTF_8);
            Files.writeString(rtt, TcpPlots.rtt(table, "Smoothed RTT, " + name), StandardCharsets.UTF_8);
            System.out.println("wrote " + cwnd + " and " + rtt);
            return 0;
        }
    }

    // ------------------------------------------------------------------ converters: bad text is a one-line error

    /** Picocli prints a TypeConversionException's message as it is: one clear line. */
    private static <T> T convertOrExplain(java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }

    static final class RateConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return convertOrExplain(() -> Units.rate(value));
        }
    }

    static final class SizeConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return convertOrExplain(() -> Units.size(value));
        }
    }

    static final class TimeConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return convertOrExplain(() -> Units.time(value));
        }
    }

    static final class ProbabilityConverter implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            return convertOrExplain(() -> Units.probability(value));
        }
    }

    static final class TopologyConverter implements ITypeConverter<Topology> {
        @Override
        public Topology convert(String value) {
            try {
                return Topology.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("unknown topology '" + value + "' (pair or dumbbell)");
            }
        }
    }
}
