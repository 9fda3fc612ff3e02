package org.sockstack.spi.provider;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An I/O completion port: completed overlapped operations of the sockets associated with it are
 * queued here with the socket's completion key (GetQueuedCompletionStatus takes them).
 */
public final class CompletionPort {
    /** One completion packet. */
    public record Packet(long completionKey, Overlapped overlapped, int error, int bytesTransferred) { }

    private final LinkedBlockingQueue<Packet> queue = new LinkedBlockingQueue<>();

    public void post(Packet p) {
        queue.add(p);
    }

    /** The next packet, or null after {@code millis} (&lt; 0: forever). */
    public Packet take(long millis) throws InterruptedException {
        return millis < 0 ? queue.take() : queue.poll(millis, TimeUnit.MILLISECONDS);
    }

    public int pending() {
        return queue.size();
    }
}
