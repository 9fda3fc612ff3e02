package org.sockstack.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** inet_addr and inet_ntoa: the BSD forms of IPv4 text, results in network byte order. */
class InaddrTest {
    /** The expected value given as the four octets in host order, turned to network order as htonl does. */
    private static int net(int hostOrder) {
        return Winsock.htonl(hostOrder);
    }

    @ParameterizedTest
    @CsvSource({
        "1.2.3.4, 0x01020304",
        "192.0.2.1, 0xC0000201",
        "0.0.0.0, 0x00000000",
        "127.1, 0x7F000001",
        "10.1.258, 0x0A010102",
        "3221225985, 0xC0000201",
        "0xC0.0.02.1, 0xC0000201",
        "0300.0.0.01, 0xC0000001",
        "0x7f000001, 0x7F000001",
        "'1.2.3.4 ', 0x01020304",
        "0, 0x00000000",
    })
    void parsesTheBsdForms(String text, String hex) {
        assertEquals(net(Integer.parseUnsignedInt(hex.substring(2), 16)), Winsock.inet_addr(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "1.2.3.256", "256.1.1", "1.2.65536", "1.16777216", "4294967296", "1.2.3.4.5",
        "1..2", "1.2.3.", ".1.2.3", "08", "0x1g", "a.b.c.d", "1.2.3.4x", "-1", "1.2.3.4 5"})
    void rejectsEverythingElseWithInaddrNone(String text) {
        assertEquals(Winsock.INADDR_NONE, Winsock.inet_addr(text));
    }

    @Test
    void nullIsInaddrNone() {
        assertEquals(Winsock.INADDR_NONE, Winsock.inet_addr(null));
    }

    @Test
    void ntoaWritesTheOctetsInNetworkOrder() {
        assertEquals("192.0.2.1", Winsock.inet_ntoa(net(0xC0000201)));
        assertEquals("255.255.255.255", Winsock.inet_ntoa(Winsock.INADDR_NONE));
        assertEquals("10.1.1.2", Winsock.inet_ntoa(Winsock.inet_addr("10.1.258")));
        assertEquals("0.0.0.0", Ws2_32.inet_ntoa(0));
    }
}
