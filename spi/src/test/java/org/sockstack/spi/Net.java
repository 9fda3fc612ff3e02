package org.sockstack.spi;

import org.sockstack.spi.provider.TransportProvider;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** Test shorthand over a {@link Ws2Process}: one socket handle and the provider behind it. */
public final class Net {
    public final Ws2Process process;
    public final long handle;

    public Net(Ws2Process process, long handle) {
        this.process = process;
        this.handle = handle;
    }

    /** socket(AF_INET, SOCK_DGRAM, 0) with WSA_FLAG_OVERLAPPED, as socket() does. */
    public static Net udp(Ws2Process p) {
        IntRef e = new IntRef();
        long h = p.socket(Wsa.AF_INET, Wsa.SOCK_DGRAM, 0, null, 0, Wsa.WSA_FLAG_OVERLAPPED, e);
        if (h == Wsa.INVALID_SOCKET) {
            throw new AssertionError("socket failed: " + WsaError.name(e.value));
        }
        return new Net(p, h);
    }

    public TransportProvider provider() {
        IntRef e = new IntRef();
        TransportProvider t = process.provider(handle, e);
        if (t == null) {
            throw new AssertionError("no provider: " + WsaError.name(e.value));
        }
        return t;
    }

    /** The outcome of one call: 0 or a WSA code. */
    static int result(int r, IntRef e) {
        return r == Wsa.SOCKET_ERROR ? e.value : r;
    }

    public int bind(InetAddress a, int port) {
        IntRef e = new IntRef();
        return result(provider().bind(handle, SockAddr.inet(a, port), e), e);
    }

    public int connect(InetAddress a, int port) {
        IntRef e = new IntRef();
        return result(provider().connect(handle, SockAddr.inet(a, port), null, null, null, null, e), e);
    }

    public InetSocketAddress local() {
        Ref<SockAddr> r = new Ref<>();
        IntRef e = new IntRef();
        if (provider().getSockName(handle, r, e) != 0) {
            return null;
        }
        return r.value.toInet();
    }

    public int port() {
        return local().getPort();
    }

    public int sendTo(byte[] data, InetAddress a, int port) {
        IntRef e = new IntRef();
        IntRef n = new IntRef();
        int r = provider().sendTo(handle, new ByteBuffer[] {ByteBuffer.wrap(data)}, n, 0,
                a == null ? null : SockAddr.inet(a, port), null, null, null, e);
        return result(r, e);
    }

    public int send(byte[] data) {
        IntRef e = new IntRef();
        IntRef n = new IntRef();
        return result(provider().send(handle, new ByteBuffer[] {ByteBuffer.wrap(data)}, n, 0, null, null, null, e), e);
    }

    /** What a receive returned. */
    public record Received(int error, int bytes, byte[] data, InetSocketAddress from) {
        public String text() {
            return new String(data, 0, bytes);
        }
    }

    public Received recvFrom(int capacity, int flags) {
        IntRef e = new IntRef();
        IntRef n = new IntRef();
        IntRef f = new IntRef(flags);
        Ref<SockAddr> from = new Ref<>();
        ByteBuffer buf = ByteBuffer.allocate(capacity);
        int r = provider().recvFrom(handle, new ByteBuffer[] {buf}, n, f, from, null, null, null, e);
        return new Received(result(r, e), n.value, Arrays.copyOf(buf.array(), capacity),
                from.value == null ? null : from.value.toInet());
    }

    public Received recv(int capacity) {
        IntRef e = new IntRef();
        IntRef n = new IntRef();
        ByteBuffer buf = ByteBuffer.allocate(capacity);
        int r = provider().recv(handle, new ByteBuffer[] {buf}, n, new IntRef(), null, null, null, e);
        return new Received(result(r, e), n.value, buf.array(), null);
    }

    public int setInt(int level, int name, int value) {
        IntRef e = new IntRef();
        byte[] v = {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)};
        return result(provider().setSockOpt(handle, level, name, v, 4, e), e);
    }

    /** SO_LINGER {l_onoff, l_linger}. */
    public int setLinger(boolean on, int seconds) {
        return setInt(Wsa.SOL_SOCKET, Wsa.SO_LINGER, (on ? 1 : 0) | seconds << 16);
    }

    /** The option's value, or -(error code). */
    public int getInt(int level, int name) {
        IntRef e = new IntRef();
        byte[] v = new byte[4];
        IntRef len = new IntRef(4);
        if (provider().getSockOpt(handle, level, name, v, len, e) != 0) {
            return -e.value;
        }
        return (v[0] & 0xFF) | (v[1] & 0xFF) << 8 | (v[2] & 0xFF) << 16 | (v[3] & 0xFF) << 24;
    }

    /** An ioctl with a 4-byte input; returns 0 or the error. */
    public int ioctlIn(int code, int value) {
        IntRef e = new IntRef();
        byte[] in = {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)};
        return result(provider().ioctl(handle, code, in, null, new IntRef(), null, null, null, e), e);
    }

    /** An ioctl with a 4-byte output: the value, or -(error). */
    public long ioctlOut(int code, int size) {
        IntRef e = new IntRef();
        byte[] out = new byte[size];
        if (provider().ioctl(handle, code, null, out, new IntRef(), null, null, null, e) != 0) {
            return -e.value;
        }
        return ByteBuffer.wrap(out).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(0) & 0xFFFFFFFFL
                | (size == 8 ? (long) ByteBuffer.wrap(out).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(4) << 32 : 0);
    }

    public int close() {
        IntRef e = new IntRef();
        return result(provider().closeSocket(handle, e), e);
    }
}
