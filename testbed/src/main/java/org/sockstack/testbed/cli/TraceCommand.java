package org.sockstack.testbed.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/**
 * {@code sockstack trace}: switches the event trace of a running {@code sockstack serve} on or off
 * (its events print on serve's console), or shows the recent events.
 */
@Command(name = "trace", mixinStandardHelpOptions = true,
        description = "Switch the event trace of a running 'sockstack serve' on or off (events print on its "
                + "console), or show its recent events.")
public final class TraceCommand implements Callable<Integer> {

    @Option(names = "--name", paramLabel = "NAME",
            description = "the serve instance (its --name, by default its device name); optional if only one runs")
    String name;

    @Parameters(arity = "0..1", paramLabel = "on|off", description = "on or off; without it, the recent events")
    String onOff;

    @Override
    public Integer call() throws Exception {
        if (onOff != null && !onOff.equals("on") && !onOff.equals("off")) {
            throw new IllegalArgumentException("expected on or off: " + onOff);
        }
        return SsCommand.ask(name, onOff == null ? "trace" : "trace " + onOff, System.out);
    }
}
