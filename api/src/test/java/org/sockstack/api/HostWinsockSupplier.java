package org.sockstack.api;

import java.util.function.Supplier;

/**
 * A process over the host provider, for {@code -Dorg.sockstack.api.nio.winsock=} in
 * {@link NioConfigurationTest} (public with a public constructor: it is made by reflection).
 */
public final class HostWinsockSupplier implements Supplier<Winsock> {
    public HostWinsockSupplier() {
    }

    @Override
    public Winsock get() {
        return Worlds.hostProcess();
    }
}
