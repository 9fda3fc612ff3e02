package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;

/**
 * The meaning of an IPv6 Routing header (RFC 8200 section 4.4; layout in {@link Ipv6RoutingHeader}).
 * The type-specific data is kept as raw octets: the IP layer interprets it per Routing Type.
 *
 * @param nextHeader   the header that follows ({@link IpProtocol})
 * @param routingType  Routing Type
 * @param segmentsLeft route segments still to visit
 * @param data         the type-specific data; 4 + its length must be a multiple of 8
 */
public record Ipv6RoutingRepr(int nextHeader, int routingType, int segmentsLeft, byte[] data) {
    public Ipv6RoutingRepr {
        if ((nextHeader | routingType | segmentsLeft) >>> 8 != 0) {
            throw new IllegalArgumentException("fields are octets");
        }
        data = data.clone();
        if ((4 + data.length) % 8 != 0 || 4 + data.length > 256 * 8) {
            throw new IllegalArgumentException("4 + data must be a multiple of 8 up to 2048: " + data.length);
        }
    }

    /** Validates the header length and copies the fields. */
    public static Parsed<Ipv6RoutingRepr> parse(Ipv6RoutingHeader h) {
        WireError e = h.check();
        if (!e.ok()) {
            return Parsed.fail(e);
        }
        byte[] data = new byte[h.dataLength()];
        h.buffer().getBytes(h.dataOffset(), data);
        return Parsed.ok(new Ipv6RoutingRepr(h.nextHeader(), h.routingType(), h.segmentsLeft(), data));
    }

    /** The type-specific data (a copy). */
    @Override
    public byte[] data() {
        return data.clone();
    }

    public int bufferLength() {
        return 4 + data.length;
    }

    /** Writes the header at absolute {@code offset}; what follows belongs at offset + bufferLength(). */
    public void emit(ByteBuf buf, int offset) {
        buf.setByte(offset, nextHeader);
        buf.setByte(offset + 1, bufferLength() / 8 - 1);
        buf.setByte(offset + 2, routingType);
        buf.setByte(offset + 3, segmentsLeft);
        buf.setBytes(offset + 4, data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ipv6RoutingRepr r && nextHeader == r.nextHeader && routingType == r.routingType
                && segmentsLeft == r.segmentsLeft && Arrays.equals(data, r.data);
    }

    @Override
    public int hashCode() {
        return ((nextHeader * 31 + routingType) * 31 + segmentsLeft) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "IPv6 routing type " + routingType + " segleft " + segmentsLeft + " next " + IpProtocol.name(nextHeader);
    }
}
