package org.sockstack.spi.host;

import org.sockstack.spi.provider.NetBackend;
import org.sockstack.spi.provider.NetSocket;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.io.IOException;
import java.io.UncheckedIOException;
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
        if (type != Wsa.SOCK_DGRAM) {
            // TCP and raw sockets are not offered over the host yet, as over the stack.
            errno.value = type == Wsa.SOCK_STREAM || type == Wsa.SOCK_RAW ? WsaError.WSAESOCKTNOSUPPORT
                    : WsaError.WSAESOCKTNOSUPPORT;
            return null;
        }
        if (protocol != Wsa.IPPROTO_UDP) {
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
            DatagramChannel ch = DatagramChannel.open(family);
            ch.configureBlocking(false);
            return new HostUdpSocket(this, ch);
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
        try {
            while (sel.isOpen()) {
                sel.select(1000);
                Runnable t;
                while ((t = tasks.poll()) != null) {
                    t.run();
                }
                for (SelectionKey key : sel.selectedKeys()) {
                    if (key.isValid() && key.isReadable()) {
                        ((HostUdpSocket) key.attachment()).drain(receiveBuffer);
                    }
                }
                sel.selectedKeys().clear();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClosedSelectorException e) {
            // shut down
        }
    }

    void register(HostUdpSocket s) {
        onPoller(() -> {
            try {
                if (s.channel().isOpen() && s.channel().keyFor(selector) == null) {
                    s.channel().register(selector, SelectionKey.OP_READ, s);
                }
            } catch (IOException e) {
                // closed meanwhile
            }
        });
    }

    /**
     * Closes a registered channel on the poller and waits: the JDK closes the kernel socket only
     * when the selector deregisters it, and until then the port would still take datagrams (no ICMP
     * port unreachable for a peer that sends right after our close).
     */
    void closeRegistered(DatagramChannel ch) {
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

    private static void closeQuietly(DatagramChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public synchronized void shutdown() {
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
}
