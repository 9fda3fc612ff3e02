package org.sockstack.spi.stack;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StackTcpInfoTest {

    @Test
    void encodesLittleEndianAndDecodesBack() {
        StackTcpInfo info = new StackTcpInfo(4, 1460, 14600, -1, 1234, 56, 200_000, 2920, 0x1_0000_0002L, 65535, 7);
        byte[] out = new byte[StackTcpInfo.LENGTH];
        info.encode(out);
        assertArrayEquals(new byte[] {4, 0, 0, 0, (byte) 0xB4, 0x05, 0, 0}, java.util.Arrays.copyOf(out, 8));
        assertArrayEquals(new byte[] {2, 0, 0, 0, 1, 0, 0, 0}, java.util.Arrays.copyOfRange(out, 32, 40));
        assertEquals(info, StackTcpInfo.decode(out));
    }

    @Test
    void aShortBufferIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> StackTcpInfo.decode(new byte[StackTcpInfo.LENGTH - 1]));
    }

    @Test
    void theCodeIsAVendorOutputIoctl() {
        assertEquals(0x58005354, StackTcpInfo.SIO_TCP_INFO);
    }
}
