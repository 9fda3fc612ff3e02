package org.sockstack.spi.provider;

import org.sockstack.spi.catalog.ProtocolInfo;

import java.util.List;
import java.util.UUID;

/**
 * A provider "DLL": found through {@link java.util.ServiceLoader} (or registered by hand), named in
 * the catalog by its class name (the provider path). {@link #create} makes the provider's instance
 * for one process.
 */
public interface TransportProviderFactory {
    UUID providerId();

    /** The entries the provider installs (templates: catalog ids are assigned at install). */
    List<ProtocolInfo> protocolEntries();

    TransportProvider create(ProviderLoader loader);
}
