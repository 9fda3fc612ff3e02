package org.sockstack.spi.catalog;

import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The transport protocol catalog: protocol entries in order, as ws2_32 keeps them in the registry.
 * The WSC* configuration calls change it ({@link #installProvider}, {@link #installProviderAndChains},
 * {@link #deinstallProvider}, {@link #updateProvider}, {@link #writeProviderOrder}); WSAEnumProtocols
 * and socket() read it ({@link #enumProtocols}, {@link #select}). A running process works on a
 * {@link #snapshot()}: changes are not seen by processes already running.
 *
 * <p>All mutators return 0 or a WSA error code. Thread-safe (one monitor).
 */
public final class Catalog {
    /** Catalog entry ids start here, as Windows' do. */
    public static final int FIRST_ENTRY_ID = 1001;

    private final List<ProtocolInfo> entries = new ArrayList<>();
    private final Map<UUID, String> providerPaths = new LinkedHashMap<>();
    private int nextId = FIRST_ENTRY_ID;

    public synchronized Catalog snapshot() {
        Catalog c = new Catalog();
        c.entries.addAll(entries);
        c.providerPaths.putAll(providerPaths);
        c.nextId = nextId;
        return c;
    }

    // ------------------------------------------------------------------ WSC* configuration

    /**
     * WSCInstallProvider: adds a provider's entries at the end of the catalog. Base entries
     * (chain length 1) and layered entries (length 0) are installed as given; a chain entry
     * (length &gt; 1) only over entries that are installed, with no layer twice.
     *
     * @param path the provider's "path": the class name of its {@code TransportProviderFactory}
     */
    public synchronized int installProvider(UUID providerId, String path, List<ProtocolInfo> templates) {
        if (providerPaths.containsKey(providerId) || templates.isEmpty()) {
            return WsaError.WSAEINVAL;
        }
        List<ProtocolInfo> added = new ArrayList<>();
        int id = nextId;
        for (ProtocolInfo t : templates) {
            if (!t.providerId().equals(providerId) || t.name().length() > ProtocolInfo.MAX_NAME_LENGTH) {
                return WsaError.WSAEINVAL;
            }
            if (t.chain().isChain()) {
                int e = checkChain(t.chain(), added);
                if (e != 0) {
                    return e;
                }
            }
            added.add(t.withCatalogEntryId(id++));
        }
        nextId = id;
        entries.addAll(added);
        providerPaths.put(providerId, path);
        return 0;
    }

    /**
     * WSCInstallProviderAndChains: installs a layer's own (hidden) layered entry and one chain
     * entry over each of {@code over} (base entries or chains), each chain with the layer on top.
     */
    public synchronized int installProviderAndChains(UUID providerId, String path, String name, List<Integer> over) {
        if (providerPaths.containsKey(providerId) || over.isEmpty()) {
            return WsaError.WSAEINVAL;
        }
        List<ProtocolInfo> lower = new ArrayList<>();
        for (int id : over) {
            ProtocolInfo p = find(id);
            if (p == null || p.isLayered()) {
                return WsaError.WSAEINVAL;
            }
            lower.add(p);
        }
        ProtocolInfo first = lower.get(0);
        int layeredId = nextId;
        ProtocolInfo layered = first.withProvider(providerId, name).withChain(ProtocolChain.LAYERED)
                .withProviderFlags(ProviderFlags.PFL_HIDDEN).withCatalogEntryId(layeredId);
        List<ProtocolInfo> added = new ArrayList<>();
        added.add(layered);
        int id = layeredId + 1;
        for (ProtocolInfo p : lower) {
            List<Integer> chain = new ArrayList<>();
            chain.add(layeredId);
            if (p.chain().isChain()) {
                chain.addAll(p.chain().entries());
            } else {
                chain.add(p.catalogEntryId());
            }
            if (chain.size() > ProtocolChain.MAX_LENGTH) {
                return WsaError.WSAEINVAL;
            }
            ProtocolInfo c = p.withProvider(providerId, name + " over [" + p.name() + "]")
                    .withChain(ProtocolChain.of(chain)).withCatalogEntryId(id++);
            int e = checkChain(c.chain(), added);
            if (e != 0) {
                return e;
            }
            added.add(c);
        }
        nextId = id;
        entries.addAll(added);
        providerPaths.put(providerId, path);
        return 0;
    }

    /** A chain may only name installed entries: layers on top, one base at the bottom, no layer twice. */
    private int checkChain(ProtocolChain chain, List<ProtocolInfo> pending) {
        Set<Integer> seen = new HashSet<>();
        List<Integer> ids = chain.entries();
        for (int i = 0; i < ids.size(); i++) {
            int id = ids.get(i);
            ProtocolInfo p = find(id);
            if (p == null) {
                p = pending.stream().filter(x -> x.catalogEntryId() == id).findFirst().orElse(null);
            }
            if (p == null || !seen.add(id)) {
                return WsaError.WSAEINVAL;
            }
            boolean last = i == ids.size() - 1;
            if (last ? !p.chain().isBase() : !p.isLayered()) {
                return WsaError.WSAEINVAL;
            }
        }
        return 0;
    }

    /**
     * WSCDeinstallProvider: removes every entry of a provider. Refused (WSAEINVAL) while another
     * provider's chain still runs through one of them: remove the chain first.
     */
    public synchronized int deinstallProvider(UUID providerId) {
        if (!providerPaths.containsKey(providerId)) {
            return WsaError.WSAEINVAL;
        }
        Set<Integer> ids = new HashSet<>();
        for (ProtocolInfo p : entries) {
            if (p.providerId().equals(providerId)) {
                ids.add(p.catalogEntryId());
            }
        }
        for (ProtocolInfo p : entries) {
            if (!p.providerId().equals(providerId) && p.chain().entries().stream().anyMatch(ids::contains)) {
                return WsaError.WSAEINVAL;
            }
        }
        entries.removeIf(p -> p.providerId().equals(providerId));
        providerPaths.remove(providerId);
        return 0;
    }

    /**
     * WSCUpdateProvider: replaces the provider's entries' contents and path; each new entry names
     * the catalog entry id it replaces, and ids and order stay as they are.
     */
    public synchronized int updateProvider(UUID providerId, String path, List<ProtocolInfo> updated) {
        if (!providerPaths.containsKey(providerId)) {
            return WsaError.WSAEINVAL;
        }
        for (ProtocolInfo u : updated) {
            int i = indexOf(u.catalogEntryId());
            if (i < 0 || !entries.get(i).providerId().equals(providerId) || !u.providerId().equals(providerId)
                    || u.chain().length() != entries.get(i).chain().length()) {
                return WsaError.WSAEINVAL;
            }
        }
        for (ProtocolInfo u : updated) {
            int i = indexOf(u.catalogEntryId());
            entries.set(i, u.withChain(entries.get(i).chain()));
        }
        providerPaths.put(providerId, path);
        return 0;
    }

    /** WSCWriteProviderOrder: the new order must name every entry exactly once. */
    public synchronized int writeProviderOrder(List<Integer> order) {
        if (order.size() != entries.size() || new HashSet<>(order).size() != order.size()) {
            return WsaError.WSAEINVAL;
        }
        List<ProtocolInfo> reordered = new ArrayList<>();
        for (int id : order) {
            ProtocolInfo p = find(id);
            if (p == null) {
                return WsaError.WSAEINVAL;
            }
            reordered.add(p);
        }
        entries.clear();
        entries.addAll(reordered);
        return 0;
    }

    // ------------------------------------------------------------------ restore (CatalogFile)

    synchronized void restoreProvider(UUID providerId, String path) {
        providerPaths.put(providerId, path);
    }

    synchronized void restoreEntries(List<ProtocolInfo> restored) {
        entries.clear();
        entries.addAll(restored);
        for (ProtocolInfo p : restored) {
            nextId = Math.max(nextId, p.catalogEntryId() + 1);
        }
    }

    // ------------------------------------------------------------------ queries

    /** WSCEnumProtocols: every entry, layered ones included, in catalog order. */
    public synchronized List<ProtocolInfo> allEntries() {
        return List.copyOf(entries);
    }

    /**
     * WSAEnumProtocols: base entries and chains, in order; layered and PFL_HIDDEN entries are not
     * listed. {@code protocols} null means all, otherwise only entries serving one of them.
     */
    public synchronized List<ProtocolInfo> enumProtocols(int[] protocols) {
        List<ProtocolInfo> out = new ArrayList<>();
        for (ProtocolInfo p : entries) {
            if (p.isLayered() || p.hasProviderFlag(ProviderFlags.PFL_HIDDEN)) {
                continue;
            }
            if (protocols == null || matchesAny(p, protocols)) {
                out.add(p);
            }
        }
        return out;
    }

    private static boolean matchesAny(ProtocolInfo p, int[] protocols) {
        for (int proto : protocols) {
            if (proto >= p.protocol() && proto <= p.protocol() + p.protocolMaxOffset()) {
                return true;
            }
        }
        return false;
    }

    public synchronized ProtocolInfo find(int catalogEntryId) {
        int i = indexOf(catalogEntryId);
        return i < 0 ? null : entries.get(i);
    }

    /** WSCGetProviderPath. */
    public synchronized String providerPath(UUID providerId) {
        return providerPaths.get(providerId);
    }

    public synchronized Map<UUID, String> providers() {
        return Map.copyOf(providerPaths);
    }

    private int indexOf(int id) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).catalogEntryId() == id) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Chooses the entry for socket(af, type, protocol) as ws2_32 does: the first entry in catalog
     * order (layered entries never) whose family and type match (0 is a wildcard for both) and that
     * serves the protocol (0 only where PFL_MATCHES_PROTOCOL_ZERO is set; otherwise the range
     * [iProtocol, iProtocol + iProtocolMaxOffset]). A supplied protocol info takes precedence: its
     * catalog entry is used as it is.
     *
     * <p>Failures, in the precedence Windows shows: a type no entry has is WSAESOCKTNOSUPPORT (even
     * with a bad family); AF_UNSPEC with protocol 0 is WSAEINVAL (the family cannot be guessed from
     * nothing); a family no entry of that type has is WSAEAFNOSUPPORT; otherwise WSAEPROTONOSUPPORT.
     */
    public synchronized Selection select(int af, int type, int protocol, ProtocolInfo info) {
        if (info != null) {
            ProtocolInfo p = find(info.catalogEntryId());
            if (p == null || p.isLayered()) {
                return Selection.fail(WsaError.WSAEINVAL);
            }
            return Selection.of(p);
        }
        if (af == Wsa.FROM_PROTOCOL_INFO || type == Wsa.FROM_PROTOCOL_INFO || protocol == Wsa.FROM_PROTOCOL_INFO) {
            return Selection.fail(WsaError.WSAEINVAL);
        }
        for (ProtocolInfo p : entries) {
            if (!p.isLayered() && (af == 0 || p.addressFamily() == af) && (type == 0 || p.socketType() == type)
                    && p.servesProtocol(protocol)) {
                if (af == Wsa.AF_UNSPEC && protocol == 0) {
                    break;
                }
                return Selection.of(p);
            }
        }
        boolean typeKnown = type == 0 || entries.stream().anyMatch(p -> !p.isLayered() && p.socketType() == type);
        if (!typeKnown) {
            return Selection.fail(WsaError.WSAESOCKTNOSUPPORT);
        }
        if (af == Wsa.AF_UNSPEC && protocol == 0) {
            return Selection.fail(WsaError.WSAEINVAL);
        }
        boolean afKnown = af == 0 || entries.stream()
                .anyMatch(p -> !p.isLayered() && p.addressFamily() == af && (type == 0 || p.socketType() == type));
        if (!afKnown) {
            return Selection.fail(WsaError.WSAEAFNOSUPPORT);
        }
        return Selection.fail(WsaError.WSAEPROTONOSUPPORT);
    }
}
