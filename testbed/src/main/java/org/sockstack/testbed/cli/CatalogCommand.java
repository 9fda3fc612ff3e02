package org.sockstack.testbed.cli;

import org.sockstack.spi.ProviderRegistry;
import org.sockstack.spi.catalog.Catalog;
import org.sockstack.spi.catalog.CatalogFile;
import org.sockstack.spi.catalog.ProtocolInfo;
import org.sockstack.spi.namespace.NamespaceCatalog;
import org.sockstack.spi.provider.TransportProviderFactory;
import org.sockstack.spi.wsa.WsaError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code sockstack catalog}: the Winsock catalogs, shown like {@code netsh winsock show catalog},
 * and the WSC* configuration calls on the catalog file (install, remove, order).
 *
 * <p>The file is {@code --catalog FILE}, else the system property {@code sockstack.catalog}, else
 * {@code ~/.sockstack/protocol-catalog.properties}. Without a file the catalog a fresh system
 * would get is shown: every provider found on the class path, and the hosts-file namespace
 * provider; the first change writes it.
 */
@Command(name = "catalog", mixinStandardHelpOptions = true,
        description = "Show the protocol and namespace catalogs (like netsh winsock show catalog), or change them.",
        subcommands = {CatalogCommand.Install.class, CatalogCommand.Remove.class, CatalogCommand.Order.class})
public final class CatalogCommand implements Callable<Integer> {

    @Option(names = "--catalog", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "the catalog file (default: -Dsockstack.catalog, else ~/.sockstack/protocol-catalog.properties)")
    Path catalogPath;

    @Override
    public Integer call() throws IOException {
        CatalogFile file = file(catalogPath);
        print(load(file), file.loadNamespaces(), System.out);
        return 0;
    }

    static CatalogFile file(Path p) {
        return p != null ? new CatalogFile(p) : CatalogFile.defaultLocation();
    }

    /** The saved catalog, or a fresh system's (every provider on the class path). */
    static Catalog load(CatalogFile file) throws IOException {
        if (file.exists()) {
            return file.load();
        }
        Catalog c = new Catalog();
        ProviderRegistry.withServiceLoader().installAll(c);
        return c;
    }

    // ------------------------------------------------------------------ show

    static void print(Catalog catalog, NamespaceCatalog namespaces, PrintStream out) {
        Map<UUID, String> paths = catalog.providers();
        for (ProtocolInfo p : catalog.allEntries()) {
            out.println();
            out.println("Winsock Catalog Provider Entry");
            out.println("------------------------------------------------------");
            line(out, "Entry Type", entryType(p));
            line(out, "Description", p.name());
            line(out, "Provider ID", "{" + p.providerId().toString().toUpperCase(Locale.ROOT) + "}");
            line(out, "Provider Path", paths.getOrDefault(p.providerId(), ""));
            line(out, "Catalog Entry ID", Integer.toString(p.catalogEntryId()));
            line(out, "Version", Integer.toString(p.version()));
            line(out, "Address Family", Integer.toString(p.addressFamily()));
            line(out, "Max Address Length", Integer.toString(p.maxSockAddr()));
            line(out, "Min Address Length", Integer.toString(p.minSockAddr()));
            line(out, "Socket Type", Integer.toString(p.socketType()));
            line(out, "Protocol", Integer.toString(p.protocol()));
            line(out, "Service Flags", "0x" + Integer.toHexString(p.serviceFlags1()));
            line(out, "Provider Flags", "0x" + Integer.toHexString(p.providerFlags()));
            line(out, "Protocol Chain Length", Integer.toString(p.chain().length()));
            if (p.chain().isChain()) {
                line(out, "Protocol Chain", p.chain().entries().stream().map(String::valueOf)
                        .collect(Collectors.joining(" : ")));
            }
        }
        for (NamespaceCatalog.Entry e : namespaces.enumerate()) {
            out.println();
            out.println("Winsock Namespace Provider Entry");
            out.println("------------------------------------------------------");
            line(out, "Description", e.identifier());
            line(out, "Provider ID", "{" + e.providerId().toString().toUpperCase(Locale.ROOT) + "}");
            line(out, "Name Space", Integer.toString(e.nameSpace()));
            line(out, "Active", e.active() ? "1" : "0");
            line(out, "Version", Integer.toString(e.version()));
        }
        out.println();
    }

    private static String entryType(ProtocolInfo p) {
        if (p.isLayered()) {
            return "Layered Service Provider";
        }
        return p.chain().isChain() ? "Layered Chain Entry (" + p.chain().length() + ")" : "Base Service Provider";
    }

    private static void line(PrintStream out, String label, String value) {
        out.printf(Locale.ROOT, "%-36s%s%n", label + ":", value);
    }

    static void check(int wsa, String what) {
        if (wsa != 0) {
            throw new IllegalArgumentException(what + " failed: " + WsaError.name(wsa));
        }
    }

    /** A provider named by its GUID or its path (the factory's class name). */
    static UUID providerId(Map<UUID, String> providers, String name) {
        for (Map.Entry<UUID, String> e : providers.entrySet()) {
            if (e.getKey().toString().equalsIgnoreCase(stripBraces(name)) || e.getValue().equals(name)) {
                return e.getKey();
            }
        }
        return null;
    }

    static String stripBraces(String s) {
        return s.startsWith("{") && s.endsWith("}") ? s.substring(1, s.length() - 1) : s;
    }

    // ------------------------------------------------------------------ install

    /** WSCInstallProvider (base providers) or WSCInstallProviderAndChains (layers, over entries). */
    @Command(name = "install", mixinStandardHelpOptions = true,
            description = "Install a provider found on the class path: a base provider's entries, or a layer "
                    + "with one chain over each --over entry.")
    static final class Install implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "PROVIDER",
                description = "the provider's factory class name or its GUID")
        String provider;

        @Option(names = "--over", split = ",", paramLabel = "ID",
                description = "for a layered provider: the catalog entry ids to build chains over")
        List<Integer> over = new ArrayList<>();

        @Option(names = "--name", paramLabel = "NAME", description = "for a layered provider: its description")
        String name;

        @picocli.CommandLine.ParentCommand
        CatalogCommand parent;

        @Override
        public Integer call() throws IOException {
            CatalogFile file = file(parent.catalogPath);
            Catalog c = load(file);
            TransportProviderFactory f = findFactory(provider);
            String path = f.getClass().getName();
            List<ProtocolInfo> entries = f.protocolEntries();
            if (entries.isEmpty()) {
                if (over.isEmpty()) {
                    throw new IllegalArgumentException(path + " is a layered provider: say which entries with --over");
                }
                String n = name != null ? name : f.getClass().getName();
                check(c.installProviderAndChains(f.providerId(), path, n, over), "install");
            } else {
                if (!over.isEmpty()) {
                    throw new IllegalArgumentException(path + " is a base provider: --over is for layers");
                }
                check(c.installProvider(f.providerId(), path, entries), "install");
            }
            file.save(c);
            System.out.println("Installed " + path + " in " + file.path());
            return 0;
        }

        private static TransportProviderFactory findFactory(String provider) {
            for (TransportProviderFactory f : ProviderRegistry.withServiceLoader().all().values()) {
                if (f.getClass().getName().equals(provider)
                        || f.providerId().toString().equalsIgnoreCase(stripBraces(provider))) {
                    return f;
                }
            }
            throw new IllegalArgumentException("no provider " + provider + " on the class path");
        }
    }

    // ------------------------------------------------------------------ remove

    /** WSCDeinstallProvider. */
    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Remove every entry of a provider (a layer's chains must be removed before its base).")
    static final class Remove implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "PROVIDER", description = "the provider's path (class name) or GUID")
        String provider;

        @picocli.CommandLine.ParentCommand
        CatalogCommand parent;

        @Override
        public Integer call() throws IOException {
            CatalogFile file = file(parent.catalogPath);
            Catalog c = load(file);
            UUID id = providerId(c.providers(), provider);
            if (id == null) {
                throw new IllegalArgumentException("no provider " + provider + " in the catalog");
            }
            check(c.deinstallProvider(id), "remove (is a chain still built over it?)");
            file.save(c);
            System.out.println("Removed " + provider + " from " + file.path());
            return 0;
        }
    }

    // ------------------------------------------------------------------ order

    /** WSCWriteProviderOrder: the named entries first, in the order given; the rest keep theirs. */
    @Command(name = "order", mixinStandardHelpOptions = true,
            description = "Move catalog entries to the front, in the order given; the others keep their order.")
    static final class Order implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "ID", description = "catalog entry ids")
        List<Integer> ids;

        @picocli.CommandLine.ParentCommand
        CatalogCommand parent;

        @Override
        public Integer call() throws IOException {
            CatalogFile file = file(parent.catalogPath);
            Catalog c = load(file);
            Set<Integer> first = new LinkedHashSet<>(ids);
            if (first.size() != ids.size()) {
                throw new IllegalArgumentException("an entry id is named twice");
            }
            for (int id : first) {
                if (c.find(id) == null) {
                    throw new IllegalArgumentException("no catalog entry " + id);
                }
            }
            List<Integer> order = new ArrayList<>(first);
            for (ProtocolInfo p : c.allEntries()) {
                if (!first.contains(p.catalogEntryId())) {
                    order.add(p.catalogEntryId());
                }
            }
            check(c.writeProviderOrder(order), "order");
            file.save(c);
            System.out.println("Ordered " + file.path() + ": " + order);
            return 0;
        }
    }
}
