package org.sockstack.spi.host;

import org.sockstack.spi.catalog.ProtocolInfo;
import org.sockstack.spi.provider.BaseTransportProvider;
import org.sockstack.spi.provider.ProviderLoader;
import org.sockstack.spi.provider.TransportProvider;
import org.sockstack.spi.provider.TransportProviderFactory;

import java.util.List;
import java.util.UUID;

/**
 * The base provider over the host operating system's stack (JDK NIO). Also its own factory, found
 * by {@link java.util.ServiceLoader}: each process gets a fresh instance.
 */
public final class HostProvider extends BaseTransportProvider {
    public static final UUID PROVIDER_ID = UUID.fromString("5d0d1d5c-0001-4a53-8b00-686f73740001");

    public HostProvider() {
        super(PROVIDER_ID, new HostBackend());
    }

    public static List<ProtocolInfo> entries() {
        return ProtocolInfo.ipEntries(PROVIDER_ID, "Sockstack host");
    }

    /** The factory: {@code META-INF/services/org.sockstack.spi.provider.TransportProviderFactory}. */
    public static final class Factory implements TransportProviderFactory {
        @Override
        public UUID providerId() {
            return PROVIDER_ID;
        }

        @Override
        public List<ProtocolInfo> protocolEntries() {
            return entries();
        }

        @Override
        public TransportProvider create(ProviderLoader loader) {
            return new HostProvider();
        }
    }
}
