package org.sockstack.stack.socket;

/**
 * Readiness events of the stack's sockets, as a bit set. The SPI maps them to Winsock's FD_*
 * network events; the API's select/poll are built on them.
 */
public final class SocketEvents {
    /** Data (or a datagram, or end-of-stream) can be read without blocking. */
    public static final int READABLE = 1;
    /** Data can be written without blocking. */
    public static final int WRITABLE = 1 << 1;
    /** A connection completed (the active open succeeded). */
    public static final int CONNECTED = 1 << 2;
    /** A listening socket has a connection to accept. */
    public static final int ACCEPTABLE = 1 << 3;
    /** The peer closed its direction (FIN received) or the connection ended. */
    public static final int CLOSED = 1 << 4;
    /** An error is pending (read it with the socket's error()). */
    public static final int ERROR = 1 << 5;
    /** Urgent (out-of-band) data is available. */
    public static final int URGENT = 1 << 6;

    private SocketEvents() {
    }

    public static String toString(int events) {
        StringBuilder sb = new StringBuilder();
        String[] names = {"READABLE", "WRITABLE", "CONNECTED", "ACCEPTABLE", "CLOSED", "ERROR", "URGENT"};
        for (int i = 0; i < names.length; i++) {
            if ((events & (1 << i)) != 0) {
                sb.append(sb.isEmpty() ? "" : "|").append(names[i]);
            }
        }
        return sb.isEmpty() ? "NONE" : sb.toString();
    }
}
