package org.sockstack.spi.catalog;

import java.util.List;

/**
 * WSAPROTOCOLCHAIN. {@code ChainLen} 0 marks a layered entry (a layer's own, hidden entry), 1 a
 * base protocol, more a protocol chain whose entries run from the top layer
 * ({@code entries.get(0)}) down to the base entry (the last one), by catalog entry id.
 */
public record ProtocolChain(int length, List<Integer> entries) {
    public static final int LAYERED_PROTOCOL = 0;
    public static final int BASE_PROTOCOL = 1;
    /** MAX_PROTOCOL_CHAIN. */
    public static final int MAX_LENGTH = 7;

    public static final ProtocolChain LAYERED = new ProtocolChain(LAYERED_PROTOCOL, List.of());
    public static final ProtocolChain BASE = new ProtocolChain(BASE_PROTOCOL, List.of());

    public ProtocolChain {
        entries = List.copyOf(entries);
        if (length > 1 && entries.size() != length) {
            throw new IllegalArgumentException("chain length " + length + " with " + entries.size() + " entries");
        }
    }

    public static ProtocolChain of(List<Integer> entries) {
        return new ProtocolChain(entries.size(), entries);
    }

    public boolean isLayered() {
        return length == LAYERED_PROTOCOL;
    }

    public boolean isBase() {
        return length == BASE_PROTOCOL;
    }

    public boolean isChain() {
        return length > 1;
    }
}
