package org.sockstack.testbed.lab;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sockstack.api.TimeVal;
import org.sockstack.api.Winsock;
import org.sockstack.spi.WsaData;
import org.sockstack.spi.provider.FdSet;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.SockAddr;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.stack.StackConfig;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.testbed.apps.Processes;
import org.sockstack.testbed.host.StackHost;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Out-of-band data (TCP urgent data, RFC 9293 3.8.5 / RFC 6093) between the Linux kernel and a
 * Winsock program over the stack provider on TAP. The kernel-side peer is Python's socket module
 * ({@code socket.MSG_OOB}): Linux and our stack both use the BSD reading (the urgent pointer points
 * after the urgent octet, the last octet of the MSG_OOB send is the out-of-band octet).
 */
@LabClass
class OobLabTest {
    static final Ipv4Address KERNEL = Ipv4Address.parse("198.51.100.1");
    static final Ipv4Address STACK = Ipv4Address.parse("198.51.100.2");
    static Lab lab;
    static StackHost host;
    static Winsock ws;

    @BeforeAll
    static void setUp() throws Exception {
        String ifname = Lab.uniqueInterfaceName("ssoob");
        host = StackHost.onTap(ifname, StackHost.macFor(ifname), 1500, StackConfig.defaults("ooblab").withSeed(9), null);
        lab = Lab.create();
        lab.adoptInterface(ifname, KERNEL + "/24");
        host.run(() -> host.stack().addIpv4Address(host.iface(), STACK, 24));
        host.start();
        ws = Processes.stack(host.stack());
        assertEquals(0, ws.WSAStartup(Wsa.makeVersion(2, 2), new WsaData()));
    }

    @AfterAll
    static void tearDown() {
        if (ws != null) {
            ws.WSACleanup();
        }
        if (host != null) {
            host.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    static SockAddr sin(Ipv4Address a, int port) throws Exception {
        return SockAddr.inet(InetAddress.getByName(a.toString()), port);
    }

    static int atMark(long s) {
        IntRef v = new IntRef();
        assertEquals(0, ws.ioctlsocket(s, Wsa.SIOCATMARK, v), () -> "SIOCATMARK: " + ws.WSAGetLastError());
        return v.value;
    }

    static String recv(long s, int flags) {
        byte[] buf = new byte[64];
        int n = ws.recv(s, buf, buf.length, flags);
        assertTrue(n >= 0, () -> "recv: " + ws.WSAGetLastError());
        return new String(buf, 0, n, StandardCharsets.US_ASCII);
    }

    /** The kernel sends "ab", then "!" with MSG_OOB, then "cd": we read "ab", '!' out of band, "cd". */
    @Test
    void kernelSendsUrgentDataWeReadItOutOfBand() throws Exception {
        long l = ws.socket(Wsa.AF_INET, Wsa.SOCK_STREAM, Wsa.IPPROTO_TCP);
        assertEquals(0, ws.bind(l, sin(STACK, 7000)));
        assertEquals(0, ws.listen(l, 1));
        String script = "import socket, time\n"
                + "s = socket.create_connection(('" + STACK + "', 7000), timeout=10)\n"
                + "s.sendall(b'ab')\n"
                + "time.sleep(0.1)\n"
                + "s.send(b'!', socket.MSG_OOB)\n"
                + "time.sleep(0.1)\n"
                + "s.sendall(b'cd')\n"
                + "time.sleep(0.5)\n"
                + "s.close()\n"
                + "print('SENT')\n";
        Process peer = lab.spawn("/usr/bin/python3", "-c", script);
        try {
            assertEquals(1, ws.select(0, FdSet.of(l), null, null, TimeVal.ofMillis(10_000)), "a connection");
            long s = ws.accept(l, null);
            assertNotEquals(Wsa.INVALID_SOCKET, s, () -> "accept: " + ws.WSAGetLastError());
            FdSet except = FdSet.of(s);
            assertEquals(1, ws.select(0, null, null, except, TimeVal.ofMillis(10_000)), "urgent data: except set");
            assertEquals(0, atMark(s), "SIOCATMARK FALSE: out-of-band data waits");
            StringBuilder normal = new StringBuilder(recv(s, 0));
            assertEquals("ab", normal.toString(), "the read stops at the mark");
            assertEquals("!", recv(s, Wsa.MSG_OOB));
            assertEquals(1, atMark(s));
            while (true) {
                String more = recv(s, 0);
                if (more.isEmpty()) {
                    break;
                }
                normal.append(more);
            }
            assertEquals("abcd", normal.toString(), "the out-of-band octet is not in the stream");
            assertEquals(0, ws.closesocket(s));
            assertTrue(Lab.outputOf(peer, Duration.ofSeconds(10)).contains("SENT"));
        } finally {
            ws.closesocket(l);
            peer.toHandle().destroy();
            peer.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** We send "xyz" with MSG_OOB, then "after": the kernel reads 'z' with MSG_OOB and "xyafter" in line. */
    @Test
    void weSendUrgentDataTheKernelReadsItWithMsgOob() throws Exception {
        String script = "import socket, time\n"
                + "ls = socket.socket()\n"
                + "ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
                + "ls.bind(('" + KERNEL + "', 7001))\n"
                + "ls.listen(1)\n"
                + "print('LISTENING', flush=True)\n"
                + "c, _ = ls.accept()\n"
                + "c.settimeout(10)\n"
                + "oob = b''\n"
                + "for i in range(500):\n"
                + "    try:\n"
                + "        oob = c.recv(1, socket.MSG_OOB)\n"
                + "        break\n"
                + "    except OSError:\n"
                + "        time.sleep(0.01)\n"
                + "data = b''\n"
                + "while True:\n"
                + "    d = c.recv(64)\n"
                + "    if not d:\n"
                + "        break\n"
                + "    data += d\n"
                + "print('OOB=%r DATA=%r' % (oob, data), flush=True)\n";
        Process peer = lab.spawn("/usr/bin/python3", "-u", "-c", script);
        try {
            awaitListening(7001);
            long s = ws.socket(Wsa.AF_INET, Wsa.SOCK_STREAM, Wsa.IPPROTO_TCP);
            assertEquals(0, ws.connect(s, sin(KERNEL, 7001)), () -> "connect: " + ws.WSAGetLastError());
            byte[] urgent = "xyz".getBytes(StandardCharsets.US_ASCII);
            assertEquals(3, ws.send(s, urgent, 3, Wsa.MSG_OOB), () -> "send MSG_OOB: " + ws.WSAGetLastError());
            TimeUnit.MILLISECONDS.sleep(300);   // let the kernel take the urgent octet before more data
            byte[] after = "after".getBytes(StandardCharsets.US_ASCII);
            assertEquals(5, ws.send(s, after, 5, 0));
            assertEquals(0, ws.shutdown(s, Wsa.SD_SEND));
            String out = Lab.outputOf(peer, Duration.ofSeconds(15));
            assertTrue(out.contains("OOB=b'z' DATA=b'xyafter'"), out);
            assertEquals(0, ws.closesocket(s));
        } finally {
            peer.toHandle().destroy();
            peer.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static void awaitListening(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            ProcResult ss = lab.exec(Duration.ofSeconds(5), "ss", "-ltn");
            if (ss.output().contains(":" + port)) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        throw new AssertionError("server did not listen on " + port);
    }
}
