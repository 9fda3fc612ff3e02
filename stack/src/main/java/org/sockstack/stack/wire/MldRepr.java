package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.List;

import static org.sockstack.stack.wire.Icmpv6Packet.*;

/**
 * The meaning of a Multicast Listener Discovery message, carried in ICMPv6: MLDv1 (RFC 2710)
 * Query, Report and Done, and MLDv2 (RFC 3810) Query and Report. Layouts are drawn in
 * {@link Icmpv6Packet}. A query of 24 octets is MLDv1, of 28 or more MLDv2 (RFC 3810 section 8.1).
 *
 * <p>The IPv6-level rules (hop limit 1, Router Alert option, link-local or for reports
 * unspecified source, RFC 3810 section 5) belong to the caller. The Code field is ignored by
 * receivers and sent as zero (RFC 2710 section 3.2).
 */
public sealed interface MldRepr extends Icmpv6Repr {

    default int code() {
        return 0;
    }

    /**
     * MLDv1 Multicast Listener Query (RFC 2710 section 3): general (address ::) or
     * multicast-address-specific. The delay is in milliseconds.
     */
    record Query(int maximumResponseDelay, Ipv6Address multicastAddress) implements MldRepr {
        public int msgType() {
            return TYPE_MLD_QUERY;
        }

        public int bufferLength() {
            return MLDV1_LENGTH;
        }

        public void emitWithoutChecksum(ByteBuf buf, int offset) {
            Icmpv6Repr.header(buf, offset, msgType(), 0, maximumResponseDelay << 16);
            multicastAddress.write(buf, offset + 8);
        }
    }

    /** MLDv1 Multicast Listener Report (RFC 2710 section 3). */
    record Report(Ipv6Address multicastAddress) implements MldRepr {
        public int msgType() {
            return TYPE_MLD_REPORT;
        }

        public int bufferLength() {
            return MLDV1_LENGTH;
        }

        public void emitWithoutChecksum(ByteBuf buf, int offset) {
            Icmpv6Repr.header(buf, offset, msgType(), 0, 0);
            multicastAddress.write(buf, offset + 8);
        }
    }

    /** MLDv1 Multicast Listener Done (RFC 2710 section 3), sent to ff02::2. */
    record Done(Ipv6Address multicastAddress) implements MldRepr {
        public int msgType() {
            return TYPE_MLD_DONE;
        }

        public int bufferLength() {
            return MLDV1_LENGTH;
        }

        public void emitWithoutChecksum(ByteBuf buf, int offset) {
            Icmpv6Repr.header(buf, offset, msgType(), 0, 0);
            multicastAddress.write(buf, offset + 8);
        }
    }

    /**
     * Version 2 Multicast Listener Query (RFC 3810 section 5.1): general, multicast address
     * specific, or multicast address and source specific (non-empty {@code sources}).
     *
     * @param maximumResponseCode the 16-bit code (section 5.1.3); see {@link #maximumResponseDelay()}
     * @param suppressRouterSideProcessing the S flag (section 5.1.7)
     * @param qrv the Querier's Robustness Variable, 0..7 (section 5.1.8)
     * @param qqic the Querier's Query Interval Code (section 5.1.9); see {@link #queryInterval()}
     */
    record V2Query(int maximumResponseCode, Ipv6Address multicastAddress, boolean suppressRouterSideProcessing,
                   int qrv, int qqic, List<Ipv6Address> sources) implements MldRepr {
        public V2Query {
            sources = List.copyOf(sources);
        }

        /** Maximum Response Delay in milliseconds. */
        public int maximumResponseDelay() {
            return ExponentialCode.decode16(maximumResponseCode);
        }

        /** Querier's Query Interval in seconds. */
        public int queryInterval() {
            return ExponentialCode.decode8(qqic);
        }

        public int msgType() {
            return TYPE_MLD_QUERY;
        }

        public int bufferLength() {
            return MLDV2_QUERY_MIN_LENGTH + 16 * sources.size();
        }

        public void emitWithoutChecksum(ByteBuf buf, int offset) {
            Icmpv6Repr.header(buf, offset, msgType(), 0, maximumResponseCode << 16);
            multicastAddress.write(buf, offset + 8);
            buf.setByte(offset + 24, (suppressRouterSideProcessing ? 0x08 : 0) | (qrv & 0x07));
            buf.setByte(offset + 25, qqic);
            buf.setShort(offset + 26, sources.size());
            for (int i = 0; i < sources.size(); i++) {
                sources.get(i).write(buf, offset + MLDV2_QUERY_MIN_LENGTH + 16 * i);
            }
        }
    }

    /** Version 2 Multicast Listener Report (RFC 3810 section 5.2), sent to ff02::16. */
    record V2Report(List<MulticastAddressRecord> records) implements MldRepr {
        public V2Report {
            records = List.copyOf(records);
        }

        public int msgType() {
            return TYPE_MLDV2_REPORT;
        }

        public int bufferLength() {
            int n = HEADER_LENGTH;
            for (MulticastAddressRecord r : records) {
                n += r.bufferLength();
            }
            return n;
        }

        public void emitWithoutChecksum(ByteBuf buf, int offset) {
            Icmpv6Repr.header(buf, offset, msgType(), 0, records.size());
            int at = offset + HEADER_LENGTH;
            for (MulticastAddressRecord r : records) {
                r.emit(buf, at);
                at += r.bufferLength();
            }
        }
    }

    /**
     * A Multicast Address Record of an MLDv2 Report (RFC 3810 section 5.2.4). Record types
     * (section 5.2.12): current-state 1 MODE_IS_INCLUDE, 2 MODE_IS_EXCLUDE; filter-mode-change
     * 3 CHANGE_TO_INCLUDE_MODE, 4 CHANGE_TO_EXCLUDE_MODE; source-list-change 5 ALLOW_NEW_SOURCES,
     * 6 BLOCK_OLD_SOURCES. Unknown types are kept here; the MLD layer ignores them.
     *
     * @param auxiliaryData Aux Data Len * 4 octets (none are defined for MLDv2)
     */
    record MulticastAddressRecord(int recordType, Ipv6Address multicastAddress, List<Ipv6Address> sources,
                                  byte[] auxiliaryData) {
        public static final int MODE_IS_INCLUDE = 1;
        public static final int MODE_IS_EXCLUDE = 2;
        public static final int CHANGE_TO_INCLUDE_MODE = 3;
        public static final int CHANGE_TO_EXCLUDE_MODE = 4;
        public static final int ALLOW_NEW_SOURCES = 5;
        public static final int BLOCK_OLD_SOURCES = 6;

        public MulticastAddressRecord {
            sources = List.copyOf(sources);
            if (auxiliaryData.length % 4 != 0) {
                throw new IllegalArgumentException("aux data is a whole number of 32-bit words");
            }
        }

        public MulticastAddressRecord(int recordType, Ipv6Address multicastAddress, List<Ipv6Address> sources) {
            this(recordType, multicastAddress, sources, new byte[0]);
        }

        public int bufferLength() {
            return MLDV2_RECORD_HEADER_LENGTH + 16 * sources.size() + auxiliaryData.length;
        }

        public void emit(ByteBuf buf, int offset) {
            buf.setByte(offset, recordType);
            buf.setByte(offset + 1, auxiliaryData.length / 4);
            buf.setShort(offset + 2, sources.size());
            multicastAddress.write(buf, offset + 4);
            for (int i = 0; i < sources.size(); i++) {
                sources.get(i).write(buf, offset + MLDV2_RECORD_HEADER_LENGTH + 16 * i);
            }
            buf.setBytes(offset + MLDV2_RECORD_HEADER_LENGTH + 16 * sources.size(), auxiliaryData);
        }
    }

    /** Checks lengths (source counts, records) and the checksum, then builds the record. */
    static Parsed<MldRepr> parse(Icmpv6Packet p, Ipv6Address src, Ipv6Address dst) {
        WireError e = p.check();
        if (!e.ok()) {
            return Parsed.fail(e);
        }
        int type = p.msgType();
        if (type != TYPE_MLD_QUERY && type != TYPE_MLD_REPORT && type != TYPE_MLD_DONE && type != TYPE_MLDV2_REPORT) {
            return Parsed.fail(WireError.UNSUPPORTED);
        }
        if (!p.verifyChecksum(src, dst)) {
            return Parsed.fail(WireError.BAD_CHECKSUM);
        }
        return parseChecked(p);
    }

    /** {@link #parse} after the view check and the checksum. */
    static Parsed<MldRepr> parseChecked(Icmpv6Packet p) {
        return switch (p.msgType()) {
            case TYPE_MLD_QUERY -> p.isMldv2Query() ? Parsed.ok(v2Query(p, multicastAddress(p)))
                    : Parsed.ok(new Query(p.mldMaximumResponse(), multicastAddress(p)));
            case TYPE_MLD_REPORT -> Parsed.ok(new Report(multicastAddress(p)));
            case TYPE_MLD_DONE -> Parsed.ok(new Done(multicastAddress(p)));
            default -> Parsed.ok(v2Report(p));
        };
    }

    /** MLDv1 messages and MLDv2 queries (24 octets or more after the check). */
    private static Ipv6Address multicastAddress(Icmpv6Packet p) {
        return new Ipv6Address(p.mldMulticastAddrHi(), p.mldMulticastAddrLo());
    }

    private static V2Query v2Query(Icmpv6Packet p, Ipv6Address address) {
        List<Ipv6Address> sources = new ArrayList<>(p.mldNumberOfSources());
        for (int i = 0; i < p.mldNumberOfSources(); i++) {
            sources.add(Ipv6Address.read(p.buffer(), p.mldSourceOffset(i)));
        }
        return new V2Query(p.mldMaximumResponse(), address, p.mldSuppressFlag(), p.mldQrv(), p.mldQqic(), sources);
    }

    private static V2Report v2Report(Icmpv6Packet p) {
        List<MulticastAddressRecord> records = new ArrayList<>(p.mldv2NumberOfRecords());
        int at = p.firstMldv2Record();
        for (int r = 0; r < p.mldv2NumberOfRecords(); r++) {
            int n = p.mldv2RecordNumberOfSources(at);
            List<Ipv6Address> sources = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                sources.add(Ipv6Address.read(p.buffer(), p.mldv2RecordSourceOffset(at, i)));
            }
            byte[] aux = new byte[p.mldv2RecordAuxDataLength(at)];
            p.buffer().getBytes(p.mldv2RecordAuxDataOffset(at), aux);
            records.add(new MulticastAddressRecord(p.mldv2RecordType(at),
                    new Ipv6Address(p.mldv2RecordMulticastAddrHi(at), p.mldv2RecordMulticastAddrLo(at)), sources, aux));
            at = p.nextMldv2Record(at);
        }
        return new V2Report(records);
    }
}
