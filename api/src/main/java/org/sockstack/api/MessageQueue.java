package org.sockstack.api;

import org.sockstack.spi.provider.AsyncWindow;
import org.sockstack.spi.wsa.Wsa;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A window's message queue, the target of WSAAsyncSelect: the provider posts
 * {@code (msg, wParam = socket, lParam = WSAMAKESELECTREPLY(event, error))} and the application
 * takes the messages in order with {@link #GetMessage}, {@link #PeekMessage} or a bounded
 * {@link #getMessage(long)}. Like a Windows queue it holds at most {@link #LIMIT} messages; a post
 * to a full queue is dropped (PostMessage fails) and counted.
 *
 * <pre>
 *   MessageQueue window = new MessageQueue();
 *   ws.WSAAsyncSelect(s, window, WM_SOCKET, FD_READ | FD_CLOSE);
 *   MessageQueue.Message m = window.GetMessage();
 *   if (WSAGETSELECTEVENT(m.lParam()) == FD_READ) ...
 * </pre>
 */
public final class MessageQueue implements AsyncWindow {
    /** The default limit of a Windows message queue (USERPostMessageLimit). */
    public static final int LIMIT = 10_000;
    /** WM_USER: the first message number free for an application's own use. */
    public static final int WM_USER = 0x0400;
    /** PeekMessage: PM_NOREMOVE leaves the message in the queue, PM_REMOVE takes it. */
    public static final int PM_NOREMOVE = 0;
    public static final int PM_REMOVE = 1;

    /** One posted message (MSG without the window, time and point). */
    public record Message(int message, long wParam, long lParam) {
        /** WSAGETSELECTEVENT(lParam). */
        public int selectEvent() {
            return Wsa.selectEvent(lParam);
        }

        /** WSAGETSELECTERROR(lParam). */
        public int selectError() {
            return Wsa.selectError(lParam);
        }
    }

    private final LinkedBlockingQueue<Message> queue = new LinkedBlockingQueue<>(LIMIT);
    private final AtomicLong dropped = new AtomicLong();

    @Override
    public void post(int msg, long wParam, long lParam) {
        if (!queue.offer(new Message(msg, wParam, lParam))) {
            dropped.incrementAndGet();
        }
    }

    /** GetMessage: waits for the next message and removes it (null if the thread is interrupted). */
    public Message GetMessage() {
        try {
            return queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** PeekMessage: the next message without waiting (null if none); PM_REMOVE takes it. */
    public Message PeekMessage(int removeMsg) {
        return (removeMsg & PM_REMOVE) != 0 ? queue.poll() : queue.peek();
    }

    /** The next message, waiting at most {@code millis} (null on time-out): GetMessage with a bound. */
    public Message getMessage(long millis) {
        try {
            return queue.poll(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Messages waiting. */
    public int size() {
        return queue.size();
    }

    /** Posts dropped because the queue was full. */
    public long dropped() {
        return dropped.get();
    }
}
