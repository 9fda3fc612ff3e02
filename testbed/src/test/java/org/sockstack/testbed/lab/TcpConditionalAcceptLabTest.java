package org.sockstack.testbed.lab;

import org.sockstack.stack.StackConfig;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.tcp.ConnectionRequest;
import org.sockstack.stack.tcp.TcpSocket;
import org.sockstack.stack.tcp.TcpState;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.testbed.host.StackHost;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SO_CONDITIONAL_ACCEPT against the Linux kernel's TCP client (/usr/bin/python3 socket.connect in
 * the lab namespace): the stack's conditional listener holds the kernel's SYN unanswered. A
 * rejected request is answered with a RST, which the kernel reports as ECONNREFUSED; an accepted
 * one completes its handshake only after the decision, the kernel's SYN retransmission meanwhile
 * refreshing the same request.
 */
class TcpConditionalAcceptLabTest {
    static final Ipv4Address KERNEL = Ipv4Address.parse("192.0.2.1");
    static final Ipv4Address STACK = Ipv4Address.parse("192.0.2.2");
    static final int PORT = 7001;
    /** Held longer than Linux's initial SYN retransmission time-out (1 s, RFC 6298 2.1). */
    static final long HOLD_MS = 1_600;

    /** The kernel's client: connects, says hi, prints the outcome and how long the connect took. */
    static final String CLIENT = String.join("\n",
            "import socket, time",
            "t = time.monotonic()",
            "try:",
            "    s = socket.create_connection(('" + STACK + "', " + PORT + "), timeout=15)",
            "    print('connected %.3f' % (time.monotonic() - t), flush=True)",
            "    s.sendall(b'hi')",
            "    s.close()",
            "except ConnectionRefusedError:",
            "    print('refused %.3f' % (time.monotonic() - t), flush=True)",
            "except Exception as e:",
            "    print('error', type(e).__name__, e, flush=True)");

    @LabTest
    void kernelClientIsRefusedWithRst() throws Exception {
        String ifname = Lab.uniqueInterfaceName("sscond");
        try (StackHost host = StackHost.onTap(ifname, StackHost.macFor(ifname), 1500,
                StackConfig.defaults("condlab").withSeed(11), null);
             Lab lab = Lab.create()) {
            TcpSocket l = start(host, lab, ifname);
            Process client = lab.spawn("timeout", "20", "/usr/bin/python3", "-c", CLIENT);
            ConnectionRequest r = awaitRequest(host, l);
            assertEquals(new Endpoint(KERNEL, r.remote().port()), r.remote());
            assertEquals(SocketError.OK, host.call(() -> l.rejectRequest(r, host.loop().clock().nanos())));
            String out = Lab.outputOf(client, Duration.ofSeconds(15));
            assertTrue(out.startsWith("refused"), out);
            assertEquals(1, host.call(() -> host.stack().counters().get("tcp.held_syn_rejects")));
            host.run(() -> l.abort(host.loop().clock().nanos()));
        }
    }

    @LabTest
    void kernelHandshakeCompletesOnlyAfterTheDecision() throws Exception {
        String ifname = Lab.uniqueInterfaceName("sscond");
        try (StackHost host = StackHost.onTap(ifname, StackHost.macFor(ifname), 1500,
                StackConfig.defaults("condlab").withSeed(12), null);
             Lab lab = Lab.create()) {
            TcpSocket l = start(host, lab, ifname);
            Process client = lab.spawn("timeout", "20", "/usr/bin/python3", "-c", CLIENT);
            ConnectionRequest r = awaitRequest(host, l);
            Thread.sleep(HOLD_MS);
            assertTrue(client.isAlive(), "the kernel's connect waits for our decision");
            assertEquals(1, (int) host.call(l::pendingRequestCount), "the SYN retransmission is the same request");
            assertTrue(host.call(() -> host.stack().counters().get("tcp.held_syn_retransmits")) >= 1,
                    "the kernel retransmitted its SYN while it was held");
            TcpSocket s = host.call(() -> l.acceptRequest(r, host.loop().clock().nanos()));
            assertNotNull(s);
            String out = Lab.outputOf(client, Duration.ofSeconds(15));
            assertTrue(out.startsWith("connected"), out);
            double seconds = Double.parseDouble(out.trim().split("\\s+")[1]);
            assertTrue(seconds * 1000 >= HOLD_MS - 100, "connected after " + seconds + " s, held " + HOLD_MS + " ms");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (host.call(s::readableBytes) < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(2, (int) host.call(s::readableBytes), "the kernel's data arrived on the accepted socket");
            assertTrue(host.call(s::state) != TcpState.SYN_RECEIVED);
            host.run(() -> {
                s.abort(host.loop().clock().nanos());
                l.abort(host.loop().clock().nanos());
            });
        }
    }

    private static TcpSocket start(StackHost host, Lab lab, String ifname) {
        lab.adoptInterface(ifname, KERNEL + "/24");
        host.run(() -> host.stack().addIpv4Address(host.iface(), STACK, 24));
        host.start();
        return host.call(() -> {
            TcpSocket t = host.stack().tcp().open();
            t.setConditionalAccept(true);
            assertEquals(SocketError.OK, t.bind(new Endpoint(STACK, PORT)));
            assertEquals(SocketError.OK, t.listen(4));
            return t;
        });
    }

    private static ConnectionRequest awaitRequest(StackHost host, TcpSocket l) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            ConnectionRequest r = host.call(l::pendingRequest);
            if (r != null) {
                return r;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no SYN from the kernel was held");
    }
}
