package org.sockstack.stack.tcp;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The RFC 6675 scoreboard on its own: ranges, IsLost, NextSeg's search and SetPipe. */
class SackScoreboardTest {
    private static final int MSS = 1000;

    @Test
    void rfc6675_3_rangesMergeAndReportNewData() {
        SackScoreboard sb = new SackScoreboard(8);
        assertTrue(sb.add(2000, 3000));
        assertTrue(sb.add(4000, 5000));
        assertFalse(sb.add(2000, 3000), "already SACKed: nothing new");
        assertFalse(sb.add(2500, 2800));
        assertTrue(sb.add(3000, 4000), "fills the gap between the two ranges");
        assertEquals(1, sb.blockCount());
        assertEquals(3000, sb.sackedBytes());
        assertEquals(5000, sb.highestSacked(0));
        assertFalse(sb.add(7, 7), "an empty block is no information");
    }

    @Test
    void rfc6675_3_sequenceNumbersWrap() {
        SackScoreboard sb = new SackScoreboard(8);
        sb.add(-500, 500);
        assertTrue(sb.isSacked(-1));
        assertTrue(sb.isSacked(0));
        assertEquals(500, sb.nextUnsacked(-500));
        sb.removeBelow(0);
        assertEquals(500, sb.sackedBytes());
    }

    @Test
    void scoreboardIsBounded() {
        SackScoreboard sb = new SackScoreboard(2);
        assertTrue(sb.add(1000, 2000));
        assertTrue(sb.add(3000, 4000));
        assertFalse(sb.add(5000, 6000), "a third range does not fit and is forgotten");
        assertEquals(2, sb.blockCount());
        assertTrue(sb.add(2000, 3000), "merging still works when full");
        assertEquals(1, sb.blockCount());
    }

    /** RFC 6675 section 4 IsLost: DupThresh ranges above, or more than (DupThresh-1)*SMSS octets. */
    @Test
    void rfc6675_4_isLost() {
        SackScoreboard sb = new SackScoreboard(8);
        sb.add(1000, 2000);
        assertFalse(sb.isLost(0, MSS), "one SMSS above: not lost");
        sb.add(2000, 3000);
        assertFalse(sb.isLost(0, MSS), "exactly 2*SMSS is not more than 2*SMSS");
        sb.add(3000, 3001);
        assertTrue(sb.isLost(0, MSS), "more than 2*SMSS SACKed above");
        SackScoreboard three = new SackScoreboard(8);
        three.add(1000, 1010);
        three.add(2000, 2010);
        assertFalse(three.isLost(0, MSS));
        three.add(3000, 3010);
        assertTrue(three.isLost(0, MSS), "three discontiguous SACKed ranges above");
        assertTrue(three.isLost(999, MSS));
        assertFalse(three.isLost(1500, MSS), "only two ranges above 1500");
    }

    /** RFC 6675 section 4 SetPipe: lost octets leave the pipe, retransmitted ones come back. */
    @Test
    void rfc6675_4_setPipe() {
        SackScoreboard sb = new SackScoreboard(8);
        // Flight 0..10000; 1000..2000 and 3000..6000 SACKed: 0..1000 and 2000..3000 are lost.
        sb.add(1000, 2000);
        sb.add(3000, 6000);
        assertEquals(4000, sb.pipe(0, 10_000, 0, MSS), "only 6000..10000 still in flight");
        assertEquals(5000, sb.pipe(0, 10_000, 1000, MSS), "plus the retransmission of 0..1000");
        assertEquals(6000, sb.pipe(0, 10_000, 3000, MSS), "retransmitted SACKed octets do not count");
        assertEquals(2000, sb.nextUnsacked(1000));
        assertEquals(3000, sb.holeEnd(2000, 10_000));
        assertEquals(6000, sb.nextUnsacked(3000));
        SackScoreboard none = new SackScoreboard(8);
        assertEquals(10_000, none.pipe(0, 10_000, 0, MSS), "no SACK: everything is in flight");
    }
}
