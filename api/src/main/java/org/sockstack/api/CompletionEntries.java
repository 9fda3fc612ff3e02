package org.sockstack.api;

import org.sockstack.spi.provider.ApcQueue;
import org.sockstack.spi.provider.CompletionPort;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.WsaError;

/**
 * GetQueuedCompletionStatusEx: waits for the first packet of a port (up to the time-out), then
 * takes every packet already queued, up to the entries given. An alertable wait returns
 * WAIT_IO_COMPLETION as soon as it ran the completion routines queued to the thread.
 */
final class CompletionEntries {
    /** How often an alertable wait looks at the thread's APC queue while the port is empty. */
    private static final long APC_POLL_MS = 5;

    private CompletionEntries() {
    }

    static boolean getQueuedCompletionStatusEx(Winsock ws, IoCompletionPort port, OverlappedEntry[] entries,
                                               int count, IntRef removed, int millis, boolean alertable) {
        if (port == null || port.isClosed()) {
            ws.WSASetLastError(WsaError.WSA_INVALID_HANDLE);
            return false;
        }
        if (entries == null || removed == null || count <= 0 || count > entries.length) {
            ws.WSASetLastError(WsaError.WSA_INVALID_PARAMETER);
            return false;
        }
        removed.value = 0;
        CompletionPort.Packet first;
        try {
            first = alertable ? takeAlertable(port, millis) : port.take(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            first = null;
        }
        if (first == APC_RAN) {
            ws.WSASetLastError(MsWsock.WAIT_IO_COMPLETION);
            return false;
        }
        if (first == null) {
            ws.WSASetLastError(MsWsock.WAIT_TIMEOUT);
            return false;
        }
        if (IoCompletionPort.isClosedPacket(first)) {
            ws.WSASetLastError(MsWsock.ERROR_ABANDONED_WAIT_0);
            return false;
        }
        int n = 0;
        CompletionPort.Packet p = first;
        while (true) {
            fill(entries, n++, p);
            if (n == count) {
                break;
            }
            p = port.takeMore();
            if (p == null) {
                break;
            }
            if (IoCompletionPort.isClosedPacket(p)) {
                break;
            }
        }
        removed.value = n;
        return true;
    }

    private static void fill(OverlappedEntry[] entries, int i, CompletionPort.Packet p) {
        if (entries[i] == null) {
            entries[i] = new OverlappedEntry();
        }
        OverlappedEntry e = entries[i];
        e.lpCompletionKey = p.completionKey();
        e.lpOverlapped = p.overlapped();
        e.internal = p.error();
        e.dwNumberOfBytesTransferred = p.bytesTransferred();
    }

    /** Marks "completion routines ran" (never queued to a port). */
    private static final CompletionPort.Packet APC_RAN = new CompletionPort.Packet(0, null, 0, 0);

    /** The first packet, APC_RAN once queued completion routines ran, or null on time-out. */
    private static CompletionPort.Packet takeAlertable(IoCompletionPort port, int millis) throws InterruptedException {
        long deadline = millis < 0 ? Long.MAX_VALUE : System.currentTimeMillis() + millis;
        while (true) {
            if (ApcQueue.of(Thread.currentThread()).pending() > 0 && ApcQueue.alertableWait(0) > 0) {
                return APC_RAN;
            }
            long left = deadline - System.currentTimeMillis();
            CompletionPort.Packet p = port.take(Math.max(0, Math.min(left, APC_POLL_MS)));
            if (p != null) {
                return p;
            }
            if (left <= 0) {
                return null;
            }
        }
    }
}
