package org.sockstack.spi.catalog;

import org.sockstack.spi.namespace.HostsFileProvider;
import org.sockstack.spi.namespace.dns.DnsNamespaceProvider;
import org.sockstack.spi.namespace.NamespaceCatalog;
import org.sockstack.spi.namespace.Ns;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Persists a {@link Catalog} (and the {@link NamespaceCatalog}, see {@link #loadNamespaces}) as a
 * properties file (the registry of this world). Its location is
 * configurable: the system property {@value #LOCATION_PROPERTY}, else
 * {@code ~/.sockstack/protocol-catalog.properties}. Writes go to a temporary file that is then
 * moved into place, so a reader never sees half a catalog.
 */
public final class CatalogFile {
    public static final String LOCATION_PROPERTY = "sockstack.catalog";

    private final Path path;

    public CatalogFile(Path path) {
        this.path = Objects.requireNonNull(path);
    }

    public static CatalogFile defaultLocation() {
        String p = System.getProperty(LOCATION_PROPERTY);
        return new CatalogFile(p != null ? Path.of(p)
                : Path.of(System.getProperty("user.home"), ".sockstack", "protocol-catalog.properties"));
    }

    public Path path() {
        return path;
    }

    public boolean exists() {
        return Files.exists(path);
    }

    /**
     * Writes the protocol catalog. A namespace catalog already in the file is kept (see
     * {@link #saveNamespaces}).
     */
    public void save(Catalog catalog) throws IOException {
        Properties p = new Properties();
        Properties old = exists() ? read() : new Properties();
        for (String k : old.stringPropertyNames()) {
            if (k.startsWith("namespace.")) {
                p.setProperty(k, old.getProperty(k));
            }
        }
        int i = 0;
        for (Map.Entry<UUID, String> e : new TreeMap<>(catalog.providers()).entrySet()) {
            p.setProperty("provider." + i + ".id", e.getKey().toString());
            p.setProperty("provider." + i + ".path", e.getValue());
            i++;
        }
        List<ProtocolInfo> entries = catalog.allEntries();
        for (int n = 0; n < entries.size(); n++) {
            p.setProperty("entry." + n, encode(entries.get(n)));
        }
        write(p);
    }

    private void write(Properties p) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "catalog", ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(w, "Sockstack protocol catalog");
        }
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private Properties read() throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return p;
    }

    // ------------------------------------------------------------------ the namespace catalog

    /**
     * What a system without a saved namespace catalog has for NS_DNS: the hosts-file provider,
     * then the DNS resolver (asked only for names the hosts file does not know).
     */
    public static NamespaceCatalog defaultNamespaces() {
        NamespaceCatalog ns = new NamespaceCatalog();
        ns.install("Sockstack hosts file", Ns.NS_DNS, 1, HostsFileProvider.PROVIDER_ID);
        ns.install("Sockstack DNS resolver", Ns.NS_DNS, 1, DnsNamespaceProvider.PROVIDER_ID);
        return ns;
    }

    /**
     * The namespace catalog kept in the same file ({@code namespace.N} lines: id, name space,
     * active, version, identifier); {@link #defaultNamespaces()} if the file has none.
     */
    public NamespaceCatalog loadNamespaces() throws IOException {
        if (!exists()) {
            return defaultNamespaces();
        }
        Properties p = read();
        if (!p.containsKey("namespace.0")) {
            return defaultNamespaces();
        }
        NamespaceCatalog ns = new NamespaceCatalog();
        for (int n = 0; p.containsKey("namespace." + n); n++) {
            String line = p.getProperty("namespace." + n);
            String[] f = line.split(",", 5);
            try {
                if (f.length != 5) {
                    throw new IllegalArgumentException();
                }
                UUID id = UUID.fromString(f[0]);
                if (ns.install(f[4], Integer.parseInt(f[1]), Integer.parseInt(f[3]), id) != 0) {
                    throw new IllegalArgumentException();
                }
                ns.enable(id, Boolean.parseBoolean(f[2]));
            } catch (IllegalArgumentException e) {
                throw new IOException("malformed namespace entry: " + line, e);
            }
        }
        return ns;
    }

    /** Writes the namespace catalog, keeping the protocol catalog in the file as it is. */
    public void saveNamespaces(NamespaceCatalog ns) throws IOException {
        Properties p = exists() ? read() : new Properties();
        p.keySet().removeIf(k -> k.toString().startsWith("namespace."));
        List<NamespaceCatalog.Entry> entries = ns.enumerate();
        for (int n = 0; n < entries.size(); n++) {
            NamespaceCatalog.Entry e = entries.get(n);
            p.setProperty("namespace." + n, e.providerId() + "," + e.nameSpace() + "," + e.active() + ","
                    + e.version() + "," + e.identifier());
        }
        write(p);
    }

    public Catalog load() throws IOException {
        Properties p = read();
        List<ProtocolInfo> entries = new ArrayList<>();
        for (int n = 0; p.containsKey("entry." + n); n++) {
            entries.add(decode(p.getProperty("entry." + n)));
        }
        Catalog c = new Catalog();
        for (int i = 0; p.containsKey("provider." + i + ".id"); i++) {
            c.restoreProvider(UUID.fromString(p.getProperty("provider." + i + ".id")),
                    p.getProperty("provider." + i + ".path"));
        }
        c.restoreEntries(entries);
        return c;
    }

    static String encode(ProtocolInfo e) {
        StringBuilder sb = new StringBuilder();
        int[] ints = {e.serviceFlags1(), e.serviceFlags2(), e.serviceFlags3(), e.serviceFlags4(), e.providerFlags(),
                e.catalogEntryId(), e.chain().length(), e.version(), e.addressFamily(), e.maxSockAddr(),
                e.minSockAddr(), e.socketType(), e.protocol(), e.protocolMaxOffset(), e.networkByteOrder(),
                e.securityScheme(), e.messageSize()};
        for (int v : ints) {
            sb.append(v).append(',');
        }
        sb.append(e.providerId()).append(',').append(e.providerReserved()).append(',');
        sb.append(String.join(" ", e.chain().entries().stream().map(String::valueOf).toList())).append(',');
        sb.append(e.name());
        return sb.toString();
    }

    static ProtocolInfo decode(String s) throws IOException {
        String[] f = s.split(",", 21);
        if (f.length != 21) {
            throw new IOException("malformed catalog entry: " + s);
        }
        try {
            int[] v = new int[17];
            for (int i = 0; i < 17; i++) {
                v[i] = Integer.parseInt(f[i]);
            }
            List<Integer> chain = f[19].isEmpty() ? List.of()
                    : Arrays.stream(f[19].split(" ")).map(Integer::valueOf).toList();
            return new ProtocolInfo(v[0], v[1], v[2], v[3], v[4], UUID.fromString(f[17]), v[5],
                    new ProtocolChain(v[6], chain), v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15],
                    v[16], Long.parseLong(f[18]), f[20]);
        } catch (IllegalArgumentException e) {
            throw new IOException("malformed catalog entry: " + s, e);
        }
    }
}
