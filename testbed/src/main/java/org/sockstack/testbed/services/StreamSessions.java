package org.sockstack.testbed.services;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.socket.SocketEvents;

/**
 * The simple TCP services (RFC 862 echo, RFC 863 discard, RFC 864 character generator), each a
 * {@link TcpServer.Session} driven by readiness events.
 *
 * <p>The sessions of one stack share a {@link #newScratch() scratch array} to copy through: they
 * run on the stack's event loop one at a time and use it only within one event, so a session
 * holds no buffer of its own while its data moves. A connect-echo-close client therefore costs
 * the services no buffer allocation (each echo session used to take a 64 KiB buffer from the
 * pool's arena, under its lock, and give it back at the close).
 */
public final class StreamSessions {
    private static final int CHUNK = 64 * 1024;

    private StreamSessions() {
    }

    /** A scratch array for the sessions of one event loop. */
    public static byte[] newScratch() {
        return new byte[CHUNK];
    }

    /**
     * RFC 862: everything received is sent back. It reads no more than the send buffer has room
     * for, so what it reads is normally queued at once and the session holds nothing. When the
     * send buffer is full it still reads one octet: the send that fails on it arms the writable
     * notification (which, as in Winsock, follows a send that could not complete), and that
     * octet waits in a small buffer of the session's own. Reading stops while anything waits, so
     * the peer is held back by our receive window. At end of stream the rest is sent, then FIN.
     */
    public static final class Echo extends TcpServer.Session {
        private final byte[] scratch;
        /** Octets read but not yet taken by the send buffer; null while there are none. */
        private ByteBuf unsent;
        private boolean done;

        public Echo(byte[] scratch) {
            this.scratch = scratch;
        }

        @Override
        protected void onEvents(int events) {
            if (done) {
                return;
            }
            if ((events & SocketEvents.ERROR) != 0 && socket.error() != SocketError.OK) {
                finish(true);
                return;
            }
            while (!done) {
                if (unsent != null && !sendUnsent()) {
                    return;   // the send buffer is full: on when it is writable again
                }
                int want = Math.max(1, Math.min(socket.writableBytes(), scratch.length));
                int n = socket.receive(scratch, 0, want, now());
                if (n == 0) {
                    finish(false);   // end of stream, and all of it is queued
                    return;
                }
                if (n < 0) {
                    if (socket.lastError() != SocketError.WOULD_BLOCK) {
                        finish(true);
                    }
                    return;
                }
                int sent = socket.send(scratch, 0, n, now());
                if (sent < 0 && socket.lastError() != SocketError.WOULD_BLOCK) {
                    finish(true);
                    return;
                }
                if (sent < n) {
                    int rest = n - Math.max(sent, 0);
                    unsent = PooledByteBufAllocator.DEFAULT.heapBuffer(rest, rest);
                    unsent.writeBytes(scratch, n - rest, rest);
                }
            }
        }

        /** Queues what waits; true once nothing does. */
        private boolean sendUnsent() {
            if (socket.send(unsent, now()) < 0 && socket.lastError() != SocketError.WOULD_BLOCK) {
                finish(true);
                return false;
            }
            if (unsent.isReadable()) {
                return false;
            }
            unsent.release();
            unsent = null;
            return true;
        }

        @Override
        protected void released() {
            done = true;
            if (unsent != null) {
                unsent.release();
                unsent = null;
            }
        }

        private void finish(boolean abort) {
            done = true;
            if (abort) {
                socket.abort(now());
            } else {
                close();
            }
        }
    }

    /** RFC 863: read and throw away; close once the peer has finished sending. */
    public static final class Discard extends TcpServer.Session {
        private final byte[] sink;
        private boolean done;

        public Discard(byte[] scratch) {
            this.sink = scratch;
        }

        @Override
        protected void onEvents(int events) {
            if (done) {
                return;
            }
            while (true) {
                int n = socket.receive(sink, 0, sink.length, now());
                if (n > 0) {
                    continue;
                }
                if (n == 0) {
                    done = true;
                    close();
                } else if (socket.lastError() != SocketError.WOULD_BLOCK) {
                    done = true;
                    socket.abort(now());
                }
                return;
            }
        }
    }

    /**
     * RFC 864: send the rotating 72-character lines of printable ASCII for as long as the peer
     * keeps the connection open; received data is discarded.
     */
    public static final class Chargen extends TcpServer.Session {
        private static final byte[] PATTERN = pattern();
        private final byte[] drain;
        private int offset;
        private boolean done;

        public Chargen(byte[] scratch) {
            this.drain = scratch;
        }

        /** 95 lines of 74 octets: line k starts at printable character k (RFC 864's example). */
        private static byte[] pattern() {
            byte[] p = new byte[95 * 74];
            for (int line = 0; line < 95; line++) {
                for (int i = 0; i < 72; i++) {
                    p[line * 74 + i] = (byte) (' ' + (line + i) % 95);
                }
                p[line * 74 + 72] = '\r';
                p[line * 74 + 73] = '\n';
            }
            return p;
        }

        @Override
        protected void onEvents(int events) {
            if (done) {
                return;
            }
            int r;
            while ((r = socket.receive(drain, 0, drain.length, now())) > 0) {
                // RFC 864: data received is thrown away.
            }
            if (r == 0 || (r < 0 && socket.lastError() != SocketError.WOULD_BLOCK)) {
                done = true;
                socket.abort(now());
                return;
            }
            while (true) {
                int len = Math.min(PATTERN.length - offset, CHUNK);
                int n = socket.send(PATTERN, offset, len, now());
                if (n <= 0) {
                    if (n < 0 && socket.lastError() != SocketError.WOULD_BLOCK) {
                        done = true;
                        socket.abort(now());
                    }
                    return;
                }
                offset = (offset + n) % PATTERN.length;
            }
        }
    }
}
