package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;

import static org.sockstack.stack.wire.Icmpv4Packet.*;

/**
 * The meaning of an ICMP message for IPv4 (RFC 792, RFC 1122 section 3.2.2): one record per
 * message type the stack speaks. Error messages carry a copy of the invoking datagram (its IP
 * header and the first octets of its payload) so the ICMP layer can find the socket it concerns.
 *
 * <p>{@link #parse} verifies the checksum and the codes; Timestamp, Information and Source Quench
 * (deprecated by RFC 6633) come back as {@link WireError#UNSUPPORTED}.
 */
public sealed interface Icmpv4Repr {

    /** The ICMP type field. */
    int msgType();

    /** The ICMP code field. */
    int code();

    /** The 32-bit second word of the header. */
    int restOfHeader();

    /** Echo data or the invoking datagram: what follows the 8-octet header. */
    byte[] data();

    /** Echo (type 8, RFC 792): answered by an {@link EchoReply} carrying the same identifier, sequence and data. */
    record EchoRequest(int identifier, int sequenceNumber, byte[] data) implements Icmpv4Repr {
        public int msgType() {
            return TYPE_ECHO_REQUEST;
        }

        public int code() {
            return 0;
        }

        public int restOfHeader() {
            return (identifier << 16) | (sequenceNumber & 0xFFFF);
        }

        /** RFC 1122 section 3.2.2.6: the reply echoes identifier, sequence number and data. */
        public EchoReply reply() {
            return new EchoReply(identifier, sequenceNumber, data);
        }
    }

    /** Echo Reply (type 0, RFC 792). */
    record EchoReply(int identifier, int sequenceNumber, byte[] data) implements Icmpv4Repr {
        public int msgType() {
            return TYPE_ECHO_REPLY;
        }

        public int code() {
            return 0;
        }

        public int restOfHeader() {
            return (identifier << 16) | (sequenceNumber & 0xFFFF);
        }
    }

    /**
     * Destination Unreachable (type 3). {@code nextHopMtu} is meaningful only for code 4
     * (fragmentation needed and DF set, RFC 1191 section 4) and is 0 otherwise; a router that
     * predates RFC 1191 also sends 0.
     */
    record DestinationUnreachable(int code, int nextHopMtu, byte[] data) implements Icmpv4Repr {
        public int msgType() {
            return TYPE_DESTINATION_UNREACHABLE;
        }

        public int restOfHeader() {
            return code == CODE_FRAGMENTATION_NEEDED ? nextHopMtu & 0xFFFF : 0;
        }
    }

    /** Time Exceeded (type 11): code 0 TTL exceeded in transit, 1 fragment reassembly time exceeded. */
    record TimeExceeded(int code, byte[] data) implements Icmpv4Repr {
        public int msgType() {
            return TYPE_TIME_EXCEEDED;
        }

        public int restOfHeader() {
            return 0;
        }
    }

    /** Parameter Problem (type 12): {@code pointer} is the offending octet of the invoking datagram (code 0). */
    record ParameterProblem(int code, int pointer, byte[] data) implements Icmpv4Repr {
        public int msgType() {
            return TYPE_PARAMETER_PROBLEM;
        }

        public int restOfHeader() {
            return pointer << 24;
        }
    }

    /** Redirect (type 5, RFC 1122 section 3.2.2.2): send datagrams for the quoted destination via {@code gateway}. */
    record Redirect(int code, Ipv4Address gateway, byte[] data) implements Icmpv4Repr {
        public int msgType() {
            return TYPE_REDIRECT;
        }

        public int restOfHeader() {
            return gateway.bits();
        }
    }

    /** Validates the checksum and the code and builds the record. */
    static Parsed<Icmpv4Repr> parse(Icmpv4Packet p) {
        WireError e = p.check();
        if (!e.ok()) {
            return Parsed.fail(e);
        }
        if (!p.verifyChecksum()) {
            return Parsed.fail(WireError.BAD_CHECKSUM);
        }
        int code = p.code();
        return switch (p.msgType()) {
            case TYPE_ECHO_REQUEST -> code != 0 ? Parsed.fail(WireError.BAD_FIELD)
                    : Parsed.ok(new EchoRequest(p.identifier(), p.sequenceNumber(), copyData(p)));
            case TYPE_ECHO_REPLY -> code != 0 ? Parsed.fail(WireError.BAD_FIELD)
                    : Parsed.ok(new EchoReply(p.identifier(), p.sequenceNumber(), copyData(p)));
            // RFC 1812 section 5.2.7.1 defines codes 0..15; a host treats an unknown code like
            // any other unreachable, so every code is accepted.
            case TYPE_DESTINATION_UNREACHABLE -> Parsed.ok(new DestinationUnreachable(code,
                    code == CODE_FRAGMENTATION_NEEDED ? p.nextHopMtu() : 0, copyData(p)));
            case TYPE_TIME_EXCEEDED -> code > CODE_FRAGMENT_REASSEMBLY_TIME_EXCEEDED ? Parsed.fail(WireError.BAD_FIELD)
                    : Parsed.ok(new TimeExceeded(code, copyData(p)));
            case TYPE_PARAMETER_PROBLEM -> code > CODE_BAD_LENGTH ? Parsed.fail(WireError.BAD_FIELD)
                    : Parsed.ok(new ParameterProblem(code, p.pointer(), copyData(p)));
            case TYPE_REDIRECT -> code > CODE_REDIRECT_TOS_HOST ? Parsed.fail(WireError.BAD_FIELD)
                    : Parsed.ok(new Redirect(code, new Ipv4Address(p.gatewayAddr()), copyData(p)));
            default -> Parsed.fail(WireError.UNSUPPORTED);
        };
    }

    private static byte[] copyData(Icmpv4Packet p) {
        byte[] data = new byte[p.dataLength()];
        p.buffer().getBytes(p.dataOffset(), data);
        return data;
    }

    /** True for error messages, which a host must never answer with another error (RFC 1122 section 3.2.2). */
    default boolean isError() {
        return Icmpv4Packet.isError(msgType());
    }

    default int bufferLength() {
        return HEADER_LENGTH + data().length;
    }

    /** Writes the message at absolute {@code offset} and fills in the checksum over all of it. */
    default void emit(ByteBuf buf, int offset) {
        buf.setByte(offset, msgType());
        buf.setByte(offset + 1, code());
        buf.setShort(offset + 2, 0);
        buf.setInt(offset + 4, restOfHeader());
        buf.setBytes(offset + HEADER_LENGTH, data());
        buf.setShort(offset + 2, InternetChecksum.compute(buf, offset, bufferLength()));
    }
}
