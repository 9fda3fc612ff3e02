package org.sockstack.api;

import org.junit.jupiter.api.Test;
import org.sockstack.spi.ProviderRegistry;
import org.sockstack.spi.Ws2Process;
import org.sockstack.spi.catalog.Catalog;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.sockstack.spi.wsa.Wsa.AF_INET;
import static org.sockstack.spi.wsa.Wsa.AF_INET6;
import static org.sockstack.spi.wsa.Wsa.AF_UNSPEC;
import static org.sockstack.spi.wsa.WsaError.WSAEAFNOSUPPORT;
import static org.sockstack.spi.wsa.WsaError.WSAEFAULT;
import static org.sockstack.spi.wsa.WsaError.WSA_INVALID_PARAMETER;

/**
 * inet_pton / inet_ntop: numeric text only, no provider and no startup involved. Tables from
 * RFC 4291 section 2.2 (input forms) and RFC 5952 sections 4 and 5 (the one output form).
 */
class InetTextTest {
    /** No startup, no provider: an empty catalog is enough. */
    private final Winsock ws = new Winsock(new Ws2Process(new Catalog(), new ProviderRegistry(false)));

    private static final HexFormat HEX = HexFormat.of();

    /** {text, expected hex of the 4 bytes, or null when inet_pton must return 0}. */
    static final String[][] V4 = {
        {"192.0.2.1", "c0000201"},
        {"0.0.0.0", "00000000"},
        {"255.255.255.255", "ffffffff"},
        {"256.0.0.1", null},
        {"1.2.3", null},
        {"1.2.3.4.5", null},
        {"01.2.3.4", null},
        {"1..3.4", null},
        {"1.2.3.4 ", null},
        {"a.b.c.d", null},
        {"", null},
        {"::1", null},
    };

    /** {text, expected hex of the 16 bytes, or null when inet_pton must return 0}. */
    static final String[][] V6 = {
        {"::", "00000000000000000000000000000000"},
        {"::1", "00000000000000000000000000000001"},
        {"2001:db8::1", "20010db8000000000000000000000001"},
        {"2001:DB8:0:0:8:800:200C:417A", "20010db80000000000080800200c417a"},
        {"ff01::101", "ff010000000000000000000000000101"},
        {"::ffff:192.0.2.1", "00000000000000000000ffffc0000201"},
        {"::13.1.68.3", "0000000000000000000000000d014403"},
        {"1:2:3:4:5:6:7::", "00010002000300040005000600070000"},
        {"::2:3:4:5:6:7:8", "00000002000300040005000600070008"},
        {"1:2:3:4:5:6:7:8", "00010002000300040005000600070008"},
        {"1:2:3:4:5:6:7:8:9", null},
        {"1:2:3:4:5:6:7", null},
        {"1::2::3", null},
        {"12345::", null},
        {"1:2:3:4:5:6:7:8::", null},
        {":1::", null},
        {"::1.2.3", null},
        {"1.2.3.4::", null},
        {"g::", null},
        {"fe80::1%1", null},
        {"", null},
        {"192.0.2.1", null},
    };

    @Test
    void ptonTables() {
        List<Runnable> checks = new ArrayList<>();
        for (String[][] table : new String[][][] {V4, V6}) {
            int af = table == V4 ? AF_INET : AF_INET6;
            for (String[] row : table) {
                byte[] dst = new byte[16];
                int r = ws.inet_pton(af, row[0], dst);
                if (row[1] == null) {
                    checks.add(() -> assertEquals(0, r, "'" + row[0] + "'"));
                } else {
                    byte[] want = HEX.parseHex(row[1]);
                    byte[] got = java.util.Arrays.copyOf(dst, want.length);
                    checks.add(() -> assertEquals(1, r, row[0]));
                    checks.add(() -> assertArrayEquals(want, got, row[0]));
                }
            }
        }
        assertAll(checks.stream().map(c -> c::run));
    }

    @Test
    void ptonErrors() {
        assertEquals(-1, ws.inet_pton(AF_UNSPEC, "192.0.2.1", new byte[16]));
        assertEquals(WSAEAFNOSUPPORT, ws.WSAGetLastError());
        assertEquals(-1, ws.inet_pton(AF_INET, null, new byte[4]));
        assertEquals(WSAEFAULT, ws.WSAGetLastError());
        assertEquals(-1, ws.inet_pton(AF_INET6, "::1", new byte[4]));
        assertEquals(WSAEFAULT, ws.WSAGetLastError());
    }

    /** RFC 5952: {16 bytes hex, the one text}. */
    static final String[][] NTOP6 = {
        {"00000000000000000000000000000000", "::"},
        {"00000000000000000000000000000001", "::1"},
        {"20010db8000000000000000000000001", "2001:db8::1"},
        {"20010db8000000010001000100010001", "2001:db8:0:1:1:1:1:1"},       // 4.2.2: one zero group stays
        {"20010db8000000000001000000000001", "2001:db8::1:0:0:1"},           // 4.2.3: the first of equal runs
        {"20010db800000000000000010000000a", "2001:db8::1:0:a"},
        {"20010db80000000000000000000a000b", "2001:db8::a:b"},
        {"20010DB8AAAA00000000000000000001", "2001:db8:aaaa::1"},             // 4.3: lower case
        {"00000000000000000000ffffc0000201", "::ffff:192.0.2.1"},             // 5: IPv4-mapped
        {"ff020000000000000000000000000001", "ff02::1"},
        {"00010002000300040005000600070000", "1:2:3:4:5:6:7:0"},
    };

    @Test
    void ntopTables() {
        List<Runnable> checks = new ArrayList<>();
        for (String[] row : NTOP6) {
            String got = ws.inet_ntop(AF_INET6, HEX.parseHex(row[0]));
            checks.add(() -> assertEquals(row[1], got, row[0]));
        }
        checks.add(() -> assertEquals("192.0.2.1", ws.inet_ntop(AF_INET, HEX.parseHex("c0000201"))));
        checks.add(() -> assertEquals("255.0.0.0", ws.inet_ntop(AF_INET, HEX.parseHex("ff000000"))));
        assertAll(checks.stream().map(c -> c::run));
    }

    @Test
    void ntopErrors() {
        assertNull(ws.inet_ntop(AF_UNSPEC, new byte[16]));
        assertEquals(WSAEAFNOSUPPORT, ws.WSAGetLastError());
        assertNull(ws.inet_ntop(AF_INET6, new byte[4]));
        assertEquals(WSAEFAULT, ws.WSAGetLastError());
        assertNull(ws.inet_ntop(AF_INET, HEX.parseHex("c0000201"), 9), "9 characters + NUL do not fit in 9");
        assertEquals(WSA_INVALID_PARAMETER, ws.WSAGetLastError());
        assertEquals("192.0.2.1", ws.inet_ntop(AF_INET, HEX.parseHex("c0000201"), 10));
    }

    /** Every address pton accepts comes back from ntop as its canonical text and parses to the same bytes. */
    @Test
    void roundTrips() {
        for (String[] row : V6) {
            if (row[1] == null) {
                continue;
            }
            byte[] a = new byte[16];
            assertEquals(1, ws.inet_pton(AF_INET6, row[0], a));
            String text = ws.inet_ntop(AF_INET6, a);
            byte[] again = new byte[16];
            assertEquals(1, ws.inet_pton(AF_INET6, text, again), text);
            assertArrayEquals(a, again, text);
        }
    }
}
