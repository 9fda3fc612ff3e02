package org.sockstack.testbed.services;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.sockstack.stack.Stack;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.socket.SocketEvents;
import org.sockstack.stack.tcp.TcpInfo;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A small HTTP/1.1 server (RFC 9112) on the stack: {@code GET /bytes/N} returns N octets of
 * {@link HttpContent}, {@code GET /} a status page with the stack's counters and connection
 * table (like {@code ss -ti}). Persistent connections and pipelined requests are supported;
 * request heads are bounded (16 KiB) and anything malformed gets 400 and a close.
 */
public final class HttpServer {
    static final int MAX_HEAD = 16 * 1024;
    static final long MAX_BYTES = 1L << 40;
    private static final byte[] CHUNK = new byte[64 * 1024];

    static {
        HttpContent.fill(CHUNK, 0, CHUNK.length, 0);
    }

    private HttpServer() {
    }

    /** Starts listening on {@code port}. Event loop thread. */
    public static TcpServer start(Stack stack, int port) {
        return TcpServer.listen(stack, port, 128, socket -> new Session());
    }

    /** Starts listening on {@code port} of {@code address} (0.0.0.0 or ::). Event loop thread. */
    public static TcpServer start(Stack stack, org.sockstack.stack.wire.IpAddress address, int port) {
        return TcpServer.listen(stack, address, port, 128, socket -> new Session());
    }

    /**
     * The status page ({@code GET /}): the stack's TCP connections (like {@code ss -ti}) and its
     * counters. Event loop thread. The Winsock-API server of {@code sockstack serve} shows it too.
     */
    public static String statusPage(Stack stack, long now) {
        StringBuilder sb = new StringBuilder(4096);
        sb.append("<!doctype html><html><head><title>sockstack</title></head><body>\n");
        sb.append("<h1>sockstack</h1>\n<h2>TCP connections</h2>\n<pre>\n");
        for (TcpInfo info : stack.tcp().connections(now)) {
            sb.append(escape(info.toString())).append('\n');
        }
        sb.append("</pre>\n<h2>Counters</h2>\n<pre>\n").append(escape(stack.counters().format(true)));
        sb.append("</pre>\n</body></html>\n");
        return sb.toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** One HTTP connection: read a request head, send the response (streaming large bodies), repeat. */
    static final class Session extends TcpServer.Session {
        private final ByteBuf in = PooledByteBufAllocator.DEFAULT.heapBuffer(1024, MAX_HEAD);
        private byte[] head;          // response head still to send
        private int headSent;
        private long bodyRemaining;    // generated /bytes body still to send
        private long bodyPosition;
        private byte[] page;          // fixed body (status page, errors) still to send
        private int pageSent;
        private boolean closeAfter;
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
            while (!done) {
                if (responding()) {
                    if (!sendResponse()) {
                        return; // wait for WRITABLE
                    }
                    if (closeAfter) {
                        finish(false);
                        return;
                    }
                    continue;
                }
                int end = headEnd();
                if (end >= 0) {
                    handleRequest(end);
                    continue;
                }
                if (in.readableBytes() >= MAX_HEAD) {
                    respond(431, "Request Header Fields Too Large", true, null);
                    continue;
                }
                if (!readMore()) {
                    return;
                }
            }
        }

        private boolean readMore() {
            in.discardReadBytes();
            in.ensureWritable(Math.min(4096, MAX_HEAD - in.writerIndex()));
            int n = socket.receive(in, now());
            if (n > 0) {
                return true;
            }
            if (n == 0 || socket.lastError() != SocketError.WOULD_BLOCK) {
                // End of stream (or an error) between requests: we are done.
                finish(n != 0);
            }
            return false;
        }

        private int headEnd() {
            int from = in.readerIndex();
            int to = in.writerIndex();
            for (int i = from; i + 3 < to; i++) {
                if (in.getByte(i) == '\r' && in.getByte(i + 1) == '\n' && in.getByte(i + 2) == '\r'
                        && in.getByte(i + 3) == '\n') {
                    return i + 4;
                }
            }
            return -1;
        }

        private void handleRequest(int end) {
            String text = in.toString(in.readerIndex(), end - in.readerIndex(), StandardCharsets.ISO_8859_1);
            in.readerIndex(end);
            String[] lines = text.split("\r\n");
            String[] request = lines[0].split(" ");
            if (request.length != 3 || !request[2].startsWith("HTTP/1.")) {
                respond(400, "Bad Request", true, null);
                return;
            }
            boolean http10 = request[2].equals("HTTP/1.0");
            boolean close = http10;
            for (int i = 1; i < lines.length; i++) {
                String l = lines[i].toLowerCase(Locale.ROOT);
                if (l.startsWith("connection:")) {
                    close = l.contains("close") || (http10 && !l.contains("keep-alive"));
                }
                if (l.startsWith("content-length:") && !l.substring(15).trim().equals("0")) {
                    respond(413, "Content Too Large", true, null); // requests carry no body here
                    return;
                }
            }
            String method = request[0];
            if (!method.equals("GET") && !method.equals("HEAD")) {
                respond(405, "Method Not Allowed", true, null);
                return;
            }
            boolean headOnly = method.equals("HEAD");
            String path = request[1];
            if (path.startsWith("/bytes/")) {
                long n = parseLength(path.substring(7));
                if (n < 0) {
                    respond(400, "Bad Request", close, null);
                    return;
                }
                startResponse(200, "OK", "application/octet-stream", n, close);
                bodyRemaining = headOnly ? 0 : n;
                bodyPosition = 0;
            } else if (path.equals("/")) {
                byte[] body = statusPage().getBytes(StandardCharsets.UTF_8);
                startResponse(200, "OK", "text/html; charset=utf-8", body.length, close);
                page = headOnly ? null : body;
            } else {
                respond(404, "Not Found", close, null);
            }
        }

        private static long parseLength(String s) {
            if (s.isEmpty() || s.length() > 13 || !s.chars().allMatch(Character::isDigit)) {
                return -1;
            }
            long n = Long.parseLong(s);
            return n <= MAX_BYTES ? n : -1;
        }

        private void respond(int status, String reason, boolean close, String bodyText) {
            byte[] body = ((bodyText != null ? bodyText : status + " " + reason) + "\n").getBytes(StandardCharsets.UTF_8);
            startResponse(status, reason, "text/plain; charset=utf-8", body.length, close);
            page = body;
        }

        private void startResponse(int status, String reason, String type, long length, boolean close) {
            String h = "HTTP/1.1 " + status + " " + reason + "\r\n"
                    + "Server: sockstack\r\n"
                    + "Content-Type: " + type + "\r\n"
                    + "Content-Length: " + length + "\r\n"
                    + (close ? "Connection: close\r\n" : "")
                    + "\r\n";
            head = h.getBytes(StandardCharsets.ISO_8859_1);
            headSent = 0;
            page = null;
            pageSent = 0;
            bodyRemaining = 0;
            closeAfter = close;
        }

        private boolean responding() {
            return head != null;
        }

        /** Sends as much as fits; true when the whole response has been queued. */
        private boolean sendResponse() {
            if (headSent < head.length && !write(head, headSent, head.length - headSent, true)) {
                return false;
            }
            if (page != null && pageSent < page.length && !write(page, pageSent, page.length - pageSent, false)) {
                return false;
            }
            while (bodyRemaining > 0) {
                int off = (int) (bodyPosition & 63);
                int len = (int) Math.min(bodyRemaining, CHUNK.length - 64);
                int n = socket.send(CHUNK, off, len, now());
                if (n <= 0) {
                    if (n < 0 && socket.lastError() != SocketError.WOULD_BLOCK) {
                        finish(true);
                    }
                    return false;
                }
                bodyRemaining -= n;
                bodyPosition += n;
            }
            head = null;
            page = null;
            return true;
        }

        private boolean write(byte[] data, int off, int len, boolean isHead) {
            int n = socket.send(data, off, len, now());
            if (n < 0) {
                if (socket.lastError() != SocketError.WOULD_BLOCK) {
                    finish(true);
                }
                return false;
            }
            if (isHead) {
                headSent += n;
            } else {
                pageSent += n;
            }
            return n == len;
        }

        private String statusPage() {
            return HttpServer.statusPage(stack, now());
        }

        @Override
        protected void released() {
            done = true;
            if (in.refCnt() > 0) {
                in.release();
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
}
