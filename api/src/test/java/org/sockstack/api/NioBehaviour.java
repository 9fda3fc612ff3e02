package org.sockstack.api;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sockstack.api.nio.WinsockSelectorProvider;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.NoConnectionPendingException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Iterator;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ordinary java.nio code (channels, selectors, buffers; only the provider is passed in) run over
 * {@link WinsockSelectorProvider} in both worlds: process A serves, process B is the client.
 * Waits are bounded by select time-outs and the class time-out, never by sleeps.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
abstract class NioBehaviour {
    static final long WAIT_MS = 10_000;

    Worlds.World world;
    SelectorProvider pa;
    SelectorProvider pb;

    abstract Worlds.World newWorld();

    /** Whether the world's provider has a loopback interface (pipes need one). */
    abstract boolean hasLoopback();

    @BeforeEach
    void setUp() {
        world = newWorld();
        pa = new WinsockSelectorProvider(world.a());
        pb = new WinsockSelectorProvider(world.b());
    }

    @AfterEach
    void tearDown() {
        world.close();
    }

    InetSocketAddress anyPortA() {
        return new InetSocketAddress(world.addrA(), 0);
    }

    static byte[] pattern(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    // ------------------------------------------------------------------ an ordinary NIO echo server

    /** A single-threaded, selector-driven echo server, as any NIO tutorial writes it. */
    static final class EchoServer implements AutoCloseable {
        final Selector selector;
        final ServerSocketChannel server;
        final Thread thread;
        volatile boolean stop;
        volatile Throwable failure;

        EchoServer(SelectorProvider provider, InetSocketAddress local) throws IOException {
            selector = provider.openSelector();
            server = provider.openServerSocketChannel();
            server.bind(local);
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            thread = Thread.ofPlatform().name("echo-server").start(this::loop);
        }

        SocketAddress address() throws IOException {
            return server.getLocalAddress();
        }

        private void loop() {
            try {
                while (!stop) {
                    selector.select();
                    Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                    while (it.hasNext()) {
                        SelectionKey key = it.next();
                        it.remove();
                        if (!key.isValid()) {
                            continue;
                        }
                        if (key.isAcceptable()) {
                            SocketChannel c = server.accept();
                            if (c != null) {
                                c.configureBlocking(false);
                                c.register(selector, SelectionKey.OP_READ, ByteBuffer.allocate(8192));
                            }
                        } else if (key.isReadable()) {
                            echo(key, true);
                        } else if (key.isWritable()) {
                            echo(key, false);
                        }
                    }
                }
            } catch (Throwable t) {
                failure = t;
            }
        }

        private static void echo(SelectionKey key, boolean read) throws IOException {
            SocketChannel c = (SocketChannel) key.channel();
            ByteBuffer buf = (ByteBuffer) key.attachment();
            if (read && c.read(buf) < 0) {
                c.close();
                return;
            }
            buf.flip();
            c.write(buf);
            buf.compact();
            key.interestOps(buf.position() > 0 ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }

        @Override
        public void close() throws Exception {
            stop = true;
            selector.wakeup();
            thread.join(WAIT_MS);
            assertFalse(thread.isAlive(), "the server's selector did not wake up");
            for (SelectionKey k : selector.keys()) {
                k.channel().close();
            }
            selector.close();
            server.close();
            if (failure != null) {
                throw new AssertionError("echo server failed", failure);
            }
        }
    }

    /** A non-blocking client: connect, write everything, read the echo back, all from one selector. */
    static byte[] nonBlockingEcho(SelectorProvider provider, SocketAddress server, byte[] data) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(data);
        ByteBuffer in = ByteBuffer.allocate(data.length);
        try (Selector selector = provider.openSelector(); SocketChannel c = provider.openSocketChannel()) {
            c.configureBlocking(false);
            c.setOption(StandardSocketOptions.TCP_NODELAY, true);
            boolean connected = c.connect(server);
            SelectionKey key = c.register(selector, connected ? SelectionKey.OP_READ | SelectionKey.OP_WRITE
                    : SelectionKey.OP_CONNECT);
            while (in.hasRemaining()) {
                if (selector.select(WAIT_MS) == 0) {
                    throw new AssertionError("no progress within " + WAIT_MS + " ms: " + in);
                }
                selector.selectedKeys().clear();
                if (key.isConnectable() && c.finishConnect()) {
                    key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                    continue;
                }
                if (key.isWritable()) {
                    c.write(out);
                    if (!out.hasRemaining()) {
                        key.interestOps(SelectionKey.OP_READ);
                    }
                }
                if (key.isReadable() && c.read(in) < 0) {
                    throw new AssertionError("end of stream after " + in.position() + " bytes");
                }
            }
        }
        return in.array();
    }

    @Test
    void echoServerAndNonBlockingClient() throws Exception {
        try (EchoServer server = new EchoServer(pa, anyPortA())) {
            byte[] data = pattern(200_000, 1);
            assertArrayEquals(data, nonBlockingEcho(pb, server.address(), data));
            byte[] more = pattern(3_000, 2);
            assertArrayEquals(more, nonBlockingEcho(pb, server.address(), more));
        }
    }

    @Test
    void blockingClientWithGatherAndScatter() throws Exception {
        try (EchoServer server = new EchoServer(pa, anyPortA()); SocketChannel c = pb.openSocketChannel()) {
            assertTrue(c.connect(server.address()));
            assertTrue(c.isConnected());
            assertEquals(server.address(), c.getRemoteAddress());
            assertEquals(world.addrB(), ((InetSocketAddress) c.getLocalAddress()).getAddress());
            ByteBuffer[] out = {ByteBuffer.wrap("hello, ".getBytes(StandardCharsets.US_ASCII)),
                ByteBuffer.allocateDirect(5).put("world".getBytes(StandardCharsets.US_ASCII)).flip()};
            assertEquals(12, c.write(out));
            ByteBuffer[] in = {ByteBuffer.allocate(4), ByteBuffer.allocateDirect(8)};
            long got = 0;
            while (got < 12) {
                got += c.read(in);
            }
            assertEquals("hell", new String(in[0].array(), StandardCharsets.US_ASCII));
            byte[] rest = new byte[8];
            in[1].flip().get(rest);
            assertEquals("o, world", new String(rest, StandardCharsets.US_ASCII));

            // Half close: the server sees the end of the stream and closes; we read -1.
            c.shutdownOutput();
            assertThrows(ClosedChannelException.class, () -> c.write(ByteBuffer.wrap(new byte[1])));
            assertEquals(-1, c.read(ByteBuffer.allocate(1)));
        }
    }

    @Test
    void concurrentClientsShareTheServersSelector() throws Exception {
        try (EchoServer server = new EchoServer(pa, anyPortA())) {
            SocketAddress addr = server.address();
            List<CompletableFuture<Boolean>> clients = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                byte[] data = pattern(50_000, 10 + i);
                clients.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return Arrays.equals(data, nonBlockingEcho(pb, addr, data));
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                }));
            }
            for (CompletableFuture<Boolean> c : clients) {
                assertTrue(c.get(WAIT_MS * 3, TimeUnit.MILLISECONDS));
            }
        }
    }

    @Test
    void acceptedChannelsAreBlockingAndFinishConnectCanWait() throws Exception {
        try (ServerSocketChannel s = pa.openServerSocketChannel(); SocketChannel c = pb.openSocketChannel()) {
            s.bind(anyPortA());
            s.configureBlocking(false);
            assertNull(s.accept(), "nothing to accept yet");
            s.configureBlocking(true);
            c.configureBlocking(false);
            c.connect(s.getLocalAddress());
            c.configureBlocking(true);
            assertTrue(c.finishConnect(), "a blocking finishConnect waits for the outcome");
            try (SocketChannel accepted = s.accept()) {
                assertTrue(accepted.isBlocking());
                assertTrue(accepted.isConnected());
                assertEquals(c.getLocalAddress(), accepted.getRemoteAddress());
                assertThrows(AlreadyConnectedException.class, () -> c.connect(s.getLocalAddress()));
            }
        }
    }

    // ------------------------------------------------------------------ connect errors

    @Test
    void nonBlockingConnectToClosedPortFailsAtFinishConnect() throws Exception {
        InetSocketAddress closed;
        try (ServerSocketChannel s = pa.openServerSocketChannel()) {
            s.bind(anyPortA());
            closed = (InetSocketAddress) s.getLocalAddress();
        }
        try (Selector selector = pb.openSelector(); SocketChannel c = pb.openSocketChannel()) {
            c.configureBlocking(false);
            assertThrows(NoConnectionPendingException.class, c::finishConnect);
            assertFalse(c.connect(closed), "a non-blocking connect is pending");
            assertTrue(c.isConnectionPending());
            SelectionKey key = c.register(selector, SelectionKey.OP_CONNECT);
            assertEquals(1, selector.select(WAIT_MS));
            assertTrue(key.isConnectable());
            ConnectException e = assertThrows(ConnectException.class, c::finishConnect);
            assertEquals("Connection refused", e.getMessage());
            assertInstanceOf(WinsockException.class, e.getCause());
            assertFalse(c.isOpen(), "a failed connect closes the channel, as the JDK's does");
        }
    }

    @Test
    void blockingConnectRefusedAndBindInUse() throws Exception {
        try (ServerSocketChannel s = pa.openServerSocketChannel()) {
            s.bind(anyPortA());
            InetSocketAddress taken = (InetSocketAddress) s.getLocalAddress();
            try (ServerSocketChannel t = pa.openServerSocketChannel()) {
                BindException e = assertThrows(BindException.class, () -> t.bind(taken));
                assertEquals("Address already in use", e.getMessage());
            }
            s.close();
            SocketChannel c = pb.openSocketChannel();
            assertThrows(ConnectException.class, () -> c.connect(taken));
            assertFalse(c.isOpen());
        }
    }

    // ------------------------------------------------------------------ selector

    @Test
    void wakeupEndsABlockedSelect() throws Exception {
        try (Selector selector = pb.openSelector(); DatagramChannel idle = pb.openDatagramChannel()) {
            idle.bind(new InetSocketAddress(world.addrB(), 0)).configureBlocking(false);
            idle.register(selector, SelectionKey.OP_READ);
            CompletableFuture<Integer> blocked = CompletableFuture.supplyAsync(() -> {
                try {
                    return selector.select();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            selector.wakeup();
            assertEquals(0, blocked.get(WAIT_MS, TimeUnit.MILLISECONDS));

            // A wake-up before the selection makes the next one return at once; selectNow clears it.
            selector.wakeup();
            assertEquals(0, selector.select(WAIT_MS * 10));
            selector.wakeup();
            assertEquals(0, selector.selectNow());
            long t0 = System.nanoTime();
            assertEquals(0, selector.select(100));
            assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(90), "select(100) waited");
        }
    }

    @Test
    void interruptEndsASelectWithTheStatusKept() throws Exception {
        try (Selector selector = pb.openSelector()) {
            Thread.currentThread().interrupt();
            assertEquals(0, selector.select());
            assertTrue(Thread.interrupted());
        }
    }

    @Test
    void cancelledKeysAreRemovedAndTheChannelCanBlockAgain() throws Exception {
        try (Selector selector = pb.openSelector(); DatagramChannel d = pb.openDatagramChannel()) {
            d.bind(new InetSocketAddress(world.addrB(), 0)).configureBlocking(false);
            SelectionKey key = d.register(selector, SelectionKey.OP_WRITE);
            assertEquals(1, selector.selectNow());
            assertTrue(key.isWritable());
            assertThrows(IllegalBlockingModeException.class, () -> d.configureBlocking(true));
            assertThrows(UnsupportedOperationException.class,
                    () -> selector.selectedKeys().add(key), "the selected-key set cannot grow");
            key.cancel();
            assertTrue(selector.keys().contains(key), "deregistered at the next selection");
            assertEquals(0, selector.selectNow());
            assertFalse(selector.keys().contains(key));
            assertTrue(selector.selectedKeys().isEmpty());
            d.configureBlocking(true);
            assertTrue(d.isBlocking());
            selector.close();
            assertThrows(ClosedSelectorException.class, selector::keys);
        }
    }

    @Test
    void readyOpsFollowInterestAndData() throws Exception {
        try (EchoServer server = new EchoServer(pa, anyPortA()); Selector selector = pb.openSelector();
             SocketChannel c = pb.openSocketChannel()) {
            c.connect(server.address());
            c.configureBlocking(false);
            SelectionKey key = c.register(selector, SelectionKey.OP_READ);
            assertEquals(0, selector.selectNow(), "nothing to read yet");
            key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            assertEquals(1, selector.selectNow());
            assertEquals(SelectionKey.OP_WRITE, key.readyOps());
            selector.selectedKeys().clear();
            key.interestOps(SelectionKey.OP_READ);
            c.write(ByteBuffer.wrap(new byte[] {42}));
            assertEquals(1, selector.select(WAIT_MS));
            assertEquals(SelectionKey.OP_READ, key.readyOps());
            ByteBuffer one = ByteBuffer.allocate(1);
            assertEquals(1, c.read(one));
            assertEquals(0, c.read(ByteBuffer.allocate(1)), "non-blocking read with nothing there");
        }
    }

    // ------------------------------------------------------------------ datagrams

    @Test
    void datagramExchange() throws Exception {
        try (DatagramChannel server = pa.openDatagramChannel(); DatagramChannel client = pb.openDatagramChannel()) {
            server.bind(anyPortA());
            client.bind(new InetSocketAddress(world.addrB(), 0));
            SocketAddress serverAddr = server.getLocalAddress();
            assertEquals(5, client.send(ByteBuffer.wrap("ping!".getBytes(StandardCharsets.US_ASCII)), serverAddr));
            ByteBuffer buf = ByteBuffer.allocate(100);
            SocketAddress from = server.receive(buf);
            assertEquals(client.getLocalAddress(), from);
            assertEquals("ping!", new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII));

            // Connected: read and write; a datagram too large for the buffer is cut.
            client.connect(serverAddr);
            assertTrue(client.isConnected());
            assertThrows(AlreadyConnectedException.class, () -> client.send(ByteBuffer.allocate(1),
                    new InetSocketAddress(world.addrA(), 9)));
            server.send(ByteBuffer.wrap("0123456789".getBytes(StandardCharsets.US_ASCII)), from);
            ByteBuffer small = ByteBuffer.allocate(4);
            assertEquals(4, client.read(small));
            assertEquals("0123", new String(small.array(), StandardCharsets.US_ASCII));
            client.configureBlocking(false);
            assertEquals(0, client.read(ByteBuffer.allocate(4)), "the rest of the datagram is gone");
            client.disconnect();
            assertFalse(client.isConnected());
            assertThrows(NotYetConnectedException.class, () -> client.read(ByteBuffer.allocate(1)));
            assertNull(client.receive(ByteBuffer.allocate(4)), "non-blocking receive with nothing there");
        }
    }

    @Test
    void datagramsThroughASelector() throws Exception {
        try (Selector selector = pa.openSelector(); DatagramChannel server = pa.openDatagramChannel();
             DatagramChannel client = pb.openDatagramChannel()) {
            server.bind(anyPortA()).configureBlocking(false);
            SelectionKey key = server.register(selector, SelectionKey.OP_READ);
            for (int i = 0; i < 3; i++) {
                client.send(ByteBuffer.wrap(new byte[] {(byte) i}), server.getLocalAddress());
            }
            int seen = 0;
            while (seen < 3) {
                assertTrue(selector.select(WAIT_MS) > 0 || key.isReadable(), "a datagram arrives");
                selector.selectedKeys().clear();
                ByteBuffer b = ByteBuffer.allocate(1);
                while (server.receive(b) != null) {
                    assertEquals(seen++, b.get(0));
                    b.clear();
                }
            }
        }
    }

    // ------------------------------------------------------------------ close, options

    @Test
    void closeByAnotherThreadEndsABlockedRead() throws Exception {
        try (EchoServer server = new EchoServer(pa, anyPortA()); SocketChannel c = pb.openSocketChannel()) {
            c.connect(server.address());
            CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> {
                try {
                    c.read(ByteBuffer.allocate(1));
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            c.close();
            // AsynchronousCloseException if the read was waiting, ClosedChannelException if not yet.
            assertInstanceOf(ClosedChannelException.class, reader.get(WAIT_MS, TimeUnit.MILLISECONDS));
            assertThrows(ClosedChannelException.class, () -> c.write(ByteBuffer.allocate(1)));
            assertThrows(ClosedChannelException.class, c::getLocalAddress);
        }
    }

    /** The reader is seen waiting (thread state, no sleep) before the close: AsynchronousCloseException. */
    @Test
    void closeOfAWaitingReadIsAsynchronousClose() throws Exception {
        try (EchoServer server = new EchoServer(pa, anyPortA()); SocketChannel c = pb.openSocketChannel()) {
            c.connect(server.address());
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            waitingReader(c, outcome);
            c.close();
            assertInstanceOf(AsynchronousCloseException.class, outcome.get(WAIT_MS, TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void interruptOfAWaitingReadClosesTheChannel() throws Exception {
        try (EchoServer server = new EchoServer(pa, anyPortA()); SocketChannel c = pb.openSocketChannel()) {
            c.connect(server.address());
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            Thread reader = waitingReader(c, outcome);
            reader.interrupt();
            Throwable thrown = outcome.get(WAIT_MS, TimeUnit.MILLISECONDS);
            assertInstanceOf(ClosedByInterruptException.class, thrown);
            assertFalse(c.isOpen());
        }
    }

    /**
     * A thread blocked in a one-byte read of {@code c} (seen waiting, so what ends the read comes
     * after it started); {@code outcome} gets what the read threw, or null if it returned.
     */
    static Thread waitingReader(SocketChannel c, CompletableFuture<Throwable> outcome) {
        Thread reader = Thread.ofPlatform().start(() -> {
            try {
                c.read(ByteBuffer.allocate(1));
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        });
        awaitWaiting(reader);
        return reader;
    }

    /** Spins (bounded) until {@code t} parks: the state a blocking provider call waits in. */
    static void awaitWaiting(Thread t) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
            assertTrue(System.nanoTime() < end, "the reader never waited");
            Thread.onSpinWait();
        }
    }

    @Test
    void selectWithAnAction() throws Exception {
        try (Selector selector = pb.openSelector(); DatagramChannel d = pb.openDatagramChannel()) {
            d.bind(new InetSocketAddress(world.addrB(), 0)).configureBlocking(false);
            SelectionKey key = d.register(selector, SelectionKey.OP_WRITE, "tag");
            List<Object> seen = new ArrayList<>();
            assertEquals(1, selector.select(k -> seen.add(k.attachment()), WAIT_MS));
            assertEquals(List.of("tag"), seen);
            assertTrue(selector.selectedKeys().isEmpty());
            assertTrue(key.isValid());
        }
    }

    @Test
    void socketOptions() throws Exception {
        try (EchoServer server = new EchoServer(pa, anyPortA()); SocketChannel c = pb.openSocketChannel()) {
            c.setOption(StandardSocketOptions.TCP_NODELAY, true);
            assertTrue(c.getOption(StandardSocketOptions.TCP_NODELAY));
            if (c.supportedOptions().contains(StandardSocketOptions.SO_KEEPALIVE)) {
                c.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
                assertTrue(c.getOption(StandardSocketOptions.SO_KEEPALIVE));
            } else {
                assertThrows(UnsupportedOperationException.class,
                        () -> c.setOption(StandardSocketOptions.SO_KEEPALIVE, true));
            }
            c.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            assertTrue(c.getOption(StandardSocketOptions.SO_REUSEADDR));
            c.setOption(StandardSocketOptions.SO_RCVBUF, 32768);
            assertTrue(c.getOption(StandardSocketOptions.SO_RCVBUF) > 0);
            assertTrue(c.getOption(StandardSocketOptions.SO_SNDBUF) > 0);
            assertEquals(-1, c.getOption(StandardSocketOptions.SO_LINGER));
            c.setOption(StandardSocketOptions.SO_LINGER, 5);
            assertEquals(5, c.getOption(StandardSocketOptions.SO_LINGER));
            c.setOption(StandardSocketOptions.SO_LINGER, -1);
            assertEquals(-1, c.getOption(StandardSocketOptions.SO_LINGER));
            assertThrows(IllegalArgumentException.class, () -> c.setOption(StandardSocketOptions.SO_RCVBUF, -1));
            assertThrows(UnsupportedOperationException.class,
                    () -> c.setOption(StandardSocketOptions.SO_BROADCAST, true));
            assertThrows(UnsupportedOperationException.class, c::socket);
            c.connect(server.address());
            assertEquals(c.getLocalAddress(), c.getLocalAddress());
            assertNotNull(c.getRemoteAddress());
        }
        try (DatagramChannel d = pb.openDatagramChannel()) {
            d.setOption(StandardSocketOptions.SO_BROADCAST, true);
            assertTrue(d.getOption(StandardSocketOptions.SO_BROADCAST));
            d.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 7);
            assertEquals(7, d.getOption(StandardSocketOptions.IP_MULTICAST_TTL));
            d.setOption(StandardSocketOptions.IP_TOS, 0x10);
            assertEquals(0x10, d.getOption(StandardSocketOptions.IP_TOS));
        }
    }

    @Test
    void pipeCarriesBytesAndIsSelectable() throws Exception {
        if (!hasLoopback()) {
            assertThrows(IOException.class, pa::openPipe, "no 127.0.0.1 to build the pipe on");
            return;
        }
        Pipe pipe = pa.openPipe();
        try (Selector selector = pa.openSelector(); Pipe.SourceChannel source = pipe.source();
             Pipe.SinkChannel sink = pipe.sink()) {
            source.configureBlocking(false);
            source.register(selector, SelectionKey.OP_READ);
            assertEquals(0, selector.selectNow());
            sink.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            assertEquals(1, selector.select(WAIT_MS));
            ByteBuffer b = ByteBuffer.allocate(3);
            while (b.hasRemaining()) {
                source.read(b);
            }
            assertEquals("[1, 2, 3]", Arrays.toString(b.array()));
        }
    }
}
