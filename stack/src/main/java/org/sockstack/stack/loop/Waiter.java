package org.sockstack.stack.loop;

/**
 * How the event loop thread sleeps between bursts of work, and how other threads wake it.
 * The default parks the thread; a driver whose devices are file descriptors supplies one that
 * blocks in {@code poll(2)} on those descriptors, so a frame arriving wakes the loop directly.
 */
public interface Waiter extends AutoCloseable {

    /**
     * Blocks for at most {@code timeoutNanos} (0 = do not block), or until {@link #wakeup()} is
     * called or, for waiters that watch devices, until a device has input. Spurious returns are
     * allowed.
     */
    void await(long timeoutNanos);

    /** Makes the current or next {@link #await} return promptly. Callable from any thread. */
    void wakeup();

    @Override
    default void close() {
    }
}
