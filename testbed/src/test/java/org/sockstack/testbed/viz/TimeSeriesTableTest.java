package org.sockstack.testbed.viz;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimeSeriesTableTest {
    static final String HEADER = "time_s,cwnd,ssthresh,srtt_ms,rttvar_ms,rto_ms,bytes_acked,retransmissions,bytes_in_flight";

    @Test
    void readsColumnsByNameWithEmptyCellsAsNaN() {
        TimeSeriesTable t = TimeSeriesTable.parse("a,b\n1,\n2.5,7\n");
        assertEquals(2, t.rows());
        assertArrayEquals(new double[] {1, 2.5}, t.column("a"));
        assertTrue(Double.isNaN(t.column("b")[0]));
        assertEquals(7, t.column("b")[1]);
    }

    @Test
    void malformedCsvNamesTheLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TimeSeriesTable.parse("a,b\n1,2\n3\n"));
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TimeSeriesTable.parse("a,b\n1,x\n"));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("x"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TimeSeriesTable.parse("a\nInfinity\n"));
        assertThrows(IllegalArgumentException.class, () -> TimeSeriesTable.parse(""));
        assertThrows(IllegalArgumentException.class, () -> TimeSeriesTable.parse("a\n1\n").column("b"));
    }
}
