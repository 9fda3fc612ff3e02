package org.sockstack.api.nio;

import org.sockstack.api.Winsock;
import org.sockstack.spi.provider.FdSet;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.SockAddr;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;
import org.sockstack.api.TimeVal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.NoConnectionPendingException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;

/**
 * A {@link SocketChannel} over one Winsock stream socket. Blocking mode is the socket's
 * (ioctlsocket FIONBIO); a blocking call waits inside the provider and a close by another thread
 * (or an interrupt, which closes the channel) ends it with AsynchronousCloseException
 * (ClosedByInterruptException). A non-blocking connect is WSAEWOULDBLOCK, then finishConnect
 * looks at the write set (connected) and the except set (failed: SO_ERROR says why), as Winsock
 * documents for connect.
 */
final class WsSocketChannel extends SocketChannel implements WsChannel {
    private static final int UNCONNECTED = 0;
    private static final int PENDING = 1;
    private static final int CONNECTED = 2;

    private final ChannelSocket sock;
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    private volatile int state;
    private volatile boolean inputShut;
    private volatile boolean outputShut;

    WsSocketChannel(WinsockSelectorProvider provider, ProtocolFamily family) throws IOException {
        super(provider);
        Winsock ws = provider.winsock();
        int af = Io.af(family);
        this.sock = new ChannelSocket(this, ws, af, Io.open(ws, family, Wsa.SOCK_STREAM, Wsa.IPPROTO_TCP),
                Options.STREAM);
    }

    /** An accepted connection (blocking, as the JDK hands them out). */
    WsSocketChannel(WinsockSelectorProvider provider, int af, long handle) {
        super(provider);
        this.sock = new ChannelSocket(this, provider.winsock(), af, handle, Options.STREAM);
        this.state = CONNECTED;
    }

    @Override
    public ChannelSocket channelSocket() {
        return sock;
    }

    /** One call, interruptible in blocking mode (see {@link ChannelSocket#call}). */
    private int call(IntSupplier call) throws AsynchronousCloseException {
        return sock.call(this::begin, this::end, call);
    }

    /** Neither connected nor connecting: what bind and connect require. */
    private void ensureUnconnected() {
        if (state == CONNECTED) {
            throw new AlreadyConnectedException();
        }
        if (state == PENDING) {
            throw new ConnectionPendingException();
        }
    }

    // ------------------------------------------------------------------ bind, connect

    @Override
    public SocketChannel bind(SocketAddress local) throws IOException {
        synchronized (sock.stateLock) {
            sock.ensureOpen();
            ensureUnconnected();
            if (sock.boundAddress() != null) {
                throw new AlreadyBoundException();
            }
            sock.bind(sock.bindAddress(local));
        }
        return this;
    }

    @Override
    public boolean connect(SocketAddress remote) throws IOException {
        readLock.lock();
        writeLock.lock();
        try {
            synchronized (sock.stateLock) {
                sock.ensureOpen();
                ensureUnconnected();
            }
            InetSocketAddress target = Io.connectTarget(Io.check(remote, sock.af), sock.af);
            int r = call(() -> Io.result(sock.ws, sock.ws.connect(sock.handle, SockAddr.inet(target))));
            return connected(r, "connect");
        } finally {
            writeLock.unlock();
            readLock.unlock();
        }
    }

    /** The outcome of connect: connected, pending (non-blocking), or failed (the channel closes, as the JDK's does). */
    private boolean connected(int r, String call) throws IOException {
        if (r == 0) {
            state = CONNECTED;
            return true;
        }
        if (r == -WsaError.WSAEWOULDBLOCK) {
            state = PENDING;
            return false;
        }
        if (Io.closedError(-r) || !isOpen()) {
            throw Io.closed(this);
        }
        close();
        throw Io.exception(call, -r);
    }

    @Override
    public boolean finishConnect() throws IOException {
        readLock.lock();
        writeLock.lock();
        try {
            synchronized (sock.stateLock) {
                sock.ensureOpen();
                if (state == CONNECTED) {
                    return true;
                }
                if (state != PENDING) {
                    throw new NoConnectionPendingException();
                }
            }
            // Blocking: select waits until the connection is made or fails; otherwise it only looks.
            boolean blocking = isBlocking();
            int outcome = sock.call(blocking, this::begin, this::end,
                    () -> pollConnect(blocking ? null : new TimeVal(0, 0)));
            return outcome == 1 ? connected(0, "connect") : outcome == 0 ? false : connected(outcome, "connect");
        } finally {
            writeLock.unlock();
            readLock.unlock();
        }
    }

    /** 1 connected, 0 still pending, or the negated error: select on the write and except sets. */
    private int pollConnect(TimeVal timeout) {
        Winsock ws = sock.ws;
        long handle = sock.handle;
        FdSet w = FdSet.of(handle);
        FdSet x = FdSet.of(handle);
        int n = ws.select(0, null, w, x, timeout);
        if (!isOpen()) {
            return -WsaError.WSAENOTSOCK;
        }
        if (n == Wsa.SOCKET_ERROR) {
            return -ws.WSAGetLastError();
        }
        if (x.isSet(handle)) {
            byte[] v = new byte[4];
            ws.getsockopt(handle, Wsa.SOL_SOCKET, Wsa.SO_ERROR, v, new IntRef(4));
            int e = (v[0] & 0xFF) | (v[1] & 0xFF) << 8 | (v[2] & 0xFF) << 16 | (v[3] & 0xFF) << 24;
            return -(e != 0 ? e : WsaError.WSAECONNREFUSED);
        }
        return w.isSet(handle) ? 1 : 0;
    }

    @Override
    public boolean isConnected() {
        return state == CONNECTED;
    }

    @Override
    public boolean isConnectionPending() {
        return state == PENDING;
    }

    // ------------------------------------------------------------------ read, write

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return (int) read(new ByteBuffer[] {Objects.requireNonNull(dst)}, 0, 1);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, dsts.length);
        Io.checkWritable(dsts, offset, length);
        readLock.lock();
        try {
            sock.ensureOpen();
            ensureConnected();
            if (inputShut) {
                return -1;
            }
            if (Io.remaining(dsts, offset, length) == 0) {
                return 0;
            }
            int r = call(() -> Io.recv(sock.ws, sock.handle, dsts, offset, length, null));
            if (r == 0 || r == -WsaError.WSAESHUTDOWN) {
                return -1;   // recv's 0 is the end of the stream (the peer's FIN)
            }
            return transferred("recv", r);
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return (int) write(new ByteBuffer[] {Objects.requireNonNull(src)}, 0, 1);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        writeLock.lock();
        try {
            sock.ensureOpen();
            if (outputShut) {
                throw new ClosedChannelException();
            }
            ensureConnected();
            if (Io.remaining(srcs, offset, length) == 0) {
                return 0;
            }
            int r = call(() -> Io.send(sock.ws, sock.handle, srcs, offset, length, null));
            if (r == -WsaError.WSAESHUTDOWN) {
                throw new ClosedChannelException();   // the send side was shut meanwhile
            }
            return transferred("send", r);
        } finally {
            writeLock.unlock();
        }
    }

    private void ensureConnected() {
        if (state != CONNECTED) {
            throw new NotYetConnectedException();
        }
    }

    /** A read's or write's outcome past its own cases: the count, 0 when it would block, or the exception. */
    private int transferred(String call, int r) throws IOException {
        if (r >= 0) {
            return r;
        }
        if (r == -WsaError.WSAEWOULDBLOCK) {
            return 0;   // non-blocking and nothing to move now
        }
        throw Io.failure(this, call, -r);
    }

    // ------------------------------------------------------------------ shutdown, addresses

    @Override
    public SocketChannel shutdownInput() throws IOException {
        synchronized (sock.stateLock) {
            ensureCanShut();
            if (!inputShut) {
                shutdown(Wsa.SD_RECEIVE);
                inputShut = true;
            }
        }
        return this;
    }

    @Override
    public SocketChannel shutdownOutput() throws IOException {
        synchronized (sock.stateLock) {
            ensureCanShut();
            if (!outputShut) {
                shutdown(Wsa.SD_SEND);
                outputShut = true;
            }
        }
        return this;
    }

    private void ensureCanShut() throws ClosedChannelException {
        sock.ensureOpen();
        ensureConnected();
    }

    private void shutdown(int how) throws IOException {
        int r = Io.result(sock.ws, sock.ws.shutdown(sock.handle, how));
        // A connection the peer already ended is shut all the same (the JDK ignores ENOTCONN).
        if (r != 0 && r != -WsaError.WSAENOTCONN) {
            throw Io.exception("shutdown", -r);
        }
    }

    @Override
    public SocketAddress getLocalAddress() throws IOException {
        return sock.localAddress();
    }

    @Override
    public SocketAddress getRemoteAddress() throws IOException {
        sock.ensureOpen();
        return state == CONNECTED ? Io.remoteAddress(sock.ws, sock.handle) : null;
    }

    /** Not offered: the java.net.Socket adaptor would be a second socket implementation. */
    @Override
    public Socket socket() {
        throw new UnsupportedOperationException("SocketChannel.socket() is not offered over Winsock");
    }

    // ------------------------------------------------------------------ options

    @Override
    public <T> SocketChannel setOption(SocketOption<T> name, T value) throws IOException {
        sock.setOption(name, value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return sock.getOption(name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return sock.supportedOptions();
    }

    // ------------------------------------------------------------------ selection, close

    @Override
    public int translateReadySet(boolean read, boolean write, boolean except, int interest) {
        // A connect ends in the write set (made) or the except set (failed): both are OP_CONNECT.
        return WsChannel.readyIf(read, interest, SelectionKey.OP_READ)
                | WsChannel.readyIf((write || except) && state == PENDING, interest, SelectionKey.OP_CONNECT)
                | WsChannel.readyIf(write && state == CONNECTED, interest, SelectionKey.OP_WRITE);
    }

    @Override
    protected void implConfigureBlocking(boolean block) throws IOException {
        sock.configureBlocking(block);
    }

    @Override
    protected void implCloseSelectableChannel() throws IOException {
        sock.close();
    }

    @Override
    public String toString() {
        return "WsSocketChannel[" + (isOpen() ? sock.boundAddress() + "->" + Io.remoteAddress(sock.ws, sock.handle)
                : "closed") + "]";
    }
}
