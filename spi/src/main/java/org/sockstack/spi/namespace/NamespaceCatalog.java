package org.sockstack.spi.namespace;

import org.sockstack.spi.wsa.WsaError;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;

/**
 * The namespace provider catalog: providers in order, each for one name space, enabled or not
 * (WSCInstallNameSpace, WSCUnInstallNameSpace, WSCEnableNSProvider, WSCWriteNameSpaceOrder,
 * WSAEnumNameSpaceProviders). Mutators return 0 or a WSA code.
 */
public final class NamespaceCatalog {
    /** WSANAMESPACE_INFO. */
    public record Entry(UUID providerId, int nameSpace, boolean active, int version, String identifier) {
        Entry withActive(boolean a) {
            return new Entry(providerId, nameSpace, a, version, identifier);
        }
    }

    private final List<Entry> entries = new ArrayList<>();

    public synchronized int install(String identifier, int nameSpace, int version, UUID providerId) {
        if (entries.stream().anyMatch(e -> e.providerId.equals(providerId))) {
            return WsaError.WSAEINVAL;
        }
        entries.add(new Entry(providerId, nameSpace, true, version, identifier));
        return 0;
    }

    public synchronized int uninstall(UUID providerId) {
        return entries.removeIf(e -> e.providerId.equals(providerId)) ? 0 : WsaError.WSAEINVAL;
    }

    public synchronized int enable(UUID providerId, boolean enabled) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).providerId.equals(providerId)) {
                entries.set(i, entries.get(i).withActive(enabled));
                return 0;
            }
        }
        return WsaError.WSAEINVAL;
    }

    /** The new order must name every provider once. */
    public synchronized int writeOrder(List<UUID> order) {
        if (order.size() != entries.size() || new HashSet<>(order).size() != order.size()) {
            return WsaError.WSAEINVAL;
        }
        List<Entry> out = new ArrayList<>();
        for (UUID id : order) {
            Entry e = entries.stream().filter(x -> x.providerId.equals(id)).findFirst().orElse(null);
            if (e == null) {
                return WsaError.WSAEINVAL;
            }
            out.add(e);
        }
        entries.clear();
        entries.addAll(out);
        return 0;
    }

    public synchronized List<Entry> enumerate() {
        return List.copyOf(entries);
    }

    /** The enabled providers that serve {@code nameSpace} (NS_ALL: all), in order. */
    public synchronized List<Entry> providersFor(int nameSpace, UUID onlyProvider) {
        return entries.stream().filter(Entry::active)
                .filter(e -> nameSpace == Ns.NS_ALL || e.nameSpace == nameSpace)
                .filter(e -> onlyProvider == null || e.providerId.equals(onlyProvider)).toList();
    }
}
