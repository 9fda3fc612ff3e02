package org.sockstack.spi.host;

import org.sockstack.spi.provider.NetDatagramSocket;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayDeque;

/** A UDP socket of the host: a non-blocking {@link DatagramChannel} plus our own receive queue. */
final class HostUdpSocket implements NetDatagramSocket, PollerClient {
    private static final int DEFAULT_QUEUE_BYTES = 256 * 1024;

    private final HostBackend backend;
    private final DatagramChannel channel;
    /**
     * An AF_INET6 socket. The JDK's IPv6 channels are dual-stack on Linux and have no
     * IPV6_V6ONLY option; while IPV6_V6ONLY is on (Windows' default), IPv4 datagrams (which the
     * JDK shows from an Inet4Address) are dropped here. With it off (a dual-stack socket) they are
     * kept, their source shown as ::ffff:a.b.c.d.
     */
    private final boolean ipv6;
    private volatile boolean v6only = true;
    /** IPV6_UNICAST_HOPS: the JDK has no unicast hop-limit option, so it is only remembered. */
    private int hops = -1;
    private final ArrayDeque<Datagram> queue = new ArrayDeque<>();
    private int queuedBytes;
    private int queueLimit = DEFAULT_QUEUE_BYTES;
    private int pendingError;
    private volatile int readiness = WRITABLE;
    private volatile Runnable listener = () -> { };
    private volatile boolean registered;

    HostUdpSocket(HostBackend backend, DatagramChannel channel, boolean ipv6) {
        this.backend = backend;
        this.channel = channel;
        this.ipv6 = ipv6;
    }

    DatagramChannel channel() {
        return channel;
    }

    @Override
    public void setListener(Runnable listener) {
        this.listener = listener;
    }

    @Override
    public int readiness() {
        return readiness;
    }

    private void refresh() {
        int r = WRITABLE;
        synchronized (this) {
            if (!queue.isEmpty()) {
                r |= READABLE;
            }
            if (pendingError != 0) {
                r |= ERROR;
            }
        }
        readiness = r;
    }

    private void register() {
        if (!registered) {
            registered = true;
            backend.register(channel, java.nio.channels.SelectionKey.OP_READ, this);
        }
    }

    @Override
    public void onReady(java.nio.channels.SelectionKey key, ByteBuffer buf) {
        if (key.isReadable()) {
            drain(buf);
        }
    }

    /** Poller thread: reads every waiting datagram into the queue. */
    void drain(ByteBuffer buf) {
        boolean changed = false;
        while (true) {
            buf.clear();
            SocketAddress from;
            try {
                from = channel.receive(buf);
            } catch (PortUnreachableException e) {
                synchronized (this) {
                    pendingError = WsaError.WSAECONNRESET;
                }
                changed = true;
                continue;
            } catch (IOException e) {
                break;
            }
            if (from == null) {
                break;
            }
            if (ipv6 && v6only && ((InetSocketAddress) from).getAddress() instanceof java.net.Inet4Address) {
                continue; // IPV6_V6ONLY
            }
            buf.flip();
            Datagram d = new Datagram();
            d.data = new byte[buf.remaining()];
            buf.get(d.data);
            d.from = forFamily((InetSocketAddress) from);
            synchronized (this) {
                // Like a kernel: a datagram that does not fit the receive buffer is dropped.
                if (queuedBytes + d.data.length > queueLimit && !queue.isEmpty()) {
                    continue;
                }
                queue.addLast(d);
                queuedBytes += d.data.length;
            }
            changed = true;
        }
        if (changed) {
            refresh();
            listener.run();
        }
    }

    @Override
    public int bind(InetSocketAddress local) {
        try {
            channel.bind(local);
        } catch (IOException | RuntimeException e) {
            return HostErrors.of(e);
        }
        register();
        return 0;
    }

    @Override
    public int connect(InetSocketAddress peer) {
        try {
            if (peer == null) {
                if (channel.isConnected()) {
                    channel.disconnect();
                }
                return 0;
            }
            if (channel.isConnected()) {
                channel.disconnect();
            }
            channel.connect(peer);
        } catch (IOException | RuntimeException e) {
            return HostErrors.of(e);
        }
        synchronized (this) {
            // Only datagrams from the new peer count from now on.
            queue.removeIf(d -> !d.from.equals(peer));
            queuedBytes = queue.stream().mapToInt(d -> d.data.length).sum();
        }
        refresh();
        register();
        return 0;
    }

    @Override
    public int sendTo(byte[] data, InetSocketAddress dst) {
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                int n = channel.isConnected() ? channel.write(ByteBuffer.wrap(data))
                        : channel.send(ByteBuffer.wrap(data), dst);
                register();
                return n == 0 && data.length > 0 ? WsaError.WSAEWOULDBLOCK : 0;
            } catch (PortUnreachableException e) {
                // Linux reports an earlier ICMP error on the next send; Windows reports it on the
                // next receive. Keep it for the receive and send again.
                synchronized (this) {
                    pendingError = WsaError.WSAECONNRESET;
                }
                refresh();
            } catch (IOException | RuntimeException e) {
                return HostErrors.of(e);
            }
        }
        return 0;
    }

    @Override
    public int receive(Datagram out, boolean peek) {
        int e;
        synchronized (this) {
            if (pendingError != 0) {
                e = pendingError;
                pendingError = 0;
            } else {
                Datagram d = peek ? queue.peekFirst() : queue.pollFirst();
                if (d == null) {
                    return WsaError.WSAEWOULDBLOCK;
                }
                if (!peek) {
                    queuedBytes -= d.data.length;
                }
                out.data = d.data;
                out.from = d.from;
                e = 0;
            }
        }
        if (e == 0) {
            // The JDK does not tell a datagram's own destination (no IP_PKTINFO): the best known
            // answer is the bound address, and nothing for a socket bound to the wildcard.
            InetSocketAddress local = localAddress();
            out.to = local == null || local.getAddress().isAnyLocalAddress() ? null : local.getAddress();
            out.ifIndex = 0;
        }
        refresh();
        return e;
    }

    @Override
    public synchronized int queuedBytes() {
        return queuedBytes;
    }

    /** An IPv4 address of the (dual-stack) AF_INET6 socket reads as ::ffff:a.b.c.d. */
    private InetSocketAddress forFamily(InetSocketAddress a) {
        return ipv6 ? org.sockstack.spi.provider.DualStack.mapped(a) : a;
    }

    @Override
    public InetSocketAddress localAddress() {
        try {
            return forFamily((InetSocketAddress) channel.getLocalAddress());
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public InetSocketAddress remoteAddress() {
        try {
            return forFamily((InetSocketAddress) channel.getRemoteAddress());
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public int setOption(int level, int name, int value) {
        try {
            if (level == Wsa.SOL_SOCKET) {
                switch (name) {
                    case Wsa.SO_BROADCAST -> channel.setOption(StandardSocketOptions.SO_BROADCAST, value != 0);
                    case Wsa.SO_REUSEADDR -> channel.setOption(StandardSocketOptions.SO_REUSEADDR, value != 0);
                    case Wsa.SO_RCVBUF -> {
                        if (value < 1) {
                            return WsaError.WSAEINVAL;
                        }
                        channel.setOption(StandardSocketOptions.SO_RCVBUF, value);
                        synchronized (this) {
                            queueLimit = value;
                        }
                    }
                    case Wsa.SO_SNDBUF -> channel.setOption(StandardSocketOptions.SO_SNDBUF, Math.max(1, value));
                    default -> {
                        return WsaError.WSAENOPROTOOPT;
                    }
                }
                return 0;
            }
            if (level == Wsa.IPPROTO_IP) {
                switch (name) {
                    case Wsa.IP_TTL -> {
                        if (value < 0 || value > 255) {
                            return WsaError.WSAEINVAL;
                        }
                        ttl = value;
                        // The JDK has no unicast TTL option for datagram channels; keep the value.
                    }
                    case Wsa.IP_TOS -> channel.setOption(StandardSocketOptions.IP_TOS, value & 0xFF);
                    case Wsa.IP_DONTFRAGMENT -> channel.setOption(jdk.net.ExtendedSocketOptions.IP_DONTFRAGMENT,
                            value != 0);
                    case Wsa.IP_MULTICAST_TTL -> {
                        if (value < 0 || value > 255) {
                            return WsaError.WSAEINVAL;
                        }
                        channel.setOption(StandardSocketOptions.IP_MULTICAST_TTL, value);
                    }
                    case Wsa.IP_MULTICAST_LOOP -> channel.setOption(StandardSocketOptions.IP_MULTICAST_LOOP,
                            value != 0);
                    default -> {
                        return WsaError.WSAENOPROTOOPT;
                    }
                }
                return 0;
            }
            if (level == Wsa.IPPROTO_IPV6) {
                // The JDK's multicast options set the IPv6 ones on an IPv6 channel.
                switch (name) {
                    case Wsa.IPV6_UNICAST_HOPS -> hops = value;
                    case Wsa.IPV6_V6ONLY -> v6only = value != 0;
                    case Wsa.IPV6_MULTICAST_HOPS -> channel.setOption(StandardSocketOptions.IP_MULTICAST_TTL,
                            value < 0 ? 1 : value);
                    case Wsa.IPV6_MULTICAST_LOOP -> channel.setOption(StandardSocketOptions.IP_MULTICAST_LOOP,
                            value != 0);
                    default -> {
                        return WsaError.WSAENOPROTOOPT;
                    }
                }
                return 0;
            }
        } catch (IOException | RuntimeException e) {
            return HostErrors.of(e);
        }
        return WsaError.WSAENOPROTOOPT;
    }

    private int ttl = 64;

    @Override
    public int getOption(int level, int name, IntRef value) {
        try {
            if (level == Wsa.SOL_SOCKET) {
                switch (name) {
                    case Wsa.SO_BROADCAST -> value.value = channel.getOption(StandardSocketOptions.SO_BROADCAST) ? 1 : 0;
                    case Wsa.SO_REUSEADDR -> value.value = channel.getOption(StandardSocketOptions.SO_REUSEADDR) ? 1 : 0;
                    case Wsa.SO_RCVBUF -> value.value = queueLimitValue();
                    case Wsa.SO_SNDBUF -> value.value = channel.getOption(StandardSocketOptions.SO_SNDBUF);
                    default -> {
                        return WsaError.WSAENOPROTOOPT;
                    }
                }
                return 0;
            }
            if (level == Wsa.IPPROTO_IP) {
                switch (name) {
                    case Wsa.IP_TTL -> value.value = ttl;
                    case Wsa.IP_TOS -> value.value = channel.getOption(StandardSocketOptions.IP_TOS);
                    case Wsa.IP_DONTFRAGMENT -> value.value =
                            channel.getOption(jdk.net.ExtendedSocketOptions.IP_DONTFRAGMENT) ? 1 : 0;
                    case Wsa.IP_MULTICAST_TTL -> value.value = channel.getOption(StandardSocketOptions.IP_MULTICAST_TTL);
                    case Wsa.IP_MULTICAST_LOOP -> value.value =
                            channel.getOption(StandardSocketOptions.IP_MULTICAST_LOOP) ? 1 : 0;
                    default -> {
                        return WsaError.WSAENOPROTOOPT;
                    }
                }
                return 0;
            }
            if (level == Wsa.IPPROTO_IPV6) {
                switch (name) {
                    case Wsa.IPV6_UNICAST_HOPS -> value.value = hops >= 0 ? hops : HostTcpSocket.DEFAULT_HOPS;
                    case Wsa.IPV6_MULTICAST_HOPS -> value.value =
                            channel.getOption(StandardSocketOptions.IP_MULTICAST_TTL);
                    case Wsa.IPV6_MULTICAST_LOOP -> value.value =
                            channel.getOption(StandardSocketOptions.IP_MULTICAST_LOOP) ? 1 : 0;
                    default -> {
                        return WsaError.WSAENOPROTOOPT;
                    }
                }
                return 0;
            }
        } catch (IOException | RuntimeException e) {
            return HostErrors.of(e);
        }
        return WsaError.WSAENOPROTOOPT;
    }

    private synchronized int queueLimitValue() {
        return queueLimit;
    }

    @Override
    public void close() {
        if (registered) {
            backend.closeRegistered(channel);
        } else {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        synchronized (this) {
            queue.clear();
            queuedBytes = 0;
        }
        refresh();
    }
    // ------------------------------------------------------------------ multicast (JDK MembershipKey)

    /** The JDK membership keys of each (group, interface): one any-source key, or one per source. */
    private final java.util.Map<java.util.List<Object>, java.util.List<java.nio.channels.MembershipKey>> memberships =
            new java.util.HashMap<>();

    /**
     * Applies a filter state with JDK membership keys: EXCLUDE is an any-source key plus
     * {@code block} per source, INCLUDE a source-specific key per source. A change drops the old
     * keys first (the JDK cannot turn one kind into the other), so the kernel may see a short
     * leave and re-join.
     */
    @Override
    public synchronized int setSourceFilter(java.net.InetAddress group, java.net.InetAddress iface, int ifIndex,
                                            boolean include, java.util.Set<java.net.InetAddress> sources) {
        try {
            java.net.NetworkInterface ni = multicastInterface(group, iface, ifIndex);
            if (ni == null) {
                return WsaError.WSAEADDRNOTAVAIL;
            }
            java.util.List<Object> k = java.util.List.of(group, ni.getIndex());
            java.util.List<java.nio.channels.MembershipKey> old = memberships.remove(k);
            if (old != null) {
                old.forEach(java.nio.channels.MembershipKey::drop);
            }
            java.util.List<java.nio.channels.MembershipKey> keys = new java.util.ArrayList<>();
            if (!include) {
                java.nio.channels.MembershipKey key = channel.join(group, ni);
                for (java.net.InetAddress src : sources) {
                    key.block(src);
                }
                keys.add(key);
            } else {
                for (java.net.InetAddress src : sources) {
                    keys.add(channel.join(group, ni, src));
                }
            }
            if (!keys.isEmpty()) {
                memberships.put(k, keys);
            }
            register();
            return 0;
        } catch (IOException | RuntimeException e) {
            return HostErrors.of(e);
        }
    }

    @Override
    public int setMulticastInterface(java.net.InetAddress iface, int ifIndex) {
        try {
            java.net.NetworkInterface ni = iface == null && ifIndex == 0 ? null
                    : iface != null ? java.net.NetworkInterface.getByInetAddress(iface)
                    : java.net.NetworkInterface.getByIndex(ifIndex);
            if (ni == null && (iface != null || ifIndex != 0)) {
                return WsaError.WSAEADDRNOTAVAIL;
            }
            if (ni != null) {
                channel.setOption(StandardSocketOptions.IP_MULTICAST_IF, ni);
            }
            return 0;
        } catch (IOException | RuntimeException e) {
            return HostErrors.of(e);
        }
    }

    /**
     * The interface an ip_mreq or ipv6_mreq names. The JDK needs one where the kernel would pick
     * by route: the socket's IP_MULTICAST_IF, else the first running multicast interface with an
     * address of the group's family, else the loopback interface.
     */
    private java.net.NetworkInterface multicastInterface(java.net.InetAddress group, java.net.InetAddress iface,
                                                         int ifIndex) throws IOException {
        if (iface != null) {
            return java.net.NetworkInterface.getByInetAddress(iface);
        }
        if (ifIndex != 0) {
            return java.net.NetworkInterface.getByIndex(ifIndex);
        }
        java.net.NetworkInterface chosen = channel.getOption(StandardSocketOptions.IP_MULTICAST_IF);
        if (chosen != null) {
            return chosen;
        }
        boolean v6 = group instanceof java.net.Inet6Address;
        java.net.NetworkInterface loopback = null;
        for (java.net.NetworkInterface ni : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
            if (!ni.isUp() || ni.inetAddresses().noneMatch(a -> (a instanceof java.net.Inet6Address) == v6)) {
                continue;
            }
            if (ni.isLoopback()) {
                loopback = ni;
            } else if (ni.supportsMulticast()) {
                return ni;
            }
        }
        return loopback;
    }
}
