package org.sockstack.api.nio;

import org.sockstack.api.Winsock;
import org.sockstack.spi.wsa.SockAddr;
import org.sockstack.spi.wsa.Wsa;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * The Winsock socket under one channel and what every channel kind does with it the same way:
 * bind, local address, options, blocking mode, close, and one call made interruptible. The JDK
 * gives each kind its own abstract superclass (SocketChannel, ServerSocketChannel,
 * DatagramChannel), so the channels share this by holding one rather than by inheritance.
 */
final class ChannelSocket {
    final Winsock ws;
    final long handle;
    /** The address family (AF_INET, AF_INET6) every address given to the channel must have. */
    final int af;
    /** Held while the socket's state changes (bind, connect, shutdown, options), never while waiting. */
    final Object stateLock = new Object();
    private final SelectableChannel owner;
    /** The options this kind of channel offers, before asking the provider. */
    private final Set<SocketOption<?>> candidates;
    /** The options the provider knows, found on first use. */
    private volatile Set<SocketOption<?>> options;

    ChannelSocket(SelectableChannel owner, Winsock ws, int af, long handle, Set<SocketOption<?>> candidates) {
        this.owner = owner;
        this.ws = ws;
        this.af = af;
        this.handle = handle;
        this.candidates = candidates;
    }

    void ensureOpen() throws ClosedChannelException {
        if (!owner.isOpen()) {
            throw new ClosedChannelException();
        }
    }

    // ------------------------------------------------------------------ addresses

    /** The address bind(local) binds to: the wildcard address for null, as the JDK does. */
    InetSocketAddress bindAddress(SocketAddress local) {
        return local == null ? Io.any(af) : Io.check(local, af);
    }

    void bind(InetSocketAddress a) throws IOException {
        if (ws.bind(handle, SockAddr.inet(a)) == Wsa.SOCKET_ERROR) {
            throw Io.exception("bind", ws.WSAGetLastError());
        }
    }

    /** getsockname: null while unbound (works on a closed channel too, for toString). */
    InetSocketAddress boundAddress() {
        return Io.localAddress(ws, handle);
    }

    /** getLocalAddress of the channel: ClosedChannelException once closed. */
    SocketAddress localAddress() throws ClosedChannelException {
        ensureOpen();
        return boundAddress();
    }

    // ------------------------------------------------------------------ options

    <T> void setOption(SocketOption<T> name, T value) throws IOException {
        Options.validate(supportedOptions(), name, value);
        synchronized (stateLock) {
            ensureOpen();
            Options.set(ws, handle, name, value);
        }
    }

    <T> T getOption(SocketOption<T> name) throws IOException {
        if (!supportedOptions().contains(Objects.requireNonNull(name))) {
            throw new UnsupportedOperationException("'" + name + "' not supported");
        }
        synchronized (stateLock) {
            ensureOpen();
            return Options.get(ws, handle, name);
        }
    }

    /** The candidates the provider answers getsockopt for (all of them once closed: nothing to ask). */
    Set<SocketOption<?>> supportedOptions() {
        Set<SocketOption<?>> o = options;
        if (o == null) {
            if (!owner.isOpen()) {
                return candidates;
            }
            o = Options.probe(ws, handle, candidates);
            options = o;
        }
        return o;
    }

    // ------------------------------------------------------------------ mode, close, calls

    /** implConfigureBlocking: ioctlsocket FIONBIO (blocking also ends any event selection). */
    void configureBlocking(boolean block) throws IOException {
        int r = block ? Io.makeBlocking(ws, handle) : Io.setNonBlocking(ws, handle, true);
        if (r != 0) {
            throw Io.exception("ioctlsocket", -r);
        }
    }

    /** implCloseSelectableChannel: closesocket (see {@link Io#close}). */
    void close() throws IOException {
        Io.close(ws, handle);
    }

    /** AbstractInterruptibleChannel's protected end(completed), handed over by the channel. */
    interface End {
        void end(boolean completed) throws AsynchronousCloseException;
    }

    /**
     * One Winsock call returning a count or a negated error. In blocking mode it runs between the
     * channel's begin() and end() (protected: the channel passes them in), so an interrupt or a
     * close by another thread ends the wait; the call counts as completed unless the error is one
     * such a close causes (then end() throws AsynchronousCloseException or
     * ClosedByInterruptException). A non-blocking call never waits and needs neither.
     */
    int call(Runnable begin, End end, IntSupplier call) throws AsynchronousCloseException {
        return call(owner.isBlocking(), begin, end, call);
    }

    /** {@link #call(Runnable, End, IntSupplier)} in the mode the caller read once already (its call depends on it). */
    int call(boolean blocking, Runnable begin, End end, IntSupplier call) throws AsynchronousCloseException {
        int r = 0;
        boolean done = false;
        try {
            if (blocking) {
                begin.run();
            }
            r = call.getAsInt();
            done = r >= 0 || !Io.closedError(-r);
        } finally {
            if (blocking) {
                end.end(done);
            }
        }
        return r;
    }
}
