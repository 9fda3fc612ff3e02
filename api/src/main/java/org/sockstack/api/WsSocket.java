package org.sockstack.api;

import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;
import org.sockstack.spi.wsa.Wsa;

import java.net.InetSocketAddress;

/**
 * A Java facade over one Winsock socket: the same calls as {@link Winsock}, but failures throw a
 * {@link WinsockException} carrying the WSA code, and the socket closes with try-with-resources.
 *
 * <pre>
 *   try (WsSocket s = WsSocket.tcp(ws)) {
 *       s.connect(new InetSocketAddress("192.0.2.2", 7));
 *       s.sendAll("hello".getBytes());
 *   }
 * </pre>
 */
public final class WsSocket implements AutoCloseable {
    private final Winsock ws;
    private final long handle;
    private boolean closed;

    private WsSocket(Winsock ws, long handle) {
        this.ws = ws;
        this.handle = handle;
    }

    /** socket(af, type, protocol). */
    public static WsSocket open(Winsock ws, int af, int type, int protocol) throws WinsockException {
        long h = ws.socket(af, type, protocol);
        if (h == Wsa.INVALID_SOCKET) {
            throw new WinsockException("socket", ws.WSAGetLastError());
        }
        return new WsSocket(ws, h);
    }

    /** A TCP/IPv4 socket. */
    public static WsSocket tcp(Winsock ws) throws WinsockException {
        return open(ws, Wsa.AF_INET, Wsa.SOCK_STREAM, Wsa.IPPROTO_TCP);
    }

    /** A UDP/IPv4 socket. */
    public static WsSocket udp(Winsock ws) throws WinsockException {
        return open(ws, Wsa.AF_INET, Wsa.SOCK_DGRAM, Wsa.IPPROTO_UDP);
    }

    /** The SOCKET handle, for the C-style calls (select, ...). */
    public long handle() {
        return handle;
    }

    private int check(String call, int r) throws WinsockException {
        if (r == Wsa.SOCKET_ERROR) {
            throw new WinsockException(call, ws.WSAGetLastError());
        }
        return r;
    }

    public WsSocket bind(InetSocketAddress local) throws WinsockException {
        check("bind", ws.bind(handle, SockAddr.inet(local)));
        return this;
    }

    public WsSocket listen(int backlog) throws WinsockException {
        check("listen", ws.listen(handle, backlog));
        return this;
    }

    public WsSocket accept() throws WinsockException {
        long h = ws.accept(handle, null);
        if (h == Wsa.INVALID_SOCKET) {
            throw new WinsockException("accept", ws.WSAGetLastError());
        }
        return new WsSocket(ws, h);
    }

    public void connect(InetSocketAddress remote) throws WinsockException {
        check("connect", ws.connect(handle, SockAddr.inet(remote)));
    }

    /** send: the bytes taken (all of them on a blocking socket). */
    public int send(byte[] data, int off, int len) throws WinsockException {
        return check("send", ws.send(handle, java.nio.ByteBuffer.wrap(data, off, len), 0));
    }

    /** Sends every byte, looping over partial sends. */
    public void sendAll(byte[] data) throws WinsockException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(data);
        while (b.hasRemaining()) {
            check("send", ws.send(handle, b, 0));
        }
    }

    /** recv: the bytes received, 0 at the end of the stream. */
    public int recv(byte[] buf, int off, int len) throws WinsockException {
        return check("recv", ws.recv(handle, java.nio.ByteBuffer.wrap(buf, off, len), 0));
    }

    public int sendTo(byte[] data, int off, int len, InetSocketAddress to) throws WinsockException {
        byte[] slice = off == 0 ? data : java.util.Arrays.copyOfRange(data, off, off + len);
        return check("sendto", ws.sendto(handle, slice, len, 0, SockAddr.inet(to)));
    }

    /** One received datagram: its length and sender. */
    public record Datagram(int length, InetSocketAddress from) { }

    public Datagram recvFrom(byte[] buf) throws WinsockException {
        Ref<SockAddr> from = new Ref<>();
        int n = check("recvfrom", ws.recvfrom(handle, buf, buf.length, 0, from));
        return new Datagram(n, from.value == null ? null : from.value.toInet());
    }

    /** shutdown(SD_RECEIVE, SD_SEND or SD_BOTH). */
    public void shutdown(int how) throws WinsockException {
        check("shutdown", ws.shutdown(handle, how));
    }

    /** ioctlsocket(FIONBIO). */
    public void setNonBlocking(boolean on) throws WinsockException {
        check("ioctlsocket", ws.ioctlsocket(handle, Wsa.FIONBIO, new IntRef(on ? 1 : 0)));
    }

    /** ioctlsocket(FIONREAD): bytes ready to read. */
    public int available() throws WinsockException {
        IntRef n = new IntRef();
        check("ioctlsocket", ws.ioctlsocket(handle, Wsa.FIONREAD, n));
        return n.value;
    }

    public InetSocketAddress localAddress() throws WinsockException {
        Ref<SockAddr> a = new Ref<>();
        check("getsockname", ws.getsockname(handle, a));
        return a.value.toInet();
    }

    public InetSocketAddress remoteAddress() throws WinsockException {
        Ref<SockAddr> a = new Ref<>();
        check("getpeername", ws.getpeername(handle, a));
        return a.value.toInet();
    }

    /** setsockopt with a 4-byte integer value. */
    public void setOption(int level, int name, int value) throws WinsockException {
        byte[] v = {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)};
        check("setsockopt", ws.setsockopt(handle, level, name, v, 4));
    }

    /** getsockopt of a 4-byte integer value. */
    public int getOption(int level, int name) throws WinsockException {
        byte[] v = new byte[4];
        check("getsockopt", ws.getsockopt(handle, level, name, v, new IntRef(4)));
        return (v[0] & 0xFF) | (v[1] & 0xFF) << 8 | (v[2] & 0xFF) << 16 | (v[3] & 0xFF) << 24;
    }

    /** closesocket; a second close does nothing. */
    @Override
    public void close() throws WinsockException {
        if (!closed) {
            closed = true;
            check("closesocket", ws.closesocket(handle));
        }
    }
}
