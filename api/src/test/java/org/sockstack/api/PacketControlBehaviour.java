package org.sockstack.api;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sockstack.spi.provider.Overlapped;
import org.sockstack.spi.provider.WsaEvent;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.spi.wsa.Wsa.*;
import static org.sockstack.spi.wsa.WsaError.*;

/**
 * WSARecvMsg and WSASendMsg with packet-information control data (IN_PKTINFO / IN6_PKTINFO, in
 * the 64-bit Windows WSACMSGHDR layout) and the per-packet IP options (IP_DONTFRAGMENT, and on
 * the stack world IP_TTL / IP_TOS on TCP segments), run in both worlds by
 * {@link HostPacketControlTest} and {@link StackPacketControlTest}.
 */
abstract class PacketControlBehaviour extends TwoProcessBehaviour {
    static final int WAIT_MS = 5000;
    /** WSACMSGHDR (16) + IN_PKTINFO (8): WSA_CMSG_SPACE and WSA_CMSG_LEN are both 24. */
    static final int IN_PKTINFO_SPACE = 24;
    /** WSACMSGHDR (16) + IN6_PKTINFO (20) = WSA_CMSG_LEN 36, rounded up to 8: WSA_CMSG_SPACE 40. */
    static final int IN6_PKTINFO_SPACE = 40;

    /** The interface index the world's provider reports for a received datagram (0: unknown). */
    abstract int expectedIfIndex();

    @BeforeEach
    void startProcesses() {
        startBoth();
    }

    // ------------------------------------------------------------------ helpers

    static long udp(Winsock ws, int af) {
        long s = ws.socket(af, SOCK_DGRAM, IPPROTO_UDP);
        assertNotEquals(INVALID_SOCKET, s, () -> "socket: " + ws.WSAGetLastError());
        return s;
    }

    static void setInt(Winsock ws, long s, int level, int name, int value) {
        WinsockBehaviour.setInt(ws, s, level, name, value);
    }

    static int port(Winsock ws, long s) {
        Ref<SockAddr> name = new Ref<>();
        assertEquals(0, ws.getsockname(s, name));
        return name.value.toInet().getPort();
    }

    @SuppressWarnings("unchecked")
    static <T> T extension(Winsock ws, long s, UUID guid) {
        Ref<Object> fn = new Ref<>();
        assertEquals(0, ws.WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, guid, fn, new IntRef(), null, null));
        return (T) fn.value;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static ByteBuffer control(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** An IN_PKTINFO record as an application builds it for WSASendMsg. */
    static ByteBuffer inPktinfo(InetAddress source, int ifIndex) {
        ByteBuffer c = control(IN_PKTINFO_SPACE);
        c.putLong(0, 24).putInt(8, IPPROTO_IP).putInt(12, IP_PKTINFO);
        c.put(16, source.getAddress()).putInt(20, ifIndex);
        return c;
    }

    /** An IN6_PKTINFO record: cmsg_len 36, 40 octets with the padding. */
    static ByteBuffer in6Pktinfo(InetAddress source, int ifIndex) {
        ByteBuffer c = control(IN6_PKTINFO_SPACE);
        c.putLong(0, 36).putInt(8, IPPROTO_IPV6).putInt(12, IPV6_PKTINFO);
        c.put(16, source.getAddress()).putInt(32, ifIndex);
        return c;
    }

    /** Receives one datagram with WSARecvMsg into a fresh 64-octet control buffer. */
    MsWsock.WsaMsg recvMsg(Winsock ws, long s, int controlSize) {
        MsWsock.LPFN_WSARECVMSG fn = extension(ws, s, MsWsock.WSAID_WSARECVMSG);
        MsWsock.WsaMsg m = new MsWsock.WsaMsg(new ByteBuffer[] {ByteBuffer.allocate(2048)}, control(controlSize));
        IntRef got = new IntRef();
        assertEquals(0, fn.WSARecvMsg(s, m, got, null, null), () -> "WSARecvMsg " + ws.WSAGetLastError());
        m.lpBuffers[0].limit(got.value);
        return m;
    }

    /** WSASendMsg of {@code text} to {@code to} with {@code control} (may be null): 0 or the error. */
    static int sendMsg(Winsock ws, long s, String text, SockAddr to, ByteBuffer control) {
        MsWsock.LPFN_WSASENDMSG fn = extension(ws, s, MsWsock.WSAID_WSASENDMSG);
        MsWsock.WsaMsg m = new MsWsock.WsaMsg(new ByteBuffer[] {ByteBuffer.wrap(ascii(text))}, control);
        m.name.value = to;
        IntRef sent = new IntRef();
        if (fn.WSASendMsg(s, m, 0, sent, null, null) != 0) {
            return ws.WSAGetLastError();
        }
        assertEquals(text.length(), sent.value);
        return 0;
    }

    static InetAddress pktinfoAddress(MsWsock.WsaMsg m, boolean ipv6) {
        byte[] a = new byte[ipv6 ? 16 : 4];
        m.control.get(16, a);
        return Worlds.ip(ipv6 ? v6Text(a) : (a[0] & 0xFF) + "." + (a[1] & 0xFF) + "." + (a[2] & 0xFF) + "." + (a[3] & 0xFF));
    }

    private static String v6Text(byte[] a) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 16; i += 2) {
            b.append(i == 0 ? "" : ":").append(Integer.toHexString((a[i] & 0xFF) << 8 | a[i + 1] & 0xFF));
        }
        return b.toString();
    }

    static String text(MsWsock.WsaMsg m) {
        ByteBuffer d = m.lpBuffers[0];
        return new String(d.array(), 0, d.limit(), StandardCharsets.US_ASCII);
    }

    /** A UDP socket on B bound to its address with IP_PKTINFO on. */
    long receiverOnB() {
        long r = udp(b, AF_INET);
        assertEquals(0, b.bind(r, SockAddr.inet(world.addrB(), 0)));
        setInt(b, r, IPPROTO_IP, IP_PKTINFO, 1);
        return r;
    }

    // ------------------------------------------------------------------ WSARecvMsg

    /** IP_PKTINFO: an IN_PKTINFO record with the destination (here the bound address) and the interface. */
    @Test
    void recvMsgWritesAnInPktinfoRecord() {
        long r = receiverOnB();
        long s = udp(a, AF_INET);
        assertEquals(0, sendMsg(a, s, "hello", SockAddr.inet(world.addrB(), port(b, r)), null));
        MsWsock.WsaMsg m = recvMsg(b, r, 64);
        assertEquals("hello", text(m));
        assertEquals(0, m.dwFlags);
        assertEquals(IN_PKTINFO_SPACE, m.controlLength);
        assertEquals(24L, m.control.getLong(0), "cmsg_len = WSA_CMSG_LEN(sizeof(IN_PKTINFO))");
        assertEquals(IPPROTO_IP, m.control.getInt(8));
        assertEquals(IP_PKTINFO, m.control.getInt(12));
        assertEquals(world.addrB(), pktinfoAddress(m, false));
        assertEquals(expectedIfIndex(), m.control.getInt(20));
    }

    /** Without IP_PKTINFO there is no record; a control buffer too small for it gets MSG_CTRUNC. */
    @Test
    void recvMsgWithoutTheOptionOrRoomWritesNoRecord() {
        long r = udp(b, AF_INET);
        assertEquals(0, b.bind(r, SockAddr.inet(world.addrB(), 0)));
        long s = udp(a, AF_INET);
        SockAddr to = SockAddr.inet(world.addrB(), port(b, r));
        assertEquals(0, sendMsg(a, s, "one", to, null));
        MsWsock.WsaMsg m = recvMsg(b, r, 64);
        assertEquals(0, m.controlLength);
        assertEquals(0, m.dwFlags);

        setInt(b, r, IPPROTO_IP, IP_PKTINFO, 1);
        assertEquals(0, sendMsg(a, s, "two", to, null));
        m = recvMsg(b, r, IN_PKTINFO_SPACE - 1);
        assertEquals("two", text(m));
        assertEquals(0, m.controlLength);
        assertEquals(MsWsock.MSG_CTRUNC, m.dwFlags);
    }

    /** An overlapped WSARecvMsg posted before the datagram arrives gets its record at completion. */
    @Test
    void overlappedRecvMsgWritesTheRecordWhenItCompletes() throws InterruptedException {
        long r = receiverOnB();
        MsWsock.LPFN_WSARECVMSG fn = extension(b, r, MsWsock.WSAID_WSARECVMSG);
        MsWsock.WsaMsg m = new MsWsock.WsaMsg(new ByteBuffer[] {ByteBuffer.allocate(64)}, control(64));
        WsaEvent ev = new WsaEvent();
        Overlapped ov = new Overlapped(ev);
        assertEquals(SOCKET_ERROR, fn.WSARecvMsg(r, m, null, ov, null));
        assertEquals(WSA_IO_PENDING, b.WSAGetLastError());
        long s = udp(a, AF_INET);
        assertEquals(0, sendMsg(a, s, "later", SockAddr.inet(world.addrB(), port(b, r)), null));
        assertTrue(ev.await(WAIT_MS));
        assertEquals(0, ov.status());
        assertEquals(5, ov.bytesTransferred());
        assertEquals(IN_PKTINFO_SPACE, m.controlLength);
        assertEquals(world.addrB(), pktinfoAddress(m, false));
    }

    // ------------------------------------------------------------------ WSASendMsg

    /** The bound address as the chosen source: every provider can send from it. */
    @Test
    void sendMsgFromTheBoundAddressIsSent() {
        long r = receiverOnB();
        long s = udp(a, AF_INET);
        assertEquals(0, a.bind(s, SockAddr.inet(world.addrA(), 0)));
        assertEquals(0, sendMsg(a, s, "from", SockAddr.inet(world.addrB(), port(b, r)), inPktinfo(world.addrA(), 0)));
        MsWsock.WsaMsg m = recvMsg(b, r, 64);
        assertEquals("from", text(m));
        assertEquals(world.addrA(), m.name.value.toInet().getAddress());
        assertEquals(port(a, s), m.name.value.toInet().getPort());
    }

    /** Control records the socket does not take, or cut short: WSAEINVAL, and nothing is sent. */
    @Test
    void sendMsgRefusesOtherRecords() {
        long s = udp(a, AF_INET);
        SockAddr to = SockAddr.inet(world.addrB(), 9);
        ByteBuffer unknown = control(24);
        unknown.putLong(0, 24).putInt(8, IPPROTO_IP).putInt(12, IP_TTL).putInt(16, 5);
        assertEquals(WSAEINVAL, sendMsg(a, s, "x", to, unknown));
        assertEquals(WSAEINVAL, sendMsg(a, s, "x", to, in6Pktinfo(Worlds.ip("::1"), 0)),
                "IN6_PKTINFO on an AF_INET socket");
        ByteBuffer shortLen = inPktinfo(world.addrA(), 0);
        shortLen.putLong(0, 20);
        assertEquals(WSAEINVAL, sendMsg(a, s, "x", to, shortLen));
        ByteBuffer tooLong = inPktinfo(world.addrA(), 0);
        tooLong.putLong(0, 64);
        assertEquals(WSAEINVAL, sendMsg(a, s, "x", to, tooLong));
        assertEquals(WSAEINVAL, sendMsg(a, s, "x", to, control(8)), "a piece shorter than a WSACMSGHDR");
    }

    // ------------------------------------------------------------------ IP_DONTFRAGMENT

    @Test
    void dontFragmentReadsBack() {
        long s = udp(a, AF_INET);
        assertEquals(0, WinsockBehaviour.getInt(a, s, IPPROTO_IP, IP_DONTFRAGMENT));
        setInt(a, s, IPPROTO_IP, IP_DONTFRAGMENT, 1);
        assertEquals(1, WinsockBehaviour.getInt(a, s, IPPROTO_IP, IP_DONTFRAGMENT));
        setInt(a, s, IPPROTO_IP, IP_DONTFRAGMENT, 0);
        assertEquals(0, WinsockBehaviour.getInt(a, s, IPPROTO_IP, IP_DONTFRAGMENT));
    }

    static void assertRecord(MsWsock.WsaMsg m, InetAddress dst, int ifIndex) {
        assertEquals(IN_PKTINFO_SPACE, m.controlLength);
        assertEquals(dst, pktinfoAddress(m, false));
        assertEquals(ifIndex, m.control.getInt(20));
    }

    static void assertBytes(byte[] expected, ByteBuffer b) {
        byte[] got = new byte[expected.length];
        b.get(0, got);
        assertArrayEquals(expected, got);
    }
}
