package org.sockstack.testbed.cli;

import org.sockstack.testbed.demo.Demo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code sockstack demo}: the whole system in one command (see {@link Demo}). */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Show the stack working against real tools.",
                "With root: a private namespace, a TAP device and the Linux kernel as the peer.",
                "Without: two stacks on the simulated network."})
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--simulated", description = "use the simulated network even when root")
    boolean simulated;

    @Option(names = "--capture", defaultValue = "sockstack-demo.pcapng", paramLabel = "FILE",
            description = "where the lab run writes its capture (default ${DEFAULT-VALUE})")
    Path capture;

    @Override
    public Integer call() {
        return new Demo(System.out, capture).run(simulated) ? 0 : 1;
    }
}
