package org.sockstack.api;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.sockstack.spi.wsa.Wsa.FD_CLOSE;
import static org.sockstack.spi.wsa.Wsa.FD_READ;
import static org.sockstack.spi.wsa.WsaError.WSAECONNABORTED;

/** The window message queue WSAAsyncSelect posts to: order, peek/remove, the limit. */
class MessageQueueTest {
    @Test
    void messagesComeInOrderAndPeekCanLeaveThem() {
        MessageQueue q = new MessageQueue();
        assertNull(q.PeekMessage(MessageQueue.PM_REMOVE));
        assertNull(q.getMessage(0));
        q.post(MessageQueue.WM_USER, 7, Winsock.WSAMAKESELECTREPLY(FD_READ, 0));
        q.post(MessageQueue.WM_USER, 7, Winsock.WSAMAKESELECTREPLY(FD_CLOSE, WSAECONNABORTED));
        assertEquals(FD_READ, q.PeekMessage(MessageQueue.PM_NOREMOVE).selectEvent());
        assertEquals(2, q.size(), "PM_NOREMOVE leaves it");
        assertEquals(FD_READ, q.GetMessage().selectEvent());
        MessageQueue.Message m = q.PeekMessage(MessageQueue.PM_REMOVE);
        assertEquals(FD_CLOSE, m.selectEvent());
        assertEquals(WSAECONNABORTED, m.selectError());
        assertEquals(7, m.wParam());
        assertEquals(0, q.size());
    }

    @Test
    void aFullQueueDropsAndCounts() {
        MessageQueue q = new MessageQueue();
        for (int i = 0; i < MessageQueue.LIMIT + 3; i++) {
            q.post(MessageQueue.WM_USER, i, 0);
        }
        assertEquals(MessageQueue.LIMIT, q.size());
        assertEquals(3, q.dropped());
        assertEquals(0, q.GetMessage().wParam(), "the oldest stays first");
    }
}
