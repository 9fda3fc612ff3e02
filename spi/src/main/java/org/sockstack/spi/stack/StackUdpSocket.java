package org.sockstack.spi.stack;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.sockstack.stack.ipv4.Ipv4;
import org.sockstack.stack.ipv6.Ipv6;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.socket.SocketEvents;
import org.sockstack.stack.udp.UdpDatagram;
import org.sockstack.stack.udp.UdpSocket;
import org.sockstack.stack.wire.IpAddress;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.Ipv6Address;
import org.sockstack.spi.provider.DualStack;
import org.sockstack.spi.provider.NetDatagramSocket;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * A stack {@link UdpSocket} seen from the provider. Every method hops onto the loop; the
 * readiness snapshot is refreshed there after each call and on each event of the socket.
 */
final class StackUdpSocket implements NetDatagramSocket {
    private final StackBackend backend;
    private final UdpSocket socket;
    private final int af;
    private volatile int readiness = WRITABLE;
    private volatile Runnable listener = () -> { };
    private int sendBuffer = 64 * 1024;

    StackUdpSocket(StackBackend backend, UdpSocket socket, int af) {
        this.backend = backend;
        this.socket = socket;
        this.af = af;
        backend.onLoop(() -> {
            socket.setListener(events -> {
                refresh();
                listener.run();
            });
            return null;
        });
    }

    /** Loop thread. */
    private void refresh() {
        int r = socket.readiness();
        int n = 0;
        if ((r & SocketEvents.READABLE) != 0) {
            n |= READABLE;
        }
        if ((r & SocketEvents.WRITABLE) != 0) {
            n |= WRITABLE;
        }
        if ((r & SocketEvents.ERROR) != 0) {
            n |= ERROR;
        }
        readiness = n;
    }

    @Override
    public void setListener(Runnable listener) {
        this.listener = listener;
    }

    @Override
    public int readiness() {
        return readiness;
    }

    static Endpoint endpoint(InetSocketAddress a) {
        byte[] b = a.getAddress().getAddress();
        IpAddress ip = b.length == 4 ? Ipv4Address.of(b) : Ipv6Address.of(b);
        return new Endpoint(ip, a.getPort());
    }

    static InetSocketAddress inet(Endpoint e) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(e.address().octets()), e.port());
        } catch (UnknownHostException x) {
            throw new AssertionError(x);
        }
    }

    /**
     * A received datagram's source. A link-local IPv6 source (RFC 4007 section 6: meaningful only
     * in its zone) carries the receiving interface as its scope id, {@link StackBackend#scopeId}.
     */
    static InetSocketAddress inet(Endpoint e, int interfaceIndex) {
        if (e.address() instanceof Ipv6Address a && a.isLinkLocal() && interfaceIndex >= 0) {
            try {
                return new InetSocketAddress(Inet6Address.getByAddress(null, a.octets(),
                        StackBackend.scopeId(interfaceIndex)), e.port());
            } catch (UnknownHostException x) {
                throw new AssertionError(x);
            }
        }
        return inet(e);
    }

    /** The interface index a sockaddr_in6's scope id names (link-local only), or -1. */
    static int zone(InetSocketAddress a) {
        if (a.getAddress() instanceof Inet6Address v6 && v6.isLinkLocalAddress() && v6.getScopeId() > 0) {
            return StackBackend.interfaceIndex(v6.getScopeId());
        }
        return -1;
    }

    @Override
    public int bind(InetSocketAddress local) {
        Endpoint e = endpoint(local);
        return backend.onLoop(() -> StackErrors.toWsa(socket.bind(e)));
    }

    @Override
    public int connect(InetSocketAddress peer) {
        Endpoint e = peer == null ? null : endpoint(peer);
        return backend.onLoop(() -> {
            SocketError r = socket.connect(e);
            refresh();
            return StackErrors.toWsa(r);
        });
    }

    /**
     * Sends one datagram. A link-local destination's scope id picks the outgoing interface: the
     * stack's UDP takes the zone of a link-local destination from the socket's multicast
     * interface, so it is set for this one send and put back.
     */
    @Override
    public int sendTo(byte[] data, InetSocketAddress dst) {
        Endpoint e = endpoint(dst);
        int zone = zone(dst);
        return backend.onLoop(() -> {
            if (zone >= 0 && backend.stack().interfaceAt(zone) == null) {
                return WsaError.WSAEADDRNOTAVAIL;
            }
            int saved = socket.multicastInterface();
            ByteBuf buf = Unpooled.wrappedBuffer(data);
            try {
                if (zone >= 0) {
                    socket.setMulticastInterface(zone);
                }
                return StackErrors.toWsa(socket.sendTo(buf, e, backend.stack().loop().clock().nanos()));
            } finally {
                socket.setMulticastInterface(saved);
                buf.release();
            }
        });
    }

    /**
     * Sends one datagram from the source address and interface of an IN_PKTINFO / IN6_PKTINFO
     * record (the stack's {@link org.sockstack.stack.udp.UdpSocket#sendFrom}): the address must be
     * one of the stack's (WSAEADDRNOTAVAIL), the interface index one of its interfaces.
     */
    @Override
    public int sendFrom(byte[] data, InetSocketAddress dst, org.sockstack.spi.provider.PacketInfo source) {
        Endpoint e = endpoint(dst);
        IpAddress src = source.address() == null ? null : endpoint(new InetSocketAddress(source.address(), 0)).address();
        int ifindex = source.ifIndex() > 0 ? StackBackend.interfaceIndex(source.ifIndex()) : -1;
        return backend.onLoop(() -> {
            ByteBuf buf = Unpooled.wrappedBuffer(data);
            try {
                return StackErrors.toWsa(socket.sendFrom(buf, e, src, ifindex, backend.stack().loop().clock().nanos()));
            } finally {
                buf.release();
                refresh();
            }
        });
    }

    @Override
    public int receive(Datagram out, boolean peek) {
        return backend.onLoop(() -> {
            try {
                SocketError err = socket.takeError();
                if (err != SocketError.OK) {
                    // An ICMP port unreachable on a connected UDP socket: Winsock says WSAECONNRESET.
                    return err == SocketError.CONNECTION_REFUSED ? WsaError.WSAECONNRESET : StackErrors.toWsa(err);
                }
                UdpDatagram d = peek ? socket.peek() : socket.receive();
                if (d == null) {
                    return WsaError.WSAEWOULDBLOCK;
                }
                ByteBuf data = d.data();
                out.data = new byte[data.readableBytes()];
                data.getBytes(data.readerIndex(), out.data);
                out.from = forFamily(inet(d.source(), d.interfaceIndex()));
                out.to = inet(d.destination()).getAddress();
                out.ifIndex = StackBackend.scopeId(d.interfaceIndex());
                if (!peek) {
                    data.release();
                }
                return 0;
            } finally {
                refresh();
            }
        });
    }

    @Override
    public int queuedBytes() {
        return backend.onLoop(socket::queuedBytes);
    }

    @Override
    public InetSocketAddress localAddress() {
        return backend.onLoop(() -> socket.isBound() ? forFamily(inet(socket.localEndpoint())) : null);
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return backend.onLoop(() -> socket.remoteEndpoint() == null ? null : forFamily(inet(socket.remoteEndpoint())));
    }

    /** An IPv4 address of a dual-stack AF_INET6 socket reads as ::ffff:a.b.c.d. */
    private InetSocketAddress forFamily(InetSocketAddress a) {
        return af == Wsa.AF_INET6 ? DualStack.mapped(a) : a;
    }

    @Override
    public int setOption(int level, int name, int value) {
        return backend.onLoop(() -> {
            if (level == Wsa.SOL_SOCKET) {
                switch (name) {
                    case Wsa.SO_BROADCAST -> socket.setBroadcast(value != 0);
                    case Wsa.SO_REUSEADDR -> socket.setReuseAddress(value != 0);
                    case Wsa.SO_RCVBUF -> {
                        if (value < 1) {
                            return WsaError.WSAEINVAL;
                        }
                        socket.setReceiveBufferSize(value);
                    }
                    case Wsa.SO_SNDBUF -> sendBuffer = Math.max(1, value);
                    default -> {
                        return WsaError.WSAENOPROTOOPT;
                    }
                }
                return 0;
            }
            if (level == Wsa.IPPROTO_IP) {
                if ((name == Wsa.IP_TTL || name == Wsa.IP_MULTICAST_TTL) && (value < 0 || value > 255)) {
                    return WsaError.WSAEINVAL;
                }
                switch (name) {
                    case Wsa.IP_TTL -> socket.setTtl(value);
                    case Wsa.IP_TOS -> socket.setTos(value);
                    // RFC 791: DF on every datagram; one larger than the path MTU fails (RFC 1191).
                    case Wsa.IP_DONTFRAGMENT -> socket.setDontFragment(value != 0);
                    case Wsa.IP_MULTICAST_TTL -> socket.setMulticastTtl(value);
                    case Wsa.IP_MULTICAST_LOOP -> socket.setMulticastLoop(value != 0);
                    default -> {
                        return WsaError.WSAENOPROTOOPT;
                    }
                }
                return 0;
            }
            if (level == Wsa.IPPROTO_IPV6 && af == Wsa.AF_INET6) {
                // The stack's UDP keeps one unicast and one multicast hop count per socket.
                switch (name) {
                    case Wsa.IPV6_UNICAST_HOPS -> socket.setTtl(value);
                    case Wsa.IPV6_MULTICAST_HOPS -> socket.setMulticastTtl(value < 0 ? 1 : value);
                    case Wsa.IPV6_MULTICAST_LOOP -> socket.setMulticastLoop(value != 0);
                    case Wsa.IPV6_V6ONLY -> {
                        return StackErrors.toWsa(socket.setDualStack(value == 0));
                    }
                    default -> {
                        return WsaError.WSAENOPROTOOPT;
                    }
                }
                return 0;
            }
            return WsaError.WSAENOPROTOOPT;
        });
    }

    @Override
    public int getOption(int level, int name, IntRef value) {
        return backend.onLoop(() -> {
            if (level == Wsa.SOL_SOCKET) {
                switch (name) {
                    case Wsa.SO_BROADCAST -> value.value = socket.broadcast() ? 1 : 0;
                    case Wsa.SO_REUSEADDR -> value.value = socket.reuseAddress() ? 1 : 0;
                    case Wsa.SO_RCVBUF -> value.value = socket.receiveBufferSize();
                    case Wsa.SO_SNDBUF -> value.value = sendBuffer;
                    default -> {
                        return WsaError.WSAENOPROTOOPT;
                    }
                }
                return 0;
            }
            if (level == Wsa.IPPROTO_IP) {
                switch (name) {
                    case Wsa.IP_TTL -> value.value = socket.ttl() >= 0 ? socket.ttl() : Ipv4.DEFAULT_TTL;
                    case Wsa.IP_TOS -> value.value = socket.tos();
                    case Wsa.IP_DONTFRAGMENT -> value.value = socket.dontFragment() ? 1 : 0;
                    case Wsa.IP_MULTICAST_TTL -> value.value = socket.multicastTtl();
                    case Wsa.IP_MULTICAST_LOOP -> value.value = socket.multicastLoop() ? 1 : 0;
                    default -> {
                        return WsaError.WSAENOPROTOOPT;
                    }
                }
                return 0;
            }
            if (level == Wsa.IPPROTO_IPV6 && af == Wsa.AF_INET6) {
                switch (name) {
                    case Wsa.IPV6_UNICAST_HOPS -> value.value = socket.ttl() >= 0 ? socket.ttl() : Ipv6.DEFAULT_HOP_LIMIT;
                    case Wsa.IPV6_MULTICAST_HOPS -> value.value = socket.multicastTtl();
                    case Wsa.IPV6_MULTICAST_LOOP -> value.value = socket.multicastLoop() ? 1 : 0;
                    default -> {
                        return WsaError.WSAENOPROTOOPT;
                    }
                }
                return 0;
            }
            return WsaError.WSAENOPROTOOPT;
        });
    }

    @Override
    public void close() {
        backend.onLoop(() -> {
            socket.close();
            refresh();
            return null;
        });
    }
    // ------------------------------------------------------------------ multicast

    /**
     * The state goes straight to the stack's RFC 3678 setsourcefilter ({@link UdpSocket#setSourceFilter}),
     * which drives IGMPv3 / MLDv2 through the group-membership machine.
     */
    @Override
    public int setSourceFilter(InetAddress group, InetAddress iface, int ifIndex, boolean include,
                               java.util.Set<InetAddress> sources) {
        IpAddress g = ip(group);
        java.util.List<IpAddress> src = sources.stream().map(StackUdpSocket::ip).toList();
        return backend.onLoop(() -> {
            int index = stackInterface(iface, ifIndex);
            if (index == -2) {
                return WsaError.WSAEADDRNOTAVAIL;
            }
            return StackErrors.toWsa(socket.setSourceFilter(g, index,
                    include ? org.sockstack.stack.mcast.FilterMode.INCLUDE : org.sockstack.stack.mcast.FilterMode.EXCLUDE,
                    src));
        });
    }

    @Override
    public int setMulticastInterface(InetAddress iface, int ifIndex) {
        return backend.onLoop(() -> {
            int index = stackInterface(iface, ifIndex);
            if (index == -2) {
                return WsaError.WSAEADDRNOTAVAIL;
            }
            socket.setMulticastInterface(index);
            return 0;
        });
    }

    /** Loop thread: the stack's index of the interface with address {@code iface} or Winsock index {@code ifIndex}; -1 for the default, -2 if there is none. */
    private int stackInterface(InetAddress iface, int ifIndex) {
        if (iface != null) {
            IpAddress a = ip(iface);
            for (org.sockstack.stack.iface.NetworkInterface ni : backend.stack().interfaces()) {
                if (a instanceof Ipv4Address v4 ? ni.hasIpv4(v4.bits()) : ni.hasIpv6((Ipv6Address) a)) {
                    return ni.index();
                }
            }
            return -2;
        }
        if (ifIndex != 0) {
            int index = StackBackend.interfaceIndex(ifIndex);
            return backend.stack().interfaceAt(index) == null ? -2 : index;
        }
        return -1;
    }

    static IpAddress ip(InetAddress a) {
        byte[] b = a.getAddress();
        return b.length == 4 ? Ipv4Address.of(b) : Ipv6Address.of(b);
    }
}
