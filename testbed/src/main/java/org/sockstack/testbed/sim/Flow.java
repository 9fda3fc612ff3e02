package org.sockstack.testbed.sim;

import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.socket.SocketEvents;
import org.sockstack.stack.tcp.TcpInfo;
import org.sockstack.stack.tcp.TcpSocket;
import org.sockstack.stack.wire.Ipv4Address;

/**
 * One TCP connection of a scenario, driven like a tiny iperf: the sender writes a known byte
 * pattern as fast as the socket takes it (then shuts down its side, in byte mode), the receiver
 * reads everything and checks every byte against the pattern. Both sides are event-driven: their
 * socket listeners run on the hosts' event loops.
 */
final class Flow {
    /** Each flow listens on its own port: flow 1 on 5001, flow 2 on 5002, ... */
    static final int BASE_PORT = 5000;
    private static final int CHUNK = 64 * 1024;

    private final int id;
    private final SimHost sender;
    private final SimHost receiver;
    private final long startNanos;
    private final long bytesToSend;
    private final byte[] chunk = new byte[CHUNK];
    private final byte[] inbox = new byte[CHUNK];
    private TcpSocket listener;
    private TcpSocket client;
    private TcpSocket server;
    private long written;
    private long received;
    private long completedAt = -1;
    private boolean finSent;
    private boolean intact = true;
    private String error;

    /**
     * @param bytesToSend octets to send, then close; 0 sends until the run ends
     */
    Flow(int id, SimHost sender, SimHost receiver, long startNanos, long bytesToSend) {
        this.id = id;
        this.sender = sender;
        this.receiver = receiver;
        this.startNanos = startNanos;
        this.bytesToSend = bytesToSend;
    }

    int id() {
        return id;
    }

    SimHost sender() {
        return sender;
    }

    long startNanos() {
        return startNanos;
    }

    int port() {
        return BASE_PORT + id;
    }

    /** The pattern byte at stream offset {@code offset}: 251 is prime, so it never lines up with segments. */
    static byte patternAt(long offset) {
        return (byte) (offset % 251);
    }

    /** The receiver listens on {@link #port()}; call before the flow starts. */
    void listen() {
        listener = receiver.stack().tcp().open();
        check(listener.bind(new Endpoint(Ipv4Address.ANY, port())), "bind");
        check(listener.listen(1), "listen");
        listener.setListener(events -> accept());
    }

    private static void check(SocketError e, String what) {
        if (e != SocketError.OK) {
            throw new IllegalStateException(what + " failed: " + e);
        }
    }

    /** The sender connects (at {@link #startNanos()}). */
    void start(long now) {
        client = sender.stack().tcp().open();
        client.setListener(this::senderEvents);
        SocketError e = client.connect(new Endpoint(receiver.address(), port()), now);
        if (e != SocketError.IN_PROGRESS && e != SocketError.OK) {
            error = "connect: " + e;
        }
    }

    boolean started() {
        return client != null;
    }

    // ------------------------------------------------------------------ sender

    private void senderEvents(int events) {
        long now = now();
        if ((events & SocketEvents.ERROR) != 0 && client.error() != SocketError.OK) {
            error = "sender: " + client.error();
            return;
        }
        while (!finSent && (bytesToSend == 0 || written < bytesToSend)) {
            int len = (int) (bytesToSend == 0 ? CHUNK : Math.min(CHUNK, bytesToSend - written));
            fillPattern(written, len);
            int n = client.send(chunk, 0, len, now);
            if (n <= 0) {
                return; // WOULD_BLOCK: WRITABLE comes back when ACKs make room
            }
            written += n;
        }
        if (!finSent && bytesToSend > 0) {
            finSent = true;
            client.shutdownSend(now);
        }
    }

    private void fillPattern(long offset, int len) {
        for (int i = 0; i < len; i++) {
            chunk[i] = patternAt(offset + i);
        }
    }

    // ------------------------------------------------------------------ receiver

    private void accept() {
        TcpSocket s = listener.accept();
        if (s == null) {
            return;
        }
        server = s;
        listener.close(now());
        server.setListener(events -> receiverEvents());
        receiverEvents();
    }

    private void receiverEvents() {
        long now = now();
        while (true) {
            int n = server.receive(inbox, 0, inbox.length, now);
            if (n > 0) {
                verify(inbox, n);
                received += n;
                if (bytesToSend > 0 && received == bytesToSend && completedAt < 0) {
                    completedAt = now;
                }
            } else if (n == 0) {
                server.close(now); // end of stream: the sender is done, close our side too
                return;
            } else {
                if (server.lastError() != SocketError.WOULD_BLOCK) {
                    error = "receiver: " + server.lastError();
                }
                return;
            }
        }
    }

    private void verify(byte[] buf, int n) {
        for (int i = 0; i < n && intact; i++) {
            if (buf[i] != patternAt(received + i)) {
                intact = false;
            }
        }
    }

    private long now() {
        return sender.stack().loop().clock().nanos();
    }

    // ------------------------------------------------------------------ what the runner reads

    /** True once every byte arrived (byte mode); never in duration mode. */
    boolean completed() {
        return completedAt >= 0;
    }

    /** When the receiver had read the last byte, or -1. */
    long completedAt() {
        return completedAt;
    }

    long written() {
        return written;
    }

    long received() {
        return received;
    }

    boolean intact() {
        return intact;
    }

    /** The first error seen, or null. */
    String error() {
        return error;
    }

    boolean failed() {
        return error != null;
    }

    /** The sender's {@code ss -ti} view now, or null before it connects. */
    TcpInfo senderInfo(long now) {
        return client == null ? null : client.info(now);
    }

    /** Octets the receiver acknowledged: written minus what still sits in the send buffer. */
    long bytesAcked(TcpInfo info) {
        return Math.max(0, written - info.sendBuffered());
    }

    Endpoint senderEndpoint() {
        return client == null ? null : client.localEndpoint();
    }

    Endpoint receiverEndpoint() {
        return new Endpoint(receiver.address(), port());
    }
}
