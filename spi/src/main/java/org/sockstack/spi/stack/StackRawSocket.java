package org.sockstack.spi.stack;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.sockstack.stack.ipv4.Ipv4;
import org.sockstack.stack.ipv6.Ipv6;
import org.sockstack.stack.raw.RawDatagram;
import org.sockstack.stack.raw.RawSocket;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.socket.SocketEvents;
import org.sockstack.stack.wire.IpAddress;
import org.sockstack.spi.provider.NetDatagramSocket;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * A stack {@link RawSocket} seen from the provider (Winsock "TCP/IP Raw Sockets"). Raw addresses
 * carry no port: the port of a sockaddr is ignored and every address reported has port 0.
 *
 * <p>As for UDP, a send on an unbound socket binds it to the wildcard address, and receiving needs
 * a bound socket (WSAEINVAL otherwise, checked by the provider). Options: IP_HDRINCL, IP_TTL,
 * IP_TOS, IP_MULTICAST_TTL (IPv4); IPV6_UNICAST_HOPS, IPV6_MULTICAST_HOPS, IPV6_CHECKSUM (IPv6;
 * ICMPv6 keeps its checksum at offset 2, RFC 3542 section 3.1); SO_RCVBUF bounds the receive
 * queue; SO_SNDBUF, SO_BROADCAST, SO_REUSEADDR and the multicast loop flags are only remembered.
 */
final class StackRawSocket implements NetDatagramSocket {
    private final StackBackend backend;
    private final RawSocket socket;
    private final int af;
    private volatile int readiness = WRITABLE;
    private volatile Runnable listener = () -> { };
    private volatile InetSocketAddress local;
    private volatile InetSocketAddress remote;
    // Remembered, loop thread.
    private int sendBuffer = 64 * 1024;
    private boolean broadcast;
    private boolean reuseAddress;
    private boolean multicastLoop = true;

    StackRawSocket(StackBackend backend, RawSocket socket) {
        this.backend = backend;
        this.socket = socket;
        this.af = socket.version() == 4 ? Wsa.AF_INET : Wsa.AF_INET6;
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
        readiness = ((r & SocketEvents.READABLE) != 0 ? READABLE : 0) | ((r & SocketEvents.WRITABLE) != 0 ? WRITABLE : 0);
    }

    @Override
    public void setListener(Runnable listener) {
        this.listener = listener;
    }

    @Override
    public int readiness() {
        return readiness;
    }

    private static IpAddress ip(InetSocketAddress a) {
        return StackUdpSocket.endpoint(a).address();
    }

    private static InetSocketAddress inet(IpAddress a) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(a.octets()), 0);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private InetSocketAddress wildcard() {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(new byte[af == Wsa.AF_INET ? 4 : 16]), 0);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public int bind(InetSocketAddress a) {
        IpAddress ip = ip(a);
        int e = backend.onLoop(() -> StackErrors.toWsa(socket.bind(ip)));
        if (e == 0) {
            local = new InetSocketAddress(a.getAddress(), 0);
        }
        return e;
    }

    @Override
    public int connect(InetSocketAddress peer) {
        IpAddress ip = peer == null ? null : ip(peer);
        int e = backend.onLoop(() -> StackErrors.toWsa(socket.connect(ip)));
        if (e == 0) {
            remote = peer == null ? null : new InetSocketAddress(peer.getAddress(), 0);
            if (local == null) {
                local = wildcard();
            }
        }
        return e;
    }

    @Override
    public int sendTo(byte[] data, InetSocketAddress dst) {
        IpAddress to = ip(dst);
        int e = backend.onLoop(() -> {
            ByteBuf buf = Unpooled.wrappedBuffer(data);
            try {
                return StackErrors.toWsa(socket.sendTo(buf, to, backend.stack().loop().clock().nanos()));
            } finally {
                buf.release();
            }
        });
        if (e == 0 && local == null) {
            local = wildcard();
        }
        return e;
    }

    @Override
    public int receive(Datagram out, boolean peek) {
        return backend.onLoop(() -> {
            try {
                RawDatagram d = peek ? socket.peek() : socket.receive();
                if (d == null) {
                    return WsaError.WSAEWOULDBLOCK;
                }
                out.data = peek ? d.data().clone() : d.data();
                out.from = inet(d.source());
                out.to = ipv4Destination(out.data);
                out.ifIndex = 0;   // the stack's raw sockets do not keep the arrival interface
                return 0;
            } finally {
                refresh();
            }
        });
    }

    /**
     * An IPv4 raw datagram starts with its IP header (as on Windows): its Destination Address
     * (RFC 791 section 3.1, octets 16 to 19) is what IN_PKTINFO reports. IPv6 raw sockets get no
     * header, so their destination is unknown (null).
     */
    private static InetAddress ipv4Destination(byte[] data) {
        if (data.length < 20 || (data[0] & 0xF0) != 0x40) {
            return null;
        }
        try {
            return InetAddress.getByAddress(java.util.Arrays.copyOfRange(data, 16, 20));
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public int queuedBytes() {
        return backend.onLoop(socket::queuedBytes);
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public int setOption(int level, int name, int value) {
        return backend.onLoop(() -> {
            if (level == Wsa.SOL_SOCKET) {
                switch (name) {
                    case Wsa.SO_RCVBUF -> {
                        if (value < 1) {
                            return WsaError.WSAEINVAL;
                        }
                        socket.setReceiveBufferSize(value);
                    }
                    case Wsa.SO_SNDBUF -> sendBuffer = Math.max(1, value);
                    case Wsa.SO_BROADCAST -> broadcast = value != 0;
                    case Wsa.SO_REUSEADDR -> reuseAddress = value != 0;
                    default -> {
                        return WsaError.WSAENOPROTOOPT;
                    }
                }
                return 0;
            }
            if (level == Wsa.IPPROTO_IP && af == Wsa.AF_INET) {
                if ((name == Wsa.IP_TTL || name == Wsa.IP_MULTICAST_TTL) && (value < 0 || value > 255)) {
                    return WsaError.WSAEINVAL;
                }
                switch (name) {
                    case Wsa.IP_HDRINCL -> socket.setHeaderIncluded(value != 0);
                    case Wsa.IP_TTL -> socket.setTtl(value);
                    case Wsa.IP_TOS -> socket.setTos(value);
                    case Wsa.IP_MULTICAST_TTL -> socket.setMulticastTtl(value);
                    case Wsa.IP_MULTICAST_LOOP -> multicastLoop = value != 0;
                    default -> {
                        return WsaError.WSAENOPROTOOPT;
                    }
                }
                return 0;
            }
            if (level == Wsa.IPPROTO_IPV6 && af == Wsa.AF_INET6) {
                switch (name) {
                    case Wsa.IPV6_UNICAST_HOPS -> socket.setTtl(value);
                    case Wsa.IPV6_MULTICAST_HOPS -> socket.setMulticastTtl(value < 0 ? 1 : value);
                    case Wsa.IPV6_MULTICAST_LOOP -> multicastLoop = value != 0;
                    case Wsa.IPV6_CHECKSUM -> {
                        return StackErrors.toWsa(socket.setChecksumOffset(value));
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
                    case Wsa.SO_RCVBUF -> value.value = socket.receiveBufferSize();
                    case Wsa.SO_SNDBUF -> value.value = sendBuffer;
                    case Wsa.SO_BROADCAST -> value.value = broadcast ? 1 : 0;
                    case Wsa.SO_REUSEADDR -> value.value = reuseAddress ? 1 : 0;
                    default -> {
                        return WsaError.WSAENOPROTOOPT;
                    }
                }
                return 0;
            }
            if (level == Wsa.IPPROTO_IP && af == Wsa.AF_INET) {
                switch (name) {
                    case Wsa.IP_HDRINCL -> value.value = socket.headerIncluded() ? 1 : 0;
                    case Wsa.IP_TTL -> value.value = socket.ttl() >= 0 ? socket.ttl() : Ipv4.DEFAULT_TTL;
                    case Wsa.IP_TOS -> value.value = socket.tos();
                    case Wsa.IP_MULTICAST_TTL -> value.value = socket.multicastTtl();
                    case Wsa.IP_MULTICAST_LOOP -> value.value = multicastLoop ? 1 : 0;
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
                    case Wsa.IPV6_MULTICAST_LOOP -> value.value = multicastLoop ? 1 : 0;
                    case Wsa.IPV6_CHECKSUM -> value.value = socket.checksumOffset();
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
}
