package org.sockstack.spi.stack;

import org.sockstack.stack.Stack;
import org.sockstack.stack.loop.EventLoop;
import org.sockstack.stack.raw.RawSocket;
import org.sockstack.stack.tcp.TcpSocket;
import org.sockstack.stack.udp.UdpSocket;
import org.sockstack.spi.provider.NetBackend;
import org.sockstack.spi.provider.NetSocket;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * The user-space stack as a provider backend. Every call is marshalled onto the stack's event
 * loop ({@link EventLoop#submit}) and the calling thread waits for the result (DESIGN rule 4: no
 * stack object is touched off the loop thread; waiting on a future works for virtual threads too).
 *
 * <p>Every entry of {@link StackProvider#entries()} is served: UDP ({@link StackUdpSocket}) and
 * TCP ({@link StackTcpSocket}) over IPv4 and IPv6, and raw IP sockets ({@link StackRawSocket})
 * over either. The address family of a TCP or UDP socket is fixed by its first bind or send.
 * Link-local IPv6 addresses: UDP takes the destination's zone from the scope id and reports the
 * receiving interface as the source's scope id ({@link #scopeId}); TCP and raw sockets ignore
 * scope ids (the stack's TCP picks the first IPv6 interface for a link-local peer).
 */
public final class StackBackend implements NetBackend {
    private final Stack stack;

    public StackBackend(Stack stack) {
        this.stack = stack;
    }

    public Stack stack() {
        return stack;
    }

    @Override
    public String name() {
        return "Sockstack user-space stack provider" + (stack != null ? " (" + stack.config().name() + ")" : "");
    }

    /** Runs {@code call} on the loop thread and waits for it. */
    <T> T onLoop(Supplier<T> call) {
        EventLoop loop = stack.loop();
        if (loop.inEventLoop()) {
            return call.get();
        }
        try {
            return loop.submit(call).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    /**
     * Opens a socket: TCP and UDP over IPv4 and IPv6, and raw IP sockets over either (one
     * protocol number 1..255; protocol 0 answers WSAEPROTONOSUPPORT: Winsock's raw sockets need
     * a protocol).
     */
    @Override
    public NetSocket open(int af, int type, int protocol, IntRef errno) {
        if (af != Wsa.AF_INET && af != Wsa.AF_INET6) {
            errno.value = WsaError.WSAEAFNOSUPPORT;
            return null;
        }
        if (type == Wsa.SOCK_RAW) {
            if (protocol < 1 || protocol > 255) {
                errno.value = WsaError.WSAEPROTONOSUPPORT;
                return null;
            }
            RawSocket r = onLoop(() -> af == Wsa.AF_INET ? stack.raw().openIpv4(protocol)
                    : stack.raw().openIpv6(protocol));
            return new StackRawSocket(this, r);
        }
        if (type != Wsa.SOCK_DGRAM && type != Wsa.SOCK_STREAM) {
            errno.value = WsaError.WSAESOCKTNOSUPPORT;
            return null;
        }
        if (protocol != (type == Wsa.SOCK_STREAM ? Wsa.IPPROTO_TCP : Wsa.IPPROTO_UDP)) {
            errno.value = WsaError.WSAEPROTONOSUPPORT;
            return null;
        }
        if (type == Wsa.SOCK_STREAM) {
            TcpSocket t = onLoop(() -> stack.tcp().open());
            return new StackTcpSocket(this, t, false, af);
        }
        UdpSocket s = onLoop(() -> stack.udp().open());
        return new StackUdpSocket(this, s, af);
    }

    /**
     * The sockaddr_in6 scope id of the stack's interface {@code index}: Windows names a link-local
     * address's zone by the interface index (RFC 4007 section 11.2), which starts at 1; the stack
     * counts its interfaces from 0.
     */
    public static int scopeId(int interfaceIndex) {
        return interfaceIndex + 1;
    }

    /** The stack's interface index for a scope id (the inverse of {@link #scopeId}). */
    public static int interfaceIndex(int scopeId) {
        return scopeId - 1;
    }

    @Override
    public void shutdown() {
        // The stack belongs to whoever built it; the provider only stops using it.
    }
    // ------------------------------------------------------------------ interfaces and addresses

    /** The stack's interface addresses (its interfaces are Ethernet: broadcast and multicast capable). */
    @Override
    public java.util.List<IfAddress> interfaceAddresses(int af) {
        return onLoop(() -> {
            java.util.List<IfAddress> list = new java.util.ArrayList<>();
            int flags = IFF_UP | IFF_BROADCAST | IFF_MULTICAST;
            for (org.sockstack.stack.iface.NetworkInterface ni : stack.interfaces()) {
                if (af == org.sockstack.spi.wsa.Wsa.AF_INET) {
                    for (org.sockstack.stack.iface.Ipv4InterfaceAddress a : ni.ipv4Addresses()) {
                        list.add(new IfAddress(inet(a.address().octets()), a.prefixLength(),
                                inet(intOctets(a.broadcast())), flags));
                    }
                } else {
                    for (org.sockstack.stack.iface.Ipv6InterfaceAddress a : ni.ipv6Addresses()) {
                        list.add(new IfAddress(inet(a.address().octets()), a.prefixLength(), null, flags & ~IFF_BROADCAST));
                    }
                }
            }
            return list;
        });
    }

    /**
     * The source the stack would pick for {@code dst}: for IPv4 the route lookup and RFC 1122
     * 3.3.4.3; for IPv6 next-hop determination (RFC 4861 section 5.2) and RFC 6724 source
     * selection. A link-local IPv6 destination's scope id names its interface (RFC 4007); a
     * link-local source comes back with its interface's scope id.
     */
    @Override
    public java.net.InetAddress routeSource(java.net.InetAddress dst) {
        if (dst instanceof java.net.Inet6Address v6) {
            return routeSource6(v6);
        }
        if (!(dst instanceof java.net.Inet4Address)) {
            return null;
        }
        int bits = java.nio.ByteBuffer.wrap(dst.getAddress()).getInt();
        return onLoop(() -> {
            org.sockstack.stack.ipv4.Ipv4Path p = stack.ipv4().path(bits, 0, null);
            return p == null ? null : inet(intOctets(p.src()));
        });
    }

    private java.net.InetAddress routeSource6(java.net.Inet6Address dst) {
        org.sockstack.stack.wire.Ipv6Address d = org.sockstack.stack.wire.Ipv6Address.of(dst.getAddress());
        int scope = dst.getScopeId();
        return onLoop(() -> {
            org.sockstack.stack.iface.NetworkInterface via = null;
            if (scope != 0) {
                int i = interfaceIndex(scope);
                java.util.List<org.sockstack.stack.iface.NetworkInterface> all = stack.interfaces();
                if (i < 0 || i >= all.size()) {
                    return null; // no such zone
                }
                via = all.get(i);
            }
            org.sockstack.stack.ipv6.Ipv6Path p = stack.ipv6().path(d, null, via);
            if (p == null) {
                return null;
            }
            byte[] src = p.src().octets();
            try {
                return p.src().isLinkLocal()
                        ? java.net.Inet6Address.getByAddress(null, src, scopeId(p.iface().index()))
                        : java.net.InetAddress.getByAddress(src);
            } catch (java.net.UnknownHostException e) {
                throw new AssertionError(e);
            }
        });
    }

    private static byte[] intOctets(int v) {
        return java.nio.ByteBuffer.allocate(4).putInt(v).array();
    }

    private static java.net.InetAddress inet(byte[] octets) {
        try {
            return java.net.InetAddress.getByAddress(octets);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** The stack tells of every address added or removed ({@link Stack#addAddressListener}). */
    @Override
    public boolean watchAddresses(Runnable listener) {
        onLoop(() -> {
            stack.addAddressListener(listener);
            return null;
        });
        return true;
    }
}
