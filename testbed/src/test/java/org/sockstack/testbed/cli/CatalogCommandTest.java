package org.sockstack.testbed.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sockstack.spi.catalog.CatalogFile;
import org.sockstack.spi.catalog.ProtocolInfo;
import org.sockstack.spi.host.HostProvider;
import org.sockstack.spi.layered.InspectorProvider;
import org.sockstack.spi.stack.StackProvider;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code sockstack catalog}: the listing, and install / remove / order on a temporary catalog file. */
class CatalogCommandTest {
    private static final Pattern ENTRY_ID = Pattern.compile("Catalog Entry ID:\\s+(\\d+)");
    private static final Pattern DESCRIPTION = Pattern.compile("Description:\\s+(.+)");

    static SockstackCliTest.Result run(Path file, String... args) {
        List<String> a = new ArrayList<>(List.of("catalog", "--catalog", file.toString()));
        a.addAll(List.of(args));
        return SockstackCliTest.run(a.toArray(String[]::new));
    }

    static List<Integer> ids(String out) {
        List<Integer> ids = new ArrayList<>();
        Matcher m = ENTRY_ID.matcher(out);
        while (m.find()) {
            ids.add(Integer.parseInt(m.group(1)));
        }
        return ids;
    }

    static List<String> descriptions(String out) {
        List<String> d = new ArrayList<>();
        Matcher m = DESCRIPTION.matcher(out);
        while (m.find()) {
            d.add(m.group(1).strip());
        }
        return d;
    }

    @Test
    void aFreshSystemListsEveryBaseProviderAndTheHostsFile(@TempDir Path dir) {
        Path file = dir.resolve("catalog.properties");
        SockstackCliTest.Result r = run(file);
        assertEquals(0, r.code(), r.err());
        // Host and stack providers, six entries each, ids from 1001 in install order.
        assertEquals(12, ids(r.out()).size(), r.out());
        assertEquals(1001, ids(r.out()).get(0));
        assertTrue(r.out().contains("Winsock Catalog Provider Entry"), r.out());
        assertTrue(r.out().contains("Entry Type:                         Base Service Provider"), r.out());
        assertTrue(r.out().contains("Provider ID:                        {"
                + HostProvider.PROVIDER_ID.toString().toUpperCase(java.util.Locale.ROOT) + "}"), r.out());
        assertTrue(r.out().contains("Provider Path:                      " + StackProvider.Factory.class.getName()),
                r.out());
        assertTrue(descriptions(r.out()).contains("Sockstack host TCP/IP"), r.out());
        assertTrue(descriptions(r.out()).contains("Sockstack stack UDP/IPv6"), r.out());
        // TCP/IP over IPv4: family 2, type 1, protocol 6, 16-octet sockaddr.
        int tcp = r.out().indexOf("Sockstack host TCP/IP");
        String block = r.out().substring(tcp, r.out().indexOf("Protocol Chain Length", tcp));
        assertTrue(block.contains("Address Family:                     2"), block);
        assertTrue(block.contains("Socket Type:                        1"), block);
        assertTrue(block.contains("Protocol:                           6"), block);
        assertTrue(block.contains("Max Address Length:                 16"), block);
        assertTrue(r.out().contains("Winsock Namespace Provider Entry"), r.out());
        assertTrue(r.out().contains("Name Space:                         12"), r.out());
        assertTrue(r.out().contains("Active:                             1"), r.out());
        // Showing writes nothing.
        assertFalse(Files.exists(file));
    }

    @Test
    void helpForEachCommand() {
        for (String[] args : new String[][] {{"catalog", "--help"}, {"catalog", "install", "--help"},
                {"catalog", "remove", "--help"}, {"catalog", "order", "--help"}}) {
            SockstackCliTest.Result r = SockstackCliTest.run(args);
            assertEquals(0, r.code(), String.join(" ", args));
            assertTrue(r.out().contains("Usage:"), r.out());
        }
        assertTrue(SockstackCliTest.run("--help").out().contains("catalog"));
    }

    @Test
    void badArgumentsAreOneLineAndNonZero(@TempDir Path dir) {
        Path file = dir.resolve("c.properties");
        String[][] cases = {
            {"order", "abc"},
            {"order"},
            {"order", "99999"},
            {"order", "1001", "1001"},
            {"remove"},
            {"remove", "no.such.Provider"},
            {"install", "no.such.Factory"},
            {"install", InspectorProvider.Factory.class.getName()},
            {"install", HostProvider.Factory.class.getName()},
            {"install", StackProvider.Factory.class.getName(), "--over", "1001"},
            {"install", InspectorProvider.Factory.class.getName(), "--over", "4711"},
            {"--bogus"},
        };
        for (String[] c : cases) {
            SockstackCliTest.Result r = run(file, c);
            assertNotEquals(0, r.code(), String.join(" ", c));
            assertEquals(1, r.err().lines().count(), String.join(" ", c) + ": " + r.err());
        }
        // No failed change wrote a file.
        assertFalse(Files.exists(file));
    }

    @Test
    void installOrderRemoveRoundTrip(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sub/catalog.properties");
        String inspector = InspectorProvider.Factory.class.getName();
        // A layer over the host's TCP/IP (1001) and UDP/IP (1002): its hidden entry and two chains.
        SockstackCliTest.Result r = run(file, "install", inspector, "--over", "1001,1002", "--name", "Inspector");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.exists(file));
        List<ProtocolInfo> saved = new CatalogFile(file).load().allEntries();
        assertEquals(15, saved.size());
        ProtocolInfo chain = saved.get(13);
        assertEquals(List.of(1013, 1001), chain.chain().entries());
        assertEquals("Inspector over [Sockstack host TCP/IP]", chain.name());

        SockstackCliTest.Result shown = run(file);
        assertTrue(shown.out().contains("Entry Type:                         Layered Service Provider"), shown.out());
        assertTrue(shown.out().contains("Entry Type:                         Layered Chain Entry (2)"), shown.out());
        assertTrue(shown.out().contains("Protocol Chain:                     1013 : 1001"), shown.out());

        // The chain over TCP first, then the stack's TCP/IP; the rest keep their order.
        assertEquals(0, run(file, "order", "1014", "1007").code());
        List<Integer> order = ids(run(file).out());
        assertEquals(List.of(1014, 1007, 1001, 1002), order.subList(0, 4));
        assertEquals(15, order.size());

        // The host provider cannot go while the inspector's chains run over it.
        SockstackCliTest.Result refused = run(file, "remove", HostProvider.Factory.class.getName());
        assertNotEquals(0, refused.code());
        assertTrue(refused.err().contains("WSAEINVAL"), refused.err());
        assertEquals(0, run(file, "remove", inspector).code());
        assertFalse(descriptions(run(file).out()).contains("Inspector"));
        assertEquals(0, run(file, "remove", HostProvider.PROVIDER_ID.toString()).code());
        assertEquals(6, ids(run(file).out()).size());
        // Installed again (by GUID), at the end, with ids after the highest in the file.
        assertEquals(0, run(file, "install", "{" + HostProvider.PROVIDER_ID + "}").code());
        assertEquals(List.of(1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 1015, 1016, 1017, 1018),
                ids(run(file).out()));
    }

    @Test
    void theSystemPropertyNamesTheFile(@TempDir Path dir) {
        Path file = dir.resolve("by-property.properties");
        String old = System.getProperty(CatalogFile.LOCATION_PROPERTY);
        try {
            System.setProperty(CatalogFile.LOCATION_PROPERTY, file.toString());
            assertEquals(0, SockstackCliTest.run("catalog", "order", "1007").code());
            assertTrue(Files.exists(file));
            assertEquals(1007, ids(SockstackCliTest.run("catalog").out()).get(0));
        } finally {
            if (old == null) {
                System.clearProperty(CatalogFile.LOCATION_PROPERTY);
            } else {
                System.setProperty(CatalogFile.LOCATION_PROPERTY, old);
            }
        }
    }
}
