package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;

/**
 * A view over an IGMP message: IGMPv1 (RFC 1112 appendix I), IGMPv2 (RFC 2236) and IGMPv3
 * (RFC 3376). IGMPv1 and IGMPv2 messages are 8 octets:
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Type     | Max Resp Time |           Checksum            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Group Address                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * The IGMPv3 Membership Query (RFC 3376 section 4.1) extends the query:
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Type = 0x11  | Max Resp Code |           Checksum            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Group Address                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Resv  |S| QRV |     QQIC      |     Number of Sources (N)     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  Source Address [1] ... [N]                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * The IGMPv3 Membership Report (RFC 3376 section 4.2) carries group records:
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Type = 0x22  |    Reserved   |           Checksum            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Reserved            |  Number of Group Records (M)  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Record Type   | Aux Data Len  |     Number of Sources (N)     |  Group Record [1]
 * |                       Multicast Address                       |
 * |                  Source Address [1] ... [N]                   |
 * |                  Auxiliary Data (Aux Data Len words)          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>The checksum covers the whole IGMP message (RFC 3376 section 4.1.2). {@link #check()}
 * validates the source counts and records so that no accessor reads past the message.
 */
public final class IgmpPacket {
    public static final int HEADER_LENGTH = 8;
    public static final int V3_QUERY_MIN_LENGTH = 12;
    public static final int V3_RECORD_HEADER_LENGTH = 8;
    /** The IPv4 protocol number of IGMP. */
    public static final int PROTOCOL = 2;

    public static final int TYPE_MEMBERSHIP_QUERY = 0x11;
    public static final int TYPE_V1_MEMBERSHIP_REPORT = 0x12;
    public static final int TYPE_V2_MEMBERSHIP_REPORT = 0x16;
    public static final int TYPE_LEAVE_GROUP = 0x17;
    public static final int TYPE_V3_MEMBERSHIP_REPORT = 0x22;

    private ByteBuf buf;
    private int start;
    private int length;

    public IgmpPacket wrap(ByteBuf buf, int offset, int length) {
        this.buf = buf;
        this.start = offset;
        this.length = length;
        return this;
    }

    public WireError check() {
        if (length < HEADER_LENGTH || start < 0 || start + length > buf.capacity()) {
            return WireError.TRUNCATED;
        }
        return switch (msgType()) {
            case TYPE_MEMBERSHIP_QUERY -> checkQuery();
            case TYPE_V3_MEMBERSHIP_REPORT -> checkV3Report();
            default -> WireError.OK;
        };
    }

    /** RFC 3376 section 7.1: 8 octets is IGMPv1/v2, 12 or more IGMPv3, anything else is ignored. */
    private WireError checkQuery() {
        if (length == HEADER_LENGTH) {
            return WireError.OK;
        }
        if (length < V3_QUERY_MIN_LENGTH || length < V3_QUERY_MIN_LENGTH + 4 * numberOfSources()) {
            return WireError.BAD_LENGTH;
        }
        return WireError.OK;
    }

    private WireError checkV3Report() {
        int end = start + length;
        int at = firstGroupRecord();
        for (int i = 0; i < numberOfGroupRecords(); i++) {
            if (at + V3_RECORD_HEADER_LENGTH > end) {
                return WireError.BAD_LENGTH;
            }
            at = nextGroupRecord(at);
            if (at > end) {
                return WireError.BAD_LENGTH;
            }
        }
        return WireError.OK;
    }

    public ByteBuf buffer() {
        return buf;
    }

    public int offset() {
        return start;
    }

    public int length() {
        return length;
    }

    public int msgType() {
        return buf.getUnsignedByte(start);
    }

    /** IGMPv2: Max Resp Time in 1/10 s (0 in IGMPv1 queries); IGMPv3: Max Resp Code. */
    public int maxResp() {
        return buf.getUnsignedByte(start + 1);
    }

    public int checksum() {
        return buf.getUnsignedShort(start + 2);
    }

    /** RFC 2236 section 2.3, RFC 3376 section 4.1.2: the checksum of the whole IGMP message. */
    public boolean verifyChecksum() {
        return InternetChecksum.verifies(buf, start, length, 0);
    }

    public int groupAddr() {
        return buf.getInt(start + 4);
    }

    /** True for an IGMPv3 query (12 or more octets, RFC 3376 section 7.1). */
    public boolean isV3Query() {
        return msgType() == TYPE_MEMBERSHIP_QUERY && length >= V3_QUERY_MIN_LENGTH;
    }

    /** IGMPv3 query S flag: Suppress Router-Side Processing. */
    public boolean suppressFlag() {
        return (buf.getUnsignedByte(start + 8) & 0x08) != 0;
    }

    /** IGMPv3 query QRV: Querier's Robustness Variable. */
    public int qrv() {
        return buf.getUnsignedByte(start + 8) & 0x07;
    }

    /** IGMPv3 query QQIC: Querier's Query Interval Code. */
    public int qqic() {
        return buf.getUnsignedByte(start + 9);
    }

    public int numberOfSources() {
        return buf.getUnsignedShort(start + 10);
    }

    public int sourceAddr(int i) {
        return buf.getInt(start + V3_QUERY_MIN_LENGTH + 4 * i);
    }

    public int numberOfGroupRecords() {
        return buf.getUnsignedShort(start + 6);
    }

    /** Absolute index of the first IGMPv3 group record; walk with {@link #nextGroupRecord}. */
    public int firstGroupRecord() {
        return start + HEADER_LENGTH;
    }

    public int recordType(int at) {
        return buf.getUnsignedByte(at);
    }

    /** Aux Data Len in octets (the field counts 32-bit words). */
    public int recordAuxDataLength(int at) {
        return buf.getUnsignedByte(at + 1) * 4;
    }

    public int recordNumberOfSources(int at) {
        return buf.getUnsignedShort(at + 2);
    }

    public int recordMulticastAddr(int at) {
        return buf.getInt(at + 4);
    }

    public int recordSourceAddr(int at, int i) {
        return buf.getInt(at + V3_RECORD_HEADER_LENGTH + 4 * i);
    }

    public int recordAuxDataOffset(int at) {
        return at + V3_RECORD_HEADER_LENGTH + 4 * recordNumberOfSources(at);
    }

    public int nextGroupRecord(int at) {
        return recordAuxDataOffset(at) + recordAuxDataLength(at);
    }
}
