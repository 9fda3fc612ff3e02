package org.sockstack.spi.provider;

import org.sockstack.spi.wsa.IntRef;

import java.util.UUID;

/**
 * The upcall table (WPU*) ws2_32 hands a provider at WSPStartup. Layered providers pass it down
 * the chain unchanged. Calls that fail return the value documented for them and set {@code errno}.
 */
public interface Upcalls {
    /** WPUCreateSocketHandle: a new handle for the provider's socket, with its context value. */
    long createSocketHandle(int catalogEntryId, Object context, IntRef errno);

    /** WPUQuerySocketHandleContext: the context of a handle made by createSocketHandle (null: WSAENOTSOCK). */
    Object querySocketHandleContext(long s, IntRef errno);

    /** WPUCloseSocketHandle. Returns 0 or SOCKET_ERROR. */
    int closeSocketHandle(long s, IntRef errno);

    /** WPUModifyIFSHandle: an IFS provider's own handle made known to ws2_32. */
    long modifyIfsHandle(int catalogEntryId, long proposedHandle, IntRef errno);

    /** WPUGetProviderPath. */
    String getProviderPath(UUID providerId, IntRef errno);

    /** WPUPostMessage: false if the message could not be posted. */
    boolean postMessage(AsyncWindow window, int msg, long wParam, long lParam);

    /** WPUQueryBlockingCallback: none in Winsock 2 (null). */
    Runnable queryBlockingCallback(int catalogEntryId, IntRef errno);

    WsaEvent createEvent(IntRef errno);

    boolean closeEvent(WsaEvent event, IntRef errno);

    boolean setEvent(WsaEvent event, IntRef errno);

    boolean resetEvent(WsaEvent event, IntRef errno);

    /** WPUQueueApc: runs {@code apc} on {@code thread} during its next alertable wait. */
    int queueApc(Thread thread, Runnable apc, IntRef errno);

    /** WPUFDIsSet. */
    boolean fdIsSet(long s, FdSet set);

    /** WPUOpenCurrentThread: the WSATHREADID of the calling thread. */
    Thread openCurrentThread(IntRef errno);

    int closeThread(Thread thread, IntRef errno);

    /**
     * WPUCompleteOverlappedRequest: records the result in {@code overlapped}, signals its event
     * and posts a packet to the completion port the handle is associated with, if any.
     */
    int completeOverlappedRequest(long s, Overlapped overlapped, int error, int bytesTransferred, IntRef errno);
}
