package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.sockstack.stack.testing.Hex;

import java.util.Arrays;

/**
 * Helpers for tests over kernel-captured Ethernet frames. The IP header is parsed by the IP
 * layer, not here, so tests skip it by its fixed size: 14 + 20 (IPv4 without options), 14 + 24
 * (IPv4 with Router Alert, IGMP), 14 + 40 (IPv6) or 14 + 48 (IPv6 with a Hop-by-Hop Router
 * Alert, MLD).
 */
final class WireFixtures {
    static final int ICMPV4 = 14 + 20;
    static final int IGMP = 14 + 24;
    static final int ICMPV6 = 14 + 40;
    static final int MLD = 14 + 48;

    private WireFixtures() {
    }

    /** The whole captured frame (unpooled, no release needed). */
    static ByteBuf frame(String hex) {
        return Hex.buf(hex);
    }

    /** The octets of the message that starts at {@code offset} and runs to the end of the frame. */
    static byte[] message(String hex, int offset) {
        byte[] all = Hex.bytes(hex);
        return Arrays.copyOfRange(all, offset, all.length);
    }

    /** The source address of the IPv6 header that follows the 14-octet Ethernet header. */
    static Ipv6Address ipv6Src(ByteBuf frame) {
        return Ipv6Address.read(frame, 14 + 8);
    }

    static Ipv6Address ipv6Dst(ByteBuf frame) {
        return Ipv6Address.read(frame, 14 + 24);
    }

    /** A copy of a message in a buffer of its own, to mutate. */
    static ByteBuf copy(byte[] message) {
        return Unpooled.wrappedBuffer(message.clone());
    }

    /** Recomputes the checksum at octet 2 of a message with no pseudo-header (ICMPv4, IGMP). */
    static void fixChecksum(ByteBuf buf) {
        buf.setShort(2, 0);
        buf.setShort(2, InternetChecksum.compute(buf, 0, buf.capacity()));
    }

    /** Recomputes an ICMPv6 checksum with the pseudo-header of {@code src} and {@code dst}. */
    static void fixChecksum(ByteBuf buf, Ipv6Address src, Ipv6Address dst) {
        buf.setShort(2, 0);
        int pseudo = InternetChecksum.pseudoHeaderIpv6(src, dst, 58, buf.capacity());
        buf.setShort(2, InternetChecksum.finish(InternetChecksum.add(buf, 0, buf.capacity(), pseudo)));
    }

    /** Emits into a fresh buffer of exactly {@code length} octets and returns its bytes. */
    static byte[] bytes(ByteBuf buf) {
        byte[] out = new byte[buf.capacity()];
        buf.getBytes(0, out);
        return out;
    }
}
