package org.sockstack.api;

import org.sockstack.spi.provider.Overlapped;

/**
 * OVERLAPPED_ENTRY: one packet GetQueuedCompletionStatusEx removed from a port. {@code internal}
 * is the operation's status (0, or its WSA error: the entry of a failed operation is returned
 * like any other).
 */
public final class OverlappedEntry {
    public long lpCompletionKey;
    public Overlapped lpOverlapped;
    public int internal;
    public int dwNumberOfBytesTransferred;
}
