package org.sockstack.api;

import org.sockstack.spi.wsa.WsaError;

import java.io.IOException;

/** A failed Winsock call in the Java facade: the call's name and its WSA error code. */
public class WinsockException extends IOException {
    private final int code;
    private final String call;

    public WinsockException(String call, int code) {
        super(call + ": " + WsaError.name(code) + " (" + code + ")");
        this.call = call;
        this.code = code;
    }

    /** The WSA error code (WSAGetLastError's value), e.g. 10061. */
    public int code() {
        return code;
    }

    /** The code's symbolic name, e.g. "WSAECONNREFUSED". */
    public String codeName() {
        return WsaError.name(code);
    }

    /** The Winsock function that failed, e.g. "connect". */
    public String call() {
        return call;
    }

    /** True for WSAEWOULDBLOCK: a non-blocking call that would have had to wait. */
    public boolean wouldBlock() {
        return code == WsaError.WSAEWOULDBLOCK;
    }
}
