package org.sockstack.testbed.sim;

import org.sockstack.stack.tcp.TcpConfig;

import java.util.List;
import java.util.Locale;

/**
 * The congestion-control algorithms a scenario may name. The stack's TCP maps names to algorithms
 * ({@link TcpConfig#withCongestionControl(String)}); this class lists them for validation and help.
 */
public final class CongestionControls {
    /** The names accepted (lower case); {@code reno} is an alias of {@code newreno}. */
    public static final List<String> NAMES = List.of("cubic", "newreno", "reno");

    private CongestionControls() {
    }

    /** True if {@code name} (any case) is an algorithm this stack has. */
    public static boolean isKnown(String name) {
        return NAMES.contains(name.toLowerCase(Locale.ROOT));
    }

    /**
     * {@code base} with the algorithm called {@code name}.
     *
     * @throws IllegalArgumentException for a name the stack does not have
     */
    public static TcpConfig configure(TcpConfig base, String name) {
        if (!isKnown(name)) {
            throw new IllegalArgumentException("unknown congestion control '" + name + "' (known: "
                    + String.join(", ", NAMES) + ")");
        }
        return base.withCongestionControl(name.toLowerCase(Locale.ROOT));
    }
}
