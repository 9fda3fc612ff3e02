package org.sockstack.spi.catalog;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * WSAPROTOCOL_INFOW in its Windows memory layout (628 bytes, little-endian), for
 * SO_PROTOCOL_INFOW and for passing a duplicated socket's info as bytes:
 *
 * <pre>
 * dwServiceFlags1..4 (16) | dwProviderFlags (4) | ProviderId GUID (16) | dwCatalogEntryId (4)
 * ProtocolChain { ChainLen (4), ChainEntries[7] (28) }
 * iVersion, iAddressFamily, iMaxSockAddr, iMinSockAddr, iSocketType, iProtocol,
 * iProtocolMaxOffset, iNetworkByteOrder, iSecurityScheme (36) | dwMessageSize (4)
 * dwProviderReserved (4) | szProtocol WCHAR[256] (512)
 * </pre>
 */
public final class ProtocolInfoCodec {
    public static final int SIZE = 628;

    private ProtocolInfoCodec() {
    }

    public static byte[] encode(ProtocolInfo p) {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(p.serviceFlags1()).putInt(p.serviceFlags2()).putInt(p.serviceFlags3()).putInt(p.serviceFlags4());
        b.putInt(p.providerFlags());
        putGuid(b, p.providerId());
        b.putInt(p.catalogEntryId());
        b.putInt(p.chain().length());
        for (int i = 0; i < ProtocolChain.MAX_LENGTH; i++) {
            b.putInt(i < p.chain().entries().size() ? p.chain().entries().get(i) : 0);
        }
        b.putInt(p.version()).putInt(p.addressFamily()).putInt(p.maxSockAddr()).putInt(p.minSockAddr());
        b.putInt(p.socketType()).putInt(p.protocol()).putInt(p.protocolMaxOffset()).putInt(p.networkByteOrder());
        b.putInt(p.securityScheme()).putInt(p.messageSize()).putInt((int) p.providerReserved());
        byte[] name = p.name().getBytes(StandardCharsets.UTF_16LE);
        b.put(name, 0, Math.min(name.length, 510));
        return b.array();
    }

    public static ProtocolInfo decode(byte[] bytes) {
        if (bytes.length < SIZE) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int f1 = b.getInt(), f2 = b.getInt(), f3 = b.getInt(), f4 = b.getInt(), pfl = b.getInt();
        UUID id = getGuid(b);
        int entryId = b.getInt();
        int chainLen = b.getInt();
        if (chainLen < 0 || chainLen > ProtocolChain.MAX_LENGTH) {
            return null;
        }
        List<Integer> chain = new ArrayList<>();
        for (int i = 0; i < ProtocolChain.MAX_LENGTH; i++) {
            int e = b.getInt();
            if (i < chainLen && chainLen > 1) {
                chain.add(e);
            }
        }
        int version = b.getInt(), af = b.getInt(), max = b.getInt(), min = b.getInt(), type = b.getInt();
        int proto = b.getInt(), offset = b.getInt(), order = b.getInt(), sec = b.getInt(), msg = b.getInt();
        long reserved = b.getInt() & 0xFFFFFFFFL;
        byte[] name = new byte[512];
        b.get(name);
        int end = 0;
        while (end + 1 < name.length && (name[end] != 0 || name[end + 1] != 0)) {
            end += 2;
        }
        return new ProtocolInfo(f1, f2, f3, f4, pfl, id, entryId, new ProtocolChain(chainLen, chain), version, af,
                max, min, type, proto, offset, order, sec, msg, reserved,
                new String(name, 0, end, StandardCharsets.UTF_16LE));
    }

    /** GUID layout: Data1 (4, LE), Data2 (2, LE), Data3 (2, LE), Data4 (8 bytes as written). */
    private static void putGuid(ByteBuffer b, UUID u) {
        long msb = u.getMostSignificantBits();
        b.putInt((int) (msb >>> 32)).putShort((short) (msb >>> 16)).putShort((short) msb);
        long lsb = u.getLeastSignificantBits();
        for (int i = 7; i >= 0; i--) {
            b.put((byte) (lsb >>> (8 * i)));
        }
    }

    private static UUID getGuid(ByteBuffer b) {
        long d1 = b.getInt() & 0xFFFFFFFFL;
        long d2 = b.getShort() & 0xFFFFL;
        long d3 = b.getShort() & 0xFFFFL;
        long lsb = 0;
        for (int i = 0; i < 8; i++) {
            lsb = lsb << 8 | (b.get() & 0xFF);
        }
        return new UUID(d1 << 32 | d2 << 16 | d3, lsb);
    }
}
