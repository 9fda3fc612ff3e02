package org.sockstack.stack.socket;

/**
 * Told when a stack socket's readiness changes. Called on the event loop thread, so it must not
 * block: the SPI's listener records the events and wakes waiting threads.
 */
@FunctionalInterface
public interface SocketListener {
    SocketListener NONE = events -> { };

    /** {@code events} is a {@link SocketEvents} bit set of what became true. */
    void onEvents(int events);
}
