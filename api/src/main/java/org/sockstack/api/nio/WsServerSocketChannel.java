package org.sockstack.api.nio;

import org.sockstack.api.Winsock;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NotYetBoundException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link ServerSocketChannel} over one listening Winsock stream socket: bind is bind + listen,
 * accept is accept (WSAEWOULDBLOCK: null in non-blocking mode). The accepted socket inherits the
 * listener's event selection and non-blocking mode in Winsock; the JDK hands out blocking
 * channels, so both are taken back.
 */
final class WsServerSocketChannel extends ServerSocketChannel implements WsChannel {
    private static final int DEFAULT_BACKLOG = 50;

    private final WinsockSelectorProvider provider;
    private final Winsock ws;
    private final long handle;
    private final int af;
    private final ReentrantLock acceptLock = new ReentrantLock();
    private final Object stateLock = new Object();
    /** The options the provider knows, found on first use. */
    private volatile Set<SocketOption<?>> options;
    private volatile boolean bound;

    WsServerSocketChannel(WinsockSelectorProvider provider, ProtocolFamily family) throws IOException {
        super(provider);
        this.provider = provider;
        this.ws = provider.winsock();
        this.af = Io.af(family);
        this.handle = Io.open(ws, family, Wsa.SOCK_STREAM, Wsa.IPPROTO_TCP);
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

    @Override
    public ServerSocketChannel bind(SocketAddress local, int backlog) throws IOException {
        synchronized (stateLock) {
            ensureOpen();
            if (bound) {
                throw new AlreadyBoundException();
            }
            InetSocketAddress a = local == null ? Io.any(af) : Io.check(local, af);
            if (ws.bind(handle, SockAddr.inet(a)) == Wsa.SOCKET_ERROR) {
                throw Io.exception("bind", ws.WSAGetLastError());
            }
            if (ws.listen(handle, backlog < 1 ? DEFAULT_BACKLOG : backlog) == Wsa.SOCKET_ERROR) {
                throw Io.exception("listen", ws.WSAGetLastError());
            }
            bound = true;
        }
        return this;
    }

    @Override
    public SocketChannel accept() throws IOException {
        acceptLock.lock();
        try {
            ensureOpen();
            if (!bound) {
                throw new NotYetBoundException();
            }
            boolean blocking = isBlocking();
            long a = Wsa.INVALID_SOCKET;
            int err = 0;
            boolean done = false;
            try {
                if (blocking) {
                    begin();
                }
                a = ws.accept(handle, new Ref<>());
                err = a == Wsa.INVALID_SOCKET ? ws.WSAGetLastError() : 0;
                done = a != Wsa.INVALID_SOCKET || !Io.closedError(err);
            } finally {
                if (blocking) {
                    end(done);
                }
            }
            if (a == Wsa.INVALID_SOCKET) {
                if (err == WsaError.WSAEWOULDBLOCK) {
                    return null;
                }
                if (Io.closedError(err)) {
                    throw Io.closed(this);
                }
                throw Io.exception("accept", err);
            }
            int r = Io.makeBlocking(ws, a);
            if (r != 0) {
                ws.closesocket(a);
                throw Io.exception("ioctlsocket", -r);
            }
            return new WsSocketChannel(provider, af, a);
        } finally {
            acceptLock.unlock();
        }
    }

    @Override
    public SocketAddress getLocalAddress() throws IOException {
        ensureOpen();
        return Io.localAddress(ws, handle);
    }

    /** Not offered: the java.net.ServerSocket adaptor. */
    @Override
    public ServerSocket socket() {
        throw new UnsupportedOperationException("ServerSocketChannel.socket() is not offered over Winsock");
    }

    @Override
    public <T> ServerSocketChannel setOption(SocketOption<T> name, T value) throws IOException {
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
                return Options.LISTENER;
            }
            o = Options.probe(ws, handle, Options.LISTENER);
            options = o;
        }
        return o;
    }

    @Override
    public int translateReadySet(boolean read, boolean write, boolean except, int interest) {
        return read && (interest & SelectionKey.OP_ACCEPT) != 0 ? SelectionKey.OP_ACCEPT : 0;
    }

    @Override
    protected void implConfigureBlocking(boolean block) throws IOException {
        int r = block ? Io.makeBlocking(ws, handle) : Io.setNonBlocking(ws, handle, true);
        if (r != 0) {
            throw Io.exception("ioctlsocket", -r);
        }
    }

    @Override
    protected void implCloseSelectableChannel() throws IOException {
        Io.close(ws, handle);
    }

    @Override
    public String toString() {
        return "WsServerSocketChannel[" + (isOpen() ? Io.localAddress(ws, handle) : "closed") + "]";
    }
}
