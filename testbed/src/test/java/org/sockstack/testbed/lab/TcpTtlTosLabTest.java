package org.sockstack.testbed.lab;

import org.sockstack.stack.StackConfig;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.tcp.TcpSocket;
import org.sockstack.stack.tcp.TcpState;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.testbed.host.StackHost;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A connection's IP_TTL / IP_TOS on the wire (RFC 791 section 3.1): the stack connects to a
 * kernel-side socat with TTL 33 and TOS 0x20 (DSCP CS1, RFC 2474) on its socket, and tcpdump in
 * the namespace, not the stack, reads the IPv4 headers of the segments it receives.
 */
class TcpTtlTosLabTest {
    static final Ipv4Address KERNEL = Ipv4Address.parse("192.0.2.1");
    static final Ipv4Address STACK = Ipv4Address.parse("192.0.2.2");
    static final int PORT = 5555;
    static final int SEGMENTS = 3;   // SYN, the ACK of the handshake, the data

    @LabTest
    void kernelSeesTheSocketsTtlAndTosOnEverySegment() throws Exception {
        String ifname = Lab.uniqueInterfaceName("ssttl");
        try (StackHost host = StackHost.onTap(ifname, StackHost.macFor(ifname), 1500,
                StackConfig.defaults("ttllab").withSeed(9), null);
             Lab lab = Lab.create()) {
            lab.adoptInterface(ifname, KERNEL + "/24");
            host.run(() -> host.stack().addIpv4Address(host.iface(), STACK, 24));
            host.start();
            Process dump = lab.spawn("timeout", "20", "tcpdump", "-i", ifname, "-n", "-v", "-l", "-c",
                    String.valueOf(SEGMENTS), "tcp and src host " + STACK + " and dst port " + PORT);
            Process sink = lab.spawn("timeout", "20", "socat", "-u", "TCP4-LISTEN:" + PORT + ",bind=" + KERNEL,
                    "OPEN:/dev/null");
            awaitListening(lab, PORT);
            Thread.sleep(1000);   // tcpdump opens its capture after it starts

            TcpSocket s = host.call(() -> {
                TcpSocket t = host.stack().tcp().open();
                t.setTtl(33);
                t.setTos(0x20);
                t.connect(new Endpoint(KERNEL, PORT), host.loop().clock().nanos());
                return t;
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (host.call(s::state) != TcpState.ESTABLISHED && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(TcpState.ESTABLISHED, host.call(s::state));
            byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
            assertEquals(hello.length, (int) host.call(() -> s.send(hello, 0, hello.length, host.loop().clock().nanos())));

            String out = Lab.outputOf(dump, Duration.ofSeconds(15));
            List<String> headers = out.lines().filter(l -> l.contains("proto TCP")).toList();
            assertEquals(SEGMENTS, headers.size(), out);
            for (String h : headers) {
                assertTrue(h.contains("tos 0x20") && h.contains("ttl 33"), h);
            }
            host.run(() -> s.abort(host.loop().clock().nanos()));
            sink.toHandle().destroy();
        }
    }

    private static void awaitListening(Lab lab, int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (lab.exec(Duration.ofSeconds(5), "ss", "-ltn").output().contains(":" + port)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("socat does not listen on " + port);
    }
}
