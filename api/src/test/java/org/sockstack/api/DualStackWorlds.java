package org.sockstack.api;

import org.sockstack.spi.ProviderRegistry;
import org.sockstack.spi.Ws2Process;
import org.sockstack.spi.catalog.Catalog;
import org.sockstack.spi.stack.StackProvider;
import org.sockstack.stack.Stack;
import org.sockstack.stack.StackConfig;
import org.sockstack.stack.device.ChannelDevice;
import org.sockstack.stack.iface.NetworkInterface;
import org.sockstack.stack.loop.Clock;
import org.sockstack.stack.loop.EventLoop;
import org.sockstack.stack.ndp.NdpConfig;
import org.sockstack.stack.tcp.TcpConfig;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.Ipv6Address;
import org.sockstack.stack.wire.MacAddress;

import java.net.InetAddress;
import java.util.List;

/**
 * The worlds of {@link DualStackBehaviour}: each process has an IPv4 and an IPv6 address.
 * Host: 127.0.0.1 and ::1 (loopback). Stack: two user-space stacks on a channel pair,
 * 192.0.2.1/24 + 2001:db8::1/64 (A) and 192.0.2.2/24 + 2001:db8::2/64 (B), Duplicate Address
 * Detection off so the IPv6 addresses are usable at once.
 */
final class DualStackWorlds {
    private DualStackWorlds() {
    }

    /** A world with the IPv6 addresses of A and B as well. */
    interface DualWorld extends Worlds.World {
        InetAddress addr6A();

        InetAddress addr6B();
    }

    static DualWorld host() {
        Worlds.World w = Worlds.host();
        InetAddress lo6 = Worlds.ip("::1");
        return wrap(w, lo6, lo6, () -> { });
    }

    private record Node(EventLoop loop, Stack stack, ChannelDevice device) { }

    private static Node node(String name, String mac, long seed) {
        EventLoop loop = new EventLoop(name, Clock.system());
        Stack stack = new Stack(loop, StackConfig.defaults(name).withSeed(seed), TcpConfig.DEFAULT);
        return new Node(loop, stack, new ChannelDevice(name + "0", MacAddress.parse(mac), 1500));
    }

    private static void configure(Node n, String v4, String v6) {
        n.stack.setNdpConfig(NdpConfig.DEFAULT.withDupAddrDetectTransmits(0).withRouterSolicitations(false));
        NetworkInterface i = n.stack.addInterface(n.device);
        n.stack.addIpv4Address(i, Ipv4Address.parse(v4), 24);
        n.stack.addIpv6Address(i, Ipv6Address.parse(v6), 64);
        n.loop.start();
    }

    private static Winsock process(Stack stack) {
        Catalog c = new Catalog();
        c.installProvider(StackProvider.PROVIDER_ID, StackProvider.Factory.class.getName(), StackProvider.entries());
        return new Winsock(new Ws2Process(c, new ProviderRegistry(false).register(new StackProvider.Factory(stack))));
    }

    private static void release(Node n) {
        try {
            n.loop.submit(() -> {
                n.stack.close();
                return null;
            }).get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            // the loop is gone already
        }
        n.loop.close();
        n.device.close();
    }

    static DualWorld stacks() {
        Node na = node("dualA", "02:00:00:00:1a:01", 1);
        Node nb = node("dualB", "02:00:00:00:1b:02", 2);
        ChannelDevice.pair(na.device, nb.device);
        configure(na, "192.0.2.1", "2001:db8::1");
        configure(nb, "192.0.2.2", "2001:db8::2");
        Winsock a = process(na.stack);
        Winsock b = process(nb.stack);
        InetAddress ipA = Worlds.ip("192.0.2.1");
        InetAddress ipB = Worlds.ip("192.0.2.2");
        Worlds.World w = new Worlds.World() {
            public Winsock a() {
                return a;
            }

            public Winsock b() {
                return b;
            }

            public InetAddress addrA() {
                return ipA;
            }

            public InetAddress addrB() {
                return ipB;
            }

            public void close() {
                Worlds.cleanupAll(a);
                Worlds.cleanupAll(b);
                for (Node n : List.of(na, nb)) {
                    release(n);
                }
            }
        };
        return wrap(w, Worlds.ip("2001:db8::1"), Worlds.ip("2001:db8::2"), () -> { });
    }

    private static DualWorld wrap(Worlds.World w, InetAddress v6A, InetAddress v6B, Runnable extraClose) {
        return new DualWorld() {
            public Winsock a() {
                return w.a();
            }

            public Winsock b() {
                return w.b();
            }

            public InetAddress addrA() {
                return w.addrA();
            }

            public InetAddress addrB() {
                return w.addrB();
            }

            public InetAddress addr6A() {
                return v6A;
            }

            public InetAddress addr6B() {
                return v6B;
            }

            public void close() {
                w.close();
                extraClose.run();
            }
        };
    }
}
