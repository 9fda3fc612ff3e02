package org.sockstack.testbed.apps;

import org.sockstack.api.Winsock;
import org.sockstack.spi.WsaData;
import org.sockstack.spi.wsa.SockAddr;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;
import org.sockstack.testbed.services.HttpContent;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

import static org.sockstack.spi.wsa.Wsa.INVALID_SOCKET;
import static org.sockstack.spi.wsa.Wsa.SOCKET_ERROR;

/**
 * A small HTTP/1.1 server (RFC 9112) written as a Winsock program, one thread per connection:
 * {@code GET /bytes/N} answers N octets of {@link HttpContent} (deterministic, so a client can
 * check them), {@code GET /} a status page (its body comes from the embedding program: the
 * stack's connections and counters in {@code sockstack serve}), HEAD likewise without the body.
 * Connections are kept alive (RFC 9112 9.3) unless the client asks to close or speaks HTTP/1.0
 * without keep-alive. Requests carry no body here; one that does gets 413.
 */
public final class ApiHttpServer implements AutoCloseable {
    static final int MAX_HEAD = 16 * 1024;
    static final long MAX_BYTES = 1L << 40;
    private static final byte[] CHUNK = new byte[64 * 1024];

    static {
        HttpContent.fill(CHUNK, 0, CHUNK.length, 0);
    }

    private final Winsock ws;
    private final List<Long> listeners;
    private final Supplier<String> statusPage;
    private final List<Thread> threads = new ArrayList<>();

    private ApiHttpServer(Winsock ws, List<Long> listeners, Supplier<String> statusPage) {
        this.ws = ws;
        this.listeners = listeners;
        this.statusPage = statusPage;
        for (long s : listeners) {
            threads.add(Thread.ofVirtual().name("http-accept").start(() -> acceptLoop(s)));
        }
    }

    /**
     * WSAStartup, then a listening socket on {@code port} of each address (0.0.0.0, ::, ...).
     * {@code statusPage} makes the HTML of {@code GET /}.
     */
    public static ApiHttpServer start(Winsock ws, List<InetAddress> addresses, int port, Supplier<String> statusPage) {
        int err = ws.WSAStartup(Wsa.makeVersion(2, 2), new WsaData());
        if (err != 0) {
            throw new IllegalStateException("WSAStartup failed: " + WsaError.name(err));
        }
        List<Long> sockets = new ArrayList<>();
        for (InetAddress a : addresses) {
            int af = a.getAddress().length == 4 ? Wsa.AF_INET : Wsa.AF_INET6;
            long s = ws.socket(af, Wsa.SOCK_STREAM, Wsa.IPPROTO_TCP);
            if (s == INVALID_SOCKET || ws.bind(s, SockAddr.inet(a, port)) == SOCKET_ERROR
                    || ws.listen(s, 128) == SOCKET_ERROR) {
                String why = WsaError.name(ws.WSAGetLastError());
                ws.WSACleanup(); // closes the sockets opened so far
                throw new IllegalStateException("HTTP server on " + a.getHostAddress() + " port " + port + ": " + why);
            }
            sockets.add(s);
        }
        return new ApiHttpServer(ws, sockets, statusPage);
    }

    /** The port of the first listening socket (useful after binding port 0). */
    public int port() {
        org.sockstack.spi.wsa.Ref<SockAddr> name = new org.sockstack.spi.wsa.Ref<>();
        ws.getsockname(listeners.get(0), name);
        return name.value.toInet().getPort();
    }

    private void acceptLoop(long listener) {
        while (true) {
            long c = ws.accept(listener, null);
            if (c == INVALID_SOCKET) {
                return; // the listening socket was closed
            }
            Thread.ofVirtual().name("http-connection").start(() -> {
                serve(c);
                ws.closesocket(c);
            });
        }
    }

    // ------------------------------------------------------------------ one connection

    /** Reads request heads and answers them until the client closes or a response says close. */
    private void serve(long s) {
        ByteBuffer in = ByteBuffer.allocate(MAX_HEAD);
        while (true) {
            int end;
            while ((end = headEnd(in)) < 0) {
                if (!in.hasRemaining()) {
                    respond(s, 431, "Request Header Fields Too Large", true);
                    return;
                }
                if (ws.recv(s, in, 0) <= 0) {
                    return; // end of stream (or an error) between requests
                }
            }
            String head = new String(in.array(), 0, end, StandardCharsets.ISO_8859_1);
            // Keep what follows the head (a pipelined request) at the start of the buffer.
            in.flip().position(end);
            in.compact();
            if (!handle(s, head)) {
                return;
            }
        }
    }

    /** Index just past the blank line ending the head (CRLF CRLF), or -1. */
    private static int headEnd(ByteBuffer in) {
        byte[] b = in.array();
        for (int i = 0; i + 3 < in.position(); i++) {
            if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                return i + 4;
            }
        }
        return -1;
    }

    /** Answers one request: true to keep the connection. */
    private boolean handle(long s, String head) {
        String[] lines = head.split("\r\n");
        String[] request = lines[0].split(" ");
        if (request.length != 3 || !request[2].startsWith("HTTP/1.")) {
            return respond(s, 400, "Bad Request", true);
        }
        boolean http10 = request[2].equals("HTTP/1.0");
        boolean close = http10;
        for (int i = 1; i < lines.length; i++) {
            String l = lines[i].toLowerCase(Locale.ROOT);
            if (l.startsWith("connection:")) {
                close = l.contains("close") || (http10 && !l.contains("keep-alive"));
            }
            if (l.startsWith("content-length:") && !l.substring(15).trim().equals("0")) {
                return respond(s, 413, "Content Too Large", true);
            }
        }
        String method = request[0];
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return respond(s, 405, "Method Not Allowed", true);
        }
        boolean headOnly = method.equals("HEAD");
        String path = request[1];
        if (path.startsWith("/bytes/")) {
            long n = parseLength(path.substring(7));
            if (n < 0) {
                return respond(s, 400, "Bad Request", close);
            }
            return sendHead(s, 200, "OK", "application/octet-stream", n, close)
                    && (headOnly || sendContent(s, n)) && !close;
        }
        if (path.equals("/")) {
            byte[] body = statusPage.get().getBytes(StandardCharsets.UTF_8);
            return sendHead(s, 200, "OK", "text/html; charset=utf-8", body.length, close)
                    && (headOnly || sendAll(s, body, body.length)) && !close;
        }
        return respond(s, 404, "Not Found", close);
    }

    private static long parseLength(String s) {
        if (s.isEmpty() || s.length() > 13 || !s.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        long n = Long.parseLong(s);
        return n <= MAX_BYTES ? n : -1;
    }

    /** A short text response ("404 Not Found"): true to keep the connection. */
    private boolean respond(long s, int status, String reason, boolean close) {
        byte[] body = (status + " " + reason + "\n").getBytes(StandardCharsets.UTF_8);
        return sendHead(s, status, reason, "text/plain; charset=utf-8", body.length, close)
                && sendAll(s, body, body.length) && !close;
    }

    private boolean sendHead(long s, int status, String reason, String type, long length, boolean close) {
        String h = "HTTP/1.1 " + status + " " + reason + "\r\n"
                + "Server: sockstack\r\n"
                + "Content-Type: " + type + "\r\n"
                + "Content-Length: " + length + "\r\n"
                + (close ? "Connection: close\r\n" : "")
                + "\r\n";
        byte[] b = h.getBytes(StandardCharsets.ISO_8859_1);
        return sendAll(s, b, b.length);
    }

    /** The first {@code n} octets of {@link HttpContent}: CHUNK holds whole 64-octet lines, so slices line up. */
    private boolean sendContent(long s, long n) {
        long sent = 0;
        while (sent < n) {
            int off = (int) (sent & 63);
            int len = (int) Math.min(n - sent, CHUNK.length - 64);
            if (ws.send(s, ByteBuffer.wrap(CHUNK, off, len), 0) == SOCKET_ERROR) {
                return false;
            }
            sent += len; // a blocking send takes all of it
        }
        return true;
    }

    private boolean sendAll(long s, byte[] b, int len) {
        return ws.send(s, b, len, 0) != SOCKET_ERROR;
    }

    /** Closes the listening sockets (connections in progress finish on their own), then WSACleanup. */
    @Override
    public void close() {
        for (long s : listeners) {
            ws.closesocket(s);
        }
        for (Thread t : threads) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ws.WSACleanup();
    }
}
