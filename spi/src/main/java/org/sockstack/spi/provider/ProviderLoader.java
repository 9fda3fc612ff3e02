package org.sockstack.spi.provider;

import org.sockstack.spi.catalog.ProtocolInfo;

/**
 * How a layered provider reaches the next provider of its chain: ws2_32 (the process) loads it,
 * so every provider exists once per process whoever loads it.
 */
public interface ProviderLoader {
    /** The provider that owns catalog entry {@code catalogEntryId}, or null. */
    TransportProvider load(int catalogEntryId);

    /** The catalog entry {@code catalogEntryId}, or null. */
    ProtocolInfo entry(int catalogEntryId);
}
