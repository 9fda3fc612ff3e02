package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;

import static org.sockstack.stack.wire.Icmpv6Packet.*;

/**
 * The meaning of an ICMPv6 message (RFC 4443). Echo and the error messages are records here;
 * Neighbor Discovery messages are {@link NdpRepr} and Multicast Listener Discovery messages are
 * {@link MldRepr}, both also ICMPv6 messages.
 *
 * <p>{@link #parse} verifies the checksum with the IPv6 pseudo-header (RFC 4443 section 2.3), so
 * it needs the addresses of the enclosing IPv6 header; {@link #emit} needs them too. Rules that
 * depend on the IPv6 header beyond the addresses (NDP hop limit 255, RFC 4861 section 6.1; MLD
 * Router Alert and link-local source, RFC 3810 section 5) belong to the caller.
 */
public sealed interface Icmpv6Repr
        permits Icmpv6Repr.EchoRequest, Icmpv6Repr.EchoReply, Icmpv6Repr.DestinationUnreachable,
        Icmpv6Repr.PacketTooBig, Icmpv6Repr.TimeExceeded, Icmpv6Repr.ParameterProblem, NdpRepr, MldRepr {

    int msgType();

    int code();

    /** Octets {@link #emit} writes. */
    int bufferLength();

    /** Writes the message at {@code offset} with a zero checksum field; {@link #emit} adds the checksum. */
    void emitWithoutChecksum(ByteBuf buf, int offset);

    /** Writes the message and its checksum over the pseudo-header of {@code src} and {@code dst}. */
    default void emit(ByteBuf buf, int offset, Ipv6Address src, Ipv6Address dst) {
        emitWithoutChecksum(buf, offset);
        int len = bufferLength();
        int pseudo = InternetChecksum.pseudoHeaderIpv6(src, dst, NEXT_HEADER, len);
        buf.setShort(offset + 2, InternetChecksum.finish(InternetChecksum.add(buf, offset, len, pseudo)));
    }

    /** True for error messages, which are never answered with an error (RFC 4443 section 2.4 (e)). */
    default boolean isError() {
        return Icmpv6Packet.isError(msgType());
    }

    /** Echo Request (RFC 4443 section 4.1). */
    record EchoRequest(int identifier, int sequenceNumber, byte[] data) implements Icmpv6Repr {
        public int msgType() {
            return TYPE_ECHO_REQUEST;
        }

        public int code() {
            return 0;
        }

        public int bufferLength() {
            return HEADER_LENGTH + data.length;
        }

        public void emitWithoutChecksum(ByteBuf buf, int offset) {
            header(buf, offset, msgType(), 0, (identifier << 16) | (sequenceNumber & 0xFFFF));
            buf.setBytes(offset + HEADER_LENGTH, data);
        }

        /** RFC 4443 section 4.2: the reply carries the identifier, sequence number and data. */
        public EchoReply reply() {
            return new EchoReply(identifier, sequenceNumber, data);
        }
    }

    /** Echo Reply (RFC 4443 section 4.2). */
    record EchoReply(int identifier, int sequenceNumber, byte[] data) implements Icmpv6Repr {
        public int msgType() {
            return TYPE_ECHO_REPLY;
        }

        public int code() {
            return 0;
        }

        public int bufferLength() {
            return HEADER_LENGTH + data.length;
        }

        public void emitWithoutChecksum(ByteBuf buf, int offset) {
            header(buf, offset, msgType(), 0, (identifier << 16) | (sequenceNumber & 0xFFFF));
            buf.setBytes(offset + HEADER_LENGTH, data);
        }
    }

    /**
     * Destination Unreachable (RFC 4443 section 3.1). {@code invokingPacket} is "as much of the
     * invoking packet as possible without the ICMPv6 packet exceeding the minimum IPv6 MTU".
     */
    record DestinationUnreachable(int code, byte[] invokingPacket) implements Icmpv6Repr {
        public int msgType() {
            return TYPE_DESTINATION_UNREACHABLE;
        }

        public int bufferLength() {
            return HEADER_LENGTH + invokingPacket.length;
        }

        public void emitWithoutChecksum(ByteBuf buf, int offset) {
            header(buf, offset, msgType(), code, 0);
            buf.setBytes(offset + HEADER_LENGTH, invokingPacket);
        }
    }

    /** Packet Too Big (RFC 4443 section 3.2): the next-hop link's MTU, for Path MTU Discovery (RFC 8201). */
    record PacketTooBig(long mtu, byte[] invokingPacket) implements Icmpv6Repr {
        public int msgType() {
            return TYPE_PACKET_TOO_BIG;
        }

        public int code() {
            return 0;
        }

        public int bufferLength() {
            return HEADER_LENGTH + invokingPacket.length;
        }

        public void emitWithoutChecksum(ByteBuf buf, int offset) {
            header(buf, offset, msgType(), 0, (int) mtu);
            buf.setBytes(offset + HEADER_LENGTH, invokingPacket);
        }
    }

    /** Time Exceeded (RFC 4443 section 3.3): code 0 hop limit exceeded, 1 reassembly time exceeded. */
    record TimeExceeded(int code, byte[] invokingPacket) implements Icmpv6Repr {
        public int msgType() {
            return TYPE_TIME_EXCEEDED;
        }

        public int bufferLength() {
            return HEADER_LENGTH + invokingPacket.length;
        }

        public void emitWithoutChecksum(ByteBuf buf, int offset) {
            header(buf, offset, msgType(), code, 0);
            buf.setBytes(offset + HEADER_LENGTH, invokingPacket);
        }
    }

    /** Parameter Problem (RFC 4443 section 3.4): {@code pointer} is the offending octet of the invoking packet. */
    record ParameterProblem(int code, long pointer, byte[] invokingPacket) implements Icmpv6Repr {
        public int msgType() {
            return TYPE_PARAMETER_PROBLEM;
        }

        public int bufferLength() {
            return HEADER_LENGTH + invokingPacket.length;
        }

        public void emitWithoutChecksum(ByteBuf buf, int offset) {
            header(buf, offset, msgType(), code, (int) pointer);
            buf.setBytes(offset + HEADER_LENGTH, invokingPacket);
        }
    }

    /**
     * Validates lengths, the checksum (with the pseudo-header of {@code src} and {@code dst}) and
     * the fields, then builds the record for any message type the stack speaks. Informational
     * messages of unknown type are {@link WireError#UNSUPPORTED} (RFC 4443 section 2.4 (b):
     * silently discarded).
     */
    static Parsed<Icmpv6Repr> parse(Icmpv6Packet p, Ipv6Address src, Ipv6Address dst) {
        WireError e = p.check();
        if (!e.ok()) {
            return Parsed.fail(e);
        }
        if (!p.verifyChecksum(src, dst)) {
            return Parsed.fail(WireError.BAD_CHECKSUM);
        }
        int code = p.code();
        return switch (p.msgType()) {
            case TYPE_ECHO_REQUEST -> code != 0 ? Parsed.fail(WireError.BAD_FIELD)
                    : Parsed.ok(new EchoRequest(p.identifier(), p.sequenceNumber(), copyData(p)));
            case TYPE_ECHO_REPLY -> code != 0 ? Parsed.fail(WireError.BAD_FIELD)
                    : Parsed.ok(new EchoReply(p.identifier(), p.sequenceNumber(), copyData(p)));
            case TYPE_DESTINATION_UNREACHABLE -> Parsed.ok(new DestinationUnreachable(code, copyData(p)));
            // RFC 4443 section 3.2: the code is set to 0 by the sender and ignored by the receiver.
            case TYPE_PACKET_TOO_BIG -> Parsed.ok(new PacketTooBig(p.mtu(), copyData(p)));
            case TYPE_TIME_EXCEEDED -> code > CODE_FRAGMENT_REASSEMBLY_TIME_EXCEEDED ? Parsed.fail(WireError.BAD_FIELD)
                    : Parsed.ok(new TimeExceeded(code, copyData(p)));
            case TYPE_PARAMETER_PROBLEM -> Parsed.ok(new ParameterProblem(code, p.pointer(), copyData(p)));
            case TYPE_ROUTER_SOLICITATION, TYPE_ROUTER_ADVERTISEMENT, TYPE_NEIGHBOR_SOLICITATION,
                 TYPE_NEIGHBOR_ADVERTISEMENT, TYPE_REDIRECT -> widen(NdpRepr.parseChecked(p, src, dst));
            case TYPE_MLD_QUERY, TYPE_MLD_REPORT, TYPE_MLD_DONE, TYPE_MLDV2_REPORT -> widen(MldRepr.parseChecked(p));
            default -> Parsed.fail(WireError.UNSUPPORTED);
        };
    }

    /** A {@code Parsed} only hands its value out, so one of a subtype is also one of the supertype. */
    @SuppressWarnings("unchecked")
    private static Parsed<Icmpv6Repr> widen(Parsed<? extends Icmpv6Repr> parsed) {
        return (Parsed<Icmpv6Repr>) parsed;
    }

    private static byte[] copyData(Icmpv6Packet p) {
        byte[] data = new byte[p.dataLength()];
        p.buffer().getBytes(p.dataOffset(), data);
        return data;
    }

    /** Writes type, code, a zero checksum and the second word. */
    static void header(ByteBuf buf, int offset, int type, int code, int restOfHeader) {
        buf.setByte(offset, type);
        buf.setByte(offset + 1, code);
        buf.setShort(offset + 2, 0);
        buf.setInt(offset + 4, restOfHeader);
    }
}
