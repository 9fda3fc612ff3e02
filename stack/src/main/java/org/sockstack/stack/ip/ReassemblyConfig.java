package org.sockstack.stack.ip;

import java.time.Duration;

/**
 * Bounds of fragment reassembly. Everything a remote host can make us hold is bounded here.
 *
 * @param timeout          how long an incomplete datagram is kept (IPv4: RFC 1122 3.3.2 suggests
 *                         60-120 s, Linux uses 30 s; IPv6: 60 s, RFC 8200 section 4.5)
 * @param maxDatagramBytes the largest datagram (fragmentable part) accepted; more is "ping of death"
 * @param maxConcurrent    datagrams under reassembly at once
 * @param maxTotalBytes    payload octets held across all reassemblies; beyond it the oldest
 *                         reassembly is discarded
 * @param maxFragments     fragments per datagram (defends against floods of tiny fragments)
 */
public record ReassemblyConfig(Duration timeout, int maxDatagramBytes, int maxConcurrent, long maxTotalBytes,
                               int maxFragments) {

    /** RFC 791: Total Length, header included, is at most 65,535, so the data at most 65,515. */
    public static final ReassemblyConfig IPV4 = new ReassemblyConfig(Duration.ofSeconds(30), 65_515, 256,
            4L * 1024 * 1024, 128);
    public static final ReassemblyConfig IPV6 = new ReassemblyConfig(Duration.ofSeconds(60), 65_535, 256,
            4L * 1024 * 1024, 128);
}
