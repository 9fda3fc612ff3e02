package org.sockstack.testbed.services;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.socket.SocketEvents;

/**
 * The simple TCP services (RFC 862 echo, RFC 863 discard, RFC 864 character generator), each a
 * {@link TcpServer.Session} driven by readiness events.
 */
public final class StreamSessions {
    private static final int CHUNK = 64 * 1024;

    private StreamSessions() {
    }

    /**
     * RFC 862: everything received is sent back. Reading stops while unsent data waits
     * (back-pressure through the peer's window); at end of stream the rest is sent, then FIN.
     */
    public static final class Echo extends TcpServer.Session {
        private final ByteBuf pending = PooledByteBufAllocator.DEFAULT.directBuffer(CHUNK, CHUNK);
        private boolean eof;
        private boolean done;

        @Override
        protected void onEvents(int events) {
            if (done) {
                return;
            }
            if ((events & SocketEvents.ERROR) != 0 && socket.error() != SocketError.OK) {
                finish(true);
                return;
            }
            while (true) {
                flush();
                if (pending.isReadable() || eof) {
                    break;
                }
                pending.clear();
                int n = socket.receive(pending, now());
                if (n == 0) {
                    eof = true;
                } else if (n < 0) {
                    if (socket.lastError() != SocketError.WOULD_BLOCK) {
                        finish(true);
                        return;
                    }
                    break;
                }
            }
            if (eof && !pending.isReadable()) {
                finish(false);
            }
        }

        private void flush() {
            if (pending.isReadable()) {
                int n = socket.send(pending, now());
                if (n < 0 && socket.lastError() != SocketError.WOULD_BLOCK) {
                    finish(true);
                }
            }
        }

        @Override
        protected void released() {
            done = true;
            if (pending.refCnt() > 0) {
                pending.release();
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
        private final byte[] sink = new byte[CHUNK];
        private boolean done;

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
        private final byte[] drain = new byte[4096];
        private int offset;
        private boolean done;

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
