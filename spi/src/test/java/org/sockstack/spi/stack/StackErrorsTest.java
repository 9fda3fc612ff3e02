package org.sockstack.spi.stack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.sockstack.spi.wsa.WsaError;
import org.sockstack.stack.socket.SocketError;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every stack socket error has its own WSA code (DESIGN rule 7: translated once, here). */
class StackErrorsTest {

    @ParameterizedTest
    @EnumSource(SocketError.class)
    void everyErrorIsADefinedCode(SocketError e) {
        int code = StackErrors.toWsa(e);
        if (e == SocketError.OK) {
            assertEquals(0, code);
        } else {
            assertNotEquals(0, code, e.name());
            assertTrue(WsaError.isDefined(code), e + " -> " + code);
        }
    }

    @ParameterizedTest
    @CsvSource({
        "WOULD_BLOCK, WSAEWOULDBLOCK",
        "CONNECTION_REFUSED, WSAECONNREFUSED",
        "CONNECTION_RESET, WSAECONNRESET",
        "TIMED_OUT, WSAETIMEDOUT",
        "SHUT_DOWN, WSAESHUTDOWN",
        "NOT_CONNECTED, WSAENOTCONN",
        "ALREADY_CONNECTED, WSAEISCONN",
        "ADDRESS_IN_USE, WSAEADDRINUSE",
        "ADDRESS_NOT_AVAILABLE, WSAEADDRNOTAVAIL",
        "NO_ROUTE, WSAENETUNREACH",
        "ADDRESS_FAMILY_NOT_SUPPORTED, WSAEAFNOSUPPORT",
    })
    void theConnectionErrors(SocketError e, String wsa) {
        assertEquals(wsa, WsaError.name(StackErrors.toWsa(e)));
    }

    @Test
    void everyValueHasItsOwnCode() {
        long distinct = java.util.Arrays.stream(SocketError.values()).mapToInt(StackErrors::toWsa).distinct().count();
        assertEquals(SocketError.values().length, distinct);
    }
}
