package org.sockstack.spi;

import org.sockstack.spi.catalog.Catalog;
import org.sockstack.spi.host.HostProvider;
import org.sockstack.spi.stack.StackProvider;
import org.sockstack.stack.Stack;
import org.sockstack.stack.StackConfig;
import org.sockstack.stack.device.ChannelDevice;
import org.sockstack.stack.iface.NetworkInterface;
import org.sockstack.stack.loop.Clock;
import org.sockstack.stack.loop.EventLoop;
import org.sockstack.stack.tcp.TcpConfig;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.MacAddress;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The two worlds the differential tests run in. Host: one process over the host stack, both
 * peers on 127.0.0.1. Stack: two user-space stacks on real clocks joined by a channel-device pair
 * (192.0.2.1/24 and 192.0.2.2/24), each with its own process and stack provider.
 */
public final class TestNetworks {
    private TestNetworks() {
    }

    /** Two peers: their processes and addresses. */
    public interface Env extends AutoCloseable {
        String name();

        Ws2Process a();

        Ws2Process b();

        InetAddress addrA();

        InetAddress addrB();

        /** Peer A's stack, in the stack world (null over the host). */
        default StackNode nodeA() {
            return null;
        }

        @Override
        void close();
    }

    static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    public static Ws2Process started(Catalog catalog, ProviderRegistry registry) {
        Ws2Process p = new Ws2Process(catalog, registry);
        if (p.startup(org.sockstack.spi.wsa.Wsa.makeVersion(2, 2), new WsaData()) != 0) {
            throw new AssertionError("startup failed");
        }
        return p;
    }

    public static Env host() {
        Catalog c = new Catalog();
        c.installProvider(HostProvider.PROVIDER_ID, HostProvider.Factory.class.getName(), HostProvider.entries());
        Ws2Process p = started(c, new ProviderRegistry(false).register(new HostProvider.Factory()));
        InetAddress lo = ip("127.0.0.1");
        return new Env() {
            public String name() {
                return "host";
            }

            public Ws2Process a() {
                return p;
            }

            public Ws2Process b() {
                return p;
            }

            public InetAddress addrA() {
                return lo;
            }

            public InetAddress addrB() {
                return lo;
            }

            public void close() {
                while (p.startupCount() > 0) {
                    p.cleanup();
                }
            }
        };
    }

    /** One running stack with its own loop. */
    public record StackNode(EventLoop loop, Stack stack, ChannelDevice device) { }

    public static StackNode node(String name, String mac, long seed) {
        return node(name, mac, seed, TcpConfig.DEFAULT);
    }

    public static StackNode node(String name, String mac, long seed, TcpConfig tcp) {
        EventLoop loop = new EventLoop(name, Clock.system());
        Stack stack = new Stack(loop, StackConfig.defaults(name).withSeed(seed), tcp);
        ChannelDevice dev = new ChannelDevice(name + "0", MacAddress.parse(mac), 1500);
        return new StackNode(loop, stack, dev);
    }

    public static Env stacks() {
        return stacks(c -> { }, new org.sockstack.spi.provider.TransportProviderFactory[0]);
    }

    /**
     * Two stacks; peer A's catalog is configured by {@code configureA} (after the stack provider's
     * entries are installed) and its registry also knows {@code extraA} (layers).
     */
    public static Env stacks(java.util.function.Consumer<Catalog> configureA,
                             org.sockstack.spi.provider.TransportProviderFactory... extraA) {
        return stacks(TcpConfig.DEFAULT, configureA, extraA);
    }

    /** Two stacks whose TCP runs with {@code tcp} (short timers for time-out tests). */
    public static Env stacks(TcpConfig tcp, java.util.function.Consumer<Catalog> configureA,
                             org.sockstack.spi.provider.TransportProviderFactory... extraA) {
        StackNode na = node("stackA", "02:00:00:00:0a:01", 1, tcp);
        StackNode nb = node("stackB", "02:00:00:00:0b:02", 2, tcp);
        ChannelDevice.pair(na.device, nb.device);
        NetworkInterface ia = na.stack.addInterface(na.device);
        na.stack.addIpv4Address(ia, Ipv4Address.parse("192.0.2.1"), 24);
        NetworkInterface ib = nb.stack.addInterface(nb.device);
        nb.stack.addIpv4Address(ib, Ipv4Address.parse("192.0.2.2"), 24);
        na.loop.start();
        nb.loop.start();
        Catalog ca = stackCatalog();
        configureA.accept(ca);
        ProviderRegistry ra = new ProviderRegistry(false).register(new StackProvider.Factory(na.stack));
        for (org.sockstack.spi.provider.TransportProviderFactory f : extraA) {
            ra.register(f);
        }
        Ws2Process pa = started(ca, ra);
        Ws2Process pb = started(stackCatalog(), new ProviderRegistry(false).register(new StackProvider.Factory(nb.stack)));
        InetAddress a = ip("192.0.2.1");
        InetAddress b = ip("192.0.2.2");
        return new Env() {
            public String name() {
                return "stack";
            }

            public StackNode nodeA() {
                return na;
            }

            public Ws2Process a() {
                return pa;
            }

            public Ws2Process b() {
                return pb;
            }

            public InetAddress addrA() {
                return a;
            }

            public InetAddress addrB() {
                return b;
            }

            public void close() {
                while (pa.startupCount() > 0) {
                    pa.cleanup();
                }
                while (pb.startupCount() > 0) {
                    pb.cleanup();
                }
                na.loop.close();
                nb.loop.close();
                na.device.close();
                nb.device.close();
            }
        };
    }

    public static Catalog stackCatalog() {
        Catalog c = new Catalog();
        c.installProvider(StackProvider.PROVIDER_ID, StackProvider.Factory.class.getName(), StackProvider.entries());
        return c;
    }
}
