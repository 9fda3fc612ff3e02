package org.sockstack.api;

import org.sockstack.spi.provider.ApcQueue;
import org.sockstack.spi.provider.WsaEvent;
import org.sockstack.spi.wsa.WsaError;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * WSAWaitForMultipleEvents (WaitForMultipleObjectsEx in Windows): waits until one event (or every
 * event) is set, a completion routine queued to the calling thread has run (alertable waits
 * only), or the time-out passes.
 *
 * <p>How it waits: the calling thread watches each event and, when alertable, its own APC queue;
 * every set or queued call unparks it, and it looks again. The checks run in the order Windows'
 * kernel uses: a satisfied wait wins over pending completion routines, which win over the
 * time-out. Events are manual-reset, so satisfying the wait changes nothing.
 */
final class EventWait {
    /** WSA_MAXIMUM_WAIT_EVENTS (MAXIMUM_WAIT_OBJECTS). */
    static final int MAXIMUM_WAIT_EVENTS = 64;
    static final int WAIT_EVENT_0 = 0;
    static final int WAIT_IO_COMPLETION = 0xC0;
    static final int WAIT_TIMEOUT = 0x102;
    static final int WAIT_FAILED = -1;
    static final int INFINITE = -1;

    private EventWait() {
    }

    /** The result, or WAIT_FAILED with the reason in {@code error[0]}. */
    static int waitFor(int count, WsaEvent[] events, boolean waitAll, int timeoutMs, boolean alertable,
                       int[] error) {
        int check = checkArguments(count, events, waitAll);
        if (check != 0) {
            error[0] = check;
            return WAIT_FAILED;
        }
        Thread me = Thread.currentThread();
        Runnable wake = () -> LockSupport.unpark(me);
        ApcQueue apcs = alertable ? ApcQueue.of(me) : null;
        for (int i = 0; i < count; i++) {
            events[i].addWatcher(wake);
        }
        if (apcs != null) {
            apcs.addWatcher(wake);
        }
        try {
            return loop(count, events, waitAll, timeoutMs, apcs, error);
        } finally {
            for (int i = 0; i < count; i++) {
                events[i].removeWatcher(wake);
            }
            if (apcs != null) {
                apcs.removeWatcher(wake);
            }
        }
    }

    /** 0, or WSA_INVALID_PARAMETER / WSA_INVALID_HANDLE as Windows checks them. */
    private static int checkArguments(int count, WsaEvent[] events, boolean waitAll) {
        if (count < 1 || count > MAXIMUM_WAIT_EVENTS || events == null || count > events.length) {
            return WsaError.WSA_INVALID_PARAMETER;
        }
        Map<WsaEvent, Boolean> seen = new IdentityHashMap<>();
        for (int i = 0; i < count; i++) {
            if (events[i] == null || events[i].isClosed()) {
                return WsaError.WSA_INVALID_HANDLE;
            }
            // A wait for all of them cannot hold one handle twice.
            if (seen.put(events[i], Boolean.TRUE) != null && waitAll) {
                return WsaError.WSA_INVALID_PARAMETER;
            }
        }
        return 0;
    }

    private static int loop(int count, WsaEvent[] events, boolean waitAll, int timeoutMs, ApcQueue apcs,
                            int[] error) {
        // dwTimeout is a DWORD: every value but WSA_INFINITE is a count of milliseconds.
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Integer.toUnsignedLong(timeoutMs));
        while (true) {
            int satisfied = satisfied(count, events, waitAll);
            if (satisfied >= 0) {
                return WAIT_EVENT_0 + satisfied;
            }
            if (apcs != null && apcs.pending() > 0 && runApcs() > 0) {
                return WAIT_IO_COMPLETION;
            }
            long left = deadline - System.nanoTime();
            if (timeoutMs != INFINITE && left <= 0) {
                return WAIT_TIMEOUT;
            }
            if (Thread.interrupted()) {
                error[0] = WsaError.WSAEINTR;
                return WAIT_FAILED;
            }
            if (timeoutMs == INFINITE) {
                LockSupport.park(EventWait.class);
            } else {
                LockSupport.parkNanos(EventWait.class, left);
            }
        }
    }

    /** The index that satisfies the wait (the lowest set one, or 0 when all are set), else -1. */
    private static int satisfied(int count, WsaEvent[] events, boolean waitAll) {
        for (int i = 0; i < count; i++) {
            boolean set = events[i].isSet();
            if (!waitAll && set) {
                return i;
            }
            if (waitAll && !set) {
                return -1;
            }
        }
        return waitAll ? 0 : -1;
    }

    /** Runs the calling thread's queued completion routines now: their number. */
    private static int runApcs() {
        try {
            return ApcQueue.alertableWait(0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}
