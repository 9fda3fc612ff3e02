package org.sockstack.spi.host;

import org.sockstack.spi.provider.NetStreamSocket;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.TcpInfoV0;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * A TCP socket of the host: a non-blocking {@link SocketChannel} (or, once listening, a
 * {@link ServerSocketChannel} bound to the same address). The poller reads arriving data into a
 * bounded receive buffer (and stops reading when it is full, so the kernel's window closes),
 * completes connects, and reports acceptable and writable states; callers write directly.
 *
 * <p>Out-of-band data, as far as the JDK goes: send(MSG_OOB) writes all but the last octet
 * normally and the last with {@link java.net.Socket#sendUrgentData} (TCP urgent data; the JDK
 * sends one urgent octet per call). The JDK receives urgent data only in line: with SO_OOBINLINE
 * ({@link java.net.Socket#setOOBInline}) the octet arrives in the stream; without it the kernel
 * keeps it out of band and the JDK has no call to read it, so it is lost to the application.
 * Hence recv(MSG_OOB) answers WSAEINVAL with SO_OOBINLINE (as Windows) and WSAEOPNOTSUPP without
 * it, FD_OOB and select's except set never report urgent data, and SIOCATMARK always answers TRUE.
 */
final class HostTcpSocket implements NetStreamSocket, PollerClient {
    private static final int RECEIVE_BUFFER = 256 * 1024;
    /** The hop limit reported for IPV6_UNICAST_HOPS until set: the stack's default, 64. */
    static final int DEFAULT_HOPS = 64;

    private final HostBackend backend;
    private final ProtocolFamily family;
    /** Replaced by a fresh channel when the socket connects again after a failed connect. */
    private volatile SocketChannel channel;
    private ServerSocketChannel server;
    /** The address an explicit bind gave (kept for a new channel after a failed connect), or null. */
    private InetSocketAddress explicitBind;
    /** Every option applied to the channel, in order, to set again on a new channel: (level, name) -> value. */
    private final java.util.Map<Long, Integer> applied = new java.util.LinkedHashMap<>();
    private final ByteBuffer received = ByteBuffer.allocate(RECEIVE_BUFFER);
    private boolean connected;
    private boolean connecting;
    private boolean eof;
    private boolean acceptable;
    private boolean writeBlocked;
    private int pendingError;
    private boolean reuseAddress;
    private int ttl = 64;
    /** IPV6_UNICAST_HOPS, remembered like IP_TTL (the JDK has no such option). */
    private int hops = -1;
    /**
     * IPV6_V6ONLY of an AF_INET6 socket (Windows' default: on). The JDK's IPv6 channels are
     * dual-stack on Linux and have no such option: with it on, IPv4 peers are turned away here.
     */
    private volatile boolean v6only = true;
    /** SO_OOBINLINE, kept for a listener's accepted sockets (the listening channel is another one). */
    private volatile boolean oobInline;
    private volatile boolean registered;
    private volatile int readiness;
    private volatile Runnable listener = () -> { };
    /** SIO_TCP_INFO: octets the channel took and gave, and when the connection was made (System.nanoTime). */
    private final java.util.concurrent.atomic.AtomicLong bytesOut = new java.util.concurrent.atomic.AtomicLong();
    private long bytesIn;
    private long connectedAt;

    HostTcpSocket(HostBackend backend, ProtocolFamily family, SocketChannel channel, boolean connected) {
        this.backend = backend;
        this.family = family;
        this.channel = channel;
        this.connected = connected;
        this.connectedAt = System.nanoTime();
        refresh();
    }

    @Override
    public void setListener(Runnable l) {
        this.listener = l;
    }

    @Override
    public int readiness() {
        return readiness;
    }

    private void refresh() {
        int r = 0;
        synchronized (this) {
            if (received.position() > 0) {
                r |= READABLE;
            }
            if (connected) {
                r |= CONNECTED;
                if (!writeBlocked) {
                    r |= WRITABLE;
                }
            }
            if (eof) {
                r |= PEER_CLOSED;
            }
            if (acceptable) {
                r |= ACCEPTABLE;
            }
            if (pendingError != 0) {
                r |= ERROR;
            }
        }
        readiness = r;
    }

    private void changed() {
        refresh();
        listener.run();
    }

    /** Starts serving the channel on the poller with these interests. */
    private void register(java.nio.channels.SelectableChannel ch, int ops) {
        registered = true;
        backend.register(ch, ops, this);
    }

    // ------------------------------------------------------------------ poller thread

    @Override
    public void onReady(SelectionKey key, ByteBuffer scratch) {
        if (!key.isValid()) {
            return;
        }
        if (key.isAcceptable()) {
            synchronized (this) {
                acceptable = true;
            }
            key.interestOps(0);
        }
        if (key.isConnectable()) {
            finishConnect(key);
        }
        if (key.isValid() && key.isReadable()) {
            fill(key);
        }
        if (key.isValid() && key.isWritable()) {
            synchronized (this) {
                writeBlocked = false;
            }
            key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
        }
        changed();
    }

    private void finishConnect(SelectionKey key) {
        try {
            if (channel.finishConnect()) {
                synchronized (this) {
                    connecting = false;
                    connected = true;
                    connectedAt = System.nanoTime();
                }
                key.interestOps(SelectionKey.OP_READ);
            }
        } catch (IOException e) {
            synchronized (this) {
                connecting = false;
                pendingError = e instanceof ConnectException ? connectError(e) : HostErrors.of(e);
            }
            // A failed connect closes the channel (and cancels the key).
            if (key.isValid()) {
                key.interestOps(0);
            }
        }
    }

    private static int connectError(IOException e) {
        String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(java.util.Locale.ROOT);
        if (m.contains("timed out")) {
            return WsaError.WSAETIMEDOUT;
        }
        if (m.contains("unreachable")) {
            return WsaError.WSAENETUNREACH;
        }
        return WsaError.WSAECONNREFUSED;
    }

    private void fill(SelectionKey key) {
        synchronized (this) {
            try {
                while (received.hasRemaining()) {
                    int n = channel.read(received);
                    if (n < 0) {
                        eof = true;
                        break;
                    }
                    if (n == 0) {
                        break;
                    }
                    bytesIn += n;
                }
            } catch (IOException e) {
                pendingError = HostErrors.of(e) == WsaError.WSAENETDOWN ? WsaError.WSAECONNRESET : HostErrors.of(e);
                eof = true;
            }
            if (key.isValid() && (eof || !received.hasRemaining())) {
                // Full: stop reading until the application takes data (the kernel window closes).
                key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
            }
        }
    }

    // ------------------------------------------------------------------ calls

    @Override
    public int bind(InetSocketAddress local) {
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, reuseAddress);
            channel.bind(local);
            explicitBind = (InetSocketAddress) channel.getLocalAddress(); // the port, if 0 asked for one
            return 0;
        } catch (IOException | RuntimeException e) {
            return HostErrors.of(e);
        }
    }

    @Override
    public int listen(int backlog) {
        try {
            InetSocketAddress local = (InetSocketAddress) channel.getLocalAddress();
            ServerSocketChannel ssc = ServerSocketChannel.open(family);
            ssc.configureBlocking(false);
            ssc.setOption(StandardSocketOptions.SO_REUSEADDR, reuseAddress);
            // The bound stream channel only held the address; the listening channel takes it over.
            channel.close();
            ssc.bind(local, backlog);
            synchronized (this) {
                server = ssc;
            }
            register(ssc, SelectionKey.OP_ACCEPT);
            return 0;
        } catch (IOException | RuntimeException e) {
            return HostErrors.of(e);
        }
    }

    @Override
    public NetStreamSocket accept(IntRef errno) {
        ServerSocketChannel ssc;
        synchronized (this) {
            ssc = server;
            acceptable = false;
        }
        try {
            SocketChannel child = ssc.accept();
            backend.addInterest(ssc, SelectionKey.OP_ACCEPT);
            refresh();
            if (child == null) {
                errno.value = WsaError.WSAEWOULDBLOCK;
                return null;
            }
            if (family == java.net.StandardProtocolFamily.INET6 && v6only
                    && ((InetSocketAddress) child.getRemoteAddress()).getAddress() instanceof java.net.Inet4Address) {
                // IPV6_V6ONLY is on: an IPv4 peer of the dual-stack JDK socket is turned away
                // (reset), as Windows would never have let it in.
                child.setOption(StandardSocketOptions.SO_LINGER, 0);
                child.close();
                errno.value = WsaError.WSAEWOULDBLOCK;
                return null;
            }
            child.configureBlocking(false);
            if (oobInline) {
                child.socket().setOOBInline(true);   // accepted sockets inherit the listener's options
            }
            HostTcpSocket s = new HostTcpSocket(backend, family, child, true);
            s.v6only = v6only;
            s.oobInline = oobInline;
            s.register(child, SelectionKey.OP_READ);
            return s;
        } catch (IOException | RuntimeException e) {
            errno.value = HostErrors.of(e);
            return null;
        }
    }

    @Override
    public int connect(InetSocketAddress peer) {
        if (!channel.isOpen() && server == null) {
            int e = reopen();
            if (e != 0) {
                return e;
            }
        }
        try {
            boolean now = channel.connect(peer);
            synchronized (this) {
                connected = now;
                connecting = !now;
                connectedAt = System.nanoTime();
            }
            register(channel, now ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT);
            refresh();
            return now ? 0 : WsaError.WSAEWOULDBLOCK;
        } catch (IOException e) {
            return e instanceof ConnectException ? connectError(e) : HostErrors.of(e);
        } catch (RuntimeException e) {
            return HostErrors.of(e);
        }
    }

    /**
     * Windows lets a stream socket whose connect failed (refused, unreachable, timed out) connect
     * again; the JDK closes a channel whose connect failed. So a new channel takes its place, with
     * the options set so far and, after an explicit bind, the same local address.
     */
    private int reopen() {
        SocketChannel old = channel;
        if (registered) {
            // Waits until the poller let go of the old socket, so its port is free again.
            backend.closeRegistered(old);
            registered = false;
        }
        try {
            SocketChannel ch = SocketChannel.open(family);
            ch.configureBlocking(false);
            synchronized (this) {
                channel = ch;
                connected = false;
                connecting = false;
                eof = false;
                writeBlocked = false;
                received.clear();
            }
            for (java.util.Map.Entry<Long, Integer> o : new java.util.ArrayList<>(applied.entrySet())) {
                setOption((int) (o.getKey() >>> 32), (int) (long) o.getKey(), o.getValue());
            }
            if (explicitBind != null) {
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, reuseAddress);
                ch.bind(explicitBind);
            }
            refresh();
            return 0;
        } catch (IOException | RuntimeException e) {
            return HostErrors.of(e);
        }
    }

    @Override
    public synchronized int takeError() {
        int e = pendingError;
        pendingError = 0;
        refresh();
        return e;
    }

    @Override
    public int send(ByteBuffer[] data, IntRef written) {
        try {
            long n = channel.write(data);
            written.value = (int) n;
            bytesOut.addAndGet(n);
            if (n == 0 && hasRemaining(data)) {
                synchronized (this) {
                    writeBlocked = true;
                }
                refresh();
                backend.addInterest(channel, SelectionKey.OP_WRITE);
                return WsaError.WSAEWOULDBLOCK;
            }
            return 0;
        } catch (IOException | RuntimeException e) {
            int code = HostErrors.of(e);
            return code == WsaError.WSAENETDOWN ? WsaError.WSAECONNRESET : code;
        }
    }

    /**
     * MSG_OOB: all but the last octet through the channel, then the last as urgent data. A full
     * send buffer before the last octet answers the count so far (the provider sends the rest).
     */
    @Override
    public int sendUrgent(byte[] data, IntRef written) {
        written.value = 0;
        if (data.length == 0) {
            return 0;
        }
        if (data.length > 1) {
            int e = send(new ByteBuffer[] {ByteBuffer.wrap(data, 0, data.length - 1)}, written);
            if (e != 0 || written.value < data.length - 1) {
                return e;
            }
        }
        try {
            channel.socket().sendUrgentData(data[data.length - 1]);
            written.value = data.length;
            return 0;
        } catch (java.net.SocketException e) {
            if (written.value > 0) {
                return 0;
            }
            if ("Socket buffer full".equals(e.getMessage())) {
                synchronized (this) {
                    writeBlocked = true;
                }
                refresh();
                backend.addInterest(channel, SelectionKey.OP_WRITE);
                return WsaError.WSAEWOULDBLOCK;
            }
            int code = HostErrors.of(e);
            return code == WsaError.WSAENETDOWN ? WsaError.WSAECONNRESET : code;
        } catch (IOException | RuntimeException e) {
            int code = HostErrors.of(e);
            return code == WsaError.WSAENETDOWN ? WsaError.WSAECONNRESET : code;
        }
    }

    /** The JDK cannot read urgent data out of band (see the class comment). */
    @Override
    public int receiveUrgent(IntRef octet, boolean peek) {
        return oobInline ? WsaError.WSAEINVAL : WsaError.WSAEOPNOTSUPP;
    }

    private static boolean hasRemaining(ByteBuffer[] data) {
        for (ByteBuffer b : data) {
            if (b.hasRemaining()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int receive(ByteBuffer[] into, IntRef read, boolean peek) {
        boolean resume;
        synchronized (this) {
            if (pendingError != 0 && received.position() == 0) {
                int e = pendingError;
                pendingError = 0;
                refresh();
                return e;
            }
            if (received.position() == 0) {
                if (eof) {
                    read.value = 0;
                    return 0;
                }
                return WsaError.WSAEWOULDBLOCK;
            }
            received.flip();
            int start = received.position();
            int n = 0;
            for (ByteBuffer b : into) {
                int k = Math.min(b.remaining(), received.remaining());
                b.put(b.position(), received, received.position(), k);
                b.position(b.position() + k);
                received.position(received.position() + k);
                n += k;
            }
            if (peek) {
                received.position(start);
            }
            received.compact();
            read.value = n;
            resume = !eof && !peek;
        }
        refresh();
        if (resume) {
            backend.addInterest(channel, SelectionKey.OP_READ);
        }
        return 0;
    }

    /**
     * {@link Wsa#SIO_TCP_INFO}: the JDK shows nothing of the kernel's TCP (no TCP_INFO), so a
     * TCP_INFO_v0 holds only what this provider knows: the state (LISTEN, SYN_SENT, ESTABLISHED,
     * CLOSE_WAIT after the peer's FIN), the connection's age, and the octets it sent and
     * received. Every other field is 0. WSAENOTCONN on a socket neither connected nor listening.
     */
    @Override
    public int control(int code, byte[] in, byte[] out, IntRef bytesReturned) {
        if (code != Wsa.SIO_TCP_INFO) {
            return WsaError.WSAEINVAL;
        }
        int e = TcpInfoV0.checkRequest(in, out);
        if (e != 0) {
            return e;
        }
        int state;
        long ageMs = 0;
        long octetsIn;
        synchronized (this) {
            if (server != null) {
                state = 1; // TCPSTATE_LISTEN
            } else if (connecting) {
                state = 2; // TCPSTATE_SYN_SENT
            } else if (connected) {
                state = eof ? 7 : TcpInfoV0.TCPSTATE_ESTABLISHED; // CLOSE_WAIT after the peer's FIN
                ageMs = (System.nanoTime() - connectedAt) / 1_000_000L;
            } else {
                return WsaError.WSAENOTCONN;
            }
            octetsIn = bytesIn;
        }
        new TcpInfoV0(state, 0, ageMs, false, 0, 0, 0, 0, 0, 0, 0, bytesOut.get(), octetsIn, 0, 0, 0, 0, 0, 0).encode(out);
        bytesReturned.value = TcpInfoV0.LENGTH;
        return 0;
    }

    @Override
    public int shutdown(int how) {
        try {
            if (how != Wsa.SD_RECEIVE) {
                channel.shutdownOutput();
            }
            return 0;
        } catch (IOException | RuntimeException e) {
            return HostErrors.of(e);
        }
    }

    @Override
    public void close() {
        close(false);
    }

    @Override
    public void close(boolean abortive) {
        ServerSocketChannel ssc;
        synchronized (this) {
            ssc = server;
        }
        try {
            if (abortive && channel.isOpen()) {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            }
        } catch (IOException | RuntimeException ignored) {
            // closing anyway
        }
        if (ssc != null) {
            backend.closeRegistered(ssc);
        }
        if (registered) {
            backend.closeRegistered(channel);
        } else {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    @Override
    public synchronized int queuedBytes() {
        return received.position();
    }

    @Override
    public InetSocketAddress localAddress() {
        try {
            ServerSocketChannel ssc;
            synchronized (this) {
                ssc = server;
            }
            if (ssc == null && !channel.isOpen()) {
                // A failed connect closed the channel: the socket keeps its explicit bind.
                return forFamily(explicitBind);
            }
            return forFamily((InetSocketAddress) (ssc != null ? ssc.getLocalAddress() : channel.getLocalAddress()));
        } catch (IOException e) {
            return null;
        }
    }

    /** An IPv4 address of the (dual-stack) AF_INET6 socket reads as ::ffff:a.b.c.d. */
    private InetSocketAddress forFamily(InetSocketAddress a) {
        return family == java.net.StandardProtocolFamily.INET6 ? org.sockstack.spi.provider.DualStack.mapped(a) : a;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        try {
            return connected ? forFamily((InetSocketAddress) channel.getRemoteAddress()) : null;
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public int setOption(int level, int name, int value) {
        int e = applyOption(level, name, value);
        if (e == 0) {
            applied.put((long) level << 32 | (name & 0xFFFFFFFFL), value);
        }
        return e;
    }

    private int applyOption(int level, int name, int value) {
        try {
            if (level == Wsa.SOL_SOCKET) {
                switch (name) {
                    case Wsa.SO_REUSEADDR -> {
                        // Kept for the bind; set at once as well, for a bound socket whose port
                        // the provider lets another socket share (its AddressSharing rules).
                        reuseAddress = value != 0;
                        if (channel.isOpen()) {
                            channel.setOption(StandardSocketOptions.SO_REUSEADDR, reuseAddress);
                        }
                    }
                    case Wsa.SO_RCVBUF -> channel.setOption(StandardSocketOptions.SO_RCVBUF, Math.max(1, value));
                    case Wsa.SO_SNDBUF -> channel.setOption(StandardSocketOptions.SO_SNDBUF, Math.max(1, value));
                    case Wsa.SO_KEEPALIVE -> channel.setOption(StandardSocketOptions.SO_KEEPALIVE, value != 0);
                    case Wsa.SO_OOBINLINE -> {
                        oobInline = value != 0;
                        if (channel.isOpen()) {
                            channel.socket().setOOBInline(oobInline);
                        }
                    }
                    default -> {
                        return WsaError.WSAENOPROTOOPT;
                    }
                }
                return 0;
            }
            if (level == Wsa.IPPROTO_TCP && name == Wsa.TCP_NODELAY) {
                channel.setOption(StandardSocketOptions.TCP_NODELAY, value != 0);
                return 0;
            }
            if (level == Wsa.IPPROTO_TCP && (name == Wsa.TCP_KEEPIDLE || name == Wsa.TCP_KEEPINTVL)) {
                // Milliseconds from the provider; the kernel (and the JDK) count whole seconds.
                int seconds = Math.max(1, (value + 999) / 1000);
                channel.setOption(name == Wsa.TCP_KEEPIDLE ? jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE
                        : jdk.net.ExtendedSocketOptions.TCP_KEEPINTERVAL, seconds);
                return 0;
            }
            if (level == Wsa.IPPROTO_TCP && name == Wsa.TCP_KEEPCNT) {
                channel.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPCOUNT, value);
                return 0;
            }
            if (level == Wsa.IPPROTO_TCP && name == Wsa.TCP_MAXRT) {
                // The JDK has no TCP_USER_TIMEOUT: the value is only remembered by the provider.
                return 0;
            }
            if (level == Wsa.IPPROTO_IP && name == Wsa.IP_TOS) {
                channel.setOption(StandardSocketOptions.IP_TOS, value & 0xFF);
                return 0;
            }
            if (level == Wsa.IPPROTO_IP && name == Wsa.IP_TTL) {
                if (value < 0 || value > 255) {
                    return WsaError.WSAEINVAL;
                }
                ttl = value;
                return 0;
            }
            if (level == Wsa.IPPROTO_IPV6 && name == Wsa.IPV6_UNICAST_HOPS) {
                hops = value;
                return 0;
            }
            if (level == Wsa.IPPROTO_IPV6 && name == Wsa.IPV6_V6ONLY
                    && family == java.net.StandardProtocolFamily.INET6) {
                v6only = value != 0;
                return 0;
            }
        } catch (IOException | RuntimeException e) {
            return HostErrors.of(e);
        }
        return WsaError.WSAENOPROTOOPT;
    }

    @Override
    public int getOption(int level, int name, IntRef value) {
        try {
            if (level == Wsa.SOL_SOCKET) {
                switch (name) {
                    case Wsa.SO_REUSEADDR -> value.value = reuseAddress ? 1 : 0;
                    case Wsa.SO_RCVBUF -> value.value = channel.getOption(StandardSocketOptions.SO_RCVBUF);
                    case Wsa.SO_SNDBUF -> value.value = channel.getOption(StandardSocketOptions.SO_SNDBUF);
                    case Wsa.SO_KEEPALIVE -> value.value = channel.getOption(StandardSocketOptions.SO_KEEPALIVE) ? 1 : 0;
                    case Wsa.SO_OOBINLINE -> value.value = oobInline ? 1 : 0;
                    default -> {
                        return WsaError.WSAENOPROTOOPT;
                    }
                }
                return 0;
            }
            if (level == Wsa.IPPROTO_TCP && name == Wsa.TCP_NODELAY) {
                value.value = channel.getOption(StandardSocketOptions.TCP_NODELAY) ? 1 : 0;
                return 0;
            }
            if (level == Wsa.IPPROTO_IP && name == Wsa.IP_TOS) {
                value.value = channel.getOption(StandardSocketOptions.IP_TOS);
                return 0;
            }
            if (level == Wsa.IPPROTO_IP && name == Wsa.IP_TTL) {
                value.value = ttl;
                return 0;
            }
            if (level == Wsa.IPPROTO_IPV6 && name == Wsa.IPV6_UNICAST_HOPS) {
                value.value = hops >= 0 ? hops : DEFAULT_HOPS;
                return 0;
            }
        } catch (IOException | RuntimeException e) {
            return HostErrors.of(e);
        }
        return WsaError.WSAENOPROTOOPT;
    }
}
