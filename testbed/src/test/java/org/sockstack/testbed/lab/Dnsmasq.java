package org.sockstack.testbed.lab;

import org.sockstack.stack.wire.Ipv4Address;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Debian's dnsmasq as the lab's DNS server: inside the lab namespace, bound to {@code address}
 * only, no upstream and no /etc/hosts, every query logged to {@code log} (tests read the log to
 * see what reached the server). Ended by {@code timeout} after 300 s at the latest, and with the
 * lab's processes when the lab closes.
 */
final class Dnsmasq {
    private Dnsmasq() {
    }

    /** Starts it with {@code records} (its --local, --address, --ptr-record... options) and waits until it serves. */
    static void start(Lab lab, Ipv4Address address, Path log, List<String> records)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("timeout", "300", "dnsmasq", "--conf-file=/dev/null", "--no-resolv",
                "--no-hosts", "--listen-address=" + address, "--bind-interfaces", "--port=53", "--user=root",
                "--pid-file=", "--keep-in-foreground", "--log-queries", "--log-facility=" + log, "--local-ttl=300"));
        cmd.addAll(records);
        lab.spawn(cmd.toArray(String[]::new));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.readString(log).contains("started") && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
        assertTrue(Files.readString(log).contains("started"), "dnsmasq did not start:\n" + Files.readString(log));
    }
}
