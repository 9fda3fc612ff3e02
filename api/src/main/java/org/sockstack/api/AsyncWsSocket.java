package org.sockstack.api;

import org.sockstack.spi.provider.Overlapped;
import org.sockstack.spi.provider.WsaEvent;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;

/**
 * An overlapped socket as futures: each call issues one overlapped operation (WSASend, WSARecv,
 * AcceptEx, ConnectEx, TransmitFile) and returns a {@link CompletableFuture} completed from the
 * overlapped's event, with the byte count, or exceptionally with a {@link WinsockException}
 * carrying the WSA code (WSA_OPERATION_ABORTED when the socket is closed meanwhile).
 *
 * <pre>
 *   try (AsyncWsSocket s = AsyncWsSocket.tcp(ws)) {
 *       s.connect(new InetSocketAddress("192.0.2.2", 7)).join();
 *       s.send(ByteBuffer.wrap("hello".getBytes())).join();
 *   }
 * </pre>
 */
public final class AsyncWsSocket implements AutoCloseable {
    private final Winsock ws;
    private final long handle;
    private final int family;
    private volatile boolean closed;

    private AsyncWsSocket(Winsock ws, long handle, int family) {
        this.ws = ws;
        this.handle = handle;
        this.family = family;
    }

    /** WSASocket(af, type, protocol, WSA_FLAG_OVERLAPPED). */
    public static AsyncWsSocket open(Winsock ws, int af, int type, int protocol) throws WinsockException {
        long h = ws.WSASocket(af, type, protocol, null, 0, Wsa.WSA_FLAG_OVERLAPPED);
        if (h == Wsa.INVALID_SOCKET) {
            throw new WinsockException("WSASocket", ws.WSAGetLastError());
        }
        return new AsyncWsSocket(ws, h, af);
    }

    /** A TCP/IPv4 socket. */
    public static AsyncWsSocket tcp(Winsock ws) throws WinsockException {
        return open(ws, Wsa.AF_INET, Wsa.SOCK_STREAM, Wsa.IPPROTO_TCP);
    }

    /** The asynchronous view of a {@link WsSocket}'s handle (closing either closes the socket). */
    public static AsyncWsSocket of(Winsock ws, WsSocket s, int af) {
        return new AsyncWsSocket(ws, s.handle(), af);
    }

    public long handle() {
        return handle;
    }

    public AsyncWsSocket bind(InetSocketAddress local) throws WinsockException {
        check("bind", ws.bind(handle, SockAddr.inet(local)));
        return this;
    }

    public AsyncWsSocket listen(int backlog) throws WinsockException {
        check("listen", ws.listen(handle, backlog));
        return this;
    }

    public InetSocketAddress localAddress() throws WinsockException {
        Ref<SockAddr> a = new Ref<>();
        check("getsockname", ws.getsockname(handle, a));
        return a.value.toInet();
    }

    private void check(String call, int r) throws WinsockException {
        if (r == Wsa.SOCKET_ERROR) {
            throw new WinsockException(call, ws.WSAGetLastError());
        }
    }

    /** A future completed when {@code ov} completes (a virtual thread waits on its event). */
    private static CompletableFuture<Integer> whenDone(String call, Overlapped ov, Runnable onSuccess) {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        Thread.ofVirtual().name("async-" + call).start(() -> {
            try {
                ov.event.await(-1);
            } catch (InterruptedException e) {
                f.completeExceptionally(e);
                return;
            }
            if (ov.status() != 0) {
                f.completeExceptionally(new WinsockException(call, ov.status()));
            } else {
                onSuccess.run();
                f.complete(ov.bytesTransferred());
            }
        });
        return f;
    }

    /** The future of a call that returned at once: pending (wait), done (its event is set too) or failed. */
    private CompletableFuture<Integer> issued(String call, boolean done, Overlapped ov, Runnable onSuccess) {
        int e = done ? 0 : ws.WSAGetLastError();
        if (!done && e != WsaError.WSA_IO_PENDING) {
            return CompletableFuture.failedFuture(new WinsockException(call, e));
        }
        return whenDone(call, ov, onSuccess);
    }

    /** WSASend of every remaining byte; the buffers' positions advance when it completes. */
    public CompletableFuture<Integer> send(ByteBuffer... buffers) {
        Overlapped ov = new Overlapped(new WsaEvent("send"));
        int r = ws.WSASend(handle, buffers, new IntRef(), 0, ov, null);
        return issued("WSASend", r == 0, ov, () -> OverlappedIo.advance(buffers, ov.bytesTransferred()));
    }

    /** WSARecv: the bytes received (0: the peer closed); the buffers' positions advance. */
    public CompletableFuture<Integer> recv(ByteBuffer... buffers) {
        Overlapped ov = new Overlapped(new WsaEvent("recv"));
        int r = ws.WSARecv(handle, buffers, new IntRef(), new IntRef(0), ov, null);
        return issued("WSARecv", r == 0, ov, () -> { });
    }

    private Object extension(java.util.UUID guid) throws WinsockException {
        Ref<Object> fn = new Ref<>();
        check("WSAIoctl", ws.WSAIoctl(handle, Wsa.SIO_GET_EXTENSION_FUNCTION_POINTER, guid, fn, new IntRef(),
                null, null));
        return fn.value;
    }

    /** AcceptEx into a fresh socket of the same family: the connected socket. */
    public CompletableFuture<AsyncWsSocket> accept() {
        try {
            MsWsock.LPFN_ACCEPTEX acceptEx = (MsWsock.LPFN_ACCEPTEX) extension(MsWsock.WSAID_ACCEPTEX);
            AsyncWsSocket child = open(ws, family, Wsa.SOCK_STREAM, Wsa.IPPROTO_TCP);
            int block = SockAddr.SOCKADDR_IN6_SIZE + MsWsock.ACCEPTEX_ADDRESS_EXTRA;
            ByteBuffer out = ByteBuffer.allocate(2 * block);
            Overlapped ov = new Overlapped(new WsaEvent("accept"));
            boolean done = acceptEx.AcceptEx(handle, child.handle, out, 0, block, block, new IntRef(), ov);
            return issued("AcceptEx", done, ov, () -> { }).whenComplete((n, e) -> {
                if (e != null) {
                    child.closeQuietly();
                }
            }).thenApply(n -> child);
        } catch (WinsockException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** ConnectEx (binding to the wildcard address first if the socket is unbound). */
    public CompletableFuture<Void> connect(InetSocketAddress remote) {
        try {
            if (ws.getsockname(handle, new Ref<>()) == Wsa.SOCKET_ERROR) {
                InetAddress any = InetAddress.getByAddress(new byte[family == Wsa.AF_INET6 ? 16 : 4]);
                bind(new InetSocketAddress(any, 0));
            }
            MsWsock.LPFN_CONNECTEX connectEx = (MsWsock.LPFN_CONNECTEX) extension(MsWsock.WSAID_CONNECTEX);
            Overlapped ov = new Overlapped(new WsaEvent("connect"));
            boolean done = connectEx.ConnectEx(handle, SockAddr.inet(remote), null, new IntRef(), ov);
            return issued("ConnectEx", done, ov, () -> { }).thenApply(n -> null);
        } catch (WinsockException e) {
            return CompletableFuture.failedFuture(e);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** TransmitFile of a whole file: the bytes sent. */
    public CompletableFuture<Integer> transmitFile(Path file) {
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        Overlapped ov = new Overlapped(new WsaEvent("transmitfile"));
        boolean done = ws.TransmitFile(handle, ch, 0, 0, ov, null, 0);
        return issued("TransmitFile", done, ov, () -> { }).whenComplete((n, e) -> {
            try {
                ch.close();
            } catch (IOException ignored) {
                // read-only channel: nothing to lose
            }
        });
    }

    private void closeQuietly() {
        try {
            close();
        } catch (WinsockException ignored) {
            // the socket is gone either way
        }
    }

    /** closesocket: pending operations complete with WSA_OPERATION_ABORTED. */
    @Override
    public void close() throws WinsockException {
        if (!closed) {
            closed = true;
            check("closesocket", ws.closesocket(handle));
        }
    }
}
