package org.sockstack.stack.wire;

/**
 * The floating-point codes IGMPv3 and MLDv2 use to carry long times in few bits.
 *
 * <p>8-bit codes (IGMPv3 Max Resp Code and QQIC, RFC 3376 sections 4.1.1 and 4.1.7; MLDv2 QQIC,
 * RFC 3810 section 5.1.9): below 128 the code is the value; otherwise
 * <pre>
 *  0 1 2 3 4 5 6 7
 * +-+-+-+-+-+-+-+-+
 * |1| exp | mant  |     value = (mant | 0x10) &lt;&lt; (exp + 3)
 * +-+-+-+-+-+-+-+-+
 * </pre>
 * 16-bit codes (MLDv2 Maximum Response Code, RFC 3810 section 5.1.3): below 32768 the code is
 * the value; otherwise
 * <pre>
 * |1| exp |          mant         |     value = (mant | 0x1000) &lt;&lt; (exp + 3)
 * </pre>
 */
public final class ExponentialCode {
    private ExponentialCode() {
    }

    public static int decode8(int code) {
        if (code < 0x80) {
            return code;
        }
        int exp = (code >> 4) & 0x7;
        int mant = code & 0xF;
        return (mant | 0x10) << (exp + 3);
    }

    /** The code for {@code value}, rounded down; values above the largest code (31744) saturate. */
    public static int encode8(int value) {
        if (value < 0x80) {
            return Math.max(value, 0);
        }
        for (int exp = 0; exp < 8; exp++) {
            int mant = (value >> (exp + 3)) - 0x10;
            if (mant < 0x10) {
                return 0x80 | (exp << 4) | mant;
            }
        }
        return 0xFF;
    }

    public static int decode16(int code) {
        if (code < 0x8000) {
            return code;
        }
        int exp = (code >> 12) & 0x7;
        int mant = code & 0xFFF;
        return (mant | 0x1000) << (exp + 3);
    }

    /** The code for {@code value}, rounded down; values above the largest code (8387584) saturate. */
    public static int encode16(int value) {
        if (value < 0x8000) {
            return Math.max(value, 0);
        }
        for (int exp = 0; exp < 8; exp++) {
            int mant = (value >> (exp + 3)) - 0x1000;
            if (mant < 0x1000) {
                return 0x8000 | (exp << 12) | mant;
            }
        }
        return 0xFFFF;
    }
}
