package org.sockstack.spi.host;

import org.sockstack.spi.provider.NetBackend;
import org.sockstack.spi.provider.NetSocket;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The host operating system's stack through JDK NIO. One poller thread owns a {@link Selector}:
 * it reads every arriving datagram into the socket's own bounded queue (so readiness, FIONREAD,
 * peeking and truncation work exactly as over the user-space stack) and records ICMP errors the
 * kernel reports on connected sockets.
 */
public final class HostBackend implements NetBackend {
    private static final System.Logger LOG = System.getLogger(HostBackend.class.getName());
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ByteBuffer receiveBuffer = ByteBuffer.allocateDirect(65536);
    private Selector selector;
    private Thread poller;

    @Override
    public String name() {
        return "Sockstack host provider (JDK NIO)";
    }

    @Override
    public NetSocket open(int af, int type, int protocol, IntRef errno) {
        if (type == Wsa.SOCK_RAW && (af == Wsa.AF_INET || af == Wsa.AF_INET6)) {
            // The JDK cannot open raw sockets. Windows refuses SOCK_RAW to a process without
            // administrative rights with WSAEACCES at socket creation (Winsock "TCP/IP Raw
            // Sockets": "otherwise raw socket calls will fail with an error code of WSAEACCES");
            // the host provider answers as such a process would.
            errno.value = WsaError.WSAEACCES;
            return null;
        }
        if (type != Wsa.SOCK_DGRAM && type != Wsa.SOCK_STREAM) {
            errno.value = WsaError.WSAESOCKTNOSUPPORT;
            return null;
        }
        if (protocol != (type == Wsa.SOCK_STREAM ? Wsa.IPPROTO_TCP : Wsa.IPPROTO_UDP)) {
            errno.value = WsaError.WSAEPROTONOSUPPORT;
            return null;
        }
        StandardProtocolFamily family;
        if (af == Wsa.AF_INET) {
            family = StandardProtocolFamily.INET;
        } else if (af == Wsa.AF_INET6) {
            family = StandardProtocolFamily.INET6;
        } else {
            errno.value = WsaError.WSAEAFNOSUPPORT;
            return null;
        }
        try {
            ensurePoller();
            if (type == Wsa.SOCK_STREAM) {
                java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open(family);
                ch.configureBlocking(false);
                return new HostTcpSocket(this, family, ch, false);
            }
            DatagramChannel ch = DatagramChannel.open(family);
            ch.configureBlocking(false);
            return new HostUdpSocket(this, ch, af == Wsa.AF_INET6);
        } catch (IOException e) {
            errno.value = WsaError.WSAENOBUFS;
            return null;
        }
    }

    private synchronized void ensurePoller() throws IOException {
        if (poller != null) {
            return;
        }
        selector = Selector.open();
        Selector sel = selector;
        poller = Thread.ofPlatform().daemon().name("host-provider-poller").start(() -> pollLoop(sel));
    }

    /** Runs {@code task} on the poller thread (registrations must happen there). */
    void onPoller(Runnable task) {
        Selector sel;
        synchronized (this) {
            sel = selector;
        }
        if (sel == null) {
            return;
        }
        tasks.add(task);
        sel.wakeup();
    }

    private void pollLoop(Selector sel) {
        while (sel.isOpen()) {
            try {
                sel.select(1000);
            } catch (IOException | ClosedSelectorException e) {
                return;
            }
            Runnable t;
            while ((t = tasks.poll()) != null) {
                try {
                    t.run();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "host poller task failed", e);
                }
            }
            try {
                for (SelectionKey key : sel.selectedKeys()) {
                    try {
                        if (key.isValid()) {
                            ((PollerClient) key.attachment()).onReady(key, receiveBuffer);
                        }
                    } catch (java.nio.channels.CancelledKeyException e) {
                        // closed while being served
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.WARNING, "host poller client failed", e);
                    }
                }
                sel.selectedKeys().clear();
            } catch (ClosedSelectorException e) {
                return;
            }
        }
    }

    /** Registers a channel with the poller (on the poller thread). */
    void register(java.nio.channels.SelectableChannel ch, int ops, PollerClient client) {
        onPoller(() -> {
            try {
                if (ch.isOpen() && ch.keyFor(selector) == null) {
                    ch.register(selector, ops, client);
                }
            } catch (IOException e) {
                // closed meanwhile
            }
        });
    }

    /** Adds interest in {@code op} for a registered channel (on the poller thread). */
    void addInterest(java.nio.channels.SelectableChannel ch, int op) {
        onPoller(() -> {
            SelectionKey k = ch.keyFor(selector);
            if (k != null && k.isValid()) {
                k.interestOps(k.interestOps() | op);
            }
        });
    }

    /**
     * Closes a registered channel on the poller and waits: the JDK closes the kernel socket only
     * when the selector deregisters it, and until then the port would still take datagrams (no ICMP
     * port unreachable for a peer that sends right after our close).
     */
    void closeRegistered(java.nio.channels.SelectableChannel ch) {
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        Selector sel;
        synchronized (this) {
            sel = selector;
        }
        if (sel == null || Thread.currentThread() == poller) {
            closeQuietly(ch);
            return;
        }
        onPoller(() -> {
            try {
                SelectionKey k = ch.keyFor(sel);
                if (k != null) {
                    k.cancel();
                }
                closeQuietly(ch);
                sel.selectNow();
            } catch (IOException | ClosedSelectorException e) {
                // closed anyway
            } finally {
                done.complete(null);
            }
        });
        try {
            done.get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            closeQuietly(ch);
        }
    }

    private static void closeQuietly(java.nio.channels.SelectableChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public synchronized void shutdown() {
        if (addressWatcher != null) {
            addressWatcher.interrupt();
            addressWatcher = null;
        }
        if (selector != null) {
            try {
                selector.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            selector = null;
            poller = null;
        }
    }
    // ------------------------------------------------------------------ interfaces and addresses

    /** Polls the JDK's interface list for SIO_ADDRESS_LIST_CHANGE (the JDK offers no notification). */
    private Thread addressWatcher;
    /** How often the address watcher looks. */
    static final long ADDRESS_POLL_MS = 1000;

    /** Every running interface's addresses of the family, as the JDK's NetworkInterface lists them. */
    @Override
    public java.util.List<IfAddress> interfaceAddresses(int af) {
        java.util.List<IfAddress> list = new java.util.ArrayList<>();
        try {
            for (java.net.NetworkInterface ni : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
                if (!ni.isUp()) {
                    continue;
                }
                int flags = IFF_UP | (ni.isLoopback() ? IFF_LOOPBACK : 0) | (ni.isPointToPoint() ? IFF_POINTTOPOINT : 0)
                        | (ni.supportsMulticast() ? IFF_MULTICAST : 0);
                for (java.net.InterfaceAddress ia : ni.getInterfaceAddresses()) {
                    java.net.InetAddress a = ia.getAddress();
                    if ((a instanceof java.net.Inet6Address) != (af == org.sockstack.spi.wsa.Wsa.AF_INET6)) {
                        continue;
                    }
                    list.add(new IfAddress(a, ia.getNetworkPrefixLength(), ia.getBroadcast(),
                            flags | (ia.getBroadcast() != null ? IFF_BROADCAST : 0)));
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot list interfaces", e);
        }
        return list;
    }

    /** The kernel's choice: a UDP socket connected to {@code dst} is bound to the route's source. */
    @Override
    public java.net.InetAddress routeSource(java.net.InetAddress dst) {
        try (java.nio.channels.DatagramChannel probe = java.nio.channels.DatagramChannel.open(
                dst instanceof java.net.Inet6Address ? java.net.StandardProtocolFamily.INET6
                        : java.net.StandardProtocolFamily.INET)) {
            probe.connect(new java.net.InetSocketAddress(dst, 9));
            java.net.InetAddress src = ((java.net.InetSocketAddress) probe.getLocalAddress()).getAddress();
            return src.isAnyLocalAddress() ? null : src;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** A virtual thread compares the address lists every {@link #ADDRESS_POLL_MS} ms. */
    @Override
    public synchronized boolean watchAddresses(Runnable listener) {
        if (addressWatcher == null) {
            addressWatcher = Thread.ofVirtual().name("host-address-watch").start(() -> {
                java.util.Set<java.net.InetAddress> before = addressSet();
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        Thread.sleep(ADDRESS_POLL_MS);
                    } catch (InterruptedException e) {
                        return;
                    }
                    java.util.Set<java.net.InetAddress> now = addressSet();
                    if (!now.equals(before)) {
                        before = now;
                        listener.run();
                    }
                }
            });
        }
        return true;
    }

    private java.util.Set<java.net.InetAddress> addressSet() {
        java.util.Set<java.net.InetAddress> set = new java.util.HashSet<>();
        for (int af : new int[] {org.sockstack.spi.wsa.Wsa.AF_INET, org.sockstack.spi.wsa.Wsa.AF_INET6}) {
            interfaceAddresses(af).forEach(a -> set.add(a.address()));
        }
        return set;
    }
}
