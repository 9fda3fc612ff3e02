package org.sockstack.api.nio;

import org.sockstack.api.Winsock;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.io.IOException;
import java.net.ProtocolFamily;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.NotYetBoundException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
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
    private final ChannelSocket sock;
    private final ReentrantLock acceptLock = new ReentrantLock();
    private volatile boolean bound;

    WsServerSocketChannel(WinsockSelectorProvider provider, ProtocolFamily family) throws IOException {
        super(provider);
        this.provider = provider;
        Winsock ws = provider.winsock();
        int af = Io.af(family);
        this.sock = new ChannelSocket(this, ws, af, Io.open(ws, family, Wsa.SOCK_STREAM, Wsa.IPPROTO_TCP),
                Options.LISTENER);
    }

    @Override
    public ChannelSocket channelSocket() {
        return sock;
    }

    @Override
    public ServerSocketChannel bind(SocketAddress local, int backlog) throws IOException {
        synchronized (sock.stateLock) {
            sock.ensureOpen();
            if (bound) {
                throw new AlreadyBoundException();
            }
            sock.bind(sock.bindAddress(local));
            Winsock ws = sock.ws;
            if (ws.listen(sock.handle, backlog < 1 ? DEFAULT_BACKLOG : backlog) == Wsa.SOCKET_ERROR) {
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
            sock.ensureOpen();
            if (!bound) {
                throw new NotYetBoundException();
            }
            Winsock ws = sock.ws;
            long[] accepted = {Wsa.INVALID_SOCKET};   // the call's result is only 0 or the negated error
            int err = -sock.call(this::begin, this::end, () -> {
                accepted[0] = ws.accept(sock.handle, new Ref<>());
                return accepted[0] == Wsa.INVALID_SOCKET ? -ws.WSAGetLastError() : 0;
            });
            long a = accepted[0];
            if (a == Wsa.INVALID_SOCKET) {
                if (err == WsaError.WSAEWOULDBLOCK) {
                    return null;
                }
                throw Io.failure(this, "accept", err);
            }
            int r = Io.makeBlocking(ws, a);
            if (r != 0) {
                ws.closesocket(a);
                throw Io.exception("ioctlsocket", -r);
            }
            return new WsSocketChannel(provider, sock.af, a);
        } finally {
            acceptLock.unlock();
        }
    }

    @Override
    public SocketAddress getLocalAddress() throws IOException {
        return sock.localAddress();
    }

    /** Not offered: the java.net.ServerSocket adaptor. */
    @Override
    public ServerSocket socket() {
        throw new UnsupportedOperationException("ServerSocketChannel.socket() is not offered over Winsock");
    }

    @Override
    public <T> ServerSocketChannel setOption(SocketOption<T> name, T value) throws IOException {
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

    @Override
    public int translateReadySet(boolean read, boolean write, boolean except, int interest) {
        return WsChannel.readyIf(read, interest, SelectionKey.OP_ACCEPT);
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
        return "WsServerSocketChannel[" + (isOpen() ? sock.boundAddress() : "closed") + "]";
    }
}
