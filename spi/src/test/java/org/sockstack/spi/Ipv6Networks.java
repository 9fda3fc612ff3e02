package org.sockstack.spi;

import org.sockstack.spi.host.HostProvider;
import org.sockstack.stack.iface.NetworkInterface;
import org.sockstack.stack.ndp.NdpConfig;
import org.sockstack.stack.device.ChannelDevice;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.Ipv6Address;
import org.sockstack.spi.catalog.Catalog;
import org.sockstack.spi.stack.StackProvider;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

/**
 * The IPv6 worlds of the differential tests. Host: one process on ::1. Stack: two user-space
 * stacks on a channel pair with 2001:db8::1/64 and 2001:db8::2/64 (and 192.0.2.1/.2 for the
 * raw IPv4 tests); Duplicate Address Detection is off so the addresses are usable at once.
 */
final class Ipv6Networks {
    private Ipv6Networks() {
    }

    /** An environment whose peers' addresses are IPv6, with the IPv4 ones beside them. */
    interface Env6 extends TestNetworks.Env {
        /** Peer A's IPv4 address (stack world only). */
        InetAddress addr4A();

        InetAddress addr4B();

        /**
         * Peer A's stack counter {@code name}, read on A's event loop (stack world only): whatever
         * A's loop did before, such as sending the frame a test just received, is counted.
         */
        long counterA(String name);
    }

    static Env6 host() {
        TestNetworks.Env h = TestNetworks.host();
        InetAddress lo6 = TestNetworks.ip("::1");
        return new Env6() {
            public String name() {
                return "host";
            }

            public Ws2Process a() {
                return h.a();
            }

            public Ws2Process b() {
                return h.b();
            }

            public InetAddress addrA() {
                return lo6;
            }

            public InetAddress addrB() {
                return lo6;
            }

            public InetAddress addr4A() {
                return h.addrA();
            }

            public InetAddress addr4B() {
                return h.addrB();
            }

            public long counterA(String name) {
                throw new UnsupportedOperationException("the host world has no stack counters");
            }

            public void close() {
                h.close();
            }
        };
    }

    static Env6 stacks() {
        TestNetworks.StackNode na = TestNetworks.node("stack6A", "02:00:00:00:6a:01", 11);
        TestNetworks.StackNode nb = TestNetworks.node("stack6B", "02:00:00:00:6b:02", 12);
        ChannelDevice.pair(na.device(), nb.device());
        configure(na, "192.0.2.1", "2001:db8::1");
        configure(nb, "192.0.2.2", "2001:db8::2");
        na.loop().start();
        nb.loop().start();
        awaitUsable(na, "2001:db8::1");
        awaitUsable(nb, "2001:db8::2");
        Catalog ca = TestNetworks.stackCatalog();
        Ws2Process pa = TestNetworks.started(ca, new ProviderRegistry(false).register(new StackProvider.Factory(na.stack())));
        Ws2Process pb = TestNetworks.started(TestNetworks.stackCatalog(),
                new ProviderRegistry(false).register(new StackProvider.Factory(nb.stack())));
        return new Env6() {
            public String name() {
                return "stack";
            }

            public TestNetworks.StackNode nodeA() {
                return na;
            }

            public Ws2Process a() {
                return pa;
            }

            public Ws2Process b() {
                return pb;
            }

            public InetAddress addrA() {
                return TestNetworks.ip("2001:db8::1");
            }

            public InetAddress addrB() {
                return TestNetworks.ip("2001:db8::2");
            }

            public InetAddress addr4A() {
                return TestNetworks.ip("192.0.2.1");
            }

            public InetAddress addr4B() {
                return TestNetworks.ip("192.0.2.2");
            }

            public long counterA(String name) {
                try {
                    return na.loop().submit(() -> na.stack().counters().get(name)).get(10, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new AssertionError("reading " + name + " on A's loop", e);
                }
            }

            public void close() {
                while (pa.startupCount() > 0) {
                    pa.cleanup();
                }
                while (pb.startupCount() > 0) {
                    pb.cleanup();
                }
                na.loop().close();
                nb.loop().close();
                na.device().close();
                nb.device().close();
            }
        };
    }

    private static void configure(TestNetworks.StackNode n, String v4, String v6) {
        n.stack().setNdpConfig(NdpConfig.DEFAULT.withDupAddrDetectTransmits(0).withRouterSolicitations(false));
        NetworkInterface iface = n.stack().addInterface(n.device());
        n.stack().addIpv4Address(iface, Ipv4Address.parse(v4), 24);
        n.stack().addIpv6Address(iface, Ipv6Address.parse(v6), 64);
    }

    private static void awaitUsable(TestNetworks.StackNode n, String v6) {
        Ipv6Address a = Ipv6Address.parse(v6);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            boolean usable = n.loop().submit(() -> {
                var f = n.stack().interfaces().get(0).findIpv6(a);
                return f != null && f.usable();
            }).join();
            if (usable) {
                return;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new AssertionError(v6 + " never became usable");
    }
}
