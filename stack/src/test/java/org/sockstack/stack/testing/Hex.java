package org.sockstack.stack.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.HexFormat;

/** Byte-array fixtures written as hex text (whitespace and {@code #} comments ignored). */
public final class Hex {
    private Hex() {
    }

    public static byte[] bytes(String hex) {
        StringBuilder clean = new StringBuilder(hex.length());
        for (String line : hex.split("\n")) {
            int hash = line.indexOf('#');
            clean.append(hash >= 0 ? line.substring(0, hash) : line);
        }
        return HexFormat.of().parseHex(clean.toString().replaceAll("\\s+", ""));
    }

    /** An unpooled heap buffer holding the fixture (no release needed, but harmless). */
    public static ByteBuf buf(String hex) {
        return Unpooled.wrappedBuffer(bytes(hex));
    }

    public static String of(ByteBuf buf) {
        byte[] b = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), b);
        return HexFormat.of().formatHex(b);
    }
}
