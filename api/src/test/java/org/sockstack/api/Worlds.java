package org.sockstack.api;

import org.sockstack.spi.ProviderRegistry;
import org.sockstack.spi.Ws2Process;
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
import java.util.List;

/**
 * The two worlds the API tests run in, each with two processes A and B (not started: the tests
 * call WSAStartup). Host: two processes over the host provider, both on 127.0.0.1 (the reference
 * behaviour). Stack: two user-space stacks on real clocks joined by a channel-device pair,
 * 192.0.2.1/24 (A) and 192.0.2.2/24 (B), each process over its own stack provider.
 */
final class Worlds {
    private Worlds() {
    }

    interface World extends AutoCloseable {
        Winsock a();

        Winsock b();

        InetAddress addrA();

        InetAddress addrB();

        /** The user-space stacks behind A and B (for frame taps), or null in the host world. */
        default Stack[] stacks() {
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

    /** Cleans up every startup a test left. */
    static void cleanupAll(Winsock ws) {
        while (ws.process().startupCount() > 0) {
            ws.WSACleanup();
        }
    }

    static Winsock hostProcess() {
        Catalog c = new Catalog();
        c.installProvider(HostProvider.PROVIDER_ID, HostProvider.Factory.class.getName(), HostProvider.entries());
        return new Winsock(new Ws2Process(c, new ProviderRegistry(false).register(new HostProvider.Factory())));
    }

    static World host() {
        Winsock a = hostProcess();
        Winsock b = hostProcess();
        InetAddress lo = ip("127.0.0.1");
        return new World() {
            public Winsock a() {
                return a;
            }

            public Winsock b() {
                return b;
            }

            public InetAddress addrA() {
                return lo;
            }

            public InetAddress addrB() {
                return lo;
            }

            public void close() {
                cleanupAll(a);
                cleanupAll(b);
            }
        };
    }

    private record Node(EventLoop loop, Stack stack, ChannelDevice device) { }

    /** Releases what the stack holds (frames waiting for ARP) on its loop, then stops it. */
    private static void release(Node n) {
        try {
            n.loop.submit(() -> {
                n.stack.close();
                return null;
            }).get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            // the loop is gone already: nothing left to release on it
        }
        n.loop.close();
        n.device.close();
    }

    private static Node node(String name, String mac, String address, long seed) {
        EventLoop loop = new EventLoop(name, Clock.system());
        Stack stack = new Stack(loop, StackConfig.defaults(name).withSeed(seed), TcpConfig.DEFAULT);
        ChannelDevice dev = new ChannelDevice(name + "0", MacAddress.parse(mac), 1500);
        return new Node(loop, stack, dev);
    }

    private static void configure(Node n, String address) {
        NetworkInterface i = n.stack.addInterface(n.device);
        n.stack.addIpv4Address(i, Ipv4Address.parse(address), 24);
        n.loop.start();
    }

    private static Winsock stackProcess(Stack stack) {
        Catalog c = new Catalog();
        c.installProvider(StackProvider.PROVIDER_ID, StackProvider.Factory.class.getName(), StackProvider.entries());
        return new Winsock(new Ws2Process(c, new ProviderRegistry(false).register(new StackProvider.Factory(stack))));
    }

    static World stacks() {
        Node na = node("apiA", "02:00:00:00:0a:01", "192.0.2.1", 1);
        Node nb = node("apiB", "02:00:00:00:0b:02", "192.0.2.2", 2);
        ChannelDevice.pair(na.device, nb.device);
        configure(na, "192.0.2.1");
        configure(nb, "192.0.2.2");
        Winsock a = stackProcess(na.stack);
        Winsock b = stackProcess(nb.stack);
        InetAddress ipA = ip("192.0.2.1");
        InetAddress ipB = ip("192.0.2.2");
        return new World() {
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

            public Stack[] stacks() {
                return new Stack[] {na.stack, nb.stack};
            }

            public void close() {
                cleanupAll(a);
                cleanupAll(b);
                for (Node n : List.of(na, nb)) {
                    release(n);
                }
            }
        };
    }
}
