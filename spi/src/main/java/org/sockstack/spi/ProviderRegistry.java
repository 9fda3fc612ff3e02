package org.sockstack.spi;

import org.sockstack.spi.catalog.Catalog;
import org.sockstack.spi.provider.TransportProviderFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;

/**
 * Where provider "DLLs" come from: factories registered by hand (tests, a program that builds its
 * own stack) and those {@link ServiceLoader} finds on the class path
 * ({@code META-INF/services/org.sockstack.spi.provider.TransportProviderFactory}).
 */
public final class ProviderRegistry {
    private final Map<UUID, TransportProviderFactory> registered = new LinkedHashMap<>();
    private final boolean useServiceLoader;

    public ProviderRegistry(boolean useServiceLoader) {
        this.useServiceLoader = useServiceLoader;
    }

    /** A registry that also searches the class path. */
    public static ProviderRegistry withServiceLoader() {
        return new ProviderRegistry(true);
    }

    public synchronized ProviderRegistry register(TransportProviderFactory f) {
        registered.put(f.providerId(), f);
        return this;
    }

    /** The factory for a provider: registered ones first, then the class path (by id or path). */
    public synchronized TransportProviderFactory find(UUID providerId, String path) {
        TransportProviderFactory f = registered.get(providerId);
        if (f != null || !useServiceLoader) {
            return f;
        }
        for (ServiceLoader.Provider<TransportProviderFactory> p : ServiceLoader.load(TransportProviderFactory.class)
                .stream().toList()) {
            if (p.type().getName().equals(path)) {
                return p.get();
            }
        }
        for (TransportProviderFactory candidate : ServiceLoader.load(TransportProviderFactory.class)) {
            if (candidate.providerId().equals(providerId)) {
                return candidate;
            }
        }
        return null;
    }

    /** Every factory known (registered, then class path). */
    public synchronized Map<UUID, TransportProviderFactory> all() {
        Map<UUID, TransportProviderFactory> out = new LinkedHashMap<>(registered);
        if (useServiceLoader) {
            for (TransportProviderFactory f : ServiceLoader.load(TransportProviderFactory.class)) {
                out.putIfAbsent(f.providerId(), f);
            }
        }
        return out;
    }

    /** Installs every known provider's entries that the catalog lacks (a fresh system's setup). */
    public void installAll(Catalog catalog) {
        for (TransportProviderFactory f : all().values()) {
            if (catalog.providerPath(f.providerId()) == null) {
                catalog.installProvider(f.providerId(), f.getClass().getName(), f.protocolEntries());
            }
        }
    }
}
