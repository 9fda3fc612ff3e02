package org.sockstack.api.nio;

import org.sockstack.api.Winsock;

/**
 * What the {@link WsSelector} needs from a channel: its socket handle and how the select sets
 * (read, write, except) become NIO ready operations.
 */
interface WsChannel {
    /** The socket under the channel (a pipe end's is its connection's). */
    ChannelSocket channelSocket();

    default Winsock winsock() {
        return channelSocket().ws;
    }

    /** The SOCKET handle (still the old value after a close: check {@code isOpen()} first). */
    default long handle() {
        return channelSocket().handle;
    }

    /**
     * The ready operations for a select result: {@code read}, {@code write} and {@code except}
     * say in which sets the handle came back; only operations in {@code interest} are reported.
     */
    int translateReadySet(boolean read, boolean write, boolean except, int interest);

    /** {@code op} if the handle came back in its set ({@code inSet}) and the key is interested in it, else 0. */
    static int readyIf(boolean inSet, int interest, int op) {
        return inSet && (interest & op) != 0 ? op : 0;
    }
}
