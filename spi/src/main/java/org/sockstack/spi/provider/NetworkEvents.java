package org.sockstack.spi.provider;

import org.sockstack.spi.wsa.Wsa;

import java.util.Arrays;

/** WSANETWORKEVENTS: the FD_* events that occurred and the error code of each. */
public final class NetworkEvents {
    public int networkEvents;
    public final int[] errorCode = new int[Wsa.FD_MAX_EVENTS];

    public void clear() {
        networkEvents = 0;
        Arrays.fill(errorCode, 0);
    }

    @Override
    public String toString() {
        return "NetworkEvents[0x" + Integer.toHexString(networkEvents) + " " + Arrays.toString(errorCode) + "]";
    }
}
