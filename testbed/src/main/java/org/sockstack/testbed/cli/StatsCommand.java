package org.sockstack.testbed.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code sockstack stats}: the counters and drops of a running {@code sockstack serve}. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Show the counters of a running 'sockstack serve' (like netstat -s), then its drops by layer "
                + "and reason.")
public final class StatsCommand implements Callable<Integer> {

    @Option(names = "--name", paramLabel = "NAME",
            description = "the serve instance (its --name, by default its device name); optional if only one runs")
    String name;

    @Override
    public Integer call() throws Exception {
        return SsCommand.ask(name, "counters", System.out);
    }
}
