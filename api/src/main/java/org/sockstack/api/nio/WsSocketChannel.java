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
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.NoConnectionPendingException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

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

    private final Winsock ws;
    private final long handle;
    private final int af;
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Object stateLock = new Object();
    /** The options the provider knows, found on first use. */
    private volatile Set<SocketOption<?>> options;
    private volatile int state;
    private volatile boolean inputShut;
    private volatile boolean outputShut;

    WsSocketChannel(WinsockSelectorProvider provider, ProtocolFamily family) throws IOException {
        super(provider);
        this.ws = provider.winsock();
        this.af = Io.af(family);
        this.handle = Io.open(ws, family, Wsa.SOCK_STREAM, Wsa.IPPROTO_TCP);
    }

    /** An accepted connection (blocking, as the JDK hands them out). */
    WsSocketChannel(WinsockSelectorProvider provider, int af, long handle) {
        super(provider);
        this.ws = provider.winsock();
        this.af = af;
        this.handle = handle;
        this.state = CONNECTED;
    }

    @Override
    public Winsock winsock() {
        return ws;
    }

    @Override
    public long handle() {
        return handle;
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
    }

    // ------------------------------------------------------------------ bind, connect

    @Override
    public SocketChannel bind(SocketAddress local) throws IOException {
        synchronized (stateLock) {
            ensureOpen();
            if (state == CONNECTED) {
                throw new AlreadyConnectedException();
            }
            if (state == PENDING) {
                throw new ConnectionPendingException();
            }
            if (Io.localAddress(ws, handle) != null) {
                throw new AlreadyBoundException();
            }
            InetSocketAddress a = local == null ? Io.any(af) : Io.check(local, af);
            if (ws.bind(handle, SockAddr.inet(a)) == Wsa.SOCKET_ERROR) {
                throw Io.exception("bind", ws.WSAGetLastError());
            }
        }
        return this;
    }

    @Override
    public boolean connect(SocketAddress remote) throws IOException {
        readLock.lock();
        writeLock.lock();
        try {
            synchronized (stateLock) {
                ensureOpen();
                if (state == CONNECTED) {
                    throw new AlreadyConnectedException();
                }
                if (state == PENDING) {
                    throw new ConnectionPendingException();
                }
            }
            InetSocketAddress target = Io.connectTarget(Io.check(remote, af), af);
            boolean blocking = isBlocking();
            int r = 0;
            boolean done = false;
            try {
                if (blocking) {
                    begin();
                }
                r = Io.result(ws, ws.connect(handle, SockAddr.inet(target)));
                done = r == 0 || !Io.closedError(-r);
            } finally {
                if (blocking) {
                    end(done);
                }
            }
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
            synchronized (stateLock) {
                ensureOpen();
                if (state == CONNECTED) {
                    return true;
                }
                if (state != PENDING) {
                    throw new NoConnectionPendingException();
                }
            }
            boolean blocking = isBlocking();
            int outcome = 0;
            boolean done = false;
            try {
                if (blocking) {
                    begin();
                }
                outcome = pollConnect(blocking ? null : new TimeVal(0, 0));
                done = outcome >= 0 || !Io.closedError(-outcome);
            } finally {
                if (blocking) {
                    end(done);
                }
            }
            return outcome == 1 ? connected(0, "connect") : outcome == 0 ? false : connected(outcome, "connect");
        } finally {
            writeLock.unlock();
            readLock.unlock();
        }
    }

    /** 1 connected, 0 still pending, or the negated error: select on the write and except sets. */
    private int pollConnect(TimeVal timeout) {
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
            ensureOpen();
            if (state != CONNECTED) {
                throw new NotYetConnectedException();
            }
            if (inputShut) {
                return -1;
            }
            if (Io.remaining(dsts, offset, length) == 0) {
                return 0;
            }
            boolean blocking = isBlocking();
            int r = 0;
            boolean done = false;
            try {
                if (blocking) {
                    begin();
                }
                r = Io.recv(ws, handle, dsts, offset, length, null);
                done = r >= 0 || !Io.closedError(-r);
            } finally {
                if (blocking) {
                    end(done);
                }
            }
            if (r > 0) {
                return r;
            }
            if (r == 0 || r == -WsaError.WSAESHUTDOWN) {
                return -1;   // recv's 0 is the end of the stream (the peer's FIN)
            }
            if (r == -WsaError.WSAEWOULDBLOCK) {
                return 0;
            }
            if (Io.closedError(-r)) {
                throw Io.closed(this);
            }
            throw Io.exception("recv", -r);
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
            ensureOpen();
            if (outputShut) {
                throw new ClosedChannelException();
            }
            if (state != CONNECTED) {
                throw new NotYetConnectedException();
            }
            if (Io.remaining(srcs, offset, length) == 0) {
                return 0;
            }
            boolean blocking = isBlocking();
            int r = 0;
            boolean done = false;
            try {
                if (blocking) {
                    begin();
                }
                r = Io.send(ws, handle, srcs, offset, length, null);
                done = r >= 0 || !Io.closedError(-r);
            } finally {
                if (blocking) {
                    end(done);
                }
            }
            if (r >= 0) {
                return r;
            }
            if (r == -WsaError.WSAEWOULDBLOCK) {
                return 0;
            }
            if (r == -WsaError.WSAESHUTDOWN) {
                throw new ClosedChannelException();
            }
            if (Io.closedError(-r)) {
                throw Io.closed(this);
            }
            throw Io.exception("send", -r);
        } finally {
            writeLock.unlock();
        }
    }

    // ------------------------------------------------------------------ shutdown, addresses

    @Override
    public SocketChannel shutdownInput() throws IOException {
        synchronized (stateLock) {
            ensureOpen();
            if (state != CONNECTED) {
                throw new NotYetConnectedException();
            }
            if (!inputShut) {
                shutdown(Wsa.SD_RECEIVE);
                inputShut = true;
            }
        }
        return this;
    }

    @Override
    public SocketChannel shutdownOutput() throws IOException {
        synchronized (stateLock) {
            ensureOpen();
            if (state != CONNECTED) {
                throw new NotYetConnectedException();
            }
            if (!outputShut) {
                shutdown(Wsa.SD_SEND);
                outputShut = true;
            }
        }
        return this;
    }

    private void shutdown(int how) throws IOException {
        int r = Io.result(ws, ws.shutdown(handle, how));
        // A connection the peer already ended is shut all the same (the JDK ignores ENOTCONN).
        if (r != 0 && r != -WsaError.WSAENOTCONN) {
            throw Io.exception("shutdown", -r);
        }
    }

    @Override
    public SocketAddress getLocalAddress() throws IOException {
        ensureOpen();
        return Io.localAddress(ws, handle);
    }

    @Override
    public SocketAddress getRemoteAddress() throws IOException {
        ensureOpen();
        return state == CONNECTED ? Io.remoteAddress(ws, handle) : null;
    }

    /** Not offered: the java.net.Socket adaptor would be a second socket implementation. */
    @Override
    public Socket socket() {
        throw new UnsupportedOperationException("SocketChannel.socket() is not offered over Winsock");
    }

    // ------------------------------------------------------------------ options

    @Override
    public <T> SocketChannel setOption(SocketOption<T> name, T value) throws IOException {
        Options.validate(supportedOptions(), name, value);
        synchronized (stateLock) {
            ensureOpen();
            Options.set(ws, handle, name, value);
        }
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        if (!supportedOptions().contains(Objects.requireNonNull(name))) {
            throw new UnsupportedOperationException("'" + name + "' not supported");
        }
        synchronized (stateLock) {
            ensureOpen();
            return Options.get(ws, handle, name);
        }
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        Set<SocketOption<?>> o = options;
        if (o == null) {
            if (!isOpen()) {
                return Options.STREAM;
            }
            o = Options.probe(ws, handle, Options.STREAM);
            options = o;
        }
        return o;
    }

    // ------------------------------------------------------------------ selection, close

    @Override
    public int translateReadySet(boolean read, boolean write, boolean except, int interest) {
        int ready = 0;
        if (read && (interest & SelectionKey.OP_READ) != 0) {
            ready |= SelectionKey.OP_READ;
        }
        if ((write || except) && (interest & SelectionKey.OP_CONNECT) != 0 && state == PENDING) {
            ready |= SelectionKey.OP_CONNECT;
        }
        if (write && (interest & SelectionKey.OP_WRITE) != 0 && state == CONNECTED) {
            ready |= SelectionKey.OP_WRITE;
        }
        return ready;
    }

    @Override
    protected void implConfigureBlocking(boolean block) throws IOException {
        int r = block ? Io.makeBlocking(ws, handle) : Io.setNonBlocking(ws, handle, true);
        if (r != 0) {
            throw Io.exception("ioctlsocket", -r);
        }
    }

    /** closesocket; a lingering close of a non-blocking socket (WSAEWOULDBLOCK) is made blocking first. */
    @Override
    protected void implCloseSelectableChannel() throws IOException {
        Io.close(ws, handle);
    }

    @Override
    public String toString() {
        return "WsSocketChannel[" + (isOpen() ? Io.localAddress(ws, handle) + "->" + Io.remoteAddress(ws, handle)
                : "closed") + "]";
    }
}
