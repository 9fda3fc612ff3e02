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
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.MembershipKey;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.SelectionKey;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;

/**
 * A {@link DatagramChannel} over one Winsock datagram socket: send is sendto (send when
 * connected), receive is recvfrom, a datagram larger than the buffer is cut (the rest lost, as
 * the JDK does). An unbound channel is bound to the wildcard address before its first receive.
 * On a connected channel an ICMP port unreachable for an earlier datagram fails the next receive
 * (Winsock's WSAECONNRESET) with PortUnreachableException, as the JDK reports it.
 */
final class WsDatagramChannel extends DatagramChannel implements WsChannel {
    private final ChannelSocket sock;
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    private volatile InetSocketAddress remote;

    WsDatagramChannel(WinsockSelectorProvider provider, ProtocolFamily family) throws IOException {
        super(provider);
        Winsock ws = provider.winsock();
        int af = Io.af(family);
        this.sock = new ChannelSocket(this, ws, af, Io.open(ws, family, Wsa.SOCK_DGRAM, Wsa.IPPROTO_UDP),
                Options.DATAGRAM);
    }

    @Override
    public ChannelSocket channelSocket() {
        return sock;
    }

    // ------------------------------------------------------------------ bind, connect

    @Override
    public DatagramChannel bind(SocketAddress local) throws IOException {
        synchronized (sock.stateLock) {
            sock.ensureOpen();
            if (sock.boundAddress() != null) {
                throw new AlreadyBoundException();
            }
            sock.bind(sock.bindAddress(local));
        }
        return this;
    }

    private void bindIfUnbound() throws IOException {
        synchronized (sock.stateLock) {
            if (sock.boundAddress() == null) {
                sock.bind(sock.bindAddress(null));
            }
        }
    }

    @Override
    public DatagramChannel connect(SocketAddress remoteAddress) throws IOException {
        readLock.lock();
        writeLock.lock();
        try {
            synchronized (sock.stateLock) {
                sock.ensureOpen();
                if (remote != null) {
                    throw new AlreadyConnectedException();
                }
                InetSocketAddress isa = Io.connectTarget(Io.check(remoteAddress, sock.af), sock.af);
                associate(SockAddr.inet(isa));
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
            synchronized (sock.stateLock) {
                if (!isOpen() || remote == null) {
                    return this;
                }
                associate(SockAddr.any(sock.af));
                remote = null;
            }
        } finally {
            writeLock.unlock();
            readLock.unlock();
        }
        return this;
    }

    /** connect: the peer datagrams go to and come from (the all-zero address: none). */
    private void associate(SockAddr peer) throws IOException {
        if (sock.ws.connect(sock.handle, peer) == Wsa.SOCKET_ERROR) {
            throw Io.exception("connect", sock.ws.WSAGetLastError());
        }
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
            sock.ensureOpen();
            bindIfUnbound();
            Ref<SockAddr> from = new Ref<>();
            int r = call(() -> Io.recv(sock.ws, sock.handle, new ByteBuffer[] {dst}, 0, 1, from));
            if (r == -WsaError.WSAEWOULDBLOCK) {
                return null;   // non-blocking and no datagram waiting (0 would be an empty datagram)
            }
            transferred("recvfrom", r);
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
            sock.ensureOpen();
            InetSocketAddress isa = Io.check(target, sock.af);
            InetSocketAddress peer = remote;
            if (peer != null && !isa.equals(peer)) {
                throw new AlreadyConnectedException();
            }
            SockAddr to = peer != null ? null : SockAddr.inet(isa);
            return transferred("sendto", call(() -> Io.send(sock.ws, sock.handle, new ByteBuffer[] {src}, 0, 1, to)));
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
        return connectedTransfer(readLock, "recv", () -> Io.recv(sock.ws, sock.handle, dsts, offset, length, null));
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return (int) write(new ByteBuffer[] {Objects.requireNonNull(src)}, 0, 1);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        return connectedTransfer(writeLock, "send", () -> Io.send(sock.ws, sock.handle, srcs, offset, length, null));
    }

    /** read or write: one datagram to or from the connected peer, under {@code lock}. */
    private int connectedTransfer(ReentrantLock lock, String call, IntSupplier transfer) throws IOException {
        lock.lock();
        try {
            sock.ensureOpen();
            if (remote == null) {
                throw new NotYetConnectedException();
            }
            return transferred(call, call(transfer));
        } finally {
            lock.unlock();
        }
    }

    /** One call, interruptible in blocking mode (see {@link ChannelSocket#call}). */
    private int call(IntSupplier call) throws AsynchronousCloseException {
        return sock.call(this::begin, this::end, call);
    }

    /** A transfer's outcome: the count, 0 when it would block (non-blocking), or the exception. */
    private int transferred(String call, int r) throws IOException {
        if (r == -WsaError.WSAEWOULDBLOCK) {
            return 0;
        }
        if (r < 0) {
            throw failure(call, r);
        }
        return r;
    }

    /** Io.failure, but an ICMP port unreachable on a connected channel is the JDK's PortUnreachableException. */
    private IOException failure(String call, int r) {
        if (r == -WsaError.WSAECONNRESET && remote != null) {
            PortUnreachableException e = new PortUnreachableException("ICMP Port Unreachable");
            e.initCause(Io.exception(call, -r));
            return e;
        }
        return Io.failure(this, call, -r);
    }

    // ------------------------------------------------------------------ addresses, options

    @Override
    public SocketAddress getLocalAddress() throws IOException {
        return sock.localAddress();
    }

    @Override
    public SocketAddress getRemoteAddress() throws IOException {
        sock.ensureOpen();
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
        return WsChannel.readyIf(read, interest, SelectionKey.OP_READ)
                | WsChannel.readyIf(write, interest, SelectionKey.OP_WRITE);
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
        return "WsDatagramChannel[" + (isOpen() ? sock.boundAddress() : "closed") + "]";
    }
}
