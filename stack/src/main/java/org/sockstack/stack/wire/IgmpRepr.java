package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.List;

import static org.sockstack.stack.wire.IgmpPacket.*;

/**
 * The meaning of an IGMP message (RFC 1112, RFC 2236, RFC 3376); layouts are drawn in
 * {@link IgmpPacket}. The IPv4-level rules (TTL 1, Router Alert, RFC 3376 section 4) belong to
 * the caller.
 */
public sealed interface IgmpRepr {

    int msgType();

    int bufferLength();

    /** Writes the message at {@code offset} with a zero checksum field; {@link #emit} adds it. */
    void emitWithoutChecksum(ByteBuf buf, int offset);

    /** Writes the message and its checksum over the whole message. */
    default void emit(ByteBuf buf, int offset) {
        emitWithoutChecksum(buf, offset);
        buf.setShort(offset + 2, InternetChecksum.compute(buf, offset, bufferLength()));
    }

    /**
     * IGMPv1 or IGMPv2 Membership Query (RFC 2236 section 2): general (group 0.0.0.0) or
     * group-specific. {@code maxRespTime} is in units of 1/10 second; an IGMPv1 query has 0
     * (RFC 2236 section 4).
     */
    record Query(int maxRespTime, Ipv4Address groupAddress) implements IgmpRepr {
        public boolean isV1() {
            return maxRespTime == 0;
        }

        public int msgType() {
            return TYPE_MEMBERSHIP_QUERY;
        }

        public int bufferLength() {
            return HEADER_LENGTH;
        }

        public void emitWithoutChecksum(ByteBuf buf, int offset) {
            header(buf, offset, msgType(), maxRespTime, groupAddress);
        }
    }

    /**
     * IGMPv3 Membership Query (RFC 3376 section 4.1): general, group-specific or
     * group-and-source-specific (non-empty {@code sources}).
     *
     * @param maxRespCode the 8-bit code (section 4.1.1); see {@link #maxRespTime()}
     * @param suppressRouterSideProcessing the S flag (section 4.1.5)
     * @param qrv the Querier's Robustness Variable (section 4.1.6)
     * @param qqic the Querier's Query Interval Code (section 4.1.7); see {@link #queryInterval()}
     */
    record V3Query(int maxRespCode, Ipv4Address groupAddress, boolean suppressRouterSideProcessing, int qrv,
                   int qqic, List<Ipv4Address> sources) implements IgmpRepr {
        public V3Query {
            sources = List.copyOf(sources);
        }

        /** Max Resp Time in units of 1/10 second. */
        public int maxRespTime() {
            return ExponentialCode.decode8(maxRespCode);
        }

        /** Querier's Query Interval in seconds. */
        public int queryInterval() {
            return ExponentialCode.decode8(qqic);
        }

        public int msgType() {
            return TYPE_MEMBERSHIP_QUERY;
        }

        public int bufferLength() {
            return V3_QUERY_MIN_LENGTH + 4 * sources.size();
        }

        public void emitWithoutChecksum(ByteBuf buf, int offset) {
            header(buf, offset, msgType(), maxRespCode, groupAddress);
            buf.setByte(offset + 8, (suppressRouterSideProcessing ? 0x08 : 0) | (qrv & 0x07));
            buf.setByte(offset + 9, qqic);
            buf.setShort(offset + 10, sources.size());
            for (int i = 0; i < sources.size(); i++) {
                buf.setInt(offset + V3_QUERY_MIN_LENGTH + 4 * i, sources.get(i).bits());
            }
        }
    }

    /** IGMPv1 Host Membership Report (RFC 1112 appendix I), sent to the group. */
    record V1Report(Ipv4Address groupAddress) implements IgmpRepr {
        public int msgType() {
            return TYPE_V1_MEMBERSHIP_REPORT;
        }

        public int bufferLength() {
            return HEADER_LENGTH;
        }

        public void emitWithoutChecksum(ByteBuf buf, int offset) {
            header(buf, offset, msgType(), 0, groupAddress);
        }
    }

    /** IGMPv2 Membership Report (RFC 2236 section 2), sent to the group. */
    record V2Report(Ipv4Address groupAddress) implements IgmpRepr {
        public int msgType() {
            return TYPE_V2_MEMBERSHIP_REPORT;
        }

        public int bufferLength() {
            return HEADER_LENGTH;
        }

        public void emitWithoutChecksum(ByteBuf buf, int offset) {
            header(buf, offset, msgType(), 0, groupAddress);
        }
    }

    /** IGMPv2 Leave Group (RFC 2236 section 2), sent to 224.0.0.2. */
    record LeaveGroup(Ipv4Address groupAddress) implements IgmpRepr {
        public int msgType() {
            return TYPE_LEAVE_GROUP;
        }

        public int bufferLength() {
            return HEADER_LENGTH;
        }

        public void emitWithoutChecksum(ByteBuf buf, int offset) {
            header(buf, offset, msgType(), 0, groupAddress);
        }
    }

    /** IGMPv3 Membership Report (RFC 3376 section 4.2), sent to 224.0.0.22. */
    record V3Report(List<GroupRecord> groupRecords) implements IgmpRepr {
        public V3Report {
            groupRecords = List.copyOf(groupRecords);
        }

        public int msgType() {
            return TYPE_V3_MEMBERSHIP_REPORT;
        }

        public int bufferLength() {
            int n = HEADER_LENGTH;
            for (GroupRecord r : groupRecords) {
                n += r.bufferLength();
            }
            return n;
        }

        public void emitWithoutChecksum(ByteBuf buf, int offset) {
            buf.setByte(offset, msgType());
            buf.setByte(offset + 1, 0);
            buf.setShort(offset + 2, 0);
            buf.setShort(offset + 4, 0);
            buf.setShort(offset + 6, groupRecords.size());
            int at = offset + HEADER_LENGTH;
            for (GroupRecord r : groupRecords) {
                r.emit(buf, at);
                at += r.bufferLength();
            }
        }
    }

    /**
     * A Group Record of an IGMPv3 Report (RFC 3376 section 4.2.4). Record types (section
     * 4.2.12) are the same as MLDv2's: 1 MODE_IS_INCLUDE, 2 MODE_IS_EXCLUDE, 3 CHANGE_TO_INCLUDE_MODE,
     * 4 CHANGE_TO_EXCLUDE_MODE, 5 ALLOW_NEW_SOURCES, 6 BLOCK_OLD_SOURCES.
     */
    record GroupRecord(int recordType, Ipv4Address multicastAddress, List<Ipv4Address> sources,
                       byte[] auxiliaryData) {
        public static final int MODE_IS_INCLUDE = 1;
        public static final int MODE_IS_EXCLUDE = 2;
        public static final int CHANGE_TO_INCLUDE_MODE = 3;
        public static final int CHANGE_TO_EXCLUDE_MODE = 4;
        public static final int ALLOW_NEW_SOURCES = 5;
        public static final int BLOCK_OLD_SOURCES = 6;

        public GroupRecord {
            sources = List.copyOf(sources);
            if (auxiliaryData.length % 4 != 0) {
                throw new IllegalArgumentException("aux data is a whole number of 32-bit words");
            }
        }

        public GroupRecord(int recordType, Ipv4Address multicastAddress, List<Ipv4Address> sources) {
            this(recordType, multicastAddress, sources, new byte[0]);
        }

        public int bufferLength() {
            return V3_RECORD_HEADER_LENGTH + 4 * sources.size() + auxiliaryData.length;
        }

        public void emit(ByteBuf buf, int offset) {
            buf.setByte(offset, recordType);
            buf.setByte(offset + 1, auxiliaryData.length / 4);
            buf.setShort(offset + 2, sources.size());
            buf.setInt(offset + 4, multicastAddress.bits());
            for (int i = 0; i < sources.size(); i++) {
                buf.setInt(offset + V3_RECORD_HEADER_LENGTH + 4 * i, sources.get(i).bits());
            }
            buf.setBytes(offset + V3_RECORD_HEADER_LENGTH + 4 * sources.size(), auxiliaryData);
        }
    }

    /** Checks lengths, source counts and records, and the checksum, then builds the record. */
    static Parsed<IgmpRepr> parse(IgmpPacket p) {
        WireError e = p.check();
        if (!e.ok()) {
            return Parsed.fail(e);
        }
        if (!p.verifyChecksum()) {
            return Parsed.fail(WireError.BAD_CHECKSUM);
        }
        Ipv4Address group = new Ipv4Address(p.groupAddr());
        return switch (p.msgType()) {
            case TYPE_MEMBERSHIP_QUERY -> Parsed.ok(p.isV3Query() ? v3Query(p, group) : new Query(p.maxResp(), group));
            case TYPE_V1_MEMBERSHIP_REPORT -> Parsed.ok(new V1Report(group));
            case TYPE_V2_MEMBERSHIP_REPORT -> Parsed.ok(new V2Report(group));
            case TYPE_LEAVE_GROUP -> Parsed.ok(new LeaveGroup(group));
            case TYPE_V3_MEMBERSHIP_REPORT -> Parsed.ok(v3Report(p));
            default -> Parsed.fail(WireError.UNSUPPORTED);
        };
    }

    private static V3Query v3Query(IgmpPacket p, Ipv4Address group) {
        List<Ipv4Address> sources = new ArrayList<>(p.numberOfSources());
        for (int i = 0; i < p.numberOfSources(); i++) {
            sources.add(new Ipv4Address(p.sourceAddr(i)));
        }
        return new V3Query(p.maxResp(), group, p.suppressFlag(), p.qrv(), p.qqic(), sources);
    }

    private static V3Report v3Report(IgmpPacket p) {
        List<GroupRecord> records = new ArrayList<>(p.numberOfGroupRecords());
        int at = p.firstGroupRecord();
        for (int r = 0; r < p.numberOfGroupRecords(); r++) {
            int n = p.recordNumberOfSources(at);
            List<Ipv4Address> sources = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                sources.add(new Ipv4Address(p.recordSourceAddr(at, i)));
            }
            byte[] aux = new byte[p.recordAuxDataLength(at)];
            p.buffer().getBytes(p.recordAuxDataOffset(at), aux);
            records.add(new GroupRecord(p.recordType(at), new Ipv4Address(p.recordMulticastAddr(at)), sources, aux));
            at = p.nextGroupRecord(at);
        }
        return new V3Report(records);
    }

    private static void header(ByteBuf buf, int offset, int type, int maxResp, Ipv4Address group) {
        buf.setByte(offset, type);
        buf.setByte(offset + 1, maxResp);
        buf.setShort(offset + 2, 0);
        buf.setInt(offset + 4, group.bits());
    }
}
