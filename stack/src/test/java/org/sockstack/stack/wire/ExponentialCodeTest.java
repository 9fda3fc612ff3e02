package org.sockstack.stack.wire;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The IGMPv3 / MLDv2 floating-point codes (RFC 3376 section 4.1.1, RFC 3810 sections 5.1.3 and 5.1.9). */
class ExponentialCodeTest {

    @Test
    void smallCodesAreTheValue() {
        assertEquals(100, ExponentialCode.decode8(100));
        assertEquals(127, ExponentialCode.decode8(127));
        assertEquals(10000, ExponentialCode.decode16(10000));
        assertEquals(32767, ExponentialCode.decode16(32767));
    }

    @Test
    void largeCodesAreMantissaAndExponent() {
        assertEquals(0x10 << 3, ExponentialCode.decode8(0x80));      // exp 0, mant 0: 128
        assertEquals(0x1F << 10, ExponentialCode.decode8(0xFF));     // exp 7, mant 15: 31744
        assertEquals(0x1A << 5, ExponentialCode.decode8(0xAA));      // exp 2, mant 10: 832
        assertEquals(0x1000 << 3, ExponentialCode.decode16(0x8000)); // 32768
        assertEquals(0x1FFF << 10, ExponentialCode.decode16(0xFFFF)); // 8387584
    }

    @Test
    void everyCodeSurvivesDecodeThenEncode() {
        for (int c = 0; c <= 0xFF; c++) {
            assertEquals(c, ExponentialCode.encode8(ExponentialCode.decode8(c)), "8-bit code " + c);
        }
        for (int c = 0; c <= 0xFFFF; c++) {
            assertEquals(c, ExponentialCode.encode16(ExponentialCode.decode16(c)), "16-bit code " + c);
        }
    }

    @Test
    void encodingRoundsDownAndSaturates() {
        assertEquals(0x80, ExponentialCode.encode8(135));            // 128..135 share a code
        assertEquals(0xFF, ExponentialCode.encode8(1_000_000));
        assertEquals(0xFFFF, ExponentialCode.encode16(Integer.MAX_VALUE));
        assertEquals(0, ExponentialCode.encode8(-5));
    }
}
