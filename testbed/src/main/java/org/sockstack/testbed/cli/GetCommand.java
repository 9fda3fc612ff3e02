package org.sockstack.testbed.cli;

import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.wire.IpAddress;
import org.sockstack.testbed.host.StackHost;
import org.sockstack.testbed.services.HttpGet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** {@code sockstack get URL}: an HTTP GET through the stack (the stack-to-kernel direction). */
@Command(name = "get", mixinStandardHelpOptions = true,
        description = "Fetch an http:// URL through the stack; prints status, size, rate and SHA-256.")
public final class GetCommand implements Callable<Integer> {

    @Mixin
    StackOptions stackOptions;

    @Parameters(index = "0", paramLabel = "URL", description = "http://IPV4[:PORT]/path or http://[IPV6][:PORT]/path")
    String url;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write the body here (default: discard)")
    Path output;

    @Option(names = "--timeout", defaultValue = "120", description = "seconds before giving up (default ${DEFAULT-VALUE})")
    int timeout;

    @Override
    public Integer call() throws Exception {
        URI uri = URI.create(url);
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("only http://ADDRESS[:PORT]/path URLs are supported: " + url);
        }
        String hostText = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1)
                : uri.getHost();
        IpAddress host;
        try {
            host = IpAddress.parse(hostText);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the host must be an IPv4 or IPv6 address: " + uri.getHost());
        }
        int port = uri.getPort() < 0 ? 80 : uri.getPort();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path += "?" + uri.getRawQuery();
        }
        PrintStream out = System.out;
        try (StackHost stack = stackOptions.open("get", out);
             OutputStream body = output == null ? OutputStream.nullOutputStream()
                     : new BufferedOutputStream(Files.newOutputStream(output), 1 << 16)) {
            stack.start();
            if (host.version() == 6) {
                StackOptions.awaitAddresses(stack);
            }
            String p = path;
            HttpGet.Result r;
            try {
                r = stack.call(() -> HttpGet.start(stack.stack(), new Endpoint(host, port), uri.getHost(), p, body))
                        .get(timeout, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
            }
            out.printf(Locale.ROOT, "HTTP %d, %d bytes in %.3f s (%.1f Mbit/s), sha256 %s%n", r.status(), r.bodyBytes(),
                    r.nanos() / 1e9, r.megabitsPerSecond(), r.sha256());
            return r.status() >= 200 && r.status() < 300 ? 0 : 1;
        }
    }
}
