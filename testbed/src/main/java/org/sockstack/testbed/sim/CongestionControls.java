package org.sockstack.testbed.sim;

import org.sockstack.stack.tcp.CongestionControl;
import org.sockstack.stack.tcp.NewReno;
import org.sockstack.stack.tcp.TcpConfig;

import java.util.List;
import java.util.Locale;

/**
 * The congestion-control algorithms a scenario may name, and the {@link TcpConfig} for each.
 *
 * <p>Integration note: this is the one place that maps a name to an algorithm. When the stack's
 * TCP offers a lookup by name ({@code TcpConfig.withCongestionControl(String)}), {@link #configure}
 * should simply delegate to it and {@link #NAMES} list what it accepts.
 */
public final class CongestionControls {
    /** The names accepted (lower case); {@code reno} is an alias of {@code newreno}. */
    public static final List<String> NAMES = List.of("newreno", "reno");

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
        return base.withCongestionControl(factory(name));
    }

    private static CongestionControl.Factory factory(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "newreno", "reno" -> NewReno::new;
            default -> throw new IllegalArgumentException("unknown congestion control '" + name
                    + "' (known: " + String.join(", ", NAMES) + ")");
        };
    }
}
