package org.sockstack.api;

import org.sockstack.api.OverlappedIo.Outcome;
import org.sockstack.spi.provider.BaseTransportProvider;
import org.sockstack.spi.provider.FdSet;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * The end of DisconnectEx / TransmitFile with TF_REUSE_SOCKET, after the FIN went out: wait for
 * the peer's FIN (the graceful disconnect; data still arriving is read and discarded), at most
 * {@link #LIMIT}, then let the provider put a fresh socket under the handle
 * ({@link BaseTransportProvider#reuseSocket}). Windows' DisconnectEx may take as long as the
 * transport's close (TIME-WAIT included); here the old connection finishes its close in the
 * background and only the wait for the peer's FIN delays the completion.
 */
final class SocketReuseWait {
    /** The longest wait for the peer's FIN: a peer that never closes does not hold the handle forever. */
    static final Duration LIMIT = Duration.ofSeconds(5);

    private SocketReuseWait() {
    }

    /** Waits for the peer's FIN (or an error, or {@link #LIMIT}), then reuses: {@code bytes} sent, or the error. */
    static Outcome finish(BaseTransportProvider p, long s, int bytes) {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        ByteBuffer sink = ByteBuffer.allocate(4096);
        while (System.nanoTime() < deadline) {
            IntRef errno = new IntRef();
            FdSet ready = FdSet.of(s);
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000L);
            if (p.select(ready, null, null, Duration.ofMillis(Math.min(left, 50)), errno) == Wsa.SOCKET_ERROR) {
                return new Outcome(OverlappedIo.aborted(errno.value), bytes, 0);
            }
            if (!ready.isSet(s)) {
                continue;
            }
            IntRef n = new IntRef();
            sink.clear();
            int r = p.recv(s, new ByteBuffer[] {sink}, n, new IntRef(0), null, null, null, errno);
            if (r == Wsa.SOCKET_ERROR && errno.value == WsaError.WSAEWOULDBLOCK) {
                continue;
            }
            if (r == Wsa.SOCKET_ERROR && (errno.value == WsaError.WSAENOTSOCK || errno.value == WsaError.WSAEINTR)) {
                return new Outcome(WsaError.WSA_OPERATION_ABORTED, bytes, 0);
            }
            if (r == Wsa.SOCKET_ERROR || n.value == 0) {
                break; // the peer's FIN, or the connection is gone (reset): disconnected either way
            }
        }
        IntRef errno = new IntRef();
        if (p.reuseSocket(s, errno) != 0) {
            return new Outcome(OverlappedIo.aborted(errno.value), bytes, 0);
        }
        return Outcome.ok(bytes);
    }
}
