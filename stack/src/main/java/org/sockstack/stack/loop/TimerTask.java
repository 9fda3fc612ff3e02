package org.sockstack.stack.loop;

/** What a {@link Timer} does when it fires; runs on the event loop with the current time. */
@FunctionalInterface
public interface TimerTask {
    void fire(long now);
}
