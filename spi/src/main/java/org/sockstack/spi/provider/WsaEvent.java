package org.sockstack.spi.provider;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A manual-reset event object (WSAEVENT): set stays set until reset. Waiting works for platform
 * and virtual threads alike (a lock and a condition, no monitors held while parked).
 */
public final class WsaEvent {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition signalled = lock.newCondition();
    private final String name;
    private boolean set;
    private volatile boolean closed;
    /** Run after every set: a wait on several events at once (WSAWaitForMultipleEvents) watches each. */
    private final List<Runnable> watchers = new CopyOnWriteArrayList<>();

    public WsaEvent() {
        this("event");
    }

    public WsaEvent(String name) {
        this.name = name;
    }

    public void set() {
        lock.lock();
        try {
            set = true;
            signalled.signalAll();
        } finally {
            lock.unlock();
        }
        for (Runnable w : watchers) {
            w.run();
        }
    }

    /** Runs {@code watcher} (which must not block) after each {@link #set} until removed. */
    public void addWatcher(Runnable watcher) {
        watchers.add(watcher);
    }

    public void removeWatcher(Runnable watcher) {
        watchers.remove(watcher);
    }

    public void reset() {
        lock.lock();
        try {
            set = false;
        } finally {
            lock.unlock();
        }
    }

    public boolean isSet() {
        lock.lock();
        try {
            return set;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until set; false on time-out ({@code millis} &lt; 0: forever). */
    public boolean await(long millis) throws InterruptedException {
        lock.lock();
        try {
            long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
            while (!set) {
                if (millis < 0) {
                    signalled.await();
                } else {
                    if (nanos <= 0) {
                        return false;
                    }
                    nanos = signalled.awaitNanos(nanos);
                }
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** WSACloseEvent: the handle is no longer valid. */
    public void close() {
        closed = true;
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "WsaEvent[" + name + (isSet() ? " set" : "") + "]";
    }
}
