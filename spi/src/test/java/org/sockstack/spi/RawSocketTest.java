package org.sockstack.spi;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Raw sockets (SOCK_RAW) over the stack provider, between two stacks: ping by hand over ICMP and
 * ICMPv6, IP_HDRINCL, IPV6_CHECKSUM, and the bounded receive queue. The host provider cannot
 * open raw sockets and refuses them as an unprivileged Windows process is refused: WSAEACCES.
 */
class RawSocketTest {
    /** RFC 3692 experimental protocol number: no handler in the stack. */
    static final int EXPERIMENTAL = 253;

    Ipv6Networks.Env6 env;

    @BeforeEach
    void setUp() {
        env = Ipv6Networks.stacks();
    }

    @AfterEach
    void tearDown() {
        env.close();
    }

    static Net raw(Ws2Process p, int af, int protocol) {
        IntRef e = new IntRef();
        long h = p.socket(af, Wsa.SOCK_RAW, protocol, null, 0, Wsa.WSA_FLAG_OVERLAPPED, e);
        assertNotEquals(Wsa.INVALID_SOCKET, h, WsaError.name(e.value));
        return new Net(p, h);
    }

    /** RFC 1071 checksum. */
    static int checksum(byte[] b, int from, int to) {
        long sum = 0;
        for (int i = from; i < to; i += 2) {
            sum += (b[i] & 0xFF) << 8 | (i + 1 < to ? b[i + 1] & 0xFF : 0);
        }
        while (sum >>> 16 != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) (~sum & 0xFFFF);
    }

    /** An echo request (RFC 792 / RFC 4443 4.1): type, code 0, checksum, identifier, sequence, data. */
    static byte[] echoRequest(int type, int id, int seq, String data, boolean withChecksum) {
        byte[] d = data.getBytes();
        ByteBuffer b = ByteBuffer.allocate(8 + d.length);
        b.put((byte) type).put((byte) 0).putShort((short) 0).putShort((short) id).putShort((short) seq).put(d);
        byte[] m = b.array();
        if (withChecksum) {
            int c = checksum(m, 0, m.length);
            m[2] = (byte) (c >>> 8);
            m[3] = (byte) c;
        }
        return m;
    }

    static Net.Received receive(Net s) {
        s.setInt(Wsa.SOL_SOCKET, Wsa.SO_RCVTIMEO, 2000);
        Net.Received r = s.recvFrom(2048, 0);
        assertEquals(0, r.error(), WsaError.name(r.error()));
        return r;
    }

    @Test
    void pingOverRawIcmpReceivesTheReplyWithItsIpHeader() {
        Net s = raw(env.a(), Wsa.AF_INET, Wsa.IPPROTO_ICMP);
        assertEquals(0, s.sendTo(echoRequest(8, 0x1234, 1, "ping by hand", true), env.addr4B(), 0));
        Net.Received r = receive(s);
        byte[] d = r.data();
        assertEquals(0x45, d[0] & 0xFF, "IPv4 header, no options: Windows passes it up");
        int ihl = (d[0] & 0x0F) * 4;
        assertEquals(Wsa.IPPROTO_ICMP, d[9]);
        assertEquals(ihl + 8 + 12, r.bytes());
        assertEquals(0, d[ihl], "echo reply");
        assertEquals(0x1234, (d[ihl + 4] & 0xFF) << 8 | (d[ihl + 5] & 0xFF));
        assertEquals(1, (d[ihl + 6] & 0xFF) << 8 | (d[ihl + 7] & 0xFF));
        assertEquals("ping by hand", new String(d, ihl + 8, 12));
        assertEquals(0, checksum(d, ihl, r.bytes()), "the reply's ICMP checksum verifies");
        assertEquals(env.addr4B(), r.from().getAddress());
        assertEquals(0, r.from().getPort(), "raw addresses have no port");
        s.close();
    }

    @Test
    void pingOverRawIcmpv6HasItsChecksumComputedByTheStack() {
        Net s = raw(env.a(), Wsa.AF_INET6, Wsa.IPPROTO_ICMPV6);
        assertEquals(2, s.getInt(Wsa.IPPROTO_IPV6, Wsa.IPV6_CHECKSUM), "RFC 3542 3.1: ICMPv6 checksum at 2");
        assertEquals(WsaError.WSAEINVAL, s.setInt(Wsa.IPPROTO_IPV6, Wsa.IPV6_CHECKSUM, -1),
                "the ICMPv6 checksum cannot be switched off");
        // Checksum field left zero: the stack must fill it or the peer drops the request.
        assertEquals(0, s.sendTo(echoRequest(128, 0x4321, 7, "six by hand", false), env.addrB(), 0));
        Net.Received r;
        do {
            r = receive(s); // neighbour discovery messages arrive on an ICMPv6 raw socket too
        } while ((r.data()[0] & 0xFF) != 129);
        byte[] d = r.data();
        assertEquals(8 + 11, r.bytes(), "IPv6 raw sockets receive the payload only");
        assertEquals(0x4321, (d[4] & 0xFF) << 8 | (d[5] & 0xFF));
        assertEquals(7, (d[6] & 0xFF) << 8 | (d[7] & 0xFF));
        assertEquals("six by hand", new String(d, 8, 11));
        assertEquals(env.addrB(), r.from().getAddress());
        s.close();
    }

    @Test
    void headerIncludedDatagramGetsIdentificationLengthAndChecksumFilledIn() {
        Net rx = raw(env.b(), Wsa.AF_INET, EXPERIMENTAL);
        assertEquals(0, rx.bind(env.addr4B(), 0));
        Net tx = raw(env.a(), Wsa.AF_INET, EXPERIMENTAL);
        assertEquals(0, tx.getInt(Wsa.IPPROTO_IP, Wsa.IP_HDRINCL));
        assertEquals(0, tx.setInt(Wsa.IPPROTO_IP, Wsa.IP_HDRINCL, 1));
        assertEquals(1, tx.getInt(Wsa.IPPROTO_IP, Wsa.IP_HDRINCL));
        byte[] a = env.addr4A().getAddress();
        byte[] b = env.addr4B().getAddress();
        ByteBuffer dg = ByteBuffer.allocate(24);
        // version/IHL, TOS, total length 0, identification 0, flags/offset 0, TTL 33, protocol,
        // checksum 0, source, destination; then 4 octets of data.
        dg.put((byte) 0x45).put((byte) 0).putShort((short) 0).putShort((short) 0).putShort((short) 0)
                .put((byte) 33).put((byte) EXPERIMENTAL).putShort((short) 0).put(a).put(b).put("data".getBytes());
        assertEquals(0, tx.sendTo(dg.array(), env.addr4B(), 0));
        Net.Received r = receive(rx);
        byte[] d = r.data();
        assertEquals(24, r.bytes());
        assertEquals(24, (d[2] & 0xFF) << 8 | (d[3] & 0xFF), "total length filled");
        assertNotEquals(0, (d[4] & 0xFF) << 8 | (d[5] & 0xFF), "identification filled");
        assertEquals(33, d[8] & 0xFF, "the application's TTL kept");
        assertEquals(0, checksum(d, 0, 20), "header checksum filled");
        assertEquals("data", new String(d, 20, 4));

        byte[] bad = dg.array().clone();
        bad[0] = 0x65;
        assertEquals(WsaError.WSAEINVAL, tx.sendTo(bad, env.addr4B(), 0), "not an IPv4 header");
        bad[0] = 0x4F;
        assertEquals(WsaError.WSAEINVAL, tx.sendTo(bad, env.addr4B(), 0), "IHL beyond the data");
        tx.close();
        rx.close();
    }

    @Test
    void rawIpv4SendBuildsTheHeaderAroundTheData() {
        Net rx = raw(env.b(), Wsa.AF_INET, EXPERIMENTAL);
        assertEquals(0, rx.bind(env.addr4B(), 0));
        Net tx = raw(env.a(), Wsa.AF_INET, EXPERIMENTAL);
        assertEquals(0, tx.setInt(Wsa.IPPROTO_IP, Wsa.IP_TTL, 17));
        assertEquals(17, tx.getInt(Wsa.IPPROTO_IP, Wsa.IP_TTL));
        assertEquals(0, tx.sendTo("payload".getBytes(), env.addr4B(), 0));
        Net.Received r = receive(rx);
        byte[] d = r.data();
        assertEquals(27, r.bytes());
        assertEquals(17, d[8] & 0xFF);
        assertEquals(EXPERIMENTAL, d[9] & 0xFF);
        assertEquals("payload", new String(d, 20, 7));
        assertEquals(env.addr4A(), r.from().getAddress());
        tx.close();
        rx.close();
    }

    @Test
    void receiveQueueIsBoundedAndDropsAreCounted() throws Exception {
        Net rx = raw(env.a(), Wsa.AF_INET, EXPERIMENTAL);
        assertEquals(0, rx.bind(env.addr4A(), 0));
        assertEquals(0, rx.setInt(Wsa.SOL_SOCKET, Wsa.SO_RCVBUF, 100));
        Net tx = raw(env.b(), Wsa.AF_INET, EXPERIMENTAL);
        for (int i = 0; i < 5; i++) {
            assertEquals(0, tx.sendTo(new byte[60], env.addr4A(), 0));
        }
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (env.counterA("raw.drop.receive_buffer_full") < 4 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        // 80 octets each (header + 60): one fits 100, the other four are dropped.
        assertEquals(4, env.counterA("raw.drop.receive_buffer_full"));
        assertEquals(80, rx.ioctlOut(Wsa.FIONREAD, 4));
        assertEquals(80, receive(rx).bytes());
        assertEquals(0, rx.ioctlIn(Wsa.FIONBIO, 1));
        assertEquals(WsaError.WSAEWOULDBLOCK, rx.recvFrom(100, 0).error());
        tx.close();
        rx.close();
    }

    @Test
    void rawSocketForAProtocolTheStackLacksSuppressesProtocolUnreachable() {
        Net rx = raw(env.a(), Wsa.AF_INET, EXPERIMENTAL);
        assertEquals(0, rx.bind(env.addr4A(), 0));
        Net icmp = raw(env.b(), Wsa.AF_INET, Wsa.IPPROTO_ICMP);
        assertEquals(0, icmp.bind(env.addr4B(), 0));
        Net tx = raw(env.b(), Wsa.AF_INET, EXPERIMENTAL);
        assertEquals(0, tx.sendTo("x".getBytes(), env.addr4A(), 0));
        assertEquals(21, receive(rx).bytes());
        // Delivery and the would-be ICMP error happen in the same call on A's loop.
        assertEquals(0, env.counterA("icmp.tx.errors"), "a raw socket served the protocol");
        assertEquals(0, env.counterA("ipv4.drop.unknown_protocol"));
        rx.close();
        // With no raw socket left, A answers Protocol Unreachable (RFC 1122 3.2.2.1).
        assertEquals(0, tx.sendTo("y".getBytes(), env.addr4A(), 0));
        Net.Received r = receive(icmp);
        int ihl = (r.data()[0] & 0x0F) * 4;
        assertEquals(3, r.data()[ihl], "destination unreachable");
        assertEquals(2, r.data()[ihl + 1], "protocol unreachable");
        assertEquals(1, env.counterA("icmp.tx.errors"));
        tx.close();
        icmp.close();
    }

    @Test
    void unboundRawSocketCannotReceiveAndAPortlessNameIsReported() {
        Net s = raw(env.a(), Wsa.AF_INET6, EXPERIMENTAL);
        assertEquals(WsaError.WSAEINVAL, s.recvFrom(10, 0).error());
        assertEquals(0, s.bind(env.addrA(), 0));
        assertEquals(env.addrA(), s.local().getAddress());
        assertEquals(0, s.local().getPort());
        assertEquals(-1, s.getInt(Wsa.IPPROTO_IPV6, Wsa.IPV6_CHECKSUM), "no checksum unless asked");
        assertEquals(WsaError.WSAEINVAL, s.setInt(Wsa.IPPROTO_IPV6, Wsa.IPV6_CHECKSUM, 3), "odd offset");
        assertEquals(0, s.setInt(Wsa.IPPROTO_IPV6, Wsa.IPV6_CHECKSUM, 4));
        assertEquals(4, s.getInt(Wsa.IPPROTO_IPV6, Wsa.IPV6_CHECKSUM));
        assertEquals(WsaError.WSAENOPROTOOPT, s.setInt(Wsa.IPPROTO_IP, Wsa.IP_HDRINCL, 1),
                "IP_HDRINCL is an IPv4 option");
        s.close();
    }

    @Test
    void ipv6ChecksumOptionIsComputedOnOutputAndVerifiedOnInput() {
        Net rx = raw(env.b(), Wsa.AF_INET6, EXPERIMENTAL);
        assertEquals(0, rx.bind(env.addrB(), 0));
        assertEquals(0, rx.setInt(Wsa.IPPROTO_IPV6, Wsa.IPV6_CHECKSUM, 2));
        Net tx = raw(env.a(), Wsa.AF_INET6, EXPERIMENTAL);
        // Without IPV6_CHECKSUM the sender leaves a wrong checksum: the receiver drops it.
        assertEquals(0, tx.sendTo(new byte[] {1, 2, 0x55, 0x55, 9}, env.addrB(), 0));
        assertEquals(0, tx.setInt(Wsa.IPPROTO_IPV6, Wsa.IPV6_CHECKSUM, 2));
        assertEquals(0, tx.sendTo(new byte[] {1, 2, 0, 0, 9}, env.addrB(), 0));
        Net.Received r = receive(rx);
        assertEquals(5, r.bytes());
        assertEquals(9, r.data()[4]);
        assertTrue((r.data()[2] | r.data()[3]) != 0, "checksum filled in");
        tx.close();
        rx.close();
    }

    @Test
    void hostProviderRefusesRawSocketsAsAnUnprivilegedWindowsProcess() {
        try (Ipv6Networks.Env6 host = Ipv6Networks.host()) {
            for (int af : new int[] {Wsa.AF_INET, Wsa.AF_INET6}) {
                IntRef e = new IntRef();
                long h = host.a().socket(af, Wsa.SOCK_RAW, af == Wsa.AF_INET ? Wsa.IPPROTO_ICMP : Wsa.IPPROTO_ICMPV6,
                        null, 0, Wsa.WSA_FLAG_OVERLAPPED, e);
                assertEquals(Wsa.INVALID_SOCKET, h);
                assertEquals(WsaError.WSAEACCES, e.value, WsaError.name(e.value));
            }
        }
        assertNotNull(env);
    }
}
