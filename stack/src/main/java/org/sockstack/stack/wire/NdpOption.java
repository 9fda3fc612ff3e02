package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.List;

import static org.sockstack.stack.wire.Icmpv6Packet.*;

/**
 * The meaning of a Neighbor Discovery option (RFC 4861 section 4.6). Options the stack does not
 * know are skipped when parsing ("Nodes MUST silently ignore any options they do not recognize").
 */
public sealed interface NdpOption {

    /** The option's type field. */
    int type();

    /** Octets the option occupies on the wire, a multiple of 8. */
    int bufferLength();

    /** Writes type, length and body at {@code offset}. */
    void emit(ByteBuf buf, int offset);

    /** Source Link-Layer Address (RFC 4861 section 4.6.1), Ethernet form (RFC 2464 section 6). */
    record SourceLinkLayerAddress(MacAddress address) implements NdpOption {
        public int type() {
            return OPTION_SOURCE_LINK_LAYER_ADDRESS;
        }

        public int bufferLength() {
            return 8;
        }

        public void emit(ByteBuf buf, int offset) {
            buf.setByte(offset, type());
            buf.setByte(offset + 1, 1);
            MacAddress.write(buf, offset + 2, address.bits());
        }
    }

    /** Target Link-Layer Address (RFC 4861 section 4.6.1), Ethernet form. */
    record TargetLinkLayerAddress(MacAddress address) implements NdpOption {
        public int type() {
            return OPTION_TARGET_LINK_LAYER_ADDRESS;
        }

        public int bufferLength() {
            return 8;
        }

        public void emit(ByteBuf buf, int offset) {
            buf.setByte(offset, type());
            buf.setByte(offset + 1, 1);
            MacAddress.write(buf, offset + 2, address.bits());
        }
    }

    /**
     * Prefix Information (RFC 4861 section 4.6.2): a prefix, whether it is on-link (L) and whether
     * it may be used for autonomous address configuration (A, RFC 4862). Lifetimes are seconds;
     * 0xffffffff means infinity.
     *
     * <pre>
     * | Type=3 | Length=4 | Prefix Length |L|A| Reserved1 |
     * |                 Valid Lifetime                    |
     * |               Preferred Lifetime                  |
     * |                   Reserved2                       |
     * |                 Prefix (128 bits)                 |
     * </pre>
     */
    record PrefixInformation(int prefixLength, boolean onLink, boolean autonomous, long validLifetime,
                             long preferredLifetime, Ipv6Address prefix) implements NdpOption {
        public static final long INFINITY = 0xFFFF_FFFFL;

        public int type() {
            return OPTION_PREFIX_INFORMATION;
        }

        public int bufferLength() {
            return 32;
        }

        public void emit(ByteBuf buf, int offset) {
            buf.setByte(offset, type());
            buf.setByte(offset + 1, 4);
            buf.setByte(offset + 2, prefixLength);
            buf.setByte(offset + 3, (onLink ? 0x80 : 0) | (autonomous ? 0x40 : 0));
            buf.setInt(offset + 4, (int) validLifetime);
            buf.setInt(offset + 8, (int) preferredLifetime);
            buf.setInt(offset + 12, 0);
            prefix.write(buf, offset + 16);
        }
    }

    /** MTU (RFC 4861 section 4.6.4): the link MTU a router advertises. */
    record Mtu(long mtu) implements NdpOption {
        public int type() {
            return OPTION_MTU;
        }

        public int bufferLength() {
            return 8;
        }

        public void emit(ByteBuf buf, int offset) {
            buf.setByte(offset, type());
            buf.setByte(offset + 1, 1);
            buf.setShort(offset + 2, 0);
            buf.setInt(offset + 4, (int) mtu);
        }
    }

    /**
     * Redirected Header (RFC 4861 section 4.6.3): as much of the redirected packet (IP header and
     * data) as fits in a 1280-octet Redirect. On the wire it is padded to a multiple of 8
     * octets; {@code packet} holds everything after the 8-octet option header, padding included.
     */
    record RedirectedHeader(byte[] packet) implements NdpOption {
        public int type() {
            return OPTION_REDIRECTED_HEADER;
        }

        public int bufferLength() {
            return 8 + (packet.length + 7) / 8 * 8;
        }

        public void emit(ByteBuf buf, int offset) {
            int len = bufferLength();
            buf.setByte(offset, type());
            buf.setByte(offset + 1, len / 8);
            buf.setZero(offset + 2, len - 2);
            buf.setBytes(offset + 8, packet);
        }
    }

    /**
     * Reads the options of a checked NDP message ({@link Icmpv6Packet#check()} returned OK, so
     * every option lies within it). Unknown options are skipped.
     */
    static Parsed<List<NdpOption>> parseAll(Icmpv6Packet p) {
        List<NdpOption> out = new ArrayList<>(2);
        for (int at = p.ndpOptionsOffset(); at < p.end(); at = p.nextOption(at)) {
            switch (p.optionType(at)) {
                case OPTION_SOURCE_LINK_LAYER_ADDRESS ->
                        out.add(new SourceLinkLayerAddress(new MacAddress(p.optionLinkLayerAddr(at))));
                case OPTION_TARGET_LINK_LAYER_ADDRESS ->
                        out.add(new TargetLinkLayerAddress(new MacAddress(p.optionLinkLayerAddr(at))));
                case OPTION_PREFIX_INFORMATION -> {
                    if (p.optionPrefixLength(at) > 128) {
                        return Parsed.fail(WireError.BAD_OPTION);
                    }
                    out.add(new PrefixInformation(p.optionPrefixLength(at), p.optionOnLinkFlag(at),
                            p.optionAutonomousFlag(at), p.optionValidLifetime(at), p.optionPreferredLifetime(at),
                            new Ipv6Address(p.optionPrefixHi(at), p.optionPrefixLo(at))));
                }
                case OPTION_MTU -> out.add(new Mtu(p.optionMtu(at)));
                case OPTION_REDIRECTED_HEADER -> {
                    byte[] packet = new byte[p.optionRedirectedPacketLength(at)];
                    p.buffer().getBytes(p.optionRedirectedPacketOffset(at), packet);
                    out.add(new RedirectedHeader(packet));
                }
                default -> {
                    // RFC 4861 section 4.6: unknown options are ignored.
                }
            }
        }
        return Parsed.ok(List.copyOf(out));
    }

    /** Total octets of a list of options. */
    static int bufferLength(List<NdpOption> options) {
        int n = 0;
        for (NdpOption o : options) {
            n += o.bufferLength();
        }
        return n;
    }

    /** Writes the options one after the other from {@code offset}. */
    static void emitAll(List<NdpOption> options, ByteBuf buf, int offset) {
        int at = offset;
        for (NdpOption o : options) {
            o.emit(buf, at);
            at += o.bufferLength();
        }
    }
}
