package org.sockstack.spi.wsa;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WsaErrorTest {
    @Test
    void codesHaveTheirWindowsValues() {
        assertEquals(10035, WsaError.WSAEWOULDBLOCK);
        assertEquals(10054, WsaError.WSAECONNRESET);
        assertEquals(10093, WsaError.WSANOTINITIALISED);
        assertEquals(10110, WsaError.WSA_E_NO_MORE);
        assertEquals(11001, WsaError.WSAHOST_NOT_FOUND);
        assertEquals(11031, WsaError.WSA_QOS_RESERVED_PETYPE);
        assertEquals(997, WsaError.WSA_IO_PENDING);
        assertEquals("WSAEMSGSIZE", WsaError.name(10040));
        assertEquals("12345", WsaError.name(12345));
        assertTrue(WsaError.isDefined(10022));
        assertFalse(WsaError.isDefined(10000));
    }

    @Test
    void constantsHaveTheirWindowsValues() {
        assertEquals(23, Wsa.AF_INET6);
        assertEquals(0x8004667E, Wsa.FIONBIO);
        assertEquals(0x4004667F, Wsa.FIONREAD);
        assertEquals(0x48000022, Wsa.SIO_BASE_HANDLE);
        assertEquals(0xC8000006, Wsa.SIO_GET_EXTENSION_FUNCTION_POINTER);
        assertEquals(0x9800000C, Wsa.SIO_UDP_CONNRESET);
        assertEquals(-129, Wsa.SO_DONTLINGER);
        assertEquals(-5, Wsa.SO_EXCLUSIVEADDRUSE);
        assertEquals(0x0202, Wsa.makeVersion(2, 2));
        assertEquals(0x0101, Wsa.makeVersion(1, 1));
        assertEquals(0x00270001L, Wsa.makeSelectReply(Wsa.FD_READ, 0x27));
    }

    @Test
    void sockaddrLayout() {
        SockAddr a = SockAddr.inet(new InetSocketAddress("192.0.2.1", 0x1234));
        byte[] b = a.bytes();
        assertEquals(16, b.length);
        assertEquals(2, b[0]);
        assertEquals(0, b[1]);
        assertEquals(0x12, b[2]);
        assertEquals(0x34, b[3]);
        assertEquals(192, b[4] & 0xFF);
        assertEquals(new InetSocketAddress("192.0.2.1", 0x1234), a.toInet());
        SockAddr v6 = SockAddr.inet(new InetSocketAddress("2001:db8::1", 80));
        assertEquals(28, v6.length());
        assertEquals(23, v6.family());
        assertEquals(new InetSocketAddress("2001:db8::1", 80), v6.toInet());
        assertNull(SockAddr.of(b, 8).toInet());
        assertEquals(-1, SockAddr.of(b, 1).family());
        assertNull(SockAddr.any(999));
    }
}
