package org.sockstack.spi.provider;

/**
 * LPWSAOVERLAPPED_COMPLETION_ROUTINE: run on the thread that issued the operation, while it waits
 * alertably ({@link ApcQueue#alertableWait}).
 */
@FunctionalInterface
public interface CompletionRoutine {
    void complete(int error, int bytesTransferred, Overlapped overlapped, int flags);
}
