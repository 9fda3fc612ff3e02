package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;

import java.util.Locale;

/**
 * An IEEE 802 MAC-48 address. Views return addresses as a {@code long} (the low 48 bits) to stay
 * allocation-free; this class is the readable form for records, configuration and printing.
 */
public record MacAddress(long bits) {
    public static final MacAddress BROADCAST = new MacAddress(0xFFFF_FFFF_FFFFL);
    public static final MacAddress ZERO = new MacAddress(0);

    public MacAddress {
        if ((bits & ~0xFFFF_FFFF_FFFFL) != 0) {
            throw new IllegalArgumentException("not a 48-bit value: " + Long.toHexString(bits));
        }
    }

    public static MacAddress of(byte[] octets) {
        if (octets.length != 6) {
            throw new IllegalArgumentException("a MAC address has 6 octets");
        }
        long v = 0;
        for (byte b : octets) {
            v = (v << 8) | (b & 0xFF);
        }
        return new MacAddress(v);
    }

    /** Parses {@code 02:00:5e:10:00:01} (colons or dashes). */
    public static MacAddress parse(String text) {
        String[] parts = text.trim().split("[:-]");
        if (parts.length != 6) {
            throw new IllegalArgumentException("bad MAC address: " + text);
        }
        long v = 0;
        for (String p : parts) {
            int octet = Integer.parseInt(p, 16);
            if (p.isEmpty() || p.length() > 2 || octet < 0) {
                throw new IllegalArgumentException("bad MAC address: " + text);
            }
            v = (v << 8) | octet;
        }
        return new MacAddress(v);
    }

    /** The Ethernet multicast address for an IPv4 group (RFC 1112 section 6.4): 01:00:5e + low 23 bits. */
    public static MacAddress ofIpv4Multicast(int group) {
        return new MacAddress(0x01_00_5E_00_00_00L | (group & 0x7F_FFFFL));
    }

    /** The Ethernet multicast address for an IPv6 group (RFC 2464 section 7): 33:33 + low 32 bits. */
    public static MacAddress ofIpv6Multicast(Ipv6Address group) {
        return new MacAddress(0x33_33_00_00_00_00L | (group.lo() & 0xFFFF_FFFFL));
    }

    /** The I/G bit: set for group (multicast and broadcast) addresses. */
    public boolean isMulticast() {
        return (bits & 0x01_00_00_00_00_00L) != 0;
    }

    public boolean isBroadcast() {
        return bits == BROADCAST.bits;
    }

    public boolean isUnicast() {
        return !isMulticast();
    }

    public byte[] octets() {
        byte[] out = new byte[6];
        for (int i = 0; i < 6; i++) {
            out[i] = (byte) (bits >>> (40 - 8 * i));
        }
        return out;
    }

    /** Reads a MAC address (6 octets, network order) at an absolute index as a {@code long}. */
    public static long read(ByteBuf buf, int index) {
        return ((long) buf.getUnsignedShort(index) << 32) | buf.getUnsignedInt(index + 2);
    }

    /** Writes the low 48 bits of {@code bits} at an absolute index. */
    public static void write(ByteBuf buf, int index, long bits) {
        buf.setShort(index, (int) (bits >>> 32));
        buf.setInt(index + 2, (int) bits);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(17);
        for (int i = 0; i < 6; i++) {
            if (i > 0) {
                sb.append(':');
            }
            sb.append(String.format(Locale.ROOT, "%02x", (bits >>> (40 - 8 * i)) & 0xFF));
        }
        return sb.toString();
    }
}
