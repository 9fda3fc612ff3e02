package org.sockstack.testbed.services;

import org.sockstack.stack.Stack;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.socket.SocketEvents;
import org.sockstack.stack.tcp.TcpSocket;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * An HTTP/1.1 GET over the stack's TCP (the client of {@code sockstack get}): connects, sends the
 * request, reads the response head, then streams the body (Content-Length, or until close) into an
 * {@link OutputStream} while hashing it. Event-driven on the event loop; the result completes a
 * future.
 */
public final class HttpGet {
    private static final int MAX_HEAD = 64 * 1024;

    /**
     * What the fetch gave.
     *
     * @param status     the HTTP status code
     * @param bodyBytes  octets of body received
     * @param sha256     hex SHA-256 of the body
     * @param nanos      time from connect to the last body octet
     */
    public record Result(int status, long bodyBytes, String sha256, long nanos) {
        public double megabitsPerSecond() {
            return nanos <= 0 ? 0 : bodyBytes * 8.0 / nanos * 1000.0;
        }
    }

    private final Stack stack;
    private final TcpSocket socket;
    private final byte[] request;
    private final OutputStream out;
    private final CompletableFuture<Result> result = new CompletableFuture<>();
    private final MessageDigest sha = sha256();
    private final byte[] buf = new byte[64 * 1024];
    private final StringBuilder head = new StringBuilder();
    private int requestSent;
    private boolean headDone;
    private int status;
    private long contentLength = -1;
    private long received;
    private long start;

    private HttpGet(Stack stack, TcpSocket socket, String host, String path, OutputStream out) {
        this.stack = stack;
        this.socket = socket;
        this.out = out;
        this.request = ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: sockstack\r\n"
                + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Starts the fetch. Event loop thread. The body goes to {@code out} (on the loop thread). */
    public static CompletableFuture<Result> start(Stack stack, Endpoint server, String host, String path,
                                                  OutputStream out) {
        TcpSocket s = stack.tcp().open();
        HttpGet get = new HttpGet(stack, s, host, path, out);
        s.setListener(get::onEvents);
        get.start = now(stack);
        SocketError e = s.connect(server, get.start);
        if (e != SocketError.OK && e != SocketError.IN_PROGRESS) {
            get.fail("connect: " + e);
        }
        return get.result;
    }

    private static long now(Stack stack) {
        return stack.loop().clock().nanos();
    }

    private void onEvents(int events) {
        if (result.isDone()) {
            return;
        }
        if ((events & SocketEvents.ERROR) != 0) {
            SocketError e = socket.error();
            if (e != SocketError.OK) {
                fail("connection failed: " + e);
                return;
            }
        }
        if (requestSent < request.length) {
            int n = socket.send(request, requestSent, request.length - requestSent, now(stack));
            if (n > 0) {
                requestSent += n;
            } else if (n < 0 && socket.lastError() != SocketError.WOULD_BLOCK
                    && socket.lastError() != SocketError.NOT_CONNECTED) {
                fail("send: " + socket.lastError());
                return;
            }
        }
        while (true) {
            int n = socket.receive(buf, 0, buf.length, now(stack));
            if (n > 0) {
                if (!consume(n)) {
                    return;
                }
                continue;
            }
            if (n == 0) {
                finish();
            } else if (socket.lastError() != SocketError.WOULD_BLOCK && socket.lastError() != SocketError.NOT_CONNECTED) {
                fail("receive: " + socket.lastError());
            }
            return;
        }
    }

    private boolean consume(int n) {
        int off = 0;
        if (!headDone) {
            for (; off < n; off++) {
                head.append((char) (buf[off] & 0xFF));
                if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                    off++;
                    headDone = true;
                    if (!parseHead()) {
                        return false;
                    }
                    break;
                }
                if (head.length() > MAX_HEAD) {
                    fail("response head too long");
                    return false;
                }
            }
        }
        int body = n - off;
        if (body > 0) {
            sha.update(buf, off, body);
            try {
                out.write(buf, off, body);
            } catch (IOException e) {
                fail("writing the body: " + e.getMessage());
                return false;
            }
            received += body;
        }
        if (headDone && contentLength >= 0 && received >= contentLength) {
            finish();
            return false;
        }
        return true;
    }

    private boolean parseHead() {
        String[] lines = head.toString().split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.")) {
            fail("not an HTTP response: " + lines[0]);
            return false;
        }
        try {
            status = Integer.parseInt(statusLine[1]);
            for (String l : lines) {
                if (l.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    contentLength = Long.parseLong(l.substring(15).trim());
                }
            }
        } catch (NumberFormatException e) {
            fail("bad response head: " + e.getMessage());
            return false;
        }
        return true;
    }

    private void finish() {
        long end = now(stack);
        socket.close(end);
        if (!headDone) {
            fail("connection closed before a response");
            return;
        }
        if (contentLength >= 0 && received < contentLength) {
            fail("body cut short: " + received + " of " + contentLength + " octets");
            return;
        }
        result.complete(new Result(status, received, HexFormat.of().formatHex(sha.digest()), end - start));
    }

    private void fail(String why) {
        if (!socket.isClosed()) {
            socket.abort(now(stack));
        }
        result.completeExceptionally(new IOException(why));
    }
}
