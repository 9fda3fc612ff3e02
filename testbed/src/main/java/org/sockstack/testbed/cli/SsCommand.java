package org.sockstack.testbed.cli;

import org.sockstack.testbed.control.ControlClient;
import org.sockstack.testbed.control.ControlPaths;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code sockstack ss}: the TCP connections of a running {@code sockstack serve}, asked over its
 * control socket the way {@code ss} asks the kernel.
 */
@Command(name = "ss", mixinStandardHelpOptions = true,
        description = "Show the TCP connections of a running 'sockstack serve' (like ss -t; -i adds TCP internals "
                + "like ss -ti: cwnd, ssthresh, rtt, rto, bytes in flight, retransmissions, SACK, buffers).")
public final class SsCommand implements Callable<Integer> {

    @Option(names = "--name", paramLabel = "NAME",
            description = "the serve instance (its --name, by default its device name); optional if only one runs")
    String name;

    @Option(names = {"-i", "--info"}, description = "show TCP internals")
    boolean info;

    @Override
    public Integer call() throws Exception {
        return ask(name, info ? "connections -i" : "connections", System.out);
    }

    /** Asks the named (or only) instance, prints the answer; exit 0, or 1 on an error answer. */
    static int ask(String name, String request, PrintStream out) throws java.io.IOException {
        Path socket = ControlPaths.find(name);
        String answer = ControlClient.request(socket, request);
        if (ControlClient.isError(answer)) {
            throw new IllegalStateException(answer.substring("error: ".length()).strip());
        }
        out.print(answer);
        out.flush();
        return 0;
    }
}
