package org.sockstack.spi.catalog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CatalogTest {
    static final UUID BASE = UUID.fromString("00000000-0000-0000-0000-0000000000b1");
    static final UUID OTHER = UUID.fromString("00000000-0000-0000-0000-0000000000b2");
    static final UUID LAYER = UUID.fromString("00000000-0000-0000-0000-0000000000c1");
    static final UUID LAYER2 = UUID.fromString("00000000-0000-0000-0000-0000000000c2");

    static Catalog baseCatalog() {
        Catalog c = new Catalog();
        assertEquals(0, c.installProvider(BASE, "base.Factory", ProtocolInfo.ipEntries(BASE, "Base")));
        return c;
    }

    static int id(Catalog c, String name) {
        return c.allEntries().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow().catalogEntryId();
    }

    /** socket(af, type, protocol): the entry chosen, or the error, with Windows' precedence. */
    @ParameterizedTest(name = "socket({0}, {1}, {2}) -> {3}")
    @CsvSource({
        "2, 1, 0, Base TCP/IP",
        "2, 2, 0, Base UDP/IP",
        "2, 0, 0, Base TCP/IP",
        "2, 0, 17, Base UDP/IP",
        "2, 1, 6, Base TCP/IP",
        "23, 2, 0, Base UDP/IPv6",
        "23, 1, 0, Base TCP/IPv6",
        "0, 1, 6, Base TCP/IP",
        "0, 2, 17, Base UDP/IP",
        "0, 1, 0, WSAEINVAL",
        "0, 0, 0, WSAEINVAL",
        "2, 1, 17, WSAEPROTONOSUPPORT",
        "2, 2, 6, WSAEPROTONOSUPPORT",
        "2, 2, 999, WSAEPROTONOSUPPORT",
        "2, 999, 0, WSAESOCKTNOSUPPORT",
        "999, 999, 0, WSAESOCKTNOSUPPORT",
        "2, 5, 0, WSAESOCKTNOSUPPORT",
        "999, 1, 0, WSAEAFNOSUPPORT",
        "999, 2, 17, WSAEAFNOSUPPORT",
        "2, 3, 0, WSAEPROTONOSUPPORT",
        "2, 3, 1, Base RAW/IP",
        "2, 3, 255, Base RAW/IP",
        "2, 3, 256, WSAEPROTONOSUPPORT",
        "23, 3, 58, Base RAW/IPv6",
        "2, 0, 1, Base RAW/IP",
        "-1, 1, 0, WSAEINVAL",
    })
    void selectsLikeWindows(int af, int type, int protocol, String expected) {
        Selection s = baseCatalog().select(af, type, protocol, null);
        assertEquals(expected, s.ok() ? s.entry().name() : WsaError.name(s.error()));
    }

    @Test
    void aSuppliedProtocolInfoTakesPrecedence() {
        Catalog c = baseCatalog();
        ProtocolInfo udp = c.find(id(c, "Base UDP/IP"));
        assertEquals(udp, c.select(Wsa.AF_INET6, Wsa.SOCK_STREAM, 0, udp).entry());
        assertEquals(WsaError.WSAEINVAL, c.select(0, 0, 0, udp.withCatalogEntryId(4242)).error());
    }

    @Test
    void protocolZeroNeedsTheMatchesProtocolZeroFlag() {
        Catalog c = new Catalog();
        ProtocolInfo udp = ProtocolInfo.ipEntries(BASE, "X").get(1);
        c.installProvider(BASE, "x", List.of(udp.withProviderFlags(0)));
        assertEquals(WsaError.WSAEPROTONOSUPPORT, c.select(Wsa.AF_INET, Wsa.SOCK_DGRAM, 0, null).error());
        assertTrue(c.select(Wsa.AF_INET, Wsa.SOCK_DGRAM, Wsa.IPPROTO_UDP, null).ok());
    }

    @Test
    void entriesGetIdsFrom1001InInstallOrder() {
        Catalog c = baseCatalog();
        List<ProtocolInfo> all = c.allEntries();
        assertEquals(6, all.size());
        for (int i = 0; i < all.size(); i++) {
            assertEquals(Catalog.FIRST_ENTRY_ID + i, all.get(i).catalogEntryId());
            assertTrue(all.get(i).chain().isBase());
        }
        assertEquals("base.Factory", c.providerPath(BASE));
    }

    @Test
    void enumerationListsBaseEntriesAndChainsButNotLayeredOrHiddenOnes() {
        Catalog c = baseCatalog();
        assertEquals(0, c.installProviderAndChains(LAYER, "layer.Factory", "Layer", List.of(id(c, "Base UDP/IP"))));
        List<String> names = c.enumProtocols(null).stream().map(ProtocolInfo::name).toList();
        assertEquals(List.of("Base TCP/IP", "Base UDP/IP", "Base TCP/IPv6", "Base UDP/IPv6",
                "Layer over [Base UDP/IP]"), names);
        assertEquals(8, c.allEntries().size());
        List<String> udp = c.enumProtocols(new int[] {Wsa.IPPROTO_UDP}).stream().map(ProtocolInfo::name).toList();
        assertEquals(List.of("Base UDP/IP", "Base UDP/IPv6", "Layer over [Base UDP/IP]"), udp);
    }

    @Test
    void installingAProviderTwiceOrWithForeignEntriesFails() {
        Catalog c = baseCatalog();
        assertEquals(WsaError.WSAEINVAL, c.installProvider(BASE, "again", ProtocolInfo.ipEntries(BASE, "Again")));
        assertEquals(WsaError.WSAEINVAL, c.installProvider(OTHER, "o", ProtocolInfo.ipEntries(BASE, "Wrong id")));
        assertEquals(WsaError.WSAEINVAL, c.installProvider(OTHER, "o", List.of()));
        assertEquals(6, c.allEntries().size());
    }

    @Test
    void chainsAreBuiltTopLayerFirstAndStackOverChains() {
        Catalog c = baseCatalog();
        int udp = id(c, "Base UDP/IP");
        c.installProviderAndChains(LAYER, "l1", "L1", List.of(udp));
        int l1 = c.allEntries().get(6).catalogEntryId();
        ProtocolInfo layered = c.find(l1);
        assertTrue(layered.isLayered());
        assertTrue(layered.hasProviderFlag(ProviderFlags.PFL_HIDDEN));
        int chain1 = id(c, "L1 over [Base UDP/IP]");
        assertEquals(List.of(l1, udp), c.find(chain1).chain().entries());
        assertEquals(0, c.installProviderAndChains(LAYER2, "l2", "L2", List.of(chain1)));
        int l2 = c.allEntries().get(8).catalogEntryId();
        ProtocolInfo chain2 = c.find(id(c, "L2 over [L1 over [Base UDP/IP]]"));
        assertEquals(List.of(l2, l1, udp), chain2.chain().entries());
        assertEquals(3, chain2.chain().length());
        // Layering over a layered (not base, not chain) entry is refused.
        assertEquals(WsaError.WSAEINVAL, c.installProviderAndChains(OTHER, "x", "X", List.of(l1)));
    }

    @Test
    void aChainOnlyOverInstalledPartsAndNoLayerTwice() {
        Catalog c = baseCatalog();
        int udp = id(c, "Base UDP/IP");
        c.installProviderAndChains(LAYER, "l1", "L1", List.of(udp));
        int l1 = c.allEntries().get(6).catalogEntryId();
        ProtocolInfo template = c.find(udp).withProvider(OTHER, "Hand-made");
        assertEquals(WsaError.WSAEINVAL, c.installProvider(OTHER, "o",
                List.of(template.withChain(ProtocolChain.of(List.of(l1, 4242))))));
        assertEquals(WsaError.WSAEINVAL, c.installProvider(OTHER, "o",
                List.of(template.withChain(ProtocolChain.of(List.of(l1, l1, udp))))));
        assertEquals(WsaError.WSAEINVAL, c.installProvider(OTHER, "o",
                List.of(template.withChain(ProtocolChain.of(List.of(udp, l1))))));
        assertEquals(0, c.installProvider(OTHER, "o", List.of(template.withChain(ProtocolChain.of(List.of(l1, udp))))));
    }

    @Test
    void deinstallRemovesEveryEntryButNotUnderAChain() {
        Catalog c = baseCatalog();
        c.installProviderAndChains(LAYER, "l1", "L1", List.of(id(c, "Base UDP/IP")));
        assertEquals(WsaError.WSAEINVAL, c.deinstallProvider(BASE));
        assertEquals(0, c.deinstallProvider(LAYER));
        assertEquals(6, c.allEntries().size());
        assertEquals(0, c.deinstallProvider(BASE));
        assertTrue(c.allEntries().isEmpty());
        assertNull(c.providerPath(BASE));
        assertEquals(WsaError.WSAEINVAL, c.deinstallProvider(BASE));
    }

    @Test
    void updateKeepsIdsAndOrder() {
        Catalog c = baseCatalog();
        ProtocolInfo udp = c.find(id(c, "Base UDP/IP"));
        ProtocolInfo renamed = udp.withProvider(BASE, "Base UDP renamed");
        assertEquals(0, c.updateProvider(BASE, "base.v2", List.of(renamed)));
        assertEquals("Base UDP renamed", c.allEntries().get(1).name());
        assertEquals(udp.catalogEntryId(), c.allEntries().get(1).catalogEntryId());
        assertEquals("base.v2", c.providerPath(BASE));
        assertEquals(WsaError.WSAEINVAL, c.updateProvider(BASE, "x", List.of(renamed.withCatalogEntryId(99))));
        assertEquals(WsaError.WSAEINVAL, c.updateProvider(OTHER, "x", List.of(renamed)));
    }

    @Test
    void reorderingChangesSelectionAndMustNameEveryEntryOnce() {
        Catalog c = baseCatalog();
        c.installProvider(OTHER, "other", ProtocolInfo.ipEntries(OTHER, "Other"));
        assertEquals("Base UDP/IP", c.select(Wsa.AF_INET, Wsa.SOCK_DGRAM, 0, null).entry().name());
        List<Integer> order = new ArrayList<>(c.allEntries().stream().map(ProtocolInfo::catalogEntryId).toList());
        Collections.reverse(order);
        assertEquals(0, c.writeProviderOrder(order));
        assertEquals("Other UDP/IP", c.select(Wsa.AF_INET, Wsa.SOCK_DGRAM, 0, null).entry().name());
        assertEquals("Other UDP/IPv6", c.enumProtocols(null).get(0).name());
        assertEquals(WsaError.WSAEINVAL, c.writeProviderOrder(order.subList(1, order.size())));
        List<Integer> dup = new ArrayList<>(order);
        dup.set(0, dup.get(1));
        assertEquals(WsaError.WSAEINVAL, c.writeProviderOrder(dup));
    }

    @Test
    void aSnapshotDoesNotSeeLaterChanges() {
        Catalog c = baseCatalog();
        Catalog snap = c.snapshot();
        c.deinstallProvider(BASE);
        assertEquals(6, snap.allEntries().size());
    }

    @Test
    void theCatalogFileRoundTrips(@TempDir Path dir) throws Exception {
        Catalog c = baseCatalog();
        c.installProviderAndChains(LAYER, "l1", "L1, with comma", List.of(id(c, "Base UDP/IP")));
        CatalogFile f = new CatalogFile(dir.resolve("sub/catalog.properties"));
        assertFalse(f.exists());
        f.save(c);
        Catalog back = f.load();
        assertEquals(c.allEntries(), back.allEntries());
        assertEquals(c.providers(), back.providers());
        // Ids continue after the highest restored one.
        back.installProvider(OTHER, "o", ProtocolInfo.ipEntries(OTHER, "O"));
        assertEquals(Catalog.FIRST_ENTRY_ID + 8, back.allEntries().get(8).catalogEntryId());
    }

    @Test
    void theNamespaceCatalogSharesTheFile(@TempDir Path dir) throws Exception {
        CatalogFile f = new CatalogFile(dir.resolve("catalog.properties"));
        // Nothing saved yet: the default, the hosts-file provider for NS_DNS.
        assertEquals(CatalogFile.defaultNamespaces().enumerate(), f.loadNamespaces().enumerate());
        org.sockstack.spi.namespace.NamespaceCatalog ns = CatalogFile.defaultNamespaces();
        assertEquals(0, ns.install("Other, with comma", 15, 2, OTHER));
        assertEquals(0, ns.enable(OTHER, false));
        f.saveNamespaces(ns);
        Catalog c = baseCatalog();
        f.save(c);
        // Each save keeps the other catalog.
        assertEquals(ns.enumerate(), f.loadNamespaces().enumerate());
        f.saveNamespaces(ns);
        assertEquals(c.allEntries(), f.load().allEntries());
    }

    @Test
    void aMalformedNamespaceEntryIsAnIOException(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("c.properties");
        java.nio.file.Files.writeString(p, "namespace.0=not-a-uuid,12,true,1,x\n");
        assertThrows(java.io.IOException.class, () -> new CatalogFile(p).loadNamespaces());
        java.nio.file.Files.writeString(p, "namespace.0=" + OTHER + ",12,true\n");
        assertThrows(java.io.IOException.class, () -> new CatalogFile(p).loadNamespaces());
    }

    @Test
    void theCatalogFileLocationIsConfigurable(@TempDir Path dir) {
        String old = System.getProperty(CatalogFile.LOCATION_PROPERTY);
        try {
            System.setProperty(CatalogFile.LOCATION_PROPERTY, dir.resolve("c.properties").toString());
            assertEquals(dir.resolve("c.properties"), CatalogFile.defaultLocation().path());
        } finally {
            if (old == null) {
                System.clearProperty(CatalogFile.LOCATION_PROPERTY);
            } else {
                System.setProperty(CatalogFile.LOCATION_PROPERTY, old);
            }
        }
    }

    @Test
    void aMalformedCatalogFileIsAnIOException(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("bad.properties");
        java.nio.file.Files.writeString(p, "entry.0=1,2,3\n");
        assertNotNull(org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> new CatalogFile(p).load()));
    }

    @Test
    void protocolInfoHasTheWindowsBinaryLayout() {
        Catalog c = baseCatalog();
        c.installProviderAndChains(LAYER, "l1", "L1", List.of(id(c, "Base UDP/IP")));
        for (ProtocolInfo p : c.allEntries()) {
            byte[] b = ProtocolInfoCodec.encode(p);
            assertEquals(628, b.length);
            assertEquals(p, ProtocolInfoCodec.decode(b));
        }
        ProtocolInfo udp = c.find(id(c, "Base UDP/IP"));
        byte[] b = ProtocolInfoCodec.encode(udp);
        // dwServiceFlags1 first, little-endian; iAddressFamily at offset 76; dwMessageSize at 108.
        assertEquals(ServiceFlags.UDP, java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(0));
        assertEquals(Wsa.AF_INET, java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(76));
        assertEquals(0xFFBB, java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(108));
        assertNull(ProtocolInfoCodec.decode(new byte[10]));
    }

    @Test
    void windowsFlagsOfTheStandardEntries() {
        List<ProtocolInfo> e = ProtocolInfo.ipEntries(BASE, "W");
        ProtocolInfo tcp = e.get(0);
        ProtocolInfo udp = e.get(1);
        ProtocolInfo raw = e.get(2);
        assertTrue(tcp.hasServiceFlag(ServiceFlags.XP1_GUARANTEED_DELIVERY | ServiceFlags.XP1_GRACEFUL_CLOSE));
        assertFalse(tcp.hasServiceFlag(ServiceFlags.XP1_CONNECTIONLESS));
        assertTrue(udp.hasServiceFlag(ServiceFlags.XP1_CONNECTIONLESS));
        assertTrue(udp.hasServiceFlag(ServiceFlags.XP1_SUPPORT_BROADCAST));
        assertEquals(0xFFBB, udp.messageSize());
        assertEquals(16, udp.minSockAddr());
        assertEquals(28, e.get(4).maxSockAddr());
        assertTrue(raw.hasProviderFlag(ProviderFlags.PFL_HIDDEN));
        assertEquals(255, raw.protocolMaxOffset());
        assertEquals(0x8000, raw.messageSize());
    }
}
