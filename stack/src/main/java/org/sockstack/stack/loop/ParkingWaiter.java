package org.sockstack.stack.loop;

import java.util.concurrent.locks.LockSupport;

/** A {@link Waiter} that parks the loop thread; devices signal input through {@link #wakeup()}. */
public final class ParkingWaiter implements Waiter {
    private volatile Thread waiter;
    private volatile boolean woken;

    @Override
    public void await(long timeoutNanos) {
        if (woken) {
            woken = false;
            return;
        }
        if (timeoutNanos <= 0) {
            return;
        }
        waiter = Thread.currentThread();
        try {
            if (!woken) {
                LockSupport.parkNanos(this, timeoutNanos);
            }
        } finally {
            waiter = null;
            woken = false;
        }
    }

    @Override
    public void wakeup() {
        woken = true;
        Thread t = waiter;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }
}
