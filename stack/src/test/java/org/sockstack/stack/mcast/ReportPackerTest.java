package org.sockstack.stack.mcast;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** RFC 3376 section 4.2.16: records that do not fit one report. */
class ReportPackerTest {
    private static List<Integer> sources(int n) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(i);
        }
        return out;
    }

    @Test
    void recordsShareAMessageWhileTheyFit() {
        // 100 octets: each record with 2 sources takes 8 + 8 = 16, so 6 fit.
        List<MembershipRecord<Integer>> records = new ArrayList<>();
        for (int g = 0; g < 8; g++) {
            records.add(new MembershipRecord<>(RecordType.MODE_IS_INCLUDE, 1000 + g, sources(2)));
        }
        List<List<MembershipRecord<Integer>>> messages = ReportPacker.pack(records, 100, 8, 4);
        assertEquals(2, messages.size());
        assertEquals(6, messages.get(0).size());
        assertEquals(2, messages.get(1).size());
    }

    @Test
    void rfc3376_4_2_16_longSourceListsAreSplit() {
        // (100 - 8) / 4 = 23 sources per record.
        MembershipRecord<Integer> allow = new MembershipRecord<>(RecordType.ALLOW_NEW_SOURCES, 7, sources(50));
        List<List<MembershipRecord<Integer>>> messages = ReportPacker.pack(List.of(allow), 100, 8, 4);
        assertEquals(3, messages.size());
        assertEquals(List.of(23, 23, 4), messages.stream().map(m -> m.get(0).sources().size()).toList());
        assertEquals(sources(50), messages.stream().flatMap(m -> m.get(0).sources().stream()).toList());
    }

    @Test
    void rfc3376_4_2_16_excludeRecordsAreTruncated() {
        MembershipRecord<Integer> isEx = new MembershipRecord<>(RecordType.MODE_IS_EXCLUDE, 7, sources(50));
        List<List<MembershipRecord<Integer>>> messages = ReportPacker.pack(List.of(isEx), 100, 8, 4);
        assertEquals(1, messages.size());
        assertEquals(sources(23), messages.get(0).get(0).sources());
    }
}
