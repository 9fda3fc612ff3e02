package org.sockstack.api.nio;

import org.sockstack.api.Winsock;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.PortUnreachableException;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.MembershipKey;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.SelectionKey;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link DatagramChannel} over one Winsock datagram socket: send is sendto (send when
 * connected), receive is recvfrom, a datagram larger than the buffer is cut (the rest lost, as
 * the JDK does). An unbound channel is bound to the wildcard address before its first receive.
 * On a connected channel an ICMP port unreachable for an earlier datagram fails the next receive
 * (Winsock's WSAECONNRESET) with PortUnreachableException, as the JDK reports it.
 */
final class WsDatagramChannel extends DatagramChannel implements WsChannel {
    private final Winsock ws;
    private final long handle;
    private final int af;
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Object stateLock = new Object();
    /** The options the provider knows, found on first use. */
    private volatile Set<SocketOption<?>> options;
    private volatile InetSocketAddress remote;

    WsDatagramChannel(WinsockSelectorProvider provider, ProtocolFamily family) throws IOException {
        super(provider);
        this.ws = provider.winsock();
        this.af = Io.af(family);
        this.handle = Io.open(ws, family, Wsa.SOCK_DGRAM, Wsa.IPPROTO_UDP);
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
    public DatagramChannel bind(SocketAddress local) throws IOException {
        synchronized (stateLock) {
            ensureOpen();
            if (Io.localAddress(ws, handle) != null) {
                throw new AlreadyBoundException();
            }
            bindTo(local == null ? Io.any(af) : Io.check(local, af));
        }
        return this;
    }

    private void bindTo(InetSocketAddress a) throws IOException {
        if (ws.bind(handle, SockAddr.inet(a)) == Wsa.SOCKET_ERROR) {
            throw Io.exception("bind", ws.WSAGetLastError());
        }
    }

    private void bindIfUnbound() throws IOException {
        synchronized (stateLock) {
            if (Io.localAddress(ws, handle) == null) {
                bindTo(Io.any(af));
            }
        }
    }

    @Override
    public DatagramChannel connect(SocketAddress remoteAddress) throws IOException {
        readLock.lock();
        writeLock.lock();
        try {
            synchronized (stateLock) {
                ensureOpen();
                if (remote != null) {
                    throw new AlreadyConnectedException();
                }
                InetSocketAddress isa = Io.connectTarget(Io.check(remoteAddress, af), af);
                if (ws.connect(handle, SockAddr.inet(isa)) == Wsa.SOCKET_ERROR) {
                    throw Io.exception("connect", ws.WSAGetLastError());
                }
                remote = isa;
            }
        } finally {
            writeLock.unlock();
            readLock.unlock();
        }
        return this;
    }

    /** connect to the all-zero address dissolves the association (Winsock's way to disconnect). */
    @Override
    public DatagramChannel disconnect() throws IOException {
        readLock.lock();
        writeLock.lock();
        try {
            synchronized (stateLock) {
                if (!isOpen() || remote == null) {
                    return this;
                }
                if (ws.connect(handle, SockAddr.any(af)) == Wsa.SOCKET_ERROR) {
                    throw Io.exception("connect", ws.WSAGetLastError());
                }
                remote = null;
            }
        } finally {
            writeLock.unlock();
            readLock.unlock();
        }
        return this;
    }

    @Override
    public boolean isConnected() {
        return remote != null;
    }

    // ------------------------------------------------------------------ receive, send

    @Override
    public SocketAddress receive(ByteBuffer dst) throws IOException {
        Io.checkWritable(new ByteBuffer[] {Objects.requireNonNull(dst)}, 0, 1);
        readLock.lock();
        try {
            ensureOpen();
            bindIfUnbound();
            Ref<SockAddr> from = new Ref<>();
            int r = recv(new ByteBuffer[] {dst}, 0, 1, from);
            if (r == -WsaError.WSAEWOULDBLOCK) {
                return null;
            }
            if (r < 0) {
                throw failure("recvfrom", r);
            }
            return from.value == null ? null : from.value.toInet();
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public int send(ByteBuffer src, SocketAddress target) throws IOException {
        Objects.requireNonNull(src);
        writeLock.lock();
        try {
            ensureOpen();
            InetSocketAddress isa = Io.check(target, af);
            InetSocketAddress peer = remote;
            if (peer != null && !isa.equals(peer)) {
                throw new AlreadyConnectedException();
            }
            int r = send(new ByteBuffer[] {src}, 0, 1, peer != null ? null : SockAddr.inet(isa));
            if (r == -WsaError.WSAEWOULDBLOCK) {
                return 0;
            }
            if (r < 0) {
                throw failure("sendto", r);
            }
            return r;
        } finally {
            writeLock.unlock();
        }
    }

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
            if (remote == null) {
                throw new NotYetConnectedException();
            }
            int r = recv(dsts, offset, length, null);
            if (r == -WsaError.WSAEWOULDBLOCK) {
                return 0;
            }
            if (r < 0) {
                throw failure("recv", r);
            }
            return r;
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
            if (remote == null) {
                throw new NotYetConnectedException();
            }
            int r = send(srcs, offset, length, null);
            if (r == -WsaError.WSAEWOULDBLOCK) {
                return 0;
            }
            if (r < 0) {
                throw failure("send", r);
            }
            return r;
        } finally {
            writeLock.unlock();
        }
    }

    /** One receive in the channel's mode: a count or the negated error (a close by another thread throws). */
    private int recv(ByteBuffer[] dsts, int offset, int length, Ref<SockAddr> from) throws IOException {
        boolean blocking = isBlocking();
        int r = 0;
        boolean done = false;
        try {
            if (blocking) {
                begin();
            }
            r = Io.recv(ws, handle, dsts, offset, length, from);
            done = r >= 0 || !Io.closedError(-r);
        } finally {
            if (blocking) {
                end(done);
            }
        }
        return r;
    }

    private int send(ByteBuffer[] srcs, int offset, int length, SockAddr to) throws IOException {
        boolean blocking = isBlocking();
        int r = 0;
        boolean done = false;
        try {
            if (blocking) {
                begin();
            }
            r = Io.send(ws, handle, srcs, offset, length, to);
            done = r >= 0 || !Io.closedError(-r);
        } finally {
            if (blocking) {
                end(done);
            }
        }
        return r;
    }

    private IOException failure(String call, int r) {
        if (Io.closedError(-r)) {
            return Io.closed(this);
        }
        if (r == -WsaError.WSAECONNRESET && remote != null) {
            PortUnreachableException e = new PortUnreachableException("ICMP Port Unreachable");
            e.initCause(Io.exception(call, -r));
            return e;
        }
        return Io.exception(call, -r);
    }

    // ------------------------------------------------------------------ addresses, options

    @Override
    public SocketAddress getLocalAddress() throws IOException {
        ensureOpen();
        return Io.localAddress(ws, handle);
    }

    @Override
    public SocketAddress getRemoteAddress() throws IOException {
        ensureOpen();
        return remote;
    }

    /** Not offered: the java.net.DatagramSocket adaptor. */
    @Override
    public DatagramSocket socket() {
        throw new UnsupportedOperationException("DatagramChannel.socket() is not offered over Winsock");
    }

    /** Not offered: the providers take no IP_ADD_MEMBERSHIP. */
    @Override
    public MembershipKey join(InetAddress group, NetworkInterface interf) {
        throw new UnsupportedOperationException("multicast membership is not offered over Winsock");
    }

    /** Not offered: the providers take no IP_ADD_SOURCE_MEMBERSHIP. */
    @Override
    public MembershipKey join(InetAddress group, NetworkInterface interf, InetAddress source) {
        throw new UnsupportedOperationException("multicast membership is not offered over Winsock");
    }

    @Override
    public <T> DatagramChannel setOption(SocketOption<T> name, T value) throws IOException {
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
                return Options.DATAGRAM;
            }
            o = Options.probe(ws, handle, Options.DATAGRAM);
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
        if (write && (interest & SelectionKey.OP_WRITE) != 0) {
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

    @Override
    protected void implCloseSelectableChannel() throws IOException {
        Io.close(ws, handle);
    }

    @Override
    public String toString() {
        return "WsDatagramChannel[" + (isOpen() ? Io.localAddress(ws, handle) : "closed") + "]";
    }
}
