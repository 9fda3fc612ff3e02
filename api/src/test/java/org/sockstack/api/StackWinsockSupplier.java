package org.sockstack.api;

import java.util.function.Supplier;

/**
 * Process A of a {@link Worlds#stacks()} world, for {@code -Dorg.sockstack.api.nio.winsock=} in
 * {@link NioConfigurationTest}; {@link #world()} gives the test program process B as the peer.
 */
public final class StackWinsockSupplier implements Supplier<Winsock> {
    private static Worlds.World world;

    public StackWinsockSupplier() {
    }

    static synchronized Worlds.World world() {
        if (world == null) {
            world = Worlds.stacks();
        }
        return world;
    }

    @Override
    public Winsock get() {
        return world().a();
    }
}
