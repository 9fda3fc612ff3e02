package org.sockstack.testbed.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code sockstack}: the command-line tool. Each subcommand is one class in this package.
 * Errors are reported on one line with a non-zero exit code.
 */
@Command(name = "sockstack", mixinStandardHelpOptions = true, versionProvider = SockstackCli.Version.class,
        description = "A user-space TCP/IP stack in Java: run it on a TAP device, talk to it with real tools.",
        subcommands = {ServeCommand.class, PingCommand.class, GetCommand.class, DemoCommand.class, SimCommand.class,
                PerfCommand.class, ScanCommand.class, SsCommand.class, StatsCommand.class, TraceCommand.class,
                CatalogCommand.class,
                CommandLine.HelpCommand.class})
public final class SockstackCli {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns the exit code (tests call this). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new SockstackCli());
        cl.setParameterExceptionHandler((e, argv) -> {
            e.getCommandLine().getErr().println("sockstack: " + oneLine(e) + " (see --help)");
            return 2;
        });
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("sockstack " + cmd.getCommandName() + ": " + oneLine(e));
            return 1;
        });
        return cl.execute(args);
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage();
        if (m == null) {
            m = e.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return nl >= 0 ? m.substring(0, nl) : m;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = SockstackCli.class.getPackage().getImplementationVersion();
            return new String[] {"sockstack " + (v == null ? "development build" : v)};
        }
    }
}
