package org.sockstack.testbed.lab;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.StackConfig;
import org.sockstack.stack.tcp.TcpState;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.testbed.host.StackHost;
import org.sockstack.testbed.services.TcpServices;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The TAP device with its transmit thread ({@code serve --tx-thread}): frames written by two
 * threads must still reach the kernel complete and in order. 100 MB down and 50 random MB
 * through echo, byte-exact, with most frames really written by the transmit thread; ping still
 * answered (single frames go out from the loop itself).
 */
@LabClass
class TransmitThreadLabTest {
    static final Ipv4Address KERNEL = Ipv4Address.parse("192.0.2.1");
    static final Ipv4Address STACK = Ipv4Address.parse("192.0.2.2");
    static Lab lab;
    static StackHost host;
    static TcpServices services;

    @BeforeAll
    static void setUp() {
        String ifname = Lab.uniqueInterfaceName("sstx");
        host = StackHost.onTap(ifname, StackHost.macFor(ifname), 1500, StackConfig.defaults("txlab").withSeed(11));
        host.tap().startTransmitThread();
        lab = Lab.create();
        lab.adoptInterface(ifname, KERNEL + "/24");
        host.run(() -> {
            host.stack().addIpv4Address(host.iface(), STACK, 24);
            services = TcpServices.start(host.stack(), List.of("echo", "http"), true);
        });
        host.start();
    }

    @AfterAll
    static void tearDown() {
        if (host != null) {
            if (services != null) {
                host.run(services::close);
            }
            host.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void bulkTransfersStayByteExactWithFramesWrittenByTheTransmitThread() throws Exception {
        long before = host.call(() -> host.tap().txByThread());
        long mb100 = 100_000_000L;
        ProcResult down = lab.exec(Duration.ofSeconds(120), "sh", "-c",
                "curl -sS -m 100 http://" + STACK + "/bytes/" + mb100 + " | sha256sum");
        assertTrue(down.output().startsWith(TcpLabTest.expectedSha256(mb100)), "sha256 of the download:\n" + down.output());
        ProcResult echo = lab.exec(Duration.ofSeconds(150), "sh", "-c",
                "f=$(mktemp); g=$(mktemp); head -c 50000000 /dev/urandom > $f; "
                        + "timeout 120 socat -b 65536 -t 60 -T 20 - TCP4:" + STACK + ":7,shut-down < $f > $g; "
                        + "cmp $f $g && echo SAME; rm -f $f $g");
        assertTrue(echo.output().contains("SAME"), echo.output());
        long byThread = host.call(() -> host.tap().txByThread()) - before;
        // 100 MB down alone is ~69,000 full-size frames; most of them leave long batches.
        assertTrue(byThread > 10_000, "frames written by the transmit thread: " + byThread);
    }

    /**
     * Connect, one octet echoed, close, 300 times: each of our frames is awaited by the client, so
     * the loop writes nearly all of them itself. One batch of the loop can run over several
     * connections (our write wakes the client, whose next frame is there by the next read); when
     * it reads its whole budget that way it takes the input for a flood and hands frames over,
     * which happens to a few per cent of them. Counting frames per batch alone handed a third of
     * them over.
     */
    @Test
    void requestResponseFramesAreMostlyWrittenByTheLoopItself() {
        long byThreadBefore = host.call(() -> host.tap().txByThread());
        long sentBefore = host.call(() -> host.tap().txFrames());
        runPython(
                "for i in range(300):",
                "    s = socket.create_connection(('" + STACK + "', 7), timeout=5)",
                "    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)",
                "    s.sendall(b'x')",
                "    assert s.recv(1) == b'x'",
                "    s.close()");
        long byThread = host.call(() -> host.tap().txByThread()) - byThreadBefore;
        long sent = host.call(() -> host.tap().txFrames()) - sentBefore;
        assertTrue(sent >= 900, "SYN-ACK, echo and FIN of 300 connections: " + sent);
        assertTrue(byThread * 5 < sent, byThread + " of " + sent + " frames handed to the transmit thread");
        // The kernel closed first each time: the echo service closed passively (CLOSE_WAIT,
        // LAST_ACK) and keeps no TIME_WAIT pair, once the kernel's last ACKs are in.
        assertTrue(waitUntil(() -> echoConnections(null) == 0), "echo connections left: " + echoConnections(null));
        assertEquals(0, echoConnections(TcpState.TIME_WAIT), "echo connections in TIME_WAIT");
    }

    /** Connections of the echo service (local port 7), in {@code state} or (null) in any state. */
    private static long echoConnections(TcpState state) {
        return host.call(() -> host.stack().tcp().connections(host.loop().clock().nanos()).stream()
                .filter(c -> c.local().port() == 7 && (state == null || c.state() == state))
                .count());
    }

    /** Polls {@code condition} for up to 5 s (the kernel's last segments may still be on their way). */
    private static boolean waitUntil(BooleanSupplier condition) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return true;
    }

    /** Runs a Python script (after {@code import socket}) in the lab namespace; it must end with DONE. */
    private static void runPython(String... lines) {
        String script = "import socket\n" + String.join("\n", lines) + "\nprint('DONE')";
        ProcResult r = lab.exec(Duration.ofSeconds(60), "/usr/bin/python3", "-c", script);
        assertTrue(r.output().contains("DONE"), r.output());
    }

    /**
     * With busy polling on ({@code --busy-poll}), the loop keeps polling between exchanges instead
     * of sleeping: 2,000 request-response exchanges on one connection are all answered in order,
     * and the loop still sleeps and wakes for ping afterwards.
     */
    @Test
    void requestResponseWithBusyPolling() {
        host.loop().setBusyPoll(TimeUnit.MICROSECONDS.toNanos(50));
        try {
            runPython(
                    "s = socket.create_connection(('" + STACK + "', 7), timeout=5)",
                    "s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)",
                    "for i in range(2000):",
                    "    b = bytes([i % 256])",
                    "    s.sendall(b)",
                    "    assert s.recv(1) == b",
                    "s.close()");
            ProcResult ping = lab.exec(Duration.ofSeconds(30), "ping", "-c", "5", "-i", "0.2", "-W", "1", STACK.toString());
            assertTrue(ping.output().contains(" 0% packet loss"), ping.output());
        } finally {
            host.loop().setBusyPoll(0);
        }
    }

    @Test
    void pingIsAnsweredWhileTheThreadSleeps() {
        ProcResult r = lab.exec(Duration.ofSeconds(30), "ping", "-c", "20", "-i", "0.01", "-W", "1", STACK.toString());
        assertTrue(r.output().contains(" 0% packet loss"), r.output());
    }
}
