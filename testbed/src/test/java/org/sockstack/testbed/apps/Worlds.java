package org.sockstack.testbed.apps;

import org.sockstack.api.Winsock;
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
 * The two worlds the applications run in (a copy of the api module's test helper), each with two
 * processes A and B: host = two host-provider processes on 127.0.0.1; stack = two user-space
 * stacks on real clocks joined by a channel-device pair, 192.0.2.1/24 (A) and 192.0.2.2/24 (B).
 */
final class Worlds {
    private Worlds() {
    }

    interface World extends AutoCloseable {
        Winsock a();

        Winsock b();

        InetAddress addrA();

        InetAddress addrB();

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

    static void cleanupAll(Winsock ws) {
        while (ws.process().startupCount() > 0) {
            ws.WSACleanup();
        }
    }

    private record World2(Winsock a, Winsock b, InetAddress addrA, InetAddress addrB, Runnable closer)
            implements World {
        @Override
        public void close() {
            cleanupAll(a);
            cleanupAll(b);
            closer.run();
        }
    }

    static World host() {
        InetAddress lo = ip("127.0.0.1");
        return new World2(Processes.host(), Processes.host(), lo, lo, () -> { });
    }

    private record Node(EventLoop loop, Stack stack, ChannelDevice device) { }

    private static Node node(String name, String mac, long seed) {
        EventLoop loop = new EventLoop(name, Clock.system());
        Stack stack = new Stack(loop, StackConfig.defaults(name).withSeed(seed), TcpConfig.DEFAULT);
        return new Node(loop, stack, new ChannelDevice(name + "0", MacAddress.parse(mac), 1500));
    }

    private static void configure(Node n, String address) {
        NetworkInterface i = n.stack.addInterface(n.device);
        n.stack.addIpv4Address(i, Ipv4Address.parse(address), 24);
        n.loop.start();
    }

    /** Stack.close on its loop: frames still waiting for ARP are released (the leak check). */
    private static void release(Node n) {
        try {
            n.loop.submit(() -> {
                n.stack.close();
                return null;
            }).get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static World stacks() {
        Node na = node("appA", "02:00:00:00:0a:01", 1);
        Node nb = node("appB", "02:00:00:00:0b:02", 2);
        ChannelDevice.pair(na.device, nb.device);
        configure(na, "192.0.2.1");
        configure(nb, "192.0.2.2");
        return new World2(Processes.stack(na.stack), Processes.stack(nb.stack), ip("192.0.2.1"), ip("192.0.2.2"),
                () -> {
                    release(na);
                    release(nb);
                    na.loop.close();
                    nb.loop.close();
                    na.device.close();
                    nb.device.close();
                });
    }
}
