package org.sockstack.spi.wsa;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The x64 layout of TCP_INFO_v0 (mstcpip.h) and the request checks of SIO_TCP_INFO. */
class TcpInfoV0Test {
    static final TcpInfoV0 SAMPLE = new TcpInfoV0(4, 1460, 0x1_0000_0007L, true, 1200, 900, 2920, 14600, 65535,
            64240, 131072, 0x2_0000_0001L, 0x3_0000_0002L, 11, 12, 13, 14, 15, 2);

    static long le(byte[] b, int off, int n) {
        long v = 0;
        for (int i = 0; i < n; i++) {
            v |= (b[off + i] & 0xFFL) << (8 * i);
        }
        return v;
    }

    @Test
    void fieldsSitAtTheirNaturallyAlignedOffsets() {
        byte[] out = new byte[TcpInfoV0.LENGTH];
        java.util.Arrays.fill(out, (byte) 0x5A); // padding must come back zeroed
        SAMPLE.encode(out);
        assertEquals(4, le(out, 0, 4));
        assertEquals(1460, le(out, 4, 4));
        assertEquals(0x1_0000_0007L, le(out, 8, 8));
        assertEquals(1, out[16]);
        assertEquals(0, le(out, 17, 3), "padding after the BOOLEAN");
        assertEquals(1200, le(out, 20, 4));
        assertEquals(900, le(out, 24, 4));
        assertEquals(2920, le(out, 28, 4));
        assertEquals(14600, le(out, 32, 4));
        assertEquals(65535, le(out, 36, 4));
        assertEquals(64240, le(out, 40, 4));
        assertEquals(131072, le(out, 44, 4));
        assertEquals(0x2_0000_0001L, le(out, 48, 8));
        assertEquals(0x3_0000_0002L, le(out, 56, 8));
        assertEquals(11, le(out, 64, 4));
        assertEquals(12, le(out, 68, 4));
        assertEquals(13, le(out, 72, 4));
        assertEquals(14, le(out, 76, 4));
        assertEquals(15, le(out, 80, 4));
        assertEquals(2, out[84]);
        assertEquals(0, le(out, 85, 3), "tail padding to 88, a multiple of 8");
        assertEquals(SAMPLE, TcpInfoV0.decode(out));
    }

    @Test
    void theRequestIsAVersionZeroAndRoomFor88Octets() {
        byte[] out = new byte[88];
        assertEquals(0, TcpInfoV0.checkRequest(new byte[4], out));
        assertEquals(WsaError.WSAEINVAL, TcpInfoV0.checkRequest(new byte[] {1, 0, 0, 0}, out));
        assertEquals(WsaError.WSAEINVAL, TcpInfoV0.checkRequest(new byte[] {0, 0, 0, 1}, out));
        assertEquals(WsaError.WSAEINVAL, TcpInfoV0.checkRequest(new byte[3], out));
        assertEquals(WsaError.WSAEINVAL, TcpInfoV0.checkRequest(null, out));
        assertEquals(WsaError.WSAEFAULT, TcpInfoV0.checkRequest(new byte[4], new byte[87]));
        assertEquals(WsaError.WSAEFAULT, TcpInfoV0.checkRequest(new byte[4], null));
        assertThrows(IllegalArgumentException.class, () -> TcpInfoV0.decode(new byte[87]));
    }

    @Test
    void countersSaturateAt32Bits() {
        assertEquals(-1, TcpInfoV0.ulong(0x1_0000_0000L));
        assertEquals(7, TcpInfoV0.ulong(7));
        assertEquals(0, TcpInfoV0.ulong(-3));
        assertEquals(0xD8000027, Wsa.SIO_TCP_INFO);
    }
}
